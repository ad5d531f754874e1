//! `tkstep plan`: list the steps of a plan, adapted to an environment when one is given.

use clap::Args;
use tkstep::plan::AdaptedPlan;
use tkstep::plan::{PlanFormat, write_plan};

use super::common::{EnvArgs, PlanArgs};
use super::{Exit, output};

/// List the built-in plans; or the steps of a plan: ids, names, kinds, descriptions and overlay
/// files; with an environment, also how the plan adapts to it. `--export` prints it as a plan
/// file.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tkstep plan
  tkstep plan --plan consul-to-memberlist
  tkstep plan testdata/project/environments/mimir-microservices --json
  tkstep plan --plan to-read-write --export yaml > my-plan.yaml
  tkstep diff testdata/project/environments/mimir-microservices --plan-file my-plan.yaml")]
pub struct PlanCmdArgs {
    /// The environment to adapt the plan to (optional).
    pub env: Option<std::path::PathBuf>,
    /// Inline environments: select the one whose name contains this (exact match wins).
    #[arg(long)]
    pub name: Option<String>,
    /// Print JSON: [{id, name, kind, description, …, overlay, adaptations}] (without an
    /// environment or plan: the catalogue, [{name, steps, description}]).
    #[arg(long, conflicts_with = "export")]
    pub json: bool,
    /// Print the plan as a plan file (yaml or json) to start your own from: as written, or
    /// adapted to the environment when one is given. Load it back with --plan-file.
    #[arg(long, value_name = "FORMAT", value_parser = ["yaml", "json"])]
    pub export: Option<String>,
    #[command(flatten)]
    pub plan: PlanArgs,
}

/// Run `tkstep plan`.
pub fn run(args: &PlanCmdArgs) -> anyhow::Result<Exit> {
    if args.env.is_none() && args.export.is_none() && args.plan.is_default() {
        let text = if args.json {
            serde_json::to_string_pretty(&tkstep::plan::catalogue())? + "\n"
        } else {
            tkstep::plan::catalogue_text()
        };
        output::print(&text)?;
        return Ok(Exit::Ok);
    }
    let adapted = match &args.env {
        Some(env) => {
            let env = EnvArgs {
                env: env.clone(),
                name: args.name.clone(),
                ..EnvArgs::default()
            };
            args.plan.adapted(env.open()?)?.1
        }
        None => {
            let (plan, params) = args.plan.as_written()?;
            AdaptedPlan::as_written(plan, &params)
        }
    };
    if let Some(format) = &args.export {
        let format: PlanFormat = format.parse().map_err(anyhow::Error::msg)?;
        output::print(&write_plan(&adapted.plan, format)?)?;
        return Ok(Exit::Ok);
    }
    let text = if args.json {
        serde_json::to_string_pretty(&adapted.to_json()?)? + "\n"
    } else {
        adapted.to_text()
    };
    output::print(&text)?;
    Ok(Exit::Ok)
}
