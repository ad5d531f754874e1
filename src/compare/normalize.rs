//! Normalizing a workload's `.spec` so that only meaningful differences remain.

use serde::Serialize;
use serde_json::{Map, Value};

/// A field the comparison ignores (or rewrites) because it differs by construction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Ignored {
    /// Where, under `.spec`.
    pub field: &'static str,
    /// What is done with it and why.
    pub why: &'static str,
}

/// Everything [`normalize`] ignores or rewrites, in the order it does it.
pub const IGNORED: &[Ignored] = &[
    Ignored {
        field: "replicas",
        why: "removed: step 2 deploys the read-write side at 0 replicas by design",
    },
    Ignored {
        field: "selector",
        why: "removed: selects the workload's own pods by its name and rollout group",
    },
    Ignored {
        field: "serviceName",
        why: "removed: the StatefulSet's own governing Service, named after it",
    },
    Ignored {
        field: "template.metadata.labels.name, template.metadata.labels.rollout-group",
        why: "removed: the workload's name and rollout group (other labels are compared)",
    },
    Ignored {
        field: "template.spec.affinity, template.spec.topologySpreadConstraints",
        why: "label values equal to the workload's name or rollout group are shown as <name> and \
              <rollout-group>",
    },
    Ignored {
        field: "template.spec.containers[].name",
        why: "removed: containers are named after the component",
    },
    Ignored {
        field: "volumeClaimTemplates[].metadata.name, template.spec.containers[].volumeMounts[].name",
        why: "claims are named after the component: the claim name, and mounts of it, are shown \
              as <claim>",
    },
    Ignored {
        field: "template.spec.containers[].args",
        why: "sorted: only the set of flags matters",
    },
    Ignored {
        field: "template.spec.containers[].ports",
        why: "sorted by containerPort: read-write components list the union of their \
              components' ports in port order",
    },
];

/// The normalized `.spec` of `workload` (see [`IGNORED`]); `Value::Null` when there is no spec.
pub fn normalize(workload: &Map<String, Value>) -> Value {
    let Some(Value::Object(spec)) = workload.get("spec") else {
        return Value::Null;
    };
    let mut spec = spec.clone();
    let name = workload
        .get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let rollout_group = spec
        .get("template")
        .and_then(|t| t.pointer("/metadata/labels/rollout-group"))
        .and_then(Value::as_str)
        .map(str::to_string);

    for key in ["replicas", "selector", "serviceName"] {
        spec.remove(key);
    }

    // Claim names → <claim>.
    let mut claims: Vec<String> = Vec::new();
    if let Some(Value::Array(templates)) = spec.get_mut("volumeClaimTemplates") {
        for t in templates.iter_mut() {
            if let Some(Value::Object(meta)) = t.get_mut("metadata")
                && let Some(Value::String(claim)) = meta.get_mut("name")
            {
                claims.push(std::mem::replace(claim, "<claim>".to_string()));
            }
        }
    }

    if let Some(Value::Object(template)) = spec.get_mut("template") {
        if let Some(Value::Object(meta)) = template.get_mut("metadata") {
            if let Some(Value::Object(labels)) = meta.get_mut("labels") {
                labels.remove("name");
                labels.remove("rollout-group");
                if labels.is_empty() {
                    meta.remove("labels");
                }
            }
            if meta.is_empty() {
                template.remove("metadata");
            }
        }
        if let Some(Value::Object(pod)) = template.get_mut("spec") {
            for key in ["affinity", "topologySpreadConstraints"] {
                if let Some(v) = pod.get_mut(key) {
                    replace_strings(v, &name, "<name>");
                    if let Some(group) = &rollout_group {
                        replace_strings(v, group, "<rollout-group>");
                    }
                }
            }
            for key in ["containers", "initContainers"] {
                if let Some(Value::Array(containers)) = pod.get_mut(key) {
                    for c in containers.iter_mut() {
                        if let Value::Object(c) = c {
                            normalize_container(c, &claims);
                        }
                    }
                }
            }
        }
    }
    Value::Object(spec)
}

fn normalize_container(c: &mut Map<String, Value>, claims: &[String]) {
    c.remove("name");
    if let Some(Value::Array(args)) = c.get_mut("args") {
        args.sort_by_key(arg_key);
    }
    if let Some(Value::Array(ports)) = c.get_mut("ports") {
        ports.sort_by_key(|p| p.get("containerPort").and_then(Value::as_i64));
    }
    if let Some(Value::Array(mounts)) = c.get_mut("volumeMounts") {
        for m in mounts.iter_mut() {
            if let Some(Value::String(n)) = m.get_mut("name")
                && claims.contains(n)
            {
                *n = "<claim>".to_string();
            }
        }
    }
}

fn arg_key(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn replace_strings(v: &mut Value, from: &str, to: &str) {
    match v {
        Value::String(s) if s == from => *s = to.to_string(),
        Value::Array(items) => items.iter_mut().for_each(|i| replace_strings(i, from, to)),
        Value::Object(map) => map.values_mut().for_each(|i| replace_strings(i, from, to)),
        _ => {}
    }
}

/// The aspects the summary reports on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Aspect {
    /// `containers[].args`.
    Args,
    /// `containers[].resources`.
    Resources,
    /// `template.spec.volumes`, `containers[].volumeMounts`, `volumeClaimTemplates`.
    Volumes,
    /// `containers[].env`, `containers[].envFrom`.
    Env,
    /// Everything else under `.spec`.
    Other,
}

impl Aspect {
    /// All aspects, in summary column order.
    pub const ALL: [Aspect; 5] = [
        Aspect::Args,
        Aspect::Resources,
        Aspect::Volumes,
        Aspect::Env,
        Aspect::Other,
    ];

    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Aspect::Args => "args",
            Aspect::Resources => "resources",
            Aspect::Volumes => "volumes",
            Aspect::Env => "env",
            Aspect::Other => "other",
        }
    }

    fn container_keys(self) -> &'static [&'static str] {
        match self {
            Aspect::Args => &["args"],
            Aspect::Resources => &["resources"],
            Aspect::Volumes => &["volumeMounts"],
            Aspect::Env => &["env", "envFrom"],
            Aspect::Other => &[],
        }
    }
}

fn containers(spec: &Value) -> Vec<&Map<String, Value>> {
    spec.pointer("/template/spec/containers")
        .and_then(Value::as_array)
        .map(|cs| cs.iter().filter_map(Value::as_object).collect())
        .unwrap_or_default()
}

/// The part of a normalized spec that belongs to `aspect`.
pub fn project(spec: &Value, aspect: Aspect) -> Value {
    if aspect == Aspect::Other {
        return rest(spec);
    }
    let per_container: Vec<Value> = containers(spec)
        .into_iter()
        .map(|c| {
            let picked: Map<String, Value> = aspect
                .container_keys()
                .iter()
                .filter_map(|k| c.get(*k).map(|v| (k.to_string(), v.clone())))
                .collect();
            Value::Object(picked)
        })
        .collect();
    let mut out = Map::new();
    out.insert("containers".into(), Value::Array(per_container));
    if aspect == Aspect::Volumes {
        if let Some(v) = spec.pointer("/template/spec/volumes") {
            out.insert("volumes".into(), v.clone());
        }
        if let Some(v) = spec.get("volumeClaimTemplates") {
            out.insert("volumeClaimTemplates".into(), v.clone());
        }
    }
    Value::Object(out)
}

/// The spec without everything the named aspects cover.
fn rest(spec: &Value) -> Value {
    let mut spec = spec.clone();
    if let Value::Object(map) = &mut spec {
        map.remove("volumeClaimTemplates");
    }
    if let Some(Value::Object(pod)) = spec.pointer_mut("/template/spec") {
        pod.remove("volumes");
        if let Some(Value::Array(cs)) = pod.get_mut("containers") {
            for c in cs.iter_mut().filter_map(Value::as_object_mut) {
                for aspect in Aspect::ALL {
                    for k in aspect.container_keys() {
                        c.remove(*k);
                    }
                }
            }
        }
    }
    spec
}

/// String args of the first container... of every container, flattened.
pub fn args(spec: &Value) -> Vec<String> {
    containers(spec)
        .into_iter()
        .filter_map(|c| c.get("args").and_then(Value::as_array))
        .flatten()
        .map(arg_key)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_and_order_are_normalized_away() {
        let a = json!({"metadata": {"name": "ingester-zone-a"}, "spec": {
            "replicas": 3, "serviceName": "ingester-zone-a",
            "selector": {"matchLabels": {"name": "ingester-zone-a"}},
            "template": {"metadata": {"labels": {"name": "ingester-zone-a", "rollout-group": "ingester", "x": "1"}},
              "spec": {"affinity": {"v": ["ingester", "ingester-zone-a"]},
                "containers": [{"name": "ingester", "args": ["-b=1", "-a=2"],
                  "ports": [{"containerPort": 9095}, {"containerPort": 7946}],
                  "volumeMounts": [{"name": "ingester-data"}, {"name": "overrides"}]}]}},
            "volumeClaimTemplates": [{"metadata": {"name": "ingester-data"}}]}});
        let n = normalize(a.as_object().unwrap());
        assert_eq!(
            n,
            json!({"template": {"metadata": {"labels": {"x": "1"}},
              "spec": {"affinity": {"v": ["<rollout-group>", "<name>"]},
                "containers": [{"args": ["-a=2", "-b=1"],
                  "ports": [{"containerPort": 7946}, {"containerPort": 9095}],
                  "volumeMounts": [{"name": "<claim>"}, {"name": "overrides"}]}]}},
            "volumeClaimTemplates": [{"metadata": {"name": "<claim>"}}]})
        );
        assert_eq!(args(&n), ["-a=2", "-b=1"]);
        assert_eq!(
            project(&n, Aspect::Other),
            json!({"template": {"metadata": {"labels": {"x": "1"}},
              "spec": {"affinity": {"v": ["<rollout-group>", "<name>"]},
                "containers": [{"ports": [{"containerPort": 7946}, {"containerPort": 9095}]}]}}})
        );
    }
}
