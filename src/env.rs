//! Tanka environment discovery: project root, base directory, import paths, `spec.json`.
//!
//! STUB: signatures are the agreed interface; bodies are being implemented.
#![allow(unused_variables, dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Errors finding or reading an environment.
#[derive(Debug, thiserror::Error)]
pub enum EnvError {
    /// Placeholder.
    #[error("{0}")]
    Other(String),
}

/// Where an environment lives, resolved exactly as Tanka does it.
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
    pub fn resolve(path: &Path) -> Result<Self, EnvError> {
        todo!()
    }
    /// Import search order for jrsonnet (first hit wins): `[base, root/lib, base/vendor, root/vendor]`.
    pub fn import_paths(&self) -> Vec<PathBuf> {
        todo!()
    }
    /// The base directory relative to root (`environments/default`): a static env's name.
    pub fn env_name(&self) -> String {
        todo!()
    }
    /// The entrypoint relative to root (`environments/default/main.jsonnet`): `metadata.namespace`.
    pub fn entrypoint_rel(&self) -> String {
        todo!()
    }
    /// Whether `<base>/spec.json` exists (static environment) or not (inline).
    pub fn is_static(&self) -> bool {
        todo!()
    }
}

/// A Tanka `Environment` (`tanka.dev/v1alpha1`), without `data`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Environment {
    /// Always `tanka.dev/v1alpha1`.
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    /// Always `Environment`.
    pub kind: String,
    /// Name, "namespace" (entrypoint path) and labels.
    pub metadata: Metadata,
    /// The spec.
    pub spec: Spec,
}

/// `metadata` of an [`Environment`].
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Metadata {
    /// Environment name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The entrypoint path relative to the root (not a Kubernetes namespace).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Labels.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
}

/// `spec` of an [`Environment`].
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Spec {
    /// Kubernetes namespace objects default to.
    pub namespace: String,
    /// Whether to inject the `tanka.dev/environment` label.
    #[serde(
        rename = "injectLabels",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub inject_labels: Option<bool>,
    /// Everything else, kept as parsed (serialized back in Tanka's field order by the implementation).
    #[serde(flatten)]
    pub other: BTreeMap<String, serde_json::Value>,
}

impl Environment {
    /// Read `<base>/spec.json` as Tanka's static loader does (name/namespace derived from paths).
    pub fn load_static(paths: &ProjectPaths) -> Result<Self, EnvError> {
        todo!()
    }
    /// Parse an inline `Environment` object (its `data` ignored).
    pub fn from_inline(value: &serde_json::Value, paths: &ProjectPaths) -> Result<Self, EnvError> {
        todo!()
    }
    /// The JSON Tanka passes as ext code `tanka.dev/environment` (the environment without `data`).
    pub fn to_ext_code(&self) -> String {
        todo!()
    }
}

/// Pick one inline environment (STUB).
pub fn select_inline<T>(
    candidates: Vec<(T, Environment)>,
    name: Option<&str>,
    path_display: &str,
) -> Result<(T, Environment), EnvError> {
    todo!()
}

impl EnvError {
    /// Static and inline at once (STUB).
    pub fn static_and_inline() -> Self {
        todo!()
    }
}
