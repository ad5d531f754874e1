//! Findings and how they are reported: a text report grouped by step, JSON, exit codes.

use super::rules::{Rule, Severity};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// One rule violated (or one fact reported) at one step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The rule.
    pub rule: Rule,
    /// Its severity (the rule's).
    pub severity: Severity,
    /// Id of the step where it happens (`before`, `5.2`, ...).
    pub step: String,
    /// Name of that step.
    pub step_name: String,
    /// The objects involved, as `Kind/name` (Jsonnet field names for `final-overrides`).
    pub objects: Vec<String>,
    /// One line saying what is wrong and what to do.
    pub reason: String,
}

/// A step of the checked plan, for grouping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepLabel {
    /// Step id.
    pub id: String,
    /// Step name.
    pub name: String,
}

/// Everything the checks found on a plan, ordered by step, then severity, then rule.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Findings {
    /// The steps checked, in plan order.
    pub steps: Vec<StepLabel>,
    /// The findings.
    pub findings: Vec<Finding>,
    /// How many rules ran (`None`: the read-write rule set's).
    #[serde(skip)]
    pub rules_run: Option<usize>,
}

/// Counts per severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Number of errors.
    pub errors: usize,
    /// Number of warnings.
    pub warnings: usize,
    /// Number of info findings.
    pub info: usize,
    /// Number of steps checked (including `before`).
    pub steps: usize,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    summary: Summary,
    steps: &'a [StepLabel],
    findings: &'a [Finding],
}

impl Findings {
    /// Sort findings by step order, severity, rule and objects; drop exact duplicates.
    pub(crate) fn new(steps: Vec<StepLabel>, mut findings: Vec<Finding>) -> Self {
        let pos = |id: &str| steps.iter().position(|s| s.id == id).unwrap_or(usize::MAX);
        findings.sort_by(|a, b| {
            (pos(&a.step), a.severity, a.rule, &a.objects, &a.reason).cmp(&(
                pos(&b.step),
                b.severity,
                b.rule,
                &b.objects,
                &b.reason,
            ))
        });
        findings.dedup();
        Findings {
            steps,
            findings,
            rules_run: None,
        }
    }

    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    /// Counts per severity.
    pub fn summary(&self) -> Summary {
        let count = |s| self.findings.iter().filter(|f| f.severity == s).count();
        Summary {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            info: count(Severity::Info),
            steps: self.steps.len(),
        }
    }

    /// Findings of one rule.
    pub fn of_rule(&self, rule: Rule) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.rule == rule)
    }

    /// Pretty JSON: `{"summary": {...}, "steps": [...], "findings": [...]}`.
    pub fn to_json(&self) -> String {
        let report = JsonReport {
            summary: self.summary(),
            steps: &self.steps,
            findings: &self.findings,
        };
        serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }

    /// The readable report: findings grouped by step (severity first), then a summary line.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for step in &self.steps {
            let here: Vec<&Finding> = self.findings.iter().filter(|f| f.step == step.id).collect();
            if here.is_empty() {
                continue;
            }
            // Names come from the environment and the plan file: control characters escaped.
            use crate::escape::control;
            let _ = writeln!(out, "step {} ({})", control(&step.id), control(&step.name));
            for f in here {
                let objects = control(&f.objects.join(", ")).into_owned();
                let _ = writeln!(out, "  {}[{}] {objects}", f.severity, f.rule);
                let _ = writeln!(out, "      {}", control(&f.reason));
            }
            out.push('\n');
        }
        let s = self.summary();
        if self.findings.is_empty() {
            let _ = writeln!(
                out,
                "No findings: {} rules pass on {} {}.",
                self.rules_run.unwrap_or_else(|| {
                    super::RuleSet::ReadWrite(super::Direction::ToReadWrite)
                        .rules()
                        .len()
                }),
                s.steps,
                plural(s.steps, "step", "steps")
            );
        } else {
            let _ = writeln!(
                out,
                "{} {}, {} {}, {} info in {} {}{}",
                s.errors,
                plural(s.errors, "error", "errors"),
                s.warnings,
                plural(s.warnings, "warning", "warnings"),
                s.info,
                s.steps,
                plural(s.steps, "step", "steps"),
                if self.has_errors() {
                    " - the plan is not safe to apply as is."
                } else {
                    "."
                }
            );
        }
        out
    }
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}
