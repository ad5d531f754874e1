//! The cumulative overlay [`State`] after a step: the deltas of steps 1..N merged.
//!
//! Merge rules (per step, removals first, then additions):
//! - `_config`: one map; a later value replaces an earlier one in place (the key keeps the
//!   position where it first appeared); a `null` value removes the key.
//! - hidden flag maps: one map per field, flags merged (later wins); `remove_hidden` drops a field.
//! - replica overrides: one per object field (later wins, keeping its first position);
//!   `remove_overrides` drops them (step 8 of `to-read-write` drops every override of a
//!   microservice object this way, because those objects no longer exist in read-write mode).
//! - raw Jsonnet: one snippet per step, in step order; `remove_jsonnet` drops a step's snippet.
//!
//! Every entry remembers the step that last set it, so overlays can say where a value came from.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Change, OrderedMap, Plan, ReplicaOverride, Step};

/// A value together with the id of the step that last set it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sourced<T> {
    /// The value.
    pub value: T,
    /// Id of the step that set it.
    pub step: String,
}

/// The overlay state after some step: what the cumulative overlay file holds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// `_config` keys, in first-appearance order.
    pub config: OrderedMap<Sourced<Value>>,
    /// Hidden flag-map patches: field → flag → value.
    pub hidden: OrderedMap<OrderedMap<Sourced<Value>>>,
    /// Replica overrides keyed by object field.
    pub overrides: OrderedMap<Sourced<ReplicaOverride>>,
    /// Raw Jsonnet snippets keyed by the step id that added them, in step order.
    pub jsonnet: OrderedMap<String>,
}

impl State {
    /// The empty state (before the first step).
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the state holds nothing (its overlay would be `{}`).
    pub fn is_empty(&self) -> bool {
        self.config.is_empty()
            && self.hidden.is_empty()
            && self.overrides.is_empty()
            && self.jsonnet.is_empty()
    }

    /// Merge `change`, made by step `step_id`, into the state.
    pub fn apply(&mut self, step_id: &str, change: &Change) {
        for field in &change.remove_hidden {
            self.hidden.remove(field);
        }
        for field in &change.remove_overrides {
            self.overrides.remove(field);
        }
        for step in &change.remove_jsonnet {
            self.jsonnet.remove(step);
        }
        let sourced = |value: Value| Sourced {
            value,
            step: step_id.to_string(),
        };
        for (key, value) in change.config.iter() {
            if value.is_null() {
                self.config.remove(key);
            } else {
                self.config.insert(key, sourced(value.clone()));
            }
        }
        for (field, flags) in change.hidden.iter() {
            if !self.hidden.contains_key(field) {
                self.hidden.insert(field, OrderedMap::new());
            }
            if let Some(merged) = self.hidden.get_mut(field) {
                for (flag, value) in flags.iter() {
                    merged.insert(flag, sourced(value.clone()));
                }
            }
        }
        for o in &change.overrides {
            self.overrides.insert(
                o.field.clone(),
                Sourced {
                    value: o.clone(),
                    step: step_id.to_string(),
                },
            );
        }
        if let Some(code) = &change.jsonnet {
            self.jsonnet.insert(step_id, code.clone());
        }
    }

    /// The `_config` value the state sets for `key`, if any.
    pub fn config_value(&self, key: &str) -> Option<&Value> {
        self.config.get(key).map(|s| &s.value)
    }

    /// The replica override the state holds for an object field, if any.
    pub fn override_for(&self, field: &str) -> Option<&ReplicaOverride> {
        self.overrides.get(field).map(|s| &s.value)
    }
}

impl State {
    /// This state with the deltas of `steps` merged in order.
    pub fn after<'a>(mut self, steps: impl IntoIterator<Item = &'a Step>) -> State {
        for step in steps {
            self.apply(&step.id, &step.change);
        }
        self
    }

    /// The states after each of `steps`, starting from this one, in step order.
    pub fn after_each<'a>(mut self, steps: impl IntoIterator<Item = &'a Step>) -> Vec<State> {
        steps
            .into_iter()
            .map(|step| {
                self.apply(&step.id, &step.change);
                self.clone()
            })
            .collect()
    }
}

impl Plan {
    /// The cumulative state after the step at `upto` (0-based, inclusive): the deltas of
    /// `steps[0..=upto]` merged. An index past the end gives the state after the last step.
    pub fn cumulative(&self, upto: usize) -> State {
        State::new().after(self.steps.iter().take(upto.saturating_add(1)))
    }

    /// The cumulative state after every step, in step order.
    pub fn states(&self) -> Vec<State> {
        State::new().after_each(&self.steps)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::plan::WorkloadKind;

    fn change(config: &[(&str, Value)]) -> Change {
        Change {
            config: config.iter().cloned().collect(),
            ..Change::default()
        }
    }

    #[test]
    fn later_config_wins_in_place_and_null_removes() {
        let mut s = State::new();
        s.apply("1", &change(&[("a", json!(1)), ("b", json!(true))]));
        s.apply("2", &change(&[("a", json!(2)), ("c", json!("x"))]));
        s.apply("3", &change(&[("b", Value::Null)]));
        let keys: Vec<_> = s.config.keys().collect();
        assert_eq!(keys, ["a", "c"]);
        assert_eq!(s.config.get("a").unwrap().value, json!(2));
        assert_eq!(s.config.get("a").unwrap().step, "2");
    }

    #[test]
    fn hidden_flags_merge_and_overrides_replace() {
        let mut s = State::new();
        let mut c = Change::default();
        c.hidden
            .insert("x_args", [("f1", json!(true))].into_iter().collect());
        c.overrides.push(ReplicaOverride {
            field: "q_deployment".into(),
            kind: WorkloadKind::Deployment,
            object: "q".into(),
            replicas: 1,
        });
        s.apply("1", &c);
        let mut c2 = Change::default();
        c2.hidden
            .insert("x_args", [("f2", Value::Null)].into_iter().collect());
        c2.overrides.push(ReplicaOverride {
            replicas: 0,
            ..c.overrides[0].clone()
        });
        s.apply("2", &c2);
        let flags = s.hidden.get("x_args").unwrap();
        assert_eq!(flags.keys().collect::<Vec<_>>(), ["f1", "f2"]);
        assert_eq!(flags.get("f2").unwrap().value, Value::Null);
        assert_eq!(s.overrides.len(), 1);
        assert_eq!(s.override_for("q_deployment").unwrap().replicas, 0);
        let c3 = Change {
            remove_overrides: vec!["q_deployment".into()],
            remove_hidden: vec!["x_args".into()],
            ..Change::default()
        };
        s.apply("3", &c3);
        assert!(s.is_empty());
    }

    #[test]
    fn raw_jsonnet_is_kept_per_step_and_removable() {
        let mut s = State::new();
        s.apply(
            "1",
            &Change {
                jsonnet: Some("{ a: 1 }".into()),
                ..Change::default()
            },
        );
        s.apply(
            "2",
            &Change {
                jsonnet: Some("{ b: 1 }".into()),
                remove_jsonnet: vec!["1".into()],
                ..Change::default()
            },
        );
        assert_eq!(s.jsonnet.keys().collect::<Vec<_>>(), ["2"]);
    }
}
