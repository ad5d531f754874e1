//! `tkstep diff`: what every step of the plan changes in the rendered manifests.

use clap::Args;
use tkstep::diff::{DiffOptions, EXIT_DIFFERENCES, StepDiff, StepJson};
use tkstep::escape::control;
use tkstep::steps::{self, PlanRun, RenderedStep};

use super::common::{ColorChoice, EnvArgs, PlanArgs, TargetArgs};
use super::{EXIT_OK, output};

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
pub fn run(args: &DiffArgs) -> anyhow::Result<u8> {
    if args.recursive.recursive {
        return super::recursive::run_diff(args);
    }
    let targets = args.targets.compile()?;
    let color = !args.json && args.color.enabled();
    let renderer = args.env.open()?;
    let (plan, params) = args.plan.select(Some(&renderer))?;
    if let Some(id) = &args.step {
        plan.index_of(id)?;
    }
    let mut options = DiffOptions::new();
    options.color(color).show_secrets(args.show_secrets);
    // Each diff (of the objects the targets select) with the config step it belongs to. One
    // step: only the two states around it are rendered; otherwise every state (steps[0] is
    // "before"), and `trailer` is the text after the diffs: the replica timeline and the checks
    // (of every object).
    let (shown, trailer): (Vec<(RenderedStep, StepDiff)>, _) = match &args.step {
        Some(id) => match steps::render_step_pair(&renderer, &plan, &params, id)? {
            (_, None) => (Vec::new(), None),
            (_, Some([mut before, mut after])) => {
                super::duplicates::warn_steps([&before, &after]);
                before.manifests.retain(|m| targets.keeps(m));
                after.manifests.retain(|m| targets.keeps(m));
                let diff = options.diff_step(
                    &before.label,
                    &after.label,
                    &before.manifests,
                    &after.manifests,
                );
                (vec![(after, diff)], None)
            }
        },
        None => {
            let mut run = PlanRun::new(&renderer, &plan, &params)?;
            super::duplicates::warn_steps(&run.steps);
            let trailer = (!args.json).then(|| {
                let s = run.check().summary();
                format!(
                    "# replica timeline\n{}\n# checks: {} error(s), {} warning(s), {} note(s) — run \
                     `tkstep check` for details\n",
                    run.timeline().render(),
                    s.errors,
                    s.warnings,
                    s.info
                )
            });
            for state in &mut run.steps {
                state.manifests.retain(|m| targets.keeps(m));
            }
            let diffs = run.diffs(&options);
            let states = std::mem::take(&mut run.steps);
            let shown = states.into_iter().skip(1).zip(diffs).collect();
            (shown, trailer)
        }
    };
    if let Some(id) = &args.step
        && shown.is_empty()
    {
        let step = plan.step(id).map(|s| s.kind.as_str()).unwrap_or("unknown");
        eprintln!("Step {id} is a {step} step: it changes no manifests.");
    }
    let changed = shown.iter().any(|(_, d)| d.has_changes());

    let mut text = String::new();
    if args.json {
        let json: Vec<StepJson> = shown
            .iter()
            .map(|(r, d)| d.to_json(&r.id, &r.name))
            .collect();
        text = serde_json::to_string_pretty(&json)? + "\n";
    } else {
        for (rendered, diff) in &shown {
            let title = format!(
                "# step {} {}: {}\n",
                control(&rendered.id),
                control(&rendered.name),
                diff.summary()
            );
            text.push_str(&title);
            if args.summary {
                if diff.has_changes() {
                    text.push_str(&diff.diffstat().render(color));
                    text.push('\n');
                }
            } else {
                text.push_str(&diff.text());
            }
            text.push('\n');
        }
        if let Some(trailer) = trailer {
            text.push_str(&trailer);
        }
    }
    output::print(&text)?;
    super::exit_with((shown, renderer));
    if !changed && !args.json {
        eprintln!("No differences.");
    }
    Ok(if args.exit_code && changed {
        EXIT_DIFFERENCES as u8
    } else {
        EXIT_OK
    })
}
