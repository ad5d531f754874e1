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
    /// Objects rendered twice in a state (of every object, before the targets select), each
    /// said once at the state that introduces it ([`duplicate_warnings`]).
    pub duplicates: Vec<String>,
}

/// One line per object rendered twice (same apiVersion, kind, namespace and name) in
/// `states`, said once at the state that introduces it, naming both JSON paths: what `render`,
/// `diff`, `export` and `runbook` warn about (`check` reports them as errors).
pub fn duplicate_warnings<'a>(states: impl IntoIterator<Item = &'a RenderedStep>) -> Vec<String> {
    let states: Vec<&RenderedStep> = states.into_iter().collect();
    crate::manifest::new_duplicates(states.iter().map(|s| &s.manifests[..]))
        .into_iter()
        .map(|(i, dup)| {
            let state = &states[i];
            let place = match state.index {
                None => "the environment before any step".to_string(),
                Some(_) => format!("step {} ({})", state.id, state.name),
            };
            format!(
                "{place}: {dup}; on a cluster the copy applied last silently replaces the other"
            )
        })
        .collect()
}

impl DiffReport {
    /// Every config step of `run`, diffing the objects `targets` keeps (on all cores).
    pub fn of_run(mut run: PlanRun, options: &DiffOptions, targets: &Targets) -> Self {
        let duplicates = duplicate_warnings(&run.steps);
        let trailer = Some((run.timeline(), run.check().summary()));
        for state in &mut run.steps {
            state.manifests.retain(|m| targets.keeps(m));
        }
        let diffs = run.diffs(options);
        let steps = run.steps.into_iter().skip(1).zip(diffs).collect();
        Self {
            steps,
            trailer,
            duplicates,
        }
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
        let mut duplicates = Vec::new();
        let steps = match render_step_pair(renderer, plan, params, id)? {
            (_, None) => Vec::new(),
            (_, Some([mut before, mut after])) => {
                duplicates = duplicate_warnings([&before, &after]);
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
            duplicates,
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
