//! Conversions between jrsonnet values and `serde_json` values.

use jrsonnet_evaluator::{Error, NumValue, ObjValueBuilder, Val, ensure_sufficient_stack, error};

use super::PathSegment;

/// A JSON value as a Jsonnet value. Numbers become f64, as in Go's `encoding/json`.
pub(crate) fn json_to_val(value: &serde_json::Value) -> Val {
    match value {
        serde_json::Value::Null => Val::Null,
        serde_json::Value::Bool(b) => Val::Bool(*b),
        serde_json::Value::Number(n) => {
            // serde_json only produces finite numbers.
            let f = n.as_f64().unwrap_or(0.0);
            NumValue::new(f).map_or(Val::Null, Val::Num)
        }
        serde_json::Value::String(s) => Val::string(s.as_str()),
        serde_json::Value::Array(items) => {
            Val::arr(items.iter().map(json_to_val).collect::<Vec<_>>())
        }
        serde_json::Value::Object(map) => {
            let mut builder = ObjValueBuilder::with_capacity(map.len());
            for (k, v) in map {
                builder.field(k.as_str()).value(json_to_val(v));
            }
            Val::Obj(builder.build())
        }
    }
}

/// An error while forcing a value, with the output path where it happened.
pub(crate) struct ForceError {
    /// The evaluation error.
    pub error: Error,
    /// Where in the value being forced it happened.
    pub path: Vec<PathSegment>,
}

impl ForceError {
    /// The error `error` at the value being forced; [`ForceError::within`] adds the segments
    /// above it while it propagates (innermost first; [`val_to_json`] puts them in order), so
    /// that forcing a value that has no error builds no path at all.
    fn new(error: Error) -> Self {
        Self {
            error,
            path: Vec::new(),
        }
    }

    fn within(mut self, segment: PathSegment) -> Self {
        self.path.push(segment);
        self
    }
}

/// Force a value completely (as manifesting to JSON does: object assertions, visible fields,
/// sorted keys) and return it as JSON.
///
/// Numbers are converted exactly: integral values that fit `i64`/`u64` become JSON integers,
/// others stay `f64` (so `1e20` is `1e20`, never saturated).
pub(crate) fn val_to_json(value: &Val) -> Result<serde_json::Value, ForceError> {
    force(value, 0).map_err(|mut e| {
        e.path.reverse();
        e
    })
}

/// Deepest nesting accepted in the output. Kubernetes objects nest a few dozen levels; values
/// nested thousands of levels deep would make every recursive consumer (destructors, YAML
/// writers) overflow the stack.
pub const MAX_OUTPUT_DEPTH: usize = 1000;

/// [`val_to_json`] for a value nested `depth` levels deep (error paths innermost first).
fn force(value: &Val, depth: usize) -> Result<serde_json::Value, ForceError> {
    if depth > MAX_OUTPUT_DEPTH && matches!(value, Val::Arr(_) | Val::Obj(_)) {
        return Err(ForceError::new(error!(
            "output nested more than {MAX_OUTPUT_DEPTH} levels deep"
        )));
    }
    Ok(match value {
        Val::Null => serde_json::Value::Null,
        Val::Bool(b) => serde_json::Value::Bool(*b),
        Val::Str(s) => serde_json::Value::String(s.clone().into_flat().to_string()),
        Val::Num(n) => number(n.get()),
        Val::Arr(arr) => ensure_sufficient_stack(|| {
            let mut items = Vec::with_capacity(arr.len() as usize);
            for i in 0..arr.len() {
                let at = |e: ForceError| e.within(PathSegment::Index(i as usize));
                let item = arr.get(i).map_err(|e| at(ForceError::new(e)))?;
                items.push(force(&item.unwrap_or(Val::Null), depth + 1).map_err(at)?);
            }
            Ok(serde_json::Value::Array(items))
        })?,
        Val::Obj(obj) => ensure_sufficient_stack(|| {
            obj.run_assertions().map_err(ForceError::new)?;
            let mut map = serde_json::Map::new();
            for key in obj.fields() {
                let at = |e: ForceError| e.within(PathSegment::Field(key.to_string()));
                let field = obj.get(key.clone()).map_err(|e| at(ForceError::new(e)))?;
                let field = force(&field.unwrap_or(Val::Null), depth + 1).map_err(at)?;
                map.insert(key.to_string(), field);
            }
            Ok(serde_json::Value::Object(map))
        })?,
        Val::Func(_) => {
            return Err(ForceError::new(error!(
                "a function cannot be converted to JSON (missing call or arguments?)"
            )));
        }
        #[allow(unreachable_patterns)]
        _ => return Err(ForceError::new(error!("unsupported value type"))),
    })
}

/// A Jsonnet number as JSON: integers when exactly representable, else f64.
fn number(f: f64) -> serde_json::Value {
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if f.fract() == 0.0 && !(f == 0.0 && f.is_sign_negative()) {
        if (-TWO_63..TWO_63).contains(&f) {
            return serde_json::Value::from(f as i64);
        }
        if (0.0..2.0 * TWO_63).contains(&f) {
            return serde_json::Value::from(f as u64);
        }
    }
    serde_json::Number::from_f64(f).map_or(serde_json::Value::Null, serde_json::Value::Number)
}
