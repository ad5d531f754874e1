//! The rule catalogue: stable ids, severities and one-line descriptions.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// The step can lose data or availability: `tkstep check` exits 3.
    Error,
    /// Something changes that the plan does not say out loud.
    Warning,
    /// Facts the operator needs (e.g. PVCs left behind); never fails a check.
    Info,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One invariant of the migration. Ids are stable (they appear in reports, JSON and tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Rule {
    /// `read-capacity`: some read path has replicas at every step.
    ReadCapacity,
    /// `write-capacity`: some write path has replicas at every step.
    WriteCapacity,
    /// `store-gateway-unregister`: store-gateways of the old side go to 0 only after the
    /// previous step rolled out `-store-gateway.sharding-ring.unregister-on-shutdown=true`.
    StoreGatewayUnregister,
    /// `store-gateway-keep-registered`: store-gateways of the new side keep that flag `false`.
    StoreGatewayKeepRegistered,
    /// `ruler-remote-eval`: remote rule evaluation is removed only once the ruler using it is
    /// at 0, and a running ruler's query-frontend has replicas.
    RulerRemoteEval,
    /// `write-handover`: the old write entry (distributor) goes to 0 only when the new write
    /// path has replicas.
    WriteHandover,
    /// `ingester-zones-one-per-step`: at most one ingester zone newly at 0 per step.
    IngesterZonesOnePerStep,
    /// `ingester-zones-after-distributor`: ingester zones go to 0 only once the distributor is
    /// at 0 since an earlier step.
    IngesterZonesAfterDistributor,
    /// `zone-awareness`: zone-aware ingesters and store-gateways are rendered before the two
    /// modes run side by side.
    ZoneAwareness,
    /// `stateful-removed`: a StatefulSet with volumeClaimTemplates disappears (or is replaced)
    /// outside the final clean-up.
    StatefulRemoved,
    /// `silent-removal`: a workload disappears and nothing in the target mode takes over.
    SilentRemoval,
    /// `final-old-workloads`: the final step still renders workloads of the old mode.
    FinalOldWorkloads,
    /// `final-overrides`: the final overlay still patches (`+:`) objects of the old mode.
    FinalOverrides,
    /// `leftover-pvcs`: PVCs the final step leaves behind.
    LeftoverPvcs,
    /// `duplicate-objects`: two objects with the same apiVersion, kind, namespace and name
    /// (on a cluster one silently replaces the other).
    DuplicateObjects,
    /// `invalid-replicas`: a replica count that Kubernetes would refuse (not a whole number
    /// from 0 to 2147483647).
    InvalidReplicas,
    /// `multikv-mirror-before-switch`: the multi KV primary is switched only after mirroring
    /// was on (consul-to-memberlist).
    MultikvMirrorBeforeSwitch,
    /// `multikv-switch-before-mirror-off`: mirroring goes off only after the primary is
    /// switched (consul-to-memberlist).
    MultikvSwitchBeforeMirrorOff,
    /// `multikv-mirror-off-before-teardown`: rings leave the multi KV store only after mirroring
    /// is off and their new store is the primary (consul-to-memberlist).
    MultikvMirrorOffBeforeTeardown,
    /// `consul-still-used`: Consul is not removed while a ring still uses it.
    ConsulStillUsed,
}

impl Rule {
    /// Every rule, in report order.
    pub const ALL: [Rule; 20] = [
        Rule::ReadCapacity,
        Rule::WriteCapacity,
        Rule::StoreGatewayUnregister,
        Rule::StoreGatewayKeepRegistered,
        Rule::RulerRemoteEval,
        Rule::WriteHandover,
        Rule::IngesterZonesOnePerStep,
        Rule::IngesterZonesAfterDistributor,
        Rule::ZoneAwareness,
        Rule::StatefulRemoved,
        Rule::SilentRemoval,
        Rule::FinalOldWorkloads,
        Rule::FinalOverrides,
        Rule::LeftoverPvcs,
        Rule::DuplicateObjects,
        Rule::InvalidReplicas,
        Rule::MultikvMirrorBeforeSwitch,
        Rule::MultikvSwitchBeforeMirrorOff,
        Rule::MultikvMirrorOffBeforeTeardown,
        Rule::ConsulStillUsed,
    ];

    /// The stable id (`read-capacity`, ...).
    pub fn id(self) -> &'static str {
        match self {
            Rule::ReadCapacity => "read-capacity",
            Rule::WriteCapacity => "write-capacity",
            Rule::StoreGatewayUnregister => "store-gateway-unregister",
            Rule::StoreGatewayKeepRegistered => "store-gateway-keep-registered",
            Rule::RulerRemoteEval => "ruler-remote-eval",
            Rule::WriteHandover => "write-handover",
            Rule::IngesterZonesOnePerStep => "ingester-zones-one-per-step",
            Rule::IngesterZonesAfterDistributor => "ingester-zones-after-distributor",
            Rule::ZoneAwareness => "zone-awareness",
            Rule::StatefulRemoved => "stateful-removed",
            Rule::SilentRemoval => "silent-removal",
            Rule::FinalOldWorkloads => "final-old-workloads",
            Rule::FinalOverrides => "final-overrides",
            Rule::LeftoverPvcs => "leftover-pvcs",
            Rule::DuplicateObjects => "duplicate-objects",
            Rule::InvalidReplicas => "invalid-replicas",
            Rule::MultikvMirrorBeforeSwitch => "multikv-mirror-before-switch",
            Rule::MultikvSwitchBeforeMirrorOff => "multikv-switch-before-mirror-off",
            Rule::MultikvMirrorOffBeforeTeardown => "multikv-mirror-off-before-teardown",
            Rule::ConsulStillUsed => "consul-still-used",
        }
    }

    /// The rule with this id.
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.id() == id)
    }

    /// The severity of this rule's findings.
    pub fn severity(self) -> Severity {
        match self {
            Rule::SilentRemoval => Severity::Warning,
            Rule::LeftoverPvcs => Severity::Info,
            _ => Severity::Error,
        }
    }

    /// What the rule guarantees, in one line.
    pub fn description(self) -> &'static str {
        match self {
            Rule::ReadCapacity => {
                "at every step query-frontend and querier, or mimir-read, have replicas (autoscaled workloads count their minimum)"
            }
            Rule::WriteCapacity => {
                "at every step distributor and ingesters, or mimir-write, have replicas"
            }
            Rule::StoreGatewayUnregister => {
                "store-gateways scale to 0 only after the previous step rendered them with -store-gateway.sharding-ring.unregister-on-shutdown=true"
            }
            Rule::StoreGatewayKeepRegistered => {
                "the store-gateways that stay (mimir-backend) keep -store-gateway.sharding-ring.unregister-on-shutdown=false"
            }
            Rule::RulerRemoteEval => {
                "ruler remote evaluation is turned off only at or after the step where the ruler is at 0, and a running ruler's query-frontend has replicas"
            }
            Rule::WriteHandover => {
                "the distributor goes to 0 only when mimir-write has replicas (in that or an earlier step)"
            }
            Rule::IngesterZonesOnePerStep => "ingester zones go to 0 one zone per step",
            Rule::IngesterZonesAfterDistributor => {
                "ingester zones go to 0 only after the distributor is at 0 in an earlier step"
            }
            Rule::ZoneAwareness => {
                "zone-aware ingesters and store-gateways are rendered before read-write objects appear"
            }
            Rule::StatefulRemoved => {
                "a StatefulSet with volumeClaimTemplates is deleted or replaced only by the final clean-up"
            }
            Rule::SilentRemoval => {
                "a workload removed by a step has a counterpart in the target mode"
            }
            Rule::FinalOldWorkloads => "the final step renders no workload of the old mode",
            Rule::FinalOverrides => {
                "the final overlay patches no object of the old mode (it would fail to evaluate)"
            }
            Rule::LeftoverPvcs => "PVCs of StatefulSets removed by the final step, to release",
            Rule::DuplicateObjects => {
                "no two rendered objects share apiVersion, kind, namespace and name"
            }
            Rule::InvalidReplicas => {
                "replica counts are whole numbers from 0 to 2147483647 (Kubernetes int32)"
            }
            Rule::MultikvMirrorBeforeSwitch => {
                "the multi KV primary store is switched only after a step that turned mirroring on"
            }
            Rule::MultikvSwitchBeforeMirrorOff => {
                "multi KV mirroring is turned off only after the primary store is switched"
            }
            Rule::MultikvMirrorOffBeforeTeardown => {
                "rings leave the multi KV store only after mirroring is off and their new store is the primary"
            }
            Rule::ConsulStillUsed => "Consul is removed only once no ring uses it any more",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_match_serde() {
        for r in Rule::ALL {
            assert_eq!(Rule::from_id(r.id()), Some(r));
            assert_eq!(
                serde_json::to_value(r).ok(),
                Some(serde_json::Value::String(r.id().to_string()))
            );
        }
    }
}
