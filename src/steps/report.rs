//! [`DiffReport`]: what `tkstep diff` prints for one environment, as text or JSON.

use super::{PlanRun, RenderedStep, render_step_pair};
use crate::Result;
use crate::check::Summary;
use crate::diff::{DiffOptions, StepDiff, StepJson, Timeline};
use crate::escape::control;
use crate::manifest::Targets;
use crate::plan::{Params, Plan};
use crate::render::Renderer;

/// Each config step's diff against the state before it (of the objects the targets select),
/// and for a whole plan the replica timeline and the checks' counts (of every object).
#[derive(Debug, Clone)]
pub struct DiffReport {
    /// Each config step shown: the state after it, and its diff.
    pub steps: Vec<(RenderedStep, StepDiff)>,
    /// For a whole plan: the replica timeline and what the checks found.
    pub trailer: Option<(Timeline, Summary)>,
}

impl DiffReport {
    /// Every config step of `run`, diffing the objects `targets` keeps (on all cores).
    pub fn of_run(mut run: PlanRun, options: &DiffOptions, targets: &Targets) -> Self {
        let trailer = Some((run.timeline(), run.check().summary()));
        for state in &mut run.steps {
            state.manifests.retain(|m| targets.keeps(m));
        }
        let diffs = run.diffs(options);
        let steps = run.steps.into_iter().skip(1).zip(diffs).collect();
        Self { steps, trailer }
    }

    /// Only config step `id` of `plan` adapted to the environment: the two states around it
    /// are rendered, nothing else. Empty when `id` is not a config step (it changes no
    /// manifests); an unknown `id` is an error.
    pub fn of_step(
        renderer: &Renderer,
        plan: &Plan,
        params: &Params,
        id: &str,
        options: &DiffOptions,
        targets: &Targets,
    ) -> Result<Self> {
        let steps = match render_step_pair(renderer, plan, params, id)? {
            (_, None) => Vec::new(),
            (_, Some([mut before, mut after])) => {
                before.manifests.retain(|m| targets.keeps(m));
                after.manifests.retain(|m| targets.keeps(m));
                let diff = options.diff_step(
                    &before.label,
                    &after.label,
                    &before.manifests,
                    &after.manifests,
                );
                vec![(after, diff)]
            }
        };
        Ok(Self {
            steps,
            trailer: None,
        })
    }

    /// Whether any step shown changes anything.
    pub fn has_changes(&self) -> bool {
        self.steps.iter().any(|(_, d)| d.has_changes())
    }

    /// The text of `tkstep diff`: per step a `# step <id> <name>: <summary>` title, then its
    /// unified diffs (or, `summary_only`, its diffstat, coloured when `color`); then the
    /// replica timeline and the checks' counts.
    pub fn to_text(&self, summary_only: bool, color: bool) -> String {
        let mut text = String::new();
        for (rendered, diff) in &self.steps {
            text.push_str(&format!(
                "# step {} {}: {}\n",
                control(&rendered.id),
                control(&rendered.name),
                diff.summary()
            ));
            if summary_only {
                if diff.has_changes() {
                    text.push_str(&diff.diffstat().render(color));
                    text.push('\n');
                }
            } else {
                text.push_str(&diff.text());
            }
            text.push('\n');
        }
        if let Some((timeline, s)) = &self.trailer {
            text.push_str(&format!(
                "# replica timeline\n{}\n# checks: {} error(s), {} warning(s), {} note(s) — run \
                 `tkstep check` for details\n",
                timeline.render(),
                s.errors,
                s.warnings,
                s.info
            ));
        }
        text
    }

    /// The steps as pretty JSON (`tkstep diff --json`: [`StepJson`] per step).
    pub fn to_json(&self) -> serde_json::Result<String> {
        let json: Vec<StepJson> = self
            .steps
            .iter()
            .map(|(r, d)| d.to_json(&r.id, &r.name))
            .collect();
        serde_json::to_string_pretty(&json)
    }
}
