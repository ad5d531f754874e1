//! YAML writers and reader for the JSON data model, matching the Go libraries Tanka uses.
//!
//! - [`to_yaml_v2`]: what `tk show` prints per manifest (Go `gopkg.in/yaml.v2` v2.4.0
//!   `yaml.Marshal`): natural key order, sequences not indented under their key, quoting only
//!   where a plain scalar would change type, `|` blocks, 80-column folding, `1e+06` numbers.
//! - [`to_yaml_v3`]: Tanka's `manifestYamlFromJson` native (Go `gopkg.in/yaml.v3`
//!   `yaml.Marshal`: 4-space indentation, indented sequences).
//! - [`parse_stream`]: Tanka's `parseYaml` native (yaml.v3 decoding of every document).
//!
//! Both writers take the value as Go sees it after `json.Unmarshal` into `interface{}`: every
//! number is a `float64` (so `1000000` prints as `1e+06` and integers beyond 2^53 lose
//! precision exactly as in Go).
//!
//! ```
//! use serde_json::json;
//! use tkstep::yaml::{parse_stream, to_yaml_v2, to_yaml_v3};
//!
//! let value = json!({"b": [1, 1000000], "a10": "true", "a9": "3.3.13"});
//! assert_eq!(to_yaml_v2(&value), "a9: 3.3.13\na10: \"true\"\nb:\n- 1\n- 1e+06\n");
//! assert_eq!(to_yaml_v3(&json!({"list": ["a", "b"]})), "list:\n    - a\n    - b\n");
//! assert_eq!(parse_stream("a: 47\n---\nb: 0777\n").unwrap(), vec![json!({"a": 47}), json!({"b": 511})]);
//! ```

mod emitter;
mod gotime;
mod natural_sort;
mod number;
mod parse;
mod resolve;
mod scalar;
mod unicode_tables;

/// Go's `float64` formatting, shared with the Go template engine.
pub(crate) use number::{number_to_f64, write_go_float};

use serde_json::Value;

/// Errors reading YAML. The message reads like Tanka's: `parsing yaml: ...` for syntax and
/// decoding errors, `converting yaml to json: ...` for values JSON cannot hold (NaN, infinity,
/// non-string mapping keys).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct YamlError(pub String);

/// One document as Go's `gopkg.in/yaml.v2` v2.4.0 `yaml.Marshal` writes it (what `tk show` prints).
///
/// The result always ends with a line break and carries no `---` separator.
pub fn to_yaml_v2(value: &Value) -> String {
    let mut out = String::with_capacity(256);
    write_yaml_v2(&mut out, value);
    out
}

/// Append one yaml.v2 document (as [`to_yaml_v2`]) to `out`, reusing its buffer.
pub fn write_yaml_v2(out: &mut String, value: &Value) {
    emitter::Emitter::new(out, false).document(value);
}

/// [`write_yaml_v2`] of `Value::Object(map)`, without copying the map into a `Value`.
pub(crate) fn write_map_yaml_v2(out: &mut String, map: &serde_json::Map<String, Value>) {
    emitter::Emitter::new(out, false).document_map(map);
}

/// One document as Go's `gopkg.in/yaml.v3` encoder with 4-space indent writes it
/// (Tanka's `manifestYamlFromJson` native and its extraction error messages).
pub fn to_yaml_v3(value: &Value) -> String {
    let mut out = String::with_capacity(256);
    emitter::Emitter::new(&mut out, true).document(value);
    out
}

/// Whether map key `a` sorts before `b` in yaml.v2's output (its "natural" order: digit runs
/// compare as numbers, letters after other characters).
///
/// Like Go's comparison this is not transitive for some odd key sets (`"01"`, `"124"`, `"1a"`
/// form a cycle); Go then prints such a map in an order that depends on its random map
/// iteration, so no output can match it reliably.
pub fn key_less_v2(a: &str, b: &str) -> bool {
    natural_sort::key_less(a, b, false)
}

/// Whether map key `a` sorts before `b` in yaml.v3's output (see [`key_less_v2`]; yaml.v3 sorts
/// a letter before other characters right after an equal digit).
pub fn key_less_v3(a: &str, b: &str) -> bool {
    natural_sort::key_less(a, b, true)
}

/// Parse a multi-document YAML stream into JSON values (yaml.v3 decoding, as Tanka's `parseYaml`).
///
/// Always one value per document (`""` gives none, `"---"` one `null`). Numbers come back as
/// the JSON round trip leaves them (float64; integral values up to 2^53 as integers),
/// timestamps as RFC 3339 strings (`2001-12-14` -> `"2001-12-14T00:00:00Z"`).
pub fn parse_stream(text: &str) -> Result<Vec<Value>, YamlError> {
    parse::parse_stream(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn v2_layout() {
        let v = json!({
            "metadata": {"name": "x", "labels": {}},
            "spec": {"args": ["-a=1", "-b"], "empty": [], "nil": null, "t": true},
            "data": {"cfg": "line1\nline2\n", "strip": "a\nb", "keep": "a\n\n"},
        });
        assert_eq!(
            to_yaml_v2(&v),
            "data:\n  cfg: |\n    line1\n    line2\n  keep: |+\n    a\n\n  strip: |-\n    a\n    b\n\
             metadata:\n  labels: {}\n  name: x\nspec:\n  args:\n  - -a=1\n  - -b\n  empty: []\n  nil: null\n  t: true\n"
        );
    }

    #[test]
    fn v2_quoting() {
        let v = json!({"a": "", "b": "it's", "c": "'q'", "d": "a: b", "e": "😀", "f": " lead", "g": "y"});
        assert_eq!(
            to_yaml_v2(&v),
            "a: \"\"\nb: it's\nc: '''q'''\nd: 'a: b'\ne: \"\\U0001F600\"\nf: ' lead'\ng: \"y\"\n"
        );
    }

    #[test]
    fn v2_folds_long_plain_strings() {
        let long = "word ".repeat(30).trim_end().to_string();
        let out = to_yaml_v2(&json!({ "k": long }));
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2, "{out}");
        assert!(
            lines[0].len() > 80 && lines[1].starts_with("  word"),
            "{out}"
        );
    }

    #[test]
    fn v3_examples_from_tanka() {
        assert_eq!(
            to_yaml_v3(&json!({"list": ["a", "b", "c"]})),
            "list:\n    - a\n    - b\n    - c\n"
        );
        assert_eq!(to_yaml_v3(&json!({})), "{}\n");
        assert_eq!(to_yaml_v3(&json!({"a": 47})), "a: 47\n");
    }

    #[test]
    fn scalar_documents() {
        assert_eq!(to_yaml_v2(&json!(null)), "null\n");
        assert_eq!(to_yaml_v2(&json!("x")), "x\n");
        assert_eq!(to_yaml_v2(&json!([])), "[]\n");
        assert_eq!(to_yaml_v2(&json!(12345678)), "1.2345678e+07\n");
    }
}
