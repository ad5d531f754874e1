//! Machine-readable diff output (serde `Serialize`).

use super::object::Change;
use serde::Serialize;

/// One step's changes. Build it with [`StepDiff::to_json`](super::StepDiff::to_json).
///
/// `tkstep diff --json` prints an array of [`StepJson`], one per step:
///
/// ```json
/// [{"step": "1", "name": "zone-awareness",
///   "changes": [{"apiVersion": "apps/v1", "kind": "StatefulSet", "namespace": "mimir",
///                "name": "ingester-zone-a", "change": "added", "diff": "diff -u -N ..."}]}]
/// ```
///
/// `diff` is the object's uncoloured unified text exactly as in the text output (including its
/// `diff -u -N`, `---` and `+++` lines; empty when both sides print the same YAML), with Secret
/// values redacted unless `show_secrets` was set. `apiVersion` is an addition to the schema of
/// issue 3: without it two objects differing only in API group could not be told apart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepJson {
    /// The step id, e.g. `3.1`.
    pub step: String,
    /// The step name, e.g. `scale-up-read`.
    pub name: String,
    /// Changed objects, in diff order.
    pub changes: Vec<ChangeJson>,
}

/// One changed object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeJson {
    /// `apiVersion`.
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    /// `kind`.
    pub kind: String,
    /// `metadata.namespace` (empty for cluster-wide objects).
    pub namespace: String,
    /// `metadata.name` (or `generateName`).
    pub name: String,
    /// `added`, `removed` or `modified`.
    pub change: Change,
    /// The unified diff text.
    pub diff: String,
}
