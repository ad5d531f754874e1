//! `tkstep runbook`: the operator's runbook for the plan on this environment.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use tkstep::runbook::{self, Runbook, TkTarget};

use super::common::{EnvArgs, PlanArgs};
use super::{Exit, files, output};

/// Runbook output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Markdown.
    Md,
    /// One self-contained HTML file.
    Html,
    /// The runbook's data as JSON.
    Json,
}

/// Write the runbook for the plan on this environment: per step the overlay file and the
/// `tk diff`/`tk apply` commands, which workloads roll and which change replicas, checks
/// (PromQL, ring pages), waits computed from the rendered flags, the ingester shutdown
/// procedure before each ingester zone, safety findings, the PVCs left behind, and the replica
/// timeline.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tkstep runbook testdata/project/environments/mimir-microservices
  tkstep runbook testdata/project/environments/mimir-microservices --format html --out runbook.html

Exit codes: 0 written, 1 evaluation, input or output error.")]
pub struct RunbookArgs {
    #[command(flatten)]
    pub env: EnvArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Md)]
    pub format: Format,
    /// Write to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Replace --out if it exists (a regular file only; its mode is kept).
    #[arg(long, requires = "out")]
    pub force: bool,
    #[command(flatten)]
    pub plan: PlanArgs,
}

/// Run `tkstep runbook`.
pub fn run(args: &RunbookArgs) -> anyhow::Result<Exit> {
    let (renderer, run) = args.plan.run(args.env.open()?)?;
    super::duplicates::warn_steps(&run.steps);
    let book = Runbook::build(&run, &TkTarget::of(&renderer));
    let text = match args.format {
        Format::Md => runbook::markdown::render(&book),
        Format::Html => runbook::html::render(&book),
        Format::Json => book.to_json()? + "\n",
    };
    match &args.out {
        Some(path) => {
            let written = tkstep::output::write_file(path, text.as_bytes(), args.force)?;
            files::report_stale(&written);
            files::report_files(&written.files);
        }
        None => output::print(&text)?,
    }
    Ok(Exit::Ok)
}
