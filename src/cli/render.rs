//! `tkstep render`: print an environment's manifests like `tk show`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use tkstep::{OpenOptions, Renderer, manifest};

use super::{EXIT_OK, output};

/// Output format of rendered manifests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A YAML stream byte-identical to `tk show`.
    Yaml,
    /// A JSON array of the manifests.
    Json,
}

/// Print an environment's Kubernetes manifests exactly as `tk show` would.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  tkstep render testdata/project/environments/mimir-microservices\n  tkstep render testdata/project/environments/inline --name inline-prod --format json")]
pub struct RenderArgs {
    /// The environment: its directory, its main.jsonnet, or a path inside it.
    pub env: PathBuf,
    /// Inline environments: select the one whose name contains this (exact match wins).
    #[arg(long)]
    pub name: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Yaml)]
    pub format: Format,
}

/// Run `tkstep render`.
pub fn run(args: &RenderArgs) -> anyhow::Result<u8> {
    let renderer = Renderer::open(
        &args.env,
        &OpenOptions {
            name: args.name.clone(),
        },
    )?;
    let manifests = renderer.render(None)?;
    let text = match args.format {
        Format::Yaml => manifest::to_yaml_stream(&manifests),
        Format::Json => manifest::to_json_array(&manifests),
    };
    output::print(&text)?;
    Ok(EXIT_OK)
}
