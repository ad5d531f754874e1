//! `tkstep render`: print an environment's manifests like `tk show`, optionally as they will be
//! after a plan step.

use clap::{Args, ValueEnum};
use tkstep::{manifest, steps};

use super::common::{EnvArgs, PlanArgs, TargetArgs};
use super::{Exit, output};

/// Output format of rendered manifests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A YAML stream byte-identical to `tk show`.
    Yaml,
    /// A JSON array of the manifests.
    Json,
}

/// Print an environment's Kubernetes manifests exactly as `tk show` would.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tkstep render testdata/project/environments/mimir-microservices
  tkstep render testdata/project/environments/mimir-microservices --step 5.2
  tkstep render testdata/project/environments/mimir-microservices -t 'statefulset/ingester-.*'
  tkstep render testdata/project/environments/inline --name inline-prod --format json")]
pub struct RenderArgs {
    #[command(flatten)]
    pub env: EnvArgs,
    /// Render the environment as it will be after this plan step (e.g. 2, 5.2, 7.2a).
    #[arg(long, value_name = "ID")]
    pub step: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Yaml)]
    pub format: Format,
    #[command(flatten)]
    pub targets: TargetArgs,
    #[command(flatten)]
    pub plan: PlanArgs,
}

/// Run `tkstep render`.
pub fn run(args: &RenderArgs) -> anyhow::Result<Exit> {
    let targets = args.targets.compile()?;
    let (renderer, mut manifests) = match &args.step {
        None => {
            let renderer = args.env.open()?;
            let manifests = renderer.render(None)?;
            (renderer, manifests)
        }
        Some(id) => {
            let (renderer, plan) = args.plan.adapted(args.env.open()?)?;
            let manifests = steps::render_step(&renderer, &plan, id)?;
            (renderer, manifests)
        }
    };
    let what = match &args.step {
        None => "the environment".to_string(),
        Some(id) => format!("after step {id}"),
    };
    super::duplicates::warn([(what, &manifests[..])]);
    manifests.retain(|m| targets.keeps(m));
    let text = match args.format {
        Format::Yaml => manifest::to_yaml_stream(&manifests),
        Format::Json => manifest::to_json_array(&manifests)? + "\n",
    };
    output::print(&text)?;
    super::exit_with((renderer, manifests));
    Ok(Exit::Ok)
}
