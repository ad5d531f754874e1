//! `write-handover`, `ingester-zones-one-per-step`, `ingester-zones-after-distributor`.
//!
//! The write path of the old side is taken down entry first (distributor, step 7.1), only
//! once the new side accepts writes, then one ingester zone per step (7.2a/b/c). When the old
//! side has no separate entry (read-write: mimir-write zones are their own entry) the
//! hand-over applies to its zones.

use super::rules::Rule;
use super::view::StepView;
use super::{Ctx, Finding, join_names};
use crate::mimir::{Group, group_label};
use std::collections::BTreeSet;

pub(crate) fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    handover(ctx, out);
    zones(ctx, out);
}

/// Workloads of `group` running in `prev` and at 0 (or gone) in `cur`.
fn newly_at_zero<'a>(prev: &StepView<'a>, cur: &StepView<'a>, group: Group) -> Vec<&'a str> {
    prev.matching(group)
        .iter()
        .filter(|w| prev.capacity(w.name) > 0 && cur.capacity(w.name) == 0)
        .map(|w| w.name)
        .collect()
}

fn labels(st: &StepView<'_>, other: &StepView<'_>, names: &[&str]) -> Vec<String> {
    names
        .iter()
        .map(|n| {
            st.workloads
                .get(n)
                .or_else(|| other.workloads.get(n))
                .map(|w| w.label())
                .unwrap_or_else(|| (*n).to_string())
        })
        .collect()
}

fn handover(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let old = &ctx.sides.old;
    let new = &ctx.sides.new;
    let group = old.write_entry.unwrap_or(old.write_zones);
    for (prev, cur) in ctx.transitions() {
        let down = newly_at_zero(prev, cur, group);
        if down.is_empty() {
            continue;
        }
        let new_ok =
            !new.write_path.is_empty() && new.write_path.iter().all(|g| cur.group_capacity(g) > 0);
        if new_ok {
            continue;
        }
        let mut objects = labels(cur, prev, &down);
        let mut counts = Vec::new();
        for g in new.write_path {
            let found = cur.matching(g);
            if found.is_empty() {
                objects.push(group_label(g));
            }
            objects.extend(found.iter().map(|w| w.label()));
            counts.push(format!("{}={}", group_label(g), cur.group_capacity(g)));
        }
        let reason = format!(
            "{} goes to 0 while the {} write path has no replicas ({}): scale it up first{}, in this or an earlier step",
            join_names(&down),
            new.mode.label(),
            counts.join(", "),
            ctx.hint(" (step 6.1)"),
        );
        out.push(ctx.finding(Rule::WriteHandover, cur.index, objects, reason));
    }
}

fn zones(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for side in ctx.sides.both() {
        for (prev, cur) in ctx.transitions() {
            let down = newly_at_zero(prev, cur, side.write_zones);
            if down.len() > 1 {
                let reason = format!(
                    "{} zones holding ingester data go to 0 in the same step: take down one zone per step, each after Mimir's ingester shutdown procedure and the wait between zones{}, or data is lost",
                    down.len(),
                    ctx.hint(" (steps 7.2a, 7.2b, 7.2c)"),
                );
                out.push(ctx.finding(
                    Rule::IngesterZonesOnePerStep,
                    cur.index,
                    labels(cur, prev, &down),
                    reason,
                ));
            }
            let Some(entry) = side.write_entry else {
                continue;
            };
            if down.is_empty() {
                continue;
            }
            let (before, now) = (prev.group_capacity(entry), cur.group_capacity(entry));
            if before == 0 && now == 0 {
                continue;
            }
            let entries: BTreeSet<&str> = prev
                .matching(entry)
                .iter()
                .chain(cur.matching(entry).iter())
                .map(|w| w.name)
                .collect();
            let entries: Vec<&str> = entries.into_iter().collect();
            let mut objects = labels(cur, prev, &down);
            objects.extend(labels(cur, prev, &entries));
            let reason = format!(
                "{} {} to 0 while {} still {} replicas (step {}: {before}, this step: {now}): scale {} to 0 in an earlier step{} and wait for the ingesters' head compaction first",
                join_names(&down),
                if down.len() == 1 { "goes" } else { "go" },
                group_label(entry),
                if now > 0 { "has" } else { "had" },
                prev.id,
                group_label(entry),
                ctx.hint(" (step 7.1)"),
            );
            out.push(ctx.finding(
                Rule::IngesterZonesAfterDistributor,
                cur.index,
                objects,
                reason,
            ));
        }
    }
}
