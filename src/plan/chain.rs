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
//! added. The steps' texts follow their ids: "Step 1 is rolled out", "(step 3)" or
//! "steps 2 to 4" in a prerequisite's step read "Step consul.1", "(step consul.3)",
//! "steps consul.2 to consul.4" in the chain (see [`prefix_step_refs`]).

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::{Captures, Regex};
use serde_json::Value;

use super::classify::ConfigRead;
use super::{
    CONSUL_TO_MEMBERLIST, Params, Plan, PlanError, QUERY_SCHEDULER_RING, Standing, Step, StepCheck,
    TO_READ_WRITE,
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

/// The plans [`prerequisites`] may chain in front of the plan named `plan`, in chain order.
pub fn prerequisite_plans(plan: &str) -> &'static [&'static str] {
    match plan {
        TO_READ_WRITE => &[CONSUL_TO_MEMBERLIST, QUERY_SCHEDULER_RING],
        _ => &[],
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
    if prerequisite_plans(&plan.name).is_empty() {
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
        let ids: BTreeSet<&str> = prerequisite
            .plan
            .steps
            .iter()
            .map(|s| s.id.as_str())
            .collect();
        for (i, step) in prerequisite.plan.steps.iter().enumerate() {
            let mut step = prefixed(step, prefix, &ids);
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

/// `step` of a prerequisite plan whose step ids are `ids`, as it reads in the chain: its id,
/// the ids of its `remove_jsonnet`, and every reference to a step of `ids` in its texts
/// (description, prerequisites, check expectations and texts, wait reasons) behind `prefix`.
fn prefixed(step: &Step, prefix: &str, ids: &BTreeSet<&str>) -> Step {
    let text = |t: &str| prefix_step_refs(t, prefix, ids);
    let mut step = step.clone();
    step.id = format!("{prefix}.{}", step.id);
    step.description = text(&step.description);
    for p in &mut step.prerequisites {
        *p = text(p);
    }
    for check in &mut step.checks {
        match check {
            StepCheck::Promql { expect, .. } | StepCheck::Ring { expect, .. } => {
                *expect = text(expect);
            }
            StepCheck::Manual { text: t } => *t = text(t),
        }
    }
    for wait in &mut step.waits {
        wait.reason = text(&wait.reason);
    }
    for id in &mut step.change.remove_jsonnet {
        if ids.contains(id.as_str()) {
            *id = format!("{prefix}.{id}");
        }
    }
    step
}

/// A step id as the catalogue writes them: `3`, `5.2`, `7.2a` (a sentence's full stop after
/// it is not part of it).
const STEP_ID: &str = r"[0-9][0-9A-Za-z]*(?:\.[0-9A-Za-z]+)*";

/// `step N` / `Step N`, or `steps N to M` / `steps N, M and K` (`to`, `and`, `or`, `,`; lists
/// only after the plural, so that "step 3, 2 replicas" stays one reference).
static STEP_REF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\b(?:([Ss]teps) ({STEP_ID}(?:(?:, | to | and | or ){STEP_ID})*)|([Ss]tep) ({STEP_ID}))"
    ))
    .expect("valid step reference pattern")
});

static ONE_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(STEP_ID).expect("valid step id pattern"));

/// `text` with every reference to one of `ids` (`step 2`, `Step 1`, `steps 2 to 4`) written
/// with `prefix` (`step consul.2`, …). Numbers that are not ids of `ids` (another plan's step
/// `5.2`, say) stay as they are.
fn prefix_step_refs(text: &str, prefix: &str, ids: &BTreeSet<&str>) -> String {
    STEP_REF
        .replace_all(text, |caps: &Captures<'_>| {
            let (word, list) = match (caps.get(1), caps.get(2)) {
                (Some(word), Some(list)) => (word.as_str(), list.as_str()),
                _ => (&caps[3], &caps[4]),
            };
            let list = ONE_ID.replace_all(list, |id: &Captures<'_>| {
                let id = &id[0];
                if ids.contains(id) {
                    format!("{prefix}.{id}")
                } else {
                    id.to_string()
                }
            });
            format!("{word} {list}")
        })
        .into_owned()
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

    fn chained_consul_and_qs() -> Plan {
        let params = Params::default();
        let plan = Plan::to_read_write(&params);
        let mut read = reader(json!({
            "deployment_mode": "microservices",
            "memberlist_ring_enabled": false,
            "query_scheduler_service_discovery_mode": "dns",
        }));
        let pre = prerequisites(&plan, &params, &mut read).unwrap();
        chain(&pre, &plan)
    }

    /// Every free text of a step, joined.
    fn texts(step: &Step) -> String {
        let mut out = vec![step.description.clone()];
        out.extend(step.prerequisites.iter().cloned());
        out.extend(step.checks.iter().map(ToString::to_string));
        out.extend(step.waits.iter().map(|w| w.reason.clone()));
        out.join("\n")
    }

    #[test]
    fn chained_step_texts_name_the_chained_ids() {
        let chained = chained_consul_and_qs();
        let step = |id: &str| chained.steps.iter().find(|s| s.id == id).unwrap();
        assert_eq!(
            step("consul.2").prerequisites,
            ["Step consul.1 is rolled out on every component (each runs the multi KV store)."]
        );
        assert!(step("consul.3").prerequisites[0].contains("(step consul.2)"));
        assert!(step("consul.4").prerequisites[0].contains("(step consul.3)"));
        assert!(step("consul.5").prerequisites[0].contains("(step consul.4)"));
        assert_eq!(
            step("consul.6").prerequisites,
            ["Every component restarted after step consul.5."]
        );
        assert!(step("qs.2").prerequisites[0].contains("(step qs.1)"));
        // The reason of qs.1 speaks of to-read-write's own step 2: not rewritten.
        assert!(
            step("qs.1")
                .description
                .contains("in one rollout at step 2. ")
        );
        // No bare reference to a prerequisite's own step is left in any chained text.
        let bare = Regex::new(r"\b[Ss]teps? [0-9]").unwrap();
        for s in chained.steps.iter().filter(|s| s.plan.is_some()) {
            let text = texts(s);
            let text = text.replace("in one rollout at step 2", "");
            assert!(!bare.is_match(&text), "{}: {text}", s.id);
        }
        // The plan's own steps are left alone.
        let own = Plan::to_read_write(&Params::default());
        assert_eq!(&chained.steps[8..], &own.steps[..]);
    }

    #[test]
    fn step_references_are_rewritten_only_for_the_plans_own_ids() {
        let ids: BTreeSet<&str> = ["1", "2", "3", "5", "7.2a"].into_iter().collect();
        let p = |t: &str| prefix_step_refs(t, "consul", &ids);
        assert_eq!(
            p("Step 1 is done (step 2); after step 5."),
            "Step consul.1 is done (step consul.2); after step consul.5."
        );
        assert_eq!(p("steps 1 to 3"), "steps consul.1 to consul.3");
        assert_eq!(
            p("Steps 1, 2 and 3 or 5"),
            "Steps consul.1, consul.2 and consul.3 or consul.5"
        );
        assert_eq!(p("step 7.2a ran"), "step consul.7.2a ran");
        // Not an id of the plan, not a step reference, or not at a word boundary.
        assert_eq!(p("step 5.2 and step 4"), "step 5.2 and step 4");
        assert_eq!(p("steps 1 to 4"), "steps consul.1 to 4");
        assert_eq!(p("step 12, 2 replicas"), "step 12, 2 replicas");
        assert_eq!(
            p("footstep 1; stepping 2; 3 steps"),
            "footstep 1; stepping 2; 3 steps"
        );
    }

    #[test]
    fn chained_remove_jsonnet_names_the_chained_ids() {
        let mut first = Step::new("1", "a", crate::plan::StepKind::Config, "");
        first.change.jsonnet = Some("{}".into());
        let mut second = Step::new("2", "b", crate::plan::StepKind::Config, "see step 1");
        second.change.remove_jsonnet = vec!["1".into()];
        let pre = Prerequisite {
            plan: Plan {
                name: "custom".into(),
                description: String::new(),
                direction: None,
                steps: vec![first, second],
                resume_after: None,
            },
            reason: "why".into(),
        };
        let plan = Plan::to_read_write(&Params::default());
        let chained = chain(&[pre], &plan);
        assert_eq!(chained.steps[1].id, "custom.2");
        assert_eq!(chained.steps[1].change.remove_jsonnet, ["custom.1"]);
        assert_eq!(chained.steps[1].description, "see step custom.1");
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
