//! `tk export`'s layout for whole environments, without a plan: one file per manifest named by
//! a Go template ([`FileNamer`]), `manifest.json` mapping files to environments
//! ([`manifest_json`]), and Tanka's merge strategies.
//!
//! [`plan`] is pure: given what the output directory holds ([`OutputDir`]), the environments'
//! manifests and the options, it decides every file to delete and to write, and fails with
//! Tanka's errors (``output dir `DIR` not empty. …``, `file 'PATH' already exists.
//! Aborting`) *before* anything is written. [`write()`] then applies the [`WritePlan`].
//!
//! What Tanka does, step by step (`pkg/tanka/export.go`):
//! 1. the output directory must be empty or missing, unless a merge strategy is given;
//! 2. `replace-envs`: the files `manifest.json` attributes to the exported environments (and
//!    to every `--merge-deleted-envs` entrypoint) are deleted and dropped from it;
//! 3. every manifest of every environment is written to `<dir>/<name>.<extension>`; a path
//!    that exists already (on disk, or written earlier in the same run) is an error;
//! 4. `manifest.json` is the old one (minus the dropped files) plus every written file →
//!    the environment's `metadata.namespace` (its entrypoint path), unless `--skip-manifest`.

pub mod manifest_json;
mod naming;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::env::Environment;
use crate::gotemplate::TemplateError;
use crate::manifest::Manifest;
use crate::output::{self, DirMode, FileSet, WriteOptions, Written, names};
pub use manifest_json::{FileToEnv, MANIFEST_FILE};
pub use naming::{DEFAULT_EXTENSION, DEFAULT_FORMAT, FileNamer};

/// What to do when the output directory is not empty (`tk export --merge-strategy`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MergeStrategy {
    /// The directory must be empty or missing.
    #[default]
    None,
    /// Export into it; any file that exists already is an error.
    FailOnConflicts,
    /// First delete the files `manifest.json` attributes to the exported environments.
    ReplaceEnvs,
}

/// How to export.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// The file name template (`--format`).
    pub format: String,
    /// The file extension without its dot (`--extension`).
    pub extension: String,
    /// Do not read or write `manifest.json` (`--skip-manifest`).
    pub skip_manifest: bool,
    /// `--merge-strategy`.
    pub merge_strategy: MergeStrategy,
    /// `--merge-deleted-envs`: entrypoints (`environments/x/main.jsonnet`) of environments
    /// that no longer exist, whose files `replace-envs` deletes too.
    pub merge_deleted_envs: Vec<String>,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            format: DEFAULT_FORMAT.to_string(),
            extension: DEFAULT_EXTENSION.to_string(),
            skip_manifest: false,
            merge_strategy: MergeStrategy::None,
            merge_deleted_envs: Vec::new(),
        }
    }
}

/// One environment to export.
#[derive(Debug, Clone)]
pub struct EnvExport<'a> {
    /// The environment (its `metadata.namespace` goes into `manifest.json`; the template's
    /// `env` returns it, without `data`).
    pub env: &'a Environment,
    /// Its manifests, as `tk show` lists them.
    pub manifests: &'a [Manifest],
}

/// What the output directory holds now.
pub struct OutputDir<'a> {
    /// The directory as the user named it (error messages show paths under it).
    pub path: &'a Path,
    /// Whether it is empty or missing.
    pub empty: bool,
    /// Its `manifest.json`, if there is one.
    pub manifest_json: Option<FileToEnv>,
    /// Whether an entry (file, directory, link) exists at this relative path.
    pub exists: &'a dyn Fn(&str) -> bool,
}

/// Everything an export changes in the output directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WritePlan {
    /// Relative paths to delete first (`replace-envs`).
    pub delete: BTreeSet<String>,
    /// Relative path → content, `manifest.json` included.
    pub write: BTreeMap<String, String>,
    /// Warnings for the user (e.g. `replace-envs` without a `manifest.json`).
    pub warnings: Vec<String>,
}

/// Errors of a `tk export`-style export, in Tanka's words where Tanka has them.
#[derive(Debug, thiserror::Error)]
pub enum TkExportError {
    /// The output directory is not empty and no merge strategy was given.
    #[error("output dir `{}` not empty. Pass a different --merge-strategy to ignore this", .0.display())]
    NotEmpty(PathBuf),
    /// A file exists already, or two manifests map to the same file.
    #[error("file '{}' already exists. Aborting", .0.display())]
    Exists(PathBuf),
    /// `--format` does not parse.
    #[error("parsing format: {0}")]
    Format(TemplateError),
    /// `--format` fails on a manifest.
    #[error("executing name template on {object}: {source}")]
    Name {
        /// `<kind>/<name>` of the manifest.
        object: String,
        /// What failed.
        source: TemplateError,
    },
    /// A name leaves the output directory (`..`), which tkstep never writes.
    #[error("file name '{0}' leaves the output directory; tkstep writes nothing outside it")]
    Escapes(String),
    /// `manifest.json` cannot be read.
    #[error("deleting previously exported manifests: {0}")]
    ManifestJson(String),
    /// Writing failed or was refused (unsafe path, lock held, special file in the way, …).
    #[error(transparent)]
    Output(#[from] output::OutputError),
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

fn io_err<'a>(
    action: &'static str,
    path: &'a Path,
) -> impl FnOnce(io::Error) -> TkExportError + 'a {
    move |source| TkExportError::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

/// The environment as the template's `env` sees it: its JSON without `data`.
pub fn env_value(env: &Environment) -> Value {
    serde_json::to_value(env).unwrap_or(Value::Null)
}

/// `metadata.namespace` of an environment: its entrypoint relative to the project root.
fn entrypoint(env: &Environment) -> String {
    env.metadata.namespace.clone().unwrap_or_default()
}

/// Go's `filepath.Clean` of a relative path, `/`-separated; `None` when it leaves the
/// directory.
fn clean(rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// Decide everything the export writes and deletes (see the module docs). Writes nothing.
pub fn plan(
    dir: &OutputDir<'_>,
    envs: &[EnvExport<'_>],
    options: &ExportOptions,
) -> Result<WritePlan, TkExportError> {
    if !dir.empty && options.merge_strategy == MergeStrategy::None {
        return Err(TkExportError::NotEmpty(dir.path.to_path_buf()));
    }
    let mut out = WritePlan::default();
    let mut file_to_env = dir.manifest_json.clone().unwrap_or_default();
    if options.merge_strategy == MergeStrategy::ReplaceEnvs && !options.skip_manifest {
        match &dir.manifest_json {
            None => out.warnings.push(format!(
                "{} not found in {}: no previously exported files are deleted",
                MANIFEST_FILE,
                dir.path.display()
            )),
            Some(existing) => {
                let replaced: BTreeSet<String> = envs
                    .iter()
                    .map(|e| entrypoint(e.env))
                    .chain(options.merge_deleted_envs.iter().cloned())
                    .collect();
                for (file, env) in existing {
                    if replaced.contains(env) {
                        file_to_env.remove(file);
                        if let Some(path) = clean(file) {
                            out.delete.insert(path);
                        }
                    }
                }
            }
        }
    }
    let mut new_entries = FileToEnv::new();
    for export in envs {
        let namer = FileNamer::new(&options.format, &options.extension, env_value(export.env))
            .map_err(TkExportError::Format)?;
        for manifest in export.manifests {
            let rel = namer
                .file_name(manifest)
                .map_err(|source| TkExportError::Name {
                    object: manifest.kind_name(),
                    source,
                })?;
            let path = clean(&rel).ok_or_else(|| TkExportError::Escapes(rel.clone()))?;
            let on_disk = (dir.exists)(&path) && !out.delete.contains(&path);
            if on_disk || out.write.contains_key(&path) {
                return Err(TkExportError::Exists(dir.path.join(&path)));
            }
            out.write.insert(path, manifest.to_yaml());
            new_entries.insert(rel, entrypoint(export.env));
        }
    }
    if !options.skip_manifest {
        // Tanka merges the old entries over the new ones.
        for (file, env) in new_entries {
            file_to_env.entry(file).or_insert(env);
        }
        out.write.insert(
            MANIFEST_FILE.to_string(),
            manifest_json::render(&file_to_env),
        );
    }
    Ok(out)
}

/// Look at the output directory: whether it is empty and its `manifest.json`.
pub fn read_output_dir(path: &Path) -> Result<(bool, Option<FileToEnv>), TkExportError> {
    let empty = match fs::read_dir(path) {
        Ok(mut entries) => entries.next().is_none(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => true,
        Err(e) => return Err(io_err("cannot read", path)(e)),
    };
    let manifest_path = path.join(MANIFEST_FILE);
    let manifest = match fs::read_to_string(&manifest_path) {
        Ok(text) => Some(manifest_json::parse(&text).map_err(|e| {
            TkExportError::ManifestJson(format!("{}: {e}", manifest_path.display()))
        })?),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(io_err("cannot read", &manifest_path)(e)),
    };
    Ok((empty, manifest))
}

/// Plan an export into `out_dir` as it is on disk now.
pub fn plan_for_dir(
    out_dir: &Path,
    envs: &[EnvExport<'_>],
    options: &ExportOptions,
) -> Result<WritePlan, TkExportError> {
    let (empty, manifest_json) = read_output_dir(out_dir)?;
    let exists = |rel: &str| out_dir.join(rel).symlink_metadata().is_ok();
    plan(
        &OutputDir {
            path: out_dir,
            empty,
            manifest_json,
            exists: &exists,
        },
        envs,
        options,
    )
}

/// Apply `plan` to `out_dir` through [`crate::output::write_dir`] (containment, lock,
/// staging, no symbolic link written through).
///
/// A missing or empty directory is filled all-or-nothing ([`DirMode::Fresh`]). A merge into
/// a non-empty directory ([`DirMode::Merge`], replacing the files the plan replaces, such as
/// `manifest.json`) puts the whole set in place at once; then the files of replaced
/// environments that the new export does not rewrite are deleted (Tanka deletes them before
/// writing; deleting after means a failed write leaves the old export as it was).
pub fn write(out_dir: &Path, plan: &WritePlan) -> Result<Written, TkExportError> {
    let files: FileSet = plan
        .write
        .iter()
        .map(|(rel, content)| (PathBuf::from(rel), content.clone().into_bytes()))
        .collect();
    let (empty, _) = read_output_dir(out_dir)?;
    let options = if empty {
        WriteOptions::new(DirMode::Fresh)
    } else {
        WriteOptions::new(DirMode::Merge).force(true)
    };
    let written = output::write_dir(out_dir, &files, &options)?;
    for rel in plan.delete.iter().filter(|r| !plan.write.contains_key(*r)) {
        names::check_relative(Path::new(rel)).map_err(|reason| TkExportError::Io {
            action: "refusing to delete",
            path: out_dir.join(rel),
            source: io::Error::other(reason),
        })?;
        refuse_links(out_dir, rel)?;
        let path = out_dir.join(rel);
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_err("cannot delete", &path)(e)),
        }
    }
    Ok(written)
}

/// Refuse a path whose directories inside `out_dir` (or itself) are symbolic links.
fn refuse_links(out_dir: &Path, rel: &str) -> Result<(), TkExportError> {
    let mut path = out_dir.to_path_buf();
    for part in rel.split('/') {
        path.push(part);
        if path
            .symlink_metadata()
            .is_ok_and(|m| m.file_type().is_symlink())
        {
            return Err(TkExportError::Io {
                action: "refusing to delete through the symbolic link",
                path,
                source: io::Error::other("a link inside the output directory"),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn env(name: &str) -> Environment {
        let mut env = Environment::default();
        env.metadata.name = Some(format!("environments/{name}"));
        env.metadata.namespace = Some(format!("environments/{name}/main.jsonnet"));
        env
    }

    fn manifest(kind: &str, name: &str) -> Manifest {
        Manifest::new(
            json!({"apiVersion": "v1", "kind": kind, "metadata": {"name": name}})
                .as_object()
                .unwrap()
                .clone(),
        )
    }

    fn dir<'a>(
        empty: bool,
        manifest_json: Option<FileToEnv>,
        exists: &'a dyn Fn(&str) -> bool,
    ) -> OutputDir<'a> {
        OutputDir {
            path: Path::new("out"),
            empty,
            manifest_json,
            exists,
        }
    }

    #[test]
    fn fresh_export_writes_files_and_manifest_json() {
        let (a, ms) = (
            env("a"),
            vec![manifest("Service", "web"), manifest("ConfigMap", "cfg")],
        );
        let none = |_: &str| false;
        let plan = plan(
            &dir(true, None, &none),
            &[EnvExport {
                env: &a,
                manifests: &ms,
            }],
            &ExportOptions::default(),
        )
        .unwrap();
        let files: Vec<&str> = plan.write.keys().map(String::as_str).collect();
        assert_eq!(
            files,
            [
                "manifest.json",
                "v1.ConfigMap-cfg.yaml",
                "v1.Service-web.yaml"
            ]
        );
        assert_eq!(
            plan.write["manifest.json"],
            "{\n    \"v1.ConfigMap-cfg.yaml\": \"environments/a/main.jsonnet\",\n    \"v1.Service-web.yaml\": \"environments/a/main.jsonnet\"\n}"
        );
        assert_eq!(plan.write["v1.Service-web.yaml"], ms[0].to_yaml());
    }

    #[test]
    fn errors_are_tankas() {
        let a = env("a");
        let none = |_: &str| false;
        let twice = vec![manifest("Service", "web"), manifest("Service", "web")];
        let err = plan(
            &dir(true, None, &none),
            &[EnvExport {
                env: &a,
                manifests: &twice,
            }],
            &ExportOptions::default(),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "file 'out/v1.Service-web.yaml' already exists. Aborting"
        );
        let err = plan(&dir(false, None, &none), &[], &ExportOptions::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "output dir `out` not empty. Pass a different --merge-strategy to ignore this"
        );
        let one = vec![manifest("Service", "web")];
        let on_disk = |p: &str| p == "v1.Service-web.yaml";
        let options = ExportOptions {
            merge_strategy: MergeStrategy::FailOnConflicts,
            ..ExportOptions::default()
        };
        let err = plan(
            &dir(false, None, &on_disk),
            &[EnvExport {
                env: &a,
                manifests: &one,
            }],
            &options,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "file 'out/v1.Service-web.yaml' already exists. Aborting"
        );
        let options = ExportOptions {
            format: "../{{.kind}}".to_string(),
            ..ExportOptions::default()
        };
        let err = plan(
            &dir(true, None, &none),
            &[EnvExport {
                env: &a,
                manifests: &one,
            }],
            &options,
        )
        .unwrap_err();
        assert!(matches!(err, TkExportError::Escapes(_)), "{err}");
    }

    #[test]
    fn replace_envs_deletes_the_envs_files_and_keeps_others() {
        let (a, b) = (env("a"), env("b"));
        let old: FileToEnv = [
            ("v1.Service-old.yaml", "environments/a/main.jsonnet"),
            ("v1.Service-web.yaml", "environments/a/main.jsonnet"),
            ("v1.Service-other.yaml", "environments/b/main.jsonnet"),
            ("v1.Service-gone.yaml", "environments/gone/main.jsonnet"),
        ]
        .into_iter()
        .map(|(f, e)| (f.to_string(), e.to_string()))
        .collect();
        let on_disk = |p: &str| old.contains_key(p) || p == "manifest.json";
        let ms = vec![manifest("Service", "web")];
        let options = ExportOptions {
            merge_strategy: MergeStrategy::ReplaceEnvs,
            merge_deleted_envs: vec!["environments/gone/main.jsonnet".to_string()],
            ..ExportOptions::default()
        };
        let plan = plan(
            &dir(false, Some(old.clone()), &on_disk),
            &[EnvExport {
                env: &a,
                manifests: &ms,
            }],
            &options,
        )
        .unwrap();
        let deleted: Vec<&str> = plan.delete.iter().map(String::as_str).collect();
        assert_eq!(
            deleted,
            [
                "v1.Service-gone.yaml",
                "v1.Service-old.yaml",
                "v1.Service-web.yaml"
            ]
        );
        assert_eq!(
            plan.write["manifest.json"],
            "{\n    \"v1.Service-other.yaml\": \"environments/b/main.jsonnet\",\n    \"v1.Service-web.yaml\": \"environments/a/main.jsonnet\"\n}"
        );
        let _ = b;
        // Without a manifest.json nothing is deleted, with a warning.
        let plan = plan_without_manifest(&ms, &a, &options);
        assert!(plan.delete.is_empty());
        assert_eq!(plan.warnings.len(), 1);
    }

    fn plan_without_manifest(
        ms: &[Manifest],
        a: &Environment,
        options: &ExportOptions,
    ) -> WritePlan {
        let none = |_: &str| false;
        plan(
            &dir(false, None, &none),
            &[EnvExport {
                env: a,
                manifests: ms,
            }],
            options,
        )
        .unwrap()
    }

    #[test]
    fn skip_manifest_writes_no_manifest_json() {
        let a = env("a");
        let ms = vec![manifest("Service", "web")];
        let none = |_: &str| false;
        let options = ExportOptions {
            skip_manifest: true,
            extension: "yml".to_string(),
            format: "{{.metadata.name}}/{{.kind}}".to_string(),
            ..ExportOptions::default()
        };
        let plan = plan(
            &dir(true, None, &none),
            &[EnvExport {
                env: &a,
                manifests: &ms,
            }],
            &options,
        )
        .unwrap();
        let files: Vec<&str> = plan.write.keys().map(String::as_str).collect();
        assert_eq!(files, ["web/Service.yml"]);
    }

    #[test]
    fn clean_is_go_filepath_clean() {
        assert_eq!(clean("a//b/./c.yaml").as_deref(), Some("a/b/c.yaml"));
        assert_eq!(clean("/abs/x.yaml").as_deref(), Some("abs/x.yaml"));
        assert_eq!(clean("a/../b.yaml").as_deref(), Some("b.yaml"));
        assert_eq!(clean("../b.yaml"), None);
    }
}
