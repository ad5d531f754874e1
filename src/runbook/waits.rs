//! Waits computed from the rendered flags (the plan's [`Wait::computed_from`]).

use serde::Serialize;

use crate::manifest::Manifest;
use crate::plan::{FlagTerm, Wait, WaitDuration};

/// Where a [`ResolvedTerm`]'s value came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "from", rename_all = "lowercase")]
pub enum Source {
    /// Read from the container args of these workloads (the largest value counts).
    Rendered {
        /// `name=value` per workload carrying the flag.
        values: Vec<String>,
    },
    /// No matching workload sets the flag: the flag's default.
    Default {
        /// The matching workloads that were looked at (empty: none rendered).
        looked_at: Vec<String>,
        /// Values found that are not durations (ignored).
        unreadable: Vec<String>,
    },
}

/// One term of a computed wait, resolved on rendered manifests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResolvedTerm {
    /// The term as in the plan.
    pub term: FlagTerm,
    /// The flag's value used (rendered or default).
    pub value: WaitDuration,
    /// Where the value came from.
    pub source: Source,
    /// `factor` × `value`.
    pub contribution: WaitDuration,
}

/// A wait with its duration known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResolvedWait {
    /// Why the wait is needed.
    pub reason: String,
    /// The computed terms (empty for a fixed wait).
    pub terms: Vec<ResolvedTerm>,
    /// The wait: the largest contribution, or the fixed duration.
    pub duration: Option<WaitDuration>,
}

/// Parse a Go duration (`12h`, `1h30m0s`, `1.5h`, `500ms`), rounding up to whole seconds.
pub fn parse_go_duration(text: &str) -> Option<WaitDuration> {
    let text = text.trim().trim_matches('"');
    if text == "0" {
        return Some(WaitDuration(0));
    }
    let mut rest = text;
    let mut nanos: f64 = 0.0;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let (unit, len) = [
            ("ns", 1.0),
            ("us", 1e3),
            ("µs", 1e3),
            ("ms", 1e6),
            ("s", 1e9),
            ("m", 60e9),
            ("h", 3600e9),
        ]
        .iter()
        .find(|(u, _)| rest.starts_with(u))
        .map(|(u, f)| (*f, u.len()))?;
        nanos += number * unit;
        rest = &rest[len..];
    }
    Some(WaitDuration((nanos / 1e9).ceil() as u64))
}

fn matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => pattern == name,
    }
}

/// The value of `-<flag>=` in the args of `m`'s containers.
fn flag_values(m: &Manifest, flag: &str) -> Vec<String> {
    let prefix = format!("-{flag}=");
    let containers =
        m.0.get("spec")
            .and_then(|s| s.pointer("/template/spec/containers"))
            .and_then(|c| c.as_array());
    containers
        .into_iter()
        .flatten()
        .filter_map(|c| c.get("args").and_then(|a| a.as_array()))
        .flatten()
        .filter_map(|a| a.as_str())
        .filter_map(|a| {
            a.strip_prefix(&prefix)
                .or_else(|| a.strip_prefix(&format!("-{prefix}")))
        })
        .map(str::to_string)
        .collect()
}

/// Resolve one term on `manifests`.
pub fn resolve_term(term: &FlagTerm, manifests: &[Manifest]) -> ResolvedTerm {
    let workloads: Vec<&Manifest> = manifests
        .iter()
        .filter(|m| matches!(m.kind(), "Deployment" | "StatefulSet"))
        .filter(|m| term.read_from.iter().any(|p| matches(p, m.name())))
        .collect();
    let mut values = Vec::new();
    let mut unreadable = Vec::new();
    let mut best: Option<WaitDuration> = None;
    for m in &workloads {
        for raw in flag_values(m, &term.flag) {
            match parse_go_duration(&raw) {
                Some(d) => {
                    best = best.max(Some(d));
                    values.push(format!("{}={raw}", m.name()));
                }
                None => unreadable.push(format!("{}={raw}", m.name())),
            }
        }
    }
    let (value, source) = match best {
        Some(d) => (d, Source::Rendered { values }),
        None => (
            term.default,
            Source::Default {
                looked_at: workloads.iter().map(|m| m.name().to_string()).collect(),
                unreadable,
            },
        ),
    };
    ResolvedTerm {
        term: term.clone(),
        value,
        source,
        contribution: WaitDuration(value.0.saturating_mul(u64::from(term.factor))),
    }
}

/// Resolve `wait` on `manifests` (the state the wait happens in).
pub fn resolve(wait: &Wait, manifests: &[Manifest]) -> ResolvedWait {
    let terms: Vec<ResolvedTerm> = wait
        .computed_from
        .iter()
        .map(|t| resolve_term(t, manifests))
        .collect();
    let duration = if terms.is_empty() {
        wait.duration
    } else {
        terms.iter().map(|t| t.contribution).max()
    };
    ResolvedWait {
        reason: wait.reason.clone(),
        terms,
        duration,
    }
}

impl ResolvedTerm {
    /// E.g. `2 × -compactor.cleanup-interval = 2 × 15m = 30m (compactor=15m, mimir-backend-zone-a=15m)`
    /// or `-querier.query-store-after = 12h (default; not set on querier)`.
    pub fn explain(&self) -> String {
        let value = if self.term.factor == 1 {
            format!("-{} = {}", self.term.flag, self.value)
        } else {
            format!(
                "{} × -{} = {} × {} = {}",
                self.term.factor, self.term.flag, self.term.factor, self.value, self.contribution
            )
        };
        let source = match &self.source {
            Source::Rendered { values } => format!("rendered: {}", values.join(", ")),
            Source::Default {
                looked_at,
                unreadable,
            } => {
                let mut s = if looked_at.is_empty() {
                    format!("default; no {} rendered", self.term.read_from.join(" or "))
                } else {
                    format!("default; not set on {}", looked_at.join(", "))
                };
                if !unreadable.is_empty() {
                    s.push_str(&format!("; unreadable: {}", unreadable.join(", ")));
                }
                s
            }
        };
        format!("{value} ({source})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deployment(name: &str, args: &[&str]) -> Manifest {
        let v = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
            "spec": {"template": {"spec": {"containers": [{"name": "c", "args": args}]}}}});
        Manifest::new(v.as_object().unwrap().clone())
    }

    #[test]
    fn go_durations() {
        assert_eq!(parse_go_duration("12h"), Some(WaitDuration::hours(12)));
        assert_eq!(parse_go_duration("1h30m0s"), Some(WaitDuration(5400)));
        assert_eq!(parse_go_duration("1.5h"), Some(WaitDuration(5400)));
        assert_eq!(parse_go_duration("500ms"), Some(WaitDuration(1)));
        assert_eq!(parse_go_duration("0"), Some(WaitDuration(0)));
        assert_eq!(parse_go_duration("12"), None);
        assert_eq!(parse_go_duration("2d"), None);
        assert_eq!(parse_go_duration(""), None);
    }

    #[test]
    fn largest_term_wins_and_defaults_fill_in() {
        let wait = Wait {
            reason: "r".into(),
            duration: None,
            computed_from: vec![
                FlagTerm {
                    flag: "querier.query-store-after".into(),
                    factor: 1,
                    default: WaitDuration::hours(12),
                    read_from: vec!["querier".into(), "mimir-read".into()],
                },
                FlagTerm {
                    flag: "compactor.cleanup-interval".into(),
                    factor: 2,
                    default: WaitDuration::minutes(15),
                    read_from: vec!["compactor".into(), "mimir-backend-zone-*".into()],
                },
            ],
        };
        let manifests = [
            deployment("querier", &["-querier.query-store-after=6h"]),
            deployment("mimir-read", &["-querier.query-store-after=4h"]),
            deployment("mimir-backend-zone-a", &["-compactor.cleanup-interval=4h"]),
        ];
        let resolved = resolve(&wait, &manifests);
        assert_eq!(resolved.duration, Some(WaitDuration::hours(8)));
        assert_eq!(resolved.terms[0].value, WaitDuration::hours(6));
        assert_eq!(
            resolved.terms[1].explain(),
            "2 × -compactor.cleanup-interval = 2 × 4h = 8h (rendered: mimir-backend-zone-a=4h)"
        );
        let resolved = resolve(&wait, &[deployment("querier", &[])]);
        assert_eq!(resolved.duration, Some(WaitDuration::hours(12)));
        assert_eq!(
            resolved.terms[0].explain(),
            "-querier.query-store-after = 12h (default; not set on querier)"
        );
    }
}
