//! Command-line parsing (clap) and dispatch. Every command is a thin layer over the library.

mod output;
mod render;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit code for success.
pub const EXIT_OK: u8 = 0;
/// Exit code for any error (bad input, evaluation failure, unwritable output).
pub const EXIT_ERROR: u8 = 1;

/// Render Tanka environments step by step through a staged change and show what each step does.
#[derive(Debug, Parser)]
#[command(name = "tkstep", version, about, long_about = None)]
#[command(after_help = "Examples:\n  tkstep render testdata/project/environments/mimir-microservices")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Render(render::RenderArgs),
}

/// Parse arguments, run the command, map the outcome to an exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Render(args) => render::run(&args),
    };
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
