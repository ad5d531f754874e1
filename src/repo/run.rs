//! Running a plan on one environment and summing up the outcome in one row.

use std::time::Instant;

use serde::Serialize;
use serde_json::Value;

use super::{EnvKind, EnvRef};
use crate::check::{Finding, Severity};
use crate::diff::{Counts, DiffOptions};
use crate::plan::{Params, PlanError, PlanSource};
use crate::preflight::{Follow, FollowOptions, Preparation, prepare};
use crate::steps::{PlanRun, RunSettings};
use crate::{Error, Renderer};

/// The Jsonnet question asked of every environment's data (bound to `value`): is it a Mimir
/// library of the `deployment_mode` era?
pub const MIMIR_LIKE_EXPR: &str = "std.isObject(value) && std.objectHasAll(value, '_config') && std.isObject(value._config) \
     && std.objectHasAll(value._config, 'deployment_mode')";

/// The note on environments that are not Mimir-like.
pub const NOT_MIMIR_NOTE: &str = "not Mimir-like: no _config.deployment_mode";

/// What to run on every environment.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The plan: built-in (the reverse plan takes its replica totals from each environment,
    /// see [`crate::steps::select_plan`]), from a file, or already built.
    pub plan: PlanSource,
    /// Its parameters.
    pub params: Params,
    /// Where each environment starts: prerequisites chained or not; `from` is usually left
    /// unset (each environment is classified on its own, and one importing an overlay tkstep
    /// wrote resumes after it, see [`crate::preflight::prepare`]).
    pub follow: FollowOptions,
    /// Keep only environments whose `metadata.name` is exactly this (`tk export -r --name`).
    pub name: Option<String>,
    /// Keep only environments whose `metadata.labels` match this (`tk export -r -l`).
    pub selector: Option<crate::env::Selector>,
    /// Evaluator threads in all (`None`: one per core), shared by the environments: as many
    /// environments run at once, each on `jobs / environments` threads (at least one).
    pub jobs: Option<usize>,
    /// Time given to each environment, for listing it and again for running the plan on it
    /// (`None`: no limit; see [`DEFAULT_TIMEOUT`](super::DEFAULT_TIMEOUT)). One that takes
    /// longer is a [`Status::Failed`] row; its thread is abandoned, not stopped.
    pub timeout: Option<std::time::Duration>,
}

/// How one environment fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The plan was rendered at every step and checked.
    Ok,
    /// Nothing was rendered: not Mimir-like, or already where the plan leads (see the note).
    Skipped,
    /// The environment could not be listed, evaluated, or the plan not adapted (see the error).
    Failed,
}

impl Status {
    /// `ok`, `skipped` or `failed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Skipped => "skipped",
            Status::Failed => "failed",
        }
    }
}

/// What the plan changes in an environment, over all its config steps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ChangeSummary {
    /// Config steps (rendered states after `before`).
    pub config_steps: usize,
    /// Config steps that change at least one object.
    pub changed_steps: usize,
    /// Objects added, summed over the steps.
    pub added: usize,
    /// Objects modified, summed over the steps.
    pub modified: usize,
    /// Objects removed, summed over the steps.
    pub removed: usize,
}

impl ChangeSummary {
    /// Sum up the object-level changes of each config step.
    pub fn from_counts(counts: impl IntoIterator<Item = Counts>) -> Self {
        let mut out = ChangeSummary::default();
        for c in counts {
            out.config_steps += 1;
            if !c.is_empty() {
                out.changed_steps += 1;
            }
            out.added += c.added;
            out.modified += c.modified;
            out.removed += c.removed;
        }
        out
    }

    /// Whether any step changes anything.
    pub fn has_changes(&self) -> bool {
        self.changed_steps > 0
    }
}

impl std::fmt::Display for ChangeSummary {
    /// `10/14 steps: +19 ~40 -50`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}/{} steps: +{} ~{} -{}",
            self.changed_steps, self.config_steps, self.added, self.modified, self.removed
        )
    }
}

/// Finding counts per severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CheckCounts {
    /// Rule errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Notes.
    pub info: usize,
}

impl std::fmt::Display for CheckCounts {
    /// `1 error, 2 warnings`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural = |n: usize, word: &str| {
            if n == 1 {
                format!("{n} {word}")
            } else {
                format!("{n} {word}s")
            }
        };
        write!(
            f,
            "{}, {}",
            plural(self.errors, "error"),
            plural(self.warnings, "warning")
        )
    }
}

/// One environment's row of a recursive run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnvReport {
    /// Directory relative to the searched directory.
    pub path: String,
    /// Tanka's `metadata.name` (empty when the file could not be listed).
    pub name: String,
    /// Static or inline.
    pub kind: EnvKind,
    /// Ok, skipped or failed.
    pub status: Status,
    /// Why it was skipped.
    pub note: Option<String>,
    /// Why it failed (the full error text).
    pub error: Option<String>,
    /// Number of steps of the plan as adapted to the environment (0 unless ok).
    pub steps: usize,
    /// What the plan changes (ok only).
    pub changes: Option<ChangeSummary>,
    /// What the checks found (ok only).
    pub checks: Option<CheckCounts>,
    /// The error and warning findings (ok only; notes left out).
    pub findings: Vec<Finding>,
    /// Wall time spent on the environment, in seconds (opening, classifying, rendering every
    /// step, diffing and checking; listing excluded).
    pub seconds: f64,
}

impl EnvReport {
    /// A row with nothing but the identity and status.
    fn new(path: &str, name: &str, kind: EnvKind, status: Status) -> Self {
        EnvReport {
            path: path.to_string(),
            name: name.to_string(),
            kind,
            status,
            note: None,
            error: None,
            steps: 0,
            changes: None,
            checks: None,
            findings: Vec::new(),
            seconds: 0.0,
        }
    }

    /// A failed row.
    pub(super) fn failed(path: &str, name: &str, kind: EnvKind, error: String) -> Self {
        let mut row = Self::new(path, name, kind, Status::Failed);
        row.error = Some(error);
        row
    }

    /// Path, plus `[name]` for inline environments (see [`EnvRef::display`]).
    pub fn display(&self) -> String {
        match self.kind {
            EnvKind::Inline if !self.name.is_empty() => format!("{} [{}]", self.path, self.name),
            _ => self.path.clone(),
        }
    }

    /// Whether the checks found a rule error.
    pub fn has_rule_errors(&self) -> bool {
        self.checks.is_some_and(|c| c.errors > 0)
    }

    /// Whether any step changes anything.
    pub fn has_changes(&self) -> bool {
        self.changes.is_some_and(|c| c.has_changes())
    }
}

/// Open `env`, check that it is Mimir-like, run the plan on it (render every step, diff
/// consecutive steps, run the checks) and sum up. Never panics on a bad environment: errors
/// become a [`Status::Failed`] row.
///
/// The plan runs on `settings.threads` threads; the environment's Jsonnet objects are
/// collected before this returns (whatever [`RunSettings::leak_at_exit`] says), so that a
/// whole repository runs in the memory of its largest environments.
pub fn run_env(env: &EnvRef, options: &RunOptions, settings: &RunSettings) -> EnvReport {
    let start = Instant::now();
    let settings = settings.leak_at_exit(false);
    let mut row = match env
        .open()
        .and_then(|r| run_opened(env, &r, options, &settings))
    {
        Ok(row) => row,
        Err(e) => EnvReport::failed(&env.path, &env.name, env.kind, e.to_string()),
    };
    row.seconds = (start.elapsed().as_secs_f64() * 1000.0).round() / 1000.0;
    row
}

fn run_opened(
    env: &EnvRef,
    renderer: &Renderer,
    options: &RunOptions,
    settings: &RunSettings,
) -> crate::Result<EnvReport> {
    let skipped = || {
        let mut row = EnvReport::new(&env.path, &env.name, env.kind, Status::Skipped);
        row.note = Some(NOT_MIMIR_NOTE.to_string());
        row
    };
    if !is_mimir_like(renderer)? {
        return Ok(skipped());
    }
    let follow = match prepare(renderer, &options.plan, &options.params, &options.follow)? {
        Preparation::Follow(follow) => follow,
        Preparation::Done(message) => {
            let mut row = EnvReport::new(&env.path, &env.name, env.kind, Status::Skipped);
            row.note = Some(message);
            return Ok(row);
        }
        Preparation::Stop(message) => {
            return Ok(EnvReport::failed(&env.path, &env.name, env.kind, message));
        }
    };
    let Follow {
        renderer: other,
        plan,
        params,
        ..
    } = *follow;
    let renderer = other.as_ref().unwrap_or(renderer);
    let run = match PlanRun::with_settings(renderer, &plan, &params, settings) {
        Ok(run) => run,
        Err(Error::Plan(PlanError::NotMimirLike)) => return Ok(skipped()),
        // When the environment itself does not render, say so rather than naming the step
        // whose adaptation happened to evaluate it first.
        Err(e) => return Err(renderer.render(None).err().unwrap_or(e)),
    };
    let diff = DiffOptions::new();
    let changes = ChangeSummary::from_counts(
        run.steps
            .windows(2)
            .map(|w| diff.diff_objects(&w[0].manifests, &w[1].manifests).counts()),
    );
    let findings = run.check();
    let summary = findings.summary();
    let mut row = EnvReport::new(&env.path, &env.name, env.kind, Status::Ok);
    row.steps = run.plan.plan.steps.len();
    row.changes = Some(changes);
    row.checks = Some(CheckCounts {
        errors: summary.errors,
        warnings: summary.warnings,
        info: summary.info,
    });
    row.findings = findings
        .findings
        .into_iter()
        .filter(|f| f.severity != Severity::Info)
        .collect();
    Ok(row)
}

/// Whether the environment's data has `_config.deployment_mode` (see [`MIMIR_LIKE_EXPR`]).
pub fn is_mimir_like(renderer: &Renderer) -> crate::Result<bool> {
    Ok(renderer.evaluate_expr(MIMIR_LIKE_EXPR)? == Value::Bool(true))
}
