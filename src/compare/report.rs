//! Text and JSON reports of a [`Comparison`].

use std::fmt::Write as _;

use super::{Aspect, Comparison, Outcome, PairResult};

fn cell(result: &PairResult, aspect: Aspect) -> String {
    match &result.outcome {
        Outcome::NotRendered { .. } => String::new(),
        Outcome::Compared {
            args_only_microservice,
            args_only_read_write,
            ..
        } if aspect == Aspect::Args && result.differs_in(aspect) => format!(
            "-{} +{}",
            args_only_microservice.len(),
            args_only_read_write.len()
        ),
        _ if result.differs_in(aspect) => "differs".to_string(),
        _ => "same".to_string(),
    }
}

/// Align `rows` in columns separated by two spaces, without trailing spaces. Column widths come
/// from the full-length rows; the last cell of a shorter row runs on unaligned.
pub(crate) fn table(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter(|r| r.len() == cols || c + 1 < r.len())
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, text) in row.iter().enumerate() {
            if c > 0 {
                line.push_str("  ");
            }
            line.push_str(text);
            let pad = widths[c].saturating_sub(text.chars().count());
            line.extend(std::iter::repeat_n(' ', pad));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

impl Comparison {
    /// Rows of the summary table (header first): path, microservice, read-write, then one
    /// column per [`Aspect`] (`same`, `differs`, or for args `-N +M`: flags only in the
    /// microservice / only in the read-write workload); not-rendered pairs say so instead.
    pub fn summary_rows(&self) -> Vec<Vec<String>> {
        let mut rows = vec![
            ["path", "microservice", "read-write"]
                .iter()
                .map(|s| s.to_string())
                .chain(Aspect::ALL.iter().map(|a| a.as_str().to_string()))
                .collect::<Vec<_>>(),
        ];
        for r in &self.pairs {
            let mut row = vec![
                r.pair.path.as_str().to_string(),
                r.pair.microservice.name.clone(),
                r.pair.read_write.name.clone(),
            ];
            match &r.outcome {
                Outcome::NotRendered { missing } => {
                    row.push(format!("not rendered: {}", missing.join(", ")))
                }
                Outcome::Compared { .. } => {
                    row.extend(Aspect::ALL.iter().map(|a| cell(r, *a)));
                }
            }
            rows.push(row);
        }
        rows
    }

    /// Counts: (compared, identical after normalization, not rendered).
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut counts = (0, 0, 0);
        for r in &self.pairs {
            match &r.outcome {
                Outcome::NotRendered { .. } => counts.2 += 1,
                Outcome::Compared { differs, .. } => {
                    counts.0 += 1;
                    if differs.is_empty() {
                        counts.1 += 1;
                    }
                }
            }
        }
        counts
    }

    /// The readable report: ignored fields, the summary table, then one unified diff per pair.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Spec comparison after step {} {}: .spec of each microservice workload (---) against \
             its read-write counterpart (+++).",
            self.step, self.step_name
        );
        out.push_str("\nIgnored, because these differ by construction:\n");
        for i in self.ignored {
            let _ = writeln!(out, "  - {}: {}", i.field, i.why);
        }
        out.push_str(
            "\nSummary (args: -N flags only in the microservice, +M only in read-write):\n",
        );
        out.push_str(&table(&self.summary_rows()));
        let (compared, same, missing) = self.counts();
        let _ = writeln!(
            out,
            "{compared} pairs compared ({same} identical after normalization), {missing} not rendered."
        );
        for r in &self.pairs {
            let _ = write!(
                out,
                "\n== {}: {} <-> {}",
                r.pair.path.as_str(),
                r.pair.microservice.kind_name(),
                r.pair.read_write.kind_name()
            );
            match &r.outcome {
                Outcome::NotRendered { missing } => {
                    let _ = writeln!(out, ": not rendered ({})", missing.join(", "));
                }
                Outcome::Compared { diff, .. } if diff.is_empty() => {
                    out.push_str(": identical after normalization\n");
                }
                Outcome::Compared { diff, .. } => {
                    out.push('\n');
                    out.push_str(diff);
                }
            }
        }
        out
    }

    /// The comparison as pretty JSON: `{step, step_name, ignored: [{field, why}], pairs:
    /// [{path, microservice: {kind, name}, read_write: {kind, name}, status: "compared" |
    /// "not-rendered", …}]}`.
    pub fn to_json(&self) -> serde_json::Result<String> {
        serde_json::to_string_pretty(self)
    }
}
