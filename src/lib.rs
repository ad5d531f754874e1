//! # tkstep
//!
//! Render a [Grafana Tanka](https://tanka.dev) environment the way `tk show` does, then apply a
//! sequence of Jsonnet overlays (one per step of a staged change) and show what every step does
//! to the rendered Kubernetes manifests.
//!
//! Data flows one way through the modules:
//!
//! ```text
//! env (find root/base/jpath, spec.json)  ->  eval (jrsonnet + Tanka natives, overlays)
//!   ->  manifest (extract, namespace, sort; YAML like tk show)  ->  diff / check  ->  output
//! ```
//!
//! The crate is a library first; the `tkstep` binary is a thin shell over it.
#![warn(missing_docs)]

pub mod check;
pub mod diff;
pub mod env;
pub mod error;
pub mod eval;
pub mod export;
pub mod manifest;
pub mod overlay;
pub mod plan;
pub mod render;
pub mod repo;
pub mod steps;
pub mod yaml;

pub use error::{Error, Result};
pub use eval::Overlay;
pub use render::{OpenOptions, Renderer};
