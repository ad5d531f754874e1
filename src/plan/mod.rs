//! Migration plans as data.
//!
//! A [`Plan`] is an ordered list of [`Step`]s. Each step has an id and a name (for the built-in
//! plan exactly those of `../shared/procedure.md`), a [`StepKind`] (only `config` steps change
//! Jsonnet), a description, prerequisites, the [`Change`] it makes, and the [`StepCheck`]s and
//! [`Wait`]s to observe before going on.
//!
//! Built-in plans ([`BUILTIN_PLANS`], listed by [`catalogue`]): [`TO_READ_WRITE`] (the
//! documented procedure) and [`TO_MICROSERVICES`] (the same steps mirrored, read-write →
//! microservices), and Mimir's other documented migrations, embedded as plan files:
//! [`CONSUL_TO_MEMBERLIST`], [`QUERY_SCHEDULER_RING`], [`RULER_REMOTE_EVALUATION`] and
//! [`MEMBERLIST_CLUSTER_LABEL`]. Plans can also
//! come from YAML or JSON files ([`Plan::from_file`], schema in the `file` module docs) and be
//! written in that format ([`write_plan`]). [`Plan::direction`] tells the checks which side is
//! going away.
//!
//! Changes are **deltas**: a step lists only its own `_config` keys, hidden flag patches and
//! replica overrides. [`Plan::cumulative`] merges steps `1..=N` into the [`State`] an overlay file
//! holds after step N (see [`cumulative`](self::State) for the merge rules).
//!
//! ```
//! use tkstep::plan::{Params, Plan};
//!
//! let plan = Plan::to_read_write(&Params::default());
//! let i = plan.index_of("5.2").unwrap();
//! let state = plan.cumulative(i);
//! assert_eq!(state.config_value("deployment_mode"), Some(&"migration".into()));
//! assert_eq!(state.override_for("querier_deployment").unwrap().replicas, 0);
//! ```

mod adapt;
mod builtin;
mod catalogue;
mod chain;
mod classify;
mod cumulative;
mod file;
mod model;
mod ordered;
mod params;
mod reverse;
mod validate;

pub use adapt::{
    Adaptation, AdaptationKind, AdaptedPlan, Base, Candidate, EnvProbe, ImportSource,
    MICROSERVICES_FORBIDDEN, READ_WRITE_FORBIDDEN, adapt,
};
pub use builtin::{BUILTIN_PLANS, TO_MICROSERVICES, TO_READ_WRITE};
pub use catalogue::{
    CLUSTER_LABEL_PLACEHOLDER, CONSUL_TO_MEMBERLIST, CatalogueEntry, MEMBERLIST_CLUSTER_LABEL,
    QUERY_SCHEDULER_RING, RULER_REMOTE_EVALUATION, catalogue, catalogue_text, fill_cluster_label,
    valid_cluster_label,
};
pub use chain::{Prerequisite, chain, prerequisite_plans, prerequisites, step_prefix};
pub use classify::{ConfigRead, Standing, Unmet, Verdict, assess, remaining_after};
pub use cumulative::{Sourced, State};
pub use file::{PlanFormat, write_plan};
pub use model::{
    Change, FlagTerm, ParseDurationError, Plan, ReplicaOverride, Step, StepCheck, StepKind, Wait,
    WaitDuration, WorkloadKind,
};
pub use ordered::OrderedMap;
pub use params::{DEFAULT_K8S_IMPORT, DEFAULT_READ_WRITE_REPLICAS, Params, ReadScaling};
pub use validate::{InvalidComponent, MAX_COMPONENT_BYTES, validate_component};

/// Where the plan to follow comes from (see [`crate::steps::select_plan`]).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum PlanSource {
    /// A built-in plan by name (one of [`BUILTIN_PLANS`]), built from the parameters.
    Builtin(String),
    /// A plan file, YAML or JSON ([`Plan::from_file`]).
    File(std::path::PathBuf),
    /// A plan already built, followed as is.
    Plan(Plan),
}

/// Errors building, selecting or adapting a plan.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// Parameters out of range.
    #[error("invalid plan parameters: {0}")]
    InvalidParams(String),
    /// No built-in plan of that name.
    #[error("unknown plan '{name}' (built-in plans: {})", known.join(", "))]
    UnknownPlan {
        /// The name asked for.
        name: String,
        /// The built-in plan names.
        known: Vec<String>,
    },
    /// No step with that id.
    #[error("unknown step '{id}' in plan '{plan}' (steps: {})", known.join(", "))]
    UnknownStep {
        /// The id asked for.
        id: String,
        /// The plan name.
        plan: String,
        /// The plan's step ids.
        known: Vec<String>,
    },
    /// The step is done already: the plan resumes after a later (or the same) step.
    #[error(
        "step {id} is done already: the environment imports the overlay of step {after}, and \
         tkstep follows the steps after it"
    )]
    StepDone {
        /// The id asked for.
        id: String,
        /// The step the plan resumes after.
        after: String,
    },
    /// The environment has no `_config.deployment_mode`: not a Mimir library of the
    /// `deployment_mode` era (Mimir 2.x), so the migration does not apply.
    #[error(
        "the environment is not Mimir-like: it has no `_config.deployment_mode` (the migration needs \
         a Mimir 2.x Jsonnet library with deployment modes 'microservices', 'migration' and 'read-write')"
    )]
    NotMimirLike,
    /// The plan is not well-formed ([`Plan::validate`]): an unsafe name or id, no steps, an id
    /// used twice, a non-config step that changes Jsonnet.
    #[error("invalid plan {plan:?}: {message}")]
    Invalid {
        /// The plan name (as given, even when it is the problem).
        plan: String,
        /// What is wrong, naming the step.
        message: String,
    },
    /// A plan file could not be read or is invalid.
    #[error("{}: {message}", location(path, *line, *column))]
    File {
        /// The file.
        path: String,
        /// 1-based line of the problem, when known.
        line: Option<u64>,
        /// 1-based column of the problem, when known.
        column: Option<u64>,
        /// What is wrong (serde's message, naming the field).
        message: String,
    },
    /// Looking at the environment failed while adapting the plan. Shown in the user's terms:
    /// the step and what was looked at, then the Jsonnet error (the evaluator leaves out the
    /// frames of tkstep's own probe expressions; once: it is not also reported as the error's
    /// source).
    #[error("adapting {} to the environment ({what}): {}", step_words(step), error)]
    Probe {
        /// The step being adapted (`-` before the first step).
        step: String,
        /// What was being looked at.
        what: String,
        /// The underlying error.
        error: Box<crate::Error>,
    },
}

/// `step 5.2`, or `the plan` for `-` (before the first step).
fn step_words(step: &str) -> String {
    if step == "-" {
        "the plan".to_string()
    } else {
        format!("step {step}")
    }
}

/// `path:line:column`, with the parts that are known.
fn location(path: &str, line: Option<u64>, column: Option<u64>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!("{path}:{l}:{c}"),
        (Some(l), None) => format!("{path}:{l}"),
        _ => path.to_string(),
    }
}

impl Plan {
    /// The index of the step with id `id`.
    pub fn index_of(&self, id: &str) -> Result<usize, PlanError> {
        self.steps
            .iter()
            .position(|s| s.id == id)
            .ok_or_else(|| PlanError::UnknownStep {
                id: id.to_string(),
                plan: self.name.clone(),
                known: self.steps.iter().map(|s| s.id.clone()).collect(),
            })
    }

    /// The step with id `id`, if any.
    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.id == id)
    }

    /// The config steps with their 1-based number among config steps (the `NN` of overlay file
    /// names) and their index in [`Plan::steps`].
    pub fn config_steps(&self) -> impl Iterator<Item = (usize, usize, &Step)> {
        self.steps
            .iter()
            .enumerate()
            .filter(|(_, s)| s.is_config())
            .enumerate()
            .map(|(n, (i, s))| (n + 1, i, s))
    }

    /// The steps as JSON: `[{id, name, kind, description, prerequisites?, change?, checks?,
    /// waits?}]` (what `tkstep plan --json` prints without an environment).
    pub fn to_json(&self) -> serde_json::Result<serde_json::Value> {
        serde_json::to_value(&self.steps)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_of_unknown_step_lists_the_ids() {
        let plan = Plan::to_read_write(&Params::default());
        assert_eq!(plan.index_of("3.1").unwrap(), 2);
        let err = plan.index_of("9").unwrap_err().to_string();
        assert!(err.contains("unknown step '9'"), "{err}");
        assert!(err.contains("7.2c, 8"), "{err}");
    }

    #[test]
    fn config_steps_are_numbered_from_one() {
        let plan = Plan::to_read_write(&Params::default());
        let numbered: Vec<(usize, &str)> = plan
            .config_steps()
            .map(|(n, _, s)| (n, s.id.as_str()))
            .collect();
        assert_eq!(numbered.first(), Some(&(1, "1")));
        assert_eq!(numbered.last(), Some(&(13, "8")));
        assert_eq!(numbered.len(), 13);
    }

    #[test]
    fn plan_round_trips_through_json() {
        let plan = Plan::to_read_write(&Params::default());
        let text = serde_json::to_string(&plan).unwrap();
        let back: Plan = serde_json::from_str(&text).unwrap();
        assert_eq!(back, plan);
        let json = plan.to_json().unwrap();
        assert_eq!(json[0]["id"], "1");
        assert_eq!(json[0]["kind"], "config");
        assert_eq!(json[3]["kind"], "verify");
    }

    #[test]
    fn plan_files_reject_unknown_fields() {
        let err = serde_json::from_str::<Plan>(
            r#"{"name": "x", "steps": [{"id": "1", "name": "a", "kind": "config", "chnage": {}}]}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("chnage"), "{err}");
    }
}
