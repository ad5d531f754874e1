//! `read-capacity` and `write-capacity`: at every step at least one side can serve the path.

use super::rules::Rule;
use super::view::StepView;
use super::{Ctx, Finding};
use crate::mimir::{Group, WorkloadSet, group_label};

pub(crate) fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    path(ctx, out, Rule::ReadCapacity, "read", |s| s.read_path);
    path(ctx, out, Rule::WriteCapacity, "write", |s| s.write_path);
}

fn path(
    ctx: &Ctx<'_>,
    out: &mut Vec<Finding>,
    rule: Rule,
    what: &str,
    groups: fn(&WorkloadSet) -> &'static [Group],
) {
    let sides = ctx.sides.both();
    // Not a Mimir plan (no step renders any workload of this path): nothing to say.
    let relevant = ctx.steps.iter().any(|st| {
        sides
            .iter()
            .any(|s| groups(s).iter().any(|g| !st.matching(g).is_empty()))
    });
    if !relevant {
        return;
    }
    for st in &ctx.steps {
        let serves = |s: &WorkloadSet| {
            let gs = groups(s);
            !gs.is_empty() && gs.iter().all(|g| st.group_capacity(g) > 0)
        };
        if sides.iter().any(|s| serves(s)) {
            continue;
        }
        let mut objects = Vec::new();
        for s in sides {
            for g in groups(s) {
                let found = st.matching(g);
                if found.is_empty() {
                    objects.push(group_label(g));
                }
                objects.extend(found.iter().map(|w| w.label()));
            }
        }
        let parts: Vec<String> = sides.iter().map(|s| describe(st, s, groups(s))).collect();
        let reason = format!(
            "no {what} capacity at this step: {} (absent counts as 0, autoscaled workloads count their minimum)",
            parts.join("; ")
        );
        out.push(ctx.finding(rule, st.index, objects, reason));
    }
}

fn describe(st: &StepView<'_>, side: &WorkloadSet, groups: &[Group]) -> String {
    let counts: Vec<String> = groups
        .iter()
        .map(|g| format!("{}={}", group_label(g), st.group_capacity(g)))
        .collect();
    format!(
        "{} needs each > 0 ({})",
        side.mode.label(),
        counts.join(", ")
    )
}
