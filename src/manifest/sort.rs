//! The order `tk show` prints objects in (`pkg/process/sort.go`).

use std::cmp::Ordering;

use super::Manifest;

/// Kinds in install order; other kinds come after all of these.
const KIND_ORDER: &[&str] = &[
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "Ingress",
    "APIService",
];

fn kind_rank(kind: &str) -> usize {
    KIND_ORDER
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(KIND_ORDER.len())
}

/// Tanka's order: kind rank, then kind, namespace, name, generateName (byte order); stable.
pub(super) fn compare(a: &Manifest, b: &Manifest) -> Ordering {
    kind_rank(a.kind())
        .cmp(&kind_rank(b.kind()))
        .then_with(|| a.kind().cmp(b.kind()))
        .then_with(|| a.namespace().cmp(b.namespace()))
        .then_with(|| a.name().cmp(b.name()))
        .then_with(|| a.generate_name().cmp(b.generate_name()))
}

/// Sort `manifests` in place as Tanka does (stable).
pub(super) fn sort(manifests: &mut [Manifest]) {
    manifests.sort_by(compare);
}
