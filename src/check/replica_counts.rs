//! `invalid-replicas`: replica counts Kubernetes would refuse. `spec.replicas` (any kind), a
//! HorizontalPodAutoscaler's `spec.minReplicas`/`spec.maxReplicas` and a KEDA ScaledObject's
//! `spec.minReplicaCount`/`spec.maxReplicaCount` are int32 fields: a whole number from 0 to
//! 2147483647. Jsonnet computes with doubles, so `1e29` or `2.5` render without complaint and
//! fail only at `kubectl apply`. Reported once, at the step that introduces the value.

use std::collections::HashSet;

use serde_json::Value;

use super::rules::Rule;
use super::{Ctx, Finding};
use crate::manifest::Manifest;

/// The replica count fields of an object of kind `kind`.
fn fields(kind: &str) -> &'static [&'static str] {
    match kind {
        "HorizontalPodAutoscaler" => &["replicas", "minReplicas", "maxReplicas"],
        "ScaledObject" => &["replicas", "minReplicaCount", "maxReplicaCount"],
        _ => &["replicas"],
    }
}

/// Whether `v` is a valid int32 replica count.
fn valid(v: &Value) -> bool {
    match v {
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => (0..=i64::from(i32::MAX)).contains(&i),
            (None, Some(f)) => f.fract() == 0.0 && (0.0..=f64::from(i32::MAX)).contains(&f),
            (None, None) => false,
        },
        _ => false,
    }
}

/// The invalid counts of one step: (object label, field, value as rendered).
fn invalid(manifests: &[Manifest]) -> Vec<(String, &'static str, String)> {
    let mut out = Vec::new();
    for m in manifests {
        let Some(spec) = m.0.get("spec").and_then(Value::as_object) else {
            continue;
        };
        for field in fields(m.kind()) {
            match spec.get(*field) {
                None | Some(Value::Null) => {}
                Some(v) if valid(v) => {}
                Some(v) => out.push((m.kind_name(), *field, v.to_string())),
            }
        }
    }
    out
}

pub(crate) fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let mut before = HashSet::new();
    for step in &ctx.steps {
        let now: HashSet<_> = invalid(step.manifests).into_iter().collect();
        let mut new: Vec<_> = now.difference(&before).collect();
        new.sort();
        for (object, field, value) in new {
            let reason = format!(
                "spec.{field} is {value}: Kubernetes refuses it (a replica count is a whole \
                 number from 0 to 2147483647, an int32)"
            );
            out.push(ctx.finding(
                Rule::InvalidReplicas,
                step.index,
                vec![object.clone()],
                reason,
            ));
        }
        before = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn int32_counts_only() {
        for ok in [json!(0), json!(3), json!(2147483647), json!(4.0)] {
            assert!(valid(&ok), "{ok}");
        }
        for bad in [
            json!(-1),
            json!(2147483648u64),
            json!(1e29),
            json!(2.5),
            json!("3"),
            json!(true),
        ] {
            assert!(!valid(&bad), "{bad}");
        }
    }
}
