//! Option groups shared by several commands, and the work they resolve to.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use tkstep::env::Selector;
use tkstep::manifest::Targets;
use tkstep::plan::{
    AdaptedPlan, BUILTIN_PLANS, Params, Plan, PlanSource, ReadScaling, TO_READ_WRITE,
};
use tkstep::preflight::{FollowOptions, Preparation};
use tkstep::steps::{self, PlanRun, RunSettings};
use tkstep::{OpenOptions, Renderer};

use super::UsageError;

/// Which environment to open.
#[derive(Debug, Default, Args)]
pub struct EnvArgs {
    /// The environment: its directory, its main.jsonnet, or a path inside it.
    pub env: PathBuf,
    /// Inline environments: select the one whose name contains this (exact match wins).
    #[arg(long)]
    pub name: Option<String>,
    /// Set the external variable NAME to the string VALUE (`std.extVar`), as `tk -V`.
    #[arg(short = 'V', long = "ext-str", value_name = "NAME=VALUE", value_parser = name_value)]
    pub ext_str: Vec<NameValue>,
    /// Set the external variable NAME to the value of Jsonnet CODE.
    #[arg(long = "ext-code", value_name = "NAME=CODE", value_parser = name_value)]
    pub ext_code: Vec<NameValue>,
    /// Set the external variable NAME to the contents of FILE.
    #[arg(long = "ext-str-file", value_name = "NAME=FILE", value_parser = name_value)]
    pub ext_str_file: Vec<NameValue>,
    /// Set the external variable NAME to the value of the Jsonnet file FILE.
    #[arg(long = "ext-code-file", value_name = "NAME=FILE", value_parser = name_value)]
    pub ext_code_file: Vec<NameValue>,
    /// Pass the string VALUE as top-level argument NAME (when main.jsonnet is a function), as
    /// `tk -A`.
    #[arg(short = 'A', long = "tla-str", value_name = "NAME=VALUE", value_parser = name_value)]
    pub tla_str: Vec<NameValue>,
    /// Pass the value of Jsonnet CODE as top-level argument NAME.
    #[arg(long = "tla-code", value_name = "NAME=CODE", value_parser = name_value)]
    pub tla_code: Vec<NameValue>,
    /// Pass the contents of FILE as top-level argument NAME.
    #[arg(long = "tla-str-file", value_name = "NAME=FILE", value_parser = name_value)]
    pub tla_str_file: Vec<NameValue>,
    /// Pass the value of the Jsonnet file FILE as top-level argument NAME.
    #[arg(long = "tla-code-file", value_name = "NAME=FILE", value_parser = name_value)]
    pub tla_code_file: Vec<NameValue>,
}

impl EnvArgs {
    /// Open the environment.
    pub fn open(&self) -> anyhow::Result<Renderer> {
        Ok(Renderer::open(&self.env, &self.options())?)
    }

    /// The open options these flags give: every variable and argument as Jsonnet code, as
    /// Tanka passes them (strings JSON-quoted, files imported from the working directory).
    pub fn options(&self) -> OpenOptions {
        let code = |flags: [Flag<'_>; 4]| -> Vec<(String, String)> {
            flags
                .iter()
                .flat_map(|(values, kind)| values.iter().map(|v| as_code(v, *kind)))
                .collect()
        };
        OpenOptions {
            name: self.name.clone(),
            ext_code: code(self.ext_flags()),
            tla_code: code(self.tla_flags()),
            substitutes: Vec::new(),
        }
    }

    /// Whether any external variable or top-level argument is given.
    pub fn has_variables(&self) -> bool {
        self.ext_flags()
            .iter()
            .chain(&self.tla_flags())
            .any(|(values, _)| !values.is_empty())
    }

    /// The external variable flags, in the order their values are applied.
    fn ext_flags(&self) -> [Flag<'_>; 4] {
        [
            (&self.ext_str, Kind::Str),
            (&self.ext_code, Kind::Code),
            (&self.ext_str_file, Kind::StrFile),
            (&self.ext_code_file, Kind::CodeFile),
        ]
    }

    /// The top-level argument flags, in the order their values are applied.
    fn tla_flags(&self) -> [Flag<'_>; 4] {
        [
            (&self.tla_str, Kind::Str),
            (&self.tla_code, Kind::Code),
            (&self.tla_str_file, Kind::StrFile),
            (&self.tla_code_file, Kind::CodeFile),
        ]
    }
}

/// A `NAME=...` flag: its values, how they become Jsonnet code.
type Flag<'a> = (&'a Vec<NameValue>, Kind);

/// The value of a `NAME=VALUE` flag (`--ext-str`, `--tla-code-file`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameValue {
    /// The variable or argument name (not empty).
    pub name: String,
    /// Everything after the first `=` (may be empty).
    pub value: String,
}

/// Parse `NAME=VALUE` (clap value parser: a malformed value is a usage error).
fn name_value(text: &str) -> Result<NameValue, String> {
    match text.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok(NameValue {
            name: name.to_string(),
            value: value.to_string(),
        }),
        Some(_) => Err("the NAME before '=' is empty".to_string()),
        None => Err("expected NAME=VALUE (e.g. cluster=dev)".to_string()),
    }
}

/// How a `NAME=...` flag's value becomes Jsonnet code.
#[derive(Clone, Copy)]
enum Kind {
    /// A string: JSON-quoted.
    Str,
    /// Jsonnet code, as is.
    Code,
    /// A file's contents as a string: `importstr @"FILE"`.
    StrFile,
    /// A Jsonnet file's value: `import @"FILE"`.
    CodeFile,
}

/// A `NAME=VALUE` flag value as (NAME, Jsonnet code).
fn as_code(NameValue { name, value }: &NameValue, kind: Kind) -> (String, String) {
    // A verbatim string: `"` is written twice.
    let verbatim = || format!("@\"{}\"", value.replace('"', "\"\""));
    let code = match kind {
        Kind::Str => serde_json::Value::from(value.as_str()).to_string(),
        Kind::Code => value.to_string(),
        Kind::StrFile => format!("importstr {}", verbatim()),
        Kind::CodeFile => format!("import {}", verbatim()),
    };
    (name.clone(), code)
}

/// `-t/--target`: which objects to show, as `tk show -t` / `tk diff -t`.
#[derive(Debug, Args)]
pub struct TargetArgs {
    /// Only objects whose `<kind>/<name>` matches this regular expression (whole string, case
    /// insensitive, e.g. `statefulset/ingester-zone-.*`); `!expr` excludes. Repeatable.
    #[arg(short = 't', long = "target", value_name = "REGEX", value_parser = target)]
    pub targets: Vec<String>,
}

impl TargetArgs {
    /// The compiled targets: call before rendering anything, so that a bad expression fails
    /// first.
    pub fn compile(&self) -> anyhow::Result<Targets> {
        Ok(Targets::new(&self.targets)?)
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
    /// Built-in plan to follow (default: to-read-write): to-read-write (microservices →
    /// read-write), to-microservices (read-write → microservices), consul-to-memberlist,
    /// query-scheduler-ring, ruler-remote-evaluation, memberlist-cluster-label (`tkstep plan`
    /// lists them); `none` (export only): the environment as it is, in `tk export`'s layout.
    #[arg(long, value_name = "NAME", value_parser = plan_names())]
    pub plan: Option<String>,
    /// Follow the plan in this YAML or JSON file instead of a built-in plan (see
    /// `tkstep plan --export yaml` for a starting point).
    #[arg(long, value_name = "PATH", conflicts_with = "plan")]
    pub plan_file: Option<PathBuf>,
    /// mimir-read replicas set in step 3.1 (fixed scaling).
    #[arg(long, default_value_t = 3, conflicts_with = "read_autoscaling", value_parser = at_least_one())]
    pub read_replicas: u32,
    /// Scale mimir-read with its autoscaler in step 3.1, as MIN:MAX (the procedure's example: 3:30).
    #[arg(long, value_name = "MIN:MAX", value_parser = parse_min_max)]
    pub read_autoscaling: Option<(u32, u32)>,
    /// mimir-write replicas set in step 6.1.
    #[arg(long, default_value_t = 3, value_parser = at_least_one())]
    pub write_replicas: u32,
    /// mimir-backend replicas set in step 4.1.
    #[arg(long, default_value_t = 3, value_parser = at_least_one())]
    pub backend_replicas: u32,
    /// Ingester zones, scaled down one per step in 7.2.
    #[arg(long, value_delimiter = ',', default_value = "a,b,c", value_parser = zone)]
    pub zones: Vec<String>,
    /// Whether ruler remote evaluation is in use (step 5.3 has nothing to do otherwise).
    #[arg(long, value_enum, default_value_t = Tristate::Auto)]
    pub ruler_remote_eval: Tristate,
    /// Jsonnet import providing k.apps.v1.deployment/statefulSet for replica overrides
    /// (default: what the environment already imports, else ksonnet-util/kausal.libsonnet).
    #[arg(long, value_name = "IMPORT", value_parser = k8s_import)]
    pub k8s_import: Option<String>,
    /// to-microservices: multi-zone ingester replica total set in step 6.1 (default: the
    /// environment's mimir_write_replicas).
    #[arg(long, value_name = "N", value_parser = at_least_one())]
    pub ingester_replicas: Option<u32>,
    /// to-microservices: multi-zone store-gateway replica total set in step 4.1 (default: the
    /// environment's mimir_backend_replicas).
    #[arg(long, value_name = "N", value_parser = at_least_one())]
    pub store_gateway_replicas: Option<u32>,
    /// memberlist-cluster-label: the label to set (default: the environment's namespace).
    #[arg(long, value_name = "LABEL")]
    pub cluster_label: Option<String>,
    /// The environment is part-way: take it as it is as the state after step STEP and follow
    /// the remaining steps.
    #[arg(long, value_name = "STEP")]
    pub from: Option<String>,
    /// to-read-write: do not chain consul-to-memberlist / query-scheduler-ring in front on an
    /// environment with Consul rings or DNS query-scheduler discovery.
    #[arg(long)]
    pub no_prerequisites: bool,
}

/// The environment is already where the plan leads: the command prints the message and exits 0.
#[derive(Debug)]
pub struct NothingToDo(pub String);

impl std::fmt::Display for NothingToDo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NothingToDo {}

/// `--plan none`: no plan (only `export` accepts it).
pub const PLAN_NONE: &str = "none";

/// The values `--plan` accepts: the built-in plans and `none`.
fn plan_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(BUILTIN_PLANS.iter().copied().chain([PLAN_NONE]))
}

/// `--read-autoscaling MIN:MAX`: two whole numbers, 1 <= MIN <= MAX.
fn parse_min_max(text: &str) -> Result<(u32, u32), String> {
    let (min, max) = text
        .split_once(':')
        .ok_or_else(|| "expected MIN:MAX (e.g. 3:30)".to_string())?;
    let parse = |s: &str| {
        s.trim()
            .parse::<u32>()
            .map_err(|_| format!("'{s}' is not a whole number"))
    };
    let (min, max) = (parse(min)?, parse(max)?);
    if min == 0 || max < min {
        return Err(format!("needs 1 <= MIN <= MAX (got MIN {min}, MAX {max})"));
    }
    Ok((min, max))
}

/// A replica count: a whole number of at least 1.
fn at_least_one() -> clap::builder::RangedU64ValueParser<u32> {
    clap::builder::RangedU64ValueParser::new().range(1..=u64::from(u32::MAX))
}

/// One `--zones` entry: lowercase letters, digits and `-`, as Kubernetes names allow.
fn zone(text: &str) -> Result<String, String> {
    let valid = !text.is_empty()
        && !text.starts_with('-')
        && !text.ends_with('-')
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if valid {
        Ok(text.to_string())
    } else {
        Err("a zone is lowercase letters, digits and '-' (e.g. a,b,c)".to_string())
    }
}

/// `--k8s-import`: not blank.
fn k8s_import(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        Err("the import path must not be empty".to_string())
    } else {
        Ok(text.to_string())
    }
}

/// `-l/--selector`: a Kubernetes label selector over environment labels.
pub fn selector(text: &str) -> Result<Selector, String> {
    Selector::parse(text).map_err(|e| e.reason)
}

/// `-t/--target`: a valid expression (compiled again with the others by [`TargetArgs::compile`]).
fn target(text: &str) -> Result<String, String> {
    Targets::new(&[text.to_string()]).map_err(|e| e.to_string())?;
    Ok(text.to_string())
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
            cluster_label: self.cluster_label.clone(),
        };
        // The value parsers check each value; a zone listed twice is seen only here.
        let repeated = (self.zones.iter().enumerate()).find(|(i, z)| self.zones[..*i].contains(z));
        if let Some((_, zone)) = repeated {
            return Err(UsageError::new(format!(
                "invalid value '{}' for '--zones <ZONES>': zone '{zone}' is listed twice",
                self.zones.join(",")
            ))
            .into());
        }
        params
            .validate()
            .map_err(|e| UsageError::new(e.to_string()))?;
        Ok(params)
    }

    /// Where the plan comes from: the `--plan-file` when given, else the built-in `--plan`.
    pub fn source(&self) -> PlanSource {
        match &self.plan_file {
            Some(path) => PlanSource::File(path.clone()),
            None => PlanSource::Builtin(self.plan_name().to_string()),
        }
    }

    /// The plan as written, without an environment (`--from` keeps the steps after it).
    pub fn as_written(&self) -> anyhow::Result<(Plan, Params)> {
        self.refuse_none()?;
        let (plan, params) = steps::select_plan(&self.source(), &self.params()?, None)?;
        let plan = match &self.from {
            Some(from) => tkstep::plan::remaining_after(&plan, from)?,
            None => plan,
        };
        Ok((plan, params))
    }

    /// The plan every command follows on the environment behind `renderer`
    /// ([`tkstep::preflight::prepare`]: prerequisites, where the environment stands, `--from`,
    /// an imported overlay), and the renderer to render it with (another one when the plan
    /// resumes after an overlay the environment imports). Notes go to stderr; an environment
    /// already where the plan leads is [`NothingToDo`].
    pub fn follow(&self, renderer: Renderer) -> anyhow::Result<(Renderer, Plan, Params)> {
        self.refuse_none()?;
        let options = FollowOptions::default()
            .from(self.from.clone())
            .no_prerequisites(self.no_prerequisites);
        let prepared =
            tkstep::preflight::prepare(&renderer, &self.source(), &self.params()?, &options)?;
        match prepared {
            Preparation::Follow(follow) => {
                for note in &follow.notes {
                    eprintln!("note: {note}");
                }
                let follow = *follow;
                let renderer = follow.renderer.unwrap_or(renderer);
                Ok((renderer, follow.plan, follow.params))
            }
            Preparation::Done(message) => Err(NothingToDo(message).into()),
            Preparation::Stop(message) => Err(anyhow::Error::msg(message)),
        }
    }

    /// `--plan none` is only for export.
    fn refuse_none(&self) -> anyhow::Result<()> {
        if self.plan.as_deref() == Some(PLAN_NONE) && self.plan_file.is_none() {
            anyhow::bail!("--plan none only applies to export (the environment as it is, no plan)");
        }
        Ok(())
    }

    /// The plan adapted to the environment behind `renderer` and rendered at every step, on
    /// every core, with the renderer it was rendered with ([`PlanArgs::follow`]). The process
    /// exits after the command: the evaluator threads leak their objects rather than collect
    /// them.
    pub fn run(&self, renderer: Renderer) -> anyhow::Result<(Renderer, PlanRun)> {
        let (renderer, plan, params) = self.follow(renderer)?;
        let settings = RunSettings::default().leak_at_exit(true);
        let run = PlanRun::with_settings(&renderer, &plan, &params, &settings)?;
        Ok((renderer, run))
    }

    /// The built-in plan named by `--plan`, or the default, to-read-write.
    pub fn plan_name(&self) -> &str {
        self.plan.as_deref().unwrap_or(TO_READ_WRITE)
    }

    /// Whether neither `--plan` nor `--plan-file` is given.
    pub fn is_default(&self) -> bool {
        self.plan.is_none() && self.plan_file.is_none()
    }

    /// The plan adapted to the environment behind `renderer` ([`PlanArgs::follow`]), with the
    /// renderer it was adapted to.
    pub fn adapted(&self, renderer: Renderer) -> anyhow::Result<(Renderer, AdaptedPlan)> {
        let (renderer, plan, params) = self.follow(renderer)?;
        let adapted = steps::adapt_plan(&renderer, &plan, &params)?;
        Ok((renderer, adapted))
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
    /// Resolve to yes/no once, before any work. `auto` asks anstream about stdout: colour on a
    /// terminal unless `NO_COLOR` is set to a non-empty value (<https://no-color.org>: an empty
    /// one changes nothing), `CLICOLOR=0` or `TERM=dumb`/unset; `CLICOLOR_FORCE` forces it.
    pub fn enabled(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
            }
        }
    }
}
