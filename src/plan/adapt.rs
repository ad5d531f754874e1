//! Adapting a plan to an environment instead of pasting the procedure's snippets blindly.
//!
//! [`adapt`] walks the plan step by step, asking an [`EnvProbe`] about the environment, and
//! returns an [`AdaptedPlan`] whose steps are safe to apply to it. Every adaptation is recorded
//! as an [`Adaptation`] (a sentence on the step) for overlay headers and `tkstep plan <ENV>`.
//!
//! The rules look at what a step's change *does*, not at step ids, so they also apply to plan
//! files:
//! - **Replica overrides** are kept only for objects the environment renders at that point (the
//!   environment is rendered with the cumulative overlay so far plus the step's other changes).
//!   Overriding an absent or `null` field fails to evaluate (`null + object`), e.g. the
//!   overrides-exporter when it is disabled, or the ruler when `ruler_enabled` is false.
//! - **Ruler remote evaluation**: a step turning `ruler_remote_evaluation_enabled` off has
//!   nothing to do when remote evaluation is not in use ([`Params::ruler_remote_evaluation`], or
//!   the environment's `_config`); the step is kept, marked as a no-op.
//! - **Read-write mode** refuses `autoscaling_querier_enabled`, `ruler_remote_evaluation_enabled`
//!   and `overrides_exporter_enabled`: the step switching `deployment_mode` to `read-write` sets
//!   each one to `false` when the environment (or an earlier step) has it on.
//! - **Microservices mode** (the reverse plan's last step): the step switching
//!   `deployment_mode` to `microservices` sets `autoscaling_mimir_read_enabled` to `false` when
//!   it is on (mimir-read's ScaledObject renders in any mode), and warns when the multi-zone
//!   ingester or store-gateway replica totals end at 0.
//! - **Starting mode**: the step switching to `migration` warns when the environment is not in
//!   the plan's starting mode ([`Plan::direction`]); going back to microservices it also warns
//!   that the microservices run no ruler unless `ruler_enabled` (mimir-backend always runs one)
//!   and notes an alertmanager that migration mode adds.
//! - **Zone-awareness**: noted as already satisfied when the environment has both multi-zone
//!   flags on; otherwise warnings about the single-zone StatefulSets it replaces and zone
//!   replica totals left at 0.
//! - Notes: the read scaling chosen, an alertmanager that read-write mode drops, the k8s import
//!   used when none was found, an environment already past microservices mode.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::mimir::Direction;
use crate::plan::{DEFAULT_K8S_IMPORT, Params, Plan, PlanError, ReadScaling, State, Step};

/// `_config` keys Mimir's read-write mode asserts to be false.
pub const READ_WRITE_FORBIDDEN: &[&str] = &[
    "autoscaling_querier_enabled",
    "ruler_remote_evaluation_enabled",
    "overrides_exporter_enabled",
];

/// `_config` keys that turn on read-write objects regardless of the deployment mode: the step
/// switching `deployment_mode` to `microservices` sets each one to `false` when the environment
/// (or an earlier step) has it on. `autoscaling_mimir_read_enabled` renders mimir-read's KEDA
/// ScaledObject in any mode, which would then scale a Deployment that no longer exists.
pub const MICROSERVICES_FORBIDDEN: &[&str] = &["autoscaling_mimir_read_enabled"];

/// An environment state to look at: the cumulative [`State`] being considered at some step.
/// Its overlay Jsonnet (exactly what an overlay file would hold, without the header) is
/// [`Candidate::jsonnet`].
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    /// Id of the step being adapted.
    pub step: &'a str,
    /// The candidate state.
    pub state: &'a State,
    /// The Kubernetes library import the overlay uses for replica overrides.
    pub k8s_import: &'a str,
}

/// What [`adapt`] needs to know about an environment. Implemented over a
/// [`Renderer`](crate::Renderer) by [`crate::steps::RendererProbe`]; tests use fakes.
pub trait EnvProbe {
    /// Whether the environment, with [`Candidate::jsonnet`] applied on top, renders an object of
    /// `kind` (e.g. `Deployment`) named `name`.
    fn renders(&mut self, candidate: &Candidate<'_>, kind: &str, name: &str)
    -> crate::Result<bool>;

    /// Whether top-level field `field` of the environment, with [`Candidate::jsonnet`] applied,
    /// holds a Kubernetes object of `kind` named `name` — i.e. whether a replica override of
    /// that field can apply. The default renders everything ([`EnvProbe::renders`]); a probe
    /// may answer by evaluating that one field only.
    fn field_renders(
        &mut self,
        candidate: &Candidate<'_>,
        field: &str,
        kind: &str,
        name: &str,
    ) -> crate::Result<bool> {
        let _ = field;
        self.renders(candidate, kind, name)
    }

    /// The environment's own `_config.<key>` (no overlay); `None` when the key does not exist.
    fn config(&mut self, key: &str) -> crate::Result<Option<Value>>;

    /// The Kubernetes library import the environment already uses (e.g.
    /// `ksonnet-util/kausal.libsonnet`), if one is found. See [`crate::overlay::detect_k8s_import`].
    fn k8s_import(&mut self) -> crate::Result<Option<String>>;
}

/// How an adaptation affects the step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AdaptationKind {
    /// The step's Jsonnet differs from the plan as written.
    Changed,
    /// Information; the step is unchanged.
    Note,
    /// The operator must act or decide; the step is unchanged.
    Warning,
}

/// One adaptation of one step, as a sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adaptation {
    /// Id of the step.
    pub step: String,
    /// What kind of adaptation.
    pub kind: AdaptationKind,
    /// The sentence.
    pub message: String,
}

/// Where the k8s library import came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImportSource {
    /// [`Params::k8s_import`].
    Parameter,
    /// Found in the environment.
    Environment,
    /// [`DEFAULT_K8S_IMPORT`]: nothing given or found.
    Default,
}

/// A plan adapted to one environment (or taken as written, see [`AdaptedPlan::as_written`]).
#[derive(Debug, Clone, PartialEq)]
pub struct AdaptedPlan {
    /// The adapted plan: same steps, ids and order; changes adjusted.
    pub plan: Plan,
    /// The parameters, with `ruler_remote_evaluation` and `k8s_import` resolved.
    pub params: Params,
    /// Where [`Params::k8s_import`] came from.
    pub import_source: ImportSource,
    /// Every adaptation, in step order.
    pub adaptations: Vec<Adaptation>,
    /// The state the plan starts from when it resumes after a step
    /// ([`Plan::resume_after`]); `None`: it starts from the environment as it is.
    pub base: Option<Base>,
}

/// Where a resumed plan starts: the cumulative state after a step that is no longer in
/// [`AdaptedPlan::plan`], which the state before the first remaining step renders.
#[derive(Debug, Clone, PartialEq)]
pub struct Base {
    /// Id of the step the plan resumes after.
    pub after: String,
    /// Id of the plan's first step (the first one the base state covers).
    pub first: String,
    /// Name of step `after`.
    pub name: String,
    /// How many config steps the whole plan has up to step `after` (its overlay's number):
    /// the remaining overlays keep the whole plan's numbers.
    pub numbered: usize,
    /// How many config steps the whole plan has.
    pub total: usize,
    /// Ids of the steps no longer in the plan (up to `after`, in order).
    pub done: Vec<String>,
    /// The cumulative state after step `after`.
    pub state: State,
}

impl AdaptedPlan {
    /// The plan as written, without looking at an environment (no adaptations; the k8s import
    /// from `params` or the default).
    pub fn as_written(plan: Plan, params: &Params) -> Self {
        let mut params = params.clone();
        let import_source = if params.k8s_import.is_some() {
            ImportSource::Parameter
        } else {
            params.k8s_import = Some(DEFAULT_K8S_IMPORT.to_string());
            ImportSource::Default
        };
        Self {
            plan,
            params,
            import_source,
            adaptations: Vec::new(),
            base: None,
        }
    }

    /// The cumulative state after the step at `index`, starting from [`AdaptedPlan::base`]
    /// when the plan resumes.
    pub fn cumulative(&self, index: usize) -> State {
        (self.base_state()).after(self.plan.steps.iter().take(index.saturating_add(1)))
    }

    /// The cumulative state after every step, in step order (see [`AdaptedPlan::cumulative`]).
    pub fn states(&self) -> Vec<State> {
        self.base_state().after_each(&self.plan.steps)
    }

    /// Index of step `id` in [`AdaptedPlan::plan`]; a step the plan resumed after is an error
    /// that says so ([`PlanError::StepDone`]).
    pub fn index_of(&self, id: &str) -> Result<usize, PlanError> {
        if let Some(base) = self
            .base
            .as_ref()
            .filter(|b| b.done.iter().any(|d| d == id))
        {
            return Err(PlanError::StepDone {
                id: id.to_string(),
                after: base.after.clone(),
            });
        }
        self.plan.index_of(id)
    }

    /// The config steps as (overlay number, index, step): numbered from 1, or after the
    /// base's number when the plan resumes, so that every overlay keeps the number it has in
    /// the whole plan.
    pub fn config_steps(&self) -> impl Iterator<Item = (usize, usize, &Step)> {
        let offset = self.base.as_ref().map_or(0, |b| b.numbered);
        self.plan
            .config_steps()
            .map(move |(n, i, s)| (n + offset, i, s))
    }

    /// The number of the last overlay of the whole plan (the config steps, cut ones included).
    pub fn config_total(&self) -> usize {
        match &self.base {
            Some(base) => base.total,
            None => self.plan.config_steps().count(),
        }
    }

    /// The state before the first step: the base's, or empty.
    pub fn base_state(&self) -> State {
        self.base
            .as_ref()
            .map(|b| b.state.clone())
            .unwrap_or_default()
    }

    /// Keep only the steps after `after` (the plan resumes there): the cut steps' cumulative
    /// state becomes [`AdaptedPlan::base`] and their adaptations are dropped.
    fn resume_after(&mut self, after: &str) -> Result<(), PlanError> {
        let index = self.plan.index_of(after)?;
        let first = self
            .plan
            .steps
            .first()
            .map(|s| s.id.clone())
            .unwrap_or_default();
        let state = self.cumulative(index);
        let name = self.plan.steps[index].name.clone();
        let total = self.plan.config_steps().count();
        let numbered = self
            .plan
            .config_steps()
            .filter(|(_, i, _)| *i <= index)
            .count();
        let cut: Vec<String> = self.plan.steps.drain(..=index).map(|s| s.id).collect();
        self.adaptations.retain(|a| !cut.contains(&a.step));
        self.plan.resume_after = None;
        let done = cut;
        self.base = Some(Base {
            after: after.to_string(),
            first,
            name,
            numbered,
            total,
            state,
            done,
        });
        Ok(())
    }

    /// The import providing `deployment` / `statefulSet`.
    pub fn k8s_import(&self) -> &str {
        self.params
            .k8s_import
            .as_deref()
            .unwrap_or(DEFAULT_K8S_IMPORT)
    }

    /// The adaptations of step `id`.
    pub fn adaptations_of<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Adaptation> {
        self.adaptations.iter().filter(move |a| a.step == id)
    }

    /// Whether config step `index` has nothing to do for this environment (its change became
    /// empty); its overlay equals the previous one.
    pub fn is_noop(&self, index: usize) -> bool {
        self.plan
            .steps
            .get(index)
            .is_some_and(|s| s.is_config() && s.change.is_empty())
    }
}

fn truthy(value: Option<&Value>) -> bool {
    !matches!(value, None | Some(Value::Null) | Some(Value::Bool(false)))
}

fn sets(step: &Step, key: &str, value: &Value) -> bool {
    step.change.config.get(key) == Some(value)
}

/// Walks the plan, keeps the adapted state, and records messages.
struct Adapter<'p> {
    probe: &'p mut dyn EnvProbe,
    direction: Direction,
    params: Params,
    import: String,
    adaptations: Vec<Adaptation>,
    step: String,
}

impl Adapter<'_> {
    fn note(&mut self, kind: AdaptationKind, message: String) {
        self.adaptations.push(Adaptation {
            step: self.step.clone(),
            kind,
            message,
        });
    }

    fn wrap(&self, what: String) -> impl FnOnce(crate::Error) -> PlanError + '_ {
        move |e| PlanError::Probe {
            step: self.step.clone(),
            what,
            error: Box::new(e),
        }
    }

    fn env_config(&mut self, key: &str) -> Result<Option<Value>, PlanError> {
        let result = self.probe.config(key);
        result.map_err(self.wrap(format!("reading _config.{key}")))
    }

    /// Ask the probe about the environment with `state`'s overlay applied; `what` names the
    /// question in the error.
    fn ask(
        &mut self,
        state: &State,
        what: String,
        question: impl FnOnce(&mut dyn EnvProbe, &Candidate<'_>) -> crate::Result<bool>,
    ) -> Result<bool, PlanError> {
        let candidate = Candidate {
            step: &self.step,
            state,
            k8s_import: &self.import,
        };
        let result = question(&mut *self.probe, &candidate);
        result.map_err(self.wrap(what))
    }

    fn renders(&mut self, state: &State, kind: &str, name: &str) -> Result<bool, PlanError> {
        let what = format!("rendering it to look for {kind} {name}");
        self.ask(state, what, |probe, c| probe.renders(c, kind, name))
    }

    fn field_renders(
        &mut self,
        state: &State,
        field: &str,
        kind: &str,
        name: &str,
    ) -> Result<bool, PlanError> {
        let what = format!("evaluating {field} to look for {kind} {name}");
        self.ask(state, what, |probe, c| {
            probe.field_renders(c, field, kind, name)
        })
    }

    /// The value `key` has once `step` is applied on top of `state`, falling back to the
    /// environment's own value (also when the step removes the key with `null`).
    fn effective(
        &mut self,
        state: &State,
        step: &Step,
        key: &str,
    ) -> Result<Option<Value>, PlanError> {
        match step.change.config.get(key) {
            // `null` removes the key from the overlay: the environment's value applies again.
            Some(Value::Null) => return self.env_config(key),
            Some(v) => return Ok(Some(v.clone())),
            None => {}
        }
        if let Some(v) = state.config_value(key) {
            return Ok(Some(v.clone()));
        }
        self.env_config(key)
    }

    fn zone_awareness(&mut self, step: &Step) -> Result<(), PlanError> {
        let on = Value::Bool(true);
        let components = [
            (
                "ingester",
                "multi_zone_ingester_enabled",
                "multi_zone_ingester_replicas",
            ),
            (
                "store-gateway",
                "multi_zone_store_gateway_enabled",
                "multi_zone_store_gateway_replicas",
            ),
        ];
        let turned_on: Vec<_> = components
            .iter()
            .filter(|(_, flag, _)| sets(step, flag, &on))
            .collect();
        if turned_on.is_empty() {
            return Ok(());
        }
        let mut already = Vec::new();
        for (component, flag, replicas_key) in turned_on {
            if truthy(self.env_config(flag)?.as_ref()) {
                already.push(*flag);
                continue;
            }
            let consequence = if *component == "ingester" {
                "the new zones start empty and the old ingesters' data is left behind"
            } else {
                "the new zones sync their blocks from the bucket again"
            };
            self.note(
                AdaptationKind::Warning,
                format!(
                    "the environment runs a single-zone {component} StatefulSet: this step \
                     replaces it with {component}-zone-* StatefulSets ({consequence}); use \
                     Mimir's zone-aware migration ({}) before this step",
                    flag.replace("_enabled", "_migration_enabled")
                ),
            );
            let replicas = self.env_config(replicas_key)?;
            if matches!(replicas.as_ref().and_then(Value::as_f64), None | Some(0.0)) {
                self.note(
                    AdaptationKind::Warning,
                    format!(
                        "{replicas_key} is {} in this environment: the {component}-zone-* \
                         StatefulSets would get no replicas; set it in main.jsonnet (e.g. to the \
                         current {component} replica count) before this step",
                        replicas.map_or("unset".to_string(), |v| v.to_string())
                    ),
                );
            }
        }
        if already.len() == 2 {
            self.note(
                AdaptationKind::Note,
                "already satisfied: the environment enables multi-zone ingesters and \
                 store-gateways; the overlay keeps both keys so it stands on its own"
                    .to_string(),
            );
        }
        Ok(())
    }

    fn migration_mode(&mut self, step: &Step) -> Result<(), PlanError> {
        if !sets(step, "deployment_mode", &Value::from("migration")) {
            return Ok(());
        }
        let start = self.direction.sides().old.mode.label();
        let mode = self.env_config("deployment_mode")?;
        if let Some(mode) = mode.filter(|m| m.as_str() != Some(start)) {
            self.note(
                AdaptationKind::Warning,
                format!(
                    "the environment's deployment_mode is already {}: this plan starts from \
                     {start} mode",
                    quoted(&mode)
                ),
            );
        }
        if self.direction == Direction::ToMicroservices {
            self.reverse_start()?;
        }
        Ok(())
    }

    /// Going back to microservices: what the microservices add or lack compared with the
    /// read-write side.
    fn reverse_start(&mut self) -> Result<(), PlanError> {
        if !truthy(self.env_config("ruler_enabled")?.as_ref()) {
            self.note(
                AdaptationKind::Warning,
                "mimir-backend always runs a ruler, but the environment's ruler_enabled is not \
                 true: the microservices run no ruler, so recording and alerting rules stop being \
                 evaluated once mimir-backend is at zero; set ruler_enabled: true in main.jsonnet \
                 first if rules are in use"
                    .to_string(),
            );
        }
        if truthy(self.env_config("alertmanager_enabled")?.as_ref()) {
            self.note(
                AdaptationKind::Note,
                "the environment enables the alertmanager, which read-write mode does not deploy: \
                 migration mode adds the alertmanager StatefulSet at its full replica count"
                    .to_string(),
            );
        }
        Ok(())
    }

    fn read_scaling(&mut self, step: &Step) -> Result<(), PlanError> {
        if sets(step, "autoscaling_mimir_read_enabled", &Value::Bool(true))
            && let ReadScaling::Autoscaling { min, max } = self.params.read_scaling
        {
            self.note(
                AdaptationKind::Note,
                format!(
                    "mimir-read is autoscaled between {min} and {max} replicas instead of a fixed \
                     replica count (read scaling parameter)"
                ),
            );
        }
        let scales_read_up = step
            .change
            .config
            .get("mimir_read_replicas")
            .and_then(Value::as_u64)
            .is_some_and(|n| n > 0);
        if scales_read_up && truthy(self.env_config("autoscaling_querier_enabled")?.as_ref()) {
            self.note(
                AdaptationKind::Note,
                "the environment autoscales its queriers; an autoscaled mimir-read may suit it \
                 better (read scaling parameter)"
                    .to_string(),
            );
        }
        Ok(())
    }

    fn remote_evaluation(&mut self, step: &mut Step) -> Result<(), PlanError> {
        const KEY: &str = "ruler_remote_evaluation_enabled";
        const AUTOSCALING: &str = "autoscaling_ruler_querier_enabled";
        if !sets(step, KEY, &Value::Bool(false)) {
            return Ok(());
        }
        let (in_use, why) = match self.params.ruler_remote_evaluation {
            Some(v) => (v, "(ruler remote evaluation parameter)"),
            None => (
                truthy(self.env_config(KEY)?.as_ref()),
                "(the environment's ruler_remote_evaluation_enabled is not true)",
            ),
        };
        if in_use {
            return Ok(());
        }
        step.change.config.remove(KEY);
        let mut dropped = vec![KEY];
        if step.change.config.get(AUTOSCALING) == Some(&Value::Bool(false))
            && !truthy(self.env_config(AUTOSCALING)?.as_ref())
        {
            step.change.config.remove(AUTOSCALING);
            dropped.push(AUTOSCALING);
        }
        let message = if step.change.is_empty() {
            format!("nothing to do: ruler remote evaluation is not in use {why}")
        } else {
            format!(
                "ruler remote evaluation is not in use {why}: {} left out",
                dropped.join(" and ")
            )
        };
        self.note(AdaptationKind::Changed, message);
        Ok(())
    }

    fn read_write_mode(&mut self, state: &State, step: &mut Step) -> Result<(), PlanError> {
        if !sets(step, "deployment_mode", &Value::from("read-write")) {
            return Ok(());
        }
        for key in READ_WRITE_FORBIDDEN {
            if truthy(self.effective(state, step, key)?.as_ref()) {
                step.change.config.insert(*key, Value::Bool(false));
                self.note(
                    AdaptationKind::Changed,
                    format!(
                        "read-write mode refuses {key}: true, which this environment has, so this \
                         step sets it to false"
                    ),
                );
            }
        }
        Ok(())
    }

    fn microservices_mode(&mut self, state: &State, step: &mut Step) -> Result<(), PlanError> {
        if !sets(step, "deployment_mode", &Value::from("microservices")) {
            return Ok(());
        }
        for key in MICROSERVICES_FORBIDDEN {
            if truthy(self.effective(state, step, key)?.as_ref()) {
                step.change.config.insert(*key, Value::Bool(false));
                self.note(
                    AdaptationKind::Changed,
                    format!(
                        "the environment sets {key}: true, which renders mimir-read's \
                         ScaledObject in any deployment mode (it would scale a Deployment that no \
                         longer exists), so this step sets it to false"
                    ),
                );
            }
        }
        for (component, key) in [
            ("ingester", "multi_zone_ingester_replicas"),
            ("store-gateway", "multi_zone_store_gateway_replicas"),
        ] {
            let value = self.effective(state, step, key)?;
            if matches!(value.as_ref().and_then(Value::as_f64), None | Some(0.0)) {
                self.note(
                    AdaptationKind::Warning,
                    format!(
                        "{key} is {} after this step: the {component}-zone-* StatefulSets run no \
                         replicas in microservices mode; set it in an earlier step (e.g. to the \
                         read-write side's current capacity)",
                        value.map_or("unset".to_string(), |v| v.to_string())
                    ),
                );
            }
        }
        Ok(())
    }

    fn alertmanager(&mut self, state: &State, step: &Step) -> Result<(), PlanError> {
        if !sets(step, "deployment_mode", &Value::from("read-write"))
            || !truthy(self.env_config("alertmanager_enabled")?.as_ref())
        {
            return Ok(());
        }
        let mut after = state.clone();
        after.apply(&step.id, &step.change);
        if !self.renders(&after, "StatefulSet", "alertmanager")? {
            self.note(
                AdaptationKind::Warning,
                "the environment enables the alertmanager, but read-write mode (in this Mimir \
                 library version) deploys none: this step removes the alertmanager workload; run \
                 it some other way first"
                    .to_string(),
            );
        }
        Ok(())
    }

    /// `memberlist-cluster-label` without a label: the environment's namespace.
    fn cluster_label(&mut self, step: &mut Step) -> Result<(), PlanError> {
        let mut failed = None;
        let filled = crate::plan::fill_cluster_label(step, || {
            self.env_config("namespace")
                .map_err(|e| failed = Some(e))
                .ok()
                .flatten()
        });
        if let Some(e) = failed {
            return Err(e);
        }
        match filled {
            None => Ok(()),
            Some(Ok(note)) => {
                self.note(AdaptationKind::Changed, note);
                Ok(())
            }
            Some(Err(message)) => Err(PlanError::InvalidParams(message)),
        }
    }

    fn overrides(&mut self, state: &State, step: &mut Step) -> Result<(), PlanError> {
        // Removals of overrides that an earlier adaptation left out are moot.
        step.change
            .remove_overrides
            .retain(|field| state.overrides.contains_key(field));
        step.change
            .remove_hidden
            .retain(|field| state.hidden.contains_key(field));
        if step.change.overrides.is_empty() {
            return Ok(());
        }
        let mut candidate = state.clone();
        let without = crate::plan::Change {
            overrides: Vec::new(),
            ..step.change.clone()
        };
        candidate.apply(&step.id, &without);
        let mut kept = Vec::new();
        for o in std::mem::take(&mut step.change.overrides) {
            if self.field_renders(&candidate, &o.field, o.kind.as_str(), &o.object)? {
                kept.push(o);
            } else {
                self.note(
                    AdaptationKind::Changed,
                    format!(
                        "the environment does not render {} {} at this step: no replica override \
                         for {} (overriding an absent or null field fails to evaluate)",
                        o.kind, o.object, o.field
                    ),
                );
            }
        }
        step.change.overrides = kept;
        Ok(())
    }
}

/// Adapt `plan` (built from `params`) to the environment behind `probe`. See the module docs
/// for the rules. Fails when the plan is not well-formed ([`Plan::validate`]), when the
/// environment is not Mimir-like (no `_config.deployment_mode`) or when the probe fails.
pub fn adapt(
    plan: &Plan,
    params: &Params,
    probe: &mut dyn EnvProbe,
) -> Result<AdaptedPlan, PlanError> {
    // Ids and names become file and folder names: whatever built the plan, check it here.
    plan.validate()?;
    let mut params = params.clone();
    let (import, import_source) = match params.k8s_import.clone() {
        Some(import) => (import, ImportSource::Parameter),
        None => match probe.k8s_import() {
            Ok(Some(import)) => (import, ImportSource::Environment),
            Ok(None) => (DEFAULT_K8S_IMPORT.to_string(), ImportSource::Default),
            Err(e) => {
                return Err(PlanError::Probe {
                    step: "-".into(),
                    what: "looking for its Kubernetes library import".into(),
                    error: Box::new(e),
                });
            }
        },
    };
    params.k8s_import = Some(import.clone());
    let mut adapter = Adapter {
        probe,
        direction: plan.direction(),
        params: params.clone(),
        import,
        adaptations: Vec::new(),
        step: "-".into(),
    };
    if adapter.env_config("deployment_mode")?.is_none() {
        return Err(PlanError::NotMimirLike);
    }
    if params.ruler_remote_evaluation.is_none() {
        let v = adapter.env_config("ruler_remote_evaluation_enabled")?;
        params.ruler_remote_evaluation = Some(truthy(v.as_ref()));
    }

    let mut state = State::new();
    let mut steps = Vec::with_capacity(plan.steps.len());
    let mut import_noted = false;
    for original in &plan.steps {
        let mut step = original.clone();
        adapter.step = step.id.clone();
        adapter.cluster_label(&mut step)?;
        adapter.zone_awareness(&step)?;
        adapter.migration_mode(&step)?;
        adapter.read_scaling(&step)?;
        adapter.remote_evaluation(&mut step)?;
        adapter.read_write_mode(&state, &mut step)?;
        adapter.microservices_mode(&state, &mut step)?;
        adapter.overrides(&state, &mut step)?;
        adapter.alertmanager(&state, &step)?;
        state.apply(&step.id, &step.change);
        if import_source == ImportSource::Default && !import_noted && !state.overrides.is_empty() {
            import_noted = true;
            adapter.note(
                AdaptationKind::Note,
                format!(
                    "replica overrides use `deployment`/`statefulSet` from '{DEFAULT_K8S_IMPORT}' \
                     (the environment imports no known Kubernetes library; set the k8s import \
                     parameter to use another)"
                ),
            );
        }
        steps.push(step);
    }
    let mut adapted = AdaptedPlan {
        plan: Plan {
            steps,
            ..plan.clone()
        },
        params,
        import_source,
        adaptations: adapter.adaptations,
        base: None,
    };
    if let Some(after) = &plan.resume_after {
        adapted.resume_after(after)?;
    }
    Ok(adapted)
}

/// A `_config` value in a message: a string in single quotes, as Jsonnet source writes it.
fn quoted(value: &Value) -> String {
    match value.as_str() {
        Some(s) => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
        None => value.to_string(),
    }
}
