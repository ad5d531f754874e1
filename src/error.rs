//! The crate-wide error type: one variant per pipeline stage.

/// Any error tkstep can report. Each stage has its own error type; this gathers them.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Finding the project root, base directory or environment failed.
    #[error(transparent)]
    Env(#[from] crate::env::EnvError),
    /// Jsonnet evaluation failed.
    #[error(transparent)]
    Eval(#[from] crate::eval::EvalError),
    /// The evaluated output could not be turned into Kubernetes manifests.
    #[error(transparent)]
    Manifest(#[from] crate::manifest::ManifestError),
    /// A plan is invalid, or could not be adapted to the environment.
    #[error(transparent)]
    Plan(#[from] crate::plan::PlanError),
    /// Writing or checking an export failed.
    #[error(transparent)]
    Export(#[from] crate::export::ExportError),
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
