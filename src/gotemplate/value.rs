//! Values as a Go template sees a decoded JSON manifest, and how Go's `fmt` prints them.
//!
//! Tanka decodes manifests with `encoding/json` into `interface{}`, so a template only ever
//! meets `string`, `float64` (every JSON number), `bool`, `nil`, `map[string]interface {}` and
//! `[]interface {}`, plus the `int`s of template constants and `len`. Printing follows `fmt`:
//! floats as `%v` (`strconv.FormatFloat(f, 'g', -1, 64)`: `1e+06`), maps as
//! `map[k1:v1 k2:v2]` with sorted keys, slices as `[a b]`, nil as `<nil>`, and a value of the
//! wrong type for a verb as `%!d(string=x)`.

use serde_json::{Map, Value};

use super::TemplateError;

/// A value during template execution.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum GoValue {
    /// No value at all (Go's invalid `reflect.Value`): a missing map key. Prints as
    /// `<no value>`.
    Invalid,
    /// A nil interface: a JSON `null`, or the `nil` constant.
    Nil,
    /// `bool`.
    Bool(bool),
    /// `int`: template integer constants and results such as `len`.
    Int(i64),
    /// `float64`: every JSON number, and float constants.
    Float(f64),
    /// `string`.
    String(String),
    /// `map[string]interface {}`.
    Map(Map<String, Value>),
    /// `[]interface {}`.
    Slice(Vec<Value>),
}

impl GoValue {
    /// A decoded JSON value as Go holds it.
    pub(crate) fn from_json(v: &Value) -> GoValue {
        match v {
            Value::Null => GoValue::Nil,
            Value::Bool(b) => GoValue::Bool(*b),
            Value::Number(n) => GoValue::Float(crate::yaml::number_to_f64(n)),
            Value::String(s) => GoValue::String(s.clone()),
            Value::Array(a) => GoValue::Slice(a.clone()),
            Value::Object(o) => GoValue::Map(o.clone()),
        }
    }

    /// Go's type name, as `fmt` and template errors print it.
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            GoValue::Invalid => "<invalid>",
            GoValue::Nil => "<nil>",
            GoValue::Bool(_) => "bool",
            GoValue::Int(_) => "int",
            GoValue::Float(_) => "float64",
            GoValue::String(_) => "string",
            GoValue::Map(_) => "map[string]interface {}",
            GoValue::Slice(_) => "[]interface {}",
        }
    }

    /// Go template truth (`if`, `and`, `or`, `not`): false for nothing, nil, `false`, zero,
    /// and empty strings, maps and slices.
    pub(crate) fn truth(&self) -> bool {
        match self {
            GoValue::Invalid | GoValue::Nil => false,
            GoValue::Bool(b) => *b,
            GoValue::Int(i) => *i != 0,
            GoValue::Float(f) => *f != 0.0,
            GoValue::String(s) => !s.is_empty(),
            GoValue::Map(m) => !m.is_empty(),
            GoValue::Slice(s) => !s.is_empty(),
        }
    }
}

/// What `{{ pipeline }}` writes: `<no value>` for nothing, else `fmt.Print` of the value.
pub(crate) fn print_action(v: &GoValue) -> String {
    match v {
        GoValue::Invalid | GoValue::Nil => "<no value>".to_string(),
        v => sprint(std::slice::from_ref(v)),
    }
}

/// `fmt.Sprint`: operands printed with `%v`, a space between two operands when neither is a
/// string.
pub(crate) fn sprint(args: &[GoValue]) -> String {
    let mut out = String::new();
    let mut prev_string = false;
    for (i, arg) in args.iter().enumerate() {
        let is_string = matches!(arg, GoValue::String(_));
        if i > 0 && !is_string && !prev_string {
            out.push(' ');
        }
        write_v(&mut out, arg);
        prev_string = is_string;
    }
    out
}

/// `fmt.Sprintln`: operands printed with `%v`, always separated by spaces, then a newline.
pub(crate) fn sprintln(args: &[GoValue]) -> String {
    let mut out = String::new();
    for (i, arg) in args.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        write_v(&mut out, arg);
    }
    out.push('\n');
    out
}

/// `%v` of one value.
fn write_v(out: &mut String, v: &GoValue) {
    // `%v` never fails.
    let _ = write_verb(out, v, 'v', &Spec::default(), 0);
}

/// A float as `%v` prints it.
pub(crate) fn format_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.to_string();
    }
    let mut s = String::new();
    crate::yaml::write_go_float(&mut s, f);
    s
}

/// Flags, width and precision of one `printf` verb.
#[derive(Debug, Default, Clone)]
struct Spec {
    minus: bool,
    plus: bool,
    zero: bool,
    space: bool,
    sharp: bool,
    width: Option<usize>,
    precision: Option<usize>,
}

impl Spec {
    fn has_flags(&self) -> bool {
        self.minus || self.plus || self.zero || self.space || self.sharp || self.width.is_some()
    }

    /// Pad `s` to the width with spaces (left or right).
    fn pad(&self, out: &mut String, s: &str) {
        let len = s.chars().count();
        let fill = self.width.map_or(0, |w| w.saturating_sub(len));
        if self.minus {
            out.push_str(s);
            out.extend(std::iter::repeat_n(' ', fill));
        } else {
            out.extend(std::iter::repeat_n(' ', fill));
            out.push_str(s);
        }
    }

    /// Pad a number: zeros go between the sign and the digits.
    fn pad_number(&self, out: &mut String, negative: bool, digits: &str) {
        let sign = if negative {
            "-"
        } else if self.plus {
            "+"
        } else if self.space {
            " "
        } else {
            ""
        };
        if self.zero && !self.minus {
            let len = sign.len() + digits.chars().count();
            let fill = self.width.map_or(0, |w| w.saturating_sub(len));
            out.push_str(sign);
            out.extend(std::iter::repeat_n('0', fill));
            out.push_str(digits);
        } else {
            self.pad(out, &format!("{sign}{digits}"));
        }
    }
}

fn unsupported(what: String) -> TemplateError {
    TemplateError::Unsupported(what)
}

/// `fmt.Sprintf(format, args...)`, for the verbs and flags names are built with; anything
/// else is [`TemplateError::Unsupported`].
pub(crate) fn sprintf(format: &str, args: &[GoValue]) -> Result<String, TemplateError> {
    let mut out = String::new();
    let mut next_arg = 0;
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = Spec::default();
        while let Some(&f) = chars.peek() {
            match f {
                '-' => spec.minus = true,
                '+' => spec.plus = true,
                '0' => spec.zero = true,
                ' ' => spec.space = true,
                '#' => spec.sharp = true,
                _ => break,
            }
            chars.next();
        }
        let number = |chars: &mut std::iter::Peekable<std::str::Chars<'_>>| {
            let mut n: Option<usize> = None;
            while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
                n = Some(n.unwrap_or(0) * 10 + d as usize);
                chars.next();
            }
            n
        };
        if matches!(chars.peek(), Some('*' | '[')) {
            return Err(unsupported(
                "printf argument indexes and `*` widths".to_string(),
            ));
        }
        spec.width = number(&mut chars);
        if chars.peek() == Some(&'.') {
            chars.next();
            if matches!(chars.peek(), Some('*' | '[')) {
                return Err(unsupported(
                    "printf argument indexes and `*` precisions".to_string(),
                ));
            }
            spec.precision = Some(number(&mut chars).unwrap_or(0));
        }
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = args.get(next_arg) else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        next_arg += 1;
        write_verb(&mut out, arg, verb, &spec, 0)?;
    }
    if next_arg < args.len() {
        out.push_str("%!(EXTRA ");
        for (i, arg) in args[next_arg..].iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            match arg {
                GoValue::Nil | GoValue::Invalid => out.push_str("<nil>"),
                arg => {
                    out.push_str(arg.type_name());
                    out.push('=');
                    write_v(&mut out, arg);
                }
            }
        }
        out.push(')');
    }
    Ok(out)
}

/// `%!verb(type=value)`.
fn bad_verb(out: &mut String, v: &GoValue, verb: char) {
    out.push_str("%!");
    out.push(verb);
    out.push('(');
    match v {
        GoValue::Nil | GoValue::Invalid => out.push_str("<nil>"),
        v => {
            out.push_str(v.type_name());
            out.push('=');
            write_v(out, v);
        }
    }
    out.push(')');
}

/// Print `v` with `verb`. `depth` > 0 inside maps and slices (where a nil prints `<nil>`
/// whatever the verb).
fn write_verb(
    out: &mut String,
    v: &GoValue,
    verb: char,
    spec: &Spec,
    depth: usize,
) -> Result<(), TemplateError> {
    let unsupported_flags = |what: &str| {
        Err(unsupported(format!(
            "printf %{verb} with flags, width or precision for {what}"
        )))
    };
    match v {
        GoValue::Nil | GoValue::Invalid => {
            if verb == 'v' || depth > 0 {
                spec.pad(out, "<nil>");
            } else {
                bad_verb(out, v, verb);
            }
        }
        GoValue::Map(m) => {
            if spec.has_flags() || spec.precision.is_some() {
                return unsupported_flags("a map");
            }
            out.push_str("map[");
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_verb(out, &GoValue::String(k.clone()), verb, spec, depth + 1)?;
                out.push(':');
                write_verb(out, &GoValue::from_json(&m[k]), verb, spec, depth + 1)?;
            }
            out.push(']');
        }
        GoValue::Slice(items) => {
            if spec.has_flags() || spec.precision.is_some() {
                return unsupported_flags("a slice");
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_verb(out, &GoValue::from_json(item), verb, spec, depth + 1)?;
            }
            out.push(']');
        }
        GoValue::String(s) => match verb {
            'v' | 's' => {
                if spec.zero || spec.plus || spec.sharp || spec.space {
                    return unsupported_flags("a string");
                }
                let s: String = match spec.precision {
                    Some(p) => s.chars().take(p).collect(),
                    None => s.clone(),
                };
                spec.pad(out, &s);
            }
            'q' => {
                if spec.has_flags() || spec.precision.is_some() {
                    return unsupported_flags("a string");
                }
                out.push_str(&crate::go_quote::go_quote(s));
            }
            'x' | 'X' => {
                if spec.has_flags() || spec.precision.is_some() {
                    return unsupported_flags("a string");
                }
                for b in s.bytes() {
                    if verb == 'x' {
                        out.push_str(&format!("{b:02x}"));
                    } else {
                        out.push_str(&format!("{b:02X}"));
                    }
                }
            }
            'd' | 't' | 'f' | 'F' | 'e' | 'E' | 'g' | 'G' => bad_verb(out, v, verb),
            _ => return Err(unsupported(format!("the printf verb %{verb}"))),
        },
        GoValue::Bool(b) => match verb {
            'v' | 't' => {
                if spec.zero || spec.plus || spec.sharp || spec.space || spec.precision.is_some() {
                    return unsupported_flags("a bool");
                }
                spec.pad(out, if *b { "true" } else { "false" });
            }
            's' | 'd' | 'q' | 'x' | 'X' | 'f' | 'F' | 'e' | 'E' | 'g' | 'G' => {
                bad_verb(out, v, verb)
            }
            _ => return Err(unsupported(format!("the printf verb %{verb}"))),
        },
        GoValue::Int(i) => match verb {
            'v' | 'd' => {
                if spec.sharp || spec.precision.is_some() {
                    return unsupported_flags("an int");
                }
                spec.pad_number(out, *i < 0, &i.unsigned_abs().to_string());
            }
            'x' | 'X' => {
                if spec.sharp || spec.precision.is_some() {
                    return unsupported_flags("an int");
                }
                let digits = if verb == 'x' {
                    format!("{:x}", i.unsigned_abs())
                } else {
                    format!("{:X}", i.unsigned_abs())
                };
                spec.pad_number(out, *i < 0, &digits);
            }
            's' | 't' | 'f' | 'F' | 'e' | 'E' | 'g' | 'G' => bad_verb(out, v, verb),
            _ => return Err(unsupported(format!("the printf verb %{verb} for an int"))),
        },
        GoValue::Float(f) => match verb {
            'v' | 'g' => {
                if spec.sharp || spec.precision.is_some() {
                    return unsupported_flags("a float64");
                }
                let text = format_float(*f);
                let (negative, digits) = match text.strip_prefix('-') {
                    Some(d) => (true, d.to_string()),
                    None => (false, text),
                };
                spec.pad_number(out, negative, &digits);
            }
            'f' | 'F' | 'e' => {
                if spec.sharp || !f.is_finite() {
                    return unsupported_flags("a float64");
                }
                let p = spec.precision.unwrap_or(6);
                let text = if verb == 'e' {
                    go_exponent(&format!("{:.p$e}", f.abs()))
                } else {
                    format!("{:.p$}", f.abs())
                };
                spec.pad_number(out, f.is_sign_negative(), &text);
            }
            's' | 'd' | 't' | 'q' => bad_verb(out, v, verb),
            _ => {
                return Err(unsupported(format!(
                    "the printf verb %{verb} for a float64"
                )));
            }
        },
    }
    Ok(())
}

/// Rust's `1.5e6` as Go writes it: `1.5e+06` (sign, at least two exponent digits).
fn go_exponent(text: &str) -> String {
    let (mantissa, exp) = text.split_once('e').unwrap_or((text, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exp.unsigned_abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_like_fmt() {
        let v = |j: Value| GoValue::from_json(&j);
        assert_eq!(
            sprint(&[
                GoValue::Int(1),
                GoValue::Int(2),
                GoValue::String("a".into()),
                GoValue::Float(3.5),
                GoValue::Float(1e6)
            ]),
            "1 2a3.5 1e+06"
        );
        assert_eq!(
            sprint(&[v(
                serde_json::json!({"b": [1, "x", {"z": null}], "a": true})
            )]),
            "map[a:true b:[1 x map[z:<nil>]]]"
        );
        assert_eq!(print_action(&GoValue::Invalid), "<no value>");
        assert_eq!(sprint(&[GoValue::Nil]), "<nil>");
        assert_eq!(
            sprintf(
                "%d|%s|%05d|%-4s|%.2f|%e|%q",
                &[
                    GoValue::Float(3.0),
                    GoValue::Int(1),
                    GoValue::Int(-42),
                    GoValue::String("ab".into()),
                    GoValue::Float(2.345),
                    GoValue::Float(1234.5),
                    GoValue::String("a\"b".into()),
                ]
            )
            .unwrap(),
            "%!d(float64=3)|%!s(int=1)|-0042|ab  |2.35|1.234500e+03|\"a\\\"b\""
        );
        assert_eq!(
            sprintf("%s %s", &[GoValue::String("x".into())]).unwrap(),
            "x %!s(MISSING)"
        );
        assert_eq!(
            sprintf("%s", &[GoValue::String("x".into()), GoValue::Int(2)]).unwrap(),
            "x%!(EXTRA int=2)"
        );
        assert!(sprintf("%c", &[GoValue::Int(65)]).is_err());
    }
}
