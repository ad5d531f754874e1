//! Go `regexp` (RE2) semantics on top of the `regex` crate, for Tanka's regex natives.

use std::cell::RefCell;
use std::collections::HashMap;

use regex::Regex;

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
