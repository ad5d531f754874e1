//! A long-running host runs plans again and again: memory must not grow with the number of runs.
//!
//! Its own test binary (one test, so nothing else allocates in the process meanwhile).

use std::path::PathBuf;

use tkstep::plan::{Params, Plan};
use tkstep::steps::{PlanRun, RunSettings};
use tkstep::{OpenOptions, Renderer};

fn env_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/project/environments/mimir-minimal")
}

/// Open the environment on a thread of its own (as a host should), run the built-in plan on
/// `threads` threads, drop everything.
fn run_once(threads: usize) {
    std::thread::scope(|s| {
        s.spawn(|| run_on_this_thread(threads));
    });
}

fn run_on_this_thread(threads: usize) {
    let renderer = Renderer::open(&env_dir(), &OpenOptions::default()).unwrap();
    let params = Params::default();
    let settings = RunSettings::default().threads(threads);
    let run = PlanRun::with_settings(&renderer, &Plan::to_read_write(&params), &params, &settings)
        .unwrap();
    assert!(run.steps.len() > 10);
}

/// Resident memory of this process, in bytes (Linux).
#[cfg(target_os = "linux")]
fn rss() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: usize = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

#[test]
fn plan_runs_leave_no_jsonnet_objects_and_hold_memory_flat() {
    // The extra evaluator threads collect theirs when they end: resident memory after many
    // runs stays near what the first runs needed (leaking, it grew by ~30 MB per run here).
    #[cfg(target_os = "linux")]
    {
        run_once(3);
        run_once(3);
        let warm = rss();
        for _ in 0..8 {
            run_once(3);
        }
        let grown = rss().saturating_sub(warm);
        eprintln!(
            "resident memory: {} MiB after 2 runs, grew by {} KiB over 8 more",
            warm >> 20,
            grown >> 10
        );
        assert!(
            grown < 16 << 20,
            "resident memory grew by {} MiB over 8 runs",
            grown >> 20
        );
    }
}
