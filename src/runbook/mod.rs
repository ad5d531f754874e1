//! The runbook an operator follows: per step, what to apply and how, what it does to the
//! running workloads, what to check and how long to wait.
//!
//! [`Runbook::build`] takes a [`PlanRun`] (the adapted plan rendered at every config step) and
//! the environment's [`TkTarget`], and works out per step:
//! - the overlay file to put in place ([`crate::overlay::files`]) and the exact `tk diff` /
//!   `tk apply` commands;
//! - which existing Deployments/StatefulSets **roll** (their `spec.template` changes, e.g. step
//!   2 switches the query-scheduler discovery to the ring and restarts the read path), apart
//!   from replica changes (`spec.replicas`, autoscaler ranges) and workloads added or removed;
//! - checks (PromQL, ring pages `/<ring>/ring`), prerequisites and, before a step that scales
//!   an ingester zone to zero, Mimir's ingester shutdown procedure with the zone's pods;
//! - waits, with computed waits resolved from the rendered container args
//!   ([`waits::resolve`]): e.g. between ingester zones the largest of
//!   `-querier.query-store-after`, 2 × `-blocks-storage.bucket-store.sync-interval` and
//!   2 × `-compactor.cleanup-interval`, showing each input;
//! - the safety check findings of the step, and the PVCs removed StatefulSets leave behind
//!   (`<claim>-<statefulset>-<ordinal>`, ordinals up to the most replicas the plan rendered).
//!
//! [`markdown::render`] and [`html::render`] write it out (the HTML is one self-contained file):
//! the layout (order of the sections and their sentences) is written once, in the private
//! `layout` module, against a small document-writer trait each format implements.

pub mod changes;
pub mod html;
mod layout;
pub mod markdown;
pub mod tk;
pub mod waits;

use serde::Serialize;

pub use changes::{LeftoverPvc, MAX_LISTED_ORDINALS, Roll, Scale};
pub use tk::TkTarget;
pub use waits::{ResolvedTerm, ResolvedWait, Source};

use crate::check::{Finding, Rule, Summary};
use crate::diff::{Cell, Counts, DiffOptions, Timeline};
use crate::overlay::{self, MIGRATION_FILE};
use crate::plan::Adaptation;
use crate::plan::{StepCheck, StepKind};
use crate::steps::PlanRun;

/// `1 error`, `2 errors`.
pub(crate) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

impl Roll {
    /// `replicas before: 3`, or for a workload at zero `replicas before: 0, no pods to replace`.
    pub fn replicas_text(&self) -> String {
        if self.replicas == "0" {
            "replicas before: 0, no pods to replace".to_string()
        } else {
            format!("replicas before: {}", self.replicas)
        }
    }
}

/// Where `tkstep overlays` writes the overlay files in the runbook's commands.
pub const OVERLAY_DIR: &str = "migration";

/// The ingester shutdown procedure for one StatefulSet (one zone), done before its step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IngesterShutdown {
    /// The StatefulSet, e.g. `ingester-zone-a`.
    pub statefulset: String,
    /// Its namespace.
    pub namespace: String,
    /// Its pods before the step (`<statefulset>-<ordinal>`).
    pub pods: Vec<String>,
}

/// Object counts of a step's diff (the diff's own [`Counts`]: `added`, `modified`, `removed`).
pub type ObjectCounts = Counts;

/// One step of the runbook.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunbookStep {
    /// Step id, e.g. `5.2`.
    pub id: String,
    /// Step name.
    pub name: String,
    /// Step kind.
    pub kind: StepKind,
    /// What the step does.
    pub description: String,
    /// The overlay file (config steps).
    pub overlay: Option<String>,
    /// The step changes nothing for this environment (its overlay equals the previous one).
    pub nothing_to_do: bool,
    /// Shell commands to apply the step, run from the project root (config steps).
    pub commands: Vec<String>,
    /// What must be true or done first.
    pub prerequisites: Vec<String>,
    /// Ingester shutdown procedures to run before applying.
    pub shutdowns: Vec<IngesterShutdown>,
    /// Object counts of the step's diff (config steps).
    pub objects: Option<ObjectCounts>,
    /// Workloads (`Kind/name`) the step adds.
    pub added: Vec<String>,
    /// Workloads (`Kind/name`) the step removes.
    pub removed: Vec<String>,
    /// Existing workloads whose pods are replaced.
    pub rolls: Vec<Roll>,
    /// Replica / autoscaler changes of workloads present before and after.
    pub scales: Vec<Scale>,
    /// Checks before going on.
    pub checks: Vec<StepCheck>,
    /// Waits before going on.
    pub waits: Vec<ResolvedWait>,
    /// How the plan was adapted to the environment at this step.
    pub adaptations: Vec<Adaptation>,
    /// Safety check findings at this step (PVC findings are in `leftover_pvcs`).
    pub findings: Vec<Finding>,
    /// PVCs left behind by StatefulSets this step removes.
    pub leftover_pvcs: Vec<LeftoverPvc>,
}

/// A runbook for one plan on one environment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Runbook {
    /// Plan name.
    pub plan: String,
    /// Plan description.
    pub description: String,
    /// How `tk` names the environment.
    pub target: TkTarget,
    /// Commands to run once before the first step.
    pub setup: Vec<String>,
    /// Findings about the environment before any step.
    pub before_findings: Vec<Finding>,
    /// The steps, in order.
    pub steps: Vec<RunbookStep>,
    /// Replicas of every workload at every rendered state.
    pub timeline: Timeline,
    /// Counts of the safety check findings.
    pub summary: Summary,
}

impl Runbook {
    /// Build the runbook of `run` for the environment `target`.
    pub fn build(run: &PlanRun, target: &TkTarget) -> Runbook {
        let plan = &run.plan;
        let files = overlay::files(plan);
        let timeline = run.timeline();
        let findings = run.check();
        let env_path = tk::shell_quote(&target.path);
        let setup = vec![
            target.with_name(format!("tkstep overlays {env_path} --out {OVERLAY_DIR}/")),
            format!(
                "# wire {MIGRATION_FILE} into {}/main.jsonnet as {OVERLAY_DIR}/README.md shows",
                target.path
            ),
        ];
        let step_findings = |id: &str| -> Vec<Finding> {
            findings
                .findings
                .iter()
                .filter(|f| f.step == id && f.rule != Rule::LeftoverPvcs)
                .cloned()
                .collect()
        };
        let mut steps = Vec::new();
        for (index, step) in plan.plan.steps.iter().enumerate() {
            let file = files.iter().find(|f| f.step_index == index);
            // Rendered state after this step (config steps), and the one before it.
            let pos = run.steps.iter().position(|s| s.index == Some(index));
            let after_pos = pos.or_else(|| {
                run.steps
                    .iter()
                    .rposition(|s| s.index.is_some_and(|i| i < index))
                    .or(Some(0))
            });
            let after = after_pos.map(|p| run.steps[p].manifests.as_slice());
            let before = pos.and_then(|p| p.checked_sub(1)).map(|p| &run.steps[p]);

            let mut out = RunbookStep {
                id: step.id.clone(),
                name: step.name.clone(),
                kind: step.kind,
                description: step.description.clone(),
                overlay: file.map(|f| f.file_name.clone()),
                nothing_to_do: plan.is_noop(index),
                commands: Vec::new(),
                prerequisites: step.prerequisites.clone(),
                shutdowns: Vec::new(),
                objects: None,
                added: Vec::new(),
                removed: Vec::new(),
                rolls: Vec::new(),
                scales: Vec::new(),
                checks: step.checks.clone(),
                waits: step
                    .waits
                    .iter()
                    .map(|w| waits::resolve(w, after.unwrap_or(&[])))
                    .collect(),
                adaptations: plan.adaptations_of(&step.id).cloned().collect(),
                findings: step_findings(&step.id),
                leftover_pvcs: Vec::new(),
            };
            if let (Some(file), Some(p), Some(prev)) = (file, pos, before) {
                let now = &run.steps[p].manifests;
                out.commands = vec![
                    format!(
                        "cp {OVERLAY_DIR}/{} {env_path}/{MIGRATION_FILE}",
                        tk::shell_quote(&file.file_name)
                    ),
                    target.diff(),
                    target.apply(),
                ];
                out.objects = Some(
                    DiffOptions::new()
                        .diff_objects(&prev.manifests, now)
                        .counts(),
                );
                let replicas = |kind: &str, name: &str| {
                    timeline
                        .row(kind, name)
                        .and_then(|r| r.cells.get(p - 1))
                        .map_or_else(|| "?".to_string(), ToString::to_string)
                };
                out.rolls = changes::rolls(&prev.manifests, now, &replicas);
                for s in changes::scales(&timeline, p - 1, p) {
                    let id = format!("{}/{}", s.kind, s.name);
                    match (s.from.as_str(), s.to.as_str()) {
                        ("-", _) => out.added.push(id),
                        (_, "-") => out.removed.push(id),
                        _ => out.scales.push(s),
                    }
                }
                out.leftover_pvcs = changes::leftover_pvcs(&prev.manifests, now, &timeline);
                out.shutdowns = shutdowns(step, &prev.manifests, &timeline, p - 1);
            }
            steps.push(out);
        }
        Runbook {
            plan: plan.plan.name.clone(),
            description: match &plan.base {
                Some(base) => format!(
                    "{} The environment already stands after step {} (it imports that step's \
                     overlay): this runbook covers the steps after it.",
                    plan.plan.description, base.after
                ),
                None => plan.plan.description.clone(),
            },
            target: target.clone(),
            setup,
            before_findings: step_findings("before"),
            steps,
            timeline,
            summary: findings.summary(),
        }
    }

    /// The runbook as pretty JSON.
    pub fn to_json(&self) -> serde_json::Result<String> {
        serde_json::to_string_pretty(self)
    }
}

/// Ingester shutdown procedures for the ingester StatefulSets `step` scales to zero.
fn shutdowns(
    step: &crate::plan::Step,
    before: &[crate::manifest::Manifest],
    timeline: &Timeline,
    column: usize,
) -> Vec<IngesterShutdown> {
    step.change
        .overrides
        .iter()
        .filter(|o| {
            o.replicas == 0
                && o.kind == crate::plan::WorkloadKind::StatefulSet
                && (o.object.starts_with("ingester") || o.object.starts_with("mimir-write"))
        })
        .map(|o| {
            let namespace = before
                .iter()
                .find(|m| m.kind() == "StatefulSet" && m.name() == o.object)
                .map(|m| m.namespace().to_string())
                .unwrap_or_default();
            let replicas = timeline
                .row("StatefulSet", &o.object)
                .and_then(|r| r.cells.get(column))
                .map_or(0, |c| match c {
                    Cell::Replicas { replicas } => replicas.as_u64().unwrap_or(0),
                    Cell::Default { replicas } => *replicas,
                    _ => 0,
                });
            IngesterShutdown {
                statefulset: o.object.clone(),
                namespace,
                pods: (0..replicas).map(|i| format!("{}-{i}", o.object)).collect(),
            }
        })
        .collect()
}
