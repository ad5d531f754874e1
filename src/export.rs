//! Write rendered steps to disk the way `tk export` writes an environment: one folder per step
//! (`00-before/`, `01-zone-awareness/`, …, `NN-final/`), one YAML file per object named
//! `{apiVersion}.{kind}-{name}.yaml` (with `/` in values replaced by `-`), each file exactly what
//! `tk export` would write.
//!
//! Writing is all-or-nothing: everything is written into a temporary directory beside the
//! target, which is renamed into place only when complete. An existing non-empty target is
//! never touched. [`check`] compares an existing export with what would be written, without
//! writing anything.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::manifest::Manifest;

/// Errors writing or checking an export.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The target directory exists and is not empty.
    #[error("output directory '{}' already exists and is not empty; remove it or choose another (tkstep never overwrites an export)", .0.display())]
    NotEmpty(PathBuf),
    /// Two objects of one step map to the same file name.
    #[error("two objects of step '{step}' map to the same file '{file}'")]
    Conflict {
        /// Step folder.
        step: String,
        /// Conflicting file name.
        file: String,
    },
    /// A filesystem operation failed.
    #[error("{action} '{}': {source}", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// On which path.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
}

fn io_err<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> ExportError + 'a {
    move |source| ExportError::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

/// One step folder to export: its folder name and its rendered manifests.
#[derive(Debug, Clone)]
pub struct StepOutput<'a> {
    /// Folder name, e.g. `00-before`, `01-zone-awareness`, `13-final`.
    pub folder: String,
    /// The manifests rendered for that step.
    pub manifests: &'a [Manifest],
}

/// The file tree an export consists of: relative path → file content.
pub fn files(steps: &[StepOutput<'_>]) -> Result<BTreeMap<PathBuf, String>, ExportError> {
    let mut out = BTreeMap::new();
    for step in steps {
        for manifest in step.manifests {
            let name = manifest.export_file_name();
            let path = Path::new(&step.folder).join(&name);
            let content = manifest.to_yaml();
            if out.insert(path, content).is_some() {
                return Err(ExportError::Conflict {
                    step: step.folder.clone(),
                    file: name,
                });
            }
        }
    }
    Ok(out)
}

/// Write the export into `out_dir`, which must not exist or be empty. All-or-nothing.
pub fn write(out_dir: &Path, steps: &[StepOutput<'_>]) -> Result<usize, ExportError> {
    let tree = files(steps)?;
    if out_dir.exists() {
        let mut entries = fs::read_dir(out_dir).map_err(io_err("cannot read", out_dir))?;
        if entries.next().is_some() {
            return Err(ExportError::NotEmpty(out_dir.to_path_buf()));
        }
    }
    let parent = match out_dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(io_err("cannot create directory", &parent))?;
    let staging = tempfile::Builder::new()
        .prefix(".tkstep-export-")
        .tempdir_in(&parent)
        .map_err(io_err("cannot create a temporary directory in", &parent))?;
    for (rel, content) in &tree {
        let path = staging.path().join(rel);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(io_err("cannot create directory", dir))?;
        }
        fs::write(&path, content).map_err(io_err("cannot write", &path))?;
    }
    if out_dir.exists() {
        fs::remove_dir(out_dir).map_err(io_err("cannot replace empty directory", out_dir))?;
    }
    let staged = staging.keep();
    fs::rename(&staged, out_dir).map_err(|source| {
        let _ = fs::remove_dir_all(&staged);
        ExportError::Io {
            action: "cannot move the export into place at",
            path: out_dir.to_path_buf(),
            source,
        }
    })?;
    Ok(tree.len())
}

/// How an existing export differs from what would be written now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Drift {
    /// Files that would be written but are missing.
    pub missing: Vec<PathBuf>,
    /// Files whose content differs.
    pub changed: Vec<PathBuf>,
    /// Files present on disk that would not be written.
    pub extra: Vec<PathBuf>,
}

impl Drift {
    /// Whether the export on disk is up to date.
    pub fn is_clean(&self) -> bool {
        self.missing.is_empty() && self.changed.is_empty() && self.extra.is_empty()
    }
}

/// Compare the export in `out_dir` with what [`write()`] would produce. Writes nothing.
pub fn check(out_dir: &Path, steps: &[StepOutput<'_>]) -> Result<Drift, ExportError> {
    let tree = files(steps)?;
    let mut drift = Drift::default();
    let mut on_disk = std::collections::BTreeSet::new();
    if out_dir.exists() {
        for entry in walkdir::WalkDir::new(out_dir).sort_by_file_name() {
            let entry = entry.map_err(|e| ExportError::Io {
                action: "cannot read",
                path: out_dir.to_path_buf(),
                source: e.into(),
            })?;
            if entry.file_type().is_file() {
                let rel = entry
                    .path()
                    .strip_prefix(out_dir)
                    .unwrap_or(entry.path())
                    .to_path_buf();
                on_disk.insert(rel);
            }
        }
    }
    for (rel, content) in &tree {
        if !on_disk.remove(rel) {
            drift.missing.push(rel.clone());
            continue;
        }
        let path = out_dir.join(rel);
        let existing = fs::read(&path).map_err(io_err("cannot read", &path))?;
        if existing != content.as_bytes() {
            drift.changed.push(rel.clone());
        }
    }
    drift.extra = on_disk.into_iter().collect();
    Ok(drift)
}
