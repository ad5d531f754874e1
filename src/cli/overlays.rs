//! `tkstep overlays`: write each config step's cumulative overlay file and a README.

use std::path::PathBuf;

use clap::Args;
use tkstep::output::{self, DirMode, FileSet, WriteOptions};
use tkstep::overlay;

use super::common::{EnvArgs, PlanArgs};
use super::{Exit, files};

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
    /// Replace files of the set that already exist (regular files only; their modes are kept).
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub plan: PlanArgs,
}

/// Run `tkstep overlays`.
pub fn run(args: &OverlaysArgs) -> anyhow::Result<Exit> {
    let (_, plan) = args.plan.adapted(args.env.open()?)?;
    let mut set: FileSet = overlay::files(&plan)
        .into_iter()
        .map(|f| (PathBuf::from(f.file_name), f.code.into_bytes()))
        .collect();
    let env_display = args.env.env.display().to_string();
    set.insert(
        PathBuf::from("README.md"),
        overlay::readme(&plan, &env_display).into_bytes(),
    );
    let opts = WriteOptions::new(DirMode::Merge).force(args.force);
    let written = output::write_dir(&args.out, &set, &opts)?;
    files::report_stale(&written);
    files::report_files(&written.files);
    Ok(Exit::Ok)
}
