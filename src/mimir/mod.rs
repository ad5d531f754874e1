//! Which rendered workloads play which role in each Mimir deployment mode.
//!
//! The rules never name a component directly: they ask a [`WorkloadSet`] for "the read path",
//! "the write entry", "the store-gateways"... of the side that is going away ([`Sides::old`])
//! and of the side that takes over ([`Sides::new`]). The reverse migration
//! (read-write → microservices) is the same rules with the two sets swapped
//! ([`Direction::sides`]).

use serde::{Deserialize, Serialize};

/// A Mimir deployment mode, as far as the rendered objects are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// One workload per component (`distributor`, `ingester-zone-a`, `querier`, ...).
    Microservices,
    /// Three workloads: `mimir-read`, `mimir-write-zone-*`, `mimir-backend-zone-*`.
    ReadWrite,
}

impl Mode {
    /// The name Mimir's `_config.deployment_mode` uses for this mode.
    pub fn label(self) -> &'static str {
        match self {
            Mode::Microservices => "microservices",
            Mode::ReadWrite => "read-write",
        }
    }
}

/// Which way a plan migrates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// Microservices → read-write (the documented procedure).
    ToReadWrite,
    /// Read-write → microservices (the same steps mirrored).
    ToMicroservices,
}

impl Direction {
    /// The side being decommissioned and the side taking over.
    pub fn sides(self) -> Sides {
        match self {
            Direction::ToReadWrite => Sides {
                old: MICROSERVICES,
                new: READ_WRITE,
            },
            Direction::ToMicroservices => Sides {
                old: READ_WRITE,
                new: MICROSERVICES,
            },
        }
    }
}

/// Matches workload names (`metadata.name` of Deployments and StatefulSets).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NamePattern {
    /// Exactly this name.
    Exact(&'static str),
    /// Any name starting with this prefix (zones: `ingester-zone-` matches `ingester-zone-a`).
    Prefix(&'static str),
}

impl NamePattern {
    /// Whether `name` matches.
    pub fn matches(&self, name: &str) -> bool {
        match self {
            NamePattern::Exact(n) => name == *n,
            NamePattern::Prefix(p) => name.starts_with(p) && name.len() > p.len(),
        }
    }

    /// Human label: the name, or `prefix*`.
    pub fn label(&self) -> String {
        match self {
            NamePattern::Exact(n) => (*n).to_string(),
            NamePattern::Prefix(p) => format!("{p}*"),
        }
    }
}

/// A set of workloads counted together (their replicas add up).
pub type Group = &'static [NamePattern];

/// Whether any pattern of `group` matches `name`.
pub(crate) fn group_matches(group: Group, name: &str) -> bool {
    group.iter().any(|p| p.matches(name))
}

/// Human label of a group: `ingester|ingester-zone-*`.
pub(crate) fn group_label(group: Group) -> String {
    group
        .iter()
        .map(NamePattern::label)
        .collect::<Vec<_>>()
        .join("|")
}

/// The three roles a Mimir workload can play; a workload removed during a migration has a
/// counterpart when the other mode renders a workload with the same role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Serves queries (query-frontend, querier; mimir-read).
    Read,
    /// Receives and stores recent samples (distributor, ingesters; mimir-write).
    Write,
    /// Long-term storage and background work (store-gateway, compactor, ruler, ...;
    /// mimir-backend).
    Backend,
}

/// Which rendered workloads make up each part of one deployment mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkloadSet {
    /// The mode described.
    pub mode: Mode,
    /// Every workload that belongs to this mode only (not shared ones such as memcached or
    /// the rollout-operator).
    pub workloads: Group,
    /// The read path: it serves queries when every group has more than 0 replicas.
    pub read_path: &'static [Group],
    /// The write path: it accepts writes when every group has more than 0 replicas.
    pub write_path: &'static [Group],
    /// The stateless entry of the write path, scaled down before the data-holding zones
    /// (`distributor`); `None` when the zones are their own entry (`mimir-write`).
    pub write_entry: Option<Group>,
    /// Per-zone workloads holding ingester data; each matched workload is one zone.
    pub write_zones: Group,
    /// Workloads running a store-gateway (their ring registration matters on shutdown).
    pub store_gateways: Group,
    /// The ruler Deployment that can evaluate rules remotely, if the mode has one.
    pub ruler: Option<&'static str>,
    /// The workloads that exist only for the ruler's remote evaluation.
    pub remote_evaluation: &'static [&'static str],
    /// Groups that must each be rendered for this side to be zone-aware (empty when the mode
    /// is zone-aware by construction).
    pub zone_prerequisites: &'static [Group],
    /// Workloads per role, for finding the counterpart of a removed workload.
    pub roles: &'static [(Role, Group)],
    /// Jsonnet object fields of this mode not derived from a workload name
    /// (`<name>_deployment`, `<name>_statefulset`, ... are derived).
    pub extra_object_fields: &'static [&'static str],
}

use NamePattern::{Exact, Prefix};

const MS_READ: Group = &[
    Exact("query-frontend"),
    Exact("querier"),
    Exact("ruler-query-frontend"),
    Exact("ruler-querier"),
];
const MS_WRITE: Group = &[
    Exact("distributor"),
    Exact("ingester"),
    Prefix("ingester-zone-"),
];
const MS_BACKEND: Group = &[
    Exact("overrides-exporter"),
    Exact("query-scheduler"),
    Exact("ruler-query-scheduler"),
    Exact("ruler"),
    Exact("compactor"),
    Exact("store-gateway"),
    Prefix("store-gateway-zone-"),
];

/// Mimir's microservices mode (2.7-era Jsonnet library object names).
pub const MICROSERVICES: WorkloadSet = WorkloadSet {
    mode: Mode::Microservices,
    workloads: &[
        Exact("distributor"),
        Exact("ingester"),
        Prefix("ingester-zone-"),
        Exact("query-frontend"),
        Exact("querier"),
        Exact("query-scheduler"),
        Exact("ruler"),
        Exact("ruler-querier"),
        Exact("ruler-query-frontend"),
        Exact("ruler-query-scheduler"),
        Exact("overrides-exporter"),
        Exact("compactor"),
        Exact("store-gateway"),
        Prefix("store-gateway-zone-"),
    ],
    read_path: &[&[Exact("query-frontend")], &[Exact("querier")]],
    write_path: &[
        &[Exact("distributor")],
        &[Exact("ingester"), Prefix("ingester-zone-")],
    ],
    write_entry: Some(&[Exact("distributor")]),
    write_zones: &[Prefix("ingester-zone-")],
    store_gateways: &[Exact("store-gateway"), Prefix("store-gateway-zone-")],
    ruler: Some("ruler"),
    remote_evaluation: &[
        "ruler-query-frontend",
        "ruler-querier",
        "ruler-query-scheduler",
    ],
    zone_prerequisites: &[
        &[Prefix("ingester-zone-")],
        &[Prefix("store-gateway-zone-")],
    ],
    roles: &[
        (Role::Read, MS_READ),
        (Role::Write, MS_WRITE),
        (Role::Backend, MS_BACKEND),
    ],
    extra_object_fields: &[],
};

/// Mimir's read-write mode.
pub const READ_WRITE: WorkloadSet = WorkloadSet {
    mode: Mode::ReadWrite,
    workloads: &[
        Exact("mimir-read"),
        Prefix("mimir-write-zone-"),
        Prefix("mimir-backend-zone-"),
    ],
    read_path: &[&[Exact("mimir-read")]],
    write_path: &[&[Prefix("mimir-write-zone-")]],
    write_entry: None,
    write_zones: &[Prefix("mimir-write-zone-")],
    store_gateways: &[Prefix("mimir-backend-zone-")],
    ruler: None,
    remote_evaluation: &[],
    zone_prerequisites: &[],
    roles: &[
        (Role::Read, &[Exact("mimir-read")]),
        (Role::Write, &[Prefix("mimir-write-zone-")]),
        (Role::Backend, &[Prefix("mimir-backend-zone-")]),
    ],
    extra_object_fields: &[
        "read_scaled_object",
        "mimir_write_service",
        "mimir_write_rollout_pdb",
        "mimir_backend_service",
        "mimir_backend_rollout_pdb",
    ],
};

/// The side a plan decommissions and the side that takes over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sides {
    /// The mode the environment leaves.
    pub old: WorkloadSet,
    /// The mode the environment ends in.
    pub new: WorkloadSet,
}

impl Sides {
    /// Both sides, old first.
    pub fn both(&self) -> [&WorkloadSet; 2] {
        [&self.old, &self.new]
    }
}

impl WorkloadSet {
    /// The role of workload `name` in this mode, if it belongs to it.
    pub fn role_of(&self, name: &str) -> Option<Role> {
        self.roles
            .iter()
            .find(|(_, g)| group_matches(g, name))
            .map(|(r, _)| *r)
    }

    /// The workloads of `role` in this mode.
    pub fn role_group(&self, role: Role) -> Option<Group> {
        self.roles.iter().find(|(r, _)| *r == role).map(|(_, g)| *g)
    }

    /// Whether `name` is a workload of this mode.
    pub fn owns(&self, name: &str) -> bool {
        group_matches(self.workloads, name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_needs_a_suffix() {
        assert!(Prefix("ingester-zone-").matches("ingester-zone-a"));
        assert!(!Prefix("ingester-zone-").matches("ingester-zone-"));
        assert!(!Prefix("ingester-zone-").matches("ingester"));
    }

    #[test]
    fn reverse_swaps_sides() {
        let s = Direction::ToMicroservices.sides();
        assert_eq!(s.old.mode, Mode::ReadWrite);
        assert_eq!(s.new.mode, Mode::Microservices);
        assert_eq!(MICROSERVICES.role_of("ingester-zone-b"), Some(Role::Write));
        assert_eq!(
            READ_WRITE.role_of("mimir-backend-zone-c"),
            Some(Role::Backend)
        );
        assert_eq!(MICROSERVICES.role_of("alertmanager"), None);
    }
}
