//! Conformance with go-jsonnet (PyPI `gojsonnet`, the evaluator Tanka embeds): every valid
//! testdata environment, and every step of the example plan, evaluates to the same JSON and
//! the same manifests with tkstep as with go-jsonnet set up the way Tanka sets it up.
//!
//! go-jsonnet's output is recorded in `testdata/recorded/go-jsonnet/{envs,steps}/` (the
//! self-contained tests compare with it); the reference tier renders again with go-jsonnet and
//! checks the recordings. A new testdata environment needs its recording:
//! `TKSTEP_RECORD=1 cargo test --locked -- --ignored conformance`.

use std::path::{Path, PathBuf};

use serde_json::Value;
use tkstep::env::Environment;
use tkstep::eval::EvalOptions;
use tkstep::steps::PlanRun;
use tkstep::{OpenOptions, Overlay, Renderer, manifest};

use crate::common::{envs_dir, oracle, recorded};

/// Evaluate `renderer`'s entrypoint with go-jsonnet (tests/conformance/gojsonnet_eval.py, Go
/// natives), with the same import paths and ext code; go-jsonnet's output as it printed it.
fn go_eval(renderer: &Renderer, overlay: Option<&Overlay>) -> String {
    let paths = renderer.paths();
    let ext = if paths.is_static() {
        renderer.environment().to_ext_code()
    } else {
        tkstep::render::INLINE_EXT_CODE.to_string()
    };
    let options = EvalOptions {
        import_paths: paths.import_paths(),
        ext_code: vec![("tanka.dev/environment".to_string(), ext)],
        max_stack: tkstep::render::MAX_STACK,
        ..EvalOptions::default()
    };
    oracle::gojsonnet_eval(&paths.entrypoint, &options, overlay)
}

/// The `data` of the inline environment named `name` in a full output.
fn inline_data(output: &Value, name: &str) -> Option<Value> {
    match output {
        Value::Object(map) => {
            if map.get("kind") == Some(&Value::from("Environment"))
                && map.get("metadata").and_then(|m| m.get("name")) == Some(&Value::from(name))
            {
                return Some(map.get("data").cloned().unwrap_or(Value::Null));
            }
            map.values().find_map(|v| inline_data(v, name))
        }
        Value::Array(items) => items.iter().find_map(|v| inline_data(v, name)),
        _ => None,
    }
}

/// The data tkstep renders from go-jsonnet's `output`: the inline environment's `data`, or all.
fn go_data(renderer: &Renderer, output: &str) -> Value {
    let output: Value = serde_json::from_str(output).expect("go-jsonnet output is JSON");
    if renderer.paths().is_static() {
        output
    } else {
        let env: &Environment = renderer.environment();
        inline_data(&output, env.metadata.name.as_deref().unwrap_or_default())
            .expect("the inline environment is in go-jsonnet's output")
    }
}

/// Every environment directory that is meant to render (not `broken-*`), and for inline
/// environments each environment name.
fn valid_envs() -> Vec<(PathBuf, Option<&'static str>)> {
    let mut out = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(envs_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            !p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("broken-")
        })
        .collect();
    dirs.sort();
    for dir in dirs {
        if dir.ends_with("inline") {
            out.push((dir.clone(), Some("inline-dev")));
            out.push((dir, Some("inline-prod")));
        } else {
            out.push((dir, None));
        }
    }
    out
}

fn open(dir: &Path, name: Option<&str>) -> Renderer {
    Renderer::open(
        dir,
        &OpenOptions {
            name: name.map(str::to_string),
            ..OpenOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
}

/// The recording of go-jsonnet's render of an environment (`<dir>[@<name>].json`).
fn env_recording(dir: &Path, name: Option<&str>) -> String {
    let dir = dir.file_name().unwrap().to_string_lossy();
    match name {
        Some(name) => format!("{dir}@{name}.json"),
        None => format!("{dir}.json"),
    }
}

const ENVS: &str = "go-jsonnet/envs";
const STEPS: &str = "go-jsonnet/steps/mimir-microservices";

#[test]
fn every_testdata_environment_renders_like_recorded_go_jsonnet() {
    let envs = valid_envs();
    assert!(envs.len() >= 10, "{envs:?}");
    let names: Vec<String> = envs.iter().map(|(d, n)| env_recording(d, *n)).collect();
    assert_eq!(
        recorded::list(ENVS),
        names,
        "testdata/recorded/{ENVS} does not match the testdata environments: record them with \
         `TKSTEP_RECORD=1 cargo test --locked -- --ignored conformance`"
    );
    for (dir, name) in envs {
        let renderer = open(&dir, name);
        let ours = renderer.evaluate(None).unwrap();
        let recording = recorded::read(&format!("{ENVS}/{}", env_recording(&dir, name)));
        let theirs = go_data(&renderer, &recording.body);
        assert!(
            ours == theirs,
            "{} {name:?}: evaluated JSON differs",
            dir.display()
        );
        let manifests = renderer.render(None).unwrap();
        let from_go = manifest::process(&theirs, renderer.environment()).unwrap();
        assert!(!manifests.is_empty(), "{}", dir.display());
        assert_eq!(
            manifest::to_yaml_stream(&manifests),
            manifest::to_yaml_stream(&from_go),
            "{} {name:?}: manifests differ",
            dir.display()
        );
    }
}

#[test]
#[ignore = "reference tier: runs go-jsonnet (cargo test --locked -- --ignored)"]
fn recorded_environment_renders_are_what_go_jsonnet_renders() {
    let producer = oracle::gojsonnet_producer();
    let mut names = Vec::new();
    for (dir, name) in valid_envs() {
        let rel = env_recording(&dir, name);
        let body = go_eval(&open(&dir, name), None);
        recorded::check_or_record(&format!("{ENVS}/{rel}"), &producer, &[], &body);
        names.push(rel);
    }
    recorded::prune(ENVS, &names);
}

/// The example plan's run on mimir-microservices, and each step's recording name.
fn example_steps() -> (Renderer, PlanRun, Vec<String>) {
    let renderer = open(&envs_dir().join("mimir-microservices"), None);
    let plan = tkstep::plan::Plan::to_read_write(&Default::default());
    let run = PlanRun::new(&renderer, &plan, &Default::default()).unwrap();
    assert_eq!(run.steps.len(), 14);
    let names = run.steps[1..]
        .iter()
        .enumerate()
        .map(|(i, step)| format!("{:02}-{}.json", i + 1, step.id))
        .collect();
    (renderer, run, names)
}

#[test]
fn every_plan_step_renders_like_recorded_go_jsonnet() {
    let (renderer, run, names) = example_steps();
    assert_eq!(recorded::list(STEPS), names, "testdata/recorded/{STEPS}");
    for (step, rel) in run.steps[1..].iter().zip(&names) {
        let recording = recorded::read(&format!("{STEPS}/{rel}"));
        let theirs = go_data(&renderer, &recording.body);
        let from_go = manifest::process(&theirs, renderer.environment()).unwrap();
        assert!(
            step.manifests == from_go,
            "step {}: tkstep and go-jsonnet render different manifests",
            step.id
        );
    }
}

#[test]
#[ignore = "reference tier: runs go-jsonnet (cargo test --locked -- --ignored)"]
fn recorded_plan_step_renders_are_what_go_jsonnet_renders() {
    let (renderer, run, names) = example_steps();
    let producer = oracle::gojsonnet_producer();
    for (step, rel) in run.steps[1..].iter().zip(&names) {
        let file = step.overlay.as_ref().unwrap();
        let body = go_eval(&renderer, Some(&file.overlay()));
        recorded::check_or_record(&format!("{STEPS}/{rel}"), &producer, &[], &body);
    }
    recorded::prune(STEPS, &names);
}
