//! Render every step of a plan on one environment.
//!
//! [`adapt_plan`] adapts a plan to the environment (through [`RendererProbe`], which answers the
//! plan's questions by rendering the environment), and [`render_plan`] renders the environment
//! before any step and after each config step (with that step's cumulative overlay), reusing one
//! evaluator per thread so that libraries are parsed and evaluated once on each.

use std::collections::HashMap;

use serde_json::Value;

use crate::Result;
use crate::check::{self, Direction, Findings, StepRef};
use crate::diff::{DiffOptions, StepDiff, Timeline};
use crate::eval::Overlay;
use crate::manifest::Manifest;
use crate::overlay::{self, AdaptedPlan, Candidate, EnvProbe, OverlayFile};
use crate::plan::{DEFAULT_K8S_IMPORT, Params, Plan};
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

/// Answers [`adapt`](crate::overlay::adapt())'s questions by rendering the environment. Renders
/// are kept (keyed by the overlay Jsonnet without its header) so that [`PlanRun::new`] can
/// reuse them: most candidate states the plan asks about are the states of earlier steps.
pub struct RendererProbe<'a> {
    renderer: &'a Renderer,
    rendered: HashMap<String, Vec<Manifest>>,
}

impl<'a> RendererProbe<'a> {
    /// A probe over `renderer`.
    pub fn new(renderer: &'a Renderer) -> Self {
        Self {
            renderer,
            rendered: HashMap::new(),
        }
    }

    /// The renders made so far, keyed by overlay body ([`overlay::jsonnet::body`]).
    pub fn into_rendered(self) -> HashMap<String, Vec<Manifest>> {
        self.rendered
    }
}

impl EnvProbe for RendererProbe<'_> {
    fn renders(&mut self, candidate: &Candidate<'_>, kind: &str, name: &str) -> Result<bool> {
        if !self.rendered.contains_key(candidate.jsonnet) {
            let overlay = Overlay {
                name: format!("step {} (candidate overlay)", candidate.step),
                code: candidate.jsonnet.to_string(),
            };
            let manifests = self.renderer.render(Some(&overlay))?;
            self.rendered
                .insert(candidate.jsonnet.to_string(), manifests);
        }
        Ok(self.rendered[candidate.jsonnet]
            .iter()
            .any(|m| m.kind() == kind && m.name() == name))
    }

    fn field_renders(
        &mut self,
        candidate: &Candidate<'_>,
        field: &str,
        kind: &str,
        name: &str,
    ) -> Result<bool> {
        if let Some(manifests) = self.rendered.get(candidate.jsonnet) {
            return Ok(manifests
                .iter()
                .any(|m| m.kind() == kind && m.name() == name));
        }
        // Evaluate only that field of `<environment> + <candidate overlay>`, not everything.
        let expr = format!(
            "local patched = value + ({code}\n);\n\
             local f = {field};\n\
             std.objectHasAll(patched, f) && std.isObject(patched[f]) \
             && std.get(patched[f], 'kind') == {kind} \
             && std.get(std.get(patched[f], 'metadata', {{}}), 'name') == {name}",
            code = candidate.jsonnet,
            field = overlay::jsonnet::string(field),
            kind = overlay::jsonnet::string(kind),
            name = overlay::jsonnet::string(name),
        );
        Ok(self.renderer.evaluate_expr(&expr)? == Value::Bool(true))
    }

    fn config(&mut self, key: &str) -> Result<Option<Value>> {
        let key = overlay::jsonnet::string(key);
        let expr = format!(
            "if std.objectHasAll(value, '_config') && std.objectHasAll(value._config, {key}) \
             then [value._config[{key}]] else []"
        );
        let found = self.renderer.evaluate_expr(&expr)?;
        Ok(match found {
            Value::Array(mut items) if items.len() == 1 => items.pop(),
            _ => None,
        })
    }

    fn k8s_import(&mut self) -> Result<Option<String>> {
        let entry = &self.renderer.paths().entrypoint;
        let source = crate::input::read_regular(entry, crate::input::MAX_SOURCE_BYTES)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok());
        if let Some(source) = source
            && let Some(found) = overlay::detect_k8s_import(&source)
        {
            return Ok(Some(found));
        }
        let default = DEFAULT_K8S_IMPORT;
        let resolvable = self
            .renderer
            .paths()
            .import_paths()
            .iter()
            .any(|dir| dir.join(default).is_file());
        Ok(resolvable.then(|| default.to_string()))
    }
}

/// Adapt `plan` to the environment behind `renderer` (see [`crate::overlay::adapt()`]).
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
    let adapted = overlay::adapt(plan, params, &mut probe)?;
    Ok((adapted, probe.into_rendered()))
}

/// `params` with what the environment decides filled in: the reverse plan's zone replica
/// totals ([`Params::ingester_replicas`], [`Params::store_gateway_replicas`]) default to the
/// read-write side's current capacity, `_config.mimir_write_replicas` and
/// `_config.mimir_backend_replicas` (library defaults included). Values already set are kept;
/// a key that is missing or not a positive whole number leaves the parameter unset.
pub fn resolve_params(renderer: &Renderer, params: &Params) -> Result<Params> {
    let mut probe = RendererProbe::new(renderer);
    let mut out = params.clone();
    let mut read = |key: &str| -> Result<Option<u32>> {
        Ok(probe
            .config(key)?
            .as_ref()
            .and_then(Value::as_u64)
            .filter(|n| *n > 0)
            .and_then(|n| u32::try_from(n).ok()))
    };
    if out.ingester_replicas.is_none() {
        out.ingester_replicas = read("mimir_write_replicas")?;
    }
    if out.store_gateway_replicas.is_none() {
        out.store_gateway_replicas = read("mimir_backend_replicas")?;
    }
    Ok(out)
}

/// Labels of the rendered states: `00-before`, then `NN-<name>` per config step, the last one
/// `NN-final`.
pub fn labels(plan: &AdaptedPlan) -> Vec<String> {
    labels_of(plan, &overlay::files(plan))
}

/// [`labels`] for the overlay `files` of `plan` (as [`overlay::files`] lists them).
fn labels_of(plan: &AdaptedPlan, files: &[OverlayFile]) -> Vec<String> {
    let width = files.len().to_string().len().max(2);
    let mut labels = vec![format!("{:0width$}-before", 0)];
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
    Ok(render_in_parallel(renderer, || Ok((plan.clone(), HashMap::new())))?.1)
}

/// Work shared between this thread and the extra evaluators on other threads.
#[derive(Default)]
struct Pool {
    /// What to render (index among the overlay files, overlay); `None` until known.
    jobs: std::sync::Mutex<Option<Vec<(usize, Overlay)>>>,
    published: std::sync::Condvar,
    next: std::sync::atomic::AtomicUsize,
    done: std::sync::Mutex<Vec<(usize, Result<Vec<Manifest>>)>>,
    /// The environment before any step, rendered by the first worker while this thread adapts.
    before: std::sync::Mutex<Option<Result<Vec<Manifest>>>>,
}

impl Pool {
    /// Publish `jobs` and wake the waiting workers; a second call changes nothing.
    fn publish(&self, jobs: Vec<(usize, Overlay)>) {
        let mut guard = self.jobs.lock().unwrap_or_else(|e| e.into_inner());
        if guard.is_none() {
            *guard = Some(jobs);
            self.published.notify_all();
        }
    }

    /// Take jobs until none is left.
    fn work(&self, renderer: &Renderer) {
        let mut guard = self.jobs.lock().unwrap_or_else(|e| e.into_inner());
        while guard.is_none() {
            guard = self
                .published
                .wait(guard)
                .unwrap_or_else(|e| e.into_inner());
        }
        let jobs = guard.clone().unwrap_or_default();
        drop(guard);
        loop {
            let k = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some((i, overlay)) = jobs.get(k) else {
                break;
            };
            let result = renderer.render(Some(overlay));
            self.done
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((*i, result));
        }
    }
}

/// Publishes no jobs when dropped before any were published (`prepare` failed or panicked), so
/// that the waiting workers end (or the thread scope never would).
struct Release<'a>(&'a Pool);

impl Drop for Release<'_> {
    fn drop(&mut self) {
        self.0.publish(Vec::new());
    }
}

/// Prepare the plan (`prepare`: adapt it, keeping the renders that needed) on this thread while
/// extra evaluators start on the other cores, then render every state on all of them.
///
/// A renderer cannot cross threads, so each worker opens the environment itself; the first one
/// renders the environment as it is meanwhile. Steps are taken from one queue, so a worker that
/// is slower to start simply renders fewer. If a worker cannot open the environment, this thread
/// renders what it would have.
fn render_in_parallel(
    renderer: &Renderer,
    prepare: impl FnOnce() -> Result<(AdaptedPlan, HashMap<String, Vec<Manifest>>)>,
) -> Result<(AdaptedPlan, Vec<RenderedStep>)> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()) - 1;
    let pool = Pool::default();
    let reopener = renderer.reopener();
    let prepared = std::thread::scope(|scope| -> Result<_> {
        for w in 0..workers {
            let (pool, reopener) = (&pool, &reopener);
            scope.spawn(move || {
                let Ok(own) = reopener.open() else {
                    return;
                };
                if w == 0 {
                    let before = own.render(None);
                    *pool.before.lock().unwrap_or_else(|e| e.into_inner()) = Some(before);
                }
                pool.work(&own);
                crate::eval::leak_thread_objects();
            });
        }
        let _release = Release(&pool);
        let (plan, mut known) = prepare()?;
        let files = overlay::files(&plan);
        // Per overlay file: its render if the adaptation made it, else `None` (a job).
        let mut after: Vec<Option<Result<Vec<Manifest>>>> = Vec::with_capacity(files.len());
        let mut jobs = Vec::new();
        for (n, file) in files.iter().enumerate() {
            after.push(known.remove(file.body()).map(Ok));
            if after[n].is_none() {
                jobs.push((n, file.overlay()));
            }
        }
        pool.publish(jobs);
        pool.work(renderer);
        Ok((plan, files, after))
    });
    let (plan, files, mut after) = match prepared {
        Ok(prepared) => prepared,
        // When the environment itself does not render, that is the error, not the step
        // whose adaptation happened to render it first.
        Err(e) => {
            return Err(
                match pool.before.into_inner().unwrap_or_else(|e| e.into_inner()) {
                    Some(Err(before)) => before,
                    Some(Ok(_)) => e,
                    None => renderer.render(None).err().unwrap_or(e),
                },
            );
        }
    };
    for (n, result) in pool.done.into_inner().unwrap_or_else(|e| e.into_inner()) {
        after[n] = Some(result);
    }
    // Unless a worker rendered it (none started, or the first failed to open), render it here.
    let before = match pool.before.into_inner().unwrap_or_else(|e| e.into_inner()) {
        Some(result) => result?,
        None => renderer.render(None)?,
    };
    let mut labels = labels_of(&plan, &files).into_iter();
    let mut out = Vec::with_capacity(files.len() + 1);
    let label = labels
        .next()
        .expect("a label for the state before any step");
    out.push(rendered_step(&plan, None, label, before));
    for ((file, result), label) in files.into_iter().zip(after).zip(labels) {
        let manifests = result.expect("this thread takes every job left")?;
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
    let index = plan.plan.index_of(id)?;
    let mut files = overlay::files(&plan);
    let Some(n) = files.iter().position(|f| f.step_index == index) else {
        return Ok((plan, None));
    };
    let mut labels = labels_of(&plan, &files);
    let mut render = |file: Option<OverlayFile>, label: String| -> Result<RenderedStep> {
        let manifests = match &file {
            None => renderer.render(None)?,
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
    let index = plan.plan.index_of(id)?;
    match overlay::for_step(plan, index) {
        Some(file) => renderer.render(Some(&file.overlay())),
        None => renderer.render(None),
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
    /// every step is rendered on all of them (one evaluator per thread).
    pub fn new(renderer: &Renderer, plan: &Plan, params: &Params) -> Result<Self> {
        let (plan, steps) = render_in_parallel(renderer, || {
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
