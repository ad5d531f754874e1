//! `manifest.json`: which environment each exported file came from.
//!
//! Tanka writes a JSON object `{"<relative file path>": "<environment's metadata.namespace>"}`
//! with Go's `json.MarshalIndent(m, "", "    ")`: keys sorted (bytewise), 4-space indent, `<`,
//! `>`, `&` escaped as `\u003c` …, no trailing newline; `{}` when empty.

use std::collections::BTreeMap;

/// The file's name in the output directory.
pub const MANIFEST_FILE: &str = "manifest.json";

/// File → environment (`metadata.namespace`, e.g. `environments/prod/main.jsonnet`).
pub type FileToEnv = BTreeMap<String, String>;

/// Read a `manifest.json`. Errors name what is wrong with it.
pub fn parse(text: &str) -> Result<FileToEnv, String> {
    serde_json::from_str(text)
        .map_err(|e| format!("{MANIFEST_FILE} is not a JSON object of strings: {e}"))
}

/// Write `map` as Tanka does.
pub fn render(map: &FileToEnv) -> String {
    if map.is_empty() {
        return "{}".to_string();
    }
    let mut out = String::from("{\n");
    for (i, (file, env)) in map.iter().enumerate() {
        if i > 0 {
            out.push_str(",\n");
        }
        out.push_str("    ");
        out.push_str(&go_json_string(file));
        out.push_str(": ");
        out.push_str(&go_json_string(env));
    }
    out.push_str("\n}");
    out
}

/// A string as Go's `encoding/json` writes it (HTML-safe).
fn go_json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_go_marshal_indent() {
        assert_eq!(render(&FileToEnv::new()), "{}");
        let map: FileToEnv = [
            ("b.yaml", "environments/b/main.jsonnet"),
            ("a/<x>&.yaml", "environments/a/main.jsonnet"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        assert_eq!(
            render(&map),
            "{\n    \"a/\\u003cx\\u003e\\u0026.yaml\": \"environments/a/main.jsonnet\",\n    \"b.yaml\": \"environments/b/main.jsonnet\"\n}"
        );
        assert_eq!(parse(&render(&map)).unwrap(), map);
        assert!(parse("[1]").is_err());
    }
}
