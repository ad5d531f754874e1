//! `final-old-workloads` and `final-overrides`: the final step is a clean target-mode render.
//!
//! The final render must hold no workload of the old mode, and the final overlay must not
//! patch (`<field>+:`) an object of the old mode: in the target mode those fields are `null`
//! (or `{}`), and `null + {...}` fails to evaluate.

use super::{Ctx, Finding, Rule, WorkloadSet};
use std::collections::BTreeMap;

/// Jsonnet field name suffixes of rendered objects, most specific first.
const OBJECT_SUFFIXES: &[&str] = &[
    "_multi_zone_service",
    "_discovery_service",
    "_headless_service",
    "_scaled_object",
    "_rollout_pdb",
    "_statefulset",
    "_deployment",
    "_service",
    "_pdb",
];

pub(crate) fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(last) = ctx.final_step() else {
        return;
    };
    let old = &ctx.sides.old;
    let left: Vec<String> = last
        .workloads
        .values()
        .filter(|w| old.owns(w.name))
        .map(|w| w.label())
        .collect();
    if !left.is_empty() {
        let reason = format!(
            "the final step still renders {} {} workload{}: a pure {} render has none; scale them down in earlier steps and switch deployment_mode to '{}'",
            left.len(),
            old.mode.label(),
            if left.len() == 1 { "" } else { "s" },
            ctx.sides.new.mode.label(),
            ctx.sides.new.mode.label(),
        );
        out.push(ctx.finding(Rule::FinalOldWorkloads, last.index, left, reason));
    }
    if let Some(src) = ctx.final_overlay {
        let patches = old_patches(src, old);
        if !patches.is_empty() {
            let fields: Vec<String> = patches.keys().cloned().collect();
            let mut by_line: Vec<(&usize, &String)> = patches
                .iter()
                .flat_map(|(f, ls)| ls.iter().map(move |l| (l, f)))
                .collect();
            by_line.sort();
            let lines: Vec<String> = by_line
                .iter()
                .map(|(l, f)| format!("line {l} {f}+:"))
                .collect();
            let reason = format!(
                "the final overlay still patches {} object{} ({}): {} mode renders them as null, so the patch fails to evaluate (null + object); delete these overrides",
                old.mode.label(),
                if fields.len() == 1 { "" } else { "s" },
                lines.join("; "),
                ctx.sides.new.mode.label(),
            );
            out.push(ctx.finding(Rule::FinalOverrides, last.index, fields, reason));
        }
    }
}

/// Whether a Jsonnet field name is an object of the `side` mode.
fn is_object_field(field: &str, side: &WorkloadSet) -> bool {
    if side.extra_object_fields.contains(&field) {
        return true;
    }
    OBJECT_SUFFIXES.iter().any(|suffix| {
        field
            .strip_suffix(suffix)
            .is_some_and(|base| !base.is_empty() && side.owns(&base.replace('_', "-")))
    })
}

/// Old-mode object fields patched with `+:` in `src`, with their 1-based lines. Found with
/// jrsonnet's parser, so comments and strings of every kind (text blocks, verbatim strings) are
/// read as Jsonnet reads them. An overlay that does not parse has failed to render already:
/// nothing is reported here.
fn old_patches(src: &str, side: &WorkloadSet) -> BTreeMap<String, Vec<usize>> {
    let fields = crate::eval::plus_fields("final overlay", src).unwrap_or_default();
    let mut found: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for field in fields {
        if is_object_field(&field.name, side) {
            let lines = found.entry(field.name).or_default();
            if !lines.contains(&field.line) {
                lines.push(field.line);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mimir::{MICROSERVICES, READ_WRITE};

    #[test]
    fn finds_patches_of_old_objects_only() {
        let src = "{\n  query_frontend_deployment+: deployment.mixin.spec.withReplicas(0),\n  // querier_deployment+: x,\n  'ingester_zone_a_statefulset' +: y, /* distributor_deployment+: */\n  store_gateway_args+:: {},\n  mimir_read_deployment+: z,\n  query_scheduler_discovery_service+: {},\n  url: 'http://x#distributor_deployment+:',\n}\n";
        let found = old_patches(src, &MICROSERVICES);
        let keys: Vec<&str> = found.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "ingester_zone_a_statefulset",
                "query_frontend_deployment",
                "query_scheduler_discovery_service"
            ]
        );
        assert_eq!(found["query_frontend_deployment"], [2]);
        assert_eq!(found["ingester_zone_a_statefulset"], [4]);
        let rw = old_patches(
            "{ read_scaled_object+: {}, mimir_write_zone_b_statefulset+: {} }",
            &READ_WRITE,
        );
        assert_eq!(rw.len(), 2);
    }

    #[test]
    fn reads_strings_and_comments_as_jsonnet_does() {
        // A verbatim string ends at its quote (its backslash escapes nothing), and a text block
        // or a comment holds no field.
        let src = "{\n  url: @'C:\\dir\\',\n  querier_deployment+: {},\n  doc: |||\n    distributor_deployment+: {}\n  |||,\n  // ruler_deployment+: {}\n}\n";
        let found = old_patches(src, &MICROSERVICES);
        let keys: Vec<&str> = found.keys().map(String::as_str).collect();
        assert_eq!(keys, ["querier_deployment"]);
        assert_eq!(found["querier_deployment"], [3]);
    }
}
