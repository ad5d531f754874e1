//! Tanka's native functions (`std.native(name)`), with Go semantics where they differ from Rust's.
//!
//! The pure helpers ([`json_indent`], [`quote_meta`], [`regex_subst`], [`regex_match`]) hold the
//! behaviour; the `#[builtin]` wrappers only convert arguments and errors.

use std::cell::RefCell;
use std::collections::HashMap;

use jrsonnet_evaluator::function::builtin;
use jrsonnet_evaluator::{IStr, Result, Val, error};
use jrsonnet_stdlib::ContextInitializer;
use regex::Regex;
use sha2::Digest;

use super::json::json_to_val;

/// Register every native on the stdlib context.
pub(crate) fn register(ctx: &ContextInitializer) {
    ctx.add_native("parseJson", native_parse_json {});
    ctx.add_native("parseYaml", native_parse_yaml {});
    ctx.add_native("manifestJsonFromJson", native_manifest_json_from_json {});
    ctx.add_native("manifestYamlFromJson", native_manifest_yaml_from_json {});
    ctx.add_native("escapeStringRegex", native_escape_string_regex {});
    ctx.add_native("regexMatch", native_regex_match {});
    ctx.add_native("regexSubst", native_regex_subst {});
    ctx.add_native("sha256", native_sha256 {});
    ctx.add_native("helmTemplate", native_helm_template {});
    ctx.add_native("kustomizeBuild", native_kustomize_build {});
}

#[builtin]
fn native_parse_json(json: IStr) -> Result<Val> {
    let value: serde_json::Value =
        serde_json::from_str(&json).map_err(|e| error!("parseJson: {e}"))?;
    Ok(json_to_val(&value))
}

#[builtin]
fn native_parse_yaml(yaml: IStr) -> Result<Val> {
    let docs = crate::yaml::parse_stream(&yaml).map_err(|e| error!("parsing yaml: {e}"))?;
    Ok(Val::arr(docs.iter().map(json_to_val).collect::<Vec<_>>()))
}

#[builtin]
fn native_manifest_json_from_json(json: IStr, indent: f64) -> Result<String> {
    if !(0.0..=1e6).contains(&indent) {
        return Err(error!(
            "manifestJsonFromJson: indent must be between 0 and 1000000, got {indent}"
        ));
    }
    // Go converts the float64 with int(): truncation towards zero.
    let indent = " ".repeat(indent as usize);
    json_indent(&json, &indent).map_err(|e| error!("manifestJsonFromJson: {e}"))
}

#[builtin]
fn native_manifest_yaml_from_json(json: IStr) -> Result<String> {
    let value: serde_json::Value =
        serde_json::from_str(&json).map_err(|e| error!("manifestYamlFromJson: {e}"))?;
    Ok(crate::yaml::to_yaml_v3(&value))
}

#[builtin]
fn native_escape_string_regex(str: IStr) -> String {
    quote_meta(&str)
}

#[builtin]
fn native_regex_match(regex: IStr, string: IStr) -> Result<bool> {
    regex_match(&regex, &string).map_err(|e| error!("regexMatch: {e}"))
}

#[builtin]
fn native_regex_subst(regex: IStr, src: IStr, repl: IStr) -> Result<String> {
    regex_subst(&regex, &src, &repl).map_err(|e| error!("regexSubst: {e}"))
}

#[builtin]
fn native_sha256(str: IStr) -> String {
    hex::encode(sha2::Sha256::digest(str.as_bytes()))
}

#[builtin]
fn native_helm_template(name: IStr, chart: IStr, opts: Val) -> Result<Val> {
    let _ = (opts, chart);
    Err(error!(
        "helmTemplate (release {name}): Helm charts are not supported by tkstep"
    ))
}

#[builtin]
fn native_kustomize_build(path: IStr, opts: Val) -> Result<Val> {
    let _ = opts;
    Err(error!(
        "kustomizeBuild ({path}): Kustomize is not supported by tkstep"
    ))
}

/// What the JSON re-indenter expects next.
#[derive(Clone, Copy, PartialEq)]
enum Expect {
    /// Any value (top level, after `:` or after `,` in an array).
    Value,
    /// A value or `]` (right after `[`).
    ValueOrClose,
    /// A key or `}` (right after `{`).
    KeyOrClose,
    /// A key (after `,` in an object).
    Key,
    /// `:` after a key.
    Colon,
    /// `,` or the closing bracket of the innermost container.
    CommaOrClose,
    /// Nothing more (top-level value complete).
    End,
}

/// What follows a complete value inside `stack`.
fn after_value(stack: &[u8]) -> Expect {
    if stack.is_empty() {
        Expect::End
    } else {
        Expect::CommaOrClose
    }
}

/// Go's `json.Indent(dst, bytes.TrimSpace(src), "", indent)` followed by a newline, as Tanka's
/// `manifestJsonFromJson` does: key order, number text and string escapes are kept as written,
/// whitespace between tokens is replaced, empty `{}`/`[]` stay on one line.
pub fn json_indent(src: &str, indent: &str) -> std::result::Result<String, String> {
    const MAX_DEPTH: usize = 10_000; // Go's encoding/json nesting limit

    let text = src.trim();
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() * 2);
    let mut stack: Vec<u8> = Vec::new();
    let mut expect = Expect::Value;
    let mut pending_indent = false;
    let mut i = 0;

    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str(indent);
        }
    };
    let err = |i: usize, what: &str| -> String {
        match text.get(i..).and_then(|t| t.chars().next()) {
            Some(c) => format!("invalid character {c:?} at offset {i} {what}"),
            None => "unexpected end of JSON input".to_owned(),
        }
    };

    loop {
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
        }
        if i == bytes.len() {
            break;
        }
        let c = bytes[i];
        // Go delays the newline after `{`/`[` so that empty containers stay `{}`/`[]`.
        let was_pending = std::mem::replace(&mut pending_indent, false);
        if was_pending && !matches!(c, b'}' | b']') {
            newline(&mut out, stack.len());
        }
        match expect {
            Expect::End => return Err(err(i, "after top-level value")),
            Expect::Colon => {
                if c != b':' {
                    return Err(err(i, "after object key"));
                }
                out.push_str(": ");
                i += 1;
                expect = Expect::Value;
            }
            Expect::CommaOrClose => {
                let top = stack.last().copied().unwrap_or(b'{');
                if c == b',' {
                    out.push(',');
                    newline(&mut out, stack.len());
                    i += 1;
                    expect = if top == b'{' {
                        Expect::Key
                    } else {
                        Expect::Value
                    };
                } else if (c == b'}' && top == b'{') || (c == b']' && top == b'[') {
                    stack.pop();
                    newline(&mut out, stack.len());
                    out.push(char::from(c));
                    i += 1;
                    expect = after_value(&stack);
                } else {
                    return Err(err(i, "after value"));
                }
            }
            Expect::KeyOrClose | Expect::Key => {
                if c == b'}' && expect == Expect::KeyOrClose {
                    stack.pop();
                    out.push('}');
                    i += 1;
                    expect = after_value(&stack);
                } else if c == b'"' {
                    let end = scan_string(bytes, i).map_err(|at| err(at, "in string literal"))?;
                    out.push_str(&text[i..end]);
                    i = end;
                    expect = Expect::Colon;
                } else {
                    return Err(err(i, "looking for beginning of object key string"));
                }
            }
            Expect::Value | Expect::ValueOrClose => match c {
                b']' if expect == Expect::ValueOrClose => {
                    stack.pop();
                    out.push(']');
                    i += 1;
                    expect = after_value(&stack);
                }
                b'{' | b'[' => {
                    if stack.len() >= MAX_DEPTH {
                        return Err(format!("exceeded max depth {MAX_DEPTH}"));
                    }
                    stack.push(c);
                    out.push(char::from(c));
                    pending_indent = true;
                    i += 1;
                    expect = if c == b'{' {
                        Expect::KeyOrClose
                    } else {
                        Expect::ValueOrClose
                    };
                }
                b'"' => {
                    let end = scan_string(bytes, i).map_err(|at| err(at, "in string literal"))?;
                    out.push_str(&text[i..end]);
                    i = end;
                    expect = after_value(&stack);
                }
                b'-' | b'0'..=b'9' => {
                    let end = scan_number(bytes, i).map_err(|at| err(at, "in numeric literal"))?;
                    out.push_str(&text[i..end]);
                    i = end;
                    expect = after_value(&stack);
                }
                _ => {
                    let lit = ["true", "false", "null"]
                        .into_iter()
                        .find(|l| text[i..].starts_with(l))
                        .ok_or_else(|| err(i, "looking for beginning of value"))?;
                    out.push_str(lit);
                    i += lit.len();
                    expect = after_value(&stack);
                }
            },
        }
    }
    if expect != Expect::End {
        return Err("unexpected end of JSON input".to_owned());
    }
    out.push('\n');
    Ok(out)
}

/// End offset of the JSON string starting at `start` (a `"`), or the offset of the bad byte.
fn scan_string(bytes: &[u8], start: usize) -> std::result::Result<usize, usize> {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => return Ok(i + 1),
            b'\\' => match bytes.get(i + 1) {
                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i += 2,
                Some(b'u') => {
                    let hex = bytes.get(i + 2..i + 6).ok_or(bytes.len())?;
                    if let Some(bad) = hex.iter().position(|b| !b.is_ascii_hexdigit()) {
                        return Err(i + 2 + bad);
                    }
                    i += 6;
                }
                _ => return Err(i + 1),
            },
            0..=0x1f => return Err(i),
            _ => i += 1,
        }
    }
    Err(bytes.len())
}

/// End offset of the JSON number starting at `start`, or the offset of the bad byte.
fn scan_number(bytes: &[u8], start: usize) -> std::result::Result<usize, usize> {
    let digits = |mut i: usize| {
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    let mut i = start;
    if bytes[i] == b'-' {
        i += 1;
    }
    match bytes.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => i = digits(i),
        _ => return Err(i),
    }
    if bytes.get(i) == Some(&b'.') {
        let end = digits(i + 1);
        if end == i + 1 {
            return Err(end);
        }
        i = end;
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let end = digits(i);
        if end == i {
            return Err(end);
        }
        i = end;
    }
    Ok(i)
}

/// Go's `regexp.QuoteMeta`: backslash before each of `\.+*?()|[]{}^$`.
pub fn quote_meta(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if r"\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Rewrite an RE2 (Go `regexp`) pattern for the `regex` crate.
///
/// The syntaxes are nearly the same; the differences handled here:
/// - Perl classes `\d \w \s \b` (and negations) are ASCII-only in Go, Unicode in Rust;
/// - `\Q...\E` quotes a literal in Go, unsupported in Rust;
/// - inside a bracket class Go takes `[` literally and has no `&&`/`~~` set operators;
/// - a `{` that does not start a repetition is a literal in Go;
/// - Go rejects what Rust accepts: stacked repetitions (`a**`), counts above 1000, unknown
///   POSIX classes, group names other than ASCII letters, digits and `_`.
fn translate_re2(pattern: &str) -> std::result::Result<String, String> {
    const POSIX: [&str; 14] = [
        "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct",
        "space", "upper", "word", "xdigit",
    ];
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut in_class = false;
    // Position right after the class opener (`[` or `[^`): a `]` there is a literal.
    let mut class_start = 0;
    // Whether the previous item was a repetition (Go forbids stacking them).
    let mut after_repeat = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && i + 1 < chars.len() {
            after_repeat = false;
            let n = chars[i + 1];
            let ascii = match n {
                'd' => Some("[0-9]"),
                'D' => Some("[^0-9]"),
                'w' => Some("[0-9A-Za-z_]"),
                'W' => Some("[^0-9A-Za-z_]"),
                's' => Some(r"[\t\n\f\r ]"),
                'S' => Some(r"[^\t\n\f\r ]"),
                'b' if !in_class => Some(r"(?-u:\b)"),
                'B' if !in_class => Some(r"(?-u:\B)"),
                _ => None,
            };
            if let Some(rep) = ascii {
                out.push_str(rep);
                i += 2;
            } else if n == 'Q' && !in_class {
                i += 2;
                while i < chars.len() && !(chars[i] == '\\' && chars.get(i + 1) == Some(&'E')) {
                    out.push_str(&regex::escape(&chars[i].to_string()));
                    i += 1;
                }
                i += 2; // skip `\E` (or run past the end)
            } else if matches!(n, 'p' | 'P' | 'x') && chars.get(i + 2) == Some(&'{') {
                // `\p{Greek}`, `\x{263a}`: copy through the closing brace.
                let end = chars[i..]
                    .iter()
                    .position(|&c| c == '}')
                    .map_or(chars.len(), |p| i + p + 1);
                out.extend(&chars[i..end]);
                i = end;
            } else {
                out.push(c);
                out.push(n);
                i += 2;
            }
            continue;
        }
        if in_class {
            match c {
                ']' if i != class_start => in_class = false,
                '[' if chars.get(i + 1) == Some(&':') => {
                    // POSIX class `[:alpha:]` / `[:^alpha:]`: check and copy through `:]`.
                    if let Some(len) = chars[i..]
                        .windows(2)
                        .position(|w| w == [':', ']'])
                        .map(|p| p + 2)
                    {
                        let name: String = chars[i + 2..i + len - 2].iter().collect();
                        if !POSIX.contains(&name.trim_start_matches('^')) {
                            return Err(format!("invalid character class range: `[:{name}:]`"));
                        }
                        out.extend(&chars[i..i + len]);
                        i += len;
                        continue;
                    }
                    out.push('\\');
                }
                '[' | '&' | '~' => out.push('\\'),
                _ => {}
            }
            out.push(c);
            i += 1;
            continue;
        }
        match c {
            '[' => {
                after_repeat = false;
                in_class = true;
                out.push('[');
                i += 1;
                if chars.get(i) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                class_start = i;
                continue;
            }
            '(' if chars.get(i + 1) == Some(&'?') => {
                after_repeat = false;
                let rest: String = chars[i..].iter().take(4).collect();
                let name_start = if rest.starts_with("(?P<") {
                    Some(i + 4)
                } else if rest.starts_with("(?<") {
                    Some(i + 3)
                } else {
                    None
                };
                if let Some(start) = name_start {
                    let end = chars[start..]
                        .iter()
                        .position(|&c| c == '>')
                        .map(|p| start + p)
                        .ok_or("invalid named capture")?;
                    let name = &chars[start..end];
                    if name.is_empty()
                        || !name.iter().all(|c| c.is_ascii_alphanumeric() || *c == '_')
                    {
                        return Err(format!(
                            "invalid named capture: `{}`",
                            chars[i..=end].iter().collect::<String>()
                        ));
                    }
                    out.extend(&chars[i..=end]);
                    i = end + 1;
                } else {
                    out.push_str("(?");
                    i += 2;
                }
                continue;
            }
            '*' | '+' | '?' => {
                if after_repeat {
                    return Err(format!("invalid nested repetition operator: `{c}`"));
                }
                out.push(c);
                i += 1;
                if chars.get(i) == Some(&'?') {
                    out.push('?');
                    i += 1;
                }
                after_repeat = true;
                continue;
            }
            '{' => {
                if let Some((len, min, max)) = parse_repeat(&chars[i..]) {
                    if min > 1000 || max.is_some_and(|m| m > 1000 || m < min) {
                        let text: String = chars[i..i + len].iter().collect();
                        return Err(format!("invalid repeat count: `{text}`"));
                    }
                    if after_repeat {
                        return Err("invalid nested repetition operator: `{`".to_owned());
                    }
                    out.extend(&chars[i..i + len]);
                    i += len;
                    if chars.get(i) == Some(&'?') {
                        out.push('?');
                        i += 1;
                    }
                    after_repeat = true;
                } else {
                    out.push_str(r"\{");
                    i += 1;
                    after_repeat = false;
                }
                continue;
            }
            '}' => out.push('\\'),
            _ => {}
        }
        after_repeat = false;
        out.push(c);
        i += 1;
    }
    Ok(out)
}

/// `{n}`, `{n,}` or `{n,m}` at the start of `chars`: (length, n, m).
fn parse_repeat(chars: &[char]) -> Option<(usize, u64, Option<u64>)> {
    let close = chars.iter().position(|&c| c == '}')?;
    let body: String = chars[1..close].iter().collect();
    let number = |s: &str| -> Option<u64> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(s.parse::<u64>().unwrap_or(u64::MAX))
    };
    let (min, max) = match body.split_once(',') {
        None => {
            let n = number(&body)?;
            (n, Some(n))
        }
        Some((lo, "")) => (number(lo)?, None),
        Some((lo, hi)) => (number(lo)?, Some(number(hi)?)),
    };
    Some((close + 1, min, max))
}

thread_local! {
    /// Compiled patterns: libraries call the regex natives with a handful of patterns, often.
    static REGEX_CACHE: RefCell<HashMap<String, Regex>> = RefCell::new(HashMap::new());
}

/// Compile an RE2 pattern (cached per thread).
fn compile(pattern: &str) -> std::result::Result<Regex, String> {
    if let Some(re) = REGEX_CACHE.with_borrow(|c| c.get(pattern).cloned()) {
        return Ok(re);
    }
    let re = Regex::new(&translate_re2(pattern)?).map_err(|e| e.to_string())?;
    REGEX_CACHE.with_borrow_mut(|c| {
        if c.len() >= 512 {
            c.clear();
        }
        c.insert(pattern.to_owned(), re.clone());
    });
    Ok(re)
}

/// Go's `regexp.MatchString`: unanchored search.
pub fn regex_match(pattern: &str, text: &str) -> std::result::Result<bool, String> {
    Ok(compile(pattern)?.is_match(text))
}

/// Go's `regexp.MustCompile(pattern).ReplaceAllString(src, repl)`, including Go's `$` expansion
/// (`$1`, `${1}`, `$name`, `${name}`, `$$`; a name is the longest run of letters, digits and
/// `_`, so `$1x` means group `1x`; unknown groups expand to nothing; a malformed `$` is literal).
pub fn regex_subst(pattern: &str, src: &str, repl: &str) -> std::result::Result<String, String> {
    let re = compile(pattern)?;
    let mut out = String::with_capacity(src.len());
    let mut last = 0;
    // Go skips an empty match right after the previous match; so does the regex crate.
    for caps in re.captures_iter(src) {
        let m = caps.get(0).expect("group 0 always participates");
        out.push_str(&src[last..m.start()]);
        go_expand(&mut out, repl, &re, &caps);
        last = m.end();
    }
    out.push_str(&src[last..]);
    Ok(out)
}

/// Go's `Regexp.expand` for string templates.
fn go_expand(out: &mut String, template: &str, re: &Regex, caps: &regex::Captures<'_>) {
    let mut rest = template;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        if rest.as_bytes().get(1) == Some(&b'$') {
            out.push('$');
            rest = &rest[2..];
            continue;
        }
        match extract_name(rest) {
            Some((name, len)) => {
                rest = &rest[len..];
                if let Some(num) = group_number(name) {
                    if let Some(m) = caps.get(num) {
                        out.push_str(m.as_str());
                    }
                } else if re.capture_names().flatten().any(|n| n == name) {
                    // Go uses the leftmost group with that name; the regex crate rejects
                    // duplicate names, so there is only one.
                    if let Some(m) = caps.name(name) {
                        out.push_str(m.as_str());
                    }
                }
            }
            None => {
                out.push('$');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
}

/// Parse `$name` or `${name}` at the start of `s`: the name and the length consumed.
fn extract_name(s: &str) -> Option<(&str, usize)> {
    let is_name = |c: char| c == '_' || c.is_alphanumeric();
    let body = s.strip_prefix('$')?;
    let (braced, body) = match body.strip_prefix('{') {
        Some(b) => (true, b),
        None => (false, body),
    };
    let end = body.find(|c: char| !is_name(c)).unwrap_or(body.len());
    if end == 0 {
        return None;
    }
    let name = &body[..end];
    if braced {
        if body[end..].starts_with('}') {
            Some((name, 1 + 1 + end + 1))
        } else {
            None
        }
    } else {
        Some((name, 1 + end))
    }
}

/// Go's rule for numeric group references: all digits, no leading zero, below 1e8.
fn group_number(name: &str) -> Option<usize> {
    if !name.bytes().all(|b| b.is_ascii_digit()) || (name.len() > 1 && name.starts_with('0')) {
        return None;
    }
    name.parse::<usize>().ok().filter(|n| *n < 100_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_indent_matches_tanka_examples() {
        assert_eq!(json_indent("{}", "    ").unwrap(), "{}\n");
        assert_eq!(
            json_indent("{ \"a\": 47}", "    ").unwrap(),
            "{\n    \"a\": 47\n}\n"
        );
    }

    #[test]
    fn json_indent_keeps_order_numbers_and_escapes() {
        let got = json_indent(
            " {\"z\":[1.50,2e3,[],{}],\"a\":\"\\u00e9\\n\",\"m\":{\"k\":null}}\n",
            "  ",
        )
        .unwrap();
        let want = "{\n  \"z\": [\n    1.50,\n    2e3,\n    [],\n    {}\n  ],\n  \"a\": \"\\u00e9\\n\",\n  \"m\": {\n    \"k\": null\n  }\n}\n";
        assert_eq!(got, want);
        assert_eq!(json_indent("[ ]", "\t").unwrap(), "[]\n");
        assert_eq!(json_indent("\"x\"", "  ").unwrap(), "\"x\"\n");
        assert_eq!(json_indent("[1,2]", "").unwrap(), "[\n1,\n2\n]\n");
    }

    #[test]
    fn json_indent_rejects_invalid_json() {
        for bad in [
            "",
            "{",
            "{]",
            "[1,]",
            "{\"a\"}",
            "{\"a\":1,}",
            "01",
            "1.",
            "-",
            "tru",
            "[1] 2",
            "\"\\x\"",
            "\"a\u{1}\"",
            "{a:1}",
            "'a'",
            "1e",
        ] {
            assert!(json_indent(bad, "  ").is_err(), "accepted {bad:?}");
        }
    }

    #[test]
    fn quote_meta_matches_go() {
        assert_eq!(quote_meta("([0-9]+).*\\s"), r"\(\[0-9\]\+\)\.\*\\s");
        assert_eq!(quote_meta(""), "");
        assert_eq!(quote_meta("a-b#c&d~e é"), "a-b#c&d~e é");
        assert_eq!(quote_meta("^$|{}"), r"\^\$\|\{\}");
    }

    #[test]
    fn regex_match_is_unanchored_and_ascii_perl_classes() {
        assert!(regex_match("", "a").unwrap());
        assert!(regex_match("b", "abc").unwrap());
        assert!(!regex_match("^b", "abc").unwrap());
        assert!(regex_match(r"^\d+$", "123").unwrap());
        assert!(
            !regex_match(r"^\d+$", "١٢٣").unwrap(),
            "Go's \\d is ASCII-only"
        );
        assert!(
            !regex_match(r"^\w$", "é").unwrap(),
            "Go's \\w is ASCII-only"
        );
        assert!(regex_match(r"^[\d.]+$", "1.2").unwrap());
        assert!(regex_match(r"^[^\s]+$", "ab").unwrap());
        assert!(regex_match(r"\bfoo\b", "a foo b").unwrap());
        assert!(regex_match(r"^\Qa.b*\E$", "a.b*").unwrap());
        assert!(!regex_match(r"^\Qa.b*\E$", "axbb").unwrap());
        assert!(
            regex_match("^[[]$", "[").unwrap(),
            "Go takes [ literally in a class"
        );
        assert!(regex_match("^[]a]+$", "]a").unwrap());
        assert!(regex_match("^[a&&b]+$", "&").unwrap());
        assert!(regex_match("^[[:alpha:]]+$", "abc").unwrap());
        assert!(regex_match("(?i)ABC", "xabcx").unwrap());
        assert!(regex_match("(", "x").is_err());
    }

    #[test]
    fn regex_subst_uses_go_expansion() {
        assert_eq!(regex_subst("p[^m]*", "pm", "poe").unwrap(), "poem");
        assert_eq!(regex_subst("(a)(b)", "abab", "$2$1").unwrap(), "baba");
        assert_eq!(
            regex_subst("(a)", "a", "$1x").unwrap(),
            "",
            "$1x is group `1x`"
        );
        assert_eq!(regex_subst("(a)", "a", "${1}x").unwrap(), "ax");
        assert_eq!(regex_subst("(a)", "a", "$$1").unwrap(), "$1");
        assert_eq!(regex_subst("(a)", "a", "$").unwrap(), "$");
        assert_eq!(regex_subst("(a)", "a", "${1").unwrap(), "${1");
        assert_eq!(regex_subst("(a)", "a", "$-").unwrap(), "$-");
        assert_eq!(
            regex_subst("(a)", "a", "$01").unwrap(),
            "",
            "leading zero: a name"
        );
        assert_eq!(regex_subst("(?P<n>a)", "a", "<${n}>").unwrap(), "<a>");
        assert_eq!(regex_subst("(?P<n>a)", "a", "<$n>").unwrap(), "<a>");
        assert_eq!(regex_subst("(a)", "a", "$9").unwrap(), "");
        assert_eq!(regex_subst("a*", "baaac", "X").unwrap(), "XbXcX");
        assert_eq!(regex_subst("", "ab", "-").unwrap(), "-a-b-");
        assert!(regex_subst("[", "a", "").is_err());
    }
}
