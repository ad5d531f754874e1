//! Plain-scalar resolution of Go's yaml.v2 and yaml.v3 (`resolve("", s)`): what an unquoted
//! scalar means. The encoders quote a string exactly when it would resolve to something other
//! than a string; the yaml.v3 decoder uses the same rules to type plain scalars.
//!
//! Go's number parsers (`strconv.ParseInt(s, 0, 64)`, `ParseUint`, `ParseFloat`) are
//! reimplemented for the inputs these rules feed them.

use std::borrow::Cow;

use super::gotime::{GoTime, parse_timestamp};

/// What a plain scalar resolves to.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Resolved {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Timestamp(GoTime),
    /// The merge key `<<`.
    Merge,
    Str,
}

/// Resolve a plain scalar (yaml.v2 rules, or yaml.v3's when `v3`: no YAML 1.1 booleans,
/// `0o` octals).
pub(crate) fn resolve(s: &str, v3: bool) -> Resolved {
    let b = s.as_bytes();
    let hint = match b.first() {
        None => b'N',
        Some(b'+' | b'-') => b'S',
        Some(b'0'..=b'9') => b'D',
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => b'M',
        Some(b'.') => b'.',
        Some(_) => return Resolved::Str,
    };
    if let Some(r) = lookup(s, v3) {
        return r;
    }
    match hint {
        b'.' => {
            if let Some(f) = parse_float(s) {
                return Resolved::Float(f);
            }
        }
        b'D' | b'S' => {
            if let Some(t) = parse_timestamp(s) {
                return Resolved::Timestamp(t);
            }
            let plain: Cow<'_, str> = if s.contains('_') {
                s.replace('_', "").into()
            } else {
                s.into()
            };
            if let Some(r) = parse_int_radix(&plain, 0) {
                return r;
            }
            if is_yaml_style_float(&plain) {
                if let Some(f) = parse_float(&plain) {
                    return Resolved::Float(f);
                }
            }
            if let Some(rest) = plain.strip_prefix("0b") {
                if let Some(r) = parse_int_radix(rest, 2) {
                    return r;
                }
            } else if let Some(rest) = plain.strip_prefix("-0b") {
                if let Some(i) = parse_uint(rest, 2).and_then(|u| signed(true, u)) {
                    return Resolved::Int(i);
                }
            }
            if v3 {
                if let Some(rest) = plain.strip_prefix("0o") {
                    if let Some(r) = parse_int_radix(rest, 8) {
                        return r;
                    }
                } else if let Some(rest) = plain.strip_prefix("-0o") {
                    if let Some(i) = parse_uint(rest, 8).and_then(|u| signed(true, u)) {
                        return Resolved::Int(i);
                    }
                }
            }
        }
        _ => {}
    }
    Resolved::Str
}

fn lookup(s: &str, v3: bool) -> Option<Resolved> {
    if !v3 {
        if let Some(b) = yaml11_bool(s) {
            return Some(Resolved::Bool(b));
        }
    }
    Some(match s {
        "true" | "True" | "TRUE" => Resolved::Bool(true),
        "false" | "False" | "FALSE" => Resolved::Bool(false),
        "" | "~" | "null" | "Null" | "NULL" => Resolved::Null,
        ".nan" | ".NaN" | ".NAN" => Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Resolved::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Resolved::Float(f64::NEG_INFINITY),
        "<<" => Resolved::Merge,
        _ => return None,
    })
}

/// Whether the yaml.v2 / yaml.v3 encoder may write `s` as a plain scalar.
pub(crate) fn can_use_plain(s: &str, v3: bool) -> bool {
    resolve(s, v3) == Resolved::Str && !is_base60_float(s) && !(v3 && yaml11_bool(s).is_some())
}

/// The YAML 1.1 booleans beyond `true`/`false` (yaml.v2 reads them; yaml.v3 does not, but
/// still quotes them on output).
fn yaml11_bool(s: &str) -> Option<bool> {
    match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => Some(true),
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => Some(false),
        _ => None,
    }
}

/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$` (YAML 1.1 sexagesimal floats).
fn is_base60_float(s: &str) -> bool {
    let mut b = s.as_bytes();
    if !s.contains(':') {
        return false;
    }
    if let Some(b'+' | b'-') = b.first() {
        b = &b[1..];
    }
    if !b.first().is_some_and(u8::is_ascii_digit) {
        return false;
    }
    let n = b
        .iter()
        .take_while(|c| c.is_ascii_digit() || **c == b'_')
        .count();
    b = &b[n..];
    let mut groups = 0;
    while let Some(b':') = b.first() {
        b = &b[1..];
        match b {
            [b'0'..=b'5', b'0'..=b'9', ..] => b = &b[2..],
            [b'0'..=b'9', ..] => b = &b[1..],
            _ => return false,
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    match b.first() {
        None => true,
        Some(b'.') => b[1..].iter().all(|c| c.is_ascii_digit() || *c == b'_'),
        Some(_) => false,
    }
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_style_float(s: &str) -> bool {
    let mut b = s.as_bytes();
    if let Some(b'+' | b'-') = b.first() {
        b = &b[1..];
    }
    let digits = |b: &[u8]| b.iter().take_while(|c| c.is_ascii_digit()).count();
    if let Some(b'.') = b.first() {
        let n = digits(&b[1..]);
        if n == 0 {
            return false;
        }
        b = &b[1 + n..];
    } else {
        let n = digits(b);
        if n == 0 {
            return false;
        }
        b = &b[n..];
        if let Some(b'.') = b.first() {
            b = &b[1 + digits(&b[1..])..];
        }
    }
    if let Some(b'e' | b'E') = b.first() {
        b = &b[1..];
        if let Some(b'+' | b'-') = b.first() {
            b = &b[1..];
        }
        let n = digits(b);
        if n == 0 {
            return false;
        }
        b = &b[n..];
    }
    b.is_empty()
}

/// Go's `strconv.ParseFloat(s, 64)` for decimal input (`None` on a syntax or range error;
/// underflow to zero is not an error).
pub(crate) fn parse_float(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 0;
    if let Some(b'+' | b'-') = b.first() {
        i = 1;
    }
    let mut saw_digits = false;
    let mut saw_dot = false;
    let mut underscores = false;
    while i < b.len() {
        match b[i] {
            b'_' => underscores = true,
            b'.' if !saw_dot => saw_dot = true,
            b'.' => break,
            b'0'..=b'9' => saw_digits = true,
            _ => break,
        }
        i += 1;
    }
    if !saw_digits {
        return None;
    }
    if i < b.len() && (b[i] | 0x20) == b'e' {
        i += 1;
        if let Some(b'+' | b'-') = b.get(i) {
            i += 1;
        }
        if !b.get(i).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            underscores |= b[i] == b'_';
            i += 1;
        }
    }
    if i != b.len() || (underscores && !underscore_ok(b)) {
        return None;
    }
    let f: f64 = if underscores {
        s.replace('_', "").parse().ok()?
    } else {
        s.parse().ok()?
    };
    f.is_finite().then_some(f)
}

/// Go's `underscoreOK`: underscores only between digits (or after a base prefix).
fn underscore_ok(mut s: &[u8]) -> bool {
    let mut saw = b'^';
    if let Some(b'+' | b'-') = s.first() {
        s = &s[1..];
    }
    let mut hex = false;
    let mut i = 0;
    if s.len() >= 2 && s[0] == b'0' && matches!(s[1] | 0x20, b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = s[1] | 0x20 == b'x';
    }
    while i < s.len() {
        let c = s[i];
        i += 1;
        if c.is_ascii_digit() || hex && (c | 0x20).is_ascii_hexdigit() {
            saw = b'0';
            continue;
        }
        if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
            continue;
        }
        if saw == b'_' {
            return false;
        }
        saw = b'!';
    }
    saw != b'_'
}

/// `ParseInt(s, radix, 64)` then `ParseUint(s, radix, 64)` (radix 0: Go's base prefixes).
fn parse_int_radix(s: &str, radix: u32) -> Option<Resolved> {
    if let Some(i) = parse_int(s, radix) {
        return Some(Resolved::Int(i));
    }
    parse_uint(s, radix).map(Resolved::Uint)
}

/// Go's `strconv.ParseInt(s, base, 64)` (base 0: prefixes `0b`, `0o`, `0x`, leading `0`).
fn parse_int(s: &str, base: u32) -> Option<i64> {
    let (neg, rest) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    signed(neg, parse_uint(rest, base)?)
}

/// `u` with a sign, when it fits an `i64`.
fn signed(neg: bool, u: u64) -> Option<i64> {
    if !neg {
        i64::try_from(u).ok()
    } else if u > 1 << 63 {
        None
    } else {
        Some((u as i64).wrapping_neg())
    }
}

/// Go's `strconv.ParseUint(s, base, 64)`.
fn parse_uint(s: &str, base: u32) -> Option<u64> {
    let b = s.as_bytes();
    if b.is_empty() {
        return None;
    }
    let (base, digits, base0) = if base == 0 {
        if b[0] == b'0' {
            match b.get(1).map(|c| c | 0x20) {
                Some(b'b') if b.len() >= 3 => (2, &b[2..], true),
                Some(b'o') if b.len() >= 3 => (8, &b[2..], true),
                Some(b'x') if b.len() >= 3 => (16, &b[2..], true),
                _ => (8, &b[1..], true),
            }
        } else {
            (10, b, true)
        }
    } else {
        (base, b, false)
    };
    let mut n: u64 = 0;
    let mut underscores = false;
    for &c in digits {
        let d = match c {
            b'_' if base0 => {
                underscores = true;
                continue;
            }
            b'0'..=b'9' => u32::from(c - b'0'),
            _ if (c | 0x20).is_ascii_lowercase() => u32::from((c | 0x20) - b'a') + 10,
            _ => return None,
        };
        if d >= base {
            return None;
        }
        n = n.checked_mul(u64::from(base))?.checked_add(u64::from(d))?;
    }
    if underscores && !underscore_ok(b) {
        return None;
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_decisions_match_yaml_v2() {
        // Strings yaml.v2 must quote (they would resolve to another type).
        for s in [
            "true",
            "True",
            "y",
            "yes",
            "on",
            "Off",
            "null",
            "~",
            "",
            "1",
            "-1",
            "+12",
            "0x1F",
            "0o17",
            "0777",
            "09",
            "1e3",
            "1_000",
            ".5",
            ".5_0",
            "-.5",
            "+.5",
            "1.",
            "1e-400",
            "1:20",
            "2024-02-29",
            "0b-101",
            "-0b11",
            ".inf",
            "-.Inf",
            ".NaN",
            "1__0",
            "1_",
        ] {
            assert!(!can_use_plain(s, false), "{s:?} should be quoted");
        }
        // Strings yaml.v2 leaves plain.
        for s in [
            "3.3.13",
            "1e400",
            ".5e400",
            "0x",
            "+",
            "<<",
            "._5",
            "٣",
            "2023-02-29",
            "2023-1-5x",
            "0o",
            "0o8",
            "_1",
            "1e",
            ".e3",
            "1,000",
            "0.0.1",
            "yes please",
            "nULL",
            "abc",
        ] {
            assert!(can_use_plain(s, false), "{s:?} should stay plain");
        }
    }

    #[test]
    fn v3_differences() {
        assert!(can_use_plain("0o", true));
        assert!(!can_use_plain("yes", true)); // old bool: still quoted by v3
        assert_eq!(resolve("yes", true), Resolved::Str);
        assert_eq!(resolve("0o17", true), Resolved::Int(15));
        assert_eq!(resolve("0777", true), Resolved::Int(511));
        assert_eq!(resolve("-0o17", true), Resolved::Int(-15));
    }

    #[test]
    fn numbers() {
        assert_eq!(resolve("0x1F", false), Resolved::Int(31));
        assert_eq!(
            resolve("12345678901234567890", false),
            Resolved::Uint(12345678901234567890)
        );
        assert_eq!(
            resolve("-9223372036854775808", false),
            Resolved::Int(i64::MIN)
        );
        assert_eq!(resolve("1e3", false), Resolved::Float(1000.0));
        assert_eq!(resolve("1.5e+3", false), Resolved::Float(1500.0));
        assert_eq!(resolve("0b101", false), Resolved::Int(5));
    }
}
