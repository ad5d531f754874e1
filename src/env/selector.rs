//! Kubernetes label selectors over environment labels (`metadata.labels`), as `tk export -l`
//! and `tk env list -l` use them (Kubernetes' `labels.Parse` semantics).
//!
//! A selector is requirements separated by commas, all of which must hold:
//! `key` (the label exists), `!key` (it does not), `key=value` / `key==value`, `key!=value`
//! (true when the label is missing too), `key in (a, b)`, `key notin (a, b)` (true when the
//! label is missing too). An empty selector matches everything. Hand-written: the grammar is
//! small, and the crates that implement it come with a whole Kubernetes client.

use std::collections::BTreeMap;
use std::fmt;

/// A parsed label selector.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selector {
    requirements: Vec<Requirement>,
}

/// One requirement of a selector.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Requirement {
    key: String,
    op: Op,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Op {
    Exists,
    DoesNotExist,
    In(Vec<String>),
    NotIn(Vec<String>),
}

/// Why a selector does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid label selector {selector:?}: {reason}")]
pub struct SelectorError {
    /// The selector as given.
    pub selector: String,
    /// What is wrong.
    pub reason: String,
}

impl Selector {
    /// Parse `text` (see the module docs). Keys are Kubernetes label keys (an optional DNS
    /// subdomain prefix and `/`, then a name of at most 63 characters); values are label
    /// values (at most 63 characters, possibly empty).
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// use tkstep::env::Selector;
    /// let s = Selector::parse("team=mimir,tier in (prod, staging),!legacy").unwrap();
    /// let labels = BTreeMap::from([("team".into(), "mimir".into()), ("tier".into(), "prod".into())]);
    /// assert!(s.matches(&labels));
    /// assert!(Selector::parse("team=").unwrap().matches(&BTreeMap::from([("team".into(), String::new())])));
    /// assert!(Selector::parse("team in (a").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Selector, SelectorError> {
        let fail = |reason: String| SelectorError {
            selector: text.to_string(),
            reason,
        };
        let mut requirements = Vec::new();
        for part in split_requirements(text).map_err(fail)? {
            requirements.push(requirement(part.trim()).map_err(fail)?);
        }
        Ok(Selector { requirements })
    }

    /// Whether `labels` satisfy every requirement.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.requirements.iter().all(|r| {
            let value = labels.get(&r.key);
            match &r.op {
                Op::Exists => value.is_some(),
                Op::DoesNotExist => value.is_none(),
                Op::In(values) => value.is_some_and(|v| values.contains(v)),
                Op::NotIn(values) => value.is_none_or(|v| !values.contains(v)),
            }
        })
    }

    /// Whether the selector has no requirement (it matches everything).
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .requirements
            .iter()
            .map(|r| match &r.op {
                Op::Exists => r.key.clone(),
                Op::DoesNotExist => format!("!{}", r.key),
                Op::In(v) if v.len() == 1 => format!("{}={}", r.key, v[0]),
                Op::NotIn(v) if v.len() == 1 => format!("{}!={}", r.key, v[0]),
                Op::In(v) => format!("{} in ({})", r.key, v.join(",")),
                Op::NotIn(v) => format!("{} notin ({})", r.key, v.join(",")),
            })
            .collect();
        f.write_str(&parts.join(","))
    }
}

/// The requirements of `text`: split at commas outside parentheses; none for a blank text.
fn split_requirements(text: &str) -> Result<Vec<&str>, String> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (i, c) in text.char_indices() {
        match c {
            '(' if depth == 0 => depth = 1,
            '(' => return Err("nested '('".into()),
            ')' if depth == 1 => depth = 0,
            ')' => return Err("')' without '('".into()),
            ',' if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if depth != 0 {
        return Err("'(' without ')'".into());
    }
    parts.push(&text[start..]);
    Ok(parts)
}

/// One requirement, trimmed.
fn requirement(part: &str) -> Result<Requirement, String> {
    if part.is_empty() {
        return Err("an empty requirement (two commas, or a comma at an end)".into());
    }
    if let Some(key) = part.strip_prefix('!') {
        let key = key.trim();
        check_key(key)?;
        return Ok(Requirement {
            key: key.to_string(),
            op: Op::DoesNotExist,
        });
    }
    for (token, negated) in [("!=", true), ("==", false), ("=", false)] {
        if let Some((key, value)) = part.split_once(token) {
            let (key, value) = (key.trim(), value.trim());
            check_key(key)?;
            check_value(value)?;
            let values = vec![value.to_string()];
            let op = if negated {
                Op::NotIn(values)
            } else {
                Op::In(values)
            };
            return Ok(Requirement {
                key: key.to_string(),
                op,
            });
        }
    }
    if let Some(open) = part.find('(') {
        let head = part[..open].trim_end();
        let (key, word) = head
            .rsplit_once(char::is_whitespace)
            .ok_or_else(|| format!("expected 'KEY in (…)' or 'KEY notin (…)' in {part:?}"))?;
        let key = key.trim();
        let rest = part[open + 1..].trim_end();
        let inner = rest
            .strip_suffix(')')
            .ok_or_else(|| format!("text after ')' in {part:?}"))?;
        let values: Vec<String> = inner.split(',').map(|v| v.trim().to_string()).collect();
        for v in &values {
            check_value(v)?;
        }
        check_key(key)?;
        let op = match word {
            "in" => Op::In(values),
            "notin" => Op::NotIn(values),
            other => return Err(format!("unknown operator {other:?} (in, notin)")),
        };
        return Ok(Requirement {
            key: key.to_string(),
            op,
        });
    }
    check_key(part)?;
    Ok(Requirement {
        key: part.to_string(),
        op: Op::Exists,
    })
}

/// A label name or value part: at most 63 characters, alphanumerics with `-`, `_`, `.`
/// inside.
fn is_name(text: &str) -> bool {
    let bytes = text.as_bytes();
    text.len() <= 63
        && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// A Kubernetes label key: `[prefix/]name`, the prefix a DNS subdomain (at most 253
/// characters of lowercase alphanumerics, `-` and `.`).
fn check_key(key: &str) -> Result<(), String> {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    let prefix_ok = prefix.is_none_or(|p| {
        !p.is_empty()
            && p.len() <= 253
            && p.split('.')
                .all(|l| is_name(l) && l.bytes().all(|b| !b.is_ascii_uppercase() && b != b'_'))
    });
    if key.is_empty() || !prefix_ok || !is_name(name) {
        return Err(format!(
            "{key:?} is not a label key (letters, digits, '-', '_', '.', at most 63, with an \
             optional DNS prefix and '/')"
        ));
    }
    Ok(())
}

/// A Kubernetes label value: empty, or a name part.
fn check_value(value: &str) -> Result<(), String> {
    if value.is_empty() || is_name(value) {
        Ok(())
    } else {
        Err(format!(
            "{value:?} is not a label value (letters, digits, '-', '_', '.', at most 63)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn matches(selector: &str, pairs: &[(&str, &str)]) -> bool {
        Selector::parse(selector).unwrap().matches(&labels(pairs))
    }

    #[test]
    fn equality_and_inequality() {
        assert!(matches("team=a", &[("team", "a")]));
        assert!(matches("team==a", &[("team", "a")]));
        assert!(!matches("team=a", &[("team", "b")]));
        assert!(!matches("team=a", &[]));
        assert!(matches("team!=a", &[("team", "b")]));
        assert!(matches("team!=a", &[]), "a missing label is not equal");
        assert!(!matches("team!=a", &[("team", "a")]));
    }

    #[test]
    fn sets_existence_and_conjunction() {
        assert!(matches("tier in (prod, staging)", &[("tier", "staging")]));
        assert!(!matches("tier in (prod,staging)", &[]));
        assert!(matches("tier notin (prod)", &[]));
        assert!(!matches("tier notin (prod,dev)", &[("tier", "dev")]));
        assert!(matches("team", &[("team", "")]));
        assert!(!matches("!team", &[("team", "")]));
        assert!(matches(" team = a , !legacy ", &[("team", "a")]));
        assert!(!matches(
            "team=a,!legacy",
            &[("team", "a"), ("legacy", "true")]
        ));
        assert!(matches("", &[]));
        assert!(matches("example.com/team=a", &[("example.com/team", "a")]));
        assert!(
            matches("tier in (a,)", &[("tier", "")]),
            "an empty value in a set"
        );
    }

    #[test]
    fn bad_selectors_are_errors() {
        for bad in [
            "team in (a",
            "team in a)",
            "team=a,,tier=b",
            "team=a b",
            "team in (a) x",
            "team within (a)",
            "=a",
            "Bad_Prefix/x=a",
            "a/b/c=d",
            &format!("k={}", "v".repeat(64)),
        ] {
            let err = Selector::parse(bad).unwrap_err().to_string();
            assert!(err.starts_with("invalid label selector"), "{bad}: {err}");
        }
    }

    #[test]
    fn display_round_trips() {
        for text in [
            "team=a",
            "team!=a",
            "tier in (a,b)",
            "tier notin (a,b)",
            "x",
            "!x",
        ] {
            let s = Selector::parse(text).unwrap();
            assert_eq!(s.to_string(), text);
            assert_eq!(Selector::parse(&s.to_string()).unwrap(), s);
        }
    }
}
