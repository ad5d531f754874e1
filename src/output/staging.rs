//! Staging folders: where a write is prepared before it is put in place, how an interrupted
//! run's folders are recognised later, and how a signal handler removes the live ones.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// Every staging folder's name starts with this.
pub const PREFIX: &str = ".tkstep-staging-";
/// The marker file inside every staging folder.
pub const MARKER: &str = "TKSTEP-STAGING-FOLDER";
/// Present in a staging folder while its files are being put in place.
pub const COMMITTING: &str = "COMMITTING";
/// First line of the marker file.
const MARKER_HEADER: &str = "tkstep staging folder: safe to delete when no tkstep runs";

/// Environment variable (internal, for tkstep's own tests): when set to a path, a write creates
/// that file once everything is staged and waits, before putting anything in place, until the
/// file is removed. Lets a test interrupt a run at a known point.
pub const PAUSE_HOOK_VAR: &str = "TKSTEP_INTERNAL_PAUSE_BEFORE_COMMIT";

#[derive(Default)]
struct Registry {
    live: Vec<PathBuf>,
    aborted: bool,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    live: Vec::new(),
    aborted: false,
});

fn registry() -> MutexGuard<'static, Registry> {
    REGISTRY.lock().unwrap_or_else(|e| e.into_inner())
}

/// A staging folder of this process, removed when dropped.
#[derive(Debug)]
pub(super) struct Staging {
    path: PathBuf,
}

/// Held while files are put in place: [`abort_pending_writes`] waits for it, so a signal never
/// lands between two renames of one set.
pub(super) struct CommitGuard(#[allow(dead_code)] MutexGuard<'static, Registry>);

impl Staging {
    /// Create a staging folder in `base` for a write into `target`.
    pub(super) fn create(base: &Path, target: &Path) -> io::Result<Staging> {
        let mut reg = registry();
        if reg.aborted {
            return Err(io::Error::new(io::ErrorKind::Interrupted, "interrupted"));
        }
        let path = tempfile::Builder::new()
            .prefix(PREFIX)
            .tempdir_in(base)?
            .keep();
        reg.live.push(path.clone());
        drop(reg);
        let staging = Staging { path };
        fs::write(
            staging.path.join(MARKER),
            format!(
                "{MARKER_HEADER}\npid: {}\ntarget: {}\n",
                std::process::id(),
                target.display()
            ),
        )?;
        Ok(staging)
    }

    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// Wait for the test hook (see [`PAUSE_HOOK_VAR`]), then block signal cleanup until the
    /// returned guard is dropped. Fails when a signal already cleaned up.
    pub(super) fn begin_commit(&self) -> io::Result<CommitGuard> {
        if let Some(hook) = std::env::var_os(PAUSE_HOOK_VAR) {
            let hook = PathBuf::from(hook);
            fs::write(&hook, self.path.display().to_string())?;
            while hook.exists() {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
        }
        let reg = registry();
        if reg.aborted {
            return Err(io::Error::new(io::ErrorKind::Interrupted, "interrupted"));
        }
        Ok(CommitGuard(reg))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
        registry().live.retain(|p| p != &self.path);
    }
}

/// Remove every staging folder this process has open and refuse new ones; waits for a write
/// that is putting files in place to finish first. Returns the folders removed.
///
/// The library installs no signal handler: a program that wants Ctrl-C (SIGINT) or SIGTERM
/// to leave no trace calls this from its handler before exiting (the `tkstep` binary does,
/// with `signal-hook`).
pub fn abort_pending_writes() -> Vec<PathBuf> {
    let mut reg = registry();
    reg.aborted = true;
    let live = std::mem::take(&mut reg.live);
    for path in &live {
        let _ = fs::remove_dir_all(path);
    }
    live
}

/// What an earlier, killed run left in a directory.
#[derive(Debug, Default)]
pub(super) struct Stale {
    /// Staging folders that were never put in place: removed.
    pub removed: Vec<PathBuf>,
    /// Staging folders of a run killed while putting files in place: left for the user.
    pub half_committed: Option<PathBuf>,
}

/// Remove the staging folders of killed runs in `dir`. Call only with `dir`'s lock held: every
/// live staging folder in `dir` belongs to the lock holder, so any other one is stale.
pub(super) fn sweep(dir: &Path) -> io::Result<Stale> {
    let mut stale = Stale::default();
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(stale),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        if !name.to_string_lossy().starts_with(PREFIX) || !entry.file_type()?.is_dir() {
            continue;
        }
        let path = entry.path();
        let marker = fs::read_to_string(path.join(MARKER)).unwrap_or_default();
        if !marker.starts_with(MARKER_HEADER) {
            continue; // not ours: never delete what tkstep did not write
        }
        if path.join(COMMITTING).exists() {
            stale.half_committed = Some(path);
            continue;
        }
        fs::remove_dir_all(&path)?;
        stale.removed.push(path);
    }
    Ok(stale)
}
