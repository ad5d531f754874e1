//! `tkstep compare`: the optional step-2 double-check, each microservice's spec against its
//! read-write counterpart.

use clap::Args;
use tkstep::compare;

use super::common::{EnvArgs, PlanArgs};
use super::{Exit, output};

/// Render step 2 of the plan (migration mode, read-write components at zero) and compare the
/// `.spec` of each microservice workload with its read-write counterpart: normalized (sorted
/// args, names/labels/selectors ignored — the report lists what), as unified diffs and a
/// summary of which pairs differ in args, resources, volumes, env or anything else.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tkstep compare testdata/project/environments/mimir-microservices
  tkstep compare testdata/project/environments/mimir-microservices --json

Exit codes: 0 (the comparison is informational), 1 evaluation or input error.")]
pub struct CompareArgs {
    #[command(flatten)]
    pub env: EnvArgs,
    /// Print the comparison as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub plan: PlanArgs,
}

/// Run `tkstep compare`.
pub fn run(args: &CompareArgs) -> anyhow::Result<Exit> {
    let (renderer, adapted) = args.plan.adapted(args.env.open()?)?;
    let comparison = compare::compare_env(&renderer, &adapted)?;
    let text = if args.json {
        comparison.to_json()? + "\n"
    } else {
        comparison.to_text()
    };
    output::print(&text)?;
    Ok(Exit::Ok)
}
