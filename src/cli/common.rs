//! Option groups shared by several commands, and the work they resolve to.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use tkstep::manifest::{self, Manifest};
use tkstep::overlay::AdaptedPlan;
use tkstep::plan::{BUILTIN_PLANS, Params, Plan, ReadScaling, TO_MICROSERVICES, TO_READ_WRITE};
use tkstep::{OpenOptions, Renderer, steps};

/// Which environment to open.
#[derive(Debug, Args)]
pub struct EnvArgs {
    /// The environment: its directory, its main.jsonnet, or a path inside it.
    pub env: PathBuf,
    /// Inline environments: select the one whose name contains this (exact match wins).
    #[arg(long)]
    pub name: Option<String>,
}

impl EnvArgs {
    /// Open the environment.
    pub fn open(&self) -> anyhow::Result<Renderer> {
        Ok(Renderer::open(
            &self.env,
            &OpenOptions {
                name: self.name.clone(),
            },
        )?)
    }
}

/// `-t/--target`: which objects to show, as `tk show -t` / `tk diff -t`.
#[derive(Debug, Args)]
pub struct TargetArgs {
    /// Only objects whose `<kind>/<name>` matches this regular expression (whole string, case
    /// insensitive, e.g. `statefulset/ingester-zone-.*`); `!expr` excludes. Repeatable.
    #[arg(short = 't', long = "target", value_name = "REGEX")]
    pub targets: Vec<String>,
}

impl TargetArgs {
    /// Fail on a target that is not a valid regular expression (before anything is rendered).
    pub fn validate(&self) -> anyhow::Result<()> {
        manifest::filter_targets(&[], &self.targets)?;
        Ok(())
    }

    /// The manifests the targets select (all of them without targets).
    pub fn select(&self, manifests: Vec<Manifest>) -> anyhow::Result<Vec<Manifest>> {
        if self.targets.is_empty() {
            return Ok(manifests);
        }
        Ok(manifest::filter_targets(&manifests, &self.targets)?)
    }
}

/// `--ruler-remote-eval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Tristate {
    /// Read it from the environment's `_config`.
    Auto,
    /// In use.
    Yes,
    /// Not in use.
    No,
}

/// Which plan, with which parameters.
#[derive(Debug, Args)]
#[command(next_help_heading = "Plan")]
pub struct PlanArgs {
    /// Built-in plan to follow: to-read-write (microservices → read-write) or to-microservices
    /// (read-write → microservices).
    #[arg(long, default_value = TO_READ_WRITE, value_parser = clap::builder::PossibleValuesParser::new(BUILTIN_PLANS))]
    pub plan: String,
    /// Follow the plan in this YAML or JSON file instead of a built-in plan (see
    /// `tkstep plan --export yaml` for a starting point).
    #[arg(long, value_name = "PATH", conflicts_with = "plan")]
    pub plan_file: Option<PathBuf>,
    /// mimir-read replicas set in step 3.1 (fixed scaling).
    #[arg(long, default_value_t = 3, conflicts_with = "read_autoscaling")]
    pub read_replicas: u32,
    /// Scale mimir-read with its autoscaler in step 3.1, as MIN:MAX (the procedure's example: 3:30).
    #[arg(long, value_name = "MIN:MAX", value_parser = parse_min_max)]
    pub read_autoscaling: Option<(u32, u32)>,
    /// mimir-write replicas set in step 6.1.
    #[arg(long, default_value_t = 3)]
    pub write_replicas: u32,
    /// mimir-backend replicas set in step 4.1.
    #[arg(long, default_value_t = 3)]
    pub backend_replicas: u32,
    /// Ingester zones, scaled down one per step in 7.2.
    #[arg(long, value_delimiter = ',', default_value = "a,b,c")]
    pub zones: Vec<String>,
    /// Whether ruler remote evaluation is in use (step 5.3 has nothing to do otherwise).
    #[arg(long, value_enum, default_value_t = Tristate::Auto)]
    pub ruler_remote_eval: Tristate,
    /// Jsonnet import providing k.apps.v1.deployment/statefulSet for replica overrides
    /// (default: what the environment already imports, else ksonnet-util/kausal.libsonnet).
    #[arg(long, value_name = "IMPORT")]
    pub k8s_import: Option<String>,
    /// to-microservices: multi-zone ingester replica total set in step 6.1 (default: the
    /// environment's mimir_write_replicas).
    #[arg(long, value_name = "N")]
    pub ingester_replicas: Option<u32>,
    /// to-microservices: multi-zone store-gateway replica total set in step 4.1 (default: the
    /// environment's mimir_backend_replicas).
    #[arg(long, value_name = "N")]
    pub store_gateway_replicas: Option<u32>,
}

fn parse_min_max(text: &str) -> Result<(u32, u32), String> {
    let (min, max) = text
        .split_once(':')
        .ok_or_else(|| format!("expected MIN:MAX (e.g. 3:30), got '{text}'"))?;
    let parse = |s: &str| {
        s.trim()
            .parse::<u32>()
            .map_err(|_| format!("'{s}' is not a whole number"))
    };
    Ok((parse(min)?, parse(max)?))
}

impl PlanArgs {
    /// The plan parameters.
    pub fn params(&self) -> anyhow::Result<Params> {
        let params = Params {
            read_scaling: match self.read_autoscaling {
                Some((min, max)) => ReadScaling::Autoscaling { min, max },
                None => ReadScaling::Fixed(self.read_replicas),
            },
            write_replicas: self.write_replicas,
            backend_replicas: self.backend_replicas,
            zones: self.zones.clone(),
            ruler_remote_evaluation: match self.ruler_remote_eval {
                Tristate::Auto => None,
                Tristate::Yes => Some(true),
                Tristate::No => Some(false),
            },
            k8s_import: self.k8s_import.clone(),
            ingester_replicas: self.ingester_replicas,
            store_gateway_replicas: self.store_gateway_replicas,
        };
        params.validate()?;
        Ok(params)
    }

    /// The plan every command follows: the `--plan-file` when given, else the built-in
    /// `--plan`. With an environment, parameters left to it are read from it first (the
    /// reverse plan's replica totals); without one, the plan is as written.
    pub fn select(&self, renderer: Option<&Renderer>) -> anyhow::Result<(Plan, Params)> {
        let mut params = self.params()?;
        if let Some(path) = &self.plan_file {
            return Ok((Plan::from_file(path)?, params));
        }
        if let Some(renderer) = renderer
            && self.plan == TO_MICROSERVICES
        {
            params = steps::resolve_params(renderer, &params)?;
        }
        Ok((Plan::builtin(&self.plan, &params)?, params))
    }

    /// The plan adapted to the environment behind `renderer`.
    pub fn adapted(&self, renderer: &Renderer) -> anyhow::Result<AdaptedPlan> {
        let (plan, params) = self.select(Some(renderer))?;
        Ok(steps::adapt_plan(renderer, &plan, &params)?)
    }
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal (and NO_COLOR is unset, TERM is not dumb).
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    /// Resolve to yes/no once, before any work.
    pub fn enabled(self) -> bool {
        use std::io::IsTerminal;
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                if std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
                    return true;
                }
                std::env::var_os("NO_COLOR").is_none()
                    && std::env::var("TERM").map_or(true, |t| t != "dumb")
                    && std::io::stdout().is_terminal()
            }
        }
    }
}
