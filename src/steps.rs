//! Render every step of a plan on one environment.
//!
//! [`adapt_plan`] adapts a plan to the environment (through [`RendererProbe`], which answers the
//! plan's questions by rendering the environment), and [`render_plan`] renders the environment
//! before any step and after each config step (with that step's cumulative overlay), reusing one
//! evaluator so that libraries are parsed and evaluated once.

use std::collections::HashMap;

use serde_json::Value;

use crate::Result;
use crate::check::{self, Direction, Findings, StepRender};
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
    /// The input of [`crate::check::run`] for this step.
    pub fn to_check_input(&self) -> StepRender {
        StepRender {
            id: self.id.clone(),
            name: self.name.clone(),
            manifests: self.manifests.clone(),
        }
    }
}

/// Answers [`adapt`](crate::overlay::adapt())'s questions by rendering the environment.
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
        if let Ok(source) = std::fs::read_to_string(entry)
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
    let mut probe = RendererProbe::new(renderer);
    Ok(overlay::adapt(plan, params, &mut probe)?)
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
    let files = overlay::files(plan);
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

/// Render the environment before any step and after every config step of `plan`.
///
/// A step that fails to evaluate is reported with its id and the Jsonnet error.
pub fn render_plan(renderer: &Renderer, plan: &AdaptedPlan) -> Result<Vec<RenderedStep>> {
    let files = overlay::files(plan);
    let labels = labels(plan);
    let mut out = Vec::with_capacity(files.len() + 1);
    out.push(RenderedStep {
        index: None,
        id: "before".into(),
        name: "before".into(),
        label: labels[0].clone(),
        overlay: None,
        manifests: renderer.render(None)?,
    });
    for (file, label) in files.into_iter().zip(labels.into_iter().skip(1)) {
        let step = &plan.plan.steps[file.step_index];
        let manifests = renderer.render(Some(&file.overlay()))?;
        out.push(RenderedStep {
            index: Some(file.step_index),
            id: step.id.clone(),
            name: step.name.clone(),
            label,
            overlay: Some(file),
            manifests,
        });
    }
    Ok(out)
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
    pub fn new(renderer: &Renderer, plan: &Plan, params: &Params) -> Result<Self> {
        let plan = adapt_plan(renderer, plan, params)?;
        let steps = render_plan(renderer, &plan)?;
        Ok(Self { plan, steps })
    }

    /// The diff of every config step against the state before it, in plan order.
    pub fn diffs(&self, options: &DiffOptions) -> Vec<StepDiff> {
        self.steps
            .windows(2)
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

    /// Run the safety checks on the rendered steps (the final overlay is checked for leftover
    /// overrides of old-mode objects).
    pub fn check(&self) -> Findings {
        let input: Vec<StepRender> = self
            .steps
            .iter()
            .map(RenderedStep::to_check_input)
            .collect();
        let final_overlay = self
            .steps
            .last()
            .and_then(|s| s.overlay.as_ref())
            .map(|o| o.code.as_str());
        check::run(&input, self.direction(), final_overlay)
    }
}
