//! Write rendered steps to disk the way `tk export` writes an environment: one folder per step
//! (`00-before/`, `01-zone-awareness/`, …, `NN-final/`), one YAML file per object named
//! `{apiVersion}.{kind}-{name}.yaml` (with `/` in values replaced by `-`), each file exactly what
//! `tk export` would write.
//!
//! Writing goes through [`crate::output`] ([`DirMode::Fresh`]): every path is checked to stay
//! inside the target, everything is staged in a folder beside the target and renamed into place
//! only when complete, under a lock. An existing non-empty target is never touched. [`check`]
//! compares an existing export with what would be written, without writing anything.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::manifest::Manifest;
use crate::output::{self, DirMode, FileSet, WriteOptions, names};
use crate::tk_export::FileNamer;

/// Errors writing or checking an export.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// Writing failed or was refused (target not empty, unsafe path, lock held, …).
    #[error(transparent)]
    Output(#[from] output::OutputError),
    /// `check` was pointed at a directory that does not exist.
    #[error("'{}' does not exist: there is no export to compare with", .0.display())]
    NoExport(PathBuf),
    /// An object's file name is longer than a file name may be.
    #[error("the file name of object {object} in step '{step}' is {len} bytes long, more than the {max} a file name may have; give the object a shorter name", max = names::NAME_MAX)]
    NameTooLong {
        /// Step folder.
        step: String,
        /// The object (`kind 'namespace/name'`).
        object: String,
        /// Length of the file name in bytes.
        len: usize,
    },
    /// Two objects of one step map to the same file name.
    #[error("two objects of step '{step}' map to the same file '{file}'")]
    Conflict {
        /// Step folder.
        step: String,
        /// Conflicting file name.
        file: String,
    },
    /// `--format` fails on an object.
    #[error("executing name template on {object} of step '{step}': {source}")]
    Name {
        /// Step folder.
        step: String,
        /// `<kind>/<name>` of the object.
        object: String,
        /// What failed.
        source: crate::gotemplate::TemplateError,
    },
    /// A file name leaves its step folder.
    #[error("file name '{0}' leaves its step folder; tkstep writes nothing outside it")]
    Escapes(String),
    /// A filesystem operation failed.
    #[error("{action} '{}'", path.display())]
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

/// The file tree an export consists of: relative path → file content, files named as
/// `tk export` names them by default.
pub fn files(steps: &[StepOutput<'_>]) -> Result<BTreeMap<PathBuf, String>, ExportError> {
    files_named(steps, &FileNamer::tk_default())
}

/// [`files`], with the file names `namer` gives (`--format`, `--extension`) inside each step
/// folder; a `/` of the template text makes sub-folders.
pub fn files_named(
    steps: &[StepOutput<'_>],
    namer: &FileNamer,
) -> Result<BTreeMap<PathBuf, String>, ExportError> {
    let mut out = BTreeMap::new();
    for step in steps {
        for manifest in step.manifests {
            let name = namer
                .file_name(manifest)
                .map_err(|source| ExportError::Name {
                    step: step.folder.clone(),
                    object: manifest.kind_name(),
                    source,
                })?;
            let mut path = PathBuf::from(&step.folder);
            for part in name.split('/').filter(|p| !p.is_empty() && *p != ".") {
                if part == ".." {
                    return Err(ExportError::Escapes(name));
                }
                if part.len() > names::NAME_MAX {
                    return Err(ExportError::NameTooLong {
                        step: step.folder.clone(),
                        object: manifest.id().to_string(),
                        len: part.len(),
                    });
                }
                path.push(part);
            }
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

/// Write the export into `out_dir`, which must not exist or be empty. All-or-nothing (see
/// [`crate::output::write_dir`]).
pub fn write(out_dir: &Path, steps: &[StepOutput<'_>]) -> Result<output::Written, ExportError> {
    write_tree(out_dir, &files(steps)?)
}

/// Write `tree` (relative path → content) into `out_dir`, which must not exist or be empty.
/// All-or-nothing (see [`crate::output::write_dir`]).
pub fn write_tree(
    out_dir: &Path,
    tree: &BTreeMap<PathBuf, String>,
) -> Result<output::Written, ExportError> {
    let tree: FileSet = tree
        .iter()
        .map(|(path, content)| (path.clone(), content.clone().into_bytes()))
        .collect();
    Ok(output::write_dir(
        out_dir,
        &tree,
        &WriteOptions::new(DirMode::Fresh),
    )?)
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
    check_tree(out_dir, &files(steps)?)
}

/// Compare the files in `out_dir` with `tree` (relative path → content). Writes nothing.
pub fn check_tree(out_dir: &Path, tree: &BTreeMap<PathBuf, String>) -> Result<Drift, ExportError> {
    let mut drift = Drift::default();
    let mut on_disk = std::collections::BTreeSet::new();
    if !out_dir.is_dir() {
        return Err(ExportError::NoExport(out_dir.to_path_buf()));
    }
    {
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
    for (rel, content) in tree {
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
