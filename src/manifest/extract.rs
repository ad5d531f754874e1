//! Finding the Kubernetes objects in evaluated output (`pkg/process/extract.go`) and
//! unwrapping Lists (`Unwrap`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::error::{ExtractError, InvalidObjectError, ManifestError, SchemaError};
use super::verify::{is_list, verify};
use crate::env::go_type;

/// The private field ksonnet-style libraries add; dropped from every object walked.
const KSONNET: &str = "__ksonnet";

/// Objects found, keyed by their JSON path (`.a.b`, `.[0]`, `.` at the top).
pub(super) type Extracted = BTreeMap<String, Map<String, Value>>;

/// An object and its JSON path.
pub(super) type Found = (String, Map<String, Value>);

/// Walk `data` for objects that look like manifests (`apiVersion` and `kind` non-empty
/// strings) and move them out of it. Object keys are visited in sorted order, `null` values
/// skipped, arrays entered element by element; a manifest is not looked into. A string, number
/// or bool met on the way is an error naming its parent's path and quoting the innermost object
/// holding it.
pub(super) fn extract(mut data: Value) -> Result<Extracted, ExtractError> {
    let mut out = Extracted::new();
    for at in locate(&data)? {
        if let Some(Value::Object(obj)) = get_mut(&mut data, &at) {
            let mut obj = std::mem::take(obj);
            obj.remove(KSONNET);
            out.insert(full(&at), obj);
        }
    }
    Ok(out)
}

/// One step into a JSON value.
#[derive(Clone)]
enum Seg {
    Key(String),
    Index(usize),
}

fn get_mut<'v>(mut v: &'v mut Value, at: &[Seg]) -> Option<&'v mut Value> {
    for seg in at {
        v = match seg {
            Seg::Key(k) => v.get_mut(k)?,
            Seg::Index(i) => v.get_mut(*i)?,
        };
    }
    Some(v)
}

/// Where the manifests are. Checks everything [`extract`] reports as an error, copying only
/// to build an error.
fn locate(data: &Value) -> Result<Vec<Vec<Seg>>, ExtractError> {
    let mut out = Vec::new();
    walk(data, &mut Vec::new(), &mut out)?;
    Ok(out)
}

/// The path text of a location (Tanka's `trace.Full`): `.` followed by the keys and `[<i>]`
/// indexes joined with `.` (`.a.b`, `.[0]`, `.` at the top).
fn full(at: &[Seg]) -> String {
    let mut out = String::from(".");
    for (n, seg) in at.iter().enumerate() {
        if n > 0 {
            out.push('.');
        }
        match seg {
            Seg::Key(k) => out.push_str(k),
            Seg::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
        }
    }
    out
}

fn walk(v: &Value, at: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) -> Result<(), ExtractError> {
    match v {
        Value::Object(obj) => walk_object(obj, at, out),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                at.push(Seg::Index(i));
                let result = walk(item, at, out);
                at.pop();
                result?;
            }
            Ok(())
        }
        _ => {
            // The value's parent path (Tanka's `trace.Base`).
            let parent = &at[..at.len().saturating_sub(1)];
            Err(ExtractError::Invalid(InvalidObjectError {
                path: full(parent),
                value_path: full(at).into(),
                reason: None,
                object: None,
            }))
        }
    }
}

fn walk_object(
    obj: &Map<String, Value>,
    at: &mut Vec<Seg>,
    out: &mut Vec<Vec<Seg>>,
) -> Result<(), ExtractError> {
    let check = manifest_check(obj);
    if check.is_ok() {
        let problems = verify_without_ksonnet(obj);
        if !problems.is_empty() {
            return Err(ExtractError::Schema(SchemaError {
                name: full(at),
                fields: problems,
                manifest: without_ksonnet(obj),
            }));
        }
        out.push(at.clone());
        return Ok(());
    }
    let mut keys: Vec<&String> = obj.keys().filter(|k| *k != KSONNET).collect();
    keys.sort();
    for key in keys {
        let value = &obj[key];
        if value.is_null() {
            continue;
        }
        at.push(Seg::Key(key.clone()));
        let result = walk(value, at, out);
        at.pop();
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

/// [`verify`] of the object as it will be kept (without `__ksonnet`), copying only when that
/// field is there.
fn verify_without_ksonnet(obj: &Map<String, Value>) -> Vec<(String, String)> {
    if obj.contains_key(KSONNET) {
        verify(&without_ksonnet(obj))
    } else {
        verify(obj)
    }
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
/// unwrapped again. Returns the objects with their paths, in path order.
pub(super) fn unwrap_lists(extracted: Extracted) -> Result<Vec<Found>, ManifestError> {
    let mut out = BTreeMap::new();
    for (path, mut obj) in extracted {
        if !is_list(&obj) {
            out.insert(path, obj);
            continue;
        }
        let Some(Value::Array(items)) = obj.remove("items") else {
            unreachable!("checked above")
        };
        for (i, item) in items.into_iter().enumerate() {
            let name = format!("{path}.items[{i}]");
            let Value::Object(item) = item else {
                return Err(ManifestError::ListItemNotObject { path: name });
            };
            let problems = verify(&item);
            if !problems.is_empty() {
                return Err(ManifestError::Schema(SchemaError {
                    name,
                    fields: problems,
                    manifest: item,
                }));
            }
            out.insert(name, item);
        }
    }
    Ok(out.into_iter().collect())
}
