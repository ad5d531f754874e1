//! `tkstep plan`: list the steps of a plan, adapted to an environment when one is given.

use clap::Args;
use tkstep::overlay::AdaptedPlan;

use super::common::{EnvArgs, PlanArgs};
use super::{EXIT_OK, output};

/// List the steps of a plan: ids, names, kinds, descriptions and overlay files; with an
/// environment, also how the plan adapts to it.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tkstep plan
  tkstep plan testdata/project/environments/mimir-microservices --json")]
pub struct PlanCmdArgs {
    /// The environment to adapt the plan to (optional).
    pub env: Option<std::path::PathBuf>,
    /// Inline environments: select the one whose name contains this (exact match wins).
    #[arg(long)]
    pub name: Option<String>,
    /// Print JSON: [{id, name, kind, description, …, overlay, adaptations}].
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub plan: PlanArgs,
}

/// Run `tkstep plan`.
pub fn run(args: &PlanCmdArgs) -> anyhow::Result<u8> {
    let adapted = match &args.env {
        Some(env) => {
            let env = EnvArgs {
                env: env.clone(),
                name: args.name.clone(),
            };
            args.plan.adapted(&env.open()?)?
        }
        None => {
            let (plan, params) = args.plan.select(None)?;
            AdaptedPlan::as_written(plan, &params)
        }
    };
    let text = if args.json {
        serde_json::to_string_pretty(&adapted.to_json())? + "\n"
    } else {
        adapted.to_text()
    };
    output::print(&text)?;
    Ok(EXIT_OK)
}
