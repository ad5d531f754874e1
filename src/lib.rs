//! # tkstep
//!
//! Render a [Grafana Tanka](https://tanka.dev) environment the way `tk show` does, then apply a
//! sequence of Jsonnet overlays (one per step of a staged change) and show what every step does
//! to the rendered Kubernetes manifests.
//!
//! Data flows one way through the modules: each one imports only modules listed above it.
//!
//! ```text
//! yaml      go-yaml v2/v3-compatible YAML for JSON values (tk show's output)
//! env       find the project root, base dir and jpath; spec.json; inline environments
//! eval      jrsonnet with Tanka's natives: evaluate an environment, an overlay, a snippet
//! manifest  extract objects, default namespaces, Tanka's order, -t targets
//! render    Renderer: env + eval + manifest, opened once, rendered many times
//! mimir     the Mimir deployment modes: which workloads play which role (Direction, Sides)
//! plan      plans (built-in, files, reverse), cumulative states; adapt a plan to an env
//! overlay   the Jsonnet of each config step's cumulative overlay (files, README)
//! diff      step-to-step object diffs, summaries, replica timeline
//! check     safety rules over rendered steps (findings, exit code)
//! steps     PlanRun: adapt a plan through a Renderer, render every step (threads), diff, check
//! preflight which plan from where: prerequisites, standing, --from, resuming an imported overlay
//! compare   step 2's spec comparison
//! runbook   the operator's runbook (Markdown, HTML, JSON)
//! output    safe writes into repositories;  export  tk export-style folders of every step
//! repo      every environment under a directory, in one budget of threads
//! ```
//!
//! The crate is a library first; the `tkstep` binary is a thin shell over it.
//!
//! # Embedding
//!
//! Open an environment, pick a plan, render every step, and look at the manifests, the diffs
//! and the checks (a longer version: `examples/embed.rs`):
//!
//! ```
//! use tkstep::diff::DiffOptions;
//! use tkstep::plan::{Params, Plan, TO_READ_WRITE};
//! use tkstep::steps::PlanRun;
//! use tkstep::{OpenOptions, Renderer};
//!
//! let env = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/project/environments/mimir-minimal");
//! let renderer = Renderer::open(env.as_ref(), &OpenOptions::default())?;
//! let params = Params::default();
//! let plan = Plan::builtin(TO_READ_WRITE, &params)?;
//! let run = PlanRun::new(&renderer, &plan, &params)?; // adapt the plan, render every step
//!
//! let diffs = run.diffs(&DiffOptions::new());
//! for (step, diff) in run.steps.iter().skip(1).zip(&diffs) {
//!     println!("{}: {} objects, {}", step.label, step.manifests.len(), diff.summary());
//! }
//! assert_eq!(run.steps[0].manifests.len(), 29); // before any step
//! assert!(diffs.iter().any(|d| d.has_changes()));
//! print!("{}", run.timeline().render());
//! for finding in &run.check().findings {
//!     println!("step {}: [{}] {}", finding.step, finding.rule.id(), finding.reason);
//! }
//! # Ok::<(), tkstep::Error>(())
//! ```
//!
//! [`repo`] runs the same on every environment under a directory, in parallel.
#![warn(missing_docs)]

pub mod check;
pub mod compare;
pub mod diff;
pub mod env;
pub mod error;
pub mod escape;
pub mod eval;
pub mod export;
mod go_quote;
pub mod gotemplate;
mod input;
pub mod manifest;
pub mod mimir;
pub mod output;
pub mod overlay;
pub mod plan;
pub mod preflight;
pub mod render;
pub mod repo;
pub mod runbook;
pub mod steps;
pub mod tk_export;
pub mod yaml;

pub use check::Finding;
pub use diff::StepDiff;
pub use error::{Error, Result};
pub use eval::Overlay;
pub use plan::{Params, Plan, Step};
pub use render::{OpenOptions, Renderer};
pub use steps::PlanRun;

/// The README's Rust examples, compiled as doctests so that they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
