//! Plan files: export → load round trips, delta semantics (deleting or reordering a step), errors
//! naming file, line and field, the testdata/plans examples, and `tkstep check --plan-file`
//! exiting 3 on each seeded mistake with the rule and step that caught it.

use std::path::PathBuf;
use std::process::Command;

use tkstep::check::{Rule, Severity};
use tkstep::plan::{
    Params, Plan, PlanFormat, ReadScaling, TO_MICROSERVICES, TO_READ_WRITE, write_plan,
};
use tkstep::steps::PlanRun;
use tkstep::{OpenOptions, Renderer};

use crate::common::manifest_dir as root;

fn plans_dir() -> PathBuf {
    root().join("testdata/plans")
}

fn load(text: &str) -> Result<Plan, String> {
    Plan::from_text(text, PlanFormat::Yaml, "plan.yaml").map_err(|e| e.to_string())
}

#[test]
fn builtin_plans_round_trip_through_both_formats() {
    let params = [
        Params::default(),
        Params {
            read_scaling: ReadScaling::AUTOSCALING_DEFAULT,
            zones: vec!["a".into(), "east-2".into()],
            ingester_replicas: Some(6),
            ..Params::default()
        },
    ];
    for p in &params {
        for name in [TO_READ_WRITE, TO_MICROSERVICES] {
            let plan = Plan::builtin(name, p).unwrap();
            for format in [PlanFormat::Yaml, PlanFormat::Json] {
                let text = write_plan(&plan, format).unwrap();
                let back = Plan::from_text(&text, format, "export").unwrap();
                assert_eq!(back, plan, "{name} via {format}");
                assert_eq!(
                    write_plan(&back, format).unwrap(),
                    text,
                    "{name} via {format}"
                );
            }
        }
    }
}

#[test]
fn export_uses_the_friendly_schema() {
    let plan = Plan::to_read_write(&Params::default());
    let yaml = write_plan(&plan, PlanFormat::Yaml).unwrap();
    // Flat steps: config / args / replicas, bare replica counts, quoted ids.
    assert!(yaml.contains("- id: \"5.2\"\n"), "{yaml}");
    assert!(
        yaml.contains("  replicas:\n    query_frontend_deployment: 0\n"),
        "{yaml}"
    );
    assert!(
        yaml.contains("  args:\n    store_gateway_args:\n"),
        "{yaml}"
    );
    assert!(yaml.contains("  remove_replicas:\n"), "{yaml}");
    assert!(!yaml.contains("change:"), "{yaml}");
}

#[test]
fn correct_copy_equals_the_builtin_plan() {
    let file = Plan::from_file(&plans_dir().join("to-read-write.yaml")).unwrap();
    assert_eq!(file, Plan::to_read_write(&Params::default()));
    let reverse = Plan::from_file(&plans_dir().join("to-microservices.yaml")).unwrap();
    let params = Params {
        ingester_replicas: Some(6),
        store_gateway_replicas: Some(3),
        ..Params::default()
    };
    assert_eq!(reverse, Plan::to_microservices(&params));
    let json = Plan::from_file(&plans_dir().join("to-microservices.json")).unwrap();
    assert_eq!(json, reverse);
}

const SMALL: &str = r#"
name: small
steps:
  - id: '1'
    name: one
    config: {deployment_mode: migration, mimir_read_replicas: 0}
    replicas: {querier_deployment: 0}
  - id: '2'
    name: two
    config: {mimir_read_replicas: 3}
  - id: '3'
    name: three
    config: {mimir_read_replicas: null}
    remove_replicas: [querier_deployment]
"#;

#[test]
fn steps_are_deltas() {
    let plan = load(SMALL).unwrap();
    let end = plan.cumulative(2);
    assert_eq!(
        end.config_value("deployment_mode"),
        Some(&"migration".into())
    );
    assert_eq!(end.config_value("mimir_read_replicas"), None);
    assert!(end.override_for("querier_deployment").is_none());

    // Deleting step 2: step 1's value holds until step 3 removes it.
    let mut without = plan.clone();
    without.steps.remove(1);
    assert_eq!(
        without.cumulative(0).config_value("mimir_read_replicas"),
        Some(&0.into())
    );
    // Reordering 2 and 3: the later step wins.
    let mut swapped = plan.clone();
    swapped.steps.swap(1, 2);
    let end = swapped.cumulative(2);
    assert_eq!(end.config_value("mimir_read_replicas"), Some(&3.into()));
    assert!(end.override_for("querier_deployment").is_none());
}

#[test]
fn invalid_files_name_file_line_and_field() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "name: p\nsteps:\n  - id: '1'\n    name: a\n    chnage: {}\n",
            "plan.yaml:5:5",
            &["steps[0].chnage: unknown field `chnage`", "config"],
        ),
        (
            "name: p\nsteps:\n  - id: '1'\n    name: a\n    kind: confg\n",
            "plan.yaml:5:",
            &["steps[0].kind: unknown variant `confg`"],
        ),
        (
            "name: p\nsteps:\n  - id: '1'\n    name: a\n    replicas:\n      querier_deployment: many\n",
            "plan.yaml:6:",
            &["steps[0].replicas.querier_deployment: ", "replica count"],
        ),
        (
            "name: p\nsteps:\n  - id: '1'\n    name: a\n    waits:\n      - reason: x\n        duration: 2d\n",
            "plan.yaml:7:",
            &["steps[0].waits[0].duration: ", "invalid duration '2d'"],
        ),
        (
            "name: p\nsteps:\n  - id: '1'\n    name: a\n    replicas: {my_sts: 0}\n",
            "plan.yaml:3:5: steps[0]: step '1': replicas.my_sts",
            &["kind: Deployment|StatefulSet"],
        ),
        (
            "name: p\nsteps:\n  - {id: '1', name: a}\n  - {id: '1', name: b}\n",
            "plan.yaml:",
            &["steps: step id '1' is used twice (steps[0] and steps[1])"],
        ),
        (
            "name: p\nsteps: []\n",
            "plan.yaml:2:8: steps: the plan has no steps",
            &[],
        ),
    ];
    for (text, prefix, parts) in cases {
        let err = load(text).unwrap_err();
        assert!(err.starts_with(prefix), "{err}");
        for part in *parts {
            assert!(err.contains(part), "{part}: {err}");
        }
    }
    let err = Plan::from_text(
        "{\"name\": \"p\",\n \"steps\": [{\"id\": \"1\", \"name\": \"a\",\n  \"config\": 3}]}",
        PlanFormat::Json,
        "plan.json",
    )
    .unwrap_err()
    .to_string();
    assert!(err.starts_with("plan.json:3:"), "{err}");
    assert!(err.contains("steps[0].config: invalid type"), "{err}");
    let missing = Plan::from_file(&plans_dir().join("no-such-plan.yaml")).unwrap_err();
    assert!(
        missing.to_string().contains("no-such-plan.yaml"),
        "{missing}"
    );
}

/// (plan file, rule, step) for each seeded mistake in a to-read-write plan.
const MISTAKES: &[(&str, Rule, &str)] = &[
    (
        "mistake-no-store-gateway-unregister.yaml",
        Rule::StoreGatewayUnregister,
        "5.2",
    ),
    (
        "mistake-no-mimir-write-scale-up.yaml",
        Rule::WriteHandover,
        "7.1",
    ),
    (
        "mistake-no-distributor-scale-down.yaml",
        Rule::IngesterZonesAfterDistributor,
        "7.2a",
    ),
];

#[test]
fn seeded_mistakes_in_plan_files_are_caught() {
    let env = root().join("testdata/project/environments/mimir-microservices");
    let renderer = Renderer::open(&env, &OpenOptions::default()).unwrap();
    let params = Params::default();
    let correct = Plan::from_file(&plans_dir().join("to-read-write.yaml")).unwrap();
    let baseline = PlanRun::new(&renderer, &correct, &params).unwrap().check();
    assert!(!baseline.has_errors(), "{}", baseline.to_text());
    for (file, rule, step) in MISTAKES {
        let plan = Plan::from_file(&plans_dir().join(file)).unwrap();
        let findings = PlanRun::new(&renderer, &plan, &params).unwrap().check();
        assert!(findings.has_errors(), "{file}");
        let hit = findings
            .findings
            .iter()
            .any(|f| f.rule == *rule && f.step == *step && f.severity == Severity::Error);
        assert!(
            hit,
            "{file}: expected {rule} at step {step}\n{}",
            findings.to_text()
        );
        // Nothing fires before the step the mistake affects.
        let first = findings
            .findings
            .iter()
            .find(|f| f.severity == Severity::Error)
            .unwrap();
        assert_eq!(first.step, *step, "{file}\n{}", findings.to_text());
    }
}

fn tkstep(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tkstep"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run tkstep");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn cli_check_with_plan_files_exits_3_on_a_mistake() {
    let env = "testdata/project/environments/mimir-microservices";
    let (code, out, _) = tkstep(&[
        "check",
        env,
        "--plan-file",
        "testdata/plans/mistake-no-store-gateway-unregister.yaml",
    ]);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("error[store-gateway-unregister]"), "{out}");
    let (code, out, _) = tkstep(&[
        "check",
        env,
        "--plan-file",
        "testdata/plans/to-read-write.yaml",
    ]);
    assert_eq!(code, 0, "{out}");
    let (code, _, err) = tkstep(&["check", env, "--plan-file", "Cargo.toml"]);
    assert_eq!(code, 1);
    assert!(err.contains("Cargo.toml:"), "{err}");
    let (code, _, err) = tkstep(&[
        "check",
        env,
        "--plan",
        "to-microservices",
        "--plan-file",
        "testdata/plans/to-read-write.yaml",
    ]);
    assert_eq!(code, 2, "--plan and --plan-file conflict: {err}");
}

#[test]
fn cli_exports_a_plan_that_loads_back() {
    let (code, yaml, err) = tkstep(&["plan", "--plan", "to-microservices", "--export", "yaml"]);
    assert_eq!(code, 0, "{err}");
    let plan = Plan::from_text(&yaml, PlanFormat::Yaml, "export").unwrap();
    assert_eq!(plan, Plan::to_microservices(&Params::default()));
    let (code, json, _) = tkstep(&["plan", "--export", "json"]);
    assert_eq!(code, 0);
    let plan = Plan::from_text(&json, PlanFormat::Json, "export").unwrap();
    assert_eq!(plan, Plan::to_read_write(&Params::default()));
}
