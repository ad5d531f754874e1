//! The step-2 spec comparison: each microservice workload's `.spec` against its read-write
//! counterpart, as the procedure's optional double-check suggests (`../shared/procedure.md`,
//! "Spec comparison pairs"), in process instead of 23 `kubectl get` + `yq` commands.
//!
//! [`compare_env`] renders the environment after step 2 of an adapted plan (migration mode,
//! read-write components at zero) and [`compare`] compares the [`pairs`]. Each spec is
//! [normalized](normalize::normalize) first: fields that differ by construction (names,
//! labels, selectors, claim names, replicas, arg and port order) are removed or rewritten; the
//! list is [`IGNORED`] and every report prints it. The result holds, per pair, a unified diff
//! of the normalized YAML ([`crate::yaml::to_yaml_v2`]) and which [`Aspect`]s differ.
//!
//! ```no_run
//! # fn main() -> tkstep::Result<()> {
//! use tkstep::{OpenOptions, Renderer, compare, plan::{Params, Plan}, steps};
//! let renderer = Renderer::open("environments/mimir".as_ref(), &OpenOptions::default())?;
//! let params = Params::default();
//! let adapted = steps::adapt_plan(&renderer, &Plan::to_read_write(&params), &params)?;
//! let comparison = compare::compare_env(&renderer, &adapted)?;
//! print!("{}", comparison.to_text());
//! # Ok(()) }
//! ```

mod normalize;
mod pairs;
mod report;

use std::collections::BTreeSet;

use serde::Serialize;

pub use normalize::{Aspect, IGNORED, Ignored, normalize};
pub use pairs::{Pair, Path, Workload, pairs};

use crate::Result;
use crate::manifest::Manifest;
use crate::plan::AdaptedPlan;
use crate::render::Renderer;
use crate::steps;

/// The step whose render is compared.
pub const COMPARE_STEP: &str = "2";

/// Lines of context around each change in the per-pair diffs.
const CONTEXT: usize = 3;

/// How one pair compared.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Outcome {
    /// One side (or both) is not rendered in this environment at this step (e.g. no ruler
    /// remote evaluation: no ruler-querier).
    NotRendered {
        /// The missing workloads, as `Kind/name`.
        missing: Vec<String>,
    },
    /// Both sides were compared.
    Compared {
        /// The aspects that differ (empty: identical after normalization).
        differs: Vec<Aspect>,
        /// Args only the microservice has.
        args_only_microservice: Vec<String>,
        /// Args only the read-write workload has.
        args_only_read_write: Vec<String>,
        /// Unified diff of the normalized YAML (empty when identical).
        diff: String,
    },
}

/// One pair and how it compared.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairResult {
    /// The pair.
    #[serde(flatten)]
    pub pair: Pair,
    /// The outcome.
    #[serde(flatten)]
    pub outcome: Outcome,
}

impl PairResult {
    /// Whether `aspect` differs (false when not rendered).
    pub fn differs_in(&self, aspect: Aspect) -> bool {
        matches!(&self.outcome, Outcome::Compared { differs, .. } if differs.contains(&aspect))
    }
}

/// The result of the comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// The step compared (`2`).
    pub step: String,
    /// Its name (`deploy-rw-at-zero`).
    pub step_name: String,
    /// The fields ignored or rewritten before comparing.
    pub ignored: &'static [Ignored],
    /// One entry per pair, in the procedure's order.
    pub pairs: Vec<PairResult>,
}

fn find<'a>(manifests: &'a [Manifest], w: &Workload) -> Option<&'a Manifest> {
    manifests
        .iter()
        .find(|m| m.kind() == w.kind && m.name() == w.name)
}

/// Compare one pair in `manifests`.
pub fn compare_pair(manifests: &[Manifest], pair: &Pair) -> PairResult {
    let ms = find(manifests, &pair.microservice);
    let rw = find(manifests, &pair.read_write);
    let (ms, rw) = match (ms, rw) {
        (Some(ms), Some(rw)) => (ms, rw),
        (ms, rw) => {
            let missing = [(ms, &pair.microservice), (rw, &pair.read_write)]
                .into_iter()
                .filter(|(m, _)| m.is_none())
                .map(|(_, w)| w.kind_name())
                .collect();
            return PairResult {
                pair: pair.clone(),
                outcome: Outcome::NotRendered { missing },
            };
        }
    };
    let left = normalize(&ms.0);
    let right = normalize(&rw.0);
    let differs = Aspect::ALL
        .into_iter()
        .filter(|a| normalize::project(&left, *a) != normalize::project(&right, *a))
        .collect();
    let left_args: BTreeSet<String> = normalize::args(&left).into_iter().collect();
    let right_args: BTreeSet<String> = normalize::args(&right).into_iter().collect();
    let left_yaml = crate::yaml::to_yaml_v2(&left);
    let right_yaml = crate::yaml::to_yaml_v2(&right);
    let diff = crate::diff::unified_hunks(
        &left_yaml,
        &right_yaml,
        &format!("{} .spec", pair.microservice.kind_name()),
        &format!("{} .spec", pair.read_write.kind_name()),
        CONTEXT,
    );
    PairResult {
        pair: pair.clone(),
        outcome: Outcome::Compared {
            differs,
            args_only_microservice: left_args.difference(&right_args).cloned().collect(),
            args_only_read_write: right_args.difference(&left_args).cloned().collect(),
            diff,
        },
    }
}

/// Compare every pair for `zones` in `manifests` (the render of step `step`).
pub fn compare(
    manifests: &[Manifest],
    zones: &[String],
    step: &str,
    step_name: &str,
) -> Comparison {
    Comparison {
        step: step.to_string(),
        step_name: step_name.to_string(),
        ignored: IGNORED,
        pairs: pairs(zones)
            .iter()
            .map(|p| compare_pair(manifests, p))
            .collect(),
    }
}

/// Render step [`COMPARE_STEP`] of `plan` and compare every pair for the plan's zones.
pub fn compare_env(renderer: &Renderer, plan: &AdaptedPlan) -> Result<Comparison> {
    let manifests = steps::render_step(renderer, plan, COMPARE_STEP)?;
    let index = plan.index_of(COMPARE_STEP)?;
    let name = &plan.plan.steps[index].name;
    Ok(compare(&manifests, &plan.params.zones, COMPARE_STEP, name))
}
