//! Render every step of a plan on one environment.
//!
//! [`adapt_plan`] adapts a plan to the environment (through [`RendererProbe`], which answers the
//! plan's questions by rendering the environment), and [`PlanRun`] renders the environment
//! before any step and after each config step (with that step's cumulative overlay), reusing one
//! evaluator per thread so that libraries are parsed and evaluated once on each
//! ([`RunSettings`] says how many threads). [`select_plan`] picks the plan to follow and
//! [`resolve_params`] fills in what the environment decides.

mod parallel;
mod params;
mod probe;
mod report;

use std::collections::HashMap;

pub use parallel::RunSettings;
pub use params::{resolve_params, select_plan};
pub use probe::RendererProbe;
pub use report::{DiffReport, duplicate_warnings};

use crate::Result;
use crate::check::{self, Findings, StepRef};
use crate::diff::{DiffOptions, StepDiff, Timeline};
use crate::manifest::Manifest;
use crate::mimir::Direction;
use crate::overlay::{self, OverlayFile};
use crate::plan::{AdaptedPlan, Params, Plan};
use crate::render::Renderer;

/// The environment as rendered before a step (`index` `None`) or after a config step.
#[derive(Debug, Clone)]
pub struct RenderedStep {
    /// Index of the step in the plan; `None` for the environment before any step.
    pub index: Option<usize>,
    /// Step id (`before` for the environment as it is).
    pub id: String,
    /// Step name (`before` for the environment as it is).
    pub name: String,
    /// Label used for diff headers and export folders: `00-before`, `01-zone-awareness`, …,
    /// the last one `NN-final`.
    pub label: String,
    /// The cumulative overlay applied (`None` before any step).
    pub overlay: Option<OverlayFile>,
    /// The rendered manifests.
    pub manifests: Vec<Manifest>,
}

impl RenderedStep {
    /// The input of [`crate::check::run_refs`] for this step (borrowed, nothing copied).
    pub fn as_check_input(&self) -> StepRef<'_> {
        StepRef {
            id: &self.id,
            name: &self.name,
            manifests: &self.manifests,
        }
    }
}

/// Adapt `plan` to the environment behind `renderer` (see [`crate::plan::adapt()`]).
pub fn adapt_plan(renderer: &Renderer, plan: &Plan, params: &Params) -> Result<AdaptedPlan> {
    Ok(adapt_plan_keeping_renders(renderer, plan, params)?.0)
}

/// [`adapt_plan`], also returning the renders the adaptation made (for [`PlanRun::new`]).
fn adapt_plan_keeping_renders(
    renderer: &Renderer,
    plan: &Plan,
    params: &Params,
) -> Result<(AdaptedPlan, HashMap<String, Vec<Manifest>>)> {
    let mut probe = RendererProbe::new(renderer);
    let adapted = crate::plan::adapt(plan, params, &mut probe)?;
    Ok((adapted, probe.into_rendered()))
}

/// Labels of the rendered states: `00-before`, then `NN-<name>` per config step, the last one
/// `NN-final`.
pub fn labels(plan: &AdaptedPlan) -> Vec<String> {
    labels_of(plan, &overlay::files(plan))
}

/// [`labels`] for the overlay `files` of `plan` (as [`overlay::files`] lists them).
fn labels_of(plan: &AdaptedPlan, files: &[OverlayFile]) -> Vec<String> {
    let width = plan.config_total().to_string().len().max(2);
    // A resumed plan starts from the state after its base step, labelled as that step's.
    let mut labels = vec![match &plan.base {
        Some(base) => format!("{:0width$}-{}", base.numbered, base.name),
        None => format!("{:0width$}-before", 0),
    }];
    for (i, file) in files.iter().enumerate() {
        let step = &plan.plan.steps[file.step_index];
        let name = if i + 1 == files.len() {
            "final"
        } else {
            step.name.as_str()
        };
        labels.push(format!("{:0width$}-{name}", file.number));
    }
    labels
}

/// Render the environment before any step and after every config step of `plan`, spreading
/// the renders over the available cores (see [`PlanRun::new`]).
///
/// A step that fails to evaluate is reported with its id and the Jsonnet error.
pub fn render_plan(renderer: &Renderer, plan: &AdaptedPlan) -> Result<Vec<RenderedStep>> {
    let settings = RunSettings::default();
    let resumes = plan.base.is_some();
    Ok(render_states(renderer, &settings, resumes, || {
        Ok((plan.clone(), HashMap::new()))
    })?
    .1)
}

/// Prepare the plan (`prepare`: adapt it, keeping the renders that needed) on this thread while
/// extra evaluators start, then render every state not rendered yet on all of them.
fn render_states(
    renderer: &Renderer,
    settings: &RunSettings,
    resumes: bool,
    prepare: impl FnOnce() -> Result<(AdaptedPlan, HashMap<String, Vec<Manifest>>)>,
) -> Result<(AdaptedPlan, Vec<RenderedStep>)> {
    // A resumed plan starts from its base overlay, rendered as a job once the plan is adapted;
    // otherwise from the environment as it is, rendered while the plan is being adapted.
    let as_is = !resumes;
    let ((plan, files, mut after, mut start), rendered) =
        parallel::render(renderer, settings, as_is, || {
            let (plan, mut known) = prepare()?;
            let files = overlay::files(&plan);
            // The base overlay's render if the adaptation made it, else `None` (job 0).
            let base = overlay::base(&plan);
            let start = base.as_ref().and_then(|b| known.remove(b.code.as_str()));
            // Per overlay file: its render if the adaptation made it, else `None` (a job).
            let after: Vec<Option<Vec<Manifest>>> =
                files.iter().map(|f| known.remove(f.body())).collect();
            let jobs = base
                .filter(|_| start.is_none())
                .into_iter()
                .chain(
                    files
                        .iter()
                        .zip(&after)
                        .filter(|(_, known)| known.is_none())
                        .map(|(file, _)| file.overlay()),
                )
                .collect();
            Ok(((plan, files, after, start), jobs))
        })?;
    let mut jobs = rendered.jobs.into_iter();
    let before = match rendered.before {
        Some(before) => before?,
        None => match start.take() {
            Some(start) => start,
            None => jobs.next().expect("a render of the base overlay")?,
        },
    };
    let mut labels = labels_of(&plan, &files).into_iter();
    let mut out = Vec::with_capacity(files.len() + 1);
    let label = labels
        .next()
        .expect("a label for the state before any step");
    out.push(rendered_step(&plan, None, label, before));
    for ((file, known), label) in files.into_iter().zip(after.iter_mut()).zip(labels) {
        let manifests = match known.take() {
            Some(manifests) => manifests,
            None => jobs.next().expect("a render per job")?,
        };
        out.push(rendered_step(&plan, Some(file), label, manifests));
    }
    Ok((plan, out))
}

/// The state after overlay `file` (`None`: the environment as it is) of `plan`.
fn rendered_step(
    plan: &AdaptedPlan,
    file: Option<OverlayFile>,
    label: String,
    manifests: Vec<Manifest>,
) -> RenderedStep {
    let (index, id, name) = match &file {
        Some(file) => {
            let step = &plan.plan.steps[file.step_index];
            (Some(file.step_index), step.id.clone(), step.name.clone())
        }
        None => (None, "before".to_string(), "before".to_string()),
    };
    RenderedStep {
        index,
        id,
        name,
        label,
        overlay: file,
        manifests,
    }
}

/// Adapt `plan` and render only the states just before and just after config step `id`,
/// labelled as [`PlanRun::new`] labels them: what diffing that one step needs, without rendering
/// the others. `None` when `id` is not a config step (it changes no manifests); an unknown `id`
/// is an error.
pub fn render_step_pair(
    renderer: &Renderer,
    plan: &Plan,
    params: &Params,
    id: &str,
) -> Result<(AdaptedPlan, Option<[RenderedStep; 2]>)> {
    let (plan, mut known) = adapt_plan_keeping_renders(renderer, plan, params)?;
    let index = plan.index_of(id)?;
    let mut files = overlay::files(&plan);
    let Some(n) = files.iter().position(|f| f.step_index == index) else {
        return Ok((plan, None));
    };
    let mut labels = labels_of(&plan, &files);
    let mut render = |file: Option<OverlayFile>, label: String| -> Result<RenderedStep> {
        let manifests = match &file {
            // The state the plan starts from: the base overlay's, or the environment as it is.
            None => {
                let base = overlay::base(&plan);
                match base.as_ref().and_then(|b| known.remove(b.code.as_str())) {
                    Some(found) => found,
                    None => renderer.render(base.as_ref())?,
                }
            }
            Some(f) => match known.remove(f.body()) {
                Some(found) => found,
                None => renderer.render(Some(&f.overlay()))?,
            },
        };
        Ok(rendered_step(&plan, file, label, manifests))
    };
    let after_label = labels.swap_remove(n + 1);
    let before_label = labels.swap_remove(n);
    let after_file = files.swap_remove(n);
    let before_file = n.checked_sub(1).map(|p| files.swap_remove(p));
    let before = render(before_file, before_label)?;
    let after = render(Some(after_file), after_label)?;
    Ok((plan, Some([before, after])))
}

/// Render only the state after step `id` (any step kind: a verify/route/wait step renders the
/// state of the last config step before it).
pub fn render_step(renderer: &Renderer, plan: &AdaptedPlan, id: &str) -> Result<Vec<Manifest>> {
    let index = plan.index_of(id)?;
    match overlay::for_step(plan, index) {
        Some(file) => renderer.render(Some(&file.overlay())),
        None => renderer.render(overlay::base(plan).as_ref()),
    }
}

/// A plan adapted to an environment and rendered at every step: the input of diffs, the
/// replica timeline and the checks.
#[derive(Debug, Clone)]
pub struct PlanRun {
    /// The plan as adapted to the environment.
    pub plan: AdaptedPlan,
    /// The environment before any step, then after each config step.
    pub steps: Vec<RenderedStep>,
}

impl PlanRun {
    /// Adapt `plan` to the environment behind `renderer` and render every step.
    ///
    /// The plan is adapted on this thread while extra evaluators start on the other cores; then
    /// every step is rendered on all of them (one evaluator per thread). See
    /// [`PlanRun::with_settings`] to choose the number of threads.
    pub fn new(renderer: &Renderer, plan: &Plan, params: &Params) -> Result<Self> {
        Self::with_settings(renderer, plan, params, &RunSettings::default())
    }

    /// [`PlanRun::new`] on `settings.threads` evaluator threads (this one included).
    ///
    /// The extra threads end with the run and their Jsonnet objects are collected then (unless
    /// [`RunSettings::leak_at_exit`]); `renderer`'s objects stay on the calling thread until
    /// that thread ends, so a long-running host runs each environment on a thread of its own.
    pub fn with_settings(
        renderer: &Renderer,
        plan: &Plan,
        params: &Params,
        settings: &RunSettings,
    ) -> Result<Self> {
        let resumes = plan.resume_after.is_some();
        let (plan, steps) = render_states(renderer, settings, resumes, || {
            adapt_plan_keeping_renders(renderer, plan, params)
        })?;
        Ok(Self { plan, steps })
    }

    /// The diff of every config step against the state before it, in plan order (the steps
    /// are diffed on all cores).
    pub fn diffs(&self, options: &DiffOptions) -> Vec<StepDiff> {
        use rayon::prelude::*;
        self.steps
            .par_windows(2)
            .map(|pair| {
                options.diff_step(
                    &pair[0].label,
                    &pair[1].label,
                    &pair[0].manifests,
                    &pair[1].manifests,
                )
            })
            .collect()
    }

    /// Replicas of every workload at every rendered state.
    pub fn timeline(&self) -> Timeline {
        Timeline::build(
            self.steps
                .iter()
                .map(|s| (s.id.clone(), s.manifests.as_slice())),
        )
    }

    /// The direction of the plan, for the checks ([`Plan::direction`]: the plan's own, or the
    /// one its last `deployment_mode` implies). Every rule runs with the sides swapped for
    /// [`Direction::ToMicroservices`].
    pub fn direction(&self) -> Direction {
        self.plan.plan.direction()
    }

    /// The invariants the plan is checked against ([`check::RuleSet::for_plan`]).
    pub fn rule_set(&self) -> check::RuleSet {
        check::RuleSet::for_plan(&self.plan.plan)
    }

    /// Run the safety checks of the plan's rule set on the rendered steps (for read-write
    /// plans the final overlay is checked for leftover overrides of old-mode objects).
    pub fn check(&self) -> Findings {
        let input: Vec<StepRef<'_>> = self
            .steps
            .iter()
            .map(RenderedStep::as_check_input)
            .collect();
        let final_overlay = self
            .steps
            .last()
            .and_then(|s| s.overlay.as_ref())
            .map(|o| o.code.as_str());
        self.rule_set().run(&input, final_overlay)
    }
}
