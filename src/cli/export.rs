//! `tkstep export`: one folder per step, one file per object, as `tk export` writes them; or,
//! without a plan (`--plan none`, an environment that is not Mimir-like, `--recursive`),
//! exactly what `tk export` writes for the environment as it is.

use std::path::PathBuf;

use anyhow::bail;
use clap::{Args, ValueEnum};
use tkstep::env::{EnvError, Environment};
use tkstep::export::{self, Drift, StepOutput};
use tkstep::manifest::{Manifest, Targets};
use tkstep::repo;
use tkstep::tk_export::{
    self, DEFAULT_EXTENSION, DEFAULT_FORMAT, EnvExport, ExportOptions, FileNamer, MergeStrategy,
    OutputDir,
};

use super::common::{EnvArgs, PLAN_NONE, PlanArgs, TargetArgs};
use super::{Exit, files, output};

/// `--merge-strategy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MergeArg {
    /// Export into a non-empty directory; a file that exists already is an error.
    FailOnConflicts,
    /// Delete the files manifest.json attributes to the exported environments first.
    ReplaceEnvs,
}

/// Write the rendered manifests of every step for review in git and CI: `00-before/`,
/// `01-zone-awareness/`, …, `NN-final/`, one `tk export`-style file per object. Without a plan
/// (`--plan none`, or an environment that is not Mimir-like) and with `--recursive`: exactly
/// what `tk export DIR ENV` writes.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tkstep export testdata/project/environments/mimir-microservices --out steps/
  tkstep export testdata/project/environments/mimir-microservices --out steps/ --check
  tkstep export testdata/project/environments/plain-app --out out/ \\
      --format '{{.kind}}-{{or .metadata.name .metadata.generateName}}'
  tkstep export testdata/project/environments --recursive --out out/
  tkstep export testdata/project/environments/mimir-minimal --plan none --out out/ \\
      --merge-strategy replace-envs

Exit codes: 0 success, 16 when --check finds drift, 1 error.")]
pub struct ExportArgs {
    #[command(flatten)]
    pub env: EnvArgs,
    /// Output directory: must not exist or be empty (unless --merge-strategy says otherwise).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Compare the files in --out with a fresh export and list drift; writes nothing.
    #[arg(long)]
    pub check: bool,
    /// File names as a Go template with sprig functions and `env`, as `tk export --format`; `/`
    /// in the template text makes folders, `/` in values becomes `-`.
    #[arg(long, value_name = "TEMPLATE", default_value = DEFAULT_FORMAT)]
    pub format: String,
    /// File extension.
    #[arg(long, value_name = "EXT", default_value = DEFAULT_EXTENSION)]
    pub extension: String,
    /// Without a plan: do not read or write manifest.json.
    #[arg(long)]
    pub skip_manifest: bool,
    /// Without a plan: export into a non-empty directory (tk export's strategies).
    #[arg(long, value_enum, value_name = "STRATEGY")]
    pub merge_strategy: Option<MergeArg>,
    /// Deprecated in tk: --merge-strategy fail-on-conflicts.
    #[arg(long, hide = true, conflicts_with = "merge_strategy")]
    pub merge: bool,
    /// With --merge-strategy replace-envs: also delete the files of this environment, which no
    /// longer exists (its entrypoint, e.g. environments/old/main.jsonnet). Repeatable.
    #[arg(long, value_name = "ENTRYPOINT")]
    pub merge_deleted_envs: Vec<String>,
    /// Treat the path as a directory and export every Tanka environment found under it (static
    /// and inline), in parallel, into one output directory with one manifest.json, as
    /// `tk export -r` (no plan). With --name, only environments of exactly that name.
    #[arg(long, short = 'r')]
    pub recursive: bool,
    /// With --recursive: number of environments evaluated at once (default: one per core).
    #[arg(long, short = 'j', value_name = "N", requires = "recursive")]
    pub jobs: Option<usize>,
    /// With --recursive: only environments whose metadata.labels match this Kubernetes label
    /// selector (e.g. `team=mimir`, `tier in (prod,staging)`, `!legacy`), as `tk export -l`.
    #[arg(long, short = 'l', value_name = "SELECTOR", requires = "recursive",
          value_parser = super::common::selector)]
    pub selector: Option<tkstep::env::Selector>,
    #[command(flatten)]
    pub targets: TargetArgs,
    #[command(flatten)]
    pub plan: PlanArgs,
}

impl ExportArgs {
    fn tk_options(&self) -> ExportOptions {
        ExportOptions {
            format: self.format.clone(),
            extension: self.extension.clone(),
            skip_manifest: self.skip_manifest,
            merge_strategy: match self.merge_strategy {
                None if self.merge => MergeStrategy::FailOnConflicts,
                None => MergeStrategy::None,
                Some(MergeArg::FailOnConflicts) => MergeStrategy::FailOnConflicts,
                Some(MergeArg::ReplaceEnvs) => MergeStrategy::ReplaceEnvs,
            },
            merge_deleted_envs: self.merge_deleted_envs.clone(),
        }
    }

    /// The flags that only mean something for `tk export`'s layout.
    fn tk_only_flag(&self) -> Option<&'static str> {
        if self.skip_manifest {
            Some("--skip-manifest")
        } else if self.merge_strategy.is_some() || self.merge {
            Some("--merge-strategy")
        } else if !self.merge_deleted_envs.is_empty() {
            Some("--merge-deleted-envs")
        } else {
            None
        }
    }
}

/// Run `tkstep export`.
pub fn run(args: &ExportArgs) -> anyhow::Result<Exit> {
    let targets = args.targets.compile()?;
    if args.recursive {
        return run_recursive(args, &targets);
    }
    let renderer = args.env.open().inspect_err(|e| {
        if let Some(tkstep::Error::Env(EnvError::MultipleEnvironments { .. })) = e.downcast_ref() {
            eprintln!(
                "Please use --name to export a single environment or --recursive to export \
                 multiple environments."
            );
        }
    })?;
    let without_plan = if args.plan.plan.as_deref() == Some(PLAN_NONE) {
        true
    } else if args.plan.plan_file.is_some() || repo::is_mimir_like(&renderer)? {
        false
    } else {
        eprintln!(
            "The environment is not Mimir-like (no _config.deployment_mode): exporting it as it \
             is, as tk export does."
        );
        true
    };
    if without_plan {
        let mut manifests = renderer.render(None)?;
        manifests.retain(|m| targets.keeps(m));
        let env = renderer.environment();
        let code = finish_tk(
            args,
            &[EnvExport {
                env,
                manifests: &manifests,
            }],
        )?;
        super::exit_with((renderer, manifests));
        return Ok(code);
    }
    if let Some(flag) = args.tk_only_flag() {
        bail!("{flag} only applies without a plan (--plan none, or --recursive)");
    }
    let namer = FileNamer::new(
        &args.format,
        &args.extension,
        tk_export::env_value(renderer.environment()),
    )
    .map_err(|e| anyhow::anyhow!("parsing format: {e}"))?;
    let (_renderer, mut run) = args.plan.run(renderer)?;
    for step in &mut run.steps {
        step.manifests.retain(|m| targets.keeps(m));
    }
    super::duplicates::warn_steps(&run.steps);
    let outputs: Vec<StepOutput<'_>> = run
        .steps
        .iter()
        .map(|s| StepOutput {
            folder: s.label.clone(),
            manifests: &s.manifests,
        })
        .collect();
    let tree = export::files_named(&outputs, &namer)?;
    if args.check {
        return report_drift(args, &export::check_tree(&args.out, &tree)?);
    }
    let written = export::write_tree(&args.out, &tree)?;
    files::report_stale(&written);
    eprintln!(
        "wrote {} files in {} step folders to {}",
        written.files.len(),
        outputs.len(),
        args.out.display()
    );
    Ok(Exit::Ok)
}

/// `tk export`'s layout for `envs`: check it, or write it.
fn finish_tk(args: &ExportArgs, envs: &[EnvExport<'_>]) -> anyhow::Result<Exit> {
    let options = args.tk_options();
    if args.check {
        // What a fresh export into an empty directory holds.
        let nothing = |_: &str| false;
        let fresh = OutputDir {
            path: &args.out,
            empty: true,
            manifest_json: None,
            exists: &nothing,
        };
        let plan = tk_export::plan(&fresh, envs, &options)?;
        let tree = plan
            .write
            .into_iter()
            .map(|(rel, content)| (PathBuf::from(rel), content))
            .collect();
        return report_drift(args, &export::check_tree(&args.out, &tree)?);
    }
    let plan = tk_export::plan_for_dir(&args.out, envs, &options)?;
    for warning in &plan.warnings {
        eprintln!("Warning: {warning}");
    }
    let written = tk_export::write(&args.out, &plan)?;
    files::report_stale(&written);
    let count = written.files.len();
    let objects: usize = envs.iter().map(|e| e.manifests.len()).sum();
    eprintln!(
        "wrote {objects} objects of {} environment(s) to {} ({count} files{})",
        envs.len(),
        args.out.display(),
        if options.skip_manifest {
            ""
        } else {
            ", manifest.json included"
        }
    );
    Ok(Exit::Ok)
}

/// Print the drift listing (stdout) and a summary (stderr); 16 when there is drift.
fn report_drift(args: &ExportArgs, drift: &Drift) -> anyhow::Result<Exit> {
    if drift.is_clean() {
        eprintln!("{} is up to date.", args.out.display());
        return Ok(Exit::Ok);
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
    // The files on disk differ from a fresh export.
    Ok(Exit::Differences)
}

/// `tkstep export DIR --recursive`: every environment under DIR, as `tk export -r`.
fn run_recursive(args: &ExportArgs, targets: &Targets) -> anyhow::Result<Exit> {
    if args.env.has_variables() {
        bail!("external variables and top-level arguments cannot be used with --recursive");
    }
    if args.plan.plan_file.is_some() {
        bail!("--plan-file cannot be used with export --recursive (it exports without a plan)");
    }
    let found = repo::discover(&args.env.env, args.jobs)?;
    let mut errors: Vec<String> = found
        .errors
        .iter()
        .map(|e| format!("- {}:\n {}", e.path, e.error.trim_end()))
        .collect();
    let envs: Vec<_> = found
        .envs
        .into_iter()
        .filter(|e| e.is_selected(args.env.name.as_deref(), args.selector.as_ref()))
        .collect();
    let rendered: Vec<Result<(Environment, Vec<Manifest>), String>> =
        repo::par_map(&envs, args.jobs, |env| {
            let renderer = env.open().map_err(|e| e.to_string())?;
            let mut manifests = renderer.render(None).map_err(|e| e.to_string())?;
            manifests.retain(|m| targets.keeps(m));
            let environment = renderer.environment().clone();
            super::exit_with(renderer);
            Ok((environment, manifests))
        });
    let mut loaded = Vec::new();
    for (env, result) in envs.iter().zip(rendered) {
        match result {
            Ok(pair) => loaded.push(pair),
            Err(e) => errors.push(format!("- {}:\n {}", env.display(), e.trim_end())),
        }
    }
    if !errors.is_empty() {
        bail!(
            "Errors occurred during parallel processing:\n\n{}",
            errors.join("\n\n")
        );
    }
    if loaded.is_empty() {
        eprintln!("No environments found under {}.", args.env.env.display());
    }
    let exports: Vec<EnvExport<'_>> = loaded
        .iter()
        .map(|(env, manifests)| EnvExport { env, manifests })
        .collect();
    let code = finish_tk(args, &exports)?;
    super::exit_with(loaded);
    Ok(code)
}
