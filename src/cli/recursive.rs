//! `tkstep diff|check <ROOT> --recursive`: run the plan on every environment under a directory
//! and print one summary row per environment.

use std::io::IsTerminal;
use std::time::Duration;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use tkstep::plan::{Plan, PlanSource};
use tkstep::preflight::FollowOptions;
use tkstep::repo::{self, EnvReport, Progress, RepoReport, ReportKind, RunOptions};

use super::check::CheckArgs;
use super::diff::DiffArgs;
use super::{Exit, UsageError, output};

/// `--recursive` and its companions, shared by `diff` and `check`.
#[derive(Debug, Args)]
#[command(next_help_heading = "Whole repositories")]
pub struct RecursiveArgs {
    /// Treat the path as a directory: run on every Tanka environment found under it (static and
    /// inline; environments that are not Mimir-like are skipped), in parallel, and print one
    /// summary row per environment. With --name, only environments of exactly that name.
    #[arg(long, short = 'r')]
    pub recursive: bool,
    /// With --recursive: evaluator threads in all (default: one per core), shared by the
    /// environments: N environments at once, or fewer, each on several threads.
    #[arg(long, short = 'j', value_name = "N", requires = "recursive",
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub jobs: Option<usize>,
    /// With --recursive: time given to each environment (to list it, then to run the plan on
    /// it), e.g. 90s, 5m, 1h; 0 for no limit. An environment that takes longer is reported as
    /// failed, and the run goes on.
    #[arg(long, value_name = "DURATION", default_value = "5m", requires = "recursive",
          value_parser = parse_timeout)]
    pub timeout: Duration,
    /// With --recursive: only environments whose metadata.labels match this Kubernetes label
    /// selector (e.g. `team=mimir`, `tier in (prod,staging)`, `!legacy`), as `tk export -l`.
    #[arg(long, short = 'l', value_name = "SELECTOR", requires = "recursive",
          value_parser = super::common::selector)]
    pub selector: Option<tkstep::env::Selector>,
}

/// `--timeout`: a duration such as `90s`, `5m` or `1h 30m`; `0` (no limit) is [`Duration::ZERO`].
fn parse_timeout(text: &str) -> Result<Duration, String> {
    if text.trim() == "0" {
        return Ok(Duration::ZERO);
    }
    humantime::parse_duration(text)
        .map_err(|e| format!("{e} (expected e.g. 90s, 5m, 1h; 0 for no limit)"))
}

/// `tkstep diff <ROOT> --recursive`.
pub fn run_diff(args: &DiffArgs) -> anyhow::Result<Exit> {
    if args.step.is_some() {
        return Err(UsageError::conflict("--step <ID>", "--recursive").into());
    }
    if !args.targets.targets.is_empty() {
        return Err(UsageError::conflict("--target <REGEX>", "--recursive").into());
    }
    let report = run(&args.env, &args.plan, &args.recursive)?;
    print(&report, ReportKind::Diff, args.json)?;
    // A failed environment wins; skipped environments never count.
    Ok(if report.any_failed() {
        Exit::Error
    } else if args.exit_code && report.any_changes() {
        Exit::Differences
    } else {
        Exit::Ok
    })
}

/// `tkstep check <ROOT> --recursive`.
pub fn run_check(args: &CheckArgs) -> anyhow::Result<Exit> {
    let report = run(&args.env, &args.plan, &args.recursive)?;
    print(&report, ReportKind::Check, args.json)?;
    // A failed environment wins over a rule error elsewhere (it could not be checked at all);
    // warnings and skipped environments never count.
    Ok(if report.any_failed() {
        Exit::Error
    } else if report.any_rule_errors() {
        Exit::Unsafe
    } else {
        Exit::Ok
    })
}

fn run(
    env: &super::common::EnvArgs,
    plan: &super::common::PlanArgs,
    recursive: &RecursiveArgs,
) -> anyhow::Result<RepoReport> {
    if env.has_variables() {
        return Err(UsageError::new(
            "external variables and top-level arguments cannot be used with '--recursive'",
        )
        .into());
    }
    if plan.from.is_some() {
        return Err(UsageError::new(
            "'--from' cannot be used with '--recursive': each environment is classified on its \
             own (one that imports an overlay tkstep wrote resumes after it)",
        )
        .into());
    }
    // A plan file is read once, for every environment.
    let source = match plan.source() {
        PlanSource::File(path) => PlanSource::Plan(Plan::from_file(&path)?),
        source => source,
    };
    let options = RunOptions {
        plan: source,
        params: plan.params()?,
        follow: FollowOptions::default().no_prerequisites(plan.no_prerequisites),
        name: env.name.clone(),
        selector: recursive.selector.clone(),
        jobs: recursive.jobs,
        timeout: (!recursive.timeout.is_zero()).then_some(recursive.timeout),
    };
    let bar = Bar::new();
    let report = repo::run(&env.env, &options, &bar);
    bar.0.finish_and_clear();
    let report = report?;
    if report.envs.is_empty() {
        eprintln!("No environments found under {}.", env.env.display());
    }
    Ok(report)
}

/// A progress bar on stderr, drawn only when stderr is a terminal.
struct Bar(ProgressBar);

impl Bar {
    fn new() -> Self {
        let bar = if std::io::stderr().is_terminal() {
            ProgressBar::new_spinner().with_message("finding environments")
        } else {
            ProgressBar::hidden()
        };
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Bar(bar)
    }
}

impl Progress for Bar {
    fn discovered(&self, total: usize) {
        self.0.set_length(total as u64);
        if let Ok(style) =
            ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} {elapsed} {wide_msg}")
        {
            self.0.set_style(style.progress_chars("=> "));
        }
        self.0.set_message("");
    }

    fn finished(&self, row: &EnvReport) {
        self.0.inc(1);
        self.0
            .set_message(format!("{} {}", row.display(), row.status.as_str()));
    }
}

fn print(report: &RepoReport, kind: ReportKind, json: bool) -> anyhow::Result<()> {
    let text = if json {
        report.to_json()? + "\n"
    } else {
        report.to_text(kind)
    };
    output::print(&text)
}
