//! Finding inline `Environment` objects in an entrypoint's output without forcing their `data`.
//!
//! The walk follows Tanka's manifest extraction: an object whose `apiVersion` and `kind` are
//! non-empty strings is a manifest and is not descended into; a manifest with an `items` array is
//! a list whose items are looked at instead; other objects are descended in sorted key order
//! (skipping `__ksonnet` and `null` values); arrays element by element. Manifests of kind
//! `Environment` are kept. Other leaves (strings, numbers, ...) are ignored here: reporting them
//! is the manifest extraction's job.

use jrsonnet_evaluator::{IStr, ObjValue, Result, Val};

use super::json::{ForceError, val_to_json};
use super::{InlineEnvironment, PathSegment};

/// Attach the current output path to a jrsonnet error.
fn at(path: &[PathSegment]) -> impl Fn(jrsonnet_evaluator::Error) -> ForceError + '_ {
    move |error| ForceError {
        error,
        path: path.to_vec(),
    }
}

/// Walk `value`, collecting `Environment` objects (without `data`) into `out`.
pub(crate) fn collect(
    value: &Val,
    path: &mut Vec<PathSegment>,
    out: &mut Vec<InlineEnvironment>,
) -> std::result::Result<(), ForceError> {
    match value {
        Val::Obj(obj) => {
            if let Some(kind) = manifest_kind(obj).map_err(at(path))? {
                if let Some(Val::Arr(items)) = visible_field(obj, "items").map_err(at(path))? {
                    path.push(PathSegment::Field("items".to_owned()));
                    for i in 0..items.len() {
                        path.push(PathSegment::Index(i as usize));
                        if let Some(Val::Obj(item)) = items.get(i).map_err(at(path))? {
                            if manifest_kind(&item).map_err(at(path))?.as_deref()
                                == Some("Environment")
                            {
                                out.push(environment(&item, path)?);
                            }
                        }
                        path.pop();
                    }
                    path.pop();
                } else if kind.as_str() == "Environment" {
                    out.push(environment(obj, path)?);
                }
                return Ok(());
            }
            for field in obj.fields() {
                if field.as_str() == "__ksonnet" {
                    continue;
                }
                path.push(PathSegment::Field(field.to_string()));
                if let Some(child) = obj.get(field.clone()).map_err(at(path))? {
                    collect(&child, path, out)?;
                }
                path.pop();
            }
        }
        Val::Arr(arr) => {
            for i in 0..arr.len() {
                path.push(PathSegment::Index(i as usize));
                if let Some(child) = arr.get(i).map_err(at(path))? {
                    collect(&child, path, out)?;
                }
                path.pop();
            }
        }
        _ => {}
    }
    Ok(())
}

/// `Some(kind)` when `obj` looks like a Kubernetes manifest (non-empty string apiVersion + kind).
fn manifest_kind(obj: &ObjValue) -> Result<Option<IStr>> {
    let non_empty = |v: Option<Val>| match v {
        Some(Val::Str(s)) if !s.is_empty() => Some(s.into_flat()),
        _ => None,
    };
    if non_empty(visible_field(obj, "apiVersion")?).is_none() {
        return Ok(None);
    }
    Ok(non_empty(visible_field(obj, "kind")?))
}

/// The value of a visible field, `None` when absent or hidden.
fn visible_field(obj: &ObjValue, name: &str) -> Result<Option<Val>> {
    if !obj.has_field(name.into()) {
        return Ok(None);
    }
    obj.get(name.into())
}

/// The environment object as JSON, every visible field but `data`.
fn environment(
    obj: &ObjValue,
    path: &[PathSegment],
) -> std::result::Result<InlineEnvironment, ForceError> {
    let mut map = serde_json::Map::new();
    for field in obj.fields() {
        if field.as_str() == "data" {
            continue;
        }
        let field_path = [path, &[PathSegment::Field(field.to_string())]].concat();
        if let Some(value) = obj.get(field.clone()).map_err(at(&field_path))? {
            let json = val_to_json(&value).map_err(|e| ForceError {
                error: e.error,
                path: [field_path.as_slice(), &e.path].concat(),
            })?;
            map.insert(field.to_string(), json);
        }
    }
    Ok(InlineEnvironment {
        path: path.to_vec(),
        object: serde_json::Value::Object(map),
    })
}
