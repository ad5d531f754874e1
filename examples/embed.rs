//! Embedding tkstep as a library: open an environment, pick a built-in plan, adapt it to the
//! environment, render every step, and print each step's object count, what it changes, and
//! the replica timeline.
//!
//! ```sh
//! cargo run --example embed -- testdata/project/environments/mimir-microservices
//! cargo run --example embed -- testdata/repo/environments/clusters mimir-cluster-b
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use tkstep::diff::DiffOptions;
use tkstep::plan::{Params, Plan, TO_READ_WRITE};
use tkstep::steps::PlanRun;
use tkstep::{OpenOptions, Renderer};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next().map(PathBuf::from) else {
        eprintln!("usage: embed <ENV> [INLINE-ENV-NAME]");
        return ExitCode::from(2);
    };
    match run(path, args.next()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(path: PathBuf, name: Option<String>) -> tkstep::Result<()> {
    // 1. Open the environment (static, or one inline environment selected by name).
    let renderer = Renderer::open(
        &path,
        &OpenOptions {
            name,
            ..OpenOptions::default()
        },
    )?;
    println!("environment {}", renderer.environment().name());

    // 2. Pick a plan: the built-in microservices -> read-write migration, default parameters.
    let params = Params::default();
    let plan = Plan::builtin(TO_READ_WRITE, &params)?;

    // 3. Adapt the plan to the environment and render the state after every config step.
    let run = PlanRun::new(&renderer, &plan, &params)?;
    for adaptation in &run.plan.adaptations {
        println!("step {}: {}", adaptation.step, adaptation.message);
    }

    // 4. Iterate the steps: manifests, and the diff against the state before.
    let diffs = run.diffs(&DiffOptions::new());
    println!("{:<32} {:>7}  changes", "step", "objects");
    println!(
        "{:<32} {:>7}",
        run.steps[0].label,
        run.steps[0].manifests.len()
    );
    for (step, diff) in run.steps.iter().skip(1).zip(&diffs) {
        println!(
            "{:<32} {:>7}  {}",
            step.label,
            step.manifests.len(),
            diff.summary()
        );
        for change in diff.objects().changes() {
            println!("    {} {}", change.change, change.id);
        }
    }

    // 5. The replicas of every workload at every step, and the safety checks.
    println!("\n{}", run.timeline().render());
    let findings = run.check();
    let summary = findings.summary();
    println!(
        "checks: {} error(s), {} warning(s), {} note(s)",
        summary.errors, summary.warnings, summary.info
    );
    Ok(())
}
