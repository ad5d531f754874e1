//! `tkstep check`: run the migration safety rules on every rendered step.

use clap::Args;

use super::common::{EnvArgs, PlanArgs};
use super::{Exit, output};

/// Check every step of the plan against the migration's invariants (read and write capacity,
/// store-gateway ring exit, ruler remote evaluation, one ingester zone per step, no surprise
/// removal of data-holding StatefulSets, a clean final state).
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tkstep check testdata/project/environments/mimir-microservices
  tkstep check testdata/project/environments/mimir-single-zone --json
  tkstep check testdata/repo --recursive

Exit codes: 0 no error found, 3 a rule found an error, 1 evaluation or input error.
With --recursive: 1 if any environment failed (this wins: an environment that could not be
checked matters more than a rule error elsewhere), else 3 if any environment has a rule error,
else 0. Skipped (not Mimir-like) environments never change the exit code.")]
pub struct CheckArgs {
    #[command(flatten)]
    pub env: EnvArgs,
    /// Print the findings as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub plan: PlanArgs,
    #[command(flatten)]
    pub recursive: super::recursive::RecursiveArgs,
}

/// Run `tkstep check`.
pub fn run(args: &CheckArgs) -> anyhow::Result<Exit> {
    if args.recursive.recursive {
        return super::recursive::run_check(args);
    }
    let (renderer, run) = args.plan.run(args.env.open()?)?;
    let findings = run.check();
    let text = if args.json {
        findings.to_json() + "\n"
    } else {
        findings.to_text()
    };
    output::print(&text)?;
    super::exit_with((renderer, run));
    Ok(if findings.has_errors() {
        Exit::Unsafe
    } else {
        Exit::Ok
    })
}
