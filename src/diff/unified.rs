//! Per-object unified diff text in the `diff -u -N` style of `tk diff`.
//!
//! Each changed object becomes one "file":
//!
//! ```text
//! diff -u -N 00-before/apps-v1.Deployment.default.distributor 01-scale/apps-v1.Deployment.default.distributor
//! --- 00-before/apps-v1.Deployment.default.distributor
//! +++ 01-scale/apps-v1.Deployment.default.distributor
//! @@ -10,7 +10,7 @@
//! ```
//!
//! followed by the hunks of the YAML text (as `tk show` prints the object) with the configured
//! context. Added and removed objects are diffed against empty text (`@@ -0,0 +1,N @@`).
//! Unlike GNU diff, the `---`/`+++` lines carry no timestamps, so the output is deterministic.

use super::color::colorize;
use super::json::{ChangeJson, StepJson};
use super::object::{Change, Counts, ObjectChange, ObjectDiff};
use super::summary::DiffStat;
use crate::manifest::ObjectId;
use serde_json::Value;
use similar::TextDiff;

/// The unified diff of one changed object.
#[derive(Debug, Clone, PartialEq)]
pub struct FileDiff {
    /// The object's identity.
    pub id: ObjectId,
    /// Added, removed or modified.
    pub change: Change,
    /// The object's file name, [`ObjectId::diff_name`]: `<apiVersion>.<kind>.<namespace>.<name>`
    /// with `/` replaced by `-`, e.g. `apps-v1.Deployment.default.distributor` (cluster-wide
    /// objects: two dots, `v1.Namespace..mimir`, as in Tanka).
    pub name: String,
    /// The uncoloured text: `diff -u -N` line, `---`/`+++` lines and hunks, each line ending in
    /// `\n`. Empty when both sides print the same YAML (see [`StepDiff`]).
    pub text: String,
}

/// The line diff of `old` and `new` as `diff -u` prints it after its own first line: the
/// `---`/`+++` header lines (no timestamps) and the hunks. Empty when the texts are equal.
pub(crate) fn hunks(
    old: &str,
    new: &str,
    old_header: &str,
    new_header: &str,
    context_radius: usize,
) -> String {
    TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(context_radius)
        .header(old_header, new_header)
        .to_string()
}

/// Diff text of one object, given a YAML formatter (so tests can count formatting calls).
pub(crate) fn file_diff(
    change: &ObjectChange,
    from: &str,
    to: &str,
    context_radius: usize,
    yaml: &mut dyn FnMut(&Value) -> String,
) -> FileDiff {
    let old = change.before.as_ref().map(&mut *yaml).unwrap_or_default();
    let new = change.after.as_ref().map(&mut *yaml).unwrap_or_default();
    let name = change.id.diff_name();
    let old_path = format!("{from}/{name}");
    let new_path = format!("{to}/{name}");
    let hunks = hunks(&old, &new, &old_path, &new_path, context_radius);
    let text = if hunks.is_empty() {
        String::new()
    } else {
        format!("diff -u -N {old_path} {new_path}\n{hunks}")
    };
    FileDiff {
        id: change.id.clone(),
        change: change.change,
        name,
        text,
    }
}

/// The difference between two steps: the object-level diff plus the text of every changed
/// object. Made by [`DiffOptions::diff_step`](super::DiffOptions::diff_step).
///
/// An object can be [`Change::Modified`] as JSON yet print the same YAML (for example a
/// Secret value whose redaction markers collide); it then has an empty [`FileDiff::text`], is
/// left out of [`text`](Self::text) and the diffstat, but still counts in
/// [`summary`](Self::summary).
#[derive(Debug, Clone, PartialEq)]
pub struct StepDiff {
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) objects: ObjectDiff,
    pub(crate) files: Vec<FileDiff>,
    pub(crate) color: bool,
}

impl StepDiff {
    /// The label of the earlier side (e.g. `00-before`).
    pub fn from_label(&self) -> &str {
        &self.from
    }

    /// The label of the later side (e.g. `01-zone-awareness`).
    pub fn to_label(&self) -> &str {
        &self.to
    }

    /// The object-level diff.
    pub fn objects(&self) -> &ObjectDiff {
        &self.objects
    }

    /// One entry per changed object, in the order of [`ObjectDiff::changes`].
    pub fn files(&self) -> &[FileDiff] {
        &self.files
    }

    /// Added / modified / removed counts (`+3 ~2 -0`).
    pub fn summary(&self) -> Counts {
        self.objects.counts()
    }

    /// Whether anything changed.
    pub fn has_changes(&self) -> bool {
        self.objects.has_changes()
    }

    /// The whole diff as `tk diff` prints it, coloured if the options asked for colour.
    /// Empty when nothing changed.
    pub fn text(&self) -> String {
        let plain: String = self.files.iter().map(|f| f.text.as_str()).collect();
        if self.color { colorize(&plain) } else { plain }
    }

    /// The `tk diff --summarize` histogram of this step.
    pub fn diffstat(&self) -> DiffStat {
        DiffStat::from_files(&self.files)
    }

    /// The JSON entry of this step: `{step, name, changes: [...]}`, diff text uncoloured.
    pub fn to_json(&self, step: &str, name: &str) -> StepJson {
        StepJson {
            step: step.to_owned(),
            name: name.to_owned(),
            changes: self
                .files
                .iter()
                .map(|f| ChangeJson {
                    api_version: f.id.api_version.clone(),
                    kind: f.id.kind.clone(),
                    namespace: f.id.namespace.clone(),
                    name: f.id.name.clone(),
                    change: f.change,
                    diff: f.text.clone(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn lines_yaml(v: &Value) -> String {
        // A stand-in formatter: one `key: value` line per top-level key.
        let mut s = String::new();
        for (k, v) in v.as_object().unwrap() {
            s.push_str(&format!("{k}: {v}\n"));
        }
        s
    }

    fn id() -> ObjectId {
        ObjectId {
            api_version: "apps/v1".into(),
            kind: "Deployment".into(),
            namespace: "default".into(),
            name: "distributor".into(),
        }
    }

    #[test]
    fn file_name_replaces_slashes() {
        assert_eq!(id().diff_name(), "apps-v1.Deployment.default.distributor");
    }

    #[test]
    fn added_object_diffs_against_empty() {
        let change = ObjectChange {
            id: id(),
            change: Change::Added,
            before: None,
            after: Some(json!({"a": 1, "b": 2})),
        };
        let f = file_diff(&change, "00-x", "01-y", 3, &mut lines_yaml);
        assert_eq!(
            f.text,
            "diff -u -N 00-x/apps-v1.Deployment.default.distributor 01-y/apps-v1.Deployment.default.distributor\n\
             --- 00-x/apps-v1.Deployment.default.distributor\n\
             +++ 01-y/apps-v1.Deployment.default.distributor\n\
             @@ -0,0 +1,2 @@\n+a: 1\n+b: 2\n"
        );
    }

    #[test]
    fn same_text_gives_empty_file() {
        let change = ObjectChange {
            id: id(),
            change: Change::Modified,
            before: Some(json!({"a": 1})),
            after: Some(json!({"a": 1})),
        };
        assert_eq!(file_diff(&change, "a", "b", 3, &mut lines_yaml).text, "");
    }
}
