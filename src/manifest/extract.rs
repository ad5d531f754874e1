//! Finding the Kubernetes objects in evaluated output (`pkg/process/extract.go`) and
//! unwrapping Lists (`Unwrap`).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::error::{ExtractError, InvalidObjectError, ManifestError, SchemaError};
use super::verify::verify;
use crate::env::go_type;

/// The private field ksonnet-style libraries add; dropped from every object walked.
const KSONNET: &str = "__ksonnet";

/// Objects found, keyed by their JSON path (`.a.b`, `.[0]`, `.` at the top).
pub(super) type Extracted = BTreeMap<String, Map<String, Value>>;

/// Walk `data` for objects that look like manifests (`apiVersion` and `kind` non-empty
/// strings). Object keys are visited in sorted order, `null` values skipped, arrays entered
/// element by element; a manifest is not looked into. A string, number or bool met on the way
/// is an error naming its parent's path and quoting the innermost object holding it.
pub(super) fn extract(data: &Value) -> Result<Extracted, ExtractError> {
    let mut out = Extracted::new();
    let mut trace = Vec::new();
    walk(data, &mut trace, &mut out)?;
    Ok(out)
}

/// `.` followed by the segments joined with `.` (Tanka's `trace.Full`).
fn full(trace: &[String]) -> String {
    format!(".{}", trace.join("."))
}

fn walk(v: &Value, trace: &mut Vec<String>, out: &mut Extracted) -> Result<(), ExtractError> {
    match v {
        Value::Object(obj) => walk_object(obj, trace, out),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                trace.push(format!("[{i}]"));
                let result = walk(item, trace, out);
                trace.pop();
                result?;
            }
            Ok(())
        }
        _ => {
            // The value's parent path (Tanka's `trace.Base`).
            let parent = &trace[..trace.len().saturating_sub(1)];
            Err(ExtractError::Invalid(InvalidObjectError {
                path: full(parent),
                reason: None,
                object: None,
            }))
        }
    }
}

fn walk_object(
    obj: &Map<String, Value>,
    trace: &mut Vec<String>,
    out: &mut Extracted,
) -> Result<(), ExtractError> {
    let check = manifest_check(obj);
    if check.is_ok() {
        let manifest = without_ksonnet(obj);
        let problems = verify(&manifest);
        if !problems.is_empty() {
            return Err(ExtractError::Schema(SchemaError {
                name: full(trace),
                fields: problems,
                manifest,
            }));
        }
        out.insert(full(trace), manifest);
        return Ok(());
    }
    let mut keys: Vec<&String> = obj.keys().filter(|k| *k != KSONNET).collect();
    keys.sort();
    for key in keys {
        let value = &obj[key];
        if value.is_null() {
            continue;
        }
        trace.push(key.clone());
        let result = walk(value, trace, out);
        trace.pop();
        match result {
            Err(ExtractError::Invalid(mut e)) if e.object.is_none() => {
                e.object = Some(without_ksonnet(obj));
                e.reason = check.err();
                return Err(ExtractError::Invalid(e));
            }
            other => other?,
        }
    }
    Ok(())
}

fn without_ksonnet(obj: &Map<String, Value>) -> Map<String, Value> {
    let mut copy = obj.clone();
    copy.remove(KSONNET);
    copy
}

/// Tanka's `isKubernetesManifest`: `Ok` when `apiVersion` and `kind` are non-empty strings,
/// else why not.
fn manifest_check(obj: &Map<String, Value>) -> Result<(), String> {
    for key in ["apiVersion", "kind"] {
        match obj.get(key) {
            None | Some(Value::Null) => return Err(format!("missing attribute \"{key}\"")),
            Some(Value::String(s)) if s.is_empty() => {
                return Err(format!("attribute \"{key}\" is empty"));
            }
            Some(Value::String(_)) => {}
            Some(other) => {
                return Err(format!(
                    "attribute \"{key}\" is not a string, it is a {}",
                    go_type(other)
                ));
            }
        }
    }
    Ok(())
}

/// Tanka's `Unwrap`: every object with an `items` array is replaced by its items, keyed
/// `<path>.items[<i>]`. Each item must be an object and pass the schema check. Items are not
/// unwrapped again. Returns the objects in path order.
pub(super) fn unwrap_lists(extracted: Extracted) -> Result<Vec<Map<String, Value>>, ManifestError> {
    let mut out = BTreeMap::new();
    for (path, obj) in extracted {
        let Some(Value::Array(items)) = obj.get("items") else {
            out.insert(path, obj);
            continue;
        };
        for (i, item) in items.iter().enumerate() {
            let name = format!("{path}.items[{i}]");
            let Value::Object(item) = item else {
                return Err(ManifestError::ListItemNotObject { path: name });
            };
            let problems = verify(item);
            if !problems.is_empty() {
                return Err(ManifestError::Schema(SchemaError {
                    name,
                    fields: problems,
                    manifest: item.clone(),
                }));
            }
            out.insert(name, item.clone());
        }
    }
    Ok(out.into_values().collect())
}
