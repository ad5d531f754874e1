//! Command-line parsing (clap) and dispatch. Every command is a thin layer over the library.

mod check;
mod common;
mod compare;
mod diff;
mod export;
mod files;
mod output;
mod overlays;
mod plan;
mod recursive;
mod render;
mod runbook;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit code for success.
pub const EXIT_OK: u8 = 0;
/// Exit code for any error (bad input, evaluation failure, unwritable output).
pub const EXIT_ERROR: u8 = 1;

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
    files::clean_up_on_signals();
    let result = match cli.command {
        Command::Render(args) => render::run(&args),
        Command::Plan(args) => plan::run(&args),
        Command::Overlays(args) => overlays::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Compare(args) => compare::run(&args),
        Command::Runbook(args) => runbook::run(&args),
    };
    // The process ends now: skip collecting the evaluator's object graph at thread exit.
    tkstep::eval::leak_thread_objects();
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            if output::is_broken_pipe(&err) {
                return ExitCode::from(EXIT_OK);
            }
            eprintln!("Error: {err:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}
