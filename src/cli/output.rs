//! Writing command output: stdout with broken-pipe tolerance.

use std::io::{self, Write};

/// Write `text` to stdout in one go.
///
/// A closed pipe (`tkstep check … | head -1`) is not an error of the command: the reader has
/// seen what it wanted, and the command's own result (its exit code) stands. So a broken pipe
/// is ignored here, and the caller goes on to return the code it computed: 3, 16 or 1 survive
/// `set -o pipefail`, never turned into 0 (nor into 1 for a successful command).
pub fn print(text: &str) -> anyhow::Result<()> {
    match write_all(text) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

fn write_all(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}
