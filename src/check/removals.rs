//! `silent-removal`, `stateful-removed` and `leftover-pvcs`: what a step deletes.
//!
//! - A Deployment/StatefulSet that disappears with nothing taking over its role in the target
//!   mode (alertmanager, rollout-operator, memcached...) is reported, so no component vanishes
//!   unnoticed.
//! - A StatefulSet with `volumeClaimTemplates` holds data: outside the final clean-up it must
//!   never disappear or be replaced by differently named StatefulSets (turning zone-awareness
//!   on over single-zone `ingester`/`store-gateway` does exactly that).
//! - The final clean-up's removals leave PVCs `<claim>-<statefulset>-<ordinal>` behind.

use super::view::{StepView, Workload};
use super::{Ctx, Finding, Rule, join_names};

/// Single-zone StatefulSets that Mimir knows how to migrate to zones: the flag doing it, and
/// what replacing them at once costs.
const ZONE_MIGRATIONS: &[(&str, &str, &str)] = &[
    (
        "ingester",
        "multi_zone_ingester_migration_enabled",
        "samples not yet shipped to object storage are lost",
    ),
    (
        "store-gateway",
        "multi_zone_store_gateway_migration_enabled",
        "queries on long-term data fail until the new ones have loaded their blocks",
    ),
];

pub(crate) fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let last = ctx.steps.len().saturating_sub(1);
    for (prev, cur) in ctx.transitions() {
        silent(ctx, out, prev, cur);
        if cur.index == last {
            leftover_pvcs(ctx, out, prev, cur);
        } else {
            stateful(ctx, out, prev, cur);
        }
    }
}

fn removed<'p, 'a>(prev: &'p StepView<'a>, cur: &StepView<'a>) -> Vec<&'p Workload<'a>> {
    prev.workloads
        .values()
        .filter(|w| !cur.has(w.name))
        .collect()
}

/// Workloads new in `cur` named `<name>-...` (e.g. `ingester-zone-a` for `ingester`).
fn replacements<'c, 'a>(
    prev: &StepView<'a>,
    cur: &'c StepView<'a>,
    name: &str,
) -> Vec<&'c Workload<'a>> {
    let prefix = format!("{name}-");
    cur.workloads
        .values()
        .filter(|w| w.name.starts_with(&prefix) && !prev.has(w.name))
        .collect()
}

fn silent(ctx: &Ctx<'_>, out: &mut Vec<Finding>, prev: &StepView<'_>, cur: &StepView<'_>) {
    let mut lonely = Vec::new();
    for w in removed(prev, cur) {
        if !replacements(prev, cur, w.name).is_empty() {
            continue;
        }
        let taken_over = ctx.sides.both().iter().any(|side| {
            let Some(role) = side.role_of(w.name) else {
                return false;
            };
            ctx.sides.both().iter().any(|other| {
                other.mode != side.mode
                    && other
                        .role_group(role)
                        .is_some_and(|g| !cur.matching(g).is_empty())
            })
        });
        if !taken_over {
            lonely.push(w.label());
        }
    }
    if lonely.is_empty() {
        return;
    }
    let reason = format!(
        "removed, and nothing in {} mode takes over: {} no longer {}; make sure that is intended (or deploy {} another way) before applying",
        ctx.sides.new.mode.label(),
        if lonely.len() == 1 {
            "this component"
        } else {
            "these components"
        },
        if lonely.len() == 1 { "runs" } else { "run" },
        if lonely.len() == 1 { "it" } else { "them" },
    );
    out.push(ctx.finding(Rule::SilentRemoval, cur.index, lonely, reason));
}

fn claims_text(w: &Workload<'_>) -> String {
    format!(
        "volumeClaimTemplate{} {}",
        if w.claims.len() == 1 { "" } else { "s" },
        join_names(&w.claims)
    )
}

fn stateful(ctx: &Ctx<'_>, out: &mut Vec<Finding>, prev: &StepView<'_>, cur: &StepView<'_>) {
    for w in removed(prev, cur) {
        if w.kind != "StatefulSet" || w.claims.is_empty() {
            continue;
        }
        let repl: Vec<&Workload<'_>> = replacements(prev, cur, w.name)
            .into_iter()
            .filter(|r| r.kind == "StatefulSet")
            .collect();
        let replicas = prev.capacity(w.name);
        let mut objects = vec![w.label()];
        objects.extend(repl.iter().map(|r| r.label()));
        let names: Vec<&str> = repl.iter().map(|r| r.name).collect();
        let what = format!(
            "{} ({replicas} {}, {})",
            w.name,
            if replicas == 1 { "replica" } else { "replicas" },
            claims_text(w),
        );
        let zone = ZONE_MIGRATIONS.iter().find(|(n, _, _)| *n == w.name);
        let reason = match (names.is_empty(), zone) {
            (false, Some((_, flag, cost))) => format!(
                "{what} is replaced by {} new StatefulSets that start empty, so {cost}; do Mimir's zone-aware migration first ({flag}: true keeps {} running next to the zones until it is drained) instead of letting this step drop the {}",
                names.len(),
                w.name,
                plural_of(w.name),
            ),
            (false, None) => format!(
                "{what} is replaced by {} new StatefulSets that start empty, and its data stays on PVCs nobody mounts; move its data first",
                names.len(),
            ),
            (true, _) => format!(
                "{what} disappears before the final clean-up, and its data stays on PVCs nobody mounts; scale it to 0 once its data is handed over, and remove it only in the final step",
            ),
        };
        out.push(ctx.finding(Rule::StatefulRemoved, cur.index, objects, reason));
    }
}

fn plural_of(name: &str) -> String {
    format!("{name}s")
}

/// The most PVC ordinals listed per claim template: a replica count like `1e29` (itself an
/// `invalid-replicas` error) must not turn into a list of that many names.
pub(crate) const MAX_LISTED_ORDINALS: i64 = 1000;

fn leftover_pvcs(ctx: &Ctx<'_>, out: &mut Vec<Finding>, prev: &StepView<'_>, cur: &StepView<'_>) {
    for w in removed(prev, cur) {
        if w.kind != "StatefulSet" || w.claims.is_empty() {
            continue;
        }
        let max = ctx
            .steps
            .iter()
            .map(|s| s.max_replicas(w.name))
            .max()
            .unwrap_or(0);
        if max == 0 {
            continue;
        }
        let listed = max.min(MAX_LISTED_ORDINALS);
        let pvcs: Vec<String> = w
            .claims
            .iter()
            .flat_map(|c| (0..listed).map(move |i| format!("{c}-{}-{i}", w.name)))
            .collect();
        let mut objects = vec![w.label()];
        objects.extend(pvcs.iter().map(|p| format!("PersistentVolumeClaim/{p}")));
        let reason = format!(
            "removed; Kubernetes keeps the PVCs of its {} (up to {max} {} in the plan{}): release them once their data is no longer needed",
            claims_text(w),
            if max == 1 { "replica" } else { "replicas" },
            if listed < max {
                format!("; the first {listed} are listed")
            } else {
                String::new()
            },
        );
        out.push(ctx.finding(Rule::LeftoverPvcs, cur.index, objects, reason));
    }
}
