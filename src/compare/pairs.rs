//! The pairs of the step-2 spec comparison (`../shared/procedure.md`, "Spec comparison pairs").

use serde::Serialize;

/// The path a pair belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Path {
    /// Write path: distributor and ingesters ↔ mimir-write.
    Write,
    /// Read path: query-frontend and queriers ↔ mimir-read.
    Read,
    /// Backend: store-gateways, compactor, schedulers, ruler, overrides-exporter ↔ mimir-backend.
    Backend,
}

impl Path {
    /// `write`, `read` or `backend`.
    pub fn as_str(self) -> &'static str {
        match self {
            Path::Write => "write",
            Path::Read => "read",
            Path::Backend => "backend",
        }
    }
}

/// One workload reference: kind and name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Workload {
    /// `Deployment` or `StatefulSet`.
    pub kind: String,
    /// `metadata.name`.
    pub name: String,
}

impl Workload {
    fn new(kind: &str, name: impl Into<String>) -> Self {
        Self {
            kind: kind.to_string(),
            name: name.into(),
        }
    }

    /// `Kind/name`.
    pub fn kind_name(&self) -> String {
        format!("{}/{}", self.kind, self.name)
    }
}

/// A microservice workload and its read-write counterpart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pair {
    /// The path.
    pub path: Path,
    /// The microservice workload (left side of the diff).
    pub microservice: Workload,
    /// The read-write workload (right side of the diff).
    pub read_write: Workload,
}

const DEPLOYMENT: &str = "Deployment";
const STATEFUL_SET: &str = "StatefulSet";

/// The comparison pairs for the given ingester/store-gateway zones, in the procedure's order:
/// 16 pairs for zones `a`, `b`, `c` (the seed's 16 `diff` commands: 4 write, 4 read, 8 backend). The first zone is the one the zone-less microservices
/// (distributor, overrides-exporter, schedulers, ruler, compactor) are compared with.
pub fn pairs(zones: &[String]) -> Vec<Pair> {
    let mut out = Vec::new();
    let Some(first) = zones.first() else {
        return out;
    };
    let pair = |path, ms: Workload, rw: Workload| Pair {
        path,
        microservice: ms,
        read_write: rw,
    };
    let write = |z: &str| Workload::new(STATEFUL_SET, format!("mimir-write-zone-{z}"));
    let backend = |z: &str| Workload::new(STATEFUL_SET, format!("mimir-backend-zone-{z}"));
    let read = || Workload::new(DEPLOYMENT, "mimir-read");

    out.push(pair(
        Path::Write,
        Workload::new(DEPLOYMENT, "distributor"),
        write(first),
    ));
    for z in zones {
        out.push(pair(
            Path::Write,
            Workload::new(STATEFUL_SET, format!("ingester-zone-{z}")),
            write(z),
        ));
    }
    for name in [
        "query-frontend",
        "querier",
        "ruler-query-frontend",
        "ruler-querier",
    ] {
        out.push(pair(Path::Read, Workload::new(DEPLOYMENT, name), read()));
    }
    for name in [
        "overrides-exporter",
        "query-scheduler",
        "ruler-query-scheduler",
        "ruler",
    ] {
        out.push(pair(
            Path::Backend,
            Workload::new(DEPLOYMENT, name),
            backend(first),
        ));
    }
    out.push(pair(
        Path::Backend,
        Workload::new(STATEFUL_SET, "compactor"),
        backend(first),
    ));
    for z in zones {
        out.push(pair(
            Path::Backend,
            Workload::new(STATEFUL_SET, format!("store-gateway-zone-{z}")),
            backend(z),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixteen_pairs_for_three_zones() {
        let zones: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let all = pairs(&zones);
        assert_eq!(all.len(), 16);
        assert_eq!(all[0].microservice.name, "distributor");
        assert_eq!(all[0].read_write.name, "mimir-write-zone-a");
        assert_eq!(all[15].microservice.name, "store-gateway-zone-c");
        assert_eq!(all[15].read_write.name, "mimir-backend-zone-c");
        assert_eq!(all.iter().filter(|p| p.path == Path::Read).count(), 4);
        assert!(pairs(&[]).is_empty());
    }
}
