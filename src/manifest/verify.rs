//! The schema check Tanka runs on every extracted object (`manifest.Verify`).

use serde_json::{Map, Value};

use crate::env::go_type;

const NOT_A_STRING: &str = "missing or not of string type";
const NOT_AN_OBJECT: &str = "missing or not an object";

/// Whether `obj` is a List in Tanka's sense: it has an `items` array (whatever its kind).
pub(super) fn is_list(obj: &Map<String, Value>) -> bool {
    matches!(obj.get("items"), Some(Value::Array(_)))
}

/// Tanka's `Verify`: the `(field, problem)` pairs, empty when the object is fine.
///
/// `kind` and `apiVersion` must be strings; unless the object is a List, `metadata` must be
/// an object, `metadata.name` or `metadata.generateName` a string, and `metadata.labels` /
/// `metadata.annotations` absent or maps of strings. (Go collects the problems in a map, so
/// their order varies between runs there; here it is the order of the checks.)
pub(super) fn verify(obj: &Map<String, Value>) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    let mut problem = |field: &str, text: String| fields.push((field.to_string(), text));
    if !matches!(obj.get("kind"), Some(Value::String(_))) {
        problem("kind", NOT_A_STRING.to_string());
    }
    if !matches!(obj.get("apiVersion"), Some(Value::String(_))) {
        problem("apiVersion", NOT_A_STRING.to_string());
    }
    if is_list(obj) {
        return fields;
    }
    let metadata = obj.get("metadata").and_then(Value::as_object);
    if metadata.is_none() {
        problem("metadata", NOT_AN_OBJECT.to_string());
    }
    let get = |key: &str| metadata.and_then(|m| m.get(key));
    if !matches!(get("name"), Some(Value::String(_)))
        && !matches!(get("generateName"), Some(Value::String(_)))
    {
        problem("metadata.name", NOT_A_STRING.to_string());
    }
    for key in ["labels", "annotations"] {
        if let Some(text) = verify_string_map(get(key)) {
            problem(&format!("metadata.{key}"), text);
        }
    }
    fields
}

/// `None` when `v` is absent, `null` or an object of strings; else the problem.
fn verify_string_map(v: Option<&Value>) -> Option<String> {
    match v {
        None | Some(Value::Null) => None,
        Some(Value::Object(map)) => map
            .iter()
            .find(|(_, v)| !v.is_string())
            .map(|(k, v)| format!("contains non-string field '{k}' of type '{}'", go_type(v))),
        Some(other) => Some(format!(
            "must be object, but got '{}' instead",
            go_type(other)
        )),
    }
}
