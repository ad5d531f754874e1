//! Writing files into people's repositories safely: the one mechanism behind `export`,
//! `overlays` and `runbook --out`.
//!
//! - **Containment**: a set of files is a map from *relative* paths to contents; every
//!   component of every path must be a plain file name ([`names::check_relative`]), and no
//!   directory on the way may be a symbolic link, so nothing is written outside the directory
//!   the caller named, whatever the names (step names, object names) were made of.
//! - **No surprise overwrite**: an existing regular file is replaced only with `force`, keeping
//!   its permission bits; anything else in the way (directory, symbolic link — dangling or
//!   not —, FIFO, socket, device) is refused, with or without `force`. A symbolic link is never
//!   written through.
//! - **All-or-nothing**: every precondition is checked before anything is written; the files
//!   are staged in a folder `.tkstep-staging-XXXXXX` (with a marker file inside) and only then
//!   put in place. An error leaves the old files as they were.
//! - **Locking**: the directory that holds the staging folder is locked (`flock`) for the whole
//!   write; a second concurrent write fails with [`OutputError::Busy`].
//! - **Interrupted runs**: staging folders of a process killed earlier are recognised (name and
//!   marker) and removed by the next write into the same place ([`Written::removed_stale`]).
//!   The library installs no signal handler; a program that wants SIGINT/SIGTERM to leave no
//!   trace calls [`abort_pending_writes`] from its own handler, which waits until a set being
//!   put in place is complete, so the files are either the old set or the new one.
//!
//! ```
//! use std::collections::BTreeMap;
//! use std::path::PathBuf;
//! use tkstep::output::{self, DirMode, WriteOptions};
//!
//! let tmp = tempfile::tempdir()?;
//! let mut files = BTreeMap::new();
//! files.insert(PathBuf::from("01-a/x.yaml"), b"a: 1\n".to_vec());
//! files.insert(PathBuf::from("README.md"), b"# hi\n".to_vec());
//! let out = tmp.path().join("out");
//! let written = output::write_dir(&out, &files, &WriteOptions::new(DirMode::Fresh))?;
//! assert_eq!(written.files.len(), 2);
//! assert_eq!(std::fs::read_to_string(out.join("01-a/x.yaml"))?, "a: 1\n");
//! // A path that would leave `out` is refused before anything is written.
//! files.insert(PathBuf::from("../escaped"), Vec::new());
//! assert!(output::write_dir(&tmp.path().join("other"), &files, &WriteOptions::new(DirMode::Fresh)).is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod lock;
pub mod names;
mod staging;

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

pub use staging::{PAUSE_HOOK_VAR, abort_pending_writes};

use lock::DirLock;
use staging::{COMMITTING, Staging};

/// A set of files to write: path relative to the output directory → content.
pub type FileSet = BTreeMap<PathBuf, Vec<u8>>;

/// Errors writing output files. Messages name the user's paths, never a staging path.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// A path of the set is not made of plain file names (it could leave the directory).
    #[error("refusing to write {path:?} into '{}': {reason}", dir.display())]
    UnsafePath {
        /// The output directory.
        dir: PathBuf,
        /// The offending relative path.
        path: PathBuf,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Files exist and `force` is off; nothing was written.
    #[error("refusing to overwrite existing files (use --force to replace them):\n{}", list(.0))]
    Exists(Vec<PathBuf>),
    /// A fresh output directory exists and is not empty.
    #[error("output directory '{}' already exists and is not empty; remove it or choose another (tkstep never overwrites it)", .0.display())]
    NotEmpty(PathBuf),
    /// Something that is not a regular file is in the way.
    #[error("refusing to replace '{}': it is {kind}, not a regular file", path.display())]
    NotRegular {
        /// The path in the way.
        path: PathBuf,
        /// What it is ("a directory", "a FIFO", …).
        kind: &'static str,
    },
    /// A symbolic link is in the way; tkstep never writes through one.
    #[error("refusing to write '{}': it is a symbolic link (tkstep does not write through links; name the link's target instead)", .0.display())]
    Symlink(PathBuf),
    /// The output directory is not a directory.
    #[error("'{}' is not a directory", .0.display())]
    NotADirectory(PathBuf),
    /// Another process holds the lock.
    #[error("another tkstep run is writing into '{}'; try again when it has finished", .0.display())]
    Busy(PathBuf),
    /// A run killed while putting files in place left its staging folder (with the previous
    /// versions of the files it replaced under `old/`).
    #[error("an earlier tkstep run was killed while replacing files in '{}': check them; the previous versions of the files it replaced are in '{}/old'; delete '{}' when done", dir.display(), staging.display(), staging.display())]
    HalfCommitted {
        /// The directory written into.
        dir: PathBuf,
        /// The staging folder left behind.
        staging: PathBuf,
    },
    /// A signal cleaned up the pending writes.
    #[error("interrupted; nothing was written")]
    Interrupted,
    /// A filesystem operation failed.
    #[error("{action} '{}'", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// On which (user-facing) path.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
}

fn list(paths: &[PathBuf]) -> String {
    let lines: Vec<String> = paths.iter().map(|p| format!("  {}", p.display())).collect();
    lines.join("\n")
}

fn io_err<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> OutputError + 'a {
    move |source| {
        if source.kind() == io::ErrorKind::Interrupted {
            return OutputError::Interrupted;
        }
        OutputError::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }
}

/// What a directory holds besides the set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirMode {
    /// The directory is the set: it must not exist or be empty; it appears complete in one
    /// `rename` (`export`). `force` does not change this: a non-empty directory is never
    /// replaced.
    Fresh,
    /// The files are put into the directory (created if missing) beside whatever else it
    /// holds, which is never touched (`overlays`).
    Merge,
}

/// How to write a set of files.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct WriteOptions {
    /// Fresh directory or merge into one.
    pub mode: DirMode,
    /// Replace existing regular files (keeping their permission bits).
    pub force: bool,
}

impl WriteOptions {
    /// Options for `mode`, without `force`.
    pub fn new(mode: DirMode) -> WriteOptions {
        WriteOptions { mode, force: false }
    }

    /// With `force` set to `force`.
    pub fn force(mut self, force: bool) -> WriteOptions {
        self.force = force;
        self
    }
}

/// What a write did.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Written {
    /// The files written (the output directory as given, joined with each relative path).
    pub files: Vec<PathBuf>,
    /// Staging folders of earlier, killed runs that were found and removed.
    pub removed_stale: Vec<PathBuf>,
}

/// What is at a path, not following a final symbolic link.
enum Found {
    Nothing,
    Dir,
    File(fs::Permissions),
    Link,
    Other(&'static str),
}

fn inspect(path: &Path) -> Result<Found, OutputError> {
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Found::Nothing),
        Err(e) => return Err(io_err("cannot inspect", path)(e)),
    };
    let ft = meta.file_type();
    Ok(if ft.is_symlink() {
        Found::Link
    } else if ft.is_dir() {
        Found::Dir
    } else if ft.is_file() {
        Found::File(meta.permissions())
    } else {
        Found::Other(special_kind(&ft))
    })
}

fn special_kind(ft: &fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO";
        } else if ft.is_socket() {
            return "a socket";
        } else if ft.is_block_device() || ft.is_char_device() {
            return "a device";
        }
    }
    let _ = ft;
    "a special file"
}

/// The directory that holds `path` (`.` for a bare name), created if missing.
fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn lock(dir: &Path) -> Result<DirLock, OutputError> {
    DirLock::try_acquire(dir)
        .map_err(io_err("cannot lock", dir))?
        .ok_or_else(|| OutputError::Busy(dir.to_path_buf()))
}

/// Remove stale staging folders in `dir` (its lock held).
fn sweep(dir: &Path, target: &Path, written: &mut Written) -> Result<(), OutputError> {
    let stale = staging::sweep(dir).map_err(io_err("cannot clean up in", dir))?;
    written.removed_stale.extend(stale.removed);
    match stale.half_committed {
        Some(staging) => Err(OutputError::HalfCommitted {
            dir: target.to_path_buf(),
            staging,
        }),
        None => Ok(()),
    }
}

/// Write `files` into `dir`, all or nothing (see the [module docs](self)).
pub fn write_dir(dir: &Path, files: &FileSet, opts: &WriteOptions) -> Result<Written, OutputError> {
    for rel in files.keys() {
        names::check_relative(rel).map_err(|reason| OutputError::UnsafePath {
            dir: dir.to_path_buf(),
            path: rel.clone(),
            reason,
        })?;
    }
    let exists = match fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => true,
        Ok(_) => return Err(OutputError::NotADirectory(dir.to_path_buf())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if fs::symlink_metadata(dir).is_ok() {
                return Err(OutputError::Symlink(dir.to_path_buf())); // dangling
            }
            false
        }
        Err(e) => return Err(io_err("cannot inspect", dir)(e)),
    };
    if exists && opts.mode == DirMode::Merge {
        return merge_into(dir, files, opts);
    }
    // The staging folder goes beside the directory: for an existing one (maybe `.` or a
    // symbolic link), beside where it really is.
    let parent = if exists {
        let real = fs::canonicalize(dir).map_err(io_err("cannot resolve", dir))?;
        real.parent()
            .ok_or_else(|| OutputError::NotRegular {
                path: dir.to_path_buf(),
                kind: "the root directory",
            })?
            .to_path_buf()
    } else {
        let parent = parent_of(dir);
        fs::create_dir_all(&parent).map_err(io_err("cannot create directory", &parent))?;
        parent
    };
    write_whole(dir, &parent, files, opts)
}

/// Stage the whole directory beside `dir` and rename it into place.
fn write_whole(
    dir: &Path,
    parent: &Path,
    files: &FileSet,
    opts: &WriteOptions,
) -> Result<Written, OutputError> {
    let _lock = lock(parent)?;
    let mut written = Written::default();
    sweep(parent, dir, &mut written)?;
    // `dir` may be a symbolic link to a directory: write where it points.
    let existing = if fs::symlink_metadata(dir).is_ok() {
        let real = fs::canonicalize(dir).map_err(io_err("cannot resolve", dir))?;
        let mut entries = fs::read_dir(&real).map_err(io_err("cannot read", dir))?;
        if entries.next().is_some() {
            if opts.mode == DirMode::Merge {
                // Created by someone else since we looked: merge after all.
                drop(_lock);
                return merge_into(dir, files, opts);
            }
            return Err(OutputError::NotEmpty(dir.to_path_buf()));
        }
        Some(real)
    } else {
        None
    };
    let staging =
        Staging::create(parent, dir).map_err(io_err("cannot write in directory", parent))?;
    let new = staging.path().join("new");
    fs::create_dir(&new).map_err(io_err("cannot write in directory", parent))?;
    stage(&new, dir, files)?;
    let guard = staging
        .begin_commit()
        .map_err(io_err("cannot write in directory", parent))?;
    let result = match &existing {
        // A missing directory: rename(2) puts the whole tree in place at once.
        None => fs::rename(&new, dir).map_err(io_err("cannot move the files into place at", dir)),
        // An empty one stays (a shell may be in it; its mode and owner are the user's): its
        // entries move in, and out again on an error.
        Some(real) => fill(real, dir, &new, staging.path()),
    };
    drop(guard);
    drop(staging);
    result?;
    written.files = files.keys().map(|rel| dir.join(rel)).collect();
    Ok(written)
}

/// Move the top-level entries of `new` into the empty directory `real`; all or none.
fn fill(real: &Path, dir: &Path, new: &Path, staging: &Path) -> Result<(), OutputError> {
    fs::write(staging.join(COMMITTING), "").map_err(io_err("cannot write in directory", dir))?;
    let mut entries: Vec<_> = fs::read_dir(new)
        .and_then(|entries| entries.map(|e| e.map(|e| e.file_name())).collect())
        .map_err(io_err("cannot write in directory", dir))?;
    entries.sort();
    for (i, name) in entries.iter().enumerate() {
        if let Err(e) = fs::rename(new.join(name), real.join(name)) {
            for done in entries[..i].iter().rev() {
                let _ = fs::rename(real.join(done), new.join(done));
            }
            return Err(io_err("cannot write", &dir.join(name))(e));
        }
    }
    let _ = fs::remove_file(staging.join(COMMITTING));
    Ok(())
}

/// Write every file of the set under `root` (a staging folder); errors name `user_dir`.
fn stage(root: &Path, user_dir: &Path, files: &FileSet) -> Result<(), OutputError> {
    for (rel, content) in files {
        let path = root.join(rel);
        let shown = user_dir.join(rel);
        if let Some(sub) = path.parent() {
            fs::create_dir_all(sub).map_err(io_err("cannot write", &shown))?;
        }
        fs::write(&path, content).map_err(io_err("cannot write", &shown))?;
    }
    Ok(())
}

/// One file of a merge: where it goes and what it replaces.
struct Target<'a> {
    rel: &'a Path,
    replaces: Option<fs::Permissions>,
}

/// Put the set into the existing directory `dir`, beside the files it holds.
fn merge_into(dir: &Path, files: &FileSet, opts: &WriteOptions) -> Result<Written, OutputError> {
    let real = fs::canonicalize(dir).map_err(io_err("cannot resolve", dir))?;
    let _lock = lock(&real)?;
    let mut written = Written::default();
    sweep(&real, dir, &mut written)?;

    // Every precondition, before anything is written.
    let mut targets = Vec::new();
    let mut existing = Vec::new();
    for rel in files.keys() {
        let mut at = real.clone();
        let mut shown = dir.to_path_buf();
        let components: Vec<_> = rel.components().collect();
        let mut replaces = None;
        for (i, component) in components.iter().enumerate() {
            at.push(component);
            shown.push(component);
            let last = i + 1 == components.len();
            match inspect(&at)? {
                Found::Nothing => break,
                Found::Dir if !last => {}
                Found::Dir => {
                    return Err(OutputError::NotRegular {
                        path: shown,
                        kind: "a directory",
                    });
                }
                Found::File(perms) if last => {
                    existing.push(shown.clone());
                    replaces = Some(perms);
                }
                Found::File(_) => return Err(OutputError::NotADirectory(shown)),
                Found::Link => return Err(OutputError::Symlink(shown)),
                Found::Other(kind) => return Err(OutputError::NotRegular { path: shown, kind }),
            }
        }
        debug_assert!(real.join(rel).starts_with(&real));
        targets.push(Target { rel, replaces });
    }
    if !existing.is_empty() && !opts.force {
        return Err(OutputError::Exists(existing));
    }

    let staging = Staging::create(&real, dir).map_err(io_err("cannot write in directory", dir))?;
    let new = staging.path().join("new");
    let old = staging.path().join("old");
    stage(&new, dir, files)?;
    for target in &targets {
        if let Some(perms) = &target.replaces {
            let path = new.join(target.rel);
            fs::set_permissions(&path, perms.clone())
                .map_err(io_err("cannot write", &dir.join(target.rel)))?;
        }
    }
    let guard = staging
        .begin_commit()
        .map_err(io_err("cannot write in directory", dir))?;
    let result = commit(&real, dir, &new, &old, staging.path(), &targets);
    if result.is_ok() {
        // Complete: a kill from here on leaves an ordinary stale folder.
        let _ = fs::remove_file(staging.path().join(COMMITTING));
    }
    drop(guard);
    drop(staging);
    result?;
    written.files = files.keys().map(|rel| dir.join(rel)).collect();
    Ok(written)
}

/// Rename the staged files into place; on an error, put the previous ones back.
fn commit(
    real: &Path,
    dir: &Path,
    new: &Path,
    old: &Path,
    staging: &Path,
    targets: &[Target<'_>],
) -> Result<(), OutputError> {
    fs::write(staging.join(COMMITTING), "").map_err(io_err("cannot write in directory", dir))?;
    let mut done: Vec<&Target<'_>> = Vec::new();
    let mut created_dirs: Vec<PathBuf> = Vec::new();
    let result = (|| {
        for target in targets {
            let dest = real.join(target.rel);
            let shown = dir.join(target.rel);
            if target.replaces.is_some() {
                // Keep the previous version (a hard link: the file itself stays in place).
                let keep = old.join(target.rel);
                if let Some(sub) = keep.parent() {
                    fs::create_dir_all(sub).map_err(io_err("cannot write", &shown))?;
                }
                if fs::hard_link(&dest, &keep).is_err() {
                    fs::copy(&dest, &keep).map_err(io_err("cannot back up", &shown))?;
                }
            } else if let Some(sub) = dest.parent() {
                let mut missing = Vec::new();
                let mut at = sub;
                while !at.exists() {
                    missing.push(at.to_path_buf());
                    at = at.parent().unwrap_or(real);
                }
                for d in missing.into_iter().rev() {
                    fs::create_dir(&d).map_err(io_err("cannot create directory", &shown))?;
                    created_dirs.push(d);
                }
            }
            fs::rename(new.join(target.rel), &dest).map_err(io_err("cannot write", &shown))?;
            done.push(target);
        }
        Ok(())
    })();
    if result.is_err() {
        for target in done.iter().rev() {
            let dest = real.join(target.rel);
            if target.replaces.is_some() {
                let _ = fs::rename(old.join(target.rel), &dest);
            } else {
                let _ = fs::remove_file(&dest);
            }
        }
        for d in created_dirs.iter().rev() {
            let _ = fs::remove_dir(d);
        }
    }
    result
}

/// Write one file, atomically (staged beside it, then renamed over it). An existing regular
/// file is replaced only with `force` and keeps its permission bits; anything else at `path`
/// (directory, symbolic link, FIFO, socket, device) is refused.
pub fn write_file(path: &Path, content: &[u8], force: bool) -> Result<Written, OutputError> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|n| names::unsafe_reason(n).is_none())
        .ok_or_else(|| OutputError::UnsafePath {
            dir: parent_of(path),
            path: path.to_path_buf(),
            reason: "not a plain file name",
        })?;
    let parent = parent_of(path);
    fs::create_dir_all(&parent).map_err(io_err("cannot create directory", &parent))?;
    let _lock = lock(&parent)?;
    let mut written = Written::default();
    sweep(&parent, path, &mut written)?;
    let replaces = match inspect(path)? {
        Found::Nothing => None,
        Found::File(_) if !force => return Err(OutputError::Exists(vec![path.to_path_buf()])),
        Found::File(perms) => Some(perms),
        Found::Dir => {
            return Err(OutputError::NotRegular {
                path: path.to_path_buf(),
                kind: "a directory",
            });
        }
        Found::Link => return Err(OutputError::Symlink(path.to_path_buf())),
        Found::Other(kind) => {
            return Err(OutputError::NotRegular {
                path: path.to_path_buf(),
                kind,
            });
        }
    };
    let staging =
        Staging::create(&parent, path).map_err(io_err("cannot write in directory", &parent))?;
    let staged = staging.path().join(name);
    fs::write(&staged, content).map_err(io_err("cannot write", path))?;
    if let Some(perms) = replaces {
        fs::set_permissions(&staged, perms).map_err(io_err("cannot write", path))?;
    }
    let guard = staging
        .begin_commit()
        .map_err(io_err("cannot write in directory", &parent))?;
    let result = fs::rename(&staged, path).map_err(io_err("cannot write", path));
    drop(guard);
    drop(staging);
    result?;
    written.files.push(path.to_path_buf());
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::{MetadataExt, PermissionsExt};

    fn set(entries: &[(&str, &str)]) -> FileSet {
        entries
            .iter()
            .map(|(p, c)| (PathBuf::from(p), c.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn fresh_into_an_empty_directory_keeps_the_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        fs::create_dir(&out).unwrap();
        fs::set_permissions(&out, fs::Permissions::from_mode(0o750)).unwrap();
        let inode = fs::metadata(&out).unwrap().ino();
        let files = set(&[("a/x", "1"), ("b", "2")]);
        let written = write_dir(&out, &files, &WriteOptions::new(DirMode::Fresh)).unwrap();
        assert_eq!(written.files, vec![out.join("a/x"), out.join("b")]);
        let meta = fs::metadata(&out).unwrap();
        assert_eq!(
            (meta.ino(), meta.permissions().mode() & 0o777),
            (inode, 0o750)
        );
        assert_eq!(fs::read_to_string(out.join("a/x")).unwrap(), "1");
        // Not empty any more: never replaced, even with force.
        let err = write_dir(&out, &files, &WriteOptions::new(DirMode::Fresh).force(true));
        assert!(matches!(err, Err(OutputError::NotEmpty(_))), "{err:?}");
        assert_eq!(
            fs::read_dir(tmp.path()).unwrap().count(),
            1,
            "no staging left"
        );
    }

    #[test]
    fn merge_keeps_other_files_and_needs_force_to_replace() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let opts = WriteOptions::new(DirMode::Merge);
        write_dir(&out, &set(&[("a", "1"), ("sub/b", "2")]), &opts).unwrap();
        fs::write(out.join("mine"), "mine").unwrap();
        let err = write_dir(&out, &set(&[("a", "3"), ("c", "4")]), &opts);
        assert!(
            matches!(&err, Err(OutputError::Exists(p)) if p == &[out.join("a")]),
            "{err:?}"
        );
        assert!(!out.join("c").exists(), "nothing written");
        write_dir(
            &out,
            &set(&[("a", "3"), ("c", "4")]),
            &opts.clone().force(true),
        )
        .unwrap();
        let names: Vec<_> = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 4, "{names:?}"); // a, c, mine, sub
        assert_eq!(fs::read_to_string(out.join("a")).unwrap(), "3");
        assert_eq!(fs::read_to_string(out.join("mine")).unwrap(), "mine");
    }

    #[test]
    fn stale_staging_folders_are_removed_unless_a_commit_was_cut_short() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let opts = WriteOptions::new(DirMode::Merge).force(true);
        write_dir(&out, &set(&[("a", "1")]), &opts).unwrap();
        // As a killed process leaves them: never dropped.
        let stale = Staging::create(&out, &out).unwrap();
        let stale_path = stale.path().to_path_buf();
        std::mem::forget(stale);
        let written = write_dir(&out, &set(&[("a", "2")]), &opts).unwrap();
        assert_eq!(written.removed_stale, vec![stale_path.clone()]);
        assert!(!stale_path.exists());

        let cut = Staging::create(&out, &out).unwrap();
        let cut_path = cut.path().to_path_buf();
        fs::write(cut_path.join(COMMITTING), "").unwrap();
        std::mem::forget(cut);
        let err = write_dir(&out, &set(&[("a", "3")]), &opts);
        assert!(
            matches!(&err, Err(OutputError::HalfCommitted { staging, .. }) if staging == &cut_path),
            "{err:?}"
        );
        assert_eq!(fs::read_to_string(out.join("a")).unwrap(), "2");
        assert!(cut_path.exists(), "left for the user");
    }
}
