//! manifest_process tests: extraction, Lists, schema checks, namespace/label/default
//! injection, ordering, `-t` filtering, names and output helpers, as Tanka does them.
//!
//! Error texts with a YAML excerpt were produced by Go (Tanka's extraction logic run with the
//! real gopkg.in/yaml.v2 and yaml.v3); they need `crate::yaml` and are marked `needs yaml`.

use serde_json::{Value, json};
use tkstep::env::Environment;
use tkstep::manifest::{
    Manifest, ManifestError, filter_targets, process, to_json_array, to_yaml_stream,
};

use crate::common::shared_dir;

/// A static environment named like Tanka's default one, with `spec.namespace = namespace`.
fn env(namespace: &str) -> Environment {
    let mut env = Environment::default();
    env.metadata.name = Some("environments/default".to_string());
    env.metadata.namespace = Some("environments/default/main.jsonnet".to_string());
    env.spec.namespace = namespace.to_string();
    env
}

fn cm(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}})
}

fn obj(kind: &str, namespace: Option<&str>, name: &str) -> Value {
    let mut v = json!({"apiVersion": "v1", "kind": kind, "metadata": {"name": name}});
    if let Some(ns) = namespace {
        v["metadata"]["namespace"] = json!(ns);
    }
    v
}

fn values(ms: &[Manifest]) -> Vec<Value> {
    ms.iter().map(Manifest::to_value).collect()
}

fn kind_names(ms: &[Manifest]) -> Vec<String> {
    ms.iter().map(Manifest::kind_name).collect()
}

const WRAP: &str = "got an error while extracting env `environments/default`: ";

// ---------------------------------------------------------------------------------------
// Extraction

#[test]
fn extraction_cases() {
    // (case, data, expected manifests in output order); no namespace defaulting here.
    let cases: Vec<(&str, Value, Vec<Value>)> = vec![
        (
            "nested objects",
            json!({"a": {"b": {"c": cm("c")}}, "d": cm("d")}),
            vec![cm("c"), cm("d")],
        ),
        (
            "arrays at any depth",
            json!([cm("a"), [cm("b")], {"x": [cm("c")]}]),
            vec![cm("a"), cm("b"), cm("c")],
        ),
        (
            "nulls skipped",
            json!({"a": null, "b": cm("b"), "c": {"d": null}}),
            vec![cm("b")],
        ),
        (
            "empty objects and arrays yield nothing",
            json!({"a": {}, "b": [], "c": cm("c"), "d": [[], {}]}),
            vec![cm("c")],
        ),
        ("top-level manifest", cm("top"), vec![cm("top")]),
        ("null data", json!(null), vec![]),
        ("empty data", json!({}), vec![]),
        (
            "__ksonnet dropped from every walked object, kept deeper inside manifests",
            json!({
                "__ksonnet": "not walked",
                "a": {"__ksonnet": {"x": 1}, "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"__ksonnet": "kept"}},
                "b": {"__ksonnet": 5, "c": cm("c")}
            }),
            vec![
                json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"__ksonnet": "kept"}}),
                cm("c"),
            ],
        ),
        (
            "manifests are not looked into",
            json!({"a": {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"x": 1, "inner": cm("inner")}}}),
            vec![
                json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"x": 1, "inner": cm("inner")}}),
            ],
        ),
        (
            "List unwrapped",
            json!({"l": {"apiVersion": "v1", "kind": "List", "items": [cm("b"), cm("a")]}}),
            vec![cm("a"), cm("b")],
        ),
        (
            "any kind with an items array is a List",
            json!({
                "l": {"apiVersion": "v1", "kind": "ConfigMapList", "items": [cm("x")]},
                "m": {"apiVersion": "example.com/v1", "kind": "Whatever", "metadata": {"name": "w"}, "items": []}
            }),
            vec![cm("x")],
        ),
        (
            "items that is not an array makes no List",
            json!({"apiVersion": "v1", "kind": "Foo", "metadata": {"name": "f"}, "items": "x"}),
            vec![
                json!({"apiVersion": "v1", "kind": "Foo", "metadata": {"name": "f"}, "items": "x"}),
            ],
        ),
        (
            "Lists inside List items are not unwrapped again",
            json!({"l": {"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "List", "items": [cm("i")]}]}}),
            vec![json!({"apiVersion": "v1", "kind": "List", "items": [cm("i")]})],
        ),
        (
            "generateName is enough",
            json!({"p": {"apiVersion": "v1", "kind": "Pod", "metadata": {"generateName": "job-"}}}),
            vec![json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"generateName": "job-"}})],
        ),
    ];
    for (case, data, want) in cases {
        let got = process(&data, &env("")).unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_eq!(values(&got), want, "{case}");
    }
}

#[test]
fn extraction_errors_without_yaml() {
    // (case, data, expected message)
    let cases = [
        (
            "top-level string",
            json!("foo"),
            format!("{WRAP}found invalid Kubernetes object (at .): %!s(<nil>)\n\n{{}}\n"),
        ),
        (
            "top-level array of numbers",
            json!([1]),
            format!("{WRAP}found invalid Kubernetes object (at .): %!s(<nil>)\n\n{{}}\n"),
        ),
        (
            "top-level bool",
            json!(true),
            format!("{WRAP}found invalid Kubernetes object (at .): %!s(<nil>)\n\n{{}}\n"),
        ),
        (
            "List item that is not an object (not wrapped)",
            json!({"l": {"apiVersion": "v1", "kind": "List", "items": [cm("a"), "x"]}}),
            "unwrapped list item is not an object".to_string(),
        ),
    ];
    for (case, data, want) in cases {
        let err = process(&data, &env("default")).unwrap_err();
        assert_eq!(err.to_string(), want, "{case}");
    }
    let err = process(
        &json!({"l": {"apiVersion": "v1", "kind": "List", "items": [1]}}),
        &env(""),
    )
    .unwrap_err();
    assert!(
        matches!(&err, ManifestError::ListItemNotObject { path } if path == ".l.items[0]"),
        "{err:?}"
    );
}

/// Cases whose message quotes the object as YAML (yaml.v3 for invalid objects, yaml.v2 for
/// schema errors). Expected texts produced by Go with the real YAML libraries.
fn yaml_error_cases() -> Vec<(&'static str, Value, String)> {
    vec![
        (
            "Tanka's extract_test: object without apiVersion",
            json!({"service": {"note": "invalid because apiVersion and kind are missing"}}),
            format!("{WRAP}found invalid Kubernetes object (at .service): missing attribute \"apiVersion\"\n\nnote: invalid because apiVersion and kind are missing\n"),
        ),
        (
            "primitive in an array: parent path, innermost object",
            json!({"a": {"b": [1]}}),
            format!("{WRAP}found invalid Kubernetes object (at .a.b): missing attribute \"apiVersion\"\n\nb:\n    - 1\n"),
        ),
        (
            "kind not a string",
            json!({"x": {"apiVersion": "v1", "kind": 5}}),
            format!("{WRAP}found invalid Kubernetes object (at .x): attribute \"kind\" is not a string, it is a float64\n\napiVersion: v1\nkind: 5\n"),
        ),
        (
            "kind empty",
            json!({"x": {"apiVersion": "v1", "kind": ""}}),
            format!("{WRAP}found invalid Kubernetes object (at .x): attribute \"kind\" is empty\n\napiVersion: v1\nkind: \"\"\n"),
        ),
        (
            "kind missing",
            json!({"x": {"apiVersion": "v1", "foo": "bar"}}),
            format!("{WRAP}found invalid Kubernetes object (at .x): missing attribute \"kind\"\n\napiVersion: v1\nfoo: bar\n"),
        ),
        (
            "apiVersion not a string",
            json!({"x": {"apiVersion": true, "kind": "ConfigMap", "z": false}}),
            format!("{WRAP}found invalid Kubernetes object (at .x): attribute \"apiVersion\" is not a string, it is a bool\n\napiVersion: true\nkind: ConfigMap\nz: false\n"),
        ),
        (
            "__ksonnet left out of the quoted object; keys walked in sorted order",
            json!({"x": {"__ksonnet": {"a": 1}, "note": "n", "list": ["a", {"b": "c"}]}}),
            format!("{WRAP}found invalid Kubernetes object (at .x.list): missing attribute \"apiVersion\"\n\nlist:\n    - a\n    - b: c\nnote: \"n\"\n"),
        ),
        (
            "innermost object quoted",
            json!({"a": {"b": {"c": "x", "d": {"e": [1, 2]}}}}),
            format!("{WRAP}found invalid Kubernetes object (at .a.b): missing attribute \"apiVersion\"\n\nc: x\nd:\n    e:\n        - 1\n        - 2\n"),
        ),
        (
            "schema: no metadata",
            json!({"x": {"apiVersion": "v1", "kind": "ConfigMap"}}),
            format!("{WRAP}.x has missing or invalid fields:\n  - metadata: missing or not an object\n  - metadata.name: missing or not of string type\n\nPlease check below object:\n  apiVersion: v1\n  kind: ConfigMap"),
        ),
        (
            "schema: labels and annotations",
            json!({"x": {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "labels": {"a": 1, "b": "ok"}, "annotations": "x"}}}),
            format!("{WRAP}.x has missing or invalid fields:\n  - metadata.labels: contains non-string field 'a' of type 'float64'\n  - metadata.annotations: must be object, but got 'string' instead\n\nPlease check below object:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    annotations: x\n    labels:\n      a: 1\n      b: ok\n    name: a"),
        ),
        (
            "schema: excerpt cut at 10 lines",
            json!({"x": {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"generateName": 5}, "spec": {"replicas": 3, "template": {"spec": {"containers": [{"name": "c", "image": "i", "args": ["-a", "-b", "-c"]}]}}}}}),
            format!("{WRAP}.x has missing or invalid fields:\n  - metadata.name: missing or not of string type\n\nPlease check below object:\n  apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    generateName: 5\n  spec:\n    replicas: 3\n    template:\n      spec:\n        containers:\n        - args:\n  ..."),
        ),
        (
            "schema: top-level array element, null annotation value",
            json!([{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "labels": [], "annotations": {"n": null}}}]),
            format!("{WRAP}.[0] has missing or invalid fields:\n  - metadata.labels: must be object, but got '[]interface {{}}' instead\n  - metadata.annotations: contains non-string field 'n' of type '<nil>'\n\nPlease check below object:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    annotations:\n      \"n\": null\n    labels: []\n    name: a"),
        ),
        (
            "schema: List item (named <path>.items[i], not wrapped)",
            json!({"l": {"apiVersion": "v1", "kind": "List", "items": [cm("a"), {"apiVersion": "v1"}]}}),
            ".l.items[1] has missing or invalid fields:\n  - kind: missing or not of string type\n  - metadata: missing or not an object\n  - metadata.name: missing or not of string type\n\nPlease check below object:\n  apiVersion: v1".to_string(),
        ),
    ]
}

/// needs yaml: panics with `todo!()` until `crate::yaml` is merged.
#[test]
fn extraction_errors_quote_the_object_as_yaml() {
    for (case, data, want) in yaml_error_cases() {
        let err = process(&data, &env("default")).unwrap_err();
        assert_eq!(err.to_string(), want, "{case}");
    }
}

#[test]
fn extraction_errors_are_the_right_kind() {
    // The same cases, checked without rendering the YAML excerpt.
    for (case, data, want) in yaml_error_cases() {
        let err = process(&data, &env("default")).unwrap_err();
        let wrapped = want.starts_with(WRAP);
        match &err {
            ManifestError::Extract { env, .. } => {
                assert!(wrapped, "{case}: should not be wrapped");
                assert_eq!(env, "environments/default", "{case}");
            }
            ManifestError::Schema(e) => {
                assert!(!wrapped, "{case}: should be wrapped");
                assert!(
                    want.starts_with(&format!("{} has missing", e.name)),
                    "{case}"
                );
            }
            other => panic!("{case}: unexpected {other:?}"),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Namespace, labels, resource defaults

#[test]
fn namespace_defaulting() {
    // (case, object, spec.namespace, expected metadata)
    let cases = [
        (
            "namespaced kind gets the default",
            obj("Deployment", None, "a"),
            "default",
            json!({"name": "a", "namespace": "default"}),
        ),
        (
            "own namespace kept",
            obj("Deployment", Some("other"), "a"),
            "default",
            json!({"name": "a", "namespace": "other"}),
        ),
        (
            "empty string namespace kept",
            obj("Deployment", Some(""), "a"),
            "default",
            json!({"name": "a", "namespace": ""}),
        ),
        (
            "null namespace replaced",
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a", "namespace": null}}),
            "default",
            json!({"name": "a", "namespace": "default"}),
        ),
        (
            "no spec.namespace: nothing",
            obj("Deployment", None, "a"),
            "",
            json!({"name": "a"}),
        ),
        (
            "cluster-wide kind",
            obj("ClusterRole", None, "a"),
            "default",
            json!({"name": "a"}),
        ),
        (
            "unknown kinds are namespaced",
            obj("ScaledObject", None, "a"),
            "default",
            json!({"name": "a", "namespace": "default"}),
        ),
        (
            "ClusterRoleList is not in the list",
            obj("ClusterRoleList", None, "a"),
            "default",
            json!({"name": "a", "namespace": "default"}),
        ),
        (
            "annotation makes a cluster-wide kind namespaced",
            json!({"apiVersion": "v1", "kind": "ClusterRole", "metadata": {"name": "a", "annotations": {"tanka.dev/namespaced": "true"}}}),
            "default",
            json!({"name": "a", "namespace": "default", "annotations": {"tanka.dev/namespaced": "true"}}),
        ),
        (
            "annotation other than \"true\" makes it cluster-wide",
            json!({"apiVersion": "v1", "kind": "Deployment", "metadata": {"name": "a", "annotations": {"tanka.dev/namespaced": "yes"}}}),
            "default",
            json!({"name": "a", "annotations": {"tanka.dev/namespaced": "yes"}}),
        ),
        (
            "empty annotations removed",
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a", "annotations": {}}}),
            "default",
            json!({"name": "a"}),
        ),
        (
            "null annotations removed",
            json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "a", "annotations": null}}),
            "default",
            json!({"name": "a", "namespace": "default"}),
        ),
        (
            "empty annotations kept without spec.namespace",
            json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "a", "annotations": {}}}),
            "",
            json!({"name": "a", "annotations": {}}),
        ),
    ];
    for (case, object, ns, want) in cases {
        let got = process(&object, &env(ns)).unwrap();
        assert_eq!(got[0].0["metadata"], want, "{case}");
    }
}

#[test]
fn every_cluster_wide_kind_stays_without_namespace() {
    let kinds = [
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
    let data: Vec<Value> = kinds.iter().map(|k| obj(k, None, "x")).collect();
    let got = process(&Value::Array(data), &env("default")).unwrap();
    assert_eq!(got.len(), kinds.len());
    for m in &got {
        assert_eq!(m.namespace(), "", "{}", m.kind());
        assert!(
            m.metadata().unwrap().get("namespace").is_none(),
            "{}",
            m.kind()
        );
    }
    // Their namespaced neighbours do get one.
    for kind in [
        "Role",
        "RoleBinding",
        "PersistentVolumeClaim",
        "ServiceAccount",
    ] {
        let got = process(&obj(kind, None, "x"), &env("default")).unwrap();
        assert_eq!(got[0].namespace(), "default", "{kind}");
    }
}

#[test]
fn environment_label_injected_only_with_inject_labels() {
    let data = json!({
        "a": obj("Deployment", None, "a"),
        "b": {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "b", "labels": {"tanka.dev/environment": "old", "app": "b"}}},
        "c": {"apiVersion": "v1", "kind": "ClusterRole", "metadata": {"name": "c", "labels": null}},
    });
    let mut e = env("default");
    let plain = process(&data, &e).unwrap();
    assert!(plain.iter().all(|m| {
        m.metadata()
            .unwrap()
            .get("labels")
            .is_none_or(|l| l.get("tanka.dev/environment").is_none_or(|v| v == "old"))
    }));
    e.spec.inject_labels = Some(true);
    let got = process(&data, &e).unwrap();
    // sha256("environments/default:environments/default/main.jsonnet")[:48] (Python hashlib).
    let hash = "ef8004c80176691d8a0f3688c077aa401e0b6083174fa72e";
    let labels: Vec<(String, Value)> = got
        .iter()
        .map(|m| (m.kind_name(), m.0["metadata"]["labels"].clone()))
        .collect();
    assert_eq!(
        labels,
        vec![
            (
                "ClusterRole/c".to_string(),
                json!({"tanka.dev/environment": hash})
            ),
            (
                "Service/b".to_string(),
                json!({"tanka.dev/environment": hash, "app": "b"})
            ),
            (
                "Deployment/a".to_string(),
                json!({"tanka.dev/environment": hash})
            ),
        ]
    );
    // Custom fields: sha256("environments/default:default")[:48].
    e.spec.tanka_env_label_from_fields = vec![".metadata.name".into(), ".spec.namespace".into()];
    let got = process(&obj("Deployment", None, "a"), &e).unwrap();
    assert_eq!(
        got[0].0["metadata"]["labels"]["tanka.dev/environment"],
        "4e57e2d2c644162fb82edeba8ca89474c0cb2e4dc96b4f52"
    );
    // A broken field list is an error (only when there is something to label).
    e.spec.tanka_env_label_from_fields = vec![".nope".into()];
    let err = process(&obj("Deployment", None, "a"), &e).unwrap_err();
    assert_eq!(
        err.to_string(),
        "failed to retrieve field values for label: could not get struct value at path: field \"nope\" not found"
    );
    assert!(process(&json!({}), &e).unwrap().is_empty());
}

#[test]
fn resource_defaults_never_override() {
    let mut e = env("default");
    e.spec
        .resource_defaults
        .annotations
        .insert("team".into(), "infra".into());
    e.spec
        .resource_defaults
        .labels
        .insert("app".into(), "default".into());
    let data = json!([
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "mine", "labels": {"app": "mine"}, "annotations": {"team": "mine"}}},
        obj("Namespace", None, "ns"),
    ]);
    let got = process(&data, &e).unwrap();
    assert_eq!(
        got[0].0["metadata"],
        json!({"name": "ns", "annotations": {"team": "infra"}, "labels": {"app": "default"}})
    );
    assert_eq!(
        got[1].0["metadata"],
        json!({"name": "mine", "namespace": "default", "annotations": {"team": "mine"}, "labels": {"app": "mine"}})
    );
    // Labels only: the empty annotations the namespace step dropped stay dropped.
    e.spec.resource_defaults.annotations.clear();
    let got = process(&obj("Namespace", None, "ns"), &e).unwrap();
    assert_eq!(
        got[0].0["metadata"],
        json!({"name": "ns", "labels": {"app": "default"}})
    );
}

// ---------------------------------------------------------------------------------------
// Ordering

#[test]
fn sort_order_kind_list_then_kind_namespace_name_generate_name() {
    let pod_gen = |g: &str| json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"generateName": g, "namespace": "a"}});
    // Deliberately shuffled.
    let data = json!([
        obj("ScaledObject", Some("a"), "s"),
        obj("Deployment", Some("b"), "a"),
        obj("APIService", None, "api"),
        obj("EtcdCluster", Some("a"), "e"),
        obj("Service", Some("a"), "svc"),
        obj("Deployment", Some("a"), "b"),
        obj("StatefulSet", Some("a"), "st"),
        obj("ConfigMap", Some("a"), "cm"),
        obj("Namespace", None, "a"),
        obj("Deployment", Some("a"), "a"),
        obj("CustomResourceDefinition", None, "crd"),
        obj("PodDisruptionBudget", Some("a"), "pdb"),
        obj("ServiceAccount", Some("a"), "sa"),
        obj("Secret", Some("a"), "sec"),
        obj("ClusterRoleBinding", None, "crb"),
        obj("ClusterRole", None, "cr"),
        obj("RoleBinding", Some("a"), "rb"),
        obj("Role", Some("a"), "r"),
        obj("HorizontalPodAutoscaler", Some("a"), "hpa"),
        obj("Ingress", Some("a"), "ing"),
        obj("CronJob", Some("a"), "cj"),
        obj("Job", Some("a"), "j"),
        obj("PersistentVolumeClaim", Some("a"), "pvc"),
        obj("NetworkPolicy", Some("a"), "np"),
        obj("DaemonSet", Some("a"), "ds"),
        pod_gen("z-"),
        obj("Pod", Some("a"), "p"),
        pod_gen("b-"),
        obj("ReplicaSet", Some("a"), "rs"),
        obj("ResourceQuota", Some("a"), "rq"),
        obj("LimitRange", Some("a"), "lr"),
        obj("PriorityClass", None, "pc"),
        obj("Alertmanager", Some("a"), "am"),
        obj("PersistentVolume", None, "pv"),
        obj("StorageClass", None, "sc"),
    ]);
    let got = process(&data, &env("")).unwrap();
    let ids: Vec<String> = got
        .iter()
        .map(|m| {
            format!(
                "{}/{}/{}{}",
                m.kind(),
                m.namespace(),
                m.name(),
                m.generate_name()
            )
        })
        .collect();
    assert_eq!(
        ids,
        [
            "Namespace//a",
            "NetworkPolicy/a/np",
            "ResourceQuota/a/rq",
            "LimitRange/a/lr",
            "PodDisruptionBudget/a/pdb",
            "ServiceAccount/a/sa",
            "Secret/a/sec",
            "ConfigMap/a/cm",
            "StorageClass//sc",
            "PersistentVolume//pv",
            "PersistentVolumeClaim/a/pvc",
            "CustomResourceDefinition//crd",
            "ClusterRole//cr",
            "ClusterRoleBinding//crb",
            "Role/a/r",
            "RoleBinding/a/rb",
            "Service/a/svc",
            "DaemonSet/a/ds",
            // Pods: the named one (name "p") after the generateName ones (name ""), those by generateName.
            "Pod/a/b-",
            "Pod/a/z-",
            "Pod/a/p",
            "ReplicaSet/a/rs",
            // Deployments by namespace, then name.
            "Deployment/a/a",
            "Deployment/a/b",
            "Deployment/b/a",
            "HorizontalPodAutoscaler/a/hpa",
            "StatefulSet/a/st",
            "Job/a/j",
            "CronJob/a/cj",
            "Ingress/a/ing",
            "APIService//api",
            // Unknown kinds last, by kind name (byte order).
            "Alertmanager/a/am",
            "EtcdCluster/a/e",
            "PriorityClass//pc",
            "ScaledObject/a/s",
        ]
    );
}

#[test]
fn sort_is_stable_for_identical_keys() {
    let a = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "data": {"n": "first"}});
    let b = json!({"apiVersion": "v2", "kind": "ConfigMap", "metadata": {"name": "x"}, "data": {"n": "second"}});
    let got = process(&json!([a, b]), &env("")).unwrap();
    assert_eq!(values(&got), vec![a, b]);
    // Output order does not depend on field order in the input.
    let got = process(&json!({"z": cm("a"), "a": cm("b")}), &env("")).unwrap();
    assert_eq!(kind_names(&got), ["ConfigMap/a", "ConfigMap/b"]);
}

// ---------------------------------------------------------------------------------------
// -t/--target

#[test]
fn target_filter_cases() {
    let data = json!([
        obj("Deployment", Some("d"), "a"),
        obj("Deployment", Some("d"), "b"),
        obj("Service", Some("d"), "a"),
        obj("ConfigMap", Some("d"), "x"),
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"generateName": "job-"}},
    ]);
    let all = process(&data, &env("")).unwrap();
    // (case, targets, expected kind/name list)
    let cases: [(&str, &[&str], &[&str]); 8] = [
        (
            "none keeps all",
            &[],
            &[
                "ConfigMap/x",
                "Service/a",
                "Pod/",
                "Deployment/a",
                "Deployment/b",
            ],
        ),
        (
            "case-insensitive regex",
            &["deployment/.*"],
            &["Deployment/a", "Deployment/b"],
        ),
        (
            "several positives",
            &["Deployment/a", "service/A"],
            &["Service/a", "Deployment/a"],
        ),
        ("anchored", &["deploy"], &[]),
        (
            "only negative",
            &["!deployment/a"],
            &["ConfigMap/x", "Service/a", "Pod/", "Deployment/b"],
        ),
        (
            "a negative makes positives select nothing more (Tanka quirk)",
            &["deployment/.*", "!deployment/a"],
            &["ConfigMap/x", "Service/a", "Pod/", "Deployment/b"],
        ),
        (
            "generateName-only objects have an empty name",
            &["pod/"],
            &["Pod/"],
        ),
        (
            "alternation",
            &["(service|configmap)/.*"],
            &["ConfigMap/x", "Service/a"],
        ),
    ];
    for (case, targets, want) in cases {
        let targets: Vec<String> = targets.iter().map(|t| t.to_string()).collect();
        let got = filter_targets(&all, &targets).unwrap();
        assert_eq!(kind_names(&got), want, "{case}");
    }
    let err = filter_targets(&all, &["deployment/(abc".to_string()]).unwrap_err();
    // Go 1.19: strings.Title of regexp's error, then the pointer to the docs.
    assert_eq!(
        err.to_string(),
        "Error Parsing Regexp: Missing Closing ): `(?I)^Deployment/(Abc$`.\nSee https://tanka.dev/output-filtering/#regular-expressions for details on regular expressions."
    );
    let err = filter_targets(&all, &["!a)".to_string()]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Error Parsing Regexp: Unexpected ): `(?I)^A)$`.\nSee https://tanka.dev/output-filtering/#regular-expressions for details on regular expressions."
    );
}

// ---------------------------------------------------------------------------------------
// Identity, names, output helpers

#[test]
fn accessors_ids_and_names() {
    let deploy = Manifest::new(
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "grafana", "namespace": "default"}})
            .as_object()
            .unwrap()
            .clone(),
    );
    assert_eq!(deploy.api_version(), "apps/v1");
    assert_eq!(deploy.kind(), "Deployment");
    assert_eq!(deploy.name(), "grafana");
    assert_eq!(deploy.namespace(), "default");
    assert_eq!(deploy.generate_name(), "");
    assert_eq!(deploy.kind_name(), "Deployment/grafana");
    let id = deploy.id();
    assert_eq!(id.diff_name(), "apps-v1.Deployment.default.grafana");
    assert_eq!(id.to_string(), "default/Deployment/grafana");
    assert_eq!(deploy.export_file_name(), "apps-v1.Deployment-grafana.yaml");

    let role = process(
        &json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "a/b"}}),
        &env("default"),
    )
    .unwrap()
    .remove(0);
    assert_eq!(
        role.id().diff_name(),
        "rbac.authorization.k8s.io-v1.ClusterRole..a-b"
    );
    assert_eq!(role.id().to_string(), "ClusterRole/a/b");
    assert_eq!(
        role.export_file_name(),
        "rbac.authorization.k8s.io-v1.ClusterRole-a-b.yaml"
    );

    let pod = Manifest::new(json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"generateName": "job-", "name": ""}}).as_object().unwrap().clone());
    assert_eq!(pod.id().name, "job-");
    assert_eq!(pod.export_file_name(), "v1.Pod-job-.yaml");
}

#[test]
fn json_array_output() {
    let got = process(
        &json!([cm("b"), obj("Namespace", None, "a")]),
        &env("default"),
    )
    .unwrap();
    assert_eq!(
        to_json_array(&got).unwrap(),
        "[\n  {\n    \"apiVersion\": \"v1\",\n    \"kind\": \"Namespace\",\n    \"metadata\": {\n      \"name\": \"a\"\n    }\n  },\n  {\n    \"apiVersion\": \"v1\",\n    \"kind\": \"ConfigMap\",\n    \"metadata\": {\n      \"name\": \"b\",\n      \"namespace\": \"default\"\n    }\n  }\n]"
    );
    assert_eq!(to_json_array(&[]).unwrap(), "[]");
    assert_eq!(to_yaml_stream(&[]), "");
}

/// needs yaml: panics with `todo!()` until `crate::yaml` is merged.
#[test]
fn yaml_stream_output() {
    let got = process(
        &json!([cm("b"), obj("Namespace", None, "a")]),
        &env("default"),
    )
    .unwrap();
    assert_eq!(
        to_yaml_stream(&got),
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  namespace: default\n"
    );
}

/// `apiVersion`, `kind`, `metadata.name` and `metadata.namespace` of a Kubernetes YAML
/// document as yaml.v2 writes it (top-level keys unindented, metadata fields indented by 2).
fn identity_of(doc: &str) -> Value {
    let mut top = serde_json::Map::new();
    let mut metadata = serde_json::Map::new();
    let mut in_metadata = false;
    for line in doc.lines() {
        if !line.starts_with(' ') {
            in_metadata = line == "metadata:";
            if let Some((key @ ("apiVersion" | "kind"), value)) = line.split_once(": ") {
                top.insert(key.to_string(), json!(value));
            }
        } else if in_metadata && !line.starts_with("   ") {
            if let Some((key @ ("  name" | "  namespace" | "  generateName"), value)) =
                line.split_once(": ")
            {
                metadata.insert(key.trim().to_string(), json!(value));
            }
        }
    }
    top.insert("metadata".to_string(), Value::Object(metadata));
    Value::Object(top)
}

#[test]
#[ignore = "reference tier: reads ../shared/tk-show-golden (cargo test --locked -- --ignored)"]
fn sort_matches_tk_show_golden_order() {
    // Real `tk show` output: shuffle its objects and check tkstep puts them back in order.
    let dir = shared_dir().join("tk-show-golden");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e} (set TKSTEP_SHARED)", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 6,
        "golden files missing in {}",
        dir.display()
    );
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let golden: Vec<Value> = text.split("\n---\n").map(identity_of).collect();
        assert!(golden.len() > 10, "{}", file.display());
        assert!(
            golden
                .iter()
                .all(|v| v["metadata"]["name"].is_string() && v["kind"].is_string()),
            "{}: every document has a kind and a name",
            file.display()
        );
        // Reverse, then interleave from both ends: far from the original order.
        let mut reversed = golden.clone();
        reversed.reverse();
        let mut shuffled = Vec::new();
        while !reversed.is_empty() {
            shuffled.push(reversed.remove(0));
            if let Some(last) = reversed.pop() {
                shuffled.push(last);
            }
        }
        let got = process(&Value::Array(shuffled), &env("")).unwrap();
        assert_eq!(values(&got), golden, "{}", file.display());
    }
}
