//! The plan model: a [`Plan`] is an ordered list of [`Step`]s; each config step carries a
//! [`Change`], the *delta* it makes to the Jsonnet overlay. The cumulative overlay state after
//! any step is computed from the deltas (see [`crate::plan::State`]), so deleting or reordering a
//! step changes the plan the way a reader expects.
//!
//! Everything here is `serde` (de)serializable: plan files use the same model, and
//! `tkstep plan --json` prints the steps as `[{id, name, kind, description, …}]`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::OrderedMap;
use crate::mimir::Direction;

/// A staged change of an environment: an ordered list of steps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Plan name, e.g. `to-read-write`.
    pub name: String,
    /// What the plan does, in one or two sentences.
    #[serde(default)]
    pub description: String,
    /// Which way the plan migrates, for the checks. `None`: inferred from the last
    /// `deployment_mode` a step sets (see [`Plan::direction`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    /// The steps, in the order they are applied.
    pub steps: Vec<Step>,
    /// Set when the environment already stands after this step through an overlay tkstep wrote
    /// for the plan (the preflight module decides so): the environment is then opened with
    /// that overlay read as `{}`, the whole plan is adapted to it, and only the steps after
    /// this one are followed, starting from its cumulative state ([`AdaptedPlan::base`]).
    /// Never part of a plan file.
    ///
    /// [`AdaptedPlan::base`]: crate::plan::AdaptedPlan::base
    #[serde(skip)]
    pub resume_after: Option<String>,
}

impl Plan {
    /// Which way the plan migrates: the `direction` field when set,
    /// otherwise [`Direction::ToMicroservices`] when the last `deployment_mode` a step sets is
    /// `'microservices'`, else [`Direction::ToReadWrite`].
    pub fn direction(&self) -> Direction {
        if let Some(direction) = self.direction {
            return direction;
        }
        let last_mode = self.steps.iter().rev().find_map(|s| {
            s.change
                .config
                .get("deployment_mode")
                .and_then(Value::as_str)
        });
        match last_mode {
            Some("microservices") => Direction::ToMicroservices,
            _ => Direction::ToReadWrite,
        }
    }
}

/// One step of a [`Plan`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Step id as in the procedure, e.g. `3.1` or `7.2a`.
    pub id: String,
    /// Step name (a slug), e.g. `scale-up-read`.
    pub name: String,
    /// The plan the step comes from, when it is not the plan it is in: a prerequisite plan
    /// chained in front (see [`crate::plan::chain`]). `None`: the plan itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    /// What kind of step this is. Only [`StepKind::Config`] steps change Jsonnet.
    pub kind: StepKind,
    /// What the step does and why.
    #[serde(default)]
    pub description: String,
    /// What must be true (or done by hand) before applying the step.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prerequisites: Vec<String>,
    /// The step's own change to the overlay (a delta; empty for non-config steps).
    #[serde(default, skip_serializing_if = "Change::is_empty")]
    pub change: Change,
    /// What to check after applying the step, before going on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<StepCheck>,
    /// How long to wait after the step, before going on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waits: Vec<Wait>,
}

impl Step {
    /// A new step with no change, checks or waits.
    pub fn new(id: &str, name: &str, kind: StepKind, description: &str) -> Self {
        Self {
            id: id.to_string(),
            name: name.to_string(),
            plan: None,
            kind,
            description: description.to_string(),
            prerequisites: Vec::new(),
            change: Change::default(),
            checks: Vec::new(),
            waits: Vec::new(),
        }
    }

    /// `<id> <name>`, e.g. `3.1 scale-up-read`.
    pub fn title(&self) -> String {
        format!("{} {}", self.id, self.name)
    }

    /// Whether the step changes Jsonnet ([`StepKind::Config`]).
    pub fn is_config(&self) -> bool {
        self.kind == StepKind::Config
    }

    /// Builder: set `_config.<key>` (`null` removes the key from the cumulative state).
    pub fn set(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.change.config.insert(key, value.into());
        self
    }

    /// Builder: patch flag `flag` of the hidden flag map `field`.
    pub fn flag(mut self, field: &str, flag: &str, value: impl Into<Value>) -> Self {
        if !self.change.hidden.contains_key(field) {
            self.change.hidden.insert(field, OrderedMap::new());
        }
        if let Some(flags) = self.change.hidden.get_mut(field) {
            flags.insert(flag, value.into());
        }
        self
    }

    /// Builder: override the replicas of the object held by `field`.
    pub fn replicas(
        mut self,
        field: &str,
        kind: WorkloadKind,
        object: &str,
        replicas: u32,
    ) -> Self {
        self.change.overrides.push(ReplicaOverride {
            field: field.to_string(),
            kind,
            object: object.to_string(),
            replicas,
        });
        self
    }

    /// Builder: add a prerequisite.
    pub fn requires(mut self, text: &str) -> Self {
        self.prerequisites.push(text.to_string());
        self
    }

    /// Builder: add a check.
    pub fn check(mut self, check: StepCheck) -> Self {
        self.checks.push(check);
        self
    }

    /// Builder: add a wait.
    pub fn wait(mut self, wait: Wait) -> Self {
        self.waits.push(wait);
        self
    }
}

impl StepCheck {
    /// A PromQL check.
    pub fn promql(query: &str, expect: &str) -> Self {
        StepCheck::Promql {
            query: query.to_string(),
            expect: expect.to_string(),
        }
    }

    /// A ring check.
    pub fn rings(rings: &[&str], expect: &str) -> Self {
        StepCheck::Ring {
            rings: rings.iter().map(|r| r.to_string()).collect(),
            expect: expect.to_string(),
        }
    }

    /// A manual check.
    pub fn manual(text: &str) -> Self {
        StepCheck::Manual {
            text: text.to_string(),
        }
    }
}

/// The kind of a [`Step`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StepKind {
    /// Changes the environment's Jsonnet (has an overlay file).
    Config,
    /// Something to verify on the running system; no Jsonnet change.
    Verify,
    /// Traffic routing outside the environment (load balancer, ingress); no Jsonnet change.
    Route,
    /// Waiting for something to happen; no Jsonnet change.
    Wait,
}

impl StepKind {
    /// `config`, `verify`, `route` or `wait`.
    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::Config => "config",
            StepKind::Verify => "verify",
            StepKind::Route => "route",
            StepKind::Wait => "wait",
        }
    }
}

impl fmt::Display for StepKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The delta one step makes to the cumulative overlay state.
///
/// Within a step, removals apply before additions, so a step can replace an earlier entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    /// `_config` keys to set. A `null` value **removes** the key from the cumulative state (the
    /// library default applies again); it does not set the key to `null`.
    #[serde(default, skip_serializing_if = "OrderedMap::is_empty")]
    pub config: OrderedMap<Value>,
    /// Patches of hidden top-level flag maps: field (e.g. `store_gateway_args`) → flag → value,
    /// written as `<field>+:: { '<flag>': <value> }`. Flags merge across steps (later wins).
    /// A `null` flag value is kept: in Mimir's flag maps `null` drops the flag.
    #[serde(default, skip_serializing_if = "OrderedMap::is_empty")]
    pub hidden: OrderedMap<OrderedMap<Value>>,
    /// Hidden fields whose earlier patches are dropped from the cumulative state.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove_hidden: Vec<String>,
    /// Replica overrides of rendered objects (one per object field; later wins).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<ReplicaOverride>,
    /// Object fields whose earlier replica override is dropped from the cumulative state.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove_overrides: Vec<String>,
    /// Raw Jsonnet: an object expression added (`+`) after the generated overlay object. It may
    /// use the locals `k`, `deployment` and `statefulSet`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jsonnet: Option<String>,
    /// Ids of earlier steps whose raw Jsonnet is dropped from the cumulative state.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove_jsonnet: Vec<String>,
}

impl Change {
    /// Whether the change does nothing.
    pub fn is_empty(&self) -> bool {
        self.config.is_empty()
            && self.hidden.is_empty()
            && self.remove_hidden.is_empty()
            && self.overrides.is_empty()
            && self.remove_overrides.is_empty()
            && self.jsonnet.is_none()
            && self.remove_jsonnet.is_empty()
    }

    /// The value this change gives `_config.<key>` (`Some(Value::Null)` for a removal).
    pub fn config_value(&self, key: &str) -> Option<&Value> {
        self.config.get(key)
    }
}

/// A replica override of one rendered workload, written as
/// `<field>+: deployment.mixin.spec.withReplicas(<replicas>)` (or `statefulSet.…`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplicaOverride {
    /// The top-level field holding the object, e.g. `query_frontend_deployment`.
    pub field: String,
    /// The object's kind.
    pub kind: WorkloadKind,
    /// The rendered object's `metadata.name`, e.g. `query-frontend`.
    pub object: String,
    /// The replica count to set.
    pub replicas: u32,
}

/// The workload kinds a replica override can target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum WorkloadKind {
    /// `apps/v1` `Deployment`.
    Deployment,
    /// `apps/v1` `StatefulSet`.
    StatefulSet,
}

impl WorkloadKind {
    /// The Kubernetes kind: `Deployment` or `StatefulSet`.
    pub fn as_str(self) -> &'static str {
        match self {
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::StatefulSet => "StatefulSet",
        }
    }

    /// The Jsonnet local the overlay uses for this kind: `deployment` or `statefulSet`.
    pub fn jsonnet_local(self) -> &'static str {
        match self {
            WorkloadKind::Deployment => "deployment",
            WorkloadKind::StatefulSet => "statefulSet",
        }
    }
}

impl fmt::Display for WorkloadKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Something to check on the running system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum StepCheck {
    /// A PromQL query and what its result should show.
    Promql {
        /// The query text.
        query: String,
        /// What the result should show, e.g. `drops to zero`.
        expect: String,
    },
    /// Hash rings to inspect (each on its `/<ring>/ring` status page).
    Ring {
        /// Ring names, e.g. `store-gateway`, `compactor`.
        rings: Vec<String>,
        /// What each ring should show.
        expect: String,
    },
    /// A check done by hand.
    Manual {
        /// What to check.
        text: String,
    },
}

impl fmt::Display for StepCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StepCheck::Promql { query, expect } => write!(f, "PromQL ({expect}): {query}"),
            StepCheck::Ring { rings, expect } => {
                let pages: Vec<String> = rings.iter().map(|r| format!("/{r}/ring")).collect();
                write!(
                    f,
                    "rings {} ({}): {expect}",
                    rings.join(", "),
                    pages.join(", ")
                )
            }
            StepCheck::Manual { text } => f.write_str(text),
        }
    }
}

/// A wait after a step: a fixed duration, or one computed from flags of the rendered workloads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wait {
    /// Why the wait is needed.
    pub reason: String,
    /// A fixed duration (used when `computed_from` is empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<WaitDuration>,
    /// When not empty, the wait is the **largest** of these terms, each read from the rendered
    /// container args (falling back to the flag's default).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub computed_from: Vec<FlagTerm>,
}

impl Wait {
    /// The wait with every flag at its default (or the fixed duration).
    pub fn default_duration(&self) -> Option<WaitDuration> {
        if self.computed_from.is_empty() {
            return self.duration;
        }
        self.computed_from.iter().map(FlagTerm::default_value).max()
    }

    /// How the wait is computed, in words, e.g. `the largest of -querier.query-store-after
    /// (default 12h) and 2 × -compactor.cleanup-interval (default 15m)`, or
    /// `from -blocks-storage.tsdb.block-ranges-period (default 2h)` for one term.
    pub fn computed_from_text(&self) -> Option<String> {
        let terms: Vec<String> = self.computed_from.iter().map(ToString::to_string).collect();
        match terms.as_slice() {
            [] => None,
            [one] => Some(format!("from {one}")),
            [init @ .., last] => Some(format!("the largest of {} and {last}", init.join(", "))),
        }
    }
}

/// `<reason>: <duration> with Mimir's defaults, <how it is computed>`.
impl fmt::Display for Wait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)?;
        match (self.default_duration(), self.computed_from_text()) {
            (Some(d), Some(how)) => write!(f, ": {d} with Mimir's defaults, {how}"),
            (Some(d), None) => write!(f, ": {d}"),
            (None, _) => Ok(()),
        }
    }
}

/// One term of a computed [`Wait`]: `factor` × the value of `-<flag>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlagTerm {
    /// Flag name without the leading dash, e.g. `querier.query-store-after`.
    pub flag: String,
    /// Multiplier.
    #[serde(default = "one")]
    pub factor: u32,
    /// The flag's default value.
    pub default: WaitDuration,
    /// Workloads whose container args carry the flag (microservice and read-write names).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub read_from: Vec<String>,
}

fn one() -> u32 {
    1
}

impl FlagTerm {
    /// `factor` × `default`.
    pub fn default_value(&self) -> WaitDuration {
        WaitDuration(self.default.0.saturating_mul(u64::from(self.factor)))
    }
}

impl fmt::Display for FlagTerm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.factor != 1 {
            write!(f, "{} × ", self.factor)?;
        }
        write!(f, "-{} (default {})", self.flag, self.default)
    }
}

/// A duration in whole seconds, written like Go durations without fractions: `2h`, `1h30m`,
/// `15m`, `90s` (`1m30s` when printed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WaitDuration(pub u64);

impl WaitDuration {
    /// `n` hours.
    pub const fn hours(n: u64) -> Self {
        Self(n * 3600)
    }
    /// `n` minutes.
    pub const fn minutes(n: u64) -> Self {
        Self(n * 60)
    }
    /// The duration in seconds.
    pub fn as_secs(self) -> u64 {
        self.0
    }
}

impl fmt::Display for WaitDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (h, m, s) = (self.0 / 3600, self.0 / 60 % 60, self.0 % 60);
        if self.0 == 0 {
            return f.write_str("0s");
        }
        if h > 0 {
            write!(f, "{h}h")?;
        }
        if m > 0 {
            write!(f, "{m}m")?;
        }
        if s > 0 {
            write!(f, "{s}s")?;
        }
        Ok(())
    }
}

/// Error parsing a [`WaitDuration`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid duration '{0}': expected e.g. 2h, 1h30m, 15m or 90s")]
pub struct ParseDurationError(pub String);

impl FromStr for WaitDuration {
    type Err = ParseDurationError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let err = || ParseDurationError(text.to_string());
        let mut total: u64 = 0;
        let mut digits = String::new();
        let mut any = false;
        for c in text.trim().chars() {
            if c.is_ascii_digit() {
                digits.push(c);
                continue;
            }
            let unit = match c {
                'h' => 3600,
                'm' => 60,
                's' => 1,
                _ => return Err(err()),
            };
            let n: u64 = digits.parse().map_err(|_| err())?;
            total = n
                .checked_mul(unit)
                .and_then(|v| total.checked_add(v))
                .ok_or_else(err)?;
            digits.clear();
            any = true;
        }
        if !digits.is_empty() || !any {
            return Err(err());
        }
        Ok(WaitDuration(total))
    }
}

impl Serialize for WaitDuration {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for WaitDuration {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_and_print() {
        assert_eq!("2h".parse::<WaitDuration>(), Ok(WaitDuration::hours(2)));
        assert_eq!("1h30m".parse::<WaitDuration>(), Ok(WaitDuration(5400)));
        assert_eq!("90s".parse::<WaitDuration>().unwrap().to_string(), "1m30s");
        assert_eq!(WaitDuration::hours(12).to_string(), "12h");
        assert_eq!(WaitDuration(0).to_string(), "0s");
        assert!("".parse::<WaitDuration>().is_err());
        assert!("12".parse::<WaitDuration>().is_err());
        assert!("2d".parse::<WaitDuration>().is_err());
        assert!("h".parse::<WaitDuration>().is_err());
    }

    #[test]
    fn computed_wait_takes_the_largest_default() {
        let term = |flag: &str, factor, default| FlagTerm {
            flag: flag.into(),
            factor,
            default,
            read_from: vec![],
        };
        let wait = Wait {
            reason: "blocks queryable".into(),
            duration: None,
            computed_from: vec![
                term("a", 1, WaitDuration::minutes(30)),
                term("b", 3, WaitDuration::minutes(15)),
            ],
        };
        assert_eq!(wait.default_duration(), Some(WaitDuration::minutes(45)));
        assert_eq!(
            wait.to_string(),
            "blocks queryable: 45m with Mimir's defaults, the largest of -a (default 30m) and 3 × -b \
             (default 15m)"
        );
    }

    #[test]
    fn step_kind_serializes_lowercase() {
        assert_eq!(
            serde_json::to_string(&StepKind::Route).unwrap(),
            "\"route\""
        );
        let kind: StepKind = serde_json::from_str("\"config\"").unwrap();
        assert_eq!(kind, StepKind::Config);
    }
}
