//! The exit codes of the `tkstep` binary: one type, used by every command. The library reports
//! outcomes (`Findings::has_errors`, `RepoReport::any_failed`, a diff's changes); the CLI maps
//! them to these codes. The codes are a contract and never change.

use std::process::ExitCode;

/// How a command ends, as the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Exit {
    /// Success.
    Ok = 0,
    /// Any error: bad input, evaluation failure, unwritable output, a failed environment.
    Error = 1,
    /// A usage error: an unknown flag, a malformed flag value, flags that cannot go together
    /// (clap's own code for its errors, which most of them are).
    Usage = 2,
    /// `check` found a rule error: the plan is unsafe.
    Unsafe = 3,
    /// `diff --exit-code` found differences, or `export --check` found drift (as `tk diff`).
    Differences = 16,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit as u8)
    }
}

#[cfg(test)]
mod tests {
    use super::Exit;

    #[test]
    fn codes_are_the_contract() {
        let codes = [
            Exit::Ok,
            Exit::Error,
            Exit::Usage,
            Exit::Unsafe,
            Exit::Differences,
        ];
        assert_eq!(codes.map(|e| e as u8), [0, 1, 2, 3, 16]);
    }
}
