//! Our Mimir-like fixture library against real Mimir output: what the fixture renders for a
//! scenario must speak the same vocabulary as real `tk show` output of the same scenario in
//! `../shared/tk-show-golden/` (reference tier: the golden files are read from there, never
//! copied).
//!
//! - `mimir_consul_speaks_the_consul_vocabulary_of_real_mimir`: the `mimir-consul` environment
//!   (zone-aware, so not the same scenario) configures the same hash rings per component with
//!   the same Consul flags as Mimir's `test-consul`, and renders the same Consul objects.
//! - `the_test_consul_scenario_renders_like_real_mimir_but_for_the_statsd_mapping`: the
//!   `test-consul` scenario itself, on our library, renders every object of the real output,
//!   in order, equal but for the content of Consul's statsd mapping (ours is our own).
//! - `golden_environments_render_byte_for_byte_like_real_mimir`: the `golden-*` environments
//!   (the scenarios of `test-defaults`, `test-multi-zone`, `test-autoscaling`) render exactly
//!   their `tk show` output.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use tkstep::{OpenOptions, Renderer};

use crate::common::{envs_dir, project, shared_dir};

/// Every object of a golden `tk show` output.
fn golden(env: &str) -> Vec<Value> {
    let path = shared_dir()
        .join("tk-show-golden")
        .join(format!("{env}.yaml"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (set TKSTEP_SHARED)", path.display()));
    tkstep::yaml::parse_stream(&text).unwrap()
}

/// Every object our fixture environment `env` renders.
fn fixture(env: &str) -> Vec<Value> {
    render(&envs_dir().join(env))
}

/// Every object the environment in `dir` renders.
fn render(dir: &std::path::Path) -> Vec<Value> {
    let renderer = Renderer::open(dir, &OpenOptions::default()).unwrap();
    renderer
        .render(None)
        .unwrap()
        .iter()
        .map(|m| m.to_value())
        .collect()
}

/// `text` with the namespace `ns` written as `<ns>`, so that two environments compare.
fn neutral(text: &str, ns: &str) -> String {
    text.replace(&format!(".{ns}.svc"), ".<ns>.svc")
        .replace(&format!("/{ns}/"), "/<ns>/")
}

fn containers(object: &Value) -> &[Value] {
    object["spec"]["template"]["spec"]["containers"]
        .as_array()
        .map_or(&[], Vec::as_slice)
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}

/// The Consul-related flags of every Mimir container, by container name (zone StatefulSets
/// name their containers like the component, so `ingester-zone-a` counts as `ingester`):
/// for each hash ring the container's flags configure (a flag prefix `P` with a `-P.store`
/// flag other than `etcd`, which is the HA tracker's), every `-P.store`, `-P.consul.*`,
/// `-P.prefix` and `-P.multi.*` flag with its namespace-neutral value; and every
/// `-memberlist.*` flag.
type Vocabulary = BTreeMap<String, BTreeMap<String, String>>;

fn ring_vocabulary(objects: &[Value], ns: &str) -> Vocabulary {
    let mut out = Vocabulary::new();
    for object in objects {
        let kind = object["kind"].as_str().unwrap_or_default();
        let name = object["metadata"]["name"].as_str().unwrap_or_default();
        if !matches!(kind, "Deployment" | "StatefulSet") || name == "consul" {
            continue;
        }
        for container in containers(object) {
            let flags: BTreeMap<String, String> = strings(&container["args"])
                .iter()
                .filter_map(|a| a.strip_prefix('-'))
                .filter_map(|a| a.split_once('='))
                .map(|(k, v)| (k.to_string(), neutral(v, ns)))
                .collect();
            let rings: BTreeSet<&str> = flags
                .iter()
                .filter(|(_, v)| *v != "etcd")
                .filter_map(|(k, _)| k.strip_suffix(".store"))
                .collect();
            let picked: BTreeMap<String, String> = flags
                .iter()
                .filter(|(k, _)| {
                    k.starts_with("memberlist.")
                        || rings.iter().any(|r| {
                            k.strip_prefix(r)
                                .and_then(|s| s.strip_prefix('.'))
                                .is_some_and(|rest| {
                                    rest == "store"
                                        || rest == "prefix"
                                        || rest.starts_with("consul.")
                                        || rest.starts_with("multi.")
                                })
                        })
                })
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let name = container["name"].as_str().unwrap_or_default().to_string();
            let entry = out.entry(name.clone()).or_default();
            // Zone containers of one component must agree with each other.
            if !entry.is_empty() {
                assert_eq!(*entry, picked, "zones of {name} disagree");
            }
            *entry = picked;
        }
    }
    out.retain(|_, flags| !flags.is_empty());
    out
}

/// `object` without what our fixture deliberately does not reproduce: the content of the
/// Consul ConfigMap's statsd `mapping` (a long list of metric renames; ours is a short one of
/// its own) and so the `consul-hash` of the Consul pods (an MD5 of that ConfigMap: only its
/// presence and form are kept).
fn without_statsd_mapping(mut object: Value) -> Value {
    let name = object["metadata"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let kind = object["kind"].as_str().unwrap_or_default().to_string();
    if name != "consul" {
        return object;
    }
    if kind == "ConfigMap"
        && let Some(mapping) = object["data"].get_mut("mapping")
    {
        *mapping = Value::String("<statsd mapping>".into());
    }
    if kind == "Deployment" {
        let hash = &mut object["spec"]["template"]["metadata"]["annotations"]["consul-hash"];
        assert!(
            hash.as_str()
                .is_some_and(|h| h.len() == 32 && h.bytes().all(|b| b.is_ascii_hexdigit())),
            "{name}: consul-hash {hash}"
        );
        *hash = Value::String("<md5>".into());
    }
    object
}

/// The Consul objects: `Kind/name` → the parts that do not depend on the environment.
fn consul_objects(objects: &[Value], ns: &str) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for object in objects {
        let name = object["metadata"]["name"].as_str().unwrap_or_default();
        if !name.starts_with("consul") {
            continue;
        }
        let kind = object["kind"].as_str().unwrap_or_default();
        let object = without_statsd_mapping(object.clone());
        let text = neutral(&serde_json::to_string(&object).unwrap(), ns)
            .replace(&format!("\"namespace\":\"{ns}\""), "\"namespace\":\"<ns>\"")
            .replace(&format!("[\"{ns}\"]"), "[\"<ns>\"]");
        out.insert(
            format!("{kind}/{name}"),
            serde_json::from_str(&text).unwrap(),
        );
    }
    out
}

#[test]
#[ignore = "reference tier: reads ../shared/tk-show-golden (cargo test --locked -- --ignored)"]
fn mimir_consul_speaks_the_consul_vocabulary_of_real_mimir() {
    let real = golden("test-consul");
    let ours = fixture("mimir-consul");
    let (real_ns, our_ns) = ("default", "mimir-consul");

    // Which rings each component configures, with which Consul flags and values.
    let want = ring_vocabulary(&real, real_ns);
    let mut got = ring_vocabulary(&ours, our_ns);
    // Deliberate exception: mimir-consul runs zone-aware store-gateways (the Consul
    // environment of the catalogue plans must also be a valid read-write starting point),
    // and zone-aware store-gateways use their own ring prefix `multi-zone/` (see
    // `../shared/mimir-facts.md` §4), while test-consul is single-zone (prefix empty).
    for flags in got.values_mut() {
        if let Some(prefix) = flags.get_mut("store-gateway.sharding-ring.prefix") {
            assert_eq!(prefix, "multi-zone/");
            *prefix = String::new();
        }
    }
    // (the golden file is the Consul scenario: seven components, every ring on Consul)
    assert!(want.len() >= 7, "{want:#?}");
    assert!(
        want.values()
            .flatten()
            .filter(|(k, _)| k.ends_with(".store"))
            .all(|(_, v)| v == "consul"),
        "{want:#?}"
    );
    assert_eq!(got, want, "ring flags per component (ours, then real)");

    // The Consul objects themselves.
    let want = consul_objects(&real, real_ns);
    let got = consul_objects(&ours, our_ns);
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "Consul objects"
    );
    for (key, object) in &want {
        assert_eq!(&got[key], object, "{key} (ours, then real)");
    }
}

/// The scenario of Mimir's `test-consul` environment, written against our fixture library:
/// ruler and alertmanager on, hash rings in Consul.
const TEST_CONSUL_SCENARIO: &str = "(import 'mimir/mimir.libsonnet') {
  _config+:: {
    namespace: 'default',
    external_url: 'http://test',
    storage_backend: 'gcs',
    blocks_storage_bucket_name: 'blocks-bucket',
    ruler_enabled: true,
    ruler_storage_bucket_name: 'rules-bucket',
    alertmanager_enabled: true,
    alertmanager_storage_bucket_name: 'alerts-bucket',
    memberlist_ring_enabled: false,
  },
}
";

#[test]
#[ignore = "reference tier: reads ../shared/tk-show-golden (cargo test --locked -- --ignored)"]
fn the_test_consul_scenario_renders_like_real_mimir_but_for_the_statsd_mapping() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("jsonnetfile.json"), "{}").unwrap();
    for dir in ["vendor", "lib"] {
        std::os::unix::fs::symlink(project().join(dir), tmp.path().join(dir)).unwrap();
    }
    let env = tmp.path().join("environments/test-consul");
    std::fs::create_dir_all(&env).unwrap();
    std::fs::write(
        env.join("spec.json"),
        r#"{"apiVersion": "tanka.dev/v1alpha1", "kind": "Environment",
            "metadata": {"name": "environments/test-consul"}, "spec": {"namespace": "default"}}"#,
    )
    .unwrap();
    std::fs::write(env.join("main.jsonnet"), TEST_CONSUL_SCENARIO).unwrap();
    let ours: Vec<Value> = render(&env)
        .into_iter()
        .map(without_statsd_mapping)
        .collect();
    let real: Vec<Value> = golden("test-consul")
        .into_iter()
        .map(without_statsd_mapping)
        .collect();
    let ids = |objects: &[Value]| -> Vec<String> {
        objects
            .iter()
            .map(|o| format!("{}/{}", o["kind"], o["metadata"]["name"]))
            .collect()
    };
    assert_eq!(
        ids(&ours),
        ids(&real),
        "objects and their order (ours, then real)"
    );
    for (got, want) in ours.iter().zip(&real) {
        assert!(
            got == want,
            "{}: ours\n{got:#}\nreal\n{want:#}",
            ids(std::slice::from_ref(want))[0]
        );
    }
}

#[test]
#[ignore = "reference tier: reads ../shared/tk-show-golden (cargo test --locked -- --ignored)"]
fn golden_environments_render_byte_for_byte_like_real_mimir() {
    for (env, real) in [
        ("golden-defaults", "test-defaults"),
        ("golden-multi-zone", "test-multi-zone"),
        ("golden-autoscaling", "test-autoscaling"),
    ] {
        let renderer = Renderer::open(&envs_dir().join(env), &OpenOptions::default()).unwrap();
        let ours = tkstep::manifest::to_yaml_stream(&renderer.render(None).unwrap());
        let path = shared_dir()
            .join("tk-show-golden")
            .join(format!("{real}.yaml"));
        let want = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (set TKSTEP_SHARED)", path.display()));
        crate::common::assert_same_text(&format!("{env} against {real}"), &ours, &want);
    }
}
