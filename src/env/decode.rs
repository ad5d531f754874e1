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

use serde_json::Value;

use super::spec::{Environment, Metadata, ResourceDefaults, Spec};

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
struct Ctx {
    /// Go type name of the struct holding the field (empty at top level).
    struct_name: &'static str,
    /// JSON names of the struct fields from the top.
    stack: Vec<&'static str>,
}

impl Ctx {
    /// Context for `field` of struct `struct_name` at this position.
    fn field(&self, struct_name: &'static str, field: &'static str) -> Ctx {
        let mut stack = self.stack.clone();
        stack.push(field);
        Ctx { struct_name, stack }
    }

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

/// What Go's `%T` prints for a value decoded from JSON into `interface{}`.
pub(crate) fn go_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Number(_) => "float64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

/// Decode `value` over `env` (which holds the defaults).
pub(super) fn decode_environment(value: &Value, env: &mut Environment) -> Result<(), TypeError> {
    let top = Ctx {
        struct_name: "",
        stack: Vec::new(),
    };
    let fields = ["apiVersion", "kind", "metadata", "spec", "data"];
    struct_fields(
        value,
        &top,
        "Environment",
        &fields,
        |field, v, ctx| match field {
            "apiVersion" => string(v, ctx, &mut env.api_version),
            "kind" => string(v, ctx, &mut env.kind),
            "metadata" => metadata(v, ctx, &mut env.metadata),
            "spec" => spec(v, ctx, &mut env.spec),
            _ => Ok(()), // `data`: any value is accepted; not kept here.
        },
    )
}

/// Decode the struct `struct_name` (Go package `v1alpha1`) with JSON fields `fields` from
/// `value`: `null` leaves it untouched, a non-object is a type error, unknown keys are
/// skipped and `decode` is called for each known one.
fn struct_fields(
    value: &Value,
    ctx: &Ctx,
    struct_name: &'static str,
    fields: &[&'static str],
    mut decode: impl FnMut(&'static str, &Value, &Ctx) -> Result<(), TypeError>,
) -> Result<(), TypeError> {
    let obj = match value {
        Value::Null => return Ok(()),
        Value::Object(obj) => obj,
        other => return Err(ctx.err(other, go_struct_type(struct_name))),
    };
    for (key, v) in obj {
        if let Some(field) = match_field(fields, key) {
            decode(field, v, &ctx.field(struct_name, field))?;
        }
    }
    Ok(())
}

/// The qualified Go type name of one of Tanka's structs.
fn go_struct_type(struct_name: &str) -> &'static str {
    match struct_name {
        "Environment" => "v1alpha1.Environment",
        "Metadata" => "v1alpha1.Metadata",
        "Spec" => "v1alpha1.Spec",
        "ResourceDefaults" => "v1alpha1.ResourceDefaults",
        _ => "v1alpha1.ExpectVersions",
    }
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

fn metadata(v: &Value, ctx: &Ctx, out: &mut Metadata) -> Result<(), TypeError> {
    let fields = ["name", "namespace", "labels"];
    struct_fields(v, ctx, "Metadata", &fields, |field, v, ctx| match field {
        "name" => opt_string(v, ctx, &mut out.name),
        "namespace" => opt_string(v, ctx, &mut out.namespace),
        _ => string_map(v, ctx, &mut out.labels),
    })
}

fn spec(v: &Value, ctx: &Ctx, out: &mut Spec) -> Result<(), TypeError> {
    let fields = [
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
    struct_fields(v, ctx, "Spec", &fields, |field, v, ctx| match field {
        "apiServer" => string(v, ctx, &mut out.api_server),
        "contextNames" => string_list(v, ctx, &mut out.context_names),
        "namespace" => string(v, ctx, &mut out.namespace),
        "diffStrategy" => string(v, ctx, &mut out.diff_strategy),
        "applyStrategy" => string(v, ctx, &mut out.apply_strategy),
        "injectLabels" => match v {
            Value::Null => Ok(()),
            Value::Bool(b) => {
                out.inject_labels = Some(*b);
                Ok(())
            }
            other => Err(ctx.err(other, "bool")),
        },
        "tankaEnvLabelFromFields" => string_list(v, ctx, &mut out.tanka_env_label_from_fields),
        "resourceDefaults" => resource_defaults(v, ctx, &mut out.resource_defaults),
        "expectVersions" => {
            let versions = &mut out.expect_versions;
            struct_fields(v, ctx, "ExpectVersions", &["tanka"], |_, v, ctx| {
                string(v, ctx, &mut versions.tanka)
            })
        }
        _ => string(v, ctx, &mut out.export_jsonnet_implementation),
    })
}

fn resource_defaults(v: &Value, ctx: &Ctx, out: &mut ResourceDefaults) -> Result<(), TypeError> {
    let fields = ["annotations", "labels"];
    struct_fields(
        v,
        ctx,
        "ResourceDefaults",
        &fields,
        |field, v, ctx| match field {
            "annotations" => string_map(v, ctx, &mut out.annotations),
            _ => string_map(v, ctx, &mut out.labels),
        },
    )
}

/// A Go `string` field: `null` leaves it unchanged.
fn string(v: &Value, ctx: &Ctx, out: &mut String) -> Result<(), TypeError> {
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
fn opt_string(v: &Value, ctx: &Ctx, out: &mut Option<String>) -> Result<(), TypeError> {
    let mut s = out.clone().unwrap_or_default();
    string(v, ctx, &mut s)?;
    *out = (!s.is_empty()).then_some(s);
    Ok(())
}

/// A Go `[]string`: `null` empties it, elements `null` become `""`.
fn string_list(v: &Value, ctx: &Ctx, out: &mut Vec<String>) -> Result<(), TypeError> {
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
fn string_map(v: &Value, ctx: &Ctx, out: &mut BTreeMap<String, String>) -> Result<(), TypeError> {
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
