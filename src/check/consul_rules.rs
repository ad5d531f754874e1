//! The consul-to-memberlist invariants (`../shared/migrations.md` §1), read from the rendered
//! manifests of every step:
//!
//! - `multikv-mirror-before-switch`: the runtime `multi_kv_config` switches its `primary` store
//!   only once the state before had `mirror_enabled: true` (the new primary has a copy of every
//!   ring);
//! - `multikv-switch-before-mirror-off`: mirroring is turned off only once the primary is
//!   switched;
//! - `multikv-mirror-off-before-teardown`: a workload leaves the `multi` KV store (its
//!   `-<ring>.store` flag changes from `multi`) only once the state before had mirroring off and
//!   the store it moves to as primary;
//! - `consul-still-used`: Consul (the `consul` workload) is never removed while a ring still
//!   uses it (`-<ring>.store=consul`, or `multi` with Consul as primary or secondary).
//!
//! The runtime configuration is the YAML document with a `multi_kv_config` key in any ConfigMap
//! (the library's `overrides` ConfigMap); ring flags are every `-<prefix>.store=…` argument.

use std::collections::BTreeMap;

use serde_json::Value;

use super::rule_set::finding;
use super::view::{StepView, Workload};
use super::{Finding, Rule, StepRef};

/// The rules of this set.
pub(crate) const RULES: [Rule; 4] = [
    Rule::MultikvMirrorBeforeSwitch,
    Rule::MultikvSwitchBeforeMirrorOff,
    Rule::MultikvMirrorOffBeforeTeardown,
    Rule::ConsulStillUsed,
];

/// The runtime `multi_kv_config` of one state.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Runtime {
    primary: Option<String>,
    mirror: bool,
}

/// The `multi_kv_config` found in any ConfigMap of `step`.
fn runtime(step: &StepRef<'_>) -> Option<Runtime> {
    for m in step.manifests {
        if m.kind() != "ConfigMap" {
            continue;
        }
        let Some(Value::Object(data)) = m.0.get("data") else {
            continue;
        };
        for text in data.values().filter_map(Value::as_str) {
            if !text.contains("multi_kv_config") {
                continue;
            }
            let Ok(doc) = serde_saphyr::from_str::<Value>(text) else {
                continue;
            };
            if let Some(cfg) = doc.get("multi_kv_config").filter(|c| c.is_object()) {
                return Some(Runtime {
                    primary: cfg
                        .get("primary")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    mirror: cfg.get("mirror_enabled").and_then(Value::as_bool) == Some(true),
                });
            }
        }
    }
    None
}

/// One ring's KV flags in one workload.
#[derive(Debug, Clone, Default)]
struct RingKv {
    store: String,
    primary: Option<String>,
    secondary: Option<String>,
}

/// The KV flags of every ring a workload's args configure, by flag prefix
/// (`ingester.ring`, `store-gateway.sharding-ring`, …).
fn rings(w: &Workload<'_>) -> BTreeMap<String, RingKv> {
    let mut out: BTreeMap<String, RingKv> = BTreeMap::new();
    for arg in &w.args {
        let Some(flag) = arg.strip_prefix("--").or_else(|| arg.strip_prefix('-')) else {
            continue;
        };
        let Some((name, value)) = flag.split_once('=') else {
            continue;
        };
        if let Some(prefix) = name.strip_suffix(".store") {
            out.entry(prefix.to_string()).or_default().store = value.to_string();
        } else if let Some(prefix) = name.strip_suffix(".multi.primary") {
            out.entry(prefix.to_string()).or_default().primary = Some(value.to_string());
        } else if let Some(prefix) = name.strip_suffix(".multi.secondary") {
            out.entry(prefix.to_string()).or_default().secondary = Some(value.to_string());
        }
    }
    out.retain(|_, kv| !kv.store.is_empty());
    out
}

fn uses_consul(kv: &RingKv) -> bool {
    kv.store == "consul"
        || (kv.store == "multi"
            && (kv.primary.as_deref() == Some("consul")
                || kv.secondary.as_deref() == Some("consul")))
}

/// Whether a workload of `step` is Consul itself.
fn consul_runs(step: &StepView<'_>) -> bool {
    step.workloads.keys().any(|name| *name == "consul")
}

pub(crate) fn check(refs: &[StepRef<'_>], steps: &[StepView<'_>], out: &mut Vec<Finding>) {
    let runtimes: Vec<Option<Runtime>> = refs.iter().map(runtime).collect();
    let mut consul_seen = steps.first().is_some_and(consul_runs);
    let mut first_primary: Option<String> = None;
    for i in 1..steps.len() {
        let (prev, cur) = (&steps[i - 1], &steps[i]);
        let (before, after) = (&runtimes[i - 1], &runtimes[i]);
        if first_primary.is_none() {
            first_primary = before
                .as_ref()
                .or(after.as_ref())
                .and_then(|r| r.primary.clone());
        }
        mirror_and_switch(
            cur,
            before.as_ref(),
            after.as_ref(),
            first_primary.as_deref(),
            out,
        );
        teardown(prev, cur, before.as_ref(), out);
        if consul_seen && !consul_runs(cur) {
            let users: Vec<String> = cur
                .workloads
                .values()
                .filter(|w| rings(w).values().any(uses_consul))
                .map(|w| w.label())
                .collect();
            if !users.is_empty() {
                out.push(finding(
                    Rule::ConsulStillUsed,
                    cur,
                    users.clone(),
                    format!(
                        "Consul is gone after this step, but {} workloads still use it as a ring \
                         store: their rings stop working; move every ring off Consul (multi KV, \
                         mirror, switch, teardown) before removing it",
                        users.len()
                    ),
                ));
            }
        }
        consul_seen |= consul_runs(cur);
    }
}

/// `multikv-mirror-before-switch` and `multikv-switch-before-mirror-off` at `cur`.
fn mirror_and_switch(
    cur: &StepView<'_>,
    before: Option<&Runtime>,
    after: Option<&Runtime>,
    first_primary: Option<&str>,
    out: &mut Vec<Finding>,
) {
    let (Some(before), Some(after)) = (before, after) else {
        return;
    };
    let objects = vec!["multi_kv_config".to_string()];
    if let (Some(from), Some(to)) = (&before.primary, &after.primary)
        && from != to
        && !before.mirror
    {
        out.push(finding(
            Rule::MultikvMirrorBeforeSwitch,
            cur,
            objects.clone(),
            format!(
                "this step switches the primary ring store from {from} to {to}, but mirroring was \
                 not on before it: {to} has no copy of the rings; turn mirroring on \
                 (multikv_mirror_enabled) and roll it out in an earlier step"
            ),
        ));
    }
    if before.mirror
        && !after.mirror
        && after.primary.is_some()
        && after.primary.as_deref() == first_primary
    {
        out.push(finding(
            Rule::MultikvSwitchBeforeMirrorOff,
            cur,
            objects,
            format!(
                "this step turns mirroring off while the primary ring store is still {}: switch \
                 the primary first (multikv_switch_primary_secondary), then stop mirroring",
                first_primary.unwrap_or_default()
            ),
        ));
    }
}

/// `multikv-mirror-off-before-teardown`: workloads whose rings leave the multi store at `cur`.
fn teardown(
    prev: &StepView<'_>,
    cur: &StepView<'_>,
    before: Option<&Runtime>,
    out: &mut Vec<Finding>,
) {
    let mut leaving: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, w) in &prev.workloads {
        let Some(now) = cur.workloads.get(name) else {
            continue;
        };
        let now = rings(now);
        for (prefix, kv) in rings(w) {
            let Some(next) = now.get(&prefix) else {
                continue;
            };
            if kv.store != "multi" || next.store == "multi" {
                continue;
            }
            let primary = before
                .and_then(|r| r.primary.clone())
                .or(kv.primary.clone())
                .unwrap_or_default();
            let mirror = before.is_some_and(|r| r.mirror);
            if mirror || primary != next.store {
                let why = if mirror {
                    "mirroring was still on".to_string()
                } else {
                    format!("the primary store was still {primary}")
                };
                leaving.entry(why).or_default().push(w.label());
            }
        }
    }
    for (why, mut objects) in leaving {
        objects.dedup();
        out.push(finding(
            Rule::MultikvMirrorOffBeforeTeardown,
            cur,
            objects.clone(),
            format!(
                "{} workloads leave the multi KV store in this step, but {why} before it: ring \
                 state that only the other store holds is lost; switch the primary and stop \
                 mirroring in earlier steps",
                objects.len()
            ),
        ));
    }
}
