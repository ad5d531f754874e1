//! `cargo bench --bench speed`: tkstep against go-jsonnet on the same machine, in the same run.
//!
//! For two environments, the testdata Mimir env (`testdata/project/environments/
//! mimir-microservices`) and the same env on the large generated corpus (see
//! [`corpus`]; k8s-libsonnet scale), it measures:
//!
//! - go-jsonnet: one render (the `evaluate_file` call inside Python only; PyPI `gojsonnet`, the
//!   evaluator Tanka embeds), median of several runs;
//! - `tkstep render <env>` as a process: wall time (median) and peak RSS;
//! - in-process: the first render of a freshly opened environment, and a warm render with a
//!   step overlay on an already used `Renderer`;
//! - the whole plan in-process (adapt, render every config step, diff every step, timeline,
//!   checks) and as one `tkstep diff <env>` process: wall time (median) and peak RSS.
//!
//! and prints the targets: `tkstep whole plan / gojsonnet one render` (< 0.2),
//! `gojsonnet one render / tkstep render process` (>= 8) and `peak RSS whole plan / single
//! render` (< 2). Missing go-jsonnet is an error; missed targets are not, unless
//! `TKSTEP_BENCH_ENFORCE=1`. Arguments (after `cargo bench --bench speed --`): `testdata` or
//! `corpus` to run one environment only, `--quick` for fewer runs.

mod corpus;

use std::io::{Read as _, Seek as _, SeekFrom};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, anyhow, bail};
use tkstep::diff::DiffOptions;
use tkstep::overlay;
use tkstep::plan::{Params, Plan};
use tkstep::steps::{self, PlanRun};
use tkstep::{OpenOptions, Renderer};

/// `tkstep whole plan / gojsonnet one render` must stay below this.
const TARGET_PLAN_RATIO: f64 = 0.2;
/// `gojsonnet one render / tkstep render process` must reach this.
const TARGET_RENDER_SPEEDUP: f64 = 8.0;
/// `peak RSS whole plan / single render` must stay below this.
const TARGET_RSS_RATIO: f64 = 2.0;

/// How many times each measurement is repeated.
#[derive(Debug, Clone, Copy)]
struct Runs {
    gojsonnet: usize,
    render_process: usize,
    first_eval: usize,
    warm_rounds: usize,
    plan_in_process: usize,
    plan_process: usize,
}

const FULL: Runs = Runs {
    gojsonnet: 5,
    render_process: 10,
    first_eval: 3,
    warm_rounds: 2,
    plan_in_process: 3,
    plan_process: 5,
};

const QUICK: Runs = Runs {
    gojsonnet: 2,
    render_process: 3,
    first_eval: 1,
    warm_rounds: 1,
    plan_in_process: 1,
    plan_process: 2,
};

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("speed: targets missed (TKSTEP_BENCH_ENFORCE=1)");
            ExitCode::FAILURE
        }
        Err(err) => {
            eprintln!("speed: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<bool> {
    let mut only: Option<String> = None;
    let mut runs = FULL;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--bench" => {}
            "--quick" => runs = QUICK,
            "testdata" | "corpus" => only = Some(arg),
            other if other.starts_with('-') => bail!("unknown option {other}"),
            // A `cargo bench <filter>` filter naming neither environment: nothing to do.
            _ => return Ok(true),
        }
    }
    let checkout = corpus::manifest_dir();
    let tkstep = PathBuf::from(env!("CARGO_BIN_EXE_tkstep"));
    let script = checkout.join("benches/gojsonnet_render.py");
    check_gojsonnet()?;

    let work = tempfile::Builder::new()
        .prefix("tkstep-bench-")
        .tempdir()
        .context("create a temporary directory")?;
    let started = Instant::now();
    let generated = corpus::generate(&checkout, &work.path().join("corpus"))
        .context("generate the benchmark corpus")?;
    println!(
        "corpus: {} (generated in {:.2} s)",
        generated.stats,
        started.elapsed().as_secs_f64()
    );
    println!(
        "machine: {} CPU(s); go-jsonnet via python3 _gojsonnet; tkstep {}\n",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        tkstep.display()
    );

    let envs = [
        (
            "testdata",
            checkout.join("testdata/project/environments/mimir-microservices"),
        ),
        ("corpus", generated.env.clone()),
    ];
    let envs: Vec<_> = envs
        .iter()
        .filter(|(name, _)| only.as_deref().is_none_or(|o| o == *name))
        .collect();
    // Child processes first, while this process is small: a child's peak RSS as the kernel
    // reports it is at least this process's peak at spawn time (the child starts as a copy, or
    // a vfork, of it), and the in-process runs below grow it.
    let mut processes = Vec::new();
    for (name, env) in &envs {
        processes.push(
            bench_processes(env, &tkstep, &script, runs).with_context(|| format!("{name} env"))?,
        );
    }
    let mut results = Vec::new();
    for ((name, env), processes) in envs.iter().zip(processes) {
        let in_process = bench_in_process(env, runs).with_context(|| format!("{name} env"))?;
        println!("== {name}: {}", env.display());
        let result = EnvResult::new(name, processes, in_process);
        result.print();
        println!();
        results.push(result);
    }

    if results.len() == 2 {
        if results[0].p.go_sha256 != results[1].p.go_sha256 {
            bail!(
                "the corpus env does not evaluate like the testdata env with go-jsonnet (sha256 {} vs {}): the generated library is not a drop-in",
                results[0].p.go_sha256,
                results[1].p.go_sha256
            );
        }
        if results[0].i.manifests_json != results[1].i.manifests_json {
            bail!("tkstep renders the corpus env differently from the testdata env");
        }
        println!(
            "drop-in: both envs give the same go-jsonnet output (sha256 {}…) and the same tkstep manifests\n",
            &results[0].p.go_sha256[..12]
        );
    }

    println!("== targets (issue 6)");
    println!(
        "{:<10} {:>32} {:>34} {:>30}",
        "env",
        "whole plan / go render (<0.2)",
        "go render / tkstep render (>=8)",
        "RSS plan / render (<2)"
    );
    let mut all_met = true;
    for r in &results {
        let plan_ratio = secs(r.plan_process) / secs(r.go_render);
        let speedup = secs(r.go_render) / secs(r.render_process);
        let rss_ratio = r.p.plan_rss_kb as f64 / r.p.render_rss_kb as f64;
        let met = [
            plan_ratio < TARGET_PLAN_RATIO,
            speedup >= TARGET_RENDER_SPEEDUP,
            rss_ratio < TARGET_RSS_RATIO,
        ];
        all_met &= met.iter().all(|m| *m);
        println!(
            "{:<10} {:>32} {:>34} {:>30}",
            r.name,
            verdict(format!("{plan_ratio:.3}"), met[0]),
            verdict(format!("{speedup:.1}x"), met[1]),
            verdict(format!("{rss_ratio:.2}"), met[2]),
        );
    }
    let enforce = std::env::var("TKSTEP_BENCH_ENFORCE").is_ok_and(|v| v == "1");
    Ok(all_met || !enforce)
}

fn verdict(value: String, met: bool) -> String {
    format!("{value} {}", if met { "ok" } else { "MISSED" })
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// Fail loudly unless python3 can import go-jsonnet.
fn check_gojsonnet() -> Result<()> {
    let out = Command::new("python3")
        .args(["-c", "import _gojsonnet"])
        .output()
        .context("run python3 (needed for the go-jsonnet baseline)")?;
    if !out.status.success() {
        bail!(
            "python3 cannot import _gojsonnet (install it: pip install gojsonnet): {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

/// Measurements of child processes on one environment.
struct Processes {
    go: Vec<Duration>,
    go_sha256: String,
    render: Vec<Duration>,
    render_rss_kb: u64,
    plan: Vec<Duration>,
    plan_rss_kb: u64,
    /// This process's peak RSS when the children ran (an upper bound of what their reported
    /// peaks can inherit).
    own_peak_kb: u64,
}

/// Measurements inside this process on one environment.
struct InProcess {
    first: Vec<Duration>,
    warm: Vec<Duration>,
    warm_steps: usize,
    plan: Vec<Duration>,
    manifests_json: String,
}

/// Everything measured on one environment.
struct EnvResult {
    name: String,
    go_render: Duration,
    render_process: Duration,
    plan_process: Duration,
    p: Processes,
    i: InProcess,
}

impl EnvResult {
    fn new(name: &str, p: Processes, i: InProcess) -> Self {
        Self {
            name: name.to_string(),
            go_render: median(&p.go),
            render_process: median(&p.render),
            plan_process: median(&p.plan),
            p,
            i,
        }
    }

    fn print(&self) {
        let (p, i) = (&self.p, &self.i);
        row("gojsonnet one render", &p.go, None);
        row("tkstep render (process)", &p.render, Some(p.render_rss_kb));
        row("tkstep open + first render (in-process)", &i.first, None);
        row(
            &format!("tkstep warm overlay render ({} steps)", i.warm_steps),
            &i.warm,
            None,
        );
        row("tkstep whole plan (in-process)", &i.plan, None);
        row(
            "tkstep diff = whole plan (process)",
            &p.plan,
            Some(p.plan_rss_kb),
        );
        if p.render_rss_kb <= p.own_peak_kb {
            println!(
                "   (peak RSS of tkstep render is not above the bench's own {:.1} MB: an upper bound)",
                p.own_peak_kb as f64 / 1024.0
            );
        }
        println!(
            "   ratios: whole plan / go render {:.3}; go render / tkstep render {:.1}x; go render / warm overlay render {:.0}x; peak RSS whole plan / render {:.2}",
            secs(self.plan_process) / secs(self.go_render),
            secs(self.go_render) / secs(self.render_process),
            secs(self.go_render) / secs(median(&i.warm)),
            p.plan_rss_kb as f64 / p.render_rss_kb as f64,
        );
    }
}

fn bench_processes(env: &Path, tkstep: &Path, script: &Path, runs: Runs) -> Result<Processes> {
    let go = gojsonnet(script, env, runs.gojsonnet)?;
    let env_arg = env.to_str().ok_or_else(|| anyhow!("non-UTF-8 path"))?;
    let mut render = Vec::new();
    let mut render_rss_kb = 0;
    for _ in 0..runs.render_process {
        let p = measure(Command::new(tkstep).args(["render", env_arg]))?;
        p.expect_success("tkstep render")?;
        render.push(p.wall);
        render_rss_kb = render_rss_kb.max(p.max_rss_kb);
    }
    let mut plan = Vec::new();
    let mut plan_rss_kb = 0;
    for _ in 0..runs.plan_process {
        let p = measure(Command::new(tkstep).args(["diff", env_arg, "--color", "never"]))?;
        p.expect_success("tkstep diff")?;
        plan.push(p.wall);
        plan_rss_kb = plan_rss_kb.max(p.max_rss_kb);
    }
    Ok(Processes {
        go: go.seconds,
        go_sha256: go.sha256,
        render,
        render_rss_kb,
        plan,
        plan_rss_kb,
        own_peak_kb: own_peak_rss_kb(),
    })
}

fn bench_in_process(env: &Path, runs: Runs) -> Result<InProcess> {
    // The first render of a freshly opened environment.
    let mut first = Vec::new();
    let mut manifests_json = String::new();
    for _ in 0..runs.first_eval {
        let start = Instant::now();
        let renderer = Renderer::open(env, &OpenOptions::default())?;
        let manifests = renderer.render(None)?;
        first.push(start.elapsed());
        manifests_json = tkstep::manifest::to_json_array(&manifests);
    }

    // Warm renders: every cumulative overlay of the plan on one used Renderer.
    let renderer = Renderer::open(env, &OpenOptions::default())?;
    renderer.render(None)?;
    let params = Params::default();
    let plan = Plan::to_read_write(&params);
    let adapted = steps::adapt_plan(&renderer, &plan, &params)?;
    let overlays: Vec<_> = overlay::files(&adapted)
        .iter()
        .map(|f| f.overlay())
        .collect();
    let mut warm = Vec::new();
    for _ in 0..runs.warm_rounds {
        for overlay in &overlays {
            let start = Instant::now();
            std::hint::black_box(renderer.render(Some(overlay))?);
            warm.push(start.elapsed());
        }
    }
    drop(renderer);

    // The whole plan, as `tkstep diff` does it.
    let mut plan_times = Vec::new();
    for _ in 0..runs.plan_in_process {
        let start = Instant::now();
        std::hint::black_box(whole_plan(env)?);
        plan_times.push(start.elapsed());
    }
    Ok(InProcess {
        first,
        warm,
        warm_steps: overlays.len(),
        plan: plan_times,
        manifests_json,
    })
}

/// This process's peak resident set size (VmHWM), KiB; 0 if unknown.
fn own_peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// Open, adapt the built-in plan, render every step, diff every step, build the timeline and
/// run the checks; returns the size of the text `tkstep diff` would print.
fn whole_plan(env: &Path) -> Result<usize> {
    let renderer = Renderer::open(env, &OpenOptions::default())?;
    let params = Params::default();
    let plan = Plan::to_read_write(&params);
    let run = PlanRun::new(&renderer, &plan, &params)?;
    let diffs = run.diffs(&DiffOptions::new());
    let mut size: usize = diffs.iter().map(|d| d.text().len()).sum();
    size += run.timeline().render().len();
    size += run.check().summary().errors;
    Ok(size)
}

/// Print one measurement line: median, min–max, runs, peak RSS.
fn row(what: &str, times: &[Duration], rss_kb: Option<u64>) {
    let min = times.iter().min().copied().unwrap_or_default();
    let max = times.iter().max().copied().unwrap_or_default();
    let rss = rss_kb.map_or(String::new(), |kb| {
        format!("  peak RSS {:>6.1} MB", kb as f64 / 1024.0)
    });
    println!(
        "   {what:<44} median {:>8.1} ms  (min {:>7.1}, max {:>7.1}, n={}){rss}",
        ms(median(times)),
        ms(min),
        ms(max),
        times.len()
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn median(times: &[Duration]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    match sorted.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2,
    }
}

struct GoRuns {
    seconds: Vec<Duration>,
    sha256: String,
}

/// Run the go-jsonnet timing script on `env`.
fn gojsonnet(script: &Path, env: &Path, runs: usize) -> Result<GoRuns> {
    let out = Command::new("python3")
        .arg(script)
        .args(["--runs", &runs.to_string()])
        .arg(env)
        .output()
        .context("run python3")?;
    if !out.status.success() {
        bail!(
            "go-jsonnet failed on {} ({}): {}",
            env.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let value: serde_json::Value =
        serde_json::from_slice(&out.stdout).context("parse the go-jsonnet script's output")?;
    let seconds = value["seconds"]
        .as_array()
        .ok_or_else(|| anyhow!("no seconds in {value}"))?
        .iter()
        .filter_map(serde_json::Value::as_f64)
        .map(Duration::from_secs_f64)
        .collect();
    let sha256 = value["sha256"].as_str().unwrap_or_default().to_string();
    Ok(GoRuns { seconds, sha256 })
}

/// A finished child process.
struct Measured {
    wall: Duration,
    /// Peak resident set size of the child (getrusage's ru_maxrss, KiB on Linux).
    max_rss_kb: u64,
    code: Option<i32>,
    stderr: String,
}

impl Measured {
    fn expect_success(&self, what: &str) -> Result<()> {
        if self.code == Some(0) {
            Ok(())
        } else {
            bail!("{what} exited with {:?}: {}", self.code, self.stderr.trim())
        }
    }
}

/// Run `command` (stdout discarded, stderr kept), timing it and reading its own peak RSS with
/// wait4(2).
fn measure(command: &mut Command) -> Result<Measured> {
    let mut stderr_file = tempfile::tempfile()?;
    let start = Instant::now();
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr_file.try_clone()?)
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
    // The child is reaped; dropping the handle neither waits nor kills.
    drop(child);
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    let mut stderr = String::new();
    stderr_file.seek(SeekFrom::Start(0))?;
    stderr_file.read_to_string(&mut stderr)?;
    Ok(Measured {
        wall,
        max_rss_kb: u64::try_from(usage.ru_maxrss).unwrap_or(0),
        code,
        stderr,
    })
}
