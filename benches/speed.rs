//! `cargo bench --bench speed`: tkstep against go-jsonnet on the same machine, in the same run.
//!
//! For two environments, the testdata Mimir env (`testdata/project/environments/
//! mimir-microservices`) and the same env on the large generated corpus (see [`corpus`];
//! k8s-libsonnet scale), it measures:
//!
//! - go-jsonnet: one render (the `evaluate_file` call inside Python only; PyPI `gojsonnet`, the
//!   evaluator Tanka embeds), median of several runs;
//! - `tkstep render <env>` as a process: wall time and peak RSS;
//! - in-process (the library API, each run in a fresh child process so that runs do not share
//!   caches or allocator state): the first render of a freshly opened environment, warm renders
//!   of every cumulative step overlay on the same `Renderer`, and the whole plan phase by phase
//!   (open, adapt, render every config step, diff every step, timeline + checks, and the cycle
//!   collection a process pays at exit);
//! - the whole plan as one `tkstep diff <env>` process: wall time and peak RSS.
//!
//! It prints the targets: `tkstep whole plan / gojsonnet one render` (< 0.2),
//! `gojsonnet one render / tkstep render process` (>= 8) and `peak RSS whole plan / single
//! render` (< 2). Times are medians. Missing go-jsonnet is an error; missed targets are not,
//! unless `TKSTEP_BENCH_ENFORCE=1`. One environment only: `TKSTEP_BENCH_ENV=testdata|corpus`
//! (or `cargo bench --bench speed -- corpus`); fewer runs: `TKSTEP_BENCH_QUICK=1` (or
//! `-- --quick`).

mod corpus;

use std::collections::HashSet;
use std::io::{Read as _, Seek as _, SeekFrom};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, anyhow, bail};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use tkstep::diff::DiffOptions;
use tkstep::overlay;
use tkstep::plan::{self as plans, Candidate, EnvProbe};
use tkstep::plan::{Params, Plan};
use tkstep::steps::{self, PlanRun, RendererProbe};
use tkstep::{OpenOptions, Renderer};

/// `tkstep whole plan / gojsonnet one render` must stay below this.
const TARGET_PLAN_RATIO: f64 = 0.2;
/// `gojsonnet one render / tkstep render process` must reach this.
const TARGET_RENDER_SPEEDUP: f64 = 8.0;
/// `peak RSS whole plan / single render` must stay below this.
const TARGET_RSS_RATIO: f64 = 2.0;

// The allocator of the tkstep binary, so that in-process figures compare with the CLI's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// First argument of the bench binary run as a child for in-process measurements.
const CHILD: &str = "--in-process-child";

/// How many times each measurement is repeated.
#[derive(Debug, Clone, Copy)]
struct Runs {
    /// Rounds of process measurements; each round runs one go-jsonnet render, two `tkstep
    /// render` processes and one `tkstep diff` process, so that a burst of load on the machine
    /// hits both sides of the ratios alike.
    rounds: usize,
    /// Child processes measuring the first render and warm overlay renders.
    render_children: usize,
    /// Child processes measuring the whole plan phase by phase.
    plan_children: usize,
}

const FULL: Runs = Runs {
    rounds: 5,
    render_children: 3,
    plan_children: 3,
};

const QUICK: Runs = Runs {
    rounds: 2,
    render_children: 1,
    plan_children: 1,
};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = if args.first().map(String::as_str) == Some(CHILD) {
        // As the tkstep binary does.
        tkstep::eval::no_transparent_huge_pages();
        child(&args[1..]).map(|()| true)
    } else {
        run(&args)
    };
    match result {
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

fn run(args: &[String]) -> Result<bool> {
    // Environment variables work with a plain `cargo bench` (whose arguments also reach the
    // lib's and bin's libtest harnesses, which reject unknown options).
    let env_only = std::env::var("TKSTEP_BENCH_ENV").ok();
    let mut only: Option<&str> = env_only.as_deref();
    let mut runs = if std::env::var("TKSTEP_BENCH_QUICK").is_ok_and(|v| v == "1") {
        QUICK
    } else {
        FULL
    };
    for arg in args {
        match arg.as_str() {
            "--bench" => {}
            "--quick" => runs = QUICK,
            "testdata" | "corpus" => only = Some(arg),
            other if other.starts_with('-') => bail!("unknown option {other}"),
            // A `cargo bench <filter>` filter naming neither environment: nothing to do.
            _ => return Ok(true),
        }
    }
    if let Some(o) = only
        && o != "testdata"
        && o != "corpus"
    {
        bail!("TKSTEP_BENCH_ENV must be testdata or corpus, not {o:?}");
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
    let mut results = Vec::new();
    for (name, env) in envs.iter().filter(|(n, _)| only.is_none_or(|o| o == *n)) {
        let p =
            bench_processes(env, &tkstep, &script, runs).with_context(|| format!("{name} env"))?;
        let i = bench_in_process(env, runs).with_context(|| format!("{name} env"))?;
        println!("== {name}: {}", env.display());
        let result = EnvResult::new(name, p, i);
        result.print();
        println!();
        results.push(result);
    }

    if let [a, b] = results.as_slice() {
        if a.p.go_sha256 != b.p.go_sha256 {
            bail!(
                "the corpus env does not evaluate like the testdata env with go-jsonnet (sha256 {} vs {}): the generated library is not a drop-in",
                a.p.go_sha256,
                b.p.go_sha256
            );
        }
        if a.i.manifests_sha256 != b.i.manifests_sha256 {
            bail!("tkstep renders the corpus env differently from the testdata env");
        }
        println!(
            "drop-in: both envs give the same go-jsonnet output (sha256 {}…) and the same tkstep manifests\n",
            &a.p.go_sha256[..12]
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
    println!(
        "(peak RSS as reported by wait4; a child's figure is never below this bench's own peak, {:.1} MB)",
        own_peak_rss_kb() as f64 / 1024.0
    );
    let enforce = std::env::var("TKSTEP_BENCH_ENFORCE").is_ok_and(|v| v == "1");
    Ok(all_met || !enforce)
}

fn verdict(value: String, met: bool) -> String {
    format!("{value} {}", if met { "ok" } else { "MISSED" })
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
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

// ----------------------------------------------------------------------- measurements

/// Measurements of child processes on one environment.
struct Processes {
    go: Vec<Duration>,
    go_sha256: String,
    render: Vec<Duration>,
    render_rss_kb: u64,
    plan: Vec<Duration>,
    plan_rss_kb: u64,
}

/// In-process measurements on one environment (from child processes).
struct InProcess {
    first: Vec<Duration>,
    warm: Vec<Duration>,
    warm_steps: usize,
    plans: Vec<Breakdown>,
    manifests_sha256: String,
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
        let totals: Vec<Duration> = i.plans.iter().map(Breakdown::total).collect();
        row("tkstep whole plan (in-process)", &totals, None);
        Breakdown::print_medians(&i.plans);
        row(
            "tkstep diff = whole plan (process)",
            &p.plan,
            Some(p.plan_rss_kb),
        );
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
    let env_arg = env.to_str().ok_or_else(|| anyhow!("non-UTF-8 path"))?;
    let mut p = Processes {
        go: Vec::new(),
        go_sha256: String::new(),
        render: Vec::new(),
        render_rss_kb: 0,
        plan: Vec::new(),
        plan_rss_kb: 0,
    };
    for _ in 0..runs.rounds {
        let go = gojsonnet(script, env, 1)?;
        p.go.extend(go.seconds);
        p.go_sha256 = go.sha256;
        for _ in 0..2 {
            let m = measure(Command::new(tkstep).args(["render", env_arg]))?;
            m.expect_success("tkstep render")?;
            p.render.push(m.wall);
            p.render_rss_kb = p.render_rss_kb.max(m.max_rss_kb);
        }
        let m = measure(Command::new(tkstep).args(["diff", env_arg, "--color", "never"]))?;
        m.expect_success("tkstep diff")?;
        p.plan.push(m.wall);
        p.plan_rss_kb = p.plan_rss_kb.max(m.max_rss_kb);
    }
    Ok(p)
}

fn bench_in_process(env: &Path, runs: Runs) -> Result<InProcess> {
    let mut first = Vec::new();
    let mut warm = Vec::new();
    let mut warm_steps = 0;
    let mut manifests_sha256 = String::new();
    for _ in 0..runs.render_children {
        let r: RenderReport = run_child("render", env)?;
        first.push(from_ms(r.first_ms));
        warm.extend(r.warm_ms.iter().copied().map(from_ms));
        warm_steps = r.warm_ms.len();
        manifests_sha256 = r.manifests_sha256;
    }
    let mut plans = Vec::new();
    for _ in 0..runs.plan_children {
        plans.push(run_child("plan", env)?);
    }
    Ok(InProcess {
        first,
        warm,
        warm_steps,
        plans,
        manifests_sha256,
    })
}

fn from_ms(ms: f64) -> Duration {
    Duration::from_secs_f64(ms / 1e3)
}

/// Run this binary as a child measuring `what` on `env`; parse the JSON line it prints.
fn run_child<T: for<'de> Deserialize<'de>>(what: &str, env: &Path) -> Result<T> {
    let out = Command::new(std::env::current_exe()?)
        .arg(CHILD)
        .arg(what)
        .arg(env)
        .stdin(Stdio::null())
        .output()
        .context("run the in-process child")?;
    if !out.status.success() {
        bail!(
            "in-process child ({what}) failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    serde_json::from_slice(&out.stdout).context("parse the in-process child's report")
}

// ------------------------------------------------------------------- in-process child

/// What the `render` child measures.
#[derive(Serialize, Deserialize)]
struct RenderReport {
    first_ms: f64,
    warm_ms: Vec<f64>,
    manifests_sha256: String,
}

/// Child mode: measure `render` or `plan` on an environment and print one JSON line.
fn child(args: &[String]) -> Result<()> {
    let [what, env] = args else {
        bail!("usage: {CHILD} render|plan ENV");
    };
    let env = Path::new(env);
    let json = match what.as_str() {
        "render" => serde_json::to_string(&render_child(env)?)?,
        "plan" => serde_json::to_string(&Breakdown::measure(env)?)?,
        other => bail!("unknown child measurement {other}"),
    };
    println!("{json}");
    // Measured; skip the cycle collection at thread exit, as the CLI does.
    tkstep::eval::leak_thread_objects();
    Ok(())
}

/// The first render of a freshly opened environment, then every cumulative overlay of the plan
/// rendered on the same (warm) `Renderer`.
fn render_child(env: &Path) -> Result<RenderReport> {
    let start = Instant::now();
    let renderer = Renderer::open(env, &OpenOptions::default())?;
    let manifests = renderer.render(None)?;
    let first_ms = ms(start.elapsed());
    let manifests_sha256 =
        hex::encode(Sha256::digest(tkstep::manifest::to_json_array(&manifests)?));

    let params = Params::default();
    let plan = Plan::to_read_write(&params);
    let adapted = steps::adapt_plan(&renderer, &plan, &params)?;
    let mut warm_ms = Vec::new();
    for file in overlay::files(&adapted) {
        let overlay = file.overlay();
        let start = Instant::now();
        std::hint::black_box(renderer.render(Some(&overlay))?);
        warm_ms.push(ms(start.elapsed()));
    }
    std::mem::forget(renderer);
    Ok(RenderReport {
        first_ms,
        warm_ms,
        manifests_sha256,
    })
}

/// Where the whole plan's time goes, phase by phase (milliseconds), as `tkstep diff` runs it.
#[derive(Serialize, Deserialize)]
struct Breakdown {
    first: f64,
    adapt: f64,
    probe_renders: usize,
    field_queries: usize,
    config_queries: usize,
    steps: f64,
    step_count: usize,
    diffs: f64,
    checks: f64,
    drop: f64,
    teardown: f64,
    tracked: usize,
}

impl Breakdown {
    fn measure(env: &Path) -> Result<Self> {
        let start = Instant::now();
        let renderer = Renderer::open(env, &OpenOptions::default())?;
        renderer.render(None)?;
        let first = ms(start.elapsed());

        let params = Params::default();
        let plan = Plan::to_read_write(&params);
        let start = Instant::now();
        let mut probe = CountingProbe {
            inner: RendererProbe::new(&renderer),
            renders: HashSet::new(),
            field_queries: 0,
            config_queries: 0,
        };
        let adapted = plans::adapt(&plan, &params, &mut probe)?;
        let adapt = ms(start.elapsed());
        let (probe_renders, field_queries, config_queries) = (
            probe.renders.len(),
            probe.field_queries,
            probe.config_queries,
        );
        drop(probe);

        let start = Instant::now();
        let rendered = steps::render_plan(&renderer, &adapted)?;
        let steps = ms(start.elapsed());
        let step_count = rendered.len() - 1;
        let run = PlanRun {
            plan: adapted,
            steps: rendered,
        };

        let start = Instant::now();
        let texts: usize = run
            .diffs(&DiffOptions::new())
            .iter()
            .map(|d| d.text().len())
            .sum();
        std::hint::black_box(texts);
        let diffs = ms(start.elapsed());

        let start = Instant::now();
        std::hint::black_box(run.timeline().render());
        std::hint::black_box(run.check().summary().errors);
        let checks = ms(start.elapsed());

        let tracked = jrsonnet_gcmodule::count_thread_tracked();
        let start = Instant::now();
        drop(run);
        drop(renderer);
        let drop_time = ms(start.elapsed());
        let start = Instant::now();
        jrsonnet_gcmodule::collect_thread_cycles();
        let teardown = ms(start.elapsed());
        Ok(Self {
            first,
            adapt,
            probe_renders,
            field_queries,
            config_queries,
            steps,
            step_count,
            diffs,
            checks,
            drop: drop_time,
            teardown,
            tracked,
        })
    }

    /// The whole plan without the cycle collection (which a process pays at exit).
    fn total(&self) -> Duration {
        from_ms(self.first + self.adapt + self.steps + self.diffs + self.checks + self.drop)
    }

    fn print_medians(runs: &[Breakdown]) {
        let Some(last) = runs.last() else { return };
        let med = |f: fn(&Breakdown) -> f64| {
            median(&runs.iter().map(|b| from_ms(f(b))).collect::<Vec<_>>())
        };
        let line = |what: String, d: Duration| println!("      {what:<62} {:>8.1} ms", ms(d));
        line("open + first render".into(), med(|b| b.first));
        line(
            format!(
                "adapt the plan ({} renders, {} field + {} _config queries)",
                last.probe_renders, last.field_queries, last.config_queries
            ),
            med(|b| b.adapt),
        );
        line(
            format!("render {} config steps (warm)", last.step_count),
            med(|b| b.steps),
        );
        line("diff every step (unified text)".into(), med(|b| b.diffs));
        line("timeline + checks".into(), med(|b| b.checks));
        line("drop renderer and results".into(), med(|b| b.drop));
        line(
            format!(
                "not included: cycle collection of {} objects (paid at exit)",
                last.tracked
            ),
            med(|b| b.teardown),
        );
    }
}

/// Counts what [`overlay::adapt`] asks the environment.
struct CountingProbe<'a> {
    inner: RendererProbe<'a>,
    renders: HashSet<String>,
    field_queries: usize,
    config_queries: usize,
}

impl EnvProbe for CountingProbe<'_> {
    fn renders(
        &mut self,
        candidate: &Candidate<'_>,
        kind: &str,
        name: &str,
    ) -> tkstep::Result<bool> {
        self.renders.insert(candidate.jsonnet());
        self.inner.renders(candidate, kind, name)
    }

    // Forwarded, not left to the trait's default (a whole render), so that the adaptation
    // measured here is the one the CLI runs: a single field evaluated.
    fn field_renders(
        &mut self,
        candidate: &Candidate<'_>,
        field: &str,
        kind: &str,
        name: &str,
    ) -> tkstep::Result<bool> {
        self.field_queries += 1;
        self.inner.field_renders(candidate, field, kind, name)
    }

    fn config(&mut self, key: &str) -> tkstep::Result<Option<serde_json::Value>> {
        self.config_queries += 1;
        self.inner.config(key)
    }

    fn k8s_import(&mut self) -> tkstep::Result<Option<String>> {
        self.inner.k8s_import()
    }
}

// -------------------------------------------------------------------------- helpers

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
