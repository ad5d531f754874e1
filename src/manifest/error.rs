//! Errors turning evaluated output into manifests, worded as Tanka words them.

use std::fmt;

use serde_json::{Map, Value};

use crate::env::EnvError;

/// Errors turning evaluated output into manifests.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ManifestError {
    /// Extraction failed: `` got an error while extracting env `<name>`: <error> ``.
    #[error("got an error while extracting env `{env}`: {inner}")]
    Extract {
        /// The environment's `metadata.name`.
        env: String,
        /// What went wrong.
        inner: ExtractError,
    },
    /// A List item failed the schema check (Tanka does not wrap these).
    #[error(transparent)]
    Schema(SchemaError),
    /// A List item is not an object.
    #[error("unwrapped list item is not an object")]
    ListItemNotObject {
        /// `<list path>.items[<i>]`.
        path: String,
    },
    /// The environment label could not be computed.
    #[error(transparent)]
    Label(EnvError),
    /// A `-t/--target` expression is not a valid regular expression.
    #[error("{message}")]
    BadTarget {
        /// The expression as given.
        target: String,
        /// Tanka's message (title-cased regexp error plus a pointer to the docs).
        message: String,
    },
}

/// What extraction can run into.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExtractError {
    /// A value that is neither an object nor an array where objects were expected.
    #[error(transparent)]
    Invalid(InvalidObjectError),
    /// An object with `apiVersion` and `kind` that fails the schema check.
    #[error(transparent)]
    Schema(SchemaError),
}

/// Tanka's `ErrorPrimitiveReached`: a string/number/bool met while looking for objects.
///
/// Displays as `found invalid Kubernetes object (at <path>): <reason>`, a blank line and the
/// innermost object containing the value as YAML (yaml.v3, 4-space indent), cut after
/// 30 lines (`MAX_QUOTED_LINES`).
#[derive(Debug, Clone, PartialEq)]
pub struct InvalidObjectError {
    /// JSON path of the value's parent (`.a.b`, `.[0].x`, `.` at the top).
    pub path: String,
    /// JSON path of the value itself (`.a.b.c`): named when the quoted object is cut.
    pub value_path: Box<str>,
    /// Why the innermost containing object is not a manifest (`missing attribute
    /// "apiVersion"`); `None` when the value is not inside any object.
    pub reason: Option<String>,
    /// The innermost object containing the value (without `__ksonnet`), if any.
    pub object: Option<Map<String, Value>>,
}

impl fmt::Display for InvalidObjectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Go formats a nil error with %s as `%!s(<nil>)` and marshals a nil map as `{}`.
        let reason = self.reason.as_deref().unwrap_or("%!s(<nil>)");
        let yaml = match &self.object {
            Some(obj) => cut_lines(
                &crate::yaml::to_yaml_v3(&Value::Object(obj.clone())),
                &self.value_path,
            ),
            None => "{}\n".to_string(),
        };
        write!(
            f,
            "found invalid Kubernetes object (at {}): {reason}\n\n{yaml}",
            self.path
        )
    }
}

impl std::error::Error for InvalidObjectError {}

/// Lines of the quoted object shown in an [`InvalidObjectError`]: Tanka prints all of it, which
/// for a primitive at the top of an environment is the whole environment (thousands of lines).
pub const MAX_QUOTED_LINES: usize = 30;

/// `yaml` cut after [`MAX_QUOTED_LINES`] lines, saying how many were left out and where the
/// offending value is (`value_path`).
fn cut_lines(yaml: &str, value_path: &str) -> String {
    let total = yaml.lines().count();
    if total <= MAX_QUOTED_LINES {
        return yaml.to_string();
    }
    let mut out: String = yaml.split_inclusive('\n').take(MAX_QUOTED_LINES).collect();
    out.push_str(&format!(
        "... ({} more lines; the value that is not a Kubernetes object is at {value_path})\n",
        total - MAX_QUOTED_LINES
    ));
    out
}

/// Tanka's `SchemaError`: an object with `apiVersion` and `kind` whose other required fields
/// are missing or mistyped.
///
/// Displays as `<name> has missing or invalid fields:`, one `  - <field>: <problem>` line per
/// field, a blank line, `Please check below object:` and the first 10 lines of the object as
/// YAML (yaml.v2) indented by 2 (`  ...` when cut).
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaError {
    /// JSON path of the object (`.a.b`, `<list path>.items[<i>]`).
    pub name: String,
    /// `(field, problem)` pairs, e.g. `("metadata.name", "missing or not of string type")`.
    pub fields: Vec<(String, String)>,
    /// The object.
    pub manifest: Map<String, Value>,
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = if self.name.is_empty() {
            "Resource"
        } else {
            &self.name
        };
        writeln!(f, "{name} has missing or invalid fields:")?;
        for (field, problem) in &self.fields {
            writeln!(f, "  - {field}: {problem}")?;
        }
        write!(f, "\nPlease check below object:\n")?;
        let mut yaml = String::new();
        crate::yaml::write_map_yaml_v2(&mut yaml, &self.manifest);
        write!(f, "{}", sample(&yaml, 10, 2))
    }
}

impl std::error::Error for SchemaError {}

/// Tanka's `SampleString(..).Indent(n)`: trimmed text cut to `max` lines (`...` added when
/// cut), every line indented by `indent` spaces.
fn sample(text: &str, max: usize, indent: usize) -> String {
    let mut lines: Vec<&str> = text.trim().split('\n').collect();
    if lines.len() > max {
        lines.truncate(max);
        lines.push("...");
    }
    let pad = " ".repeat(indent);
    let joiner = format!("\n{pad}");
    format!("{pad}{}", lines.join(&joiner))
}

#[cfg(test)]
mod tests {
    use super::sample;

    #[test]
    fn sample_cuts_at_ten_lines_and_indents() {
        let eleven: String = (1..=11).map(|i| format!("l{i}\n")).collect();
        let ten: String = (1..=10).map(|i| format!("l{i}\n")).collect();
        assert_eq!(
            sample(&eleven, 10, 2),
            "  l1\n  l2\n  l3\n  l4\n  l5\n  l6\n  l7\n  l8\n  l9\n  l10\n  ..."
        );
        assert_eq!(
            sample(&ten, 10, 2),
            "  l1\n  l2\n  l3\n  l4\n  l5\n  l6\n  l7\n  l8\n  l9\n  l10"
        );
        assert_eq!(sample("a: 1\n", 10, 2), "  a: 1");
    }
}
