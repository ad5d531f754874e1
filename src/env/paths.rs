//! Project root, base directory, entrypoint and import paths (Tanka's `jpath` package).

use std::ffi::{OsStr, OsString};
use std::fs;
use std::path::{Path, PathBuf};

use super::EnvError;

/// The file whose presence marks a project root (searched first, anywhere upwards).
const TKRC: &str = "tkrc.yaml";
/// The fallback root marker, used only when no `tkrc.yaml` exists up the whole chain.
const JSONNETFILE: &str = "jsonnetfile.json";
/// The entrypoint looked for when a directory is given.
const DEFAULT_ENTRYPOINT: &str = "main.jsonnet";
/// The file that makes an environment static.
const SPEC_FILE: &str = "spec.json";

/// Where an environment lives, resolved exactly as Tanka does it.
///
/// All three paths are absolute. Directories are canonicalized (symlinks resolved), as
/// jrsonnet does for every file it imports; Tanka keeps the lexical path instead, so the
/// two differ only when a directory on the way is a symlink. A symlinked *file* given as
/// argument keeps its own name and directory (like Tanka).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectPaths {
    /// Project root: nearest `tkrc.yaml` upwards, else nearest `jsonnetfile.json`.
    pub root: PathBuf,
    /// Environment base directory: nearest directory holding the entrypoint file, up to root.
    pub base: PathBuf,
    /// Absolute path of the entrypoint (`<base>/main.jsonnet` unless a file was given).
    pub entrypoint: PathBuf,
}

impl ProjectPaths {
    /// Resolve root, base and entrypoint from a path (env dir, `main.jsonnet`, or a dir/file inside).
    ///
    /// A relative `path` is taken relative to the current directory; see
    /// [`ProjectPaths::resolve_in`].
    pub fn resolve(path: &Path) -> Result<Self, EnvError> {
        let cwd = std::env::current_dir().map_err(EnvError::io("."))?;
        Self::resolve_in(&cwd, path)
    }

    /// Like [`ProjectPaths::resolve`], with relative paths taken relative to `cwd` instead of
    /// the process's current directory.
    ///
    /// - a directory argument looks for `main.jsonnet`, a file argument for its own basename;
    /// - the root is the nearest directory upwards (starting at the argument's directory,
    ///   inclusive) with an entry named `tkrc.yaml` (file or directory); only if there is none
    ///   anywhere up to `/`, the nearest one with `jsonnetfile.json`;
    /// - the base is the nearest directory from the start up to the root (inclusive) holding
    ///   the entrypoint file name.
    pub fn resolve_in(cwd: &Path, path: &Path) -> Result<Self, EnvError> {
        let joined = if path.as_os_str().is_empty() {
            cwd.to_path_buf()
        } else {
            cwd.join(path)
        };
        let meta = fs::metadata(&joined).map_err(|e| EnvError::stat(path, &joined, e))?;
        let (start_dir, filename): (PathBuf, OsString) = if meta.is_dir() {
            (joined, DEFAULT_ENTRYPOINT.into())
        } else {
            // A file path: its basename is the entrypoint, its directory the start.
            let name = joined.file_name().ok_or_else(|| EnvError::NotFound {
                path: path.to_path_buf(),
            })?;
            let dir = joined.parent().unwrap_or(Path::new("/"));
            (dir.to_path_buf(), name.to_os_string())
        };
        let start = fs::canonicalize(&start_dir).map_err(EnvError::io(&start_dir))?;
        let root = find_root(&start)?;
        let base = find_base(&start, &root, &filename)?;
        let entrypoint = base.join(&filename);
        Ok(ProjectPaths {
            root,
            base,
            entrypoint,
        })
    }

    /// Import search order for jrsonnet (first hit wins): `[base, root/lib, base/vendor, root/vendor]`.
    ///
    /// This is Tanka's JPath list reversed: Tanka hands `[root/vendor, base/vendor, root/lib,
    /// base]` to go-jsonnet, which searches it from last to first.
    pub fn import_paths(&self) -> Vec<PathBuf> {
        vec![
            self.base.clone(),
            self.root.join("lib"),
            self.base.join("vendor"),
            self.root.join("vendor"),
        ]
    }

    /// The base directory relative to root (`environments/default`): a static env's name.
    ///
    /// `.` when the base is the root itself (Go's `filepath.Rel`).
    pub fn env_name(&self) -> String {
        relative(&self.root, &self.base)
    }

    /// The entrypoint relative to root (`environments/default/main.jsonnet`): `metadata.namespace`.
    pub fn entrypoint_rel(&self) -> String {
        relative(&self.root, &self.entrypoint)
    }

    /// Whether `<base>/spec.json` exists (static environment) or not (inline).
    pub fn is_static(&self) -> bool {
        self.spec_file().exists()
    }

    /// `<base>/spec.json`.
    pub fn spec_file(&self) -> PathBuf {
        self.base.join(SPEC_FILE)
    }
}

/// `path` relative to `root`, `/`-separated; `.` when equal. `path` is below `root` by
/// construction; otherwise the absolute path is returned.
fn relative(root: &Path, path: &Path) -> String {
    match path.strip_prefix(root) {
        Ok(rel) if rel.as_os_str().is_empty() => ".".to_string(),
        Ok(rel) => rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => path.display().to_string(),
    }
}

/// Whether `dir`'s listing has an entry called `name` (of any type, even a broken symlink).
fn has_entry(dir: &Path, name: &OsStr) -> Result<bool, EnvError> {
    for entry in fs::read_dir(dir).map_err(EnvError::io(dir))? {
        let entry = entry.map_err(EnvError::io(dir))?;
        if entry.file_name() == name {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Tanka's `FindRoot`: `tkrc.yaml` anywhere upwards wins over a nearer `jsonnetfile.json`.
fn find_root(start: &Path) -> Result<PathBuf, EnvError> {
    // First pass: tkrc.yaml. Like Tanka, a directory that cannot be listed ends this pass
    // silently (the second pass then reports it if it gets that far).
    for dir in start.ancestors() {
        match has_entry(dir, OsStr::new(TKRC)) {
            Ok(true) => return Ok(dir.to_path_buf()),
            Ok(false) => {}
            Err(_) => break,
        }
    }
    for dir in start.ancestors() {
        if has_entry(dir, OsStr::new(JSONNETFILE))? {
            return Ok(dir.to_path_buf());
        }
    }
    Err(EnvError::NoRoot {
        start: start.to_path_buf(),
    })
}

/// Tanka's `FindBase`: the nearest directory holding `filename`, from `start` up to `root`.
fn find_base(start: &Path, root: &Path, filename: &OsStr) -> Result<PathBuf, EnvError> {
    for dir in start.ancestors() {
        if has_entry(dir, filename)? {
            return Ok(dir.to_path_buf());
        }
        if dir == root {
            break;
        }
    }
    Err(EnvError::NoBase {
        filename: filename.to_string_lossy().into_owned(),
        start: start.to_path_buf(),
        root: root.to_path_buf(),
    })
}
