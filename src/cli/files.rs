//! The CLI side of writing files: report what the library's [`tkstep::output`] did, and hook
//! its cleanup to SIGINT/SIGTERM.

use std::path::PathBuf;

use tkstep::output::Written;

/// On SIGINT or SIGTERM, remove the staging folders of writes in progress (waiting for a set
/// being put in place to be complete), then die of the signal as if unhandled.
pub fn clean_up_on_signals() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
        return; // no handler: the default action (no cleanup) still stops the process
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            tkstep::output::abort_pending_writes();
            let _ = signal_hook::low_level::emulate_default_handler(signal);
            std::process::exit(128 + signal);
        }
    });
}

/// Tell about stale staging folders removed by a write.
pub fn report_stale(written: &Written) {
    for path in &written.removed_stale {
        eprintln!(
            "removed '{}', left behind by an interrupted tkstep run",
            path.display()
        );
    }
}

/// Tell about every file written.
pub fn report_files(files: &[PathBuf]) {
    for path in files {
        eprintln!("wrote {}", path.display());
    }
}
