//! Command-line parsing (clap) and dispatch. Every command is a thin layer over the library.

mod check;
mod common;
mod compare;
mod diff;
mod duplicates;
mod exit;
mod export;
mod files;
mod output;
mod overlays;
mod panic;
mod plan;
mod recursive;
mod render;
mod runbook;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

pub use exit::Exit;

/// A usage error found after clap's parsing (a flag combination or value that only a command
/// can judge): reported in clap's format and with [`Exit::Usage`].
#[derive(Debug)]
pub struct UsageError {
    kind: clap::error::ErrorKind,
    message: String,
}

impl UsageError {
    /// A flag value that is not valid (e.g. a zone listed twice).
    pub fn new(message: impl Into<String>) -> Self {
        UsageError {
            kind: clap::error::ErrorKind::ValueValidation,
            message: message.into(),
        }
    }

    /// Two flags that cannot be used together.
    pub fn conflict(first: &str, second: &str) -> Self {
        UsageError {
            kind: clap::error::ErrorKind::ArgumentConflict,
            message: format!("the argument '{first}' cannot be used with '{second}'"),
        }
    }

    /// Print as clap prints its errors (usage of the subcommand, the `--help` hint) and
    /// return the exit code.
    fn report(&self, subcommand: &str) -> ExitCode {
        let mut cli = Cli::command();
        cli.build();
        let mut cmd = cli.find_subcommand_mut(subcommand).cloned().unwrap_or(cli);
        let _ = cmd.error(self.kind, &self.message).print();
        Exit::Usage.into()
    }
}

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UsageError {}

/// Render Tanka environments step by step through a staged change and show what each step does.
#[derive(Debug, Parser)]
#[command(name = "tkstep", version, about, long_about = None)]
#[command(after_help = "Examples:
  tkstep render testdata/project/environments/mimir-microservices
  tkstep plan testdata/project/environments/mimir-microservices
  tkstep diff testdata/project/environments/mimir-microservices --summary
  tkstep overlays testdata/project/environments/mimir-microservices --out migration/
  tkstep check testdata/project/environments/mimir-microservices")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Render(render::RenderArgs),
    Plan(plan::PlanCmdArgs),
    Overlays(overlays::OverlaysArgs),
    Diff(diff::DiffArgs),
    Export(export::ExportArgs),
    Check(check::CheckArgs),
    Compare(compare::CompareArgs),
    Runbook(runbook::RunbookArgs),
}

impl Command {
    /// The subcommand's name, as typed.
    fn name(&self) -> &'static str {
        match self {
            Command::Render(_) => "render",
            Command::Plan(_) => "plan",
            Command::Overlays(_) => "overlays",
            Command::Diff(_) => "diff",
            Command::Export(_) => "export",
            Command::Check(_) => "check",
            Command::Compare(_) => "compare",
            Command::Runbook(_) => "runbook",
        }
    }

    /// The plan flags (every command has them).
    fn plan(&self) -> &common::PlanArgs {
        match self {
            Command::Render(args) => &args.plan,
            Command::Plan(args) => &args.plan,
            Command::Overlays(args) => &args.plan,
            Command::Diff(args) => &args.plan,
            Command::Export(args) => &args.plan,
            Command::Check(args) => &args.plan,
            Command::Compare(args) => &args.plan,
            Command::Runbook(args) => &args.plan,
        }
    }
}

/// The command is done and the process exits right after: leave `value` (an evaluator, rendered
/// states) to the operating system instead of dropping it. Dropping a renderer and a whole
/// plan's manifests walks every value once more (~6 ms on the example environment) for memory
/// that is about to be returned anyway.
pub(crate) fn exit_with<T>(value: T) {
    std::mem::forget(value);
}

/// Parse arguments, run the command, map the outcome to an exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let subcommand = cli.command.name();
    // The plan parameters as a whole (a zone listed twice), even where the command does not
    // use them (`render` without `--step`): a bad flag is a usage error whatever the command.
    if let Err(err) = cli.command.plan().params() {
        return report_error(&err, subcommand);
    }
    files::clean_up_on_signals();
    panic::install_hook();
    let result = panic::catch(|| match cli.command {
        Command::Render(args) => render::run(&args),
        Command::Plan(args) => plan::run(&args),
        Command::Overlays(args) => overlays::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Compare(args) => compare::run(&args),
        Command::Runbook(args) => runbook::run(&args),
    })
    .unwrap_or_else(|line| Err(anyhow::anyhow!(line)));
    // The process ends now: skip collecting the evaluator's object graph at thread exit.
    tkstep::eval::leak_thread_objects();
    match result {
        Ok(exit) => exit.into(),
        Err(err) => report_error(&err, subcommand),
    }
}

/// Print a command's error and return its exit code: [`Exit::Usage`] for a [`UsageError`],
/// [`Exit::Error`] for everything else.
fn report_error(err: &anyhow::Error, subcommand: &str) -> ExitCode {
    if let Some(done) = err.downcast_ref::<common::NothingToDo>() {
        eprintln!("{done}");
        return Exit::Ok.into();
    }
    if let Some(usage) = err.downcast_ref::<UsageError>() {
        return usage.report(subcommand);
    }
    eprintln!("Error: {err:#}");
    Exit::Error.into()
}
