//! The example Mimir environment walked through the built-in plan: the overlay files round-trip
//! through main.jsonnet, and snapshots of every overlay, every step's diff and the replica
//! timeline (reviewed against ../shared/procedure.md).

use std::path::PathBuf;
use std::sync::OnceLock;

use tkstep::diff::DiffOptions;
use tkstep::plan::{Params, Plan};
use tkstep::steps::PlanRun;
use tkstep::{OpenOptions, Renderer};

use crate::common::settings_without_expression as settings;

fn env_dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/project/environments")
        .join(name)
}

/// One plan run of the example environment, shared by the tests of this module (the
/// environment is rendered 14 times; no need to do it per test).
fn example_run() -> &'static (PlanRun, String) {
    static RUN: OnceLock<(PlanRun, String)> = OnceLock::new();
    RUN.get_or_init(|| {
        let renderer =
            Renderer::open(&env_dir("mimir-microservices"), &OpenOptions::default()).unwrap();
        let params = Params::default();
        let run = PlanRun::new(&renderer, &Plan::to_read_write(&params), &params).unwrap();
        let timeline = run.timeline().render();
        // PlanRun holds no evaluator, so it can be shared; the text form is computed once.
        (run, timeline)
    })
}

#[test]
fn overlay_files_imported_from_main_jsonnet_render_the_same_manifests() {
    let (run, _) = example_run();
    let project_envs = env_dir("");
    let tmp = tempfile::Builder::new()
        .prefix("tmp-roundtrip-")
        .tempdir_in(&project_envs)
        .unwrap();
    std::fs::copy(
        env_dir("mimir-microservices").join("spec.json"),
        tmp.path().join("spec.json"),
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("main.jsonnet"),
        "(import '../mimir-microservices/main.jsonnet') + (import 'migration.libsonnet')\n",
    )
    .unwrap();
    for step in &run.steps[1..] {
        let file = step.overlay.as_ref().unwrap();
        std::fs::write(tmp.path().join("migration.libsonnet"), &file.code).unwrap();
        let renderer = Renderer::open(tmp.path(), &OpenOptions::default()).unwrap();
        let from_file = renderer.render(None).unwrap();
        assert!(
            from_file == step.manifests,
            "step {}: {} imported from main.jsonnet renders differently",
            step.id,
            file.file_name
        );
    }
}

#[test]
fn snapshot_every_overlay_file() {
    let (run, _) = example_run();
    let settings = settings();
    for step in &run.steps[1..] {
        let file = step.overlay.as_ref().unwrap();
        let name = format!("example-overlay@{}", file.file_name);
        settings.bind(|| insta::assert_snapshot!(name, file.code));
    }
}

#[test]
fn snapshot_every_step_diff() {
    let (run, _) = example_run();
    let diffs = run.diffs(DiffOptions::new().color(false));
    assert_eq!(diffs.len(), 13);
    let settings = settings();
    for (step, diff) in run.steps[1..].iter().zip(&diffs) {
        let name = format!("example-diff@{}", step.label);
        let text = format!(
            "# step {} {}: {}\n{}",
            step.id,
            step.name,
            diff.summary(),
            diff.text()
        );
        settings.bind(|| insta::assert_snapshot!(name, text));
    }
}

#[test]
fn snapshot_replica_timeline() {
    let (_, timeline) = example_run();
    settings().bind(|| insta::assert_snapshot!("example-timeline", timeline));
}

#[test]
fn step_summaries_match_the_procedure() {
    let (run, _) = example_run();
    let diffs = run.diffs(DiffOptions::new().color(false));
    let summary: Vec<(String, String)> = run.steps[1..]
        .iter()
        .zip(&diffs)
        .map(|(s, d)| (s.id.clone(), d.summary().to_string()))
        .collect();
    let get = |id: &str| summary.iter().find(|(s, _)| s == id).unwrap().1.clone();
    // Step 1 is already satisfied in this environment.
    assert_eq!(get("1"), "+0 ~0 -0");
    // Step 2 adds mimir-read, mimir-write-zone-a|b|c, mimir-backend-zone-a|b|c (+ Services,
    // PDBs) and rolls 13 existing objects (query-scheduler discovery switches to the ring).
    assert_eq!(get("2"), "+19 ~13 -0");
    // 5.1 only touches the three store-gateway zone StatefulSets.
    assert_eq!(get("5.1"), "+0 ~3 -0");
    // 8 removes every microservice object (33 with the alertmanager).
    assert!(get("8").ends_with("-33"), "{}", get("8"));
}

#[test]
fn snapshot_check_report() {
    let (run, _) = example_run();
    let findings = run.check();
    assert!(!findings.has_errors(), "{}", findings.to_text());
    settings().bind(|| insta::assert_snapshot!("example-check-report", findings.to_text()));
}

#[test]
fn a_plan_run_that_cannot_adapt_is_an_error_not_a_hang() {
    // Adaptation fails on this thread while the workers wait for jobs (the first one rendering
    // the environment meanwhile): they must be released and the error returned.
    let renderer =
        Renderer::open(&env_dir("broken-runtime-error"), &OpenOptions::default()).unwrap();
    let params = Params::default();
    let err = PlanRun::new(&renderer, &Plan::to_read_write(&params), &params)
        .expect_err("a broken environment cannot be adapted");
    // The environment's own error, not the adaptation's.
    assert!(
        err.to_string()
            .starts_with("runtime error: replicas must be at most 3, got 5"),
        "{err}"
    );
}

#[test]
fn one_step_pair_is_the_full_runs_pair() {
    let (run, _) = example_run();
    let renderer =
        Renderer::open(&env_dir("mimir-microservices"), &OpenOptions::default()).unwrap();
    let params = Params::default();
    let plan = Plan::to_read_write(&params);
    // The first config step (before = the environment as it is), one in the middle whose
    // previous state the adaptation rendered, and the last one.
    for id in ["1", "5.2", "7.1", "8"] {
        let (_, pair) = tkstep::steps::render_step_pair(&renderer, &plan, &params, id).unwrap();
        let [before, after] = pair.unwrap_or_else(|| panic!("{id} is a config step"));
        let n = run.steps.iter().position(|s| s.id == id).unwrap();
        for (got, want) in [(&before, &run.steps[n - 1]), (&after, &run.steps[n])] {
            assert_eq!(
                (&got.id, &got.label, got.index),
                (&want.id, &want.label, want.index),
                "step {id}"
            );
            assert_eq!(got.manifests, want.manifests, "step {id}: {}", got.label);
            assert_eq!(
                got.overlay.as_ref().map(|o| &o.code),
                want.overlay.as_ref().map(|o| &o.code)
            );
        }
    }
    // Steps that change no manifests have no pair; unknown ids are errors.
    let (_, pair) = tkstep::steps::render_step_pair(&renderer, &plan, &params, "3.2").unwrap();
    assert!(pair.is_none());
    assert!(tkstep::steps::render_step_pair(&renderer, &plan, &params, "9.9").is_err());
}
