//! `ruler-remote-eval`: a ruler that evaluates rules remotely needs its query path.
//!
//! Two checks under one id:
//! - turning remote evaluation off (the `ruler-query-frontend`/`ruler-querier`/
//!   `ruler-query-scheduler` workloads disappear and the ruler's
//!   `-ruler.query-frontend.address` stops pointing at them) is only safe at or after the step
//!   where that ruler is at 0 replicas;
//! - a running workload with `-ruler.query-frontend.address` (the microservices ruler, or
//!   mimir-backend pointing at mimir-read) needs the addressed frontend, and for the ruler's
//!   own remote-evaluation path all of its workloads, to have replicas.

use super::rules::Rule;
use super::view::StepView;
use super::{Ctx, Finding, join_names};
use crate::mimir::WorkloadSet;
use std::collections::{BTreeMap, BTreeSet};

const ADDRESS_FLAG: &str = "ruler.query-frontend.address";

pub(crate) fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for side in ctx.sides.both() {
        if let Some(ruler) = side.ruler {
            disabled_while_running(ctx, out, side, ruler);
        }
    }
    address_targets(ctx, out);
}

/// Whether the step renders remote evaluation for `ruler`: its workloads, or the ruler
/// pointing at one of them.
fn remote_eval_on(st: &StepView<'_>, side: &WorkloadSet, ruler: &str) -> bool {
    side.remote_evaluation.iter().any(|n| st.has(n))
        || st
            .workloads
            .get(ruler)
            .and_then(|w| w.flag(ADDRESS_FLAG))
            .and_then(service_of)
            .is_some_and(|svc| side.remote_evaluation.contains(&svc.as_str()))
}

fn disabled_while_running(ctx: &Ctx<'_>, out: &mut Vec<Finding>, side: &WorkloadSet, ruler: &str) {
    for (prev, cur) in ctx.transitions() {
        if !remote_eval_on(prev, side, ruler) || remote_eval_on(cur, side, ruler) {
            continue;
        }
        let replicas = cur.capacity(ruler);
        if replicas == 0 {
            continue;
        }
        let mut objects: Vec<String> = prev
            .workloads
            .values()
            .filter(|w| w.name == ruler || side.remote_evaluation.contains(&w.name))
            .map(|w| w.label())
            .collect();
        objects.sort();
        let reason = format!(
            "ruler remote evaluation is turned off while {ruler} still has {replicas} {}: its rule evaluations fail; scale the ruler to 0 first{} and turn remote evaluation off at or after that step{}",
            if replicas == 1 { "replica" } else { "replicas" },
            ctx.hint(" (step 5.2)"),
            ctx.hint(" (step 5.3)"),
        );
        out.push(ctx.finding(Rule::RulerRemoteEval, cur.index, objects, reason));
    }
}

/// `dns:///ruler-query-frontend.ns.svc.cluster.local:9095` → `ruler-query-frontend`.
fn service_of(address: &str) -> Option<String> {
    let rest = address.rsplit("//").next().unwrap_or(address);
    let rest = rest.trim_start_matches('/');
    let host = rest.split([':', '/']).next()?;
    let svc = host.split('.').next()?;
    (!svc.is_empty()).then(|| svc.to_string())
}

fn address_targets(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    // Only targets that some step renders as a workload are checked: an address outside the
    // plan (another cluster, an external service) is not ours to judge.
    let known: BTreeSet<&str> = ctx
        .steps
        .iter()
        .flat_map(|s| s.workloads.keys().copied())
        .collect();
    let resolve = |svc: &str| -> Option<String> {
        if known.contains(svc) {
            return Some(svc.to_string());
        }
        let stripped = svc.strip_suffix("-headless")?;
        known.contains(stripped).then(|| stripped.to_string())
    };
    for st in &ctx.steps {
        // Rulers of one step pointing at the same target share one finding.
        let mut by_target: BTreeMap<String, (Vec<String>, Vec<String>)> = BTreeMap::new();
        for w in st.workloads.values() {
            if st.capacity(w.name) == 0 {
                continue;
            }
            let Some(target) = w.flag(ADDRESS_FLAG).and_then(service_of) else {
                continue;
            };
            let Some(target) = resolve(&target) else {
                continue;
            };
            let entry = by_target.entry(target).or_default();
            entry.0.push(w.name.to_string());
            entry.1.push(w.label());
        }
        for (target, (rulers, labels)) in by_target {
            // The ruler's own remote-evaluation path needs all of its workloads.
            let mut needed: Vec<String> = ctx
                .sides
                .both()
                .iter()
                .find(|s| s.remote_evaluation.contains(&target.as_str()))
                .map(|s| s.remote_evaluation.iter().map(|n| n.to_string()).collect())
                .unwrap_or_else(|| vec![target.clone()]);
            needed.retain(|n| known.contains(n.as_str()) && st.capacity(n) == 0);
            if needed.is_empty() {
                continue;
            }
            let mut objects = labels;
            objects.extend(needed.iter().map(|n| match st.workloads.get(n.as_str()) {
                Some(t) => t.label(),
                None => n.clone(),
            }));
            let missing: Vec<String> = needed.iter().map(|n| format!("{n}=0")).collect();
            let running: Vec<String> = rulers
                .iter()
                .map(|r| format!("{r} ({})", st.capacity(r)))
                .collect();
            let reason = format!(
                "{} {} rules through -{ADDRESS_FLAG} ({target}), but {} at this step: {} rule evaluations fail",
                join_names(&running),
                if rulers.len() == 1 {
                    "evaluates"
                } else {
                    "evaluate"
                },
                join_names(&missing),
                if rulers.len() == 1 { "its" } else { "their" },
            );
            out.push(ctx.finding(Rule::RulerRemoteEval, st.index, objects, reason));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::service_of;

    #[test]
    fn parses_service_names() {
        assert_eq!(
            service_of("dns:///ruler-query-frontend.default.svc.cluster.local:9095").as_deref(),
            Some("ruler-query-frontend")
        );
        assert_eq!(
            service_of("mimir-read-headless.ns.svc:9095").as_deref(),
            Some("mimir-read-headless")
        );
        assert_eq!(service_of("dns:///").as_deref(), None);
    }
}
