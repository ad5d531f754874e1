//! The advisory lock that keeps two tkstep runs from writing into one directory at once.

use std::fs::File;
use std::io;
use std::path::Path;

/// An exclusive `flock(2)` on a directory, released when dropped (or when the process dies,
/// however it dies: the kernel drops the lock with the last open descriptor).
#[derive(Debug)]
pub struct DirLock {
    _file: File,
}

impl DirLock {
    /// Take the lock on `dir` without waiting: `Ok(None)` when another process holds it.
    pub fn try_acquire(dir: &Path) -> io::Result<Option<DirLock>> {
        let file = File::open(dir)?;
        #[cfg(unix)]
        {
            use std::os::fd::AsRawFd;
            // SAFETY: flock on a descriptor this function owns; no memory is involved.
            let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
            if rc != 0 {
                let err = io::Error::last_os_error();
                return if err.kind() == io::ErrorKind::WouldBlock {
                    Ok(None)
                } else {
                    Err(err)
                };
            }
        }
        Ok(Some(DirLock { _file: file }))
    }
}
