//! Jsonnet text: literals for JSON values and the overlay object for a [`State`].
//!
//! Literal style follows `jsonnetfmt`: strings in single quotes (double quotes when that avoids
//! escaping a `'`), object keys bare when they are identifiers and quoted otherwise, values on
//! one line (`{ a: 1, 'b-c': [1, 2] }`). Non-ASCII characters are written as they are (Jsonnet
//! files are UTF-8); control characters are escaped.

use std::fmt::Write;

use serde_json::Value;

use crate::plan::{Candidate, OrderedMap, Sourced, State, WorkloadKind};

/// Jsonnet's reserved words: never bare object keys.
const KEYWORDS: &[&str] = &[
    "assert",
    "else",
    "error",
    "false",
    "for",
    "function",
    "if",
    "import",
    "importbin",
    "importstr",
    "in",
    "local",
    "null",
    "self",
    "super",
    "tailstrict",
    "then",
    "true",
];

/// A Jsonnet string literal for `text`.
///
/// ```
/// use tkstep::overlay::jsonnet::string;
/// assert_eq!(string("migration"), "'migration'");
/// assert_eq!(string("it's"), r#""it's""#);
/// assert_eq!(string("a\\b\n"), r"'a\\b\n'");
/// ```
pub fn string(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Whether `name` can be written as a bare object key (an identifier that is not a keyword).
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    first_ok && chars.all(|c| c.is_ascii_alphanumeric() || c == '_') && !KEYWORDS.contains(&name)
}

/// An object key: bare when it is an identifier, else a string literal.
///
/// ```
/// use tkstep::overlay::jsonnet::key;
/// assert_eq!(key("mimir_read_replicas"), "mimir_read_replicas");
/// assert_eq!(key("store-gateway.sharding-ring.unregister-on-shutdown"),
///            "'store-gateway.sharding-ring.unregister-on-shutdown'");
/// assert_eq!(key("local"), "'local'");
/// ```
pub fn key(name: &str) -> String {
    if is_identifier(name) {
        name.to_string()
    } else {
        string(name)
    }
}

/// A Jsonnet literal for a JSON value, on one line.
///
/// ```
/// use serde_json::json;
/// use tkstep::overlay::jsonnet::literal;
/// assert_eq!(literal(&json!(null)), "null");
/// assert_eq!(literal(&json!({"a": [1, "x"], "b-c": {}})), "{ a: [1, 'x'], 'b-c': {} }");
/// ```
pub fn literal(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(literal).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(map) if map.is_empty() => "{}".to_string(),
        Value::Object(map) => {
            let fields: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", key(k), literal(v)))
                .collect();
            format!("{{ {} }}", fields.join(", "))
        }
    }
}

/// The import line and locals the body of `state` needs, in the order they must appear.
fn locals(state: &State, k8s_import: &str) -> Vec<String> {
    let raw = !state.jsonnet.is_empty();
    let uses = |kind: WorkloadKind| raw || state.overrides.values().any(|o| o.value.kind == kind);
    let wanted: Vec<WorkloadKind> = [WorkloadKind::Deployment, WorkloadKind::StatefulSet]
        .into_iter()
        .filter(|k| uses(*k))
        .collect();
    if wanted.is_empty() {
        return Vec::new();
    }
    let bindings: Vec<String> = wanted
        .iter()
        .map(|k| {
            let local = k.jsonnet_local();
            format!("{local} = k.apps.v1.{local}")
        })
        .collect();
    vec![
        format!("local k = import {};", string(k8s_import)),
        format!("local {};", bindings.join(", ")),
    ]
}

fn flag_block(out: &mut String, field: &str, op: &str, entries: &OrderedMap<Sourced<Value>>) {
    let _ = writeln!(out, "  {}{op} {{", key(field));
    for (name, entry) in entries.iter() {
        let _ = writeln!(
            out,
            "    {}: {},  // step {}",
            key(name),
            literal(&entry.value),
            entry.step
        );
    }
    out.push_str("  },\n");
}

/// The Jsonnet of `state`: the optional `local` lines and the overlay object, ending with a
/// newline. `k8s_import` is only written when replica overrides or raw Jsonnet need it.
///
/// Layout: one `_config+::` block (keys in the order they first appear in the plan), one
/// `<field>+::` block per hidden flag map, one `<field>+: <kind>.mixin.spec.withReplicas(n)`
/// per replica override, then each step's raw Jsonnet as `+ (…)`. Every entry carries a
/// `// step <id>` comment naming the step that set it.
pub fn body(state: &State, k8s_import: &str) -> String {
    let mut out = String::new();
    for line in locals(state, k8s_import) {
        out.push_str(&line);
        out.push('\n');
    }
    if !out.is_empty() {
        out.push('\n');
    }
    if state.config.is_empty() && state.hidden.is_empty() && state.overrides.is_empty() {
        out.push_str("{}\n");
    } else {
        let mut blocks: Vec<String> = Vec::new();
        if !state.config.is_empty() {
            let mut block = String::new();
            flag_block(&mut block, "_config", "+::", &state.config);
            blocks.push(block);
        }
        for (field, flags) in state.hidden.iter() {
            let mut block = String::new();
            flag_block(&mut block, field, "+::", flags);
            blocks.push(block);
        }
        for entry in state.overrides.values() {
            let o = &entry.value;
            blocks.push(format!(
                "  {}+:\n    {}.mixin.spec.withReplicas({}),  // step {}\n",
                key(&o.field),
                o.kind.jsonnet_local(),
                o.replicas,
                entry.step
            ));
        }
        out.push_str("{\n");
        out.push_str(&blocks.join("\n"));
        out.push_str("}\n");
    }
    for (step, code) in state.jsonnet.iter() {
        let _ = writeln!(out, "+ (\n  // raw Jsonnet of step {step}");
        for line in code.trim_end().lines() {
            if line.is_empty() {
                out.push('\n');
            } else {
                let _ = writeln!(out, "  {line}");
            }
        }
        out.push_str(")\n");
    }
    out
}

impl Candidate<'_> {
    /// The candidate state's overlay Jsonnet ([`body`]), to apply on top of the environment.
    pub fn jsonnet(&self) -> String {
        body(self.state, self.k8s_import)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::plan::{Change, ReplicaOverride};

    #[test]
    fn strings_escape_quotes_backslashes_and_controls() {
        assert_eq!(string(""), "''");
        assert_eq!(string("a'b\"c"), r#"'a\'b"c'"#);
        assert_eq!(string("it's"), r#""it's""#);
        assert_eq!(string(r"C:\dir"), r"'C:\\dir'");
        assert_eq!(string("tab\there\r\n"), r"'tab\there\r\n'");
        assert_eq!(string("\u{1}\u{8}\u{c}\u{7f}"), r"'\u0001\b\f\u007f'");
        assert_eq!(string("zoné ✓ 🦀"), "'zoné ✓ 🦀'");
        assert_eq!(string("\u{85}"), r"'\u0085'");
    }

    #[test]
    fn keys_are_bare_only_for_identifiers() {
        assert_eq!(key("_config"), "_config");
        assert_eq!(key("a1_b"), "a1_b");
        assert_eq!(key("1a"), "'1a'");
        assert_eq!(key(""), "''");
        assert_eq!(key("self"), "'self'");
        assert_eq!(key("importbin"), "'importbin'");
        assert_eq!(key("x.y"), "'x.y'");
        assert_eq!(key("é"), "'é'");
    }

    #[test]
    fn literals_cover_every_json_type() {
        assert_eq!(literal(&json!(true)), "true");
        assert_eq!(literal(&json!(-3)), "-3");
        assert_eq!(literal(&json!(1.5)), "1.5");
        assert_eq!(
            literal(&json!(18446744073709551615u64)),
            "18446744073709551615"
        );
        assert_eq!(literal(&json!([])), "[]");
        assert_eq!(literal(&json!({})), "{}");
        assert_eq!(
            literal(&json!({"node": {"disk": "ssd"}, "if": [null, false]})),
            "{ 'if': [null, false], node: { disk: 'ssd' } }"
        );
    }

    #[test]
    fn empty_state_is_an_empty_object_without_imports() {
        assert_eq!(body(&State::new(), "k.libsonnet"), "{}\n");
    }

    #[test]
    fn only_the_needed_locals_are_written() {
        let mut state = State::new();
        let mut change = Change::default();
        change.overrides.push(ReplicaOverride {
            field: "compactor_statefulset".into(),
            kind: WorkloadKind::StatefulSet,
            object: "compactor".into(),
            replicas: 0,
        });
        state.apply("5.2", &change);
        let text = body(&state, "ksonnet-util/kausal.libsonnet");
        assert_eq!(
            text,
            "local k = import 'ksonnet-util/kausal.libsonnet';\n\
             local statefulSet = k.apps.v1.statefulSet;\n\
             \n\
             {\n  compactor_statefulset+:\n    statefulSet.mixin.spec.withReplicas(0),  // step 5.2\n}\n"
        );
    }

    #[test]
    fn raw_jsonnet_is_added_after_the_object_with_all_locals() {
        let mut state = State::new();
        state.apply(
            "x",
            &Change {
                jsonnet: Some("{\n  foo+: { bar: 1 },\n\n}\n".into()),
                ..Change::default()
            },
        );
        let text = body(&state, "k.libsonnet");
        assert!(text.starts_with(
            "local k = import 'k.libsonnet';\n\
             local deployment = k.apps.v1.deployment, statefulSet = k.apps.v1.statefulSet;\n"
        ));
        assert!(
            text.ends_with(
                "{}\n+ (\n  // raw Jsonnet of step x\n  {\n    foo+: { bar: 1 },\n\n  }\n)\n"
            ),
            "{text}"
        );
    }
}
