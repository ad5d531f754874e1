//! `-t/--target` filtering (`pkg/process/filter.go`).

use regex::Regex;

use super::{Manifest, ManifestError};

/// Where Tanka's bad-expression error points to.
const REGEX_DOCS: &str = "See https://tanka.dev/output-filtering/#regular-expressions for details on regular expressions.";

/// One compiled `-t` expression.
enum Target {
    /// Keep objects whose `<kind>/<name>` matches.
    Keep(Regex),
    /// `!expr`: drop objects whose `<kind>/<name>` matches.
    Drop(Regex),
}

/// `-t/--target` expressions, compiled once and applied to any number of manifest lists.
///
/// Every target is a regular expression matched case-insensitively against the whole
/// `<kind>/<metadata.name>`; a leading `!` makes it an exclusion. An object is kept when some
/// target matches it and no exclusion does, where (Tanka's quirk) an exclusion counts as
/// matching everything: once any `!expr` is given, the positive targets select nothing more
/// (`-t deployment/.* -t '!deployment/a'` keeps Services too). No targets keep everything.
pub struct Targets(Vec<Target>);

impl Targets {
    /// Compile `targets`; an invalid expression is an error worded as Tanka's.
    pub fn new(targets: &[String]) -> Result<Self, ManifestError> {
        Ok(Self(
            targets
                .iter()
                .map(|t| compile(t))
                .collect::<Result<_, _>>()?,
        ))
    }

    /// Whether `manifest` is selected.
    pub fn keeps(&self, manifest: &Manifest) -> bool {
        if self.0.is_empty() {
            return true;
        }
        let kind_name = manifest.kind_name();
        let selected = self.0.iter().any(|t| match t {
            Target::Keep(re) => re.is_match(&kind_name),
            Target::Drop(_) => true,
        });
        let dropped = self.0.iter().any(|t| match t {
            Target::Keep(_) => false,
            Target::Drop(re) => re.is_match(&kind_name),
        });
        selected && !dropped
    }
}

/// Keep the manifests `-t/--target` selects, as Tanka does (see [`Targets`]).
pub fn filter_targets(
    manifests: &[Manifest],
    targets: &[String],
) -> Result<Vec<Manifest>, ManifestError> {
    let targets = Targets::new(targets)?;
    Ok(manifests
        .iter()
        .filter(|m| targets.keeps(m))
        .cloned()
        .collect())
}

fn compile(target: &str) -> Result<Target, ManifestError> {
    let (negative, expr) = match target.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, target),
    };
    let pattern = format!("(?i)^{expr}$");
    let re = Regex::new(&pattern).map_err(|e| ManifestError::BadTarget {
        target: target.to_string(),
        message: format!(
            "{}.\n{REGEX_DOCS}",
            go_title(&go_regexp_error(&pattern, &e))
        ),
    })?;
    Ok(if negative {
        Target::Drop(re)
    } else {
        Target::Keep(re)
    })
}

/// Go's `regexp.Compile` error text for `pattern` (`error parsing regexp: <code>: `<expr>``),
/// derived from the Rust regex error. The code is Go's for the common mistakes; the quoted
/// expression is the whole pattern (Go quotes only the offending part for some codes).
fn go_regexp_error(pattern: &str, err: &regex::Error) -> String {
    let text = err.to_string();
    let rust = text
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("error: "))
        .unwrap_or(&text);
    const CODES: &[(&str, &str)] = &[
        ("unclosed group", "missing closing )"),
        ("unopened group", "unexpected )"),
        ("unclosed character class", "missing closing ]"),
        (
            "repetition operator missing expression",
            "missing argument to repetition operator",
        ),
        ("escape sequence", "invalid escape sequence"),
        (
            "incomplete escape",
            "trailing backslash at end of expression",
        ),
        (
            "invalid character class range",
            "invalid character class range",
        ),
        ("repetition", "invalid repeat count"),
        ("capture group", "invalid named capture"),
        ("flag", "invalid or unsupported Perl syntax"),
    ];
    let code = CODES
        .iter()
        .find(|(needle, _)| rust.contains(needle))
        .map_or(rust, |(_, code)| code);
    format!("error parsing regexp: {code}: `{pattern}`")
}

/// Go's `strings.Title`: upper-case every letter that follows a separator (an ASCII character
/// other than a letter, digit or `_`, or a non-ASCII space; the start of the text counts as one).
fn go_title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev_separator = true;
    for c in s.chars() {
        if prev_separator {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        prev_separator = if c.is_ascii() {
            !(c.is_ascii_alphanumeric() || c == '_')
        } else {
            !c.is_alphanumeric() && c.is_whitespace()
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::go_title;

    #[test]
    fn go_title_capitalizes_after_separators() {
        assert_eq!(
            go_title("error parsing regexp: missing closing ): `(?i)^deployment/(abc$`"),
            "Error Parsing Regexp: Missing Closing ): `(?I)^Deployment/(Abc$`"
        );
        assert_eq!(go_title("snake_case x1y"), "Snake_case X1y");
    }
}
