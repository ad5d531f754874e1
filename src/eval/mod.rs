//! Jsonnet evaluation with jrsonnet-evaluator and Tanka's native functions.
//! This is the only module that touches jrsonnet.
//!
//! STUB: signatures are the agreed interface; bodies are being implemented.
#![allow(unused_variables, dead_code)]

use std::path::{Path, PathBuf};

/// An evaluation error, rendered with file:line:column.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct EvalError {
    /// The full message, including the Jsonnet stack trace.
    pub message: String,
}

/// One step of a path into the evaluated output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    /// An object field.
    Field(String),
    /// An array element.
    Index(usize),
}

/// Settings for an [`Evaluator`].
#[derive(Debug, Clone)]
pub struct EvalOptions {
    /// Library search paths, first hit wins (see `ProjectPaths::import_paths`).
    pub import_paths: Vec<PathBuf>,
    /// External variables given as Jsonnet code (`std.extVar(name)`).
    pub ext_code: Vec<(String, String)>,
    /// Maximum stack depth (Tanka/go-jsonnet: 500).
    pub max_stack: usize,
}

/// Jsonnet code applied on top of an evaluated object: `<object> + (<code>)`.
#[derive(Debug, Clone)]
pub struct Overlay {
    /// Name used in error messages, e.g. `step 5.2 overlay`.
    pub name: String,
    /// Jsonnet source of the overlay object.
    pub code: String,
}

/// An `Environment` object found in an inline environment's output (not forcing its `data`).
#[derive(Debug, Clone)]
pub struct InlineEnvironment {
    /// Where it is in the output.
    pub path: Vec<PathSegment>,
    /// The object with `data` left out.
    pub object: serde_json::Value,
}

/// A reusable evaluator for one entrypoint. Parsed imports are cached across evaluations.
pub struct Evaluator {}

impl Evaluator {
    /// Create an evaluator for `entrypoint`.
    pub fn new(entrypoint: &Path, options: EvalOptions) -> Result<Self, EvalError> {
        todo!()
    }
    /// Evaluate the entrypoint, take the value at `path` and apply `overlay` on top of it.
    pub fn evaluate(
        &self,
        path: &[PathSegment],
        overlay: Option<&Overlay>,
    ) -> Result<serde_json::Value, EvalError> {
        todo!()
    }
    /// Find inline `Environment` objects without evaluating their `data`.
    pub fn inline_environments(&self) -> Result<Vec<InlineEnvironment>, EvalError> {
        todo!()
    }
}
