//! [`Params`]: the knobs of the built-in plan, with the procedure's defaults.

use serde::{Deserialize, Serialize};

use super::PlanError;

/// The Kubernetes library import used when neither the parameters nor the environment name one:
/// the one Mimir's own Jsonnet library imports.
pub const DEFAULT_K8S_IMPORT: &str = "ksonnet-util/kausal.libsonnet";

/// Parameters of the built-in `to-read-write` plan. [`Params::default`] gives the procedure's
/// values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// How mimir-read scales in step 3.1 (default: 3 fixed replicas).
    #[serde(default)]
    pub read_scaling: ReadScaling,
    /// mimir-write replicas set in step 6.1 (default 3, i.e. one per zone).
    #[serde(default = "three")]
    pub write_replicas: u32,
    /// mimir-backend replicas set in step 4.1 (default 3, i.e. one per zone).
    #[serde(default = "three")]
    pub backend_replicas: u32,
    /// Ingester zones, scaled down one per step in 7.2 (default `a`, `b`, `c`): zone `x` gives
    /// step `7.2x` named `scale-down-ingester-zone-x` overriding `ingester_zone_x_statefulset`.
    #[serde(default = "default_zones")]
    pub zones: Vec<String>,
    /// Whether ruler remote evaluation is in use (step 5.3 has nothing to do otherwise).
    /// `None`: read `_config.ruler_remote_evaluation_enabled` from the environment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ruler_remote_evaluation: Option<bool>,
    /// The Jsonnet import providing `k.apps.v1.deployment` / `k.apps.v1.statefulSet` for replica
    /// overrides. `None`: what the environment already imports, else [`DEFAULT_K8S_IMPORT`].
    /// The library must provide `deployment.mixin.spec.withReplicas` (ksonnet-util does).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub k8s_import: Option<String>,
    /// `to-microservices`: the multi-zone ingester replica total
    /// (`multi_zone_ingester_replicas`) set when the microservice write path scales up.
    /// `None`: the read-write side's current capacity, `_config.mimir_write_replicas` of the
    /// environment (see [`crate::steps::resolve_params`]), or 3 without an environment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingester_replicas: Option<u32>,
    /// `to-microservices`: the multi-zone store-gateway replica total
    /// (`multi_zone_store_gateway_replicas`) set when the microservice backend scales up.
    /// `None`: `_config.mimir_backend_replicas` of the environment, or 3 without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_gateway_replicas: Option<u32>,
    /// `memberlist-cluster-label`: the memberlist cluster label to set. `None`: the
    /// environment's `_config.namespace` (filled in when the plan is adapted to it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_label: Option<String>,
}

/// The read-write replica totals Mimir's library defaults to (`mimir_write_replicas`,
/// `mimir_backend_replicas`): the reverse plan's fallback without an environment.
pub const DEFAULT_READ_WRITE_REPLICAS: u32 = 3;

fn three() -> u32 {
    3
}

fn default_zones() -> Vec<String> {
    vec!["a".into(), "b".into(), "c".into()]
}

impl Default for Params {
    fn default() -> Self {
        Self {
            read_scaling: ReadScaling::default(),
            write_replicas: 3,
            backend_replicas: 3,
            zones: default_zones(),
            ruler_remote_evaluation: None,
            k8s_import: None,
            ingester_replicas: None,
            store_gateway_replicas: None,
            cluster_label: None,
        }
    }
}

/// How mimir-read is scaled up in step 3.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReadScaling {
    /// A fixed replica count (`mimir_read_replicas`).
    Fixed(u32),
    /// A KEDA autoscaler (`autoscaling_mimir_read_enabled` with min/max replicas); the
    /// Deployment then has no fixed replica count.
    Autoscaling {
        /// `autoscaling_mimir_read_min_replicas`.
        min: u32,
        /// `autoscaling_mimir_read_max_replicas`.
        max: u32,
    },
}

impl Default for ReadScaling {
    fn default() -> Self {
        ReadScaling::Fixed(3)
    }
}

impl ReadScaling {
    /// The procedure's autoscaling example: min 3, max 30.
    pub const AUTOSCALING_DEFAULT: ReadScaling = ReadScaling::Autoscaling { min: 3, max: 30 };
}

impl Params {
    /// Check the parameters: positive replica counts (the read and write paths must never reach
    /// zero), `min <= max`, and zone names that are non-empty, unique, lowercase letters, digits
    /// or `-` (they become step ids, object names and Jsonnet field names).
    pub fn validate(&self) -> Result<(), PlanError> {
        let bad = |msg: String| Err(PlanError::InvalidParams(msg));
        match self.read_scaling {
            ReadScaling::Fixed(0) => return bad("read replicas must be at least 1".into()),
            ReadScaling::Autoscaling { min, max } if min == 0 || max < min => {
                return bad(format!(
                    "read autoscaling needs 1 <= min <= max (got min {min}, max {max})"
                ));
            }
            _ => {}
        }
        if self.write_replicas == 0 {
            return bad("write replicas must be at least 1".into());
        }
        if self.backend_replicas == 0 {
            return bad("backend replicas must be at least 1".into());
        }
        if self.ingester_replicas == Some(0) {
            return bad("ingester replicas must be at least 1".into());
        }
        if self.store_gateway_replicas == Some(0) {
            return bad("store-gateway replicas must be at least 1".into());
        }
        if self.zones.is_empty() {
            return bad("at least one zone is needed".into());
        }
        for (i, zone) in self.zones.iter().enumerate() {
            let valid = !zone.is_empty()
                && !zone.starts_with('-')
                && !zone.ends_with('-')
                && zone
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !valid {
                return bad(format!(
                    "invalid zone '{zone}': use lowercase letters, digits and '-' (e.g. a, b, c)"
                ));
            }
            if self.zones[..i].contains(zone) {
                return bad(format!("zone '{zone}' is listed twice"));
            }
        }
        if let Some(label) = &self.cluster_label
            && !super::catalogue::valid_cluster_label(label)
        {
            return bad(format!(
                "invalid cluster label {label:?}: use letters, digits, '.', '_' or '-' (e.g. the \
                 namespace)"
            ));
        }
        if let Some(import) = &self.k8s_import
            && import.trim().is_empty()
        {
            return bad("the k8s import must not be empty".into());
        }
        Ok(())
    }

    /// The id of the ingester scale-down step for `zone`: `7.2a` for a one-letter zone,
    /// `7.2-<zone>` otherwise.
    pub fn zone_step_id(zone: &str) -> String {
        if zone.chars().count() == 1 {
            format!("7.2{zone}")
        } else {
            format!("7.2-{zone}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_procedure() {
        let p = Params::default();
        assert_eq!(p.read_scaling, ReadScaling::Fixed(3));
        assert_eq!((p.write_replicas, p.backend_replicas), (3, 3));
        assert_eq!(p.zones, ["a", "b", "c"]);
        assert!(p.validate().is_ok());
    }

    #[test]
    fn invalid_params_are_rejected() {
        let with = |f: fn(&mut Params)| {
            let mut p = Params::default();
            f(&mut p);
            p.validate().unwrap_err().to_string()
        };
        assert!(with(|p| p.read_scaling = ReadScaling::Fixed(0)).contains("read replicas"));
        assert!(
            with(|p| p.read_scaling = ReadScaling::Autoscaling { min: 5, max: 2 })
                .contains("min 5, max 2")
        );
        assert!(with(|p| p.write_replicas = 0).contains("write"));
        assert!(with(|p| p.zones.clear()).contains("one zone"));
        assert!(with(|p| p.zones.push("a".into())).contains("twice"));
        assert!(with(|p| p.zones.push("Zone_D".into())).contains("invalid zone"));
    }

    #[test]
    fn zone_step_ids() {
        assert_eq!(Params::zone_step_id("a"), "7.2a");
        assert_eq!(Params::zone_step_id("east-1"), "7.2-east-1");
    }

    #[test]
    fn params_deserialize_with_defaults() {
        let p: Params =
            serde_json::from_str(r#"{"read_scaling": {"autoscaling": {"min": 2, "max": 9}}}"#)
                .unwrap();
        assert_eq!(p.read_scaling, ReadScaling::Autoscaling { min: 2, max: 9 });
        assert_eq!(p.zones, ["a", "b", "c"]);
    }
}
