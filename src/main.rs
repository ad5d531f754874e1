//! The `tkstep` command line: a thin shell over the `tkstep` library.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
