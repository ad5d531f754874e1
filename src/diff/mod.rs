//! Differences between rendered steps: objects added, removed and modified, unified YAML diffs
//! in the style of `tk diff`, summaries, a replica timeline and JSON output.
//!
//! # Overview
//!
//! The work is split in two stages so that unchanged objects cost nothing but a comparison:
//!
//! 1. **Object level** ([`DiffOptions::diff_objects`] → [`ObjectDiff`]): the two manifest
//!    lists are matched by [`ObjectId`](crate::manifest::ObjectId) and compared as JSON values.
//!    No YAML is produced. Output order: see [Ordering](#ordering).
//! 2. **Text** ([`DiffOptions::diff_step`] → [`StepDiff`]): only the changed objects are
//!    printed as YAML ([`crate::yaml::to_yaml_v2`], exactly `tk show`'s per-document text) and
//!    diffed line by line with [`similar`], giving one [`FileDiff`] per object.
//!
//! ```no_run
//! use tkstep::diff::DiffOptions;
//! # let (before, after): (Vec<tkstep::manifest::Manifest>, Vec<tkstep::manifest::Manifest>) = (vec![], vec![]);
//! let step = DiffOptions::new()
//!     .color(true)
//!     .diff_step("00-before", "01-zone-awareness", &before, &after);
//! println!("{}", step.summary()); // +3 ~2 -0
//! print!("{}", step.text());
//! println!("{}", step.diffstat().render(true));
//! ```
//!
//! # Text format
//!
//! Per object, as `tk diff` prints it (names:
//! [`ObjectId::diff_name`](crate::manifest::ObjectId::diff_name)):
//!
//! ```text
//! diff -u -N 00-before/apps-v1.Deployment.default.distributor 01-scale/apps-v1.Deployment.default.distributor
//! --- 00-before/apps-v1.Deployment.default.distributor
//! +++ 01-scale/apps-v1.Deployment.default.distributor
//! @@ -20,7 +20,7 @@
//! ```
//!
//! Step labels (`00-before`, `01-zone-awareness`) take the place of Tanka's `LIVE-`/`MERGED-`
//! temporary directories. Added and removed objects are diffed against empty text.
//!
//! Deviations from `tk diff`, all for deterministic output:
//! - no timestamps on the `---`/`+++` lines;
//! - hunks come from `similar`'s Myers diff; where several minimal diffs exist, the lines it
//!   pairs up could differ from GNU diff's choice (on real Mimir manifests tested so far they
//!   are byte-identical to `diff -u -N` apart from the timestamps);
//! - objects appear in a fixed order (see [Ordering](#ordering)), not kubectl's;
//! - the diffstat names objects by
//!   [`ObjectId::diff_name`](crate::manifest::ObjectId::diff_name) instead of a common path
//!   suffix (see [`DiffStat`]);
//! - coloured output does not end with the extra empty line Tanka's `Colordiff` appends.
//!
//! Colours ([`DiffOptions::color`]) follow Tanka's `term.Colordiff`.
//!
//! # Ordering
//!
//! Changes follow the `after` list's order (Tanka's sort). A removed object is placed right
//! after the nearest object that precedes it in the `before` list and still exists in `after`;
//! removed objects with no surviving predecessor come first.
//!
//! # Secrets
//!
//! Unless [`DiffOptions::show_secrets`] is set, the values of a Secret's `data` and `stringData`
//! are replaced by `<redacted sha256:XXXXXXXX>` markers before any text or JSON is made, so a
//! diff shows that a key changed but not its value (see [`redact_secret`]). Classification
//! compares the real values.
//!
//! # Other outputs
//!
//! - [`Counts`]: the `+A ~M -R` summary line of a step;
//! - [`DiffStat`]: the `tk diff --summarize` histogram;
//! - [`StepJson`]: one step's entry of `tkstep diff --json`;
//! - [`Timeline`]: replicas per workload per step, as a text table or JSON.

mod color;
mod fields;
mod json;
mod object;
mod redact;
mod summary;
mod timeline;
mod unified;

pub use json::{ChangeJson, StepJson};
pub use object::{Change, Counts, ObjectChange, ObjectDiff};
pub use redact::{is_secret, redact_secret, redaction_marker};
pub use summary::{DiffStat, FileStat};
pub use timeline::{Cell, Timeline, TimelineRow};
pub(crate) use unified::hunks as unified_hunks;
pub use unified::{FileDiff, StepDiff};

use crate::manifest::Manifest;
use serde_json::Value;

/// Configuration of a diff, with chained setters.
///
/// Defaults: 3 lines of context, Secrets redacted, no colour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffOptions {
    context_radius: usize,
    show_secrets: bool,
    color: bool,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions {
            context_radius: 3,
            show_secrets: false,
            color: false,
        }
    }
}

impl DiffOptions {
    /// The default options.
    pub fn new() -> Self {
        Self::default()
    }

    /// Lines of context around each change in the unified text (default 3, as `diff -u`).
    pub fn context_radius(&mut self, lines: usize) -> &mut Self {
        self.context_radius = lines;
        self
    }

    /// Reveal Secret `data`/`stringData` values instead of redacting them (default false).
    pub fn show_secrets(&mut self, yes: bool) -> &mut Self {
        self.show_secrets = yes;
        self
    }

    /// Colour [`StepDiff::text`] with ANSI codes (default false). Resolving `--color auto`
    /// (TTY, `NO_COLOR`, ...) is the caller's job.
    pub fn color(&mut self, yes: bool) -> &mut Self {
        self.color = yes;
        self
    }

    /// Object-level diff of two manifest lists; formats no YAML.
    pub fn diff_objects(&self, before: &[Manifest], after: &[Manifest]) -> ObjectDiff {
        object::classify(before, after, !self.show_secrets)
    }

    /// Full diff of two steps: the object-level diff plus unified text for each changed object,
    /// with `from`/`to` as the labels in the file headers.
    pub fn diff_step(
        &self,
        from: &str,
        to: &str,
        before: &[Manifest],
        after: &[Manifest],
    ) -> StepDiff {
        self.render(from, to, self.diff_objects(before, after))
    }

    /// Turn an object-level diff into text (YAML of changed objects only).
    pub fn render(&self, from: &str, to: &str, objects: ObjectDiff) -> StepDiff {
        self.render_with(from, to, objects, &mut crate::yaml::to_yaml_v2)
    }

    fn render_with(
        &self,
        from: &str,
        to: &str,
        objects: ObjectDiff,
        yaml: &mut dyn FnMut(&Value) -> String,
    ) -> StepDiff {
        let files = objects
            .changes()
            .iter()
            .map(|c| unified::file_diff(c, from, to, self.context_radius, yaml))
            .collect();
        StepDiff {
            from: from.to_owned(),
            to: to.to_owned(),
            objects,
            files,
            color: self.color,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deployment(name: &str, replicas: u64) -> Manifest {
        match json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"replicas": replicas, "template": {"spec": {"containers": [{"name": name}]}}},
        }) {
            Value::Object(m) => Manifest::new(m),
            _ => unreachable!(),
        }
    }

    #[test]
    fn identical_lists_format_no_yaml() {
        let list: Vec<Manifest> = (0..100)
            .map(|i| deployment(&format!("d{i:03}"), 3))
            .collect();
        let same = list.clone();
        let mut calls = 0;
        let opts = DiffOptions::new();
        let step = opts.render_with("a", "b", opts.diff_objects(&list, &same), &mut |v| {
            calls += 1;
            v.to_string()
        });
        assert_eq!(calls, 0);
        assert!(!step.has_changes());
        assert_eq!(step.text(), "");
        assert_eq!(step.objects().unchanged(), 100);
        assert!(!step.objects().has_changes());

        // One modified object: exactly its two sides are formatted.
        let mut changed = list.clone();
        changed[50] = deployment("d050", 5);
        let mut calls = 0;
        let step = opts.render_with("a", "b", opts.diff_objects(&list, &changed), &mut |v| {
            calls += 1;
            v.to_string()
        });
        assert_eq!(calls, 2);
        assert_eq!(step.summary().to_string(), "+0 ~1 -0");
        assert!(step.objects().has_changes());
    }
}
