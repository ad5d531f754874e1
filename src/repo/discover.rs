//! Finding every Tanka environment below a directory, the way `tk env list` / `tk export -r`
//! do it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use super::bounded::{Outcome, map_bounded};
use crate::env::{EnvError, Environment, ProjectPaths, Selector, find_environments};
use crate::{Error, OpenOptions, Renderer, Result};

/// Whether an environment is described by a `spec.json` or by an `Environment` object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EnvKind {
    /// `spec.json` beside `main.jsonnet`: one environment per directory.
    Static,
    /// No `spec.json`: `main.jsonnet` outputs one or more `Environment` objects.
    Inline,
}

/// One environment found below a directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnvRef {
    /// The environment's directory relative to the searched directory, `/`-separated (`.` for
    /// the directory itself). Several inline environments share one path.
    pub path: String,
    /// Tanka's `metadata.name`: the base directory relative to the project root for static
    /// environments, the `Environment` object's name for inline ones.
    pub name: String,
    /// Static or inline.
    pub kind: EnvKind,
    /// The `main.jsonnet` file, as found by the walk.
    #[serde(skip)]
    pub entrypoint: PathBuf,
    /// Tanka's `metadata.labels` (what `-l/--selector` matches).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
}

impl EnvRef {
    /// Whether the environment is selected by `--name` (its name exactly) and `-l/--selector`
    /// (its labels), as `tk export -r` selects them; `None` selects everything.
    pub fn is_selected(&self, name: Option<&str>, selector: Option<&Selector>) -> bool {
        name.is_none_or(|n| n == self.name) && selector.is_none_or(|s| s.matches(&self.labels))
    }

    /// How the environment is shown to people: its path, plus `[name]` for inline environments
    /// (their path does not identify them).
    pub fn display(&self) -> String {
        match self.kind {
            EnvKind::Static => self.path.clone(),
            EnvKind::Inline => format!("{} [{}]", self.path, self.name),
        }
    }

    /// Open the environment (an inline one is selected by its name).
    ///
    /// A [`Renderer`] cannot leave the thread that made it: call this inside the task that
    /// uses it.
    pub fn open(&self) -> Result<Renderer> {
        let name = match self.kind {
            EnvKind::Static => None,
            EnvKind::Inline => Some(self.name.clone()),
        };
        Renderer::open(
            &self.entrypoint,
            &OpenOptions {
                name,
                ..OpenOptions::default()
            },
        )
    }
}

/// A `main.jsonnet` that could not be listed (bad `spec.json`, inline file that does not
/// evaluate, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveryError {
    /// The file's directory relative to the searched directory.
    pub path: String,
    /// Static or inline (by the presence of `spec.json`).
    pub kind: EnvKind,
    /// The error, as text.
    pub error: String,
}

/// Everything found below a directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Discovery {
    /// The environments, sorted by path, then name.
    pub envs: Vec<EnvRef>,
    /// The `main.jsonnet` files that could not be listed, sorted by path.
    pub errors: Vec<DiscoveryError>,
}

/// Find every environment at or below `dir`, listing the `main.jsonnet` files in parallel.
///
/// Tanka's rules (`pkg/tanka/find.go`): every file named `main.jsonnet` in the whole tree
/// (symlinks not followed) is a candidate. With a `spec.json` beside it, it is one static
/// environment, named from its directory (the spec is parsed, the Jsonnet is not evaluated).
/// Without, it is evaluated just far enough to list its `Environment` objects (their `data` is
/// not evaluated): one environment per object; a file that outputs none is not an environment
/// and is left out silently. A file outside any project (no `tkrc.yaml`/`jsonnetfile.json`
/// above it) or whose spec or top level cannot be read lands in [`Discovery::errors`].
///
/// `jobs` caps the number of threads (`None`: one per core).
pub fn discover(dir: &Path, jobs: Option<usize>) -> Result<Discovery> {
    discover_within(dir, jobs, None)
}

/// [`discover`], giving the listing of each `main.jsonnet` at most `limit` (a file that takes
/// longer lands in [`Discovery::errors`]; see [`super::bounded`]).
pub(super) fn discover_within(
    dir: &Path,
    jobs: Option<usize>,
    limit: Option<Duration>,
) -> Result<Discovery> {
    let files = find_environments(dir)?;
    let walked = Arc::new(if dir.is_dir() {
        dir.to_path_buf()
    } else {
        dir.parent().map(Path::to_path_buf).unwrap_or_default()
    });
    let listed = {
        let walked = Arc::clone(&walked);
        map_bounded(
            &files,
            jobs,
            limit,
            move |file| list_file(&walked, file),
            |_, _| {},
        )
    };
    let mut out = Discovery::default();
    for (file, outcome) in files.iter().zip(listed) {
        let failed = |error: String| {
            let (path, kind) = where_and_kind(&walked, file);
            DiscoveryError { path, kind, error }
        };
        match outcome {
            Outcome::Done(Ok(envs)) => out.envs.extend(envs),
            Outcome::Done(Err(e)) => out.errors.push(e),
            Outcome::TimedOut(limit) => out.errors.push(failed(timed_out_message(limit))),
            Outcome::Panicked(message) => out.errors.push(failed(panicked_message(&message))),
        }
    }
    out.envs
        .sort_by(|a, b| (&a.path, &a.name).cmp(&(&b.path, &b.name)));
    out.errors.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// The environments one `main.jsonnet` holds.
fn list_file(walked: &Path, file: &Path) -> Result<Vec<EnvRef>, DiscoveryError> {
    let (path, kind) = where_and_kind(walked, file);
    let fail = |e: Error| DiscoveryError {
        path: path.clone(),
        kind,
        error: e.to_string(),
    };
    let entry = |env: &Environment| EnvRef {
        path: path.clone(),
        name: env.name().to_string(),
        kind,
        entrypoint: file.to_path_buf(),
        labels: env.metadata.labels.clone(),
    };
    let paths = ProjectPaths::resolve(file).map_err(|e| fail(e.into()))?;
    if kind == EnvKind::Static {
        let env = Environment::load_static(&paths).map_err(|e| fail(e.into()))?;
        return Ok(vec![entry(&env)]);
    }
    match Renderer::open(file, &OpenOptions::default()) {
        Ok(renderer) => Ok(vec![entry(renderer.environment())]),
        // Each one by its exact name (listing them again; files with several are rare).
        Err(Error::Env(EnvError::MultipleEnvironments { names, .. })) => names
            .into_iter()
            .map(|name| {
                let options = OpenOptions {
                    name: Some(name),
                    ..OpenOptions::default()
                };
                Renderer::open(file, &options)
                    .map(|r| entry(r.environment()))
                    .map_err(fail)
            })
            .collect(),
        Err(Error::Env(
            EnvError::NoMatchingEnvironment { .. } | EnvError::NotAnEnvironment { .. },
        )) => Ok(Vec::new()),
        Err(e) => Err(fail(e)),
    }
}

/// A `main.jsonnet`'s directory relative to `walked`, and whether a `spec.json` is beside it.
fn where_and_kind(walked: &Path, file: &Path) -> (String, EnvKind) {
    let dir = file.parent().unwrap_or(Path::new(""));
    let kind = if dir.join("spec.json").exists() {
        EnvKind::Static
    } else {
        EnvKind::Inline
    };
    (relative_path(walked, dir), kind)
}

/// The error of a task that was still running after `limit`.
pub(super) fn timed_out_message(limit: Duration) -> String {
    format!(
        "timed out after {}: still evaluating (raise the limit with --timeout)",
        humantime::format_duration(limit)
    )
}

/// The error of a task that panicked.
pub(super) fn panicked_message(message: &str) -> String {
    // stacker panics when it cannot map a stack for the evaluation.
    if message.contains("failed to allocate stack") {
        return "out of memory (a stack for the evaluation could not be mapped)".to_string();
    }
    format!("internal error (a bug in tkstep, please report it): {message}")
}

/// `dir` relative to `walked`, `/`-separated, `.` when equal.
fn relative_path(walked: &Path, dir: &Path) -> String {
    let rel = dir.strip_prefix(walked).unwrap_or(dir);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::relative_path;
    use std::path::Path;

    #[test]
    fn relative_paths_are_slash_separated() {
        assert_eq!(relative_path(Path::new("a"), Path::new("a/b/c")), "b/c");
        assert_eq!(relative_path(Path::new("a"), Path::new("a")), ".");
        assert_eq!(relative_path(Path::new("x"), Path::new("a/b")), "a/b");
    }
}
