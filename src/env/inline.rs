//! Selecting one inline environment with `tk --name` (`pkg/tanka/inline.go`, `errors.go`).

use super::{EnvError, Environment};

/// Pick one inline environment as Tanka's inline loader does.
///
/// - with a non-empty `name`, only environments whose `metadata.name` *contains* it are
///   candidates (Tanka's `std.member(name, given)` in its eval script);
/// - one candidate: it is selected; several: an *exact* name match wins, else
///   [`EnvError::MultipleEnvironments`] listing the candidates' names sorted;
/// - none: [`EnvError::NoMatchingEnvironment`].
///
/// `path_display` is the path as the user gave it; it appears in the error messages.
/// `T` is whatever the caller needs to find the chosen environment again (e.g. its location
/// in the evaluated output).
pub fn select_inline<T>(
    candidates: Vec<(T, Environment)>,
    name: Option<&str>,
    path_display: &str,
) -> Result<(T, Environment), EnvError> {
    let name = name.filter(|n| !n.is_empty());
    let mut matching: Vec<(T, Environment)> = candidates
        .into_iter()
        .filter(|(_, env)| name.is_none_or(|n| env.name().contains(n)))
        .collect();
    if matching.len() == 1 {
        return Ok(matching.remove(0));
    }
    if matching.is_empty() {
        return Err(EnvError::NoMatchingEnvironment {
            path: path_display.to_string(),
        });
    }
    let exact = name.and_then(|n| matching.iter().position(|(_, env)| env.name() == n));
    if let Some(i) = exact {
        return Ok(matching.swap_remove(i));
    }
    let mut names: Vec<String> = matching
        .iter()
        .map(|(_, env)| env.name().to_string())
        .collect();
    names.sort();
    Err(EnvError::MultipleEnvironments {
        path: path_display.to_string(),
        name: name.map(str::to_string),
        names,
    })
}

/// Tanka's `ErrMultipleEnvs` text.
pub(super) fn multiple_message(path: &str, name: Option<&str>, names: &[String]) -> String {
    let list = names.join("\n - ");
    match name {
        Some(n) => format!(
            "found multiple Environments in {} matching {}. Provide a more specific name that matches a single one: \n - {list}",
            go_quote(path),
            go_quote(n)
        ),
        None => format!(
            "found multiple Environments in {}. Use `--name` to select a single one: \n - {list}",
            go_quote(path)
        ),
    }
}

/// Go's `%q` (`strconv.Quote`) for a string.
fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{07}' => out.push_str("\\a"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{0b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() || (c.is_whitespace() && c != ' ') => {
                if (c as u32) < 0x10000 {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::go_quote;

    #[test]
    fn go_quote_escapes_like_strconv_quote() {
        assert_eq!(go_quote("plain/path"), r#""plain/path""#);
        assert_eq!(go_quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(go_quote("tab\there\n"), r#""tab\there\n""#);
        assert_eq!(go_quote("\u{1}\u{7f}"), r#""\x01\x7f""#);
        assert_eq!(go_quote("é\u{a0}"), "\"é\\u00a0\"");
    }
}
