//! `tkstep overlays`: write each config step's cumulative overlay file and a README.

use std::path::PathBuf;

use clap::Args;
use tkstep::overlay;

use super::common::{EnvArgs, PlanArgs};
use super::{EXIT_OK, files};

/// Write the cumulative overlay of every config step (`NN-<id>-<name>.libsonnet`) and a README
/// telling how to wire one into main.jsonnet.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tkstep overlays testdata/project/environments/mimir-microservices --out migration/")]
pub struct OverlaysArgs {
    #[command(flatten)]
    pub env: EnvArgs,
    /// Directory to write the files into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Overwrite files that already exist.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub plan: PlanArgs,
}

/// Run `tkstep overlays`.
pub fn run(args: &OverlaysArgs) -> anyhow::Result<u8> {
    let renderer = args.env.open()?;
    let plan = args.plan.adapted(&renderer)?;
    let mut out: Vec<(PathBuf, String)> = overlay::files(&plan)
        .into_iter()
        .map(|f| (args.out.join(&f.file_name), f.code))
        .collect();
    let env_display = args.env.env.display().to_string();
    out.push((
        args.out.join("README.md"),
        overlay::readme(&plan, &env_display),
    ));
    let written = files::write_all(&out, args.force)?;
    for path in &written {
        eprintln!("wrote {}", path.display());
    }
    Ok(EXIT_OK)
}
