//! Go's `json.Indent`, as Tanka's `manifestJsonFromJson` native uses it.

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
}
