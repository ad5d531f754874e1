//! Prerequisite plans chained in front of a plan: one plan, one cumulative overlay chain.
//!
//! `to-read-write` needs memberlist rings (read-write mode asserts them) and is smoother with
//! query-schedulers already discovered through their ring (otherwise its step 2 switches the
//! schedulers and all their clients in one rollout). On an environment that has neither,
//! [`prerequisites`] names the plans to run first and why; [`chain`] puts their steps in front
//! of the plan's.
//!
//! Chained steps keep their plan's step ids behind a prefix, so that they never clash with the
//! read-write ids and say where they come from: `consul.1` … `consul.6` for
//! `consul-to-memberlist`, `qs.1`, `qs.2` for `query-scheduler-ring`. Each carries
//! [`Step::plan`](super::Step::plan), and the first step of each prerequisite says why it was
//! added.

use serde_json::Value;

use super::classify::ConfigRead;
use super::{
    CONSUL_TO_MEMBERLIST, Params, Plan, PlanError, QUERY_SCHEDULER_RING, Standing, TO_READ_WRITE,
};

/// A plan to run before another one, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Prerequisite {
    /// The prerequisite plan.
    pub plan: Plan,
    /// Why it is needed, as a clause ("the environment's rings use Consul …").
    pub reason: String,
}

/// The step id prefix of a prerequisite plan's steps: `consul` or `qs` (else the plan name).
pub fn step_prefix(plan: &str) -> &str {
    match plan {
        CONSUL_TO_MEMBERLIST => "consul",
        QUERY_SCHEDULER_RING => "qs",
        other => other,
    }
}

/// The prerequisites of `plan` on an environment whose `_config` keys `read` returns: for
/// `to-read-write` starting from microservices mode, `consul-to-memberlist` when the rings use
/// Consul and `query-scheduler-ring` when query-schedulers are found through DNS (in that
/// order). Other plans have none.
pub fn prerequisites(
    plan: &Plan,
    params: &Params,
    read: &mut dyn FnMut(&str) -> ConfigRead,
) -> Result<Vec<Prerequisite>, PlanError> {
    if plan.name != TO_READ_WRITE {
        return Ok(Vec::new());
    }
    let value = |read: &mut dyn FnMut(&str) -> ConfigRead, key: &str| match read(key) {
        ConfigRead::Value(v) => Some(v),
        _ => None,
    };
    let mode = value(read, "deployment_mode");
    if mode
        .as_ref()
        .and_then(Value::as_str)
        .and_then(Standing::from_mode)
        != Some(Standing::Microservices)
    {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    if value(read, "memberlist_ring_enabled") == Some(Value::Bool(false)) {
        out.push(Prerequisite {
            plan: Plan::builtin(CONSUL_TO_MEMBERLIST, params)?,
            reason: "the environment's hash rings use Consul (memberlist_ring_enabled is false), \
                     and migration and read-write modes need memberlist rings"
                .into(),
        });
    }
    let schedulers = value(read, "query_scheduler_enabled") != Some(Value::Bool(false));
    let discovery = value(read, "query_scheduler_service_discovery_mode");
    if schedulers && discovery.as_ref().and_then(Value::as_str) == Some("dns") {
        out.push(Prerequisite {
            plan: Plan::builtin(QUERY_SCHEDULER_RING, params)?,
            reason: "query-frontends and queriers find the query-schedulers through DNS \
                     (query_scheduler_service_discovery_mode is 'dns'); migration mode moves \
                     them to the ring, and without this the schedulers and all their clients \
                     switch in one rollout at step 2"
                .into(),
        });
    }
    Ok(out)
}

/// `plan` with the steps of `prerequisites` in front (ids prefixed, see [`step_prefix`]; each
/// step's [`plan`](super::Step::plan) set to its source plan; the first step of each
/// prerequisite says why it was added). The result keeps `plan`'s name and direction.
pub fn chain(prerequisites: &[Prerequisite], plan: &Plan) -> Plan {
    if prerequisites.is_empty() {
        return plan.clone();
    }
    let mut steps = Vec::new();
    for prerequisite in prerequisites {
        let source = &prerequisite.plan.name;
        let prefix = step_prefix(source);
        for (i, step) in prerequisite.plan.steps.iter().enumerate() {
            let mut step = step.clone();
            step.id = format!("{prefix}.{}", step.id);
            step.plan = Some(source.clone());
            if i == 0 {
                step.description = format!(
                    "Prerequisite of {} (plan {source}), added because {}. {}",
                    plan.name, prerequisite.reason, step.description
                );
            }
            steps.push(step);
        }
    }
    steps.extend(plan.steps.iter().cloned());
    let names: Vec<&str> = prerequisites.iter().map(|p| p.plan.name.as_str()).collect();
    Plan {
        name: plan.name.clone(),
        description: format!(
            "{} Starts with the prerequisite plan{} {}.",
            plan.description,
            if names.len() == 1 { "" } else { "s" },
            names.join(" and ")
        ),
        direction: Some(plan.direction()),
        steps,
        resume_after: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn reader(config: Value) -> impl FnMut(&str) -> ConfigRead {
        move |key| match config.get(key) {
            Some(v) => ConfigRead::Value(v.clone()),
            None => ConfigRead::Missing,
        }
    }

    #[test]
    fn consul_and_dns_environments_get_both_prerequisites_in_order() {
        let params = Params::default();
        let plan = Plan::to_read_write(&params);
        let mut read = reader(json!({
            "deployment_mode": "microservices",
            "memberlist_ring_enabled": false,
            "query_scheduler_enabled": true,
            "query_scheduler_service_discovery_mode": "dns",
        }));
        let pre = prerequisites(&plan, &params, &mut read).unwrap();
        let names: Vec<&str> = pre.iter().map(|p| p.plan.name.as_str()).collect();
        assert_eq!(names, [CONSUL_TO_MEMBERLIST, QUERY_SCHEDULER_RING]);
        let chained = chain(&pre, &plan);
        let ids: Vec<&str> = chained.steps.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            &ids[..9],
            [
                "consul.1", "consul.2", "consul.3", "consul.4", "consul.5", "consul.6", "qs.1",
                "qs.2", "1"
            ]
        );
        assert_eq!(chained.steps[0].plan.as_deref(), Some(CONSUL_TO_MEMBERLIST));
        assert!(
            chained.steps[0]
                .description
                .contains("added because the environment's hash rings use Consul")
        );
        assert!(chained.steps[6].description.contains("through DNS"));
        assert_eq!(chained.steps[8].plan, None);
        assert_eq!(chained.name, TO_READ_WRITE);
        assert_eq!(chained.direction, plan.direction);
        // Ids stay unique.
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), ids.len());
    }

    #[test]
    fn ready_or_other_environments_get_none() {
        let params = Params::default();
        let plan = Plan::to_read_write(&params);
        let mut ring = reader(json!({
            "deployment_mode": "microservices",
            "memberlist_ring_enabled": true,
            "query_scheduler_service_discovery_mode": "ring",
        }));
        assert!(prerequisites(&plan, &params, &mut ring).unwrap().is_empty());
        let mut migration = reader(json!({
            "deployment_mode": "migration",
            "memberlist_ring_enabled": false,
        }));
        assert!(
            prerequisites(&plan, &params, &mut migration)
                .unwrap()
                .is_empty()
        );
        let reverse = Plan::to_microservices(&params);
        let mut dns = reader(
            json!({"deployment_mode": "read-write", "query_scheduler_service_discovery_mode": "dns"}),
        );
        assert!(
            prerequisites(&reverse, &params, &mut dns)
                .unwrap()
                .is_empty()
        );
    }
}
