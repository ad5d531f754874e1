//! The `tk diff --summarize` histogram (a git-style diffstat) of one step.

use super::color::{STAT_ADDED, STAT_REMOVED, paint};
use super::unified::FileDiff;
use serde::Serialize;
use std::fmt;

/// Widest bar, in characters.
const MAX_BAR: usize = 40;

/// Counted lines of one object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileStat {
    /// The object's file name.
    pub name: String,
    /// Lines starting with `+ `.
    pub insertions: usize,
    /// Lines starting with `- `.
    pub deletions: usize,
}

/// A diffstat: per-object counts plus totals.
///
/// ```text
/// apps-v1.Deployment.default.distributor |    2 +-
/// v1.ConfigMap.default.runtime           |   12 ++++++++++++
/// 2 files changed, 13 insertions(+), 1 deletions(-)
/// ```
///
/// Rules, as Tanka implements them:
/// - one line per object with a non-empty diff, sorted by name (byte order); the name column is
///   left-aligned and padded to the longest name, the count right-aligned in 4 columns;
/// - **only lines starting with `+ ` or `- `** (sign, then a space) count. This is Tanka's quirk:
///   a YAML line at column 0 (`+apiVersion: v1`, `-kind: Secret`, top-level `+spec:`) and an
///   added or removed empty line are *not* counted, so an added object counts fewer lines than
///   its hunk holds. The `+++`/`---` file lines never count;
/// - the bar holds one `+` per insertion then one `-` per deletion; when the largest per-object
///   total exceeds 40, every object's runs are scaled by `40 / largest` and rounded down (so a
///   small change next to a huge one can show no bar at all); `+` green and `-` red when colour
///   is on;
/// - a last line `N files changed, A insertions(+), D deletions(-)` (no plural adjustments, no
///   trailing newline). With no changes: `0 files changed, 0 insertions(+), 0 deletions(-)`.
///
/// The name is the object's [`ObjectId::diff_name`](crate::manifest::ObjectId::diff_name). Tanka
/// derives it as
/// the common suffix of the two paths in the `diff -u -N` line; for step labels that end in the
/// same character that would drag a piece of the label into the name, so tkstep uses the object
/// name directly (identical whenever Tanka's own temporary paths are used).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DiffStat {
    /// One entry per object with a non-empty diff, sorted by name.
    pub files: Vec<FileStat>,
    /// Total lines counted as insertions.
    pub insertions: usize,
    /// Total lines counted as deletions.
    pub deletions: usize,
}

/// Count lines the way Tanka's diffstat does (`+ ` / `- ` prefixes only).
pub(crate) fn count_lines(text: &str) -> (usize, usize) {
    let mut counts = (0, 0);
    for line in text.lines() {
        if line.starts_with("+ ") {
            counts.0 += 1;
        } else if line.starts_with("- ") {
            counts.1 += 1;
        }
    }
    counts
}

impl DiffStat {
    /// Build the stat from per-object diffs; objects with empty text are skipped.
    pub fn from_files(files: &[FileDiff]) -> DiffStat {
        let mut stat = DiffStat::default();
        for f in files.iter().filter(|f| !f.text.is_empty()) {
            let (insertions, deletions) = count_lines(&f.text);
            stat.insertions += insertions;
            stat.deletions += deletions;
            stat.files.push(FileStat {
                name: f.name.clone(),
                insertions,
                deletions,
            });
        }
        stat.files.sort_by(|a, b| a.name.cmp(&b.name));
        stat
    }

    /// The histogram text, with a green/red bar when `color` is on. No trailing newline.
    pub fn render(&self, color: bool) -> String {
        let width = self.files.iter().map(|f| f.name.len()).max().unwrap_or(0);
        let largest = self
            .files
            .iter()
            .map(|f| f.insertions + f.deletions)
            .max()
            .unwrap_or(0);
        let scale = |n: usize| {
            if largest > MAX_BAR {
                n * MAX_BAR / largest
            } else {
                n
            }
        };
        let mut out = String::new();
        for f in &self.files {
            let plus = paint(&"+".repeat(scale(f.insertions)), STAT_ADDED, color);
            let minus = paint(&"-".repeat(scale(f.deletions)), STAT_REMOVED, color);
            out.push_str(&format!(
                "{:<width$} | {:>4} {plus}{minus}\n",
                f.name,
                f.insertions + f.deletions
            ));
        }
        out.push_str(&format!(
            "{} files changed, {} insertions(+), {} deletions(-)",
            self.files.len(),
            self.insertions,
            self.deletions
        ));
        out
    }
}

impl fmt::Display for DiffStat {
    /// The histogram without colour.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_only_sign_space_lines() {
        let text = "diff -u -N a/x b/x\n--- a/x\n+++ b/x\n@@ -0,0 +1,4 @@\n+kind: X\n+spec:\n+  replicas: 3\n+- item\n+\n- old\n";
        // Only `+  replicas: 3` and `- old` count: column-0 YAML (`kind`, `spec:`, a top-level
        // `- item`) and the empty line do not.
        assert_eq!(count_lines(text), (1, 1));
    }

    #[test]
    fn bar_scales_to_forty() {
        let stat = DiffStat {
            files: vec![
                FileStat {
                    name: "big".into(),
                    insertions: 60,
                    deletions: 20,
                },
                FileStat {
                    name: "small".into(),
                    insertions: 1,
                    deletions: 3,
                },
            ],
            insertions: 61,
            deletions: 23,
        };
        let text = stat.render(false);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            format!("big   |   80 {}{}", "+".repeat(30), "-".repeat(10))
        );
        assert_eq!(lines[1], "small |    4 -");
        assert_eq!(
            lines[2],
            "2 files changed, 61 insertions(+), 23 deletions(-)"
        );
    }

    #[test]
    fn empty_stat() {
        assert_eq!(
            DiffStat::default().to_string(),
            "0 files changed, 0 insertions(+), 0 deletions(-)"
        );
    }
}
