//! What a step does to the running workloads: pod template changes (rolls), replica changes,
//! workloads added or removed, and the PersistentVolumeClaims removed StatefulSets leave behind.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::diff::{Cell, Timeline};
use crate::manifest::Manifest;

/// A workload whose pod template changes: its pods are replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Roll {
    /// `Deployment` or `StatefulSet`.
    pub kind: String,
    /// `metadata.name`.
    pub name: String,
    /// How the pods are replaced: `RollingUpdate`, or `OnDelete` (with the rollout group,
    /// whose rollout-operator deletes them, if any).
    pub strategy: String,
    /// Replicas before the step (pods affected), as the timeline shows them.
    pub replicas: String,
    /// What changed in the template, one item per flag or field.
    pub changes: Vec<String>,
}

/// A workload whose replicas (or autoscaler range) change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scale {
    /// `Deployment`, `StatefulSet` or `ScaledObject`.
    pub kind: String,
    /// `metadata.name`.
    pub name: String,
    /// Before (`-` when the object is new).
    pub from: String,
    /// After (`-` when the object goes away).
    pub to: String,
}

fn workloads(manifests: &[Manifest]) -> BTreeMap<(String, String), &Manifest> {
    manifests
        .iter()
        .filter(|m| matches!(m.kind(), "Deployment" | "StatefulSet"))
        .map(|m| ((m.kind().to_string(), m.name().to_string()), m))
        .collect()
}

fn flags(container: &Map<String, Value>) -> BTreeMap<String, Option<String>> {
    container
        .get("args")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|a| {
            let a = a.as_str().map_or_else(|| a.to_string(), str::to_string);
            match a.split_once('=') {
                Some((k, v)) => (k.to_string(), Some(v.to_string())),
                None => (a, None),
            }
        })
        .collect()
}

fn show(flag: &str, value: &Option<String>) -> String {
    match value {
        Some(v) => format!("{flag}={v}"),
        None => flag.to_string(),
    }
}

fn container_changes(
    out: &mut Vec<String>,
    before: &Map<String, Value>,
    after: &Map<String, Value>,
) {
    let name = after.get("name").and_then(Value::as_str).unwrap_or("?");
    let (fb, fa) = (flags(before), flags(after));
    for (k, v) in &fb {
        match fa.get(k) {
            None => out.push(format!("{name}: removed {}", show(k, v))),
            Some(w) if w != v => out.push(format!(
                "{name}: {k} {} → {}",
                v.as_deref().unwrap_or("(no value)"),
                w.as_deref().unwrap_or("(no value)")
            )),
            _ => {}
        }
    }
    for (k, v) in &fa {
        if !fb.contains_key(k) {
            out.push(format!("{name}: added {}", show(k, v)));
        }
    }
    let keys: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    for key in keys {
        if key == "args" {
            continue;
        }
        let (b, a) = (before.get(key), after.get(key));
        if b != a {
            match (key.as_str(), b, a) {
                ("image", Some(Value::String(b)), Some(Value::String(a))) => {
                    out.push(format!("{name}: image {b} → {a}"))
                }
                ("ports", b, a) => {
                    let ports = |v: Option<&Value>| -> Vec<String> {
                        v.and_then(Value::as_array)
                            .into_iter()
                            .flatten()
                            .map(|p| {
                                let n = p.get("name").and_then(Value::as_str).unwrap_or("");
                                let port = p.get("containerPort").map(ToString::to_string);
                                format!("{n} {}", port.unwrap_or_default())
                                    .trim()
                                    .to_string()
                            })
                            .collect()
                    };
                    let (pb, pa) = (ports(b), ports(a));
                    let added: Vec<&String> = pa.iter().filter(|p| !pb.contains(p)).collect();
                    let removed: Vec<&String> = pb.iter().filter(|p| !pa.contains(p)).collect();
                    for p in removed {
                        out.push(format!("{name}: removed port {p}"));
                    }
                    for p in &added {
                        out.push(format!("{name}: added port {p}"));
                    }
                    if added.is_empty() && pb.len() == pa.len() && pb != pa {
                        out.push(format!("{name}: ports reordered"));
                    }
                }
                _ => out.push(format!("{name}: {key} changed")),
            }
        }
    }
}

fn map_changes(out: &mut Vec<String>, what: &str, before: Option<&Value>, after: Option<&Value>) {
    let empty = Map::new();
    let b = before.and_then(Value::as_object).unwrap_or(&empty);
    let a = after.and_then(Value::as_object).unwrap_or(&empty);
    let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
    for (k, v) in b {
        match a.get(k) {
            None => out.push(format!("{what} {k} removed")),
            Some(w) if w != v => out.push(format!("{what} {k}: {} → {}", text(v), text(w))),
            _ => {}
        }
    }
    for (k, v) in a {
        if !b.contains_key(k) {
            out.push(format!("{what} {k}={} added", text(v)));
        }
    }
}

/// What differs between two pod templates, in words.
pub fn template_changes(before: &Value, after: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let meta = |t: &Value| t.get("metadata").cloned().unwrap_or(Value::Null);
    if meta(before) != meta(after) {
        for part in ["labels", "annotations"] {
            let (b, a) = (meta(before), meta(after));
            let (b, a) = (b.get(part), a.get(part));
            if b != a {
                map_changes(&mut out, &format!("pod {}", &part[..part.len() - 1]), b, a);
            }
        }
    }
    let spec = |t: &Value| t.get("spec").and_then(Value::as_object).cloned();
    let (bs, as_) = (
        spec(before).unwrap_or_default(),
        spec(after).unwrap_or_default(),
    );
    let keys: std::collections::BTreeSet<&String> = bs.keys().chain(as_.keys()).collect();
    for key in keys {
        if bs.get(key) == as_.get(key) {
            continue;
        }
        if key == "containers" || key == "initContainers" {
            let list = |s: &Map<String, Value>| -> Vec<Map<String, Value>> {
                s.get(key.as_str())
                    .and_then(Value::as_array)
                    .map(|cs| cs.iter().filter_map(|c| c.as_object().cloned()).collect())
                    .unwrap_or_default()
            };
            let (bc, ac) = (list(&bs), list(&as_));
            let named = |cs: &[Map<String, Value>], n: &str| {
                cs.iter()
                    .find(|c| c.get("name").and_then(Value::as_str) == Some(n))
                    .cloned()
            };
            for c in &ac {
                let n = c.get("name").and_then(Value::as_str).unwrap_or("");
                match named(&bc, n) {
                    Some(b) => container_changes(&mut out, &b, c),
                    None => out.push(format!("{key}: added {n}")),
                }
            }
            for c in &bc {
                let n = c.get("name").and_then(Value::as_str).unwrap_or("");
                if named(&ac, n).is_none() {
                    out.push(format!("{key}: removed {n}"));
                }
            }
        } else {
            out.push(format!("pod spec {key} changed"));
        }
    }
    out
}

fn strategy(m: &Manifest) -> String {
    let spec = m.0.get("spec");
    let kind = match m.kind() {
        "StatefulSet" => spec
            .and_then(|s| s.pointer("/updateStrategy/type"))
            .and_then(Value::as_str)
            .unwrap_or("RollingUpdate"),
        _ => spec
            .and_then(|s| s.pointer("/strategy/type"))
            .and_then(Value::as_str)
            .unwrap_or("RollingUpdate"),
    };
    let group = spec
        .and_then(|s| s.pointer("/template/metadata/labels/rollout-group"))
        .and_then(Value::as_str);
    match (kind, group) {
        ("OnDelete", Some(g)) => format!(
            "OnDelete (rollout group {g}: the rollout-operator replaces the pods zone by zone)"
        ),
        ("OnDelete", None) => "OnDelete (pods pick the change up only when deleted)".to_string(),
        (k, _) => k.to_string(),
    }
}

/// Workloads present before and after whose `spec.template` changed.
pub fn rolls(
    before: &[Manifest],
    after: &[Manifest],
    replicas: &dyn Fn(&str, &str) -> String,
) -> Vec<Roll> {
    let (b, a) = (workloads(before), workloads(after));
    let mut out = Vec::new();
    for (key, m_after) in &a {
        let Some(m_before) = b.get(key) else {
            continue;
        };
        let template = |m: &Manifest| m.0.get("spec").and_then(|s| s.get("template")).cloned();
        let (tb, ta) = (template(m_before), template(m_after));
        if tb == ta {
            continue;
        }
        out.push(Roll {
            kind: key.0.clone(),
            name: key.1.clone(),
            strategy: strategy(m_after),
            replicas: replicas(&key.0, &key.1),
            changes: template_changes(&tb.unwrap_or(Value::Null), &ta.unwrap_or(Value::Null)),
        });
    }
    out
}

/// Rows of `timeline` whose cell changes between columns `from` and `to`.
pub fn scales(timeline: &Timeline, from: usize, to: usize) -> Vec<Scale> {
    timeline
        .rows
        .iter()
        .filter_map(|row| {
            let (b, a) = (row.cells.get(from)?, row.cells.get(to)?);
            (b != a).then(|| Scale {
                kind: row.kind.clone(),
                name: row.name.clone(),
                from: b.to_string(),
                to: a.to_string(),
            })
        })
        .collect()
}

/// A PersistentVolumeClaim a removed StatefulSet leaves behind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeftoverPvc {
    /// The StatefulSet.
    pub statefulset: String,
    /// The claim template name.
    pub claim: String,
    /// `<claim>-<statefulset>-<ordinal>` for ordinals `0..replicas` (at most the first
    /// [`MAX_LISTED_ORDINALS`]).
    pub names: Vec<String>,
    /// The most replicas the plan ever rendered for the StatefulSet.
    pub replicas: u64,
}

fn cell_max(cell: &Cell) -> u64 {
    // Clamped to int32 like Kubernetes' field: `1e29` is an `invalid-replicas` error.
    let num = |v: &Value| {
        v.as_u64()
            .or_else(|| v.as_f64().map(|f| f.max(0.0) as u64))
            .map(|n| n.min(i32::MAX as u64))
    };
    match cell {
        Cell::Absent => 0,
        Cell::Replicas { replicas } => num(replicas).unwrap_or(0),
        Cell::Default { replicas } => *replicas,
        Cell::Autoscaled { max, min } => max
            .as_ref()
            .and_then(num)
            .or_else(|| min.as_ref().and_then(num))
            .unwrap_or(0),
    }
}

/// The most PVC ordinals listed per claim template (a replica count like `1e29` must not turn
/// into a list of that many names).
pub const MAX_LISTED_ORDINALS: u64 = 1000;

/// PVCs of StatefulSets with `volumeClaimTemplates` present in `before` and gone in `after`;
/// ordinals run up to the most replicas `timeline` ever shows for the StatefulSet.
pub fn leftover_pvcs(
    before: &[Manifest],
    after: &[Manifest],
    timeline: &Timeline,
) -> Vec<LeftoverPvc> {
    let a = workloads(after);
    let mut out = Vec::new();
    for ((kind, name), m) in workloads(before) {
        if kind != "StatefulSet" || a.contains_key(&(kind.clone(), name.clone())) {
            continue;
        }
        let replicas = timeline
            .row(&kind, &name)
            .into_iter()
            .flat_map(|r| r.cells.iter().map(cell_max))
            .max()
            .unwrap_or(0);
        let claims =
            m.0.get("spec")
                .and_then(|s| s.get("volumeClaimTemplates"))
                .and_then(Value::as_array);
        for claim in claims.into_iter().flatten() {
            let Some(claim) = claim.pointer("/metadata/name").and_then(Value::as_str) else {
                continue;
            };
            out.push(LeftoverPvc {
                statefulset: name.clone(),
                claim: claim.to_string(),
                names: (0..replicas.min(MAX_LISTED_ORDINALS))
                    .map(|i| format!("{claim}-{name}-{i}"))
                    .collect(),
                replicas,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn template_changes_name_flags() {
        let b = json!({"spec": {"containers": [{"name": "q", "args": ["-a=1", "-b=2", "-c=3"], "image": "x:1"}]}});
        let a = json!({"spec": {"containers": [{"name": "q", "args": ["-a=1", "-b=5", "-d=4"], "image": "x:2"}],
            "volumes": []}});
        assert_eq!(
            template_changes(&b, &a),
            [
                "q: -b 2 → 5",
                "q: removed -c=3",
                "q: added -d=4",
                "q: image x:1 → x:2",
                "pod spec volumes changed"
            ]
        );
    }
}
