//! Parameters the environment decides, and which plan to follow.

use serde_json::Value;

use super::RendererProbe;
use crate::Result;
use crate::plan::{EnvProbe, Params, Plan, PlanSource, TO_MICROSERVICES};
use crate::render::Renderer;

/// `params` with what the environment decides filled in: the reverse plan's zone replica
/// totals ([`Params::ingester_replicas`], [`Params::store_gateway_replicas`]) default to the
/// read-write side's current capacity, `_config.mimir_write_replicas` and
/// `_config.mimir_backend_replicas` (library defaults included). Values already set are kept;
/// a key that is missing or not a positive whole number leaves the parameter unset.
pub fn resolve_params(renderer: &Renderer, params: &Params) -> Result<Params> {
    let mut probe = RendererProbe::new(renderer);
    let mut out = params.clone();
    let mut read = |key: &str| -> Result<Option<u32>> {
        Ok(probe
            .config(key)?
            .as_ref()
            .and_then(Value::as_u64)
            .filter(|n| *n > 0)
            .and_then(|n| u32::try_from(n).ok()))
    };
    if out.ingester_replicas.is_none() {
        out.ingester_replicas = read("mimir_write_replicas")?;
    }
    if out.store_gateway_replicas.is_none() {
        out.store_gateway_replicas = read("mimir_backend_replicas")?;
    }
    Ok(out)
}

/// The plan to follow and its parameters, for the environment behind `renderer` if given.
///
/// A built-in plan is built from `params`; the reverse plan ([`TO_MICROSERVICES`]) first takes
/// the parameters left to the environment from it ([`resolve_params`]), so that every
/// environment of a repository gets its own replica totals. A plan file or a plan already
/// built is followed as written.
pub fn select_plan(
    source: &PlanSource,
    params: &Params,
    renderer: Option<&Renderer>,
) -> Result<(Plan, Params)> {
    Ok(match source {
        PlanSource::File(path) => (Plan::from_file(path)?, params.clone()),
        PlanSource::Plan(plan) => (plan.clone(), params.clone()),
        PlanSource::Builtin(name) => {
            let params = match renderer {
                Some(renderer) if name == TO_MICROSERVICES => resolve_params(renderer, params)?,
                _ => params.clone(),
            };
            (Plan::builtin(name, &params)?, params)
        }
    })
}
