//! The catalogue of built-in plans, and the built-in plans whose steps are fixed, as data.
//!
//! Besides `to-read-write` and `to-microservices` (code: their steps depend on [`Params`]),
//! Mimir documents four more zero-downtime Jsonnet migrations of the same era
//! (`../shared/migrations.md`). Their steps are fixed, so they are plan files embedded in the
//! binary (the `*.yaml` files next to this module, in the plan-file schema of
//! [`Plan::from_text`]); `tkstep plan --plan NAME --export yaml` prints them back.
//!
//! `memberlist-cluster-label` is the one with a parameter: its files say `${cluster_label}`
//! ([`CLUSTER_LABEL_PLACEHOLDER`]) where the label goes. [`Params::cluster_label`] replaces it
//! when given; otherwise adapting the plan to an environment replaces it with the environment's
//! `_config.namespace` ([`fill_cluster_label`]) and says so.
//!
//! ```
//! use tkstep::plan::{CONSUL_TO_MEMBERLIST, Params, Plan};
//!
//! let plan = Plan::builtin(CONSUL_TO_MEMBERLIST, &Params::default())?;
//! let ids: Vec<&str> = plan.steps.iter().map(|s| s.id.as_str()).collect();
//! assert_eq!(ids, ["1", "2", "3", "4", "5", "6"]);
//! # Ok::<(), tkstep::plan::PlanError>(())
//! ```

use serde::Serialize;
use serde_json::Value;

use super::{Params, Plan, PlanError, PlanFormat, Step, TO_MICROSERVICES, TO_READ_WRITE};

/// Name of the built-in Consul → memberlist plan (hash rings, through a multi KV store).
pub const CONSUL_TO_MEMBERLIST: &str = "consul-to-memberlist";

/// Name of the built-in plan moving query-scheduler discovery from DNS to the ring.
pub const QUERY_SCHEDULER_RING: &str = "query-scheduler-ring";

/// Name of the built-in plan moving the ruler from internal to remote rule evaluation.
pub const RULER_REMOTE_EVALUATION: &str = "ruler-remote-evaluation";

/// Name of the built-in plan adding a memberlist cluster label.
pub const MEMBERLIST_CLUSTER_LABEL: &str = "memberlist-cluster-label";

/// Where the label goes in the `memberlist-cluster-label` plan (config values and texts).
pub const CLUSTER_LABEL_PLACEHOLDER: &str = "${cluster_label}";

/// The `_config` key the `memberlist-cluster-label` plan sets to the label.
const CLUSTER_LABEL_KEY: &str = "memberlist_cluster_label";

/// The built-in plans that are data: (name, plan file).
const DATA_PLANS: &[(&str, &str)] = &[
    (
        CONSUL_TO_MEMBERLIST,
        include_str!("consul-to-memberlist.yaml"),
    ),
    (
        QUERY_SCHEDULER_RING,
        include_str!("query-scheduler-ring.yaml"),
    ),
    (
        RULER_REMOTE_EVALUATION,
        include_str!("ruler-remote-evaluation.yaml"),
    ),
    (
        MEMBERLIST_CLUSTER_LABEL,
        include_str!("memberlist-cluster-label.yaml"),
    ),
];

/// One line of the catalogue (`tkstep plan` without an environment).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogueEntry {
    /// The plan name, for `--plan`.
    pub name: String,
    /// Its number of steps (with the default parameters).
    pub steps: usize,
    /// What it does, in one line.
    pub description: String,
}

/// Every built-in plan with its step count (default parameters) and a one-line description, in
/// [`super::BUILTIN_PLANS`] order.
pub fn catalogue() -> Vec<CatalogueEntry> {
    let params = Params::default();
    super::BUILTIN_PLANS
        .iter()
        .filter_map(|name| Plan::builtin(name, &params).ok())
        .map(|plan| CatalogueEntry {
            steps: plan.steps.len(),
            description: first_sentence(&plan.description),
            name: plan.name,
        })
        .collect()
}

/// The catalogue as text: one line per plan, `NAME  N steps  DESCRIPTION`, then how to use it.
pub fn catalogue_text() -> String {
    let entries = catalogue();
    let width = entries.iter().map(|e| e.name.len()).max().unwrap_or(0);
    let mut out = String::from("Built-in plans (--plan NAME):\n");
    for e in &entries {
        out.push_str(&format!(
            "  {:width$}  {:>2} steps  {}\n",
            e.name, e.steps, e.description
        ));
    }
    out.push_str(&format!(
        "\nThe default is {TO_READ_WRITE}; {TO_MICROSERVICES} is its reverse. `tkstep plan --plan \
         NAME` lists a plan's steps, `tkstep plan ENV --plan NAME` adapts it to an environment.\n"
    ));
    out
}

/// The first sentence of `text` (up to the first `. ` or `: `), for one-line listings.
fn first_sentence(text: &str) -> String {
    let end = [". ", ": "]
        .iter()
        .filter_map(|sep| text.find(sep))
        .min()
        .unwrap_or(text.len());
    text[..end].trim_end_matches('.').to_string()
}

/// The data plan called `name` for `params`, or `None` when `name` is not one of them.
pub(super) fn data_plan(name: &str, params: &Params) -> Option<Result<Plan, PlanError>> {
    let (_, text) = DATA_PLANS.iter().find(|(n, _)| *n == name)?;
    let source = format!("<built-in plan {name}>");
    let mut plan = match Plan::from_text(text, PlanFormat::Yaml, &source) {
        Ok(plan) => plan,
        Err(e) => return Some(Err(e)),
    };
    if let Some(label) = &params.cluster_label {
        for step in &mut plan.steps {
            replace_label(step, label);
        }
    }
    Some(Ok(plan))
}

/// Whether `label` can be a memberlist cluster label here: not empty, at most 63 characters of
/// ASCII letters, digits, `.`, `_` and `-` (a Kubernetes namespace always qualifies).
pub fn valid_cluster_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 63
        && label
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// Put `label` where `step` says [`CLUSTER_LABEL_PLACEHOLDER`]; whether it did.
fn replace_label(step: &mut Step, label: &str) -> bool {
    let mut replaced = false;
    if step.description.contains(CLUSTER_LABEL_PLACEHOLDER) {
        step.description = step
            .description
            .replace(CLUSTER_LABEL_PLACEHOLDER, &format!("'{label}'"));
        replaced = true;
    }
    if let Some(value) = step.change.config.get_mut(CLUSTER_LABEL_KEY)
        && value.as_str() == Some(CLUSTER_LABEL_PLACEHOLDER)
    {
        *value = Value::from(label);
        replaced = true;
    }
    replaced
}

/// Replace the cluster label placeholder of `step` (a `memberlist-cluster-label` step whose
/// label was not given) with the environment's namespace, read through `namespace` only when
/// needed. Returns the note to record on the step, or an error message when the environment has
/// no usable namespace.
pub fn fill_cluster_label(
    step: &mut Step,
    namespace: impl FnOnce() -> Option<Value>,
) -> Option<Result<String, String>> {
    let placeholder = step.description.contains(CLUSTER_LABEL_PLACEHOLDER)
        || step
            .change
            .config
            .get(CLUSTER_LABEL_KEY)
            .and_then(Value::as_str)
            == Some(CLUSTER_LABEL_PLACEHOLDER);
    if !placeholder {
        return None;
    }
    let label = match namespace() {
        Some(Value::String(ns)) if valid_cluster_label(&ns) => ns,
        other => {
            return Some(Err(format!(
                "the memberlist cluster label defaults to the environment's _config.namespace, \
                 which is {}: give one with --cluster-label LABEL",
                other.map_or("not set".to_string(), |v| v.to_string())
            )));
        }
    };
    replace_label(step, &label);
    Some(Ok(format!(
        "cluster label '{label}': the environment's namespace (the default; choose another with \
         --cluster-label LABEL)"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::write_plan;

    #[test]
    fn every_data_plan_parses_with_procedure_ids() {
        let expected = [
            (CONSUL_TO_MEMBERLIST, 6),
            (QUERY_SCHEDULER_RING, 2),
            (RULER_REMOTE_EVALUATION, 2),
            (MEMBERLIST_CLUSTER_LABEL, 3),
        ];
        for (name, count) in expected {
            let plan = data_plan(name, &Params::default()).unwrap().unwrap();
            assert_eq!(plan.name, name);
            let ids: Vec<String> = plan.steps.iter().map(|s| s.id.clone()).collect();
            let want: Vec<String> = (1..=count).map(|n| n.to_string()).collect();
            assert_eq!(ids, want, "{name}");
            assert!(plan.steps.iter().all(Step::is_config), "{name}");
            assert!(plan.direction.is_none(), "{name}");
        }
        assert!(data_plan("to-nowhere", &Params::default()).is_none());
    }

    #[test]
    fn data_plans_round_trip_through_the_plan_file_format() {
        for (name, _) in DATA_PLANS {
            let plan = data_plan(name, &Params::default()).unwrap().unwrap();
            for format in [PlanFormat::Yaml, PlanFormat::Json] {
                let text = write_plan(&plan, format).unwrap();
                assert_eq!(Plan::from_text(&text, format, "x").unwrap(), plan, "{name}");
            }
        }
    }

    #[test]
    fn cluster_label_fills_the_placeholder() {
        let params = Params {
            cluster_label: Some("prod-eu".into()),
            ..Params::default()
        };
        let plan = data_plan(MEMBERLIST_CLUSTER_LABEL, &params)
            .unwrap()
            .unwrap();
        let step = &plan.steps[1];
        assert_eq!(
            step.change.config.get(CLUSTER_LABEL_KEY),
            Some(&"prod-eu".into())
        );
        assert!(
            step.description.contains("'prod-eu'"),
            "{}",
            step.description
        );

        let mut unset = data_plan(MEMBERLIST_CLUSTER_LABEL, &Params::default())
            .unwrap()
            .unwrap();
        assert_eq!(fill_cluster_label(&mut unset.steps[0], || None), None);
        let note = fill_cluster_label(&mut unset.steps[1], || Some("mimir".into()));
        assert!(note.unwrap().unwrap().contains("'mimir'"));
        assert_eq!(
            unset.steps[1].change.config.get(CLUSTER_LABEL_KEY),
            Some(&"mimir".into())
        );
        let mut again = data_plan(MEMBERLIST_CLUSTER_LABEL, &Params::default())
            .unwrap()
            .unwrap();
        let err = fill_cluster_label(&mut again.steps[1], || None)
            .unwrap()
            .unwrap_err();
        assert!(err.contains("--cluster-label"), "{err}");
    }

    #[test]
    fn cluster_labels_are_checked() {
        assert!(valid_cluster_label("mimir-prod_1.eu"));
        for bad in ["", "a b", "x\ny", "é", &"a".repeat(64)] {
            assert!(!valid_cluster_label(bad), "{bad:?}");
        }
    }

    #[test]
    fn catalogue_lists_every_builtin_plan() {
        let entries = catalogue();
        let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, super::super::BUILTIN_PLANS);
        let consul = entries
            .iter()
            .find(|e| e.name == CONSUL_TO_MEMBERLIST)
            .unwrap();
        assert_eq!(consul.steps, 6);
        assert!(!consul.description.contains('\n'));
        assert!(catalogue_text().contains("memberlist-cluster-label   3 steps"));
    }
}
