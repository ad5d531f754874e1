//! Before rendering a plan: where the environment stands and whether it has what the plan
//! needs ([`crate::plan::assess`]), read from the environment's `_config`.

use serde_json::Value;

use crate::plan::EnvProbe;
use crate::plan::{ConfigRead, Params, Plan, PlanError, Prerequisite, Verdict};
use crate::render::Renderer;
use crate::steps::RendererProbe;

/// Assess `plan` (followed from step `from`, when given) on the environment behind `renderer`.
/// Reading a key whose value fails to evaluate (e.g. a library default that is an `error`)
/// counts as the key being unset; the error itself is not shown.
pub fn assess(renderer: &Renderer, plan: &Plan, from: Option<&str>) -> Verdict {
    let mut probe = RendererProbe::new(renderer);
    let mut read = |key: &str| -> ConfigRead {
        match probe.config(key) {
            Ok(Some(value)) => ConfigRead::Value(value),
            Ok(None) => ConfigRead::Missing,
            Err(e) => ConfigRead::Fails(e.to_string()),
        }
    };
    crate::plan::assess(plan, from, &mut read)
}

/// The prerequisite plans of `plan` on the environment behind `renderer`
/// ([`crate::plan::prerequisites`]).
pub fn prerequisites(
    renderer: &Renderer,
    plan: &Plan,
    params: &Params,
) -> Result<Vec<Prerequisite>, PlanError> {
    let mut probe = RendererProbe::new(renderer);
    let mut read = |key: &str| -> ConfigRead {
        match probe.config(key) {
            Ok(Some(value)) => ConfigRead::Value(value),
            Ok(None) => ConfigRead::Missing,
            Err(e) => ConfigRead::Fails(e.to_string()),
        }
    };
    crate::plan::prerequisites(plan, params, &mut read)
}

/// The environment's `_config.deployment_mode`, when it has one (Mimir-like environments).
pub fn deployment_mode(renderer: &Renderer) -> Option<String> {
    let mut probe = RendererProbe::new(renderer);
    match probe.config("deployment_mode") {
        Ok(Some(Value::String(mode))) => Some(mode),
        _ => None,
    }
}
