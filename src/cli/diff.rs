//! `tkstep diff`: what every step of the plan changes in the rendered manifests.

use clap::Args;
use tkstep::diff::DiffOptions;
use tkstep::steps::{DiffReport, PlanRun, RunSettings};

use super::common::{ColorChoice, EnvArgs, PlanArgs, TargetArgs};
use super::{Exit, output};

/// Render every step of the plan and show what each changes: per-object unified diffs in
/// `tk diff` style, a summary line per step, the replica timeline and the safety checks.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tkstep diff testdata/project/environments/mimir-microservices
  tkstep diff testdata/project/environments/mimir-microservices --step 5.2
  tkstep diff testdata/project/environments/mimir-microservices -t 'statefulset/ingester-zone-.*'
  tkstep diff testdata/project/environments/mimir-microservices --summary
  tkstep diff testdata/project/environments/mimir-microservices --json > steps.json
  tkstep diff testdata/repo --recursive

-t/--target selects the objects whose diffs are shown; the replica timeline and the checks
always cover every object.

Exit codes: 0 success (16 with --exit-code when a step changes anything), 1 error.
With --recursive: 1 if any environment failed, else 16 with --exit-code when the plan changes
anything in any environment, else 0.")]
pub struct DiffArgs {
    #[command(flatten)]
    pub env: EnvArgs,
    /// Only this step's diff (against the state before it; only those two states are rendered).
    #[arg(long, value_name = "ID")]
    pub step: Option<String>,
    /// Only the summary line per step, a diffstat, and the replica timeline.
    #[arg(long)]
    pub summary: bool,
    /// Print JSON: [{step, name, changes: [{kind, namespace, name, change, diff}]}].
    #[arg(long, conflicts_with = "summary")]
    pub json: bool,
    /// Colour the diff (additions green, deletions red, headers bold).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Exit with 16 when any shown step changes anything (as `tk diff` does).
    #[arg(long)]
    pub exit_code: bool,
    /// Show Secret values instead of redacting them.
    #[arg(long)]
    pub show_secrets: bool,
    #[command(flatten)]
    pub targets: TargetArgs,
    #[command(flatten)]
    pub plan: PlanArgs,
    #[command(flatten)]
    pub recursive: super::recursive::RecursiveArgs,
}

/// Run `tkstep diff`.
pub fn run(args: &DiffArgs) -> anyhow::Result<Exit> {
    if args.recursive.recursive {
        return super::recursive::run_diff(args);
    }
    let targets = args.targets.compile()?;
    let color = !args.json && args.color.enabled();
    let (renderer, plan, params) = args.plan.follow(args.env.open()?)?;
    if let Some(id) = &args.step {
        plan.index_of(id)?;
    }
    let mut options = DiffOptions::new();
    options.color(color).show_secrets(args.show_secrets);
    let report = match &args.step {
        Some(id) => DiffReport::of_step(&renderer, &plan, &params, id, &options, &targets)?,
        None => {
            let settings = RunSettings::default().leak_at_exit(true);
            let run = PlanRun::with_settings(&renderer, &plan, &params, &settings)?;
            DiffReport::of_run(run, &options, &targets)
        }
    };
    for line in &report.duplicates {
        eprintln!("warning: {line}");
    }
    if let Some(id) = &args.step
        && report.steps.is_empty()
    {
        let step = plan.step(id).map(|s| s.kind.as_str()).unwrap_or("unknown");
        eprintln!("Step {id} is a {step} step: it changes no manifests.");
    }
    let changed = report.has_changes();
    let text = if args.json {
        report.to_json()? + "\n"
    } else {
        report.to_text(args.summary, color)
    };
    output::print(&text)?;
    super::exit_with((report, renderer));
    if !changed && !args.json {
        eprintln!("No differences.");
    }
    Ok(if args.exit_code && changed {
        Exit::Differences
    } else {
        Exit::Ok
    })
}
