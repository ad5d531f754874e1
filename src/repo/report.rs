//! The text and JSON of a whole-repository run.

use super::{RepoReport, Status};
use crate::escape::control;

impl RepoReport {
    /// The report as `tkstep diff|check --recursive` prints it: an aligned table (one row per
    /// environment; `kind` says whether its outcome column counts changes or rule
    /// violations), a totals line, then the details of failures (and, for
    /// [`ReportKind::Check`], of rule errors).
    pub fn to_text(&self, kind: ReportKind) -> String {
        table(self, kind)
    }

    /// The rows as pretty JSON (`tkstep diff|check --recursive --json`).
    pub fn to_json(&self) -> serde_json::Result<String> {
        serde_json::to_string_pretty(&self.envs)
    }
}

/// Which command a [`RepoReport`] is printed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReportKind {
    /// `diff`: what the plan changes.
    Diff,
    /// `check`: what the checks found.
    Check,
}

fn table(report: &RepoReport, mode: ReportKind) -> String {
    let header = [
        "ENV",
        "STATUS",
        "STEPS",
        match mode {
            ReportKind::Diff => "CHANGES",
            ReportKind::Check => "VIOLATIONS",
        },
        "TIME",
        "NOTE",
    ];
    let mut rows: Vec<[String; 6]> = vec![header.map(str::to_string)];
    for row in &report.envs {
        let (steps, outcome) = match row.status {
            Status::Ok => (
                row.steps.to_string(),
                match mode {
                    ReportKind::Diff => row.changes.map(|c| c.to_string()).unwrap_or_default(),
                    ReportKind::Check => row.checks.map(|c| c.to_string()).unwrap_or_default(),
                },
            ),
            _ => ("-".to_string(), "-".to_string()),
        };
        let note = match row.status {
            Status::Ok => String::new(),
            Status::Skipped => row.note.clone().unwrap_or_default(),
            Status::Failed => first_line(row.error.as_deref().unwrap_or("")),
        };
        rows.push([
            control(&row.display()).into_owned(),
            row.status.as_str().to_string(),
            steps,
            outcome,
            format!("{:.1}s", row.seconds),
            note,
        ]);
    }
    let mut widths = [0usize; 6];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            // STEPS and TIME are right-aligned.
            if i == 2 || i == 4 {
                line.push_str(&format!("{cell:>w$}", w = widths[i]));
            } else {
                line.push_str(&format!("{cell:<w$}", w = widths[i]));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let count = |s| report.with_status(s).count();
    out.push_str(&format!(
        "\n{} environment(s): {} ok, {} skipped, {} failed in {:.1}s\n",
        report.envs.len(),
        count(Status::Ok),
        count(Status::Skipped),
        count(Status::Failed),
        report.seconds
    ));
    for row in report.with_status(Status::Failed) {
        out.push_str(&format!(
            "\n# {} failed:\n{}\n",
            control(&row.display()),
            row.error.as_deref().unwrap_or("").trim_end()
        ));
    }
    if mode == ReportKind::Check {
        for row in report.envs.iter().filter(|r| r.has_rule_errors()) {
            out.push_str(&format!("\n# {} rule errors:\n", control(&row.display())));
            for f in row
                .findings
                .iter()
                .filter(|f| f.severity == crate::check::Severity::Error)
            {
                out.push_str(&format!(
                    "step {} {}: [{}] {}\n",
                    control(&f.step),
                    control(&f.step_name),
                    f.rule.id(),
                    control(&f.reason)
                ));
            }
        }
    }
    out
}

/// The first line of `text`, cut at 80 characters.
fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    let line = control(line);
    if line.chars().count() > 80 {
        let cut: String = line.chars().take(79).collect();
        format!("{cut}…")
    } else {
        line.to_string()
    }
}
