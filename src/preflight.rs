//! Before rendering a plan: which plan to follow, from where, and whether the environment is
//! ready for it ([`prepare`]), read from the environment's `_config` and imports.
//!
//! [`prepare`] chains prerequisite plans ([`crate::plan::prerequisites`]), classifies where the
//! environment stands ([`crate::plan::assess`]), follows `--from STEP`, and resumes a plan on
//! its own when the environment imports an overlay file tkstep wrote for it (see
//! [`imported_overlays`]).
//!
//! **Resuming.** An environment part-way through a plan imports the overlay of the step it has
//! reached (e.g. `migration.libsonnet`, a copy of `05-3.1-scale-up-read.libsonnet`, whose first
//! line names the plan and the step). Stacking the next overlay on top of it would keep what
//! later steps remove, so the environment is opened again with that file read as `{}` (the
//! environment before the plan), the whole plan is adapted to it, and only the steps after the
//! imported one are followed, starting from its cumulative state ([`Plan::resume_after`]): each
//! step renders exactly what importing its own overlay in place of the file gives.

use std::path::PathBuf;

use serde_json::Value;

use crate::Result;
use crate::overlay::{self, Header};
use crate::plan::EnvProbe;
use crate::plan::{
    ConfigRead, Params, Plan, PlanError, PlanSource, Prerequisite, Verdict, prerequisite_plans,
};
use crate::render::Renderer;
use crate::steps::{RendererProbe, select_plan};

/// Assess `plan` (followed from step `from`, when given) on the environment behind `renderer`.
/// Reading a key whose value fails to evaluate (e.g. a library default that is an `error`)
/// counts as the key being unset; the error itself is not shown.
pub fn assess(renderer: &Renderer, plan: &Plan, from: Option<&str>) -> Verdict {
    let mut probe = RendererProbe::new(renderer);
    crate::plan::assess(plan, from, &mut reader(&mut probe))
}

/// The prerequisite plans of `plan` on the environment behind `renderer`
/// ([`crate::plan::prerequisites`]).
pub fn prerequisites(
    renderer: &Renderer,
    plan: &Plan,
    params: &Params,
) -> Result<Vec<Prerequisite>, PlanError> {
    let mut probe = RendererProbe::new(renderer);
    crate::plan::prerequisites(plan, params, &mut reader(&mut probe))
}

/// A `_config` reader over `probe`.
fn reader<'a>(probe: &'a mut RendererProbe<'_>) -> impl FnMut(&str) -> ConfigRead + 'a {
    move |key: &str| match probe.config(key) {
        Ok(Some(value)) => ConfigRead::Value(value),
        Ok(None) => ConfigRead::Missing,
        Err(e) => ConfigRead::Fails(e.to_string()),
    }
}

/// The environment's `_config.deployment_mode`, when it has one (Mimir-like environments).
pub fn deployment_mode(renderer: &Renderer) -> Option<String> {
    let mut probe = RendererProbe::new(renderer);
    match probe.config("deployment_mode") {
        Ok(Some(Value::String(mode))) => Some(mode),
        _ => None,
    }
}

/// An overlay file tkstep wrote that the environment imports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedOverlay {
    /// The file, as imported.
    pub path: PathBuf,
    /// What its first line says: the plan and the step.
    pub header: Header,
}

/// The overlay files tkstep wrote among the files the environment's evaluations read so far
/// (their first line is an overlay header, see [`overlay::parse_header`]). Evaluate the
/// environment's `_config` first: imports are read when they are first used.
pub fn imported_overlays(renderer: &Renderer) -> Vec<ImportedOverlay> {
    renderer
        .loaded_files()
        .into_iter()
        .filter_map(|(path, first)| {
            let header = overlay::parse_header(&first)?;
            Some(ImportedOverlay { path, header })
        })
        .collect()
}

/// How [`prepare`] chooses where to start.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct FollowOptions {
    /// The step the environment has reached (`--from`): it is taken as it is as the state
    /// after that step, and the remaining steps are followed.
    pub from: Option<String>,
    /// Do not chain prerequisite plans (`--no-prerequisites`).
    pub no_prerequisites: bool,
}

impl FollowOptions {
    /// Start from step `from` (see [`FollowOptions::from`]).
    pub fn from(mut self, from: Option<String>) -> Self {
        self.from = from;
        self
    }

    /// Chain prerequisite plans or not (see [`FollowOptions::no_prerequisites`]).
    pub fn no_prerequisites(mut self, no: bool) -> Self {
        self.no_prerequisites = no;
        self
    }
}

/// The plan to follow, ready to render.
#[derive(Debug)]
pub struct Follow {
    /// The environment to render: the one given, or, when the plan resumes after an imported
    /// overlay, the same environment with that file read as `{}`.
    pub renderer: Option<Renderer>,
    /// The plan (prerequisites chained in front, remaining steps only with `--from`, marked
    /// with [`Plan::resume_after`] when it resumes).
    pub plan: Plan,
    /// Its parameters (with what the environment decides filled in, see [`select_plan`]).
    pub params: Params,
    /// What to tell the user before the output (e.g. that the plan resumes, and why).
    pub notes: Vec<String>,
}

/// What [`prepare`] decided.
#[derive(Debug)]
pub enum Preparation {
    /// Follow this plan.
    Follow(Box<Follow>),
    /// The environment is already where the plan leads: nothing to render (exit 0).
    Done(String),
    /// Do not render: the message says why and what to do (exit 1).
    Stop(String),
}

/// Decide which plan to follow on the environment behind `renderer`, from where, and whether
/// the environment is ready for it:
/// - an environment importing an overlay tkstep wrote for the plan (or for a prerequisite of
///   it) resumes after that overlay's step (see the module docs), unless `--from` names
///   another step;
/// - a built-in plan gets its prerequisites chained in front (unless
///   [`FollowOptions::no_prerequisites`] or `--from`);
/// - the environment is classified ([`crate::plan::assess`]): done, part-way without `--from`,
///   or lacking a `_config` value the plan needs stop here with one message;
/// - with `--from STEP`, only the steps after it remain.
pub fn prepare(
    renderer: &Renderer,
    source: &PlanSource,
    params: &Params,
    options: &FollowOptions,
) -> Result<Preparation> {
    // Reading `_config` evaluates the imports that set it.
    let _ = deployment_mode(renderer);
    let imported = imported_overlays(renderer);
    let resumable = resumable_names(source, params, options)?;
    let ours: Vec<&ImportedOverlay> = imported
        .iter()
        .filter(|o| resumable.contains(&o.header.plan))
        .collect();
    let mut notes = Vec::new();
    match ours.as_slice() {
        [] => {}
        [one] => return resume(renderer, source, params, options, one),
        several => {
            let files: Vec<String> = several.iter().map(|o| describe(o)).collect();
            return Ok(Preparation::Stop(format!(
                "the environment imports {} overlays tkstep wrote: {}. Each overlay holds every \
                 step up to its own: import only the latest one (replace, do not stack)",
                several.len(),
                files.join("; ")
            )));
        }
    }
    for other in &imported {
        notes.push(format!(
            "the environment imports {}, which does not belong to this plan: it is taken as \
             part of the environment",
            describe(other)
        ));
    }
    let (plan, params) = select_plan(source, params, Some(renderer))?;
    let plan = if chains(source, options) {
        crate::plan::chain(&prerequisites(renderer, &plan, &params)?, &plan)
    } else {
        plan
    };
    match assess(renderer, &plan, options.from.as_deref()) {
        Verdict::Proceed => {}
        Verdict::Done(message) => return Ok(Preparation::Done(message)),
        Verdict::Stop(message) => return Ok(Preparation::Stop(message)),
    }
    let plan = match &options.from {
        None => plan,
        Some(from) => {
            let rest = crate::plan::remaining_after(&plan, from)?;
            if !changes_anything(&rest) {
                return Ok(Preparation::Done(format!(
                    "nothing left to do: no step after {from} of plan {} changes the environment",
                    plan.name
                )));
            }
            rest
        }
    };
    Ok(Preparation::Follow(Box::new(Follow {
        renderer: None,
        plan,
        params,
        notes,
    })))
}

/// Whether any step of `plan` changes the environment (a config step).
fn changes_anything(plan: &Plan) -> bool {
    plan.steps.iter().any(|s| s.is_config())
}

/// Whether prerequisite plans are chained in front of the plan.
fn chains(source: &PlanSource, options: &FollowOptions) -> bool {
    matches!(source, PlanSource::Builtin(_)) && !options.no_prerequisites && options.from.is_none()
}

/// The plans whose overlays resume the plan of `source`: itself, and the prerequisites it may
/// chain.
fn resumable_names(
    source: &PlanSource,
    params: &Params,
    options: &FollowOptions,
) -> Result<Vec<String>> {
    let name = match source {
        PlanSource::Builtin(name) => name.clone(),
        PlanSource::Plan(plan) => plan.name.clone(),
        _ => select_plan(source, params, None)?.0.name,
    };
    let mut names = Vec::new();
    if matches!(source, PlanSource::Builtin(_)) && !options.no_prerequisites {
        names.extend(prerequisite_plans(&name).iter().map(|p| p.to_string()));
    }
    names.push(name);
    Ok(names)
}

/// `migration.libsonnet (tkstep's overlay for step 3.1 of plan to-read-write)`.
fn describe(o: &ImportedOverlay) -> String {
    format!(
        "{} (tkstep's overlay for step {} of plan {})",
        o.path.display(),
        o.header.step,
        o.header.plan
    )
}

/// Resume the plan after the step of the overlay `imported` (see the module docs).
fn resume(
    renderer: &Renderer,
    source: &PlanSource,
    params: &Params,
    options: &FollowOptions,
    imported: &ImportedOverlay,
) -> Result<Preparation> {
    let neutral = renderer.with_substitute(&imported.path, "{}")?;
    let (plan, params) = select_plan(source, params, Some(&neutral))?;
    let prerequisites = if options.no_prerequisites || !matches!(source, PlanSource::Builtin(_)) {
        Vec::new()
    } else {
        prerequisites(&neutral, &plan, &params)?
    };
    // The overlay's step as the chained plan names it.
    let header = &imported.header;
    let step = if header.plan == plan.name {
        header.step.clone()
    } else {
        format!("{}.{}", crate::plan::step_prefix(&header.plan), header.step)
    };
    let mut plan = crate::plan::chain(&prerequisites, &plan);
    if plan.index_of(&step).is_err() {
        let known: Vec<&str> = plan.steps.iter().map(|s| s.id.as_str()).collect();
        return Ok(Preparation::Stop(format!(
            "the environment imports {}, but plan {} as it applies to this environment has no \
             step {step} (steps: {}); import the overlay of a step of this plan, or remove the \
             import",
            describe(imported),
            plan.name,
            known.join(", ")
        )));
    }
    if let Some(from) = &options.from
        && *from != step
    {
        return Ok(Preparation::Stop(format!(
            "--from {from} disagrees with the environment, which imports {}: leave out --from \
             (tkstep then follows the steps after {step}), or import the overlay of step {from}",
            describe(imported)
        )));
    }
    match assess(&neutral, &plan, None) {
        Verdict::Stop(message) => return Ok(Preparation::Stop(message)),
        Verdict::Proceed | Verdict::Done(_) => {}
    }
    if !changes_anything(&crate::plan::remaining_after(&plan, &step)?) {
        return Ok(Preparation::Done(format!(
            "nothing left to do: the environment imports {}, the last step of the plan that \
             changes it",
            describe(imported)
        )));
    }
    plan.resume_after = Some(step.clone());
    let notes = vec![format!(
        "the environment imports {}: following the steps after {step} (as --from {step}), each \
         rendered with its own overlay in place of that file",
        describe(imported)
    )];
    Ok(Preparation::Follow(Box::new(Follow {
        renderer: Some(neutral),
        plan,
        params,
        notes,
    })))
}
