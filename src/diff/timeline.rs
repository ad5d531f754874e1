//! The replica timeline: how many replicas every workload has at every step.

use super::fields::{str_at, value_at};
use crate::manifest::Manifest;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

const DEPLOYMENT: &str = "Deployment";
const STATEFUL_SET: &str = "StatefulSet";
const SCALED_OBJECT: &str = "ScaledObject";
const KEDA_API: &str = "keda.sh/v1alpha1";

/// Replica count of a workload (or range of an autoscaler) at one step.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum Cell {
    /// The object does not exist at this step. Shown as `-`.
    Absent,
    /// `spec.replicas` as rendered (normally an integer). Shown as the number.
    Replicas {
        /// The rendered value.
        replicas: Value,
    },
    /// No `spec.replicas` and no autoscaler: Kubernetes runs 1 replica. Shown as `(1)`.
    Default {
        /// Always 1.
        replicas: u64,
    },
    /// Scaled by a KEDA ScaledObject with this range. Shown as `min-max` or `auto`.
    Autoscaled {
        /// `spec.minReplicaCount`, if set.
        min: Option<Value>,
        /// `spec.maxReplicaCount`, if set.
        max: Option<Value>,
    },
}

fn fmt_value(v: &Value) -> String {
    match v {
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => i.to_string(),
            (None, Some(f)) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
            _ => n.to_string(),
        },
        other => other.to_string(),
    }
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cell::Absent => f.write_str("-"),
            Cell::Replicas { replicas } => f.write_str(&fmt_value(replicas)),
            Cell::Default { replicas } => write!(f, "({replicas})"),
            Cell::Autoscaled {
                min: None,
                max: None,
            } => f.write_str("auto"),
            Cell::Autoscaled { min, max } => {
                let min = min.as_ref().map_or("(0)".to_owned(), fmt_value);
                let max = max.as_ref().map_or("(100)".to_owned(), fmt_value);
                write!(f, "{min}-{max}")
            }
        }
    }
}

/// One row of the timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelineRow {
    /// `Deployment`, `StatefulSet` or `ScaledObject`.
    pub kind: String,
    /// `metadata.name`.
    pub name: String,
    /// One cell per step.
    pub cells: Vec<Cell>,
}

/// Replicas of every workload across steps.
///
/// One row per workload (`Deployment` and `StatefulSet`, keyed by kind and name), then one row
/// per KEDA `ScaledObject` (`keda.sh/v1alpha1`); one column per step. Rows are ordered
/// Deployments, StatefulSets, ScaledObjects (the order Tanka sorts these kinds in), each by name
/// (byte order). Namespaces are not part of the key: an environment renders into one namespace;
/// if a step holds the same kind and name twice, the first occurrence counts.
///
/// A cell ([`Cell`]) is, for a workload:
/// - `3` — `spec.replicas` as rendered ([`Cell::Replicas`]);
/// - `3-30` — no `spec.replicas`, and a ScaledObject of the same namespace targets it
///   (`spec.scaleTargetRef.name`, with `scaleTargetRef.kind` defaulting to `Deployment` as in
///   KEDA): its `spec.minReplicaCount`-`spec.maxReplicaCount` ([`Cell::Autoscaled`]);
/// - `(1)` — no `spec.replicas` and no autoscaler: Kubernetes' default of 1 ([`Cell::Default`]);
/// - `-` — the object does not exist at that step ([`Cell::Absent`]).
///
/// A ScaledObject's own row shows its range (`3-30`) or `-`. In a range, a missing
/// `minReplicaCount` shows KEDA's default as `(0)` and a missing `maxReplicaCount` as `(100)`;
/// with both missing the cell reads `auto`. A `spec.replicas` that is set while an autoscaler
/// targets the workload is shown as the number (the ScaledObject row shows the range).
///
/// [`Timeline::render`] gives an aligned text table (first column `Kind/name`, then one
/// right-aligned column per step label); the type is `Serialize` for JSON output:
/// `{"steps": [...], "rows": [{"kind", "name", "cells": [{"state": "replicas", "replicas": 3},
/// {"state": "autoscaled", "min": 3, "max": 30}, {"state": "default", "replicas": 1},
/// {"state": "absent"}]}]}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Timeline {
    /// Step labels, one per column.
    pub steps: Vec<String>,
    /// Rows in display order.
    pub rows: Vec<TimelineRow>,
}

fn kind_rank(kind: &str) -> usize {
    match kind {
        DEPLOYMENT => 0,
        STATEFUL_SET => 1,
        _ => 2,
    }
}

fn non_null(v: Option<&Value>) -> Option<Value> {
    v.filter(|v| !v.is_null()).cloned()
}

/// The cells of one step, keyed by (kind, name).
fn step_cells(manifests: &[Manifest]) -> HashMap<(String, String), Cell> {
    // Autoscaler ranges by (namespace, target kind, target name).
    let mut targets: HashMap<(String, String, String), Cell> = HashMap::new();
    let mut cells = HashMap::new();
    for m in manifests {
        let id = m.id();
        if id.kind != SCALED_OBJECT || id.api_version != KEDA_API {
            continue;
        }
        let range = Cell::Autoscaled {
            min: non_null(value_at(&m.0, &["spec", "minReplicaCount"])),
            max: non_null(value_at(&m.0, &["spec", "maxReplicaCount"])),
        };
        if let Some(target) = str_at(&m.0, &["spec", "scaleTargetRef", "name"]) {
            let kind = str_at(&m.0, &["spec", "scaleTargetRef", "kind"]).unwrap_or(DEPLOYMENT);
            targets
                .entry((id.namespace.clone(), kind.to_owned(), target.to_owned()))
                .or_insert_with(|| range.clone());
        }
        cells.entry((id.kind, id.name)).or_insert(range);
    }
    for m in manifests {
        let id = m.id();
        if id.kind != DEPLOYMENT && id.kind != STATEFUL_SET {
            continue;
        }
        let cell = match non_null(value_at(&m.0, &["spec", "replicas"])) {
            Some(replicas) => Cell::Replicas { replicas },
            None => targets
                .get(&(id.namespace.clone(), id.kind.clone(), id.name.clone()))
                .cloned()
                .unwrap_or(Cell::Default { replicas: 1 }),
        };
        cells.entry((id.kind, id.name)).or_insert(cell);
    }
    cells
}

impl Timeline {
    /// Build the timeline of an ordered list of `(step label, manifests)`.
    pub fn build<'a, S: Into<String>>(
        steps: impl IntoIterator<Item = (S, &'a [Manifest])>,
    ) -> Timeline {
        let mut labels = Vec::new();
        let mut per_step = Vec::new();
        for (label, manifests) in steps {
            labels.push(label.into());
            per_step.push(step_cells(manifests));
        }
        let mut rows: BTreeMap<(usize, String, String), Vec<Cell>> = BTreeMap::new();
        for (i, cells) in per_step.iter().enumerate() {
            for ((kind, name), cell) in cells {
                let key = (kind_rank(kind), name.clone(), kind.clone());
                rows.entry(key)
                    .or_insert_with(|| vec![Cell::Absent; labels.len()])[i] = cell.clone();
            }
        }
        Timeline {
            steps: labels,
            rows: rows
                .into_iter()
                .map(|((_, name, kind), cells)| TimelineRow { kind, name, cells })
                .collect(),
        }
    }

    /// The row of the workload (or ScaledObject) `kind`/`name`, if any step holds it.
    pub fn row(&self, kind: &str, name: &str) -> Option<&TimelineRow> {
        self.rows.iter().find(|r| r.kind == kind && r.name == name)
    }

    /// The aligned text table: a header line (`workload` and the step labels), then one line
    /// per row (`Kind/name` left-aligned, cells right-aligned under their label), columns
    /// separated by two spaces, every line ending in `\n`, no trailing spaces.
    pub fn render(&self) -> String {
        let mut table: Vec<Vec<String>> = Vec::with_capacity(self.rows.len() + 1);
        table.push(
            std::iter::once("workload".to_owned())
                .chain(self.steps.iter().cloned())
                .collect(),
        );
        for row in &self.rows {
            table.push(
                std::iter::once(format!("{}/{}", row.kind, row.name))
                    .chain(row.cells.iter().map(Cell::to_string))
                    .collect(),
            );
        }
        let columns = self.steps.len() + 1;
        let widths: Vec<usize> = (0..columns)
            .map(|c| {
                table
                    .iter()
                    .map(|r| r.get(c).map_or(0, |s| s.chars().count()))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut out = String::new();
        for row in &table {
            let mut line = String::new();
            for (c, cell) in row.iter().enumerate() {
                let w = widths[c];
                if c == 0 {
                    line.push_str(&format!("{cell:<w$}"));
                } else {
                    line.push_str(&format!("  {cell:>w$}"));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

impl fmt::Display for Timeline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cell_text() {
        assert_eq!(Cell::Absent.to_string(), "-");
        assert_eq!(
            Cell::Replicas {
                replicas: json!(3.0)
            }
            .to_string(),
            "3"
        );
        assert_eq!(
            Cell::Replicas {
                replicas: json!("3")
            }
            .to_string(),
            "\"3\""
        );
        assert_eq!(Cell::Default { replicas: 1 }.to_string(), "(1)");
        let auto = |min, max| Cell::Autoscaled { min, max }.to_string();
        assert_eq!(auto(None, None), "auto");
        assert_eq!(auto(Some(json!(3)), Some(json!(30))), "3-30");
        assert_eq!(auto(None, Some(json!(30))), "(0)-30");
        assert_eq!(auto(Some(json!(2)), None), "2-(100)");
    }
}
