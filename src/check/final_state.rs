//! `final-old-workloads` and `final-overrides`: the final step is a clean target-mode render.
//!
//! The final render must hold no workload of the old mode, and the final overlay must not
//! patch (`<field>+:`) an object of the old mode: in the target mode those fields are `null`
//! (or `{}`), and `null + {...}` fails to evaluate.

use super::{Ctx, Finding, Rule, WorkloadSet};
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::LazyLock;

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

/// `name+:`, `'name'+::`, `['name'] +:` ...
static PATCH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?:^|[^A-Za-z0-9_$])\[?\s*['"]?([A-Za-z_][A-Za-z0-9_]*)['"]?\s*\]?\s*\+\s*:"#)
        .unwrap_or_else(|e| unreachable!("constant regex: {e}"))
});

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

/// Old-mode object fields patched with `+:` in `src`, with their 1-based lines.
fn old_patches(src: &str, side: &WorkloadSet) -> BTreeMap<String, Vec<usize>> {
    let code = code_only(src);
    let mut found: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for caps in PATCH.captures_iter(&code) {
        let Some(m) = caps.get(1) else { continue };
        if is_object_field(m.as_str(), side) {
            let line = code[..m.start()].matches('\n').count() + 1;
            let lines = found.entry(m.as_str().to_string()).or_default();
            if !lines.contains(&line) {
                lines.push(line);
            }
        }
    }
    found
}

/// Jsonnet source with comments (`//`, `#`, `/* */`) and string contents blanked out
/// (newlines kept, so line numbers stay right). A string that is exactly an identifier is kept,
/// as it can be a quoted field name (`'querier_deployment'+:`).
pub(crate) fn code_only(src: &str) -> String {
    #[derive(PartialEq)]
    enum S {
        Code,
        Str(char),
        Line,
        Block,
        Text,
    }
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let chars: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut lit = String::new();
    let mut state = S::Code;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let triple = c == '|' && next == Some('|') && chars.get(i + 2) == Some(&'|');
        match state {
            S::Code => {
                if c == '/' && next == Some('/') || c == '#' {
                    state = S::Line;
                    out.push(' ');
                } else if c == '/' && next == Some('*') {
                    state = S::Block;
                    out.push_str("  ");
                    i += 1;
                } else if triple {
                    state = S::Text;
                    out.push_str("|||");
                    i += 2;
                } else {
                    if c == '\'' || c == '"' {
                        state = S::Str(c);
                        lit.clear();
                    }
                    out.push(c);
                }
            }
            S::Str(q) => {
                if c == '\\' {
                    lit.push(c);
                    if let Some(n) = next {
                        lit.push(n);
                        i += 1;
                    }
                } else if c == q {
                    if is_identifier(&lit) {
                        out.push_str(&lit);
                    } else {
                        out.extend(lit.chars().map(blank));
                    }
                    out.push(c);
                    state = S::Code;
                } else {
                    lit.push(c);
                }
            }
            S::Line => {
                if c == '\n' {
                    state = S::Code;
                }
                out.push(blank(c));
            }
            S::Block => {
                if c == '*' && next == Some('/') {
                    state = S::Code;
                    out.push_str("  ");
                    i += 1;
                } else {
                    out.push(blank(c));
                }
            }
            S::Text => {
                if triple {
                    out.push_str("|||");
                    i += 2;
                    state = S::Code;
                } else {
                    out.push(blank(c));
                }
            }
        }
        i += 1;
    }
    // An unterminated string: keep its line structure.
    if matches!(state, S::Str(_)) {
        out.extend(lit.chars().map(blank));
    }
    out
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
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
    fn code_only_keeps_lines_and_field_names() {
        let s = "a // b\n/* c\nd */ e\n'#f' # g\n'h_i'+: |||\n  j+: k\n|||\n";
        let out = code_only(s);
        assert_eq!(out.lines().count(), s.lines().count());
        assert!(out.contains("'h_i'+:"));
        for gone in ['b', 'c', 'd', 'f', 'g', 'j', 'k'] {
            assert!(!out.contains(gone), "{gone} in {out:?}");
        }
    }
}
