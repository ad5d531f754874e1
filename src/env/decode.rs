//! Decoding an `Environment` the way Go's `encoding/json` unmarshals into Tanka's
//! `v1alpha1.Environment` struct: over the defaults, unknown fields ignored, field names
//! matched case-insensitively (exact match preferred), `null` leaving strings/bools/structs
//! untouched and emptying lists/maps, and type mismatches reported with Go's wording
//! (`json: cannot unmarshal number into Go struct field Spec.spec.namespace of type string`).
//!
//! Go records the first mismatch in document order and keeps going; here keys are visited in
//! sorted order and decoding stops at the first mismatch (the result is discarded either way).

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Map, Value};

use super::spec::{Environment, ExpectVersions, Metadata, ResourceDefaults, Spec};

/// A Go `*json.UnmarshalTypeError`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct TypeError {
    /// The JSON value's kind: `string`, `number`, `bool`, `array`, `object`.
    value: &'static str,
    /// Go type name of the struct holding the field (empty at top level).
    struct_name: &'static str,
    /// Path of struct field names from the top (`spec.namespace`); map keys are not included.
    field: String,
    /// Go type the value should have had.
    go_type: &'static str,
}

impl fmt::Display for TypeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.struct_name.is_empty() && self.field.is_empty() {
            write!(
                f,
                "json: cannot unmarshal {} into Go value of type {}",
                self.value, self.go_type
            )
        } else {
            write!(
                f,
                "json: cannot unmarshal {} into Go struct field {}.{} of type {}",
                self.value, self.struct_name, self.field, self.go_type
            )
        }
    }
}

/// Where in the struct tree a value is being decoded.
struct Ctx<'a> {
    struct_name: &'static str,
    stack: &'a [&'static str],
}

impl Ctx<'_> {
    fn err(&self, value: &Value, go_type: &'static str) -> TypeError {
        TypeError {
            value: kind(value),
            struct_name: self.struct_name,
            field: self.stack.join("."),
            go_type,
        }
    }
}

/// Go's name for a JSON value's kind in `UnmarshalTypeError`.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Decode `value` over `env` (which holds the defaults).
pub(super) fn decode_environment(value: &Value, env: &mut Environment) -> Result<(), TypeError> {
    let obj = match value {
        Value::Null => return Ok(()),
        Value::Object(obj) => obj,
        other => {
            return Err(Ctx {
                struct_name: "",
                stack: &[],
            }
            .err(other, "v1alpha1.Environment"));
        }
    };
    const FIELDS: &[&str] = &["apiVersion", "kind", "metadata", "spec", "data"];
    for (key, v) in obj {
        let Some(field) = match_field(FIELDS, key) else {
            continue;
        };
        let stack = [field];
        let ctx = Ctx {
            struct_name: "Environment",
            stack: &stack,
        };
        match field {
            "apiVersion" => string(v, &ctx, &mut env.api_version)?,
            "kind" => string(v, &ctx, &mut env.kind)?,
            "metadata" => metadata(v, &ctx, &mut env.metadata)?,
            "spec" => spec(v, &ctx, &mut env.spec)?,
            _ => {} // `data`: any value is accepted; not kept here.
        }
    }
    Ok(())
}

/// Struct fields are matched like Go does: exact name first, else case-insensitively.
fn match_field(fields: &[&'static str], key: &str) -> Option<&'static str> {
    fields
        .iter()
        .find(|f| **f == key)
        .or_else(|| fields.iter().find(|f| fold_eq(f, key)))
        .copied()
}

fn fold_eq(a: &str, b: &str) -> bool {
    a.chars()
        .flat_map(char::to_lowercase)
        .eq(b.chars().flat_map(char::to_lowercase))
}

/// The object to decode a nested struct from, or `None` for `null` (left untouched).
fn struct_obj<'v>(
    v: &'v Value,
    ctx: &Ctx<'_>,
    go_type: &'static str,
) -> Result<Option<&'v Map<String, Value>>, TypeError> {
    match v {
        Value::Null => Ok(None),
        Value::Object(obj) => Ok(Some(obj)),
        other => Err(ctx.err(other, go_type)),
    }
}

fn metadata(v: &Value, ctx: &Ctx<'_>, out: &mut Metadata) -> Result<(), TypeError> {
    let Some(obj) = struct_obj(v, ctx, "v1alpha1.Metadata")? else {
        return Ok(());
    };
    const FIELDS: &[&str] = &["name", "namespace", "labels"];
    for (key, v) in obj {
        let Some(field) = match_field(FIELDS, key) else {
            continue;
        };
        let stack = [ctx.stack, &[field]].concat();
        let ctx = Ctx {
            struct_name: "Metadata",
            stack: &stack,
        };
        match field {
            "name" => opt_string(v, &ctx, &mut out.name)?,
            "namespace" => opt_string(v, &ctx, &mut out.namespace)?,
            _ => string_map(v, &ctx, &mut out.labels)?,
        }
    }
    Ok(())
}

fn spec(v: &Value, ctx: &Ctx<'_>, out: &mut Spec) -> Result<(), TypeError> {
    let Some(obj) = struct_obj(v, ctx, "v1alpha1.Spec")? else {
        return Ok(());
    };
    const FIELDS: &[&str] = &[
        "apiServer",
        "contextNames",
        "namespace",
        "diffStrategy",
        "applyStrategy",
        "injectLabels",
        "tankaEnvLabelFromFields",
        "resourceDefaults",
        "expectVersions",
        "exportJsonnetImplementation",
    ];
    for (key, v) in obj {
        let Some(field) = match_field(FIELDS, key) else {
            continue;
        };
        let stack = [ctx.stack, &[field]].concat();
        let ctx = Ctx {
            struct_name: "Spec",
            stack: &stack,
        };
        match field {
            "apiServer" => string(v, &ctx, &mut out.api_server)?,
            "contextNames" => string_list(v, &ctx, &mut out.context_names)?,
            "namespace" => string(v, &ctx, &mut out.namespace)?,
            "diffStrategy" => string(v, &ctx, &mut out.diff_strategy)?,
            "applyStrategy" => string(v, &ctx, &mut out.apply_strategy)?,
            "injectLabels" => match v {
                Value::Null => {}
                Value::Bool(b) => out.inject_labels = Some(*b),
                other => return Err(ctx.err(other, "bool")),
            },
            "tankaEnvLabelFromFields" => {
                string_list(v, &ctx, &mut out.tanka_env_label_from_fields)?
            }
            "resourceDefaults" => resource_defaults(v, &ctx, &mut out.resource_defaults)?,
            "expectVersions" => expect_versions(v, &ctx, &mut out.expect_versions)?,
            _ => string(v, &ctx, &mut out.export_jsonnet_implementation)?,
        }
    }
    Ok(())
}

fn resource_defaults(
    v: &Value,
    ctx: &Ctx<'_>,
    out: &mut ResourceDefaults,
) -> Result<(), TypeError> {
    let Some(obj) = struct_obj(v, ctx, "v1alpha1.ResourceDefaults")? else {
        return Ok(());
    };
    for (key, v) in obj {
        let Some(field) = match_field(&["annotations", "labels"], key) else {
            continue;
        };
        let stack = [ctx.stack, &[field]].concat();
        let ctx = Ctx {
            struct_name: "ResourceDefaults",
            stack: &stack,
        };
        match field {
            "annotations" => string_map(v, &ctx, &mut out.annotations)?,
            _ => string_map(v, &ctx, &mut out.labels)?,
        }
    }
    Ok(())
}

fn expect_versions(v: &Value, ctx: &Ctx<'_>, out: &mut ExpectVersions) -> Result<(), TypeError> {
    let Some(obj) = struct_obj(v, ctx, "v1alpha1.ExpectVersions")? else {
        return Ok(());
    };
    for (key, v) in obj {
        if match_field(&["tanka"], key).is_some() {
            let stack = [ctx.stack, &["tanka"]].concat();
            let ctx = Ctx {
                struct_name: "ExpectVersions",
                stack: &stack,
            };
            string(v, &ctx, &mut out.tanka)?;
        }
    }
    Ok(())
}

/// A Go `string` field: `null` leaves it unchanged.
fn string(v: &Value, ctx: &Ctx<'_>, out: &mut String) -> Result<(), TypeError> {
    match v {
        Value::Null => Ok(()),
        Value::String(s) => {
            s.clone_into(out);
            Ok(())
        }
        other => Err(ctx.err(other, "string")),
    }
}

/// A Go `string` field with `omitempty`, modelled as `Option` (`None` = empty).
fn opt_string(v: &Value, ctx: &Ctx<'_>, out: &mut Option<String>) -> Result<(), TypeError> {
    let mut s = out.clone().unwrap_or_default();
    string(v, ctx, &mut s)?;
    *out = (!s.is_empty()).then_some(s);
    Ok(())
}

/// A Go `[]string`: `null` empties it, elements `null` become `""`.
fn string_list(v: &Value, ctx: &Ctx<'_>, out: &mut Vec<String>) -> Result<(), TypeError> {
    match v {
        Value::Null => {
            out.clear();
            Ok(())
        }
        Value::Array(items) => {
            let mut list = Vec::with_capacity(items.len());
            for item in items {
                let mut s = String::new();
                string(item, ctx, &mut s)?;
                list.push(s);
            }
            *out = list;
            Ok(())
        }
        other => Err(ctx.err(other, "[]string")),
    }
}

/// A Go `map[string]string`: `null` empties it, an object adds to it, `null` values become `""`.
fn string_map(
    v: &Value,
    ctx: &Ctx<'_>,
    out: &mut BTreeMap<String, String>,
) -> Result<(), TypeError> {
    match v {
        Value::Null => {
            out.clear();
            Ok(())
        }
        Value::Object(obj) => {
            for (k, v) in obj {
                let mut s = String::new();
                string(v, ctx, &mut s)?;
                out.insert(k.clone(), s);
            }
            Ok(())
        }
        other => Err(ctx.err(other, "map[string]string")),
    }
}
