//! `store-gateway-unregister` and `store-gateway-keep-registered`.
//!
//! The Jsonnet library renders zone store-gateways (and mimir-backend) with
//! `-store-gateway.sharding-ring.unregister-on-shutdown=false`, so stopped instances stay in
//! the ring and their blocks stay unowned. Before the side being decommissioned scales its
//! store-gateways to 0 it must roll out `=true` (step 5.1), while the side that stays keeps
//! `=false`. An unset flag counts as Mimir's default, `true`.

use super::rules::Rule;
use super::{Ctx, Finding};
use crate::mimir::{Mode, group_matches};
use std::collections::BTreeSet;

/// The flag, without its leading dash.
pub(crate) const UNREGISTER_FLAG: &str = "store-gateway.sharding-ring.unregister-on-shutdown";
/// Mimir's default for [`UNREGISTER_FLAG`].
const FLAG_DEFAULT: bool = true;

pub(crate) fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    unregister_before_zero(ctx, out);
    keep_registered(ctx, out);
}

fn unregister_before_zero(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let group = ctx.sides.old.store_gateways;
    for (prev, cur) in ctx.transitions() {
        let mut bad = Vec::new();
        let mut set_too_late = false;
        for w in prev.workloads.values() {
            if !group_matches(group, w.name)
                || prev.capacity(w.name) == 0
                || cur.capacity(w.name) > 0
                || w.bool_flag(UNREGISTER_FLAG, FLAG_DEFAULT)
            {
                continue;
            }
            if cur
                .workloads
                .get(w.name)
                .is_some_and(|c| c.bool_flag(UNREGISTER_FLAG, FLAG_DEFAULT))
            {
                set_too_late = true;
            }
            bad.push(w.label());
        }
        if bad.is_empty() {
            continue;
        }
        let late = if set_too_late {
            " (setting it in this same step is too late: the pods stop with the old flag)"
        } else {
            ""
        };
        let reason = format!(
            "scaled to 0 while step {} ran {} with -{UNREGISTER_FLAG}=false{late}: stopped store-gateways stay in the ring and queries for their blocks fail; roll out =true in an earlier step{}",
            prev.id,
            if bad.len() == 1 { "it" } else { "them" },
            ctx.hint(" (step 5.1)"),
        );
        out.push(ctx.finding(Rule::StoreGatewayUnregister, cur.index, bad, reason));
    }
}

fn keep_registered(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let group = ctx.sides.new.store_gateways;
    for (i, cur) in ctx.steps.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| &ctx.steps[p]);
        // Report when a store-gateway of the new side starts running with `true`: when it
        // appears with it, or when a step flips it.
        let bad: BTreeSet<String> = cur
            .workloads
            .values()
            .filter(|w| group_matches(group, w.name))
            .filter(|w| w.bool_flag(UNREGISTER_FLAG, FLAG_DEFAULT))
            .filter(|w| {
                prev.and_then(|p| p.workloads.get(w.name))
                    .is_none_or(|pw| !pw.bool_flag(UNREGISTER_FLAG, FLAG_DEFAULT))
            })
            .map(|w| w.label())
            .collect();
        if bad.is_empty() {
            continue;
        }
        let bad: Vec<String> = bad.into_iter().collect();
        // mimir-backend's args are built from store_gateway_args, so the flag leaks there.
        let hint = if ctx.sides.new.mode == Mode::ReadWrite {
            " (store_gateway_args feed mimir-backend: override mimir_backend_args with false, as step 5.1 does)"
        } else {
            ""
        };
        let reason = format!(
            "{} with -{UNREGISTER_FLAG}=true (or unset, Mimir's default), yet {} in service and would leave the ring on every restart; keep it =false on the {} side{}",
            if bad.len() == 1 { "runs" } else { "run" },
            if bad.len() == 1 {
                "it stays"
            } else {
                "they stay"
            },
            ctx.sides.new.mode.label(),
            hint,
        );
        out.push(ctx.finding(Rule::StoreGatewayKeepRegistered, i, bad, reason));
    }
}
