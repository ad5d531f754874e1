//! Whole repositories: find every Tanka environment under a directory and run a plan on each,
//! in parallel.
//!
//! 1. [`discover`] walks the directory the way `tk export --recursive` does (every
//!    `main.jsonnet`; static environments from `spec.json`, inline files evaluated just far
//!    enough to list their `Environment` objects, one [`EnvRef`] each);
//! 2. [`run_env`] opens one environment, asks whether it is Mimir-like
//!    ([`MIMIR_LIKE_EXPR`]: its data has `_config.deployment_mode`), and if so adapts and
//!    renders the plan ([`PlanRun`](crate::steps::PlanRun)), diffs consecutive steps and runs
//!    the checks, summing up in an [`EnvReport`];
//! 3. [`run`] does both for a whole directory on all cores (rayon): one task per `main.jsonnet`
//!    to list, then one task per environment to run, within one budget of evaluator threads
//!    ([`RunOptions::jobs`]). A [`Renderer`](crate::Renderer) holds a
//!    jrsonnet state that cannot move between threads, so every task opens its environment
//!    itself; nothing is shared between environments (like Tanka, which builds a fresh VM per
//!    environment).
//!
//! A failing environment never stops the others: its error lands in its row
//! ([`Status::Failed`]). Environments that are not Mimir-like are [`Status::Skipped`] with a
//! note; only their top-level object is evaluated (to read `_config`), so an error deeper in
//! their data goes unnoticed.
//!
//! ```no_run
//! use std::path::Path;
//! use tkstep::plan::{Params, PlanSource, TO_READ_WRITE};
//! use tkstep::repo::{self, RunOptions, Status};
//!
//! let options = RunOptions {
//!     plan: PlanSource::Builtin(TO_READ_WRITE.to_string()),
//!     params: Params::default(),
//!     follow: Default::default(),
//!     name: None,
//!     selector: None,
//!     jobs: None,
//!     timeout: Some(repo::DEFAULT_TIMEOUT),
//! };
//! let report = repo::run(Path::new("testdata/repo"), &options, &())?;
//! for row in &report.envs {
//!     println!("{} {} {:?}", row.display(), row.status.as_str(), row.changes);
//! }
//! assert!(report.envs.iter().any(|r| r.status == Status::Failed));
//! # Ok::<(), tkstep::Error>(())
//! ```

mod bounded;
mod discover;
mod report;
mod run;

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use bounded::Outcome;
pub use bounded::panic_message;

use serde::Serialize;

pub use discover::{Discovery, DiscoveryError, EnvKind, EnvRef, discover};
pub use report::ReportKind;
pub use run::{
    ChangeSummary, CheckCounts, EnvReport, MIMIR_LIKE_EXPR, NOT_MIMIR_NOTE, RunOptions, Status,
    is_mimir_like, run_env,
};

use crate::Result;
use crate::steps::RunSettings;

/// Told about the progress of [`run`] (e.g. to draw a progress bar). Called from worker
/// threads. `()` ignores everything.
pub trait Progress: Sync {
    /// Listing is done: `total` rows will follow.
    fn discovered(&self, total: usize) {
        let _ = total;
    }
    /// One environment is done.
    fn finished(&self, row: &EnvReport) {
        let _ = row;
    }
}

impl Progress for () {}

/// The outcome of [`run`]: one row per environment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RepoReport {
    /// The rows, sorted by path, then name.
    pub envs: Vec<EnvReport>,
    /// Wall time of the whole run, listing included, in seconds.
    pub seconds: f64,
}

impl RepoReport {
    /// Rows with the given status.
    pub fn with_status(&self, status: Status) -> impl Iterator<Item = &EnvReport> {
        self.envs.iter().filter(move |r| r.status == status)
    }

    /// Whether any environment failed (to list, evaluate, or adapt the plan).
    pub fn any_failed(&self) -> bool {
        self.with_status(Status::Failed).next().is_some()
    }

    /// Whether any environment's checks found a rule error.
    pub fn any_rule_errors(&self) -> bool {
        self.envs.iter().any(EnvReport::has_rule_errors)
    }

    /// Whether the plan changes anything in any environment.
    pub fn any_changes(&self) -> bool {
        self.envs.iter().any(EnvReport::has_changes)
    }
}

/// The time an environment gets in a recursive run unless told otherwise (listing it, then
/// running the plan on it, each): far more than any real environment needs (seconds), short
/// enough that one stuck environment cannot hold a CI job for long.
pub const DEFAULT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(300);

/// Find every environment at or below `dir` ([`discover`]) and run the plan on each
/// ([`run_env`]), in parallel. Files that cannot be listed become failed rows. Errors only if
/// `dir` cannot be read.
pub fn run(dir: &Path, options: &RunOptions, progress: &dyn Progress) -> Result<RepoReport> {
    let start = Instant::now();
    let found = discover::discover_within(dir, options.jobs, options.timeout)?;
    let envs: Vec<EnvRef> = found
        .envs
        .into_iter()
        .filter(|e| e.is_selected(options.name.as_deref(), options.selector.as_ref()))
        .collect();
    let mut rows: Vec<EnvReport> = Vec::new();
    if options.name.is_none() {
        rows.extend(
            found
                .errors
                .into_iter()
                .map(|e| EnvReport::failed(&e.path, "", e.kind, e.error)),
        );
    }
    progress.discovered(rows.len() + envs.len());
    for row in &rows {
        progress.finished(row);
    }
    // One budget of evaluator threads: environments at once, each on its share.
    let jobs = options
        .jobs
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let settings = RunSettings::default().threads(jobs / envs.len().max(1));
    let shared = Arc::new(options.clone());
    let outcomes = bounded::map_bounded(
        &envs,
        Some(jobs.min(envs.len().max(1))),
        options.timeout,
        move |env| run_env(env, &shared, &settings),
        |outcome, env| progress.finished(&row_of(outcome.clone(), env)),
    );
    rows.extend(envs.iter().zip(outcomes).map(|(env, o)| row_of(o, env)));
    rows.sort_by(|a, b| (&a.path, &a.name).cmp(&(&b.path, &b.name)));
    Ok(RepoReport {
        envs: rows,
        seconds: (start.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
    })
}

/// The row of an environment's run, whatever became of it.
fn row_of(outcome: Outcome<EnvReport>, env: &EnvRef) -> EnvReport {
    let failed = |error| EnvReport::failed(&env.path, &env.name, env.kind, error);
    match outcome {
        Outcome::Done(row) => row,
        Outcome::TimedOut(limit) => {
            let mut row = failed(discover::timed_out_message(limit));
            row.seconds = limit.as_secs_f64();
            row
        }
        Outcome::Panicked(message) => failed(discover::panicked_message(&message)),
    }
}

/// `f` over `items` on a rayon pool of `jobs` threads (`None`: one per core), results in input
/// order. `f` runs on worker threads: anything `!Send` (such as a
/// [`Renderer`](crate::Renderer)) must be created inside it.
pub fn par_map<I: Sync, T: Send>(
    items: &[I],
    jobs: Option<usize>,
    f: impl Fn(&I) -> T + Sync + Send,
) -> Vec<T> {
    use rayon::prelude::*;
    let work = || items.par_iter().map(&f).collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.unwrap_or(0))
        .stack_size(bounded::WORKER_STACK)
        .build();
    match pool {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    }
}
