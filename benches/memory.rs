//! `cargo bench --bench memory`: does a whole-repository run hold its memory flat?
//!
//! Generates the benchmark corpus (see [`corpus`]: the Mimir-like environment on a Kubernetes
//! library of k8s-libsonnet scale), copies its environment 24 times under `environments/`, and
//! measures peak RSS (wait4) of:
//!
//! - `tkstep check <one copy>`: one environment, the whole built-in plan on every core;
//! - `tkstep check <environments> --recursive -j 2`: all 24, two evaluator threads in all.
//!
//! The target: the recursive run peaks below 3× the single one (memory grows with the
//! number of environments run at once, not with the number of environments). A missed target
//! is printed; it fails the bench only with `TKSTEP_BENCH_ENFORCE=1`.

mod corpus;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};

/// Copies of the environment in the repository.
const COPIES: usize = 24;
/// `peak RSS recursive -j 2 / single check` must stay below this.
const TARGET_RATIO: f64 = 3.0;

fn main() -> ExitCode {
    // `cargo bench <filter>` passes its filter: run only when it names this bench (or none).
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    if args.iter().any(|a| !a.starts_with('-') && a != "memory") {
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("Error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<bool> {
    let checkout = corpus::manifest_dir();
    let tkstep = PathBuf::from(env!("CARGO_BIN_EXE_tkstep"));
    let work = tempfile::Builder::new()
        .prefix("tkstep-bench-memory-")
        .tempdir()
        .context("create a temporary directory")?;
    let generated = corpus::generate(&checkout, &work.path().join("corpus"))
        .context("generate the benchmark corpus")?;
    let envs = generated.root.join("environments");
    let copies = copy_env(&generated.env, &envs.join("copies"))?;
    println!(
        "corpus environment: {}; {COPIES} copies under {}",
        generated.env.display(),
        envs.display()
    );

    let single = measure(Command::new(&tkstep).arg("check").arg(&copies[0]))?;
    let recursive = measure(
        Command::new(&tkstep)
            .args(["check", "--recursive", "-j", "2"])
            .arg(&envs),
    )?;
    let ratio = recursive.peak_kb as f64 / single.peak_kb as f64;
    let met = ratio < TARGET_RATIO;
    println!("| run | wall | peak RSS |");
    println!("|---|---|---|");
    for (what, m) in [
        ("`tkstep check <env>`", &single),
        (
            "`tkstep check <dir> --recursive -j 2` (25 envs)",
            &recursive,
        ),
    ] {
        println!(
            "| {what} | {:.2} s | {:.1} MB |",
            m.wall.as_secs_f64(),
            m.peak_kb as f64 / 1024.0
        );
    }
    println!(
        "\npeak RSS recursive / single: {ratio:.2} (target < {TARGET_RATIO}) {}",
        if met { "met" } else { "MISSED" }
    );
    let enforce = std::env::var("TKSTEP_BENCH_ENFORCE").is_ok_and(|v| v == "1");
    Ok(met || !enforce)
}

/// Copy `env` (its `main.jsonnet` and `spec.json`) to `COPIES` directories under `dir`, each
/// named in its spec.
fn copy_env(env: &Path, dir: &Path) -> Result<Vec<PathBuf>> {
    let main = std::fs::read_to_string(env.join("main.jsonnet"))?;
    let spec = std::fs::read_to_string(env.join("spec.json"))?;
    let mut out = Vec::new();
    for i in 0..COPIES {
        let copy = dir.join(format!("mimir-{i:02}"));
        std::fs::create_dir_all(&copy)?;
        // Imports relative to the environment resolve the same one level deeper: the project's
        // jpath (lib/, vendor/) is found from the project root either way.
        std::fs::write(copy.join("main.jsonnet"), &main)?;
        std::fs::write(
            copy.join("spec.json"),
            spec.replace(
                "environments/mimir-microservices",
                &format!("environments/copies/mimir-{i:02}"),
            ),
        )?;
        out.push(copy);
    }
    Ok(out)
}

/// Wall time and peak RSS of one process.
struct Measured {
    wall: Duration,
    peak_kb: u64,
}

/// Run `command` (output discarded) and read its peak RSS with wait4(2). The plan's checks may
/// find unsafe steps (exit 3) or differences; usage errors and failures (1, 2) are errors.
fn measure(command: &mut Command) -> Result<Measured> {
    let start = Instant::now();
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("spawn {command:?}"))?;
    let pid = libc::pid_t::try_from(child.id())?;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain old data; zeroed is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our own unreaped child; status and usage point to live locals.
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    if reaped != pid {
        bail!("wait4: {}", std::io::Error::last_os_error());
    }
    drop(child);
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    if matches!(code, None | Some(1) | Some(2)) {
        bail!("{command:?} exited with {code:?}");
    }
    Ok(Measured {
        wall,
        peak_kb: u64::try_from(usage.ru_maxrss).unwrap_or(0),
    })
}
