//! The built-in `to-microservices` plan (read-write → microservices) on the mimir-read-write
//! test environment: rendered for real, checked with the mirrored rules, snapshots of its
//! overlays, diff summary and replica timeline, and seeded mistakes (plan files) caught by
//! the right rule at the right step.

use std::path::Path;
use std::sync::OnceLock;

use tkstep::check::{Rule, Severity};
use tkstep::diff::DiffOptions;
use tkstep::mimir::Direction;
use tkstep::plan::{Params, Plan, TO_MICROSERVICES};
use tkstep::steps::{self, PlanRun};
use tkstep::{OpenOptions, Renderer, overlay};

use crate::common::{manifest_dir as root, settings_without_expression as settings};

fn renderer() -> Renderer {
    let env = root().join("testdata/project/environments/mimir-read-write");
    Renderer::open(&env, &OpenOptions::default()).expect("open mimir-read-write")
}

/// The built-in reverse plan as the CLI selects it (parameters resolved from the environment),
/// rendered once for all tests.
fn builtin_run() -> &'static PlanRun {
    static RUN: OnceLock<PlanRun> = OnceLock::new();
    RUN.get_or_init(|| {
        let renderer = renderer();
        let params = steps::resolve_params(&renderer, &Params::default()).unwrap();
        let plan = Plan::builtin(TO_MICROSERVICES, &params).unwrap();
        PlanRun::new(&renderer, &plan, &params).unwrap()
    })
}

fn file_run(renderer: &Renderer, file: &str) -> PlanRun {
    let plan = Plan::from_file(&root().join("testdata/plans").join(file)).unwrap();
    PlanRun::new(renderer, &plan, &Params::default()).unwrap()
}

#[test]
fn replica_totals_come_from_the_read_write_side() {
    let r = renderer();
    let params = steps::resolve_params(&r, &Params::default()).unwrap();
    // main.jsonnet sets mimir_write_replicas: 6 and mimir_backend_replicas: 3.
    assert_eq!(params.ingester_replicas, Some(6));
    assert_eq!(params.store_gateway_replicas, Some(3));
    // Explicit parameters win.
    let given = Params {
        ingester_replicas: Some(9),
        ..Params::default()
    };
    let params = steps::resolve_params(&r, &given).unwrap();
    assert_eq!(params.ingester_replicas, Some(9));
}

#[test]
fn reverse_plan_passes_every_mirrored_rule() {
    let run = builtin_run();
    assert_eq!(run.direction(), Direction::ToMicroservices);
    let findings = run.check();
    let errors: Vec<_> = findings
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Info)
        .collect();
    assert!(errors.is_empty(), "{}", findings.to_text());
    assert!(!findings.has_errors());
    // The only notes: the read-write side's volumes, left behind by the final step.
    let pvcs: Vec<&str> = findings
        .of_rule(Rule::LeftoverPvcs)
        .map(|f| f.objects[0].as_str())
        .collect();
    assert_eq!(
        pvcs,
        [
            "StatefulSet/mimir-backend-zone-a",
            "StatefulSet/mimir-backend-zone-b",
            "StatefulSet/mimir-backend-zone-c",
            "StatefulSet/mimir-write-zone-a",
            "StatefulSet/mimir-write-zone-b",
            "StatefulSet/mimir-write-zone-c"
        ]
    );
}

#[test]
fn final_state_runs_every_microservice_and_nothing_of_read_write() {
    let run = builtin_run();
    let last = run.steps.last().unwrap();
    assert_eq!(last.id, "8");
    let replicas = |kind: &str, name: &str| {
        last.manifests
            .iter()
            .find(|m| m.kind() == kind && m.name() == name)
            .and_then(|m| m.0.get("spec")?.get("replicas")?.as_i64())
    };
    for (kind, name, want) in [
        ("Deployment", "distributor", 3),
        ("Deployment", "query-frontend", 2),
        ("Deployment", "querier", 6),
        ("Deployment", "query-scheduler", 2),
        ("StatefulSet", "compactor", 1),
        ("StatefulSet", "ingester-zone-a", 2),
        ("StatefulSet", "ingester-zone-b", 2),
        ("StatefulSet", "ingester-zone-c", 2),
        ("StatefulSet", "store-gateway-zone-a", 1),
        ("StatefulSet", "store-gateway-zone-b", 1),
        ("StatefulSet", "store-gateway-zone-c", 1),
    ] {
        assert_eq!(replicas(kind, name), Some(want), "{kind}/{name}");
    }
    let leftovers: Vec<String> = last
        .manifests
        .iter()
        .filter(|m| {
            ["mimir-read", "mimir-write", "mimir-backend"]
                .iter()
                .any(|p| m.name().starts_with(p))
        })
        .map(|m| format!("{}/{}", m.kind(), m.name()))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // The final overlay: microservices mode, no read-write key, flag patch or override.
    let code = &last.overlay.as_ref().unwrap().code;
    let body = &code[code.find("\n\n").unwrap()..];
    assert!(body.contains("deployment_mode: 'microservices'"), "{body}");
    assert!(
        body.contains("autoscaling_mimir_read_enabled: false"),
        "{body}"
    );
    for gone in [
        "mimir_write_replicas",
        "mimir_read_replicas",
        "mimir_backend_replicas",
        "mimir_backend_args",
        "mimir_write_zone_",
        "withReplicas",
    ] {
        assert!(
            !body.contains(gone),
            "{gone} left in the final overlay:\n{body}"
        );
    }
}

#[test]
fn reverse_overlays_snapshots() {
    let run = builtin_run();
    let files = overlay::files(&run.plan);
    assert_eq!(files.len(), 11);
    for file in &files {
        settings().bind(|| {
            insta::assert_snapshot!(
                format!(
                    "reverse-overlay@{}",
                    file.file_name.trim_end_matches(".libsonnet")
                ),
                file.code
            )
        });
    }
}

#[test]
fn reverse_diff_summary_and_timeline_snapshots() {
    let run = builtin_run();
    let diffs = run.diffs(&DiffOptions::new());
    let mut text = String::new();
    for (step, diff) in run.steps.iter().skip(1).zip(&diffs) {
        text.push_str(&format!(
            "# step {} {}: {}\n",
            step.id,
            step.name,
            diff.summary()
        ));
        if diff.has_changes() {
            text.push_str(&diff.diffstat().render(false));
            text.push('\n');
        }
        text.push('\n');
    }
    // Step 1 keeps the zone flags the read-write environment already has: nothing changes.
    assert!(!diffs[0].has_changes());
    settings().bind(|| insta::assert_snapshot!("reverse-diff-summary", text));
    let timeline = run.timeline().render();
    assert!(timeline.contains("StatefulSet/mimir-write-zone-a"));
    settings().bind(|| insta::assert_snapshot!("reverse-timeline", timeline));
}

/// (plan file, rule, step) for each seeded mistake in a reverse plan.
const REVERSE_MISTAKES: &[(&str, Rule, &str)] = &[
    (
        "reverse-mistake-no-backend-unregister.yaml",
        Rule::StoreGatewayUnregister,
        "5.2",
    ),
    (
        "reverse-mistake-no-write-scale-up.yaml",
        Rule::WriteHandover,
        "7.2a",
    ),
    (
        "reverse-mistake-two-write-zones-at-once.yaml",
        Rule::IngesterZonesOnePerStep,
        "7.2a",
    ),
    (
        "reverse-mistake-read-before-backend.yaml",
        Rule::RulerRemoteEval,
        "5.2",
    ),
];

#[test]
fn correct_reverse_plan_files_pass() {
    let r = renderer();
    for file in ["to-microservices.yaml", "to-microservices.json"] {
        let run = file_run(&r, file);
        assert_eq!(run.direction(), Direction::ToMicroservices, "{file}");
        let findings = run.check();
        assert!(!findings.has_errors(), "{file}: {}", findings.to_text());
    }
}

#[test]
fn seeded_reverse_mistakes_are_caught() {
    let r = renderer();
    for (file, rule, step) in REVERSE_MISTAKES {
        let run = file_run(&r, file);
        let findings = run.check();
        assert!(findings.has_errors(), "{file}");
        let first = findings
            .findings
            .iter()
            .find(|f| f.severity == Severity::Error)
            .unwrap_or_else(|| panic!("{file}: no error\n{}", findings.to_text()));
        assert_eq!(
            (first.rule, first.step.as_str()),
            (*rule, *step),
            "{file}: first error\n{}",
            findings.to_text()
        );
    }
}

#[test]
fn reverse_mistake_files_differ_from_the_correct_copy_only_as_described() {
    // Each mistake file is the correct plan with the seeded change: same name and direction.
    let dir = root().join("testdata/plans");
    let correct = Plan::from_file(&dir.join("to-microservices.yaml")).unwrap();
    for (file, _, _) in REVERSE_MISTAKES {
        let plan = Plan::from_file(&dir.join(file)).unwrap();
        assert_eq!(plan.name, correct.name, "{file}");
        assert_eq!(plan.direction(), Direction::ToMicroservices, "{file}");
        assert!(
            plan.steps.len().abs_diff(correct.steps.len()) <= 1,
            "{file}"
        );
    }
    assert!(Path::new(&dir.join("to-microservices.json")).is_file());
}
