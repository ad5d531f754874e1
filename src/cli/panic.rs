//! No panic text reaches a user: a panic (a bug, or a stack that could not be mapped for lack
//! of memory) becomes one `Error: …` line and exit code 1.
//!
//! The hook only remembers the panic's message and location; the command runs inside
//! `catch_unwind`, and the catch site prints the line. Worker threads of a recursive run catch
//! their own panics (the environment's row says what happened).

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};

thread_local! {
    /// The last panic on this thread: message and location.
    static LAST: RefCell<Option<(String, String)>> = const { RefCell::new(None) };
}

/// Install the quiet hook.
pub fn install_hook() {
    panic::set_hook(Box::new(|info| {
        let message = tkstep::repo::panic_message(info.payload());
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        // `try_with`: the thread may be exiting.
        let _ = LAST.try_with(|last| {
            if let Ok(mut last) = last.try_borrow_mut() {
                *last = Some((message, location));
            }
        });
    }));
}

/// Run `f`; a panic becomes `Err(line)`, the one line to print.
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    panic::catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        let (message, location) = LAST
            .with(|last| last.borrow_mut().take())
            .unwrap_or_else(|| (tkstep::repo::panic_message(payload.as_ref()), String::new()));
        describe(&message, &location)
    })
}

/// The line for a panic with `message` at `location`.
pub fn describe(message: &str, location: &str) -> String {
    if is_out_of_memory(message) {
        return "out of memory (a stack for the evaluation could not be mapped; is a memory \
                limit such as `ulimit -v` set?)"
            .to_string();
    }
    let at = if location.is_empty() {
        String::new()
    } else {
        format!(" at {location}")
    };
    format!("internal error: {message}{at} (a bug in tkstep, please report it)")
}

/// Whether a panic message is about memory that could not be had (stacker's stack mapping).
fn is_out_of_memory(message: &str) -> bool {
    message.contains("failed to allocate stack") || message.contains("Cannot allocate memory")
}
