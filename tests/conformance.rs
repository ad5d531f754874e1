//! Conformance with go-jsonnet (PyPI `gojsonnet`, the evaluator Tanka embeds): every valid
//! testdata environment, and every step of the example plan, evaluates to the same JSON and
//! the same manifests with tkstep as with go-jsonnet set up the way Tanka sets it up.

use std::path::{Path, PathBuf};

use serde_json::Value;
use tkstep::env::Environment;
use tkstep::eval::EvalOptions;
use tkstep::steps::PlanRun;
use tkstep::{OpenOptions, Overlay, Renderer, manifest};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn envs_dir() -> PathBuf {
    root().join("testdata/project/environments")
}

/// Evaluate `renderer`'s entrypoint with go-jsonnet (tests/conformance/gojsonnet_eval.py, Go
/// natives), with the same import paths and ext code.
fn go_eval(renderer: &Renderer, overlay: Option<&Overlay>) -> Value {
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
    crate::eval_core::gojsonnet_eval(&paths.entrypoint, &options, overlay)
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

fn go_data(renderer: &Renderer, overlay: Option<&Overlay>) -> Value {
    let output = go_eval(renderer, overlay);
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

#[test]
fn every_testdata_environment_renders_like_go_jsonnet() {
    let envs = valid_envs();
    assert!(envs.len() >= 10, "{envs:?}");
    for (dir, name) in envs {
        let renderer = open(&dir, name);
        let ours = renderer.evaluate(None).unwrap();
        let theirs = go_data(&renderer, None);
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
fn every_plan_step_renders_like_go_jsonnet() {
    let renderer = open(&envs_dir().join("mimir-microservices"), None);
    let plan = tkstep::plan::Plan::to_read_write(&Default::default());
    let run = PlanRun::new(&renderer, &plan, &Default::default()).unwrap();
    assert_eq!(run.steps.len(), 14);
    for step in &run.steps[1..] {
        let file = step.overlay.as_ref().unwrap();
        let theirs = go_data(&renderer, Some(&file.overlay()));
        let from_go = manifest::process(&theirs, renderer.environment()).unwrap();
        assert!(
            step.manifests == from_go,
            "step {}: tkstep and go-jsonnet render different manifests",
            step.id
        );
    }
}
