//! Kubernetes manifests extracted from evaluated Jsonnet, processed as Tanka does.
//!
//! STUB: signatures are the agreed interface; bodies are being implemented.
#![allow(unused_variables, dead_code)]

use crate::env::Environment;
use serde_json::{Map, Value};

/// Errors turning evaluated output into manifests.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// Placeholder.
    #[error("{0}")]
    Other(String),
}

/// One Kubernetes object.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest(pub Map<String, Value>);

/// Identity of an object: apiVersion, kind, namespace, name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectId {
    /// `apiVersion`.
    pub api_version: String,
    /// `kind`.
    pub kind: String,
    /// `metadata.namespace` (empty when cluster-wide).
    pub namespace: String,
    /// `metadata.name` (or `generateName`).
    pub name: String,
}

/// Extract, unwrap lists, default namespaces, inject labels/defaults and sort, as `tk show` does.
pub fn process(data: &Value, env: &Environment) -> Result<Vec<Manifest>, ManifestError> {
    todo!()
}

/// The YAML stream `tk show` prints (documents joined with `---\n`).
pub fn to_yaml_stream(manifests: &[Manifest]) -> String {
    todo!()
}

impl Manifest {
    /// `kind` (STUB).
    pub fn kind(&self) -> &str {
        todo!()
    }
}

/// Pretty JSON array of the manifests (STUB).
pub fn to_json_array(manifests: &[Manifest]) -> String {
    todo!()
}

impl Manifest {
    /// `tk export` file name (STUB).
    pub fn export_file_name(&self) -> String {
        todo!()
    }
}
