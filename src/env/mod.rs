//! Tanka environment discovery: project root, base directory, import paths, `spec.json`,
//! inline environment selection.
//!
//! Everything here follows Tanka v0.38 (`pkg/jsonnet/jpath`, `pkg/spec`, `pkg/tanka`):
//!
//! - [`ProjectPaths::resolve`] finds the project root (nearest `tkrc.yaml` upwards, else
//!   nearest `jsonnetfile.json`), the environment's base directory and its entrypoint;
//! - [`Environment`] is Tanka's `tanka.dev/v1alpha1` object, read from `spec.json`
//!   ([`Environment::load_static`]) or from an inline `Environment` object
//!   ([`Environment::from_inline`]);
//! - [`select_inline`] applies `tk --name` to the inline environments found;
//! - [`find_environments`] lists the `main.jsonnet` files below a directory (`--recursive`).
//!
//! Error texts Tanka defines are reproduced verbatim (see [`EnvError`]).

mod decode;
mod find;
mod inline;
mod label;
mod paths;
mod selector;
mod spec;

use std::path::{Path, PathBuf};

pub(crate) use decode::go_type;
pub use find::find_environments;
pub use inline::select_inline;
pub use paths::ProjectPaths;
pub use selector::{Selector, SelectorError};
pub use spec::{Environment, ExpectVersions, Metadata, ResourceDefaults, Spec};

/// The documentation page Tanka's discovery errors point to.
const DIRECTORY_STRUCTURE_URL: &str = "https://tanka.dev/directory-structure";

/// Errors finding or reading an environment.
///
/// Where Tanka has its own wording (no root, no base, `--name` selection, `spec.json` field
/// types) the message is Tanka's, verbatim. The discovery errors additionally carry the path
/// they were searching from, on one extra line after Tanka's text.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EnvError {
    /// The path given does not exist.
    #[error("'{}' does not exist", path.display())]
    NotFound {
        /// The path as given.
        path: PathBuf,
    },
    /// Reading the filesystem failed.
    #[error("cannot read '{}': {source}", path.display())]
    Io {
        /// What could not be read.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A file that exists but cannot be read as input: not a regular file (a FIFO, a device,
    /// a directory) or too large.
    #[error("cannot read {}: {reason}", display_path(path))]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// Why, e.g. `is a FIFO (named pipe), not a regular file`.
        reason: String,
    },
    /// The directory has no `spec.json` (so it is no static environment) and its entrypoint
    /// outputs no `Environment` object (so it is no inline environment either).
    #[error(
        "{} is not a Tanka environment: it has no spec.json (a static environment), and {} outputs no Environment object (an inline environment)",
        display_path(base),
        display_path(entrypoint)
    )]
    NotAnEnvironment {
        /// The environment's base directory.
        base: PathBuf,
        /// Its entrypoint.
        entrypoint: PathBuf,
    },
    /// Neither `tkrc.yaml` nor `jsonnetfile.json` in any parent directory (Tanka's `ErrorNoRoot`).
    #[error(
        "unable to identify the project root.\nTried to find 'tkrc.yaml' or 'jsonnetfile.json' in the parent directories.\nPlease refer to {DIRECTORY_STRUCTURE_URL} for more information\n(searched upwards from {})",
        start.display()
    )]
    NoRoot {
        /// The directory the search started from.
        start: PathBuf,
    },
    /// No directory between the start and the root holds the entrypoint (Tanka's `ErrorNoBase`).
    #[error(
        "Unable to identify the environments base directory.\nTried to find '{filename}' in the parent directories.\nPlease refer to {DIRECTORY_STRUCTURE_URL} for more information\n(searched from {} up to the project root {})",
        start.display(),
        root.display()
    )]
    NoBase {
        /// The entrypoint file name looked for (`main.jsonnet` unless a file was given).
        filename: String,
        /// The directory the search started from.
        start: PathBuf,
        /// The project root (where the search stopped).
        root: PathBuf,
    },
    /// `spec.json` (or an inline `Environment` object) could not be parsed.
    ///
    /// `message` is worded as Tanka's Go code words it, e.g. `parsing spec.json: json: cannot
    /// unmarshal number into Go struct field Spec.spec.namespace of type string` or
    /// ``` `server` is of type float64 but should be string ```.
    #[error("{message}")]
    Spec {
        /// The `spec.json` file, or the entrypoint for an inline environment.
        path: PathBuf,
        /// Tanka's wording of the problem.
        message: String,
    },
    /// `tk --name` matched no inline environment (or there was none).
    #[error("found no matching environments; run 'tk env list {path}' to view available options")]
    NoMatchingEnvironment {
        /// The path as the user gave it.
        path: String,
    },
    /// More than one inline environment and no (unique) `--name`.
    #[error("{}", inline::multiple_message(path, name.as_deref(), names))]
    MultipleEnvironments {
        /// The path as the user gave it.
        path: String,
        /// The `--name` given, if any.
        name: Option<String>,
        /// The names of the environments that matched, sorted.
        names: Vec<String>,
    },
    /// A static environment (with `spec.json`) whose output also contains an `Environment`.
    #[error(
        "found a tanka Environment resource. Check that you aren't using a spec.json and inline environments simultaneously"
    )]
    StaticAndInline,
    /// The environment label could not be computed from `spec.tankaEnvLabelFromFields`.
    #[error("failed to retrieve field values for label: {0}")]
    Label(String),
}

/// `path` for messages: relative to the working directory when below it, else as is.
pub(crate) fn display_path(path: &Path) -> String {
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf));
    match relative {
        Some(rel) if !rel.as_os_str().is_empty() => rel.display().to_string(),
        _ => path.display().to_string(),
    }
}

impl EnvError {
    /// The error Tanka raises when a static environment (with `spec.json`) outputs an
    /// inline `Environment` object as well.
    pub fn static_and_inline() -> Self {
        EnvError::StaticAndInline
    }

    fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> EnvError {
        let path = path.into();
        move |source| EnvError::Io { path, source }
    }

    /// `NotFound` naming `given` (the path as the user wrote it) when `source` says so,
    /// else `Io` naming `full`.
    fn stat(given: &Path, full: &Path, source: std::io::Error) -> EnvError {
        if source.kind() == std::io::ErrorKind::NotFound {
            EnvError::NotFound {
                path: given.to_path_buf(),
            }
        } else {
            EnvError::Io {
                path: full.to_path_buf(),
                source,
            }
        }
    }
}
