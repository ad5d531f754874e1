//! Executing a parsed template the way Go's `text/template` does.

use serde_json::{Map, Value};

use super::TemplateError;
use super::parse::{Command, List, Node, Number, Operand, Pipeline};
use super::sprig;
use super::value::{self, GoValue};

/// The Go type of a function parameter: decides how arguments are converted and checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Param {
    /// `interface{}`: anything; nothing becomes nil.
    Any,
    /// `reflect.Value` (the built-ins `and`, `or`, `not`, `len`, `index`, `eq`, `ne`): the
    /// value as it is, nothing included.
    Raw,
    /// `string`.
    Str,
    /// `int`.
    Int,
}

/// A function's parameters: fixed ones, then optionally a variadic one.
struct Signature {
    fixed: &'static [Param],
    variadic: Option<Param>,
}

const fn sig(fixed: &'static [Param], variadic: Option<Param>) -> Signature {
    Signature { fixed, variadic }
}

use Param::{Any, Int, Raw, Str};

/// The functions tkstep implements, with Go's signatures.
fn signature(name: &str) -> Option<Signature> {
    Some(match name {
        "and" | "or" => sig(&[Raw], Some(Raw)),
        "not" | "len" => sig(&[Raw], None),
        "index" => sig(&[Raw], Some(Raw)),
        "eq" => sig(&[Raw], Some(Raw)),
        "ne" => sig(&[Raw, Raw], None),
        "print" | "println" => sig(&[], Some(Any)),
        "printf" => sig(&[Str], Some(Any)),
        "env" => sig(&[], None),
        "lower" | "upper" | "snakecase" | "kebabcase" | "camelcase" | "trim" | "nospace" => {
            sig(&[Str], None)
        }
        "replace" => sig(&[Str, Str, Str], None),
        "trunc" | "repeat" => sig(&[Int, Str], None),
        "substr" => sig(&[Int, Int, Str], None),
        "trimPrefix" | "trimSuffix" | "trimAll" | "contains" | "hasPrefix" | "hasSuffix" => {
            sig(&[Str, Str], None)
        }
        "default" => sig(&[Any], Some(Any)),
        "quote" | "squote" | "coalesce" => sig(&[], Some(Any)),
        "toString" | "empty" => sig(&[Any], None),
        _ => return None,
    })
}

/// Whether `name` is a function tkstep implements.
pub(crate) fn is_function(name: &str) -> bool {
    signature(name).is_some()
}

/// Go's built-in functions that tkstep does not implement.
const GO_NOT_IMPLEMENTED: &[&str] = &[
    "call", "html", "js", "urlquery", "slice", "lt", "le", "gt", "ge",
];

/// Whether `name` is a Go built-in or sprig function tkstep does not implement.
pub(crate) fn is_known_unimplemented(name: &str) -> bool {
    GO_NOT_IMPLEMENTED.contains(&name) || sprig::NOT_IMPLEMENTED.contains(&name)
}

/// Execution state: the data (`$`) and the environment `env` returns.
pub(crate) struct State<'a> {
    pub root: &'a Map<String, Value>,
    pub env: &'a Value,
    pub out: String,
}

fn exec_err(message: impl Into<String>) -> TemplateError {
    TemplateError::Exec(message.into())
}

/// What dot is: the manifest itself, or a value `with` moved to.
#[derive(Clone)]
enum Dot<'a> {
    Root,
    Value(&'a GoValue),
}

impl State<'_> {
    pub(crate) fn run(&mut self, list: &List) -> Result<(), TemplateError> {
        self.walk(list, Dot::Root)
    }

    fn walk(&mut self, list: &List, dot: Dot<'_>) -> Result<(), TemplateError> {
        for node in list {
            match node {
                Node::Text(t) => self.out.push_str(t),
                Node::Action(pipe) => {
                    let v = self.pipeline(pipe, &dot)?;
                    let text = value::print_action(&v);
                    self.out.push_str(&text);
                }
                Node::If(pipe, then, otherwise) => {
                    let v = self.pipeline(pipe, &dot)?;
                    if v.truth() {
                        self.walk(then, dot.clone())?;
                    } else {
                        self.walk(otherwise, dot.clone())?;
                    }
                }
                Node::With(pipe, then, otherwise) => {
                    let v = self.pipeline(pipe, &dot)?;
                    if v.truth() {
                        self.walk(then, Dot::Value(&v))?;
                    } else {
                        self.walk(otherwise, dot.clone())?;
                    }
                }
            }
        }
        Ok(())
    }

    fn dot_value(&self, dot: &Dot<'_>) -> Result<GoValue, TemplateError> {
        match dot {
            // In tk, the manifest is a type of its own that prints as YAML.
            Dot::Root => Err(TemplateError::Unsupported(
                "`.` as a value (the whole manifest); use its fields, e.g. .metadata.name"
                    .to_string(),
            )),
            Dot::Value(v) => Ok((*v).clone()),
        }
    }

    fn pipeline(&mut self, pipe: &Pipeline, dot: &Dot<'_>) -> Result<GoValue, TemplateError> {
        let mut value: Option<GoValue> = None;
        for command in &pipe.0 {
            let mut v = self.command(command, dot, value.take())?;
            // An interface holding nil is no value at all from here on.
            if v == GoValue::Nil {
                v = GoValue::Invalid;
            }
            value = Some(v);
        }
        Ok(value.unwrap_or(GoValue::Invalid))
    }

    fn command(
        &mut self,
        command: &Command,
        dot: &Dot<'_>,
        fin: Option<GoValue>,
    ) -> Result<GoValue, TemplateError> {
        let (first, args) = command.0.split_first().expect("commands are never empty");
        if let Operand::Function(name) = first {
            return self.call(name, args, dot, fin);
        }
        if !args.is_empty() || fin.is_some() {
            return Err(exec_err(match first {
                Operand::Field(names) | Operand::Chain(_, names) => format!(
                    "{} is not a method but has arguments",
                    names.last().map_or("", String::as_str)
                ),
                _ => "can't give argument to non-function".to_string(),
            }));
        }
        match first {
            Operand::Nil => Err(exec_err("nil is not a command")),
            other => self.operand(other, dot),
        }
    }

    /// The value of an operand used on its own or as an argument of type `interface{}`.
    fn operand(&mut self, operand: &Operand, dot: &Dot<'_>) -> Result<GoValue, TemplateError> {
        Ok(match operand {
            Operand::Dot => self.dot_value(dot)?,
            Operand::Field(names) => match dot {
                Dot::Root => fields_of_root(self.root, names)?,
                Dot::Value(v) => fields(v, names)?,
            },
            Operand::Root(names) => fields_of_root(self.root, names)?,
            Operand::Function(name) => self.call(name, &[], dot, None)?,
            Operand::Paren(pipe) => self.pipeline(pipe, dot)?,
            Operand::Chain(inner, names) => {
                let base = self.operand(inner, dot)?;
                match (inner.as_ref(), &base) {
                    // `env` returns a manifest-like map: the same rules as for the manifest.
                    (Operand::Function(f), GoValue::Map(m)) if f == "env" => {
                        fields_of_root(m, names)?
                    }
                    _ => fields(&base, names)?,
                }
            }
            Operand::String(s) => GoValue::String(s.clone()),
            Operand::Number(n) => ideal_constant(n),
            Operand::Bool(b) => GoValue::Bool(*b),
            Operand::Nil => GoValue::Nil,
        })
    }

    /// An argument converted to the parameter type `param` (Go's `evalArg`).
    fn arg(
        &mut self,
        operand: &Operand,
        param: Param,
        dot: &Dot<'_>,
    ) -> Result<GoValue, TemplateError> {
        match (operand, param) {
            (Operand::Nil, Any | Raw) => Ok(GoValue::Nil),
            (Operand::Nil, _) => Err(exec_err(format!(
                "cannot assign nil to {}",
                param_type(param)
            ))),
            (Operand::String(s), Str | Any | Raw) => Ok(GoValue::String(s.clone())),
            (Operand::Number(n), Int) => n
                .int
                .filter(|_| !n.float_syntax || n.float.fract() == 0.0)
                .map(GoValue::Int)
                .ok_or_else(|| exec_err(format!("expected integer; found {}", n.float))),
            (Operand::Number(n), Any | Raw) => Ok(ideal_constant(n)),
            (Operand::Bool(b), Any | Raw) => Ok(GoValue::Bool(*b)),
            (Operand::String(_) | Operand::Number(_) | Operand::Bool(_), _) => {
                Err(exec_err(format!(
                    "expected {}; found a constant of another type",
                    param_type(param)
                )))
            }
            _ => {
                let v = self.operand(operand, dot)?;
                validate(v, param)
            }
        }
    }

    fn call(
        &mut self,
        name: &str,
        args: &[Operand],
        dot: &Dot<'_>,
        fin: Option<GoValue>,
    ) -> Result<GoValue, TemplateError> {
        let sig =
            signature(name).ok_or_else(|| TemplateError::UnknownFunction(name.to_string()))?;
        let count = args.len() + usize::from(fin.is_some());
        let wrong_count = match sig.variadic {
            Some(_) => count < sig.fixed.len(),
            None => count != sig.fixed.len(),
        };
        if wrong_count {
            return Err(exec_err(format!(
                "wrong number of args for {name}: want {}{} got {count}",
                if sig.variadic.is_some() {
                    "at least "
                } else {
                    ""
                },
                sig.fixed.len()
            )));
        }
        let param = |i: usize| sig.fixed.get(i).copied().or(sig.variadic).unwrap_or(Any);
        // `and` and `or` stop at the first argument that decides.
        if name == "and" || name == "or" {
            let want = name == "or";
            let mut last = GoValue::Invalid;
            for a in args {
                last = self.arg(a, Raw, dot)?;
                if last.truth() == want {
                    return Ok(last);
                }
            }
            return Ok(fin.unwrap_or(last));
        }
        let mut values = Vec::with_capacity(count);
        for (i, a) in args.iter().enumerate() {
            values.push(self.arg(a, param(i), dot)?);
        }
        if let Some(f) = fin {
            values.push(validate(f, param(args.len()))?);
        }
        call_function(name, values, self.env).map_err(|e| match e {
            TemplateError::Exec(m) => exec_err(format!("error calling {name}: {m}")),
            other => other,
        })
    }
}

fn param_type(p: Param) -> &'static str {
    match p {
        Any => "interface {}",
        Raw => "reflect.Value",
        Str => "string",
        Int => "int",
    }
}

/// Go's `validateType`: check (and convert) a computed value for a parameter.
fn validate(v: GoValue, param: Param) -> Result<GoValue, TemplateError> {
    match (param, &v) {
        (Raw, _) => Ok(v),
        (Any, GoValue::Invalid) => Ok(GoValue::Nil),
        (Any, _) => Ok(v),
        (_, GoValue::Invalid) => Err(exec_err(format!(
            "invalid value; expected {}",
            param_type(param)
        ))),
        (Str, GoValue::String(_)) | (Int, GoValue::Int(_)) => Ok(v),
        (_, GoValue::Nil) => Err(exec_err(format!(
            "wrong type for value; expected {}; got interface {{}}",
            param_type(param)
        ))),
        _ => Err(exec_err(format!(
            "wrong type for value; expected {}; got {}",
            param_type(param),
            v.type_name()
        ))),
    }
}

/// A number constant as an `interface{}` argument: `int` unless written as a float.
fn ideal_constant(n: &Number) -> GoValue {
    match n.int {
        Some(i) if !n.float_syntax => GoValue::Int(i),
        _ => GoValue::Float(n.float),
    }
}

/// Field names on the manifest (or on `env`): like any map, but a capitalised name would be a
/// method of Tanka's manifest type in `tk`, which tkstep does not emulate.
fn fields_of_root(root: &Map<String, Value>, names: &[String]) -> Result<GoValue, TemplateError> {
    let Some((first, rest)) = names.split_first() else {
        return Ok(GoValue::Map(root.clone()));
    };
    if first.starts_with(|c: char| c.is_ascii_uppercase()) {
        return Err(TemplateError::Unsupported(format!(
            "the field .{first} (in tk a capitalised name calls a method of its manifest type; \
             use the lower-case field, e.g. .kind, .metadata.name)"
        )));
    }
    match root.get(first) {
        Some(v) => walk(v, rest),
        None => Ok(GoValue::Invalid),
    }
}

/// Go's `evalFieldChain` on a value.
fn fields(v: &GoValue, names: &[String]) -> Result<GoValue, TemplateError> {
    let Some((first, rest)) = names.split_first() else {
        return Ok(v.clone());
    };
    let map = match v {
        GoValue::Map(m) => m,
        GoValue::Invalid => return Ok(GoValue::Invalid),
        other => return Err(field_error(other, first)),
    };
    match map.get(first) {
        Some(v) => walk(v, rest),
        None => Ok(GoValue::Invalid),
    }
}

/// Fields `names` of the JSON value `start`, walked by reference (only the final value is
/// converted).
fn walk(start: &Value, names: &[String]) -> Result<GoValue, TemplateError> {
    let mut current = start;
    for name in names {
        current = match current {
            Value::Object(m) => match m.get(name) {
                Some(next) => next,
                // A missing key is no value; fields of no value are no value too.
                None => return Ok(GoValue::Invalid),
            },
            other => return Err(field_error(&GoValue::from_json(other), name)),
        };
    }
    Ok(GoValue::from_json(current))
}

/// Go's error for a field of something that is not a map.
fn field_error(v: &GoValue, name: &str) -> TemplateError {
    match v {
        GoValue::Nil => exec_err(format!("nil pointer evaluating interface {{}}.{name}")),
        other => exec_err(format!(
            "can't evaluate field {name} in type {}",
            other.type_name()
        )),
    }
}

fn string(v: &GoValue) -> &str {
    match v {
        GoValue::String(s) => s,
        _ => "",
    }
}

fn int(v: &GoValue) -> i64 {
    match v {
        GoValue::Int(i) => *i,
        _ => 0,
    }
}

/// Call function `name` with arguments already converted to its parameter types.
fn call_function(name: &str, args: Vec<GoValue>, env: &Value) -> Result<GoValue, TemplateError> {
    let s = |i: usize| string(&args[i]);
    let text = |t: String| Ok(GoValue::String(t));
    match name {
        "not" => Ok(GoValue::Bool(!args[0].truth())),
        "len" => match &args[0] {
            GoValue::String(s) => Ok(GoValue::Int(s.len() as i64)),
            GoValue::Map(m) => Ok(GoValue::Int(m.len() as i64)),
            GoValue::Slice(a) => Ok(GoValue::Int(a.len() as i64)),
            GoValue::Invalid | GoValue::Nil => Err(exec_err("len of nil pointer")),
            other => Err(exec_err(format!("len of type {}", other.type_name()))),
        },
        "index" => index(&args[0], &args[1..]),
        "eq" => eq(&args[0], &args[1..]).map(GoValue::Bool),
        "ne" => eq(&args[0], &args[1..]).map(|b| GoValue::Bool(!b)),
        "print" => text(value::sprint(&args)),
        "println" => text(value::sprintln(&args)),
        "printf" => text(value::sprintf(s(0), &args[1..])?),
        "env" => Ok(GoValue::from_json(env)),
        "lower" => text(sprig::lower(s(0))),
        "upper" => text(sprig::upper(s(0))),
        "snakecase" => text(sprig::snakecase(s(0))),
        "kebabcase" => text(sprig::kebabcase(s(0))),
        "camelcase" => text(sprig::camelcase(s(0))),
        "trim" => text(sprig::trim_space(s(0))),
        "nospace" => text(sprig::nospace(s(0))),
        "replace" => text(s(2).replace(s(0), s(1))),
        "trunc" => sprig::trunc(int(&args[0]), s(1))
            .map(GoValue::String)
            .ok_or_else(|| {
                TemplateError::Unsupported(
                    "trunc cutting a multi-byte character in half".to_string(),
                )
            }),
        "repeat" => {
            let n = int(&args[0]);
            if n < 0 {
                return Err(exec_err("strings: negative Repeat count"));
            }
            text(s(1).repeat(n as usize))
        }
        "substr" => substr(int(&args[0]), int(&args[1]), s(2)),
        "trimPrefix" => text(s(1).strip_prefix(s(0)).unwrap_or(s(1)).to_string()),
        "trimSuffix" => text(s(1).strip_suffix(s(0)).unwrap_or(s(1)).to_string()),
        "trimAll" => text(sprig::trim_cutset(s(1), s(0))),
        "contains" => Ok(GoValue::Bool(s(1).contains(s(0)))),
        "hasPrefix" => Ok(GoValue::Bool(s(1).starts_with(s(0)))),
        "hasSuffix" => Ok(GoValue::Bool(s(1).ends_with(s(0)))),
        "default" => Ok(match args.get(1) {
            Some(given) if !sprig::empty(given) => given.clone(),
            _ => args[0].clone(),
        }),
        "coalesce" => Ok(args
            .into_iter()
            .find(|v| !sprig::empty(v))
            .unwrap_or(GoValue::Nil)),
        "empty" => Ok(GoValue::Bool(sprig::empty(&args[0]))),
        "toString" => text(sprig::strval(&args[0])),
        "quote" | "squote" => {
            let parts: Vec<String> = args
                .iter()
                .filter(|v| !matches!(v, GoValue::Nil | GoValue::Invalid))
                .map(|v| {
                    let s = sprig::strval(v);
                    if name == "quote" {
                        crate::go_quote::go_quote(&s)
                    } else {
                        format!("'{s}'")
                    }
                })
                .collect();
            text(parts.join(" "))
        }
        other => Err(TemplateError::UnknownFunction(other.to_string())),
    }
}

/// sprig `substr`: bytes `start..end`; a negative start means from 0, an end out of range
/// means to the end.
fn substr(start: i64, end: i64, s: &str) -> Result<GoValue, TemplateError> {
    let len = s.len() as i64;
    let range = if start < 0 {
        0..end
    } else if end < 0 || end > len {
        start..len
    } else {
        start..end
    };
    if range.start < 0 || range.end < range.start || range.end > len {
        return Err(exec_err(format!(
            "slice bounds out of range [{}:{}]",
            range.start, range.end
        )));
    }
    s.get(range.start as usize..range.end as usize)
        .map(|t| GoValue::String(t.to_string()))
        .ok_or_else(|| {
            TemplateError::Unsupported("substr cutting a multi-byte character in half".to_string())
        })
}

/// Go's `index`: map keys (strings) and slice positions (ints).
fn index(item: &GoValue, indexes: &[GoValue]) -> Result<GoValue, TemplateError> {
    let mut current = item.clone();
    for i in indexes {
        current = match (&current, i) {
            (GoValue::Map(m), GoValue::String(k)) => {
                m.get(k).map_or(GoValue::Nil, GoValue::from_json)
            }
            (GoValue::Map(_), other) => {
                return Err(exec_err(format!(
                    "value has type {}; should be string",
                    other.type_name()
                )));
            }
            (GoValue::Slice(a), GoValue::Int(n)) => {
                match usize::try_from(*n).ok().and_then(|n| a.get(n)) {
                    Some(v) => GoValue::from_json(v),
                    None => return Err(exec_err(format!("index out of range: {n}"))),
                }
            }
            (GoValue::Slice(_), other) => {
                return Err(exec_err(format!(
                    "cannot index slice/array with type {}",
                    other.type_name()
                )));
            }
            (GoValue::Invalid | GoValue::Nil, _) => {
                return Err(exec_err("index of untyped nil"));
            }
            (other, _) => {
                return Err(exec_err(format!(
                    "can't index item of type {}",
                    other.type_name()
                )));
            }
        };
    }
    Ok(current)
}

/// Go's `eq` for the basic kinds (bool, int, float, string, nothing).
fn eq(first: &GoValue, others: &[GoValue]) -> Result<bool, TemplateError> {
    let comparable = |v: &GoValue| !matches!(v, GoValue::Map(_) | GoValue::Slice(_));
    if !comparable(first) {
        return Err(exec_err("invalid type for comparison"));
    }
    if others.is_empty() {
        return Err(exec_err("missing argument for comparison"));
    }
    let none = |v: &GoValue| matches!(v, GoValue::Invalid | GoValue::Nil);
    for other in others {
        let same = match (first, other) {
            (GoValue::Bool(a), GoValue::Bool(b)) => a == b,
            (GoValue::Int(a), GoValue::Int(b)) => a == b,
            (GoValue::Float(a), GoValue::Float(b)) => a == b,
            (GoValue::String(a), GoValue::String(b)) => a == b,
            (a, b) if none(a) && none(b) => true,
            (a, b) if none(a) || none(b) => false,
            _ => return Err(exec_err("incompatible types for comparison")),
        };
        if same {
            return Ok(true);
        }
    }
    Ok(false)
}
