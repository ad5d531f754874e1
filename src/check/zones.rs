//! `zone-awareness`: both modes run side by side only on zone-aware microservices.
//!
//! Read-write mode (and migration mode, where both run) needs multi-zone ingesters and
//! store-gateways. Moving to read-write, zone-awareness must already be rolled out in the
//! step before the first read-write object appears (step 1 before step 2); moving back, the
//! microservices must come up zone-aware.

use super::view::StepView;
use super::{Ctx, Finding, Rule, WorkloadSet, join_names};
use crate::mimir::group_label;

pub(crate) fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let (old, new) = (&ctx.sides.old, &ctx.sides.new);
    let coexist = |st: &StepView<'_>| {
        st.workloads.keys().any(|n| old.owns(n)) && st.workloads.keys().any(|n| new.owns(n))
    };
    let Some(first) = ctx.steps.iter().position(coexist) else {
        return;
    };
    let cur = &ctx.steps[first];
    for side in ctx.sides.both() {
        if side.zone_prerequisites.is_empty() {
            continue;
        }
        let is_old = std::ptr::eq(side, old);
        let mut missing: Vec<String> = Vec::new();
        let mut where_ = Vec::new();
        let mut checked = vec![cur];
        // The side being left must be zone-aware one step before the other mode shows up.
        if is_old && first > 0 {
            checked.insert(0, &ctx.steps[first - 1]);
        }
        for st in checked {
            let m = missing_groups(st, side);
            if !m.is_empty() {
                where_.push(format!("step {}", st.id));
                for g in m {
                    if !missing.contains(&g) {
                        missing.push(g);
                    }
                }
            }
        }
        if missing.is_empty() {
            continue;
        }
        let other = if is_old { new } else { old };
        let mut objects: Vec<String> = cur
            .workloads
            .values()
            .filter(|w| other.owns(w.name))
            .map(|w| w.label())
            .collect();
        objects.extend(missing.iter().cloned());
        let when = if is_old {
            format!(
                "and roll it out in an earlier step{}",
                ctx.hint(" (step 1)")
            )
        } else {
            "for the workloads brought up".to_string()
        };
        let reason = format!(
            "{} objects appear but {} {} no {} StatefulSet: turn on zone-awareness (multi_zone_ingester_enabled, multi_zone_store_gateway_enabled) {when}",
            other.mode.label(),
            join_names(&where_),
            if where_.len() == 1 {
                "renders"
            } else {
                "render"
            },
            missing.join(" / "),
        );
        out.push(ctx.finding(Rule::ZoneAwareness, first, objects, reason));
    }
}

fn missing_groups(st: &StepView<'_>, side: &WorkloadSet) -> Vec<String> {
    side.zone_prerequisites
        .iter()
        .filter(|g| st.matching(g).is_empty())
        .map(|g| group_label(g))
        .collect()
}
