//! An indexed view of one step's rendered manifests: workloads by name, their replicas,
//! container args and volume claim templates, and the KEDA autoscalers targeting them.

use super::StepRef;
use crate::manifest::Manifest;
use crate::mimir::{Group, group_matches};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A Deployment or StatefulSet as the rules see it.
#[derive(Debug, Clone)]
pub(crate) struct Workload<'a> {
    /// `kind` (`Deployment` or `StatefulSet`).
    pub kind: &'a str,
    /// `metadata.name`.
    pub name: &'a str,
    /// `spec.replicas` when rendered.
    pub replicas: Option<i64>,
    /// Every container's args, in order.
    pub args: Vec<&'a str>,
    /// `spec.volumeClaimTemplates[].metadata.name` (StatefulSets only).
    pub claims: Vec<&'a str>,
}

impl Workload<'_> {
    /// `Kind/name`.
    pub fn label(&self) -> String {
        format!("{}/{}", self.kind, self.name)
    }

    /// The last value given to `-<flag>` (or `--<flag>`) in any container; a bare `-<flag>`
    /// is `true`, as Go's flag package reads booleans.
    pub fn flag(&self, flag: &str) -> Option<&str> {
        let mut found = None;
        for arg in &self.args {
            let Some(rest) = arg.strip_prefix("--").or_else(|| arg.strip_prefix('-')) else {
                continue;
            };
            let Some(after) = rest.strip_prefix(flag) else {
                continue;
            };
            if after.is_empty() {
                found = Some("true");
            } else if let Some(v) = after.strip_prefix('=') {
                found = Some(v);
            }
        }
        found
    }

    /// A boolean flag's value: what the args say, else `default`. Unparseable values count
    /// as `default` too (Mimir would refuse to start, which other checks do not model).
    pub fn bool_flag(&self, flag: &str, default: bool) -> bool {
        self.flag(flag).and_then(parse_go_bool).unwrap_or(default)
    }
}

/// Go's `strconv.ParseBool`.
pub(crate) fn parse_go_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// A KEDA `ScaledObject`'s bounds.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scaler {
    /// `spec.minReplicaCount` (KEDA's default is 0).
    pub min: i64,
    /// `spec.maxReplicaCount` (KEDA's default is 100).
    pub max: i64,
}

/// One step, indexed.
#[derive(Debug)]
pub(crate) struct StepView<'a> {
    /// Position in the plan (0 = before any step).
    pub index: usize,
    /// Step id (`before`, `1`, `5.2`, `7.2a`...).
    pub id: &'a str,
    /// Step name.
    pub name: &'a str,
    /// The step's rendered objects.
    pub manifests: &'a [Manifest],
    /// Deployments and StatefulSets by name.
    pub workloads: BTreeMap<&'a str, Workload<'a>>,
    /// ScaledObjects by target name.
    pub scalers: BTreeMap<&'a str, Scaler>,
}

impl<'a> StepView<'a> {
    pub fn new(index: usize, step: StepRef<'a>) -> Self {
        let mut workloads = BTreeMap::new();
        let mut scalers = BTreeMap::new();
        for m in step.manifests {
            let map = &m.0;
            let kind = str_at(map, &["kind"]).unwrap_or_default();
            let Some(name) = str_at(map, &["metadata", "name"]) else {
                continue;
            };
            match kind {
                "Deployment" | "StatefulSet" => {
                    workloads.insert(name, workload(map, kind, name));
                }
                "ScaledObject"
                    if str_at(map, &["apiVersion"]).is_some_and(|a| a.starts_with("keda.sh/")) =>
                {
                    if let Some(target) = str_at(map, &["spec", "scaleTargetRef", "name"]) {
                        let min = int_at(map, &["spec", "minReplicaCount"]).unwrap_or(0);
                        let max = int_at(map, &["spec", "maxReplicaCount"]).unwrap_or(100);
                        scalers.insert(target, Scaler { min, max });
                    }
                }
                _ => {}
            }
        }
        StepView {
            index,
            id: step.id,
            name: step.name,
            manifests: step.manifests,
            workloads,
            scalers,
        }
    }

    /// The replicas a workload runs with at least: 0 when absent; the autoscaler minimum when
    /// a ScaledObject targets it (KEDA owns the replica count then); else `spec.replicas`,
    /// or 1 (Kubernetes' default) when unset.
    pub fn capacity(&self, name: &str) -> i64 {
        if !self.workloads.contains_key(name) {
            return 0;
        }
        if let Some(s) = self.scalers.get(name) {
            return s.min.max(0);
        }
        self.workloads[name].replicas.unwrap_or(1).max(0)
    }

    /// The most replicas a workload can run with in this step (autoscaler maximum).
    pub fn max_replicas(&self, name: &str) -> i64 {
        if !self.workloads.contains_key(name) {
            return 0;
        }
        if let Some(s) = self.scalers.get(name) {
            return s.max.max(s.min).max(0);
        }
        self.workloads[name].replicas.unwrap_or(1).max(0)
    }

    /// Workloads whose name matches `group`, by name.
    pub fn matching(&self, group: Group) -> Vec<&Workload<'a>> {
        self.workloads
            .values()
            .filter(|w| group_matches(group, w.name))
            .collect()
    }

    /// Sum of the capacity of the workloads matching `group`.
    pub fn group_capacity(&self, group: Group) -> i64 {
        self.matching(group)
            .iter()
            .map(|w| self.capacity(w.name))
            .sum()
    }

    /// Whether a workload of that name is rendered.
    pub fn has(&self, name: &str) -> bool {
        self.workloads.contains_key(name)
    }
}

fn workload<'a>(map: &'a Map<String, Value>, kind: &'a str, name: &'a str) -> Workload<'a> {
    let replicas = int_at(map, &["spec", "replicas"]);
    let mut args = Vec::new();
    if let Some(containers) =
        value_at(map, &["spec", "template", "spec", "containers"]).and_then(Value::as_array)
    {
        for c in containers {
            if let Some(a) = c.get("args").and_then(Value::as_array) {
                args.extend(a.iter().filter_map(Value::as_str));
            }
        }
    }
    let claims = value_at(map, &["spec", "volumeClaimTemplates"])
        .and_then(Value::as_array)
        .map(|v| {
            v.iter()
                .filter_map(|t| t.get("metadata")?.get("name")?.as_str())
                .collect()
        })
        .unwrap_or_default();
    Workload {
        kind,
        name,
        replicas,
        args,
        claims,
    }
}

fn value_at<'a>(map: &'a Map<String, Value>, path: &[&str]) -> Option<&'a Value> {
    let (first, rest) = path.split_first()?;
    let mut v = map.get(*first)?;
    for key in rest {
        v = v.as_object()?.get(*key)?;
    }
    Some(v)
}

fn str_at<'a>(map: &'a Map<String, Value>, path: &[&str]) -> Option<&'a str> {
    value_at(map, path)?.as_str()
}

/// The integer at `path`, clamped to Kubernetes' int32 range: a count like `1e29` (an
/// `invalid-replicas` error of its own) must not overflow the sums other rules make.
fn int_at(map: &Map<String, Value>, path: &[&str]) -> Option<i64> {
    let v = value_at(map, path)?;
    let n = v.as_i64().or_else(|| v.as_f64().map(|f| f as i64))?;
    Some(n.clamp(i32::MIN.into(), i32::MAX.into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::StepRender;
    use crate::manifest::Manifest;
    use serde_json::json;

    fn manifest(v: Value) -> Manifest {
        match v {
            Value::Object(m) => Manifest::new(m),
            _ => unreachable!("test objects are objects"),
        }
    }

    #[test]
    fn capacity_rules() {
        let step = StepRender {
            id: "x".into(),
            name: "x".into(),
            manifests: vec![
                manifest(json!({"apiVersion": "apps/v1", "kind": "Deployment",
                    "metadata": {"name": "a"}, "spec": {}})),
                manifest(json!({"apiVersion": "apps/v1", "kind": "Deployment",
                    "metadata": {"name": "b"}, "spec": {"replicas": 4}})),
                manifest(json!({"apiVersion": "apps/v1", "kind": "Deployment",
                    "metadata": {"name": "c"}, "spec": {}})),
                manifest(
                    json!({"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject",
                    "metadata": {"name": "c"},
                    "spec": {"scaleTargetRef": {"name": "c"}, "minReplicaCount": 3, "maxReplicaCount": 30}}),
                ),
                manifest(json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "d"}})),
            ],
        };
        let v = StepView::new(0, step.as_ref());
        assert_eq!(
            v.capacity("a"),
            1,
            "unset replicas is Kubernetes' default 1"
        );
        assert_eq!(v.capacity("b"), 4);
        assert_eq!(v.capacity("c"), 3, "autoscaler minimum");
        assert_eq!(v.max_replicas("c"), 30);
        assert_eq!(v.capacity("d"), 0, "a Service is not a workload");
    }

    #[test]
    fn flags() {
        let w = Workload {
            kind: "StatefulSet",
            name: "x",
            replicas: None,
            args: vec![
                "-a.b=false",
                "-a.bc=1",
                "--a.b=true",
                "-c",
                "-store-gateway.sharding-ring.unregister-on-shutdown=false",
            ],
            claims: vec![],
        };
        assert_eq!(w.flag("a.b"), Some("true"));
        assert_eq!(w.flag("c"), Some("true"));
        assert_eq!(w.flag("d"), None);
        assert!(!w.bool_flag("store-gateway.sharding-ring.unregister-on-shutdown", true));
        assert!(w.bool_flag("d", true));
    }
}
