//! Reading input files (spec.json, Jsonnet sources and imports, plan files) safely: only
//! regular files, never more than a given size.
//!
//! Reading a FIFO blocks until someone writes to it (a `--recursive` run would hang), and a
//! device such as `/dev/zero` never ends (memory grows until the process dies). So the file is
//! checked before it is opened, opened without blocking, checked again on the open handle (the
//! path may have changed in between), and read through a limit: a file that grows while it is
//! read is cut at the limit and refused all the same.

use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// At most this many bytes are read from a Jsonnet source or an imported file
/// (`import`, `importstr`, `importbin`): far beyond any real library file.
pub(crate) const MAX_SOURCE_BYTES: u64 = 256 << 20;

/// At most this many bytes are read from a small structured file (spec.json, a plan file).
pub(crate) const MAX_SMALL_FILE_BYTES: u64 = 16 << 20;

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ReadError {
    /// The path exists but is something else than a regular file.
    #[error("is {}{kind}, not a regular file", link.as_ref().map(|l| format!("a symlink to {}, which is ", l.display())).unwrap_or_default())]
    NotRegular {
        /// What it is (see [`describe`]).
        kind: &'static str,
        /// Where it points, when the path is a symlink.
        link: Option<PathBuf>,
    },
    /// The file is larger than allowed.
    #[error("is larger than {} MiB (the most tkstep reads from such a file)", limit >> 20)]
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// The operating system's error (the path is not repeated: callers name it).
    #[error("{}", os_message(.0))]
    Io(#[from] io::Error),
}

impl ReadError {
    /// Whether the file does not exist.
    pub(crate) fn is_not_found(&self) -> bool {
        matches!(self, ReadError::Io(e) if e.kind() == io::ErrorKind::NotFound)
    }
}

/// The text of an OS error without Rust's ` (os error N)` suffix, lowercased as Go and
/// Tanka print them (`no such file or directory`).
fn os_message(err: &io::Error) -> String {
    let text = err.to_string();
    let text = match text.find(" (os error ") {
        Some(i) => &text[..i],
        None => &text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// What a file that is not regular is, in words: `a directory`, `a FIFO (named pipe)`, ….
pub(crate) fn describe(meta: &Metadata) -> &'static str {
    let kind = meta.file_type();
    if kind.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if kind.is_file() {
        "a regular file"
    } else {
        "a special file"
    }
}

/// Check that `path` (following symlinks) is a regular file, without opening it.
pub(crate) fn check_regular(path: &Path) -> Result<Metadata, ReadError> {
    let meta = std::fs::metadata(path)?;
    if meta.is_file() {
        Ok(meta)
    } else {
        Err(not_regular(path, &meta))
    }
}

/// The error for `path`, whose metadata (symlinks followed) is `meta`.
fn not_regular(path: &Path, meta: &Metadata) -> ReadError {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    ReadError::NotRegular {
        kind: describe(meta),
        link: is_link.then(|| std::fs::read_link(path).ok()).flatten(),
    }
}

/// Read all of `path`, which must be a regular file (symlinks followed) of at most `limit`
/// bytes.
pub(crate) fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    check_regular(path)?;
    let file = open_nonblocking(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(not_regular(path, &meta));
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge { limit });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { limit });
    }
    Ok(bytes)
}

/// Open for reading without waiting for a writer: if the path became a FIFO after it was
/// checked, the open returns at once (and the handle's metadata tells).
fn open_nonblocking(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_regular_file_up_to_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"12345").unwrap();
        assert_eq!(read_regular(&path, 5).unwrap(), b"12345");
        let err = read_regular(&path, 4).unwrap_err();
        assert!(matches!(err, ReadError::TooLarge { limit: 4 }), "{err}");
    }

    #[test]
    fn refuses_directories_and_devices_and_names_them() {
        let dir = tempfile::tempdir().unwrap();
        let err = read_regular(dir.path(), 10).unwrap_err();
        assert_eq!(err.to_string(), "is a directory, not a regular file");
        #[cfg(unix)]
        {
            let err = read_regular(Path::new("/dev/zero"), 10).unwrap_err();
            assert_eq!(err.to_string(), "is a character device, not a regular file");
        }
    }

    #[cfg(unix)]
    #[test]
    fn refuses_a_fifo_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fifo");
        let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let err = read_regular(&path, 10).unwrap_err();
        assert_eq!(
            err.to_string(),
            "is a FIFO (named pipe), not a regular file"
        );
        let link = dir.path().join("link");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        let err = read_regular(&link, 10).unwrap_err();
        assert_eq!(
            err.to_string(),
            "is a symlink to /dev/zero, which is a character device, not a regular file"
        );
    }

    #[test]
    fn os_errors_read_like_go() {
        let err = read_regular(Path::new("/nonexistent/x"), 10).unwrap_err();
        assert!(err.is_not_found());
        assert_eq!(err.to_string(), "no such file or directory");
    }
}
