//! Namespace defaulting, the environment label and resource defaults
//! (`pkg/process/namespace.go`, `process.go`).

use serde_json::{Map, Value};

use crate::env::ResourceDefaults;

/// Kinds that are never given the default namespace (unless annotated otherwise).
const CLUSTER_WIDE_KINDS: &[&str] = &[
    "APIService",
    "CertificateSigningRequest",
    "ClusterRole",
    "ClusterRoleBinding",
    "ComponentStatus",
    "CSIDriver",
    "CSINode",
    "CustomResourceDefinition",
    "MutatingWebhookConfiguration",
    "Namespace",
    "Node",
    "NodeMetrics",
    "PersistentVolume",
    "PodSecurityPolicy",
    "PriorityClass",
    "RuntimeClass",
    "SelfSubjectAccessReview",
    "SelfSubjectRulesReview",
    "StorageClass",
    "SubjectAccessReview",
    "TokenReview",
    "ValidatingWebhookConfiguration",
    "VolumeAttachment",
];

/// The annotation that overrides whether an object is namespaced (`"true"` = namespaced,
/// any other value = cluster-wide).
pub const ANNOTATION_NAMESPACED: &str = "tanka.dev/namespaced";
/// The label Tanka injects with `spec.injectLabels`.
pub const LABEL_ENVIRONMENT: &str = "tanka.dev/environment";

/// `metadata`, created empty when absent or `null` (as Go's `Manifest.Metadata()` does);
/// `None` when it is something else.
fn metadata_mut(obj: &mut Map<String, Value>) -> Option<&mut Map<String, Value>> {
    child_map_mut(obj, "metadata")
}

/// `obj[key]` as an object, created empty when absent or `null`.
fn child_map_mut<'a>(
    obj: &'a mut Map<String, Value>,
    key: &str,
) -> Option<&'a mut Map<String, Value>> {
    let slot = obj
        .entry(key.to_string())
        .or_insert_with(|| Value::Object(Map::new()));
    if slot.is_null() {
        *slot = Value::Object(Map::new());
    }
    slot.as_object_mut()
}

/// Give `obj` the namespace `default` unless it has a string namespace already or is
/// cluster-wide (its kind is in Tanka's list, or annotation `tanka.dev/namespaced` says so).
/// Nothing happens when `default` is empty. Side effect, as in Tanka: an absent, `null` or
/// empty `metadata.annotations` ends up removed.
pub(super) fn default_namespace(obj: &mut Map<String, Value>, default: &str) {
    if default.is_empty() {
        return;
    }
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
    let mut namespaced = !CLUSTER_WIDE_KINDS.contains(&kind);
    let Some(metadata) = metadata_mut(obj) else {
        return;
    };
    if let Some(Value::Object(annotations)) = metadata.get("annotations") {
        if let Some(value) = annotations.get(ANNOTATION_NAMESPACED) {
            namespaced = value.as_str() == Some("true");
        }
    }
    if namespaced && !matches!(metadata.get("namespace"), Some(Value::String(_))) {
        metadata.insert("namespace".to_string(), Value::String(default.to_string()));
    }
    let drop_annotations = match metadata.get("annotations") {
        None | Some(Value::Null) => true,
        Some(Value::Object(a)) => a.is_empty(),
        Some(_) => false,
    };
    if drop_annotations {
        metadata.remove("annotations");
    }
}

/// Set label `tanka.dev/environment` to `value` (overwriting any existing value).
pub(super) fn inject_label(obj: &mut Map<String, Value>, value: &str) {
    if let Some(labels) = metadata_mut(obj).and_then(|m| child_map_mut(m, "labels")) {
        labels.insert(
            LABEL_ENVIRONMENT.to_string(),
            Value::String(value.to_string()),
        );
    }
}

/// Add each of `spec.resourceDefaults`' annotations and labels the object does not set.
pub(super) fn resource_defaults(obj: &mut Map<String, Value>, defaults: &ResourceDefaults) {
    for (key, defaults) in [
        ("annotations", &defaults.annotations),
        ("labels", &defaults.labels),
    ] {
        if defaults.is_empty() {
            continue;
        }
        let Some(map) = metadata_mut(obj).and_then(|m| child_map_mut(m, key)) else {
            continue;
        };
        for (k, v) in defaults {
            if !map.contains_key(k) {
                map.insert(k.clone(), Value::String(v.clone()));
            }
        }
    }
}
