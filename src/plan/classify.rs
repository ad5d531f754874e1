//! Where an environment stands before a plan is rendered, and what the plan needs from its
//! `_config`.
//!
//! [`assess`] reads a few `_config` keys (through a reader, so that this module stays free of
//! evaluation) and returns a [`Verdict`]:
//! - [`Verdict::Done`]: the environment is already where the plan leads (e.g. read-write mode
//!   under `to-read-write`); nothing to render, exit 0 with the message;
//! - [`Verdict::Stop`]: the environment is part-way (migration mode, a multi KV store switched
//!   on, …) and no `--from STEP` says where, or it lacks a `_config` value the plan needs (one
//!   message naming each key, the value needed and why);
//! - [`Verdict::Proceed`]: render the plan.
//!
//! [`remaining_after`] is what `--from STEP` follows: the steps after `STEP`, with the
//! environment as it is taken as the state after `STEP`.

use std::fmt;

use serde_json::Value;

use super::{
    CONSUL_TO_MEMBERLIST, MEMBERLIST_CLUSTER_LABEL, Plan, PlanError, QUERY_SCHEDULER_RING,
    RULER_REMOTE_EVALUATION, TO_MICROSERVICES, TO_READ_WRITE,
};
use crate::mimir::Direction;

/// What reading one `_config` key gave.
#[derive(Debug, Clone, PartialEq)]
pub enum ConfigRead {
    /// The key's value.
    Value(Value),
    /// No such key.
    Missing,
    /// Evaluating the key failed (e.g. a library default that is an `error`): the message.
    Fails(String),
}

impl ConfigRead {
    fn value(&self) -> Option<&Value> {
        match self {
            ConfigRead::Value(v) => Some(v),
            _ => None,
        }
    }

    fn is_true(&self) -> bool {
        self.value() == Some(&Value::Bool(true))
    }

    fn str(&self) -> Option<&str> {
        self.value().and_then(Value::as_str)
    }
}

/// Where a Mimir environment stands between microservices and read-write mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// `deployment_mode: 'microservices'` (the start of `to-read-write`).
    Microservices,
    /// `deployment_mode: 'migration'`: both sides deployed, part-way either way.
    Migration,
    /// `deployment_mode: 'read-write'` (the start of `to-microservices`).
    ReadWrite,
}

impl Standing {
    /// The standing a `deployment_mode` value means, if it is one of the three.
    pub fn from_mode(mode: &str) -> Option<Standing> {
        match mode {
            "microservices" => Some(Standing::Microservices),
            "migration" => Some(Standing::Migration),
            "read-write" => Some(Standing::ReadWrite),
            _ => None,
        }
    }
}

/// A `_config` value the plan needs and the environment lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmet {
    /// The `_config` key.
    pub key: String,
    /// The value needed, as Jsonnet (or in words).
    pub needed: String,
    /// Why the plan needs it.
    pub why: String,
}

impl fmt::Display for Unmet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "set _config.{} to {}: {}",
            self.key, self.needed, self.why
        )
    }
}

/// What to do before rendering a plan on an environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Render the plan.
    Proceed,
    /// The environment is already where the plan leads: nothing to do (exit 0).
    Done(String),
    /// Do not render: the message says why and what to do (exit 1).
    Stop(String),
}

/// Assess `plan` on an environment whose `_config` keys `read` returns. `from` is the step the
/// user says the environment has reached (`--from`); with it, only what the remaining steps
/// need is checked. Plans tkstep does not know (by name or direction) always proceed.
pub fn assess(
    plan: &Plan,
    from: Option<&str>,
    read: &mut dyn FnMut(&str) -> ConfigRead,
) -> Verdict {
    let name = plan.name.as_str();
    let read_write = plan.direction.is_some()
        || plan
            .steps
            .iter()
            .any(|s| s.change.config.contains_key("deployment_mode"));
    if read_write {
        return read_write_plan(plan, name, plan.direction(), from, read);
    }
    if from.is_some() {
        return Verdict::Proceed;
    }
    // Not Mimir-like, or `_config` does not evaluate: rendering says so (with the
    // environment's own error), not a list of keys to set.
    if !matches!(read("deployment_mode"), ConfigRead::Value(Value::String(_))) {
        return Verdict::Proceed;
    }
    match name {
        CONSUL_TO_MEMBERLIST => consul(read),
        QUERY_SCHEDULER_RING => query_scheduler_ring(read),
        RULER_REMOTE_EVALUATION => ruler_remote_evaluation(read),
        MEMBERLIST_CLUSTER_LABEL => cluster_label(read),
        _ => Verdict::Proceed,
    }
}

/// `unmet` as one message, or proceed.
fn unmet_verdict(plan: &str, unmet: Vec<Unmet>) -> Verdict {
    if unmet.is_empty() {
        return Verdict::Proceed;
    }
    let lines: Vec<String> = unmet.iter().map(|u| format!("  - {u}")).collect();
    Verdict::Stop(format!(
        "the environment is not ready for plan {plan}; in its main.jsonnet:\n{}",
        lines.join("\n")
    ))
}

/// Whether some step of `plan` sets `_config.<key>` to `value`.
fn plan_sets(plan: &Plan, key: &str, value: &Value) -> bool {
    plan.steps
        .iter()
        .any(|s| s.change.config.get(key) == Some(value))
}

fn read_write_plan(
    plan: &Plan,
    name: &str,
    direction: Direction,
    from: Option<&str>,
    read: &mut dyn FnMut(&str) -> ConfigRead,
) -> Verdict {
    let mode = read("deployment_mode");
    let Some(standing) = mode.str().and_then(Standing::from_mode) else {
        // Not Mimir-like, or an unknown mode: the adaptation and the library say so.
        return Verdict::Proceed;
    };
    let (start, end, other) = match direction {
        Direction::ToReadWrite => (
            Standing::Microservices,
            Standing::ReadWrite,
            TO_MICROSERVICES,
        ),
        Direction::ToMicroservices => (Standing::ReadWrite, Standing::Microservices, TO_READ_WRITE),
    };
    let mode_text = mode.str().unwrap_or_default();
    if from.is_none() && standing == end {
        return Verdict::Done(format!(
            "nothing left to do: the environment is already in {mode_text} mode \
             (deployment_mode: '{mode_text}'), where plan {name} leads; did you mean --plan {other}?"
        ));
    }
    if from.is_none() && standing == Standing::Migration {
        return Verdict::Stop(format!(
            "the environment is in migration mode (deployment_mode: 'migration'): it is part-way \
             through a migration, and plan {name} starts before that. Say which step it has \
             reached with --from STEP (e.g. --from 4.1 once mimir-backend is scaled up): tkstep \
             then takes the environment as it is as the state after that step and follows the \
             remaining steps"
        ));
    }
    if from.is_some() || standing != start || direction != Direction::ToReadWrite {
        return Verdict::Proceed;
    }
    let mut unmet = Vec::new();
    if let ConfigRead::Missing | ConfigRead::Fails(_) = read("ruler_storage_bucket_name") {
        unmet.push(Unmet {
            key: "ruler_storage_bucket_name".into(),
            needed: "the name of the bucket holding the rules".into(),
            why: "migration and read-write modes run a ruler inside mimir-backend even when \
                  ruler_enabled is false, and its flags need that bucket"
                .into(),
        });
    }
    let concurrency = read("compactor_max_concurrency");
    if let Some(v) = concurrency.value()
        && v.as_f64() != Some(1.0)
    {
        unmet.push(Unmet {
            key: "compactor_max_concurrency".into(),
            needed: "1".into(),
            why: format!(
                "Mimir's read-write and migration modes assert it (it is {v}); mimir-backend runs \
                 one compaction at a time"
            ),
        });
    }
    let moves_to_memberlist = plan_sets(plan, "memberlist_ring_enabled", &Value::Bool(true));
    if !moves_to_memberlist && read("memberlist_ring_enabled").value() == Some(&Value::Bool(false))
    {
        unmet.push(Unmet {
            key: "memberlist_ring_enabled".into(),
            needed: "true".into(),
            why: format!(
                "read-write and migration modes assert memberlist rings, and this environment's \
                 rings use Consul; move them first without downtime: --plan {CONSUL_TO_MEMBERLIST} \
                 (to-read-write chains it in front unless --no-prerequisites)"
            ),
        });
    }
    unmet_verdict(name, unmet)
}

fn consul(read: &mut dyn FnMut(&str) -> ConfigRead) -> Verdict {
    if read("multikv_migration_enabled").is_true() || read("multikv_migration_teardown").is_true() {
        return Verdict::Stop(format!(
            "the environment has a multi KV store switched on (multikv_migration_enabled or \
             multikv_migration_teardown): it is part-way through {CONSUL_TO_MEMBERLIST}. Say which \
             step it has reached with --from STEP to follow the remaining steps"
        ));
    }
    if read("memberlist_ring_enabled").is_true() {
        return Verdict::Done(
            "nothing to do: the environment's rings already use memberlist \
             (memberlist_ring_enabled is true)"
                .into(),
        );
    }
    Verdict::Proceed
}

fn query_scheduler_ring(read: &mut dyn FnMut(&str) -> ConfigRead) -> Verdict {
    if read("query_scheduler_enabled").value() == Some(&Value::Bool(false)) {
        return unmet_verdict(
            QUERY_SCHEDULER_RING,
            vec![Unmet {
                key: "query_scheduler_enabled".into(),
                needed: "true".into(),
                why: "the plan moves how query-frontends and queriers find the query-schedulers, \
                      and this environment runs none"
                    .into(),
            }],
        );
    }
    let mode = read("query_scheduler_service_discovery_mode");
    if mode.str() == Some("ring") {
        if read("query_scheduler_service_discovery_ring_read_path_enabled").value()
            == Some(&Value::Bool(false))
        {
            return Verdict::Stop(format!(
                "the query-schedulers already use the ring but their clients do not \
                 (query_scheduler_service_discovery_ring_read_path_enabled is false): the \
                 environment is after step 1 of {QUERY_SCHEDULER_RING}; follow the rest with \
                 --from 1"
            ));
        }
        return Verdict::Done(
            "nothing to do: query-schedulers are already discovered through the ring \
             (query_scheduler_service_discovery_mode is 'ring')"
                .into(),
        );
    }
    Verdict::Proceed
}

fn ruler_remote_evaluation(read: &mut dyn FnMut(&str) -> ConfigRead) -> Verdict {
    if read("ruler_remote_evaluation_enabled").is_true() {
        if read("ruler_remote_evaluation_migration_enabled").is_true() {
            return Verdict::Stop(format!(
                "the ruler's read path is deployed but the ruler does not use it yet \
                 (ruler_remote_evaluation_migration_enabled is true): the environment is after \
                 step 1 of {RULER_REMOTE_EVALUATION}; follow the rest with --from 1"
            ));
        }
        return Verdict::Done(
            "nothing to do: the ruler already evaluates rules remotely \
             (ruler_remote_evaluation_enabled is true)"
                .into(),
        );
    }
    let mut unmet = Vec::new();
    if !read("ruler_enabled").is_true() {
        unmet.push(Unmet {
            key: "ruler_enabled".into(),
            needed: "true".into(),
            why: "the plan moves the microservice ruler's rule evaluation, and this environment \
                  runs no ruler"
                .into(),
        });
    }
    if read("deployment_mode").str() == Some("read-write") {
        unmet.push(Unmet {
            key: "deployment_mode".into(),
            needed: "'microservices'".into(),
            why: "read-write mode refuses ruler_remote_evaluation_enabled (mimir-backend's ruler \
                  always evaluates through mimir-read)"
                .into(),
        });
    }
    unmet_verdict(RULER_REMOTE_EVALUATION, unmet)
}

fn cluster_label(read: &mut dyn FnMut(&str) -> ConfigRead) -> Verdict {
    if read("memberlist_ring_enabled").value() == Some(&Value::Bool(false)) {
        return unmet_verdict(
            MEMBERLIST_CLUSTER_LABEL,
            vec![Unmet {
                key: "memberlist_ring_enabled".into(),
                needed: "true".into(),
                why: format!(
                    "the cluster label is a memberlist setting, and this environment's rings use \
                     Consul; move them to memberlist first: --plan {CONSUL_TO_MEMBERLIST}"
                ),
            }],
        );
    }
    let disabled = read("memberlist_cluster_label_verification_disabled").is_true();
    let label = read("memberlist_cluster_label");
    let label = label.str().unwrap_or_default();
    if disabled {
        let at = if label.is_empty() { "1" } else { "2" };
        return Verdict::Stop(format!(
            "memberlist cluster label verification is off \
             (memberlist_cluster_label_verification_disabled is true): the environment is after \
             step {at} of {MEMBERLIST_CLUSTER_LABEL}; follow the rest with --from {at}"
        ));
    }
    if !label.is_empty() {
        return Verdict::Done(format!(
            "nothing to do: the environment already has the memberlist cluster label '{label}'"
        ));
    }
    Verdict::Proceed
}

/// The plan that `--from STEP` follows: the steps after `from`, the environment as it is being
/// the state after `from`. An unknown step id is an error naming the plan's steps.
pub fn remaining_after(plan: &Plan, from: &str) -> Result<Plan, PlanError> {
    let index = plan.index_of(from)?;
    let mut rest = plan.clone();
    rest.steps.drain(..=index);
    Ok(rest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Params;
    use serde_json::json;

    fn reader(config: Value) -> impl FnMut(&str) -> ConfigRead {
        move |key| match config.get(key) {
            Some(Value::String(s)) if s.starts_with("error:") => ConfigRead::Fails(s.clone()),
            Some(v) => ConfigRead::Value(v.clone()),
            None => ConfigRead::Missing,
        }
    }

    /// `config` (in microservices mode unless it says otherwise).
    fn assess_on(name: &str, from: Option<&str>, mut config: Value) -> Verdict {
        let plan = Plan::builtin(name, &Params::default()).unwrap();
        if let Value::Object(map) = &mut config {
            map.entry("deployment_mode")
                .or_insert("microservices".into());
        }
        assess(&plan, from, &mut reader(config))
    }

    #[test]
    fn environments_without_a_readable_mode_are_left_to_the_render() {
        for name in crate::plan::BUILTIN_PLANS {
            let plan = Plan::builtin(name, &Params::default()).unwrap();
            for config in [json!({}), json!({"deployment_mode": "error: syntax error"})] {
                let v = assess(&plan, None, &mut reader(config.clone()));
                assert_eq!(v, Verdict::Proceed, "{name} on {config}");
            }
        }
    }

    #[test]
    fn read_write_envs_are_done_under_to_read_write() {
        let v = assess_on(
            TO_READ_WRITE,
            None,
            json!({"deployment_mode": "read-write"}),
        );
        let Verdict::Done(message) = v else {
            panic!("{v:?}")
        };
        assert!(
            message.contains("did you mean --plan to-microservices?"),
            "{message}"
        );
        let v = assess_on(
            TO_MICROSERVICES,
            None,
            json!({"deployment_mode": "microservices"}),
        );
        assert!(matches!(v, Verdict::Done(m) if m.contains("--plan to-read-write")));
    }

    #[test]
    fn migration_mode_asks_for_from_unless_given() {
        let config = json!({"deployment_mode": "migration"});
        let v = assess_on(TO_READ_WRITE, None, config.clone());
        assert!(
            matches!(&v, Verdict::Stop(m) if m.contains("--from STEP")),
            "{v:?}"
        );
        let v = assess_on(TO_MICROSERVICES, None, config.clone());
        assert!(
            matches!(&v, Verdict::Stop(m) if m.contains("--from STEP")),
            "{v:?}"
        );
        assert_eq!(
            assess_on(TO_READ_WRITE, Some("4.1"), config),
            Verdict::Proceed
        );
    }

    #[test]
    fn missing_config_is_one_message_naming_every_key() {
        let v = assess_on(
            TO_READ_WRITE,
            None,
            json!({
                "deployment_mode": "microservices",
                "ruler_storage_bucket_name": "error: must specify the ruler storage bucket name",
                "compactor_max_concurrency": 4,
                "memberlist_ring_enabled": false,
            }),
        );
        let Verdict::Stop(message) = v else {
            panic!("{v:?}")
        };
        for key in [
            "_config.ruler_storage_bucket_name",
            "_config.compactor_max_concurrency to 1",
            "_config.memberlist_ring_enabled to true",
            "--plan consul-to-memberlist",
        ] {
            assert!(message.contains(key), "{key}: {message}");
        }
        let ready = json!({
            "deployment_mode": "microservices",
            "ruler_storage_bucket_name": "rules",
            "compactor_max_concurrency": 1,
            "memberlist_ring_enabled": true,
        });
        assert_eq!(assess_on(TO_READ_WRITE, None, ready), Verdict::Proceed);
    }

    #[test]
    fn catalogue_plans_know_their_start_and_end() {
        let done = |v: Verdict| matches!(v, Verdict::Done(_));
        let stop = |v: Verdict| matches!(v, Verdict::Stop(_));
        assert!(done(assess_on(
            CONSUL_TO_MEMBERLIST,
            None,
            json!({"memberlist_ring_enabled": true})
        )));
        assert_eq!(
            assess_on(
                CONSUL_TO_MEMBERLIST,
                None,
                json!({"memberlist_ring_enabled": false})
            ),
            Verdict::Proceed
        );
        assert!(stop(assess_on(
            CONSUL_TO_MEMBERLIST,
            None,
            json!({"memberlist_ring_enabled": true, "multikv_migration_enabled": true})
        )));
        assert!(done(assess_on(
            QUERY_SCHEDULER_RING,
            None,
            json!({"query_scheduler_service_discovery_mode": "ring"})
        )));
        assert_eq!(
            assess_on(
                QUERY_SCHEDULER_RING,
                None,
                json!({"query_scheduler_service_discovery_mode": "dns"})
            ),
            Verdict::Proceed
        );
        let v = assess_on(
            RULER_REMOTE_EVALUATION,
            None,
            json!({"ruler_enabled": false}),
        );
        assert!(
            matches!(&v, Verdict::Stop(m) if m.contains("_config.ruler_enabled to true")),
            "{v:?}"
        );
        assert!(done(assess_on(
            RULER_REMOTE_EVALUATION,
            None,
            json!({"ruler_remote_evaluation_enabled": true})
        )));
        let v = assess_on(
            MEMBERLIST_CLUSTER_LABEL,
            None,
            json!({"memberlist_ring_enabled": false}),
        );
        assert!(
            matches!(&v, Verdict::Stop(m) if m.contains("--plan consul-to-memberlist")),
            "{v:?}"
        );
        assert!(done(assess_on(
            MEMBERLIST_CLUSTER_LABEL,
            None,
            json!({"memberlist_ring_enabled": true, "memberlist_cluster_label": "x"})
        )));
    }

    #[test]
    fn from_keeps_the_steps_after_it() {
        let plan = Plan::to_read_write(&Params::default());
        let rest = remaining_after(&plan, "4.1").unwrap();
        assert_eq!(rest.steps[0].id, "4.2");
        assert_eq!(rest.steps.len(), plan.steps.len() - 6);
        assert!(remaining_after(&plan, "9").is_err());
    }
}
