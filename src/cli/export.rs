//! `tkstep export`: one folder per step, one file per object, as `tk export` writes them.

use std::path::PathBuf;

use clap::Args;
use tkstep::export::{self, StepOutput};
use tkstep::steps::PlanRun;

use super::common::{EnvArgs, PlanArgs};
use super::{EXIT_OK, files, output};

/// Exit code of `export --check` when the files on disk differ from a fresh export.
pub const EXIT_DRIFT: u8 = 16;

/// Write the rendered manifests of every step for review in git and CI: `00-before/`,
/// `01-zone-awareness/`, …, `NN-final/`, one `tk export`-style file per object.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tkstep export testdata/project/environments/mimir-microservices --out steps/
  tkstep export testdata/project/environments/mimir-microservices --out steps/ --check

Exit codes: 0 success, 16 when --check finds drift, 1 error.")]
pub struct ExportArgs {
    #[command(flatten)]
    pub env: EnvArgs,
    /// Output directory: must not exist or be empty (it is never overwritten).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Compare the files in --out with a fresh export and list drift; writes nothing.
    #[arg(long)]
    pub check: bool,
    #[command(flatten)]
    pub plan: PlanArgs,
}

/// Run `tkstep export`.
pub fn run(args: &ExportArgs) -> anyhow::Result<u8> {
    let renderer = args.env.open()?;
    let (plan, params) = args.plan.select(Some(&renderer))?;
    let run = PlanRun::new(&renderer, &plan, &params)?;
    super::duplicates::warn_steps(&run.steps);
    let outputs: Vec<StepOutput<'_>> = run
        .steps
        .iter()
        .map(|s| StepOutput {
            folder: s.label.clone(),
            manifests: &s.manifests,
        })
        .collect();
    if args.check {
        let drift = export::check(&args.out, &outputs)?;
        if drift.is_clean() {
            eprintln!("{} is up to date.", args.out.display());
            return Ok(EXIT_OK);
        }
        let mut listing = String::new();
        for (what, paths) in [
            ("missing", &drift.missing),
            ("changed", &drift.changed),
            ("extra", &drift.extra),
        ] {
            for path in paths {
                listing.push_str(&format!("{what}: {}\n", path.display()));
            }
        }
        output::print(&listing)?;
        eprintln!(
            "{} differs from a fresh export ({} missing, {} changed, {} extra).",
            args.out.display(),
            drift.missing.len(),
            drift.changed.len(),
            drift.extra.len()
        );
        return Ok(EXIT_DRIFT);
    }
    let written = export::write(&args.out, &outputs)?;
    files::report_stale(&written);
    eprintln!(
        "wrote {} files in {} step folders to {}",
        written.files.len(),
        outputs.len(),
        args.out.display()
    );
    Ok(EXIT_OK)
}
