//! The built-in plan against the procedure, cumulative overlay state, adaptation to an
//! environment (through fake probes) and the overlay files (insta snapshots).

use std::collections::BTreeMap;

use serde_json::{Value, json};
use tkstep::overlay;
use tkstep::plan::{self, AdaptationKind, AdaptedPlan, Candidate, EnvProbe};
use tkstep::plan::{Params, Plan, PlanError, ReadScaling, StepKind};

use crate::common::{settings_without_expression as settings, shared_dir};

/// Steps of the procedure table: (id, name, kind) with `7.2a/b/c` expanded.
fn procedure_steps() -> Vec<(String, String, StepKind)> {
    let path = shared_dir().join("procedure.md");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let mut steps = Vec::new();
    for line in text.lines() {
        let cells: Vec<&str> = line
            .split(" | ")
            .map(|c| c.trim_matches(['|', ' ']))
            .collect();
        if cells.len() < 4 || !cells[0].starts_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        let change = cells[2];
        // "—": nothing changes (a verification); "load balancer …": routing outside Jsonnet.
        let kind = if change == "—" {
            StepKind::Verify
        } else if change.starts_with("load balancer") {
            StepKind::Route
        } else {
            StepKind::Config
        };
        if let Some((base, zones)) = cells[0].split_once('/').map(|_| {
            let (base, rest) = cells[0].split_at(cells[0].find('/').unwrap() - 1);
            (base, rest.split('/').collect::<Vec<_>>())
        }) {
            let name_base = cells[1].split(',').next().unwrap();
            let name_base = name_base.trim_end_matches(zones[0]);
            for zone in zones {
                steps.push((format!("{base}{zone}"), format!("{name_base}{zone}"), kind));
            }
        } else {
            steps.push((cells[0].to_string(), cells[1].to_string(), kind));
        }
    }
    steps
}

#[test]
#[ignore = "reference tier: reads ../shared/procedure.md (cargo test --locked -- --ignored)"]
fn step_ids_names_and_kinds_match_the_procedure() {
    let expected = procedure_steps();
    assert_eq!(expected.len(), 18, "procedure table parsed: {expected:?}");
    let plan = Plan::to_read_write(&Params::default());
    let actual: Vec<(String, String, StepKind)> = plan
        .steps
        .iter()
        .map(|s| (s.id.clone(), s.name.clone(), s.kind))
        .collect();
    assert_eq!(actual, expected);
}

#[test]
fn config_steps_change_jsonnet_and_the_others_do_not() {
    let plan = Plan::to_read_write(&Params::default());
    for step in &plan.steps {
        assert_eq!(
            step.kind == StepKind::Config,
            !step.change.is_empty(),
            "step {}",
            step.id
        );
    }
}

#[test]
fn cumulative_state_merges_the_deltas() {
    let plan = Plan::to_read_write(&Params::default());
    let at = |id: &str| plan.cumulative(plan.index_of(id).unwrap());

    // Later wins, in place: step 3.1 raises mimir_read_replicas set to 0 by step 2.
    let s = at("3.1");
    assert_eq!(s.config_value("mimir_read_replicas"), Some(&json!(3)));
    assert_eq!(s.config.get("mimir_read_replicas").unwrap().step, "3.1");
    assert_eq!(s.config_value("mimir_write_replicas"), Some(&json!(0)));
    let keys: Vec<&str> = s.config.keys().collect();
    assert_eq!(
        keys,
        [
            "multi_zone_ingester_enabled",
            "multi_zone_store_gateway_enabled",
            "deployment_mode",
            "mimir_write_replicas",
            "mimir_read_replicas",
            "mimir_backend_replicas",
            "autoscaling_mimir_read_enabled"
        ]
    );
    // Non-config steps keep the state.
    assert_eq!(at("3.3"), s);

    // 7.2b keeps 7.2a's override and every earlier one.
    let s = at("7.2b");
    for field in [
        "query_frontend_deployment",
        "compactor_statefulset",
        "distributor_deployment",
        "ingester_zone_a_statefulset",
        "ingester_zone_b_statefulset",
    ] {
        assert_eq!(
            s.override_for(field).map(|o| o.replicas),
            Some(0),
            "{field}"
        );
    }
    assert!(s.override_for("ingester_zone_c_statefulset").is_none());
    assert_eq!(
        s.hidden.get("store_gateway_args").unwrap().len(),
        1,
        "5.1's flag patch is kept"
    );

    // Step 8 switches to read-write and drops every microservice override.
    let s = at("8");
    assert_eq!(
        s.config_value("deployment_mode"),
        Some(&json!("read-write"))
    );
    assert!(s.overrides.is_empty(), "{:?}", s.overrides);
    assert_eq!(
        s.config_value("ruler_remote_evaluation_enabled"),
        Some(&json!(false))
    );
    assert_eq!(plan.cumulative(usize::MAX), s);
}

#[test]
fn autoscaled_read_path_changes_step_3_1() {
    let params = Params {
        read_scaling: ReadScaling::AUTOSCALING_DEFAULT,
        ..Params::default()
    };
    let plan = Plan::to_read_write(&params);
    let s = plan.cumulative(plan.index_of("3.1").unwrap());
    assert_eq!(
        s.config_value("mimir_read_replicas"),
        None,
        "no fixed count"
    );
    assert_eq!(
        s.config_value("autoscaling_mimir_read_enabled"),
        Some(&json!(true))
    );
    assert_eq!(
        s.config_value("autoscaling_mimir_read_min_replicas"),
        Some(&json!(3))
    );
    assert_eq!(
        s.config_value("autoscaling_mimir_read_max_replicas"),
        Some(&json!(30))
    );
}

/// A fake environment: `_config` values, objects it never renders, and the microservice objects
/// read-write mode drops.
struct FakeEnv {
    config: BTreeMap<String, Value>,
    never: Vec<&'static str>,
    import: Option<String>,
    renders_asked: Vec<String>,
}

const MICROSERVICES: &[&str] = &[
    "distributor",
    "overrides-exporter",
    "querier",
    "query-frontend",
    "query-scheduler",
    "ruler",
    "compactor",
    "ingester-zone-a",
    "ingester-zone-b",
    "ingester-zone-c",
    "alertmanager",
];

impl FakeEnv {
    fn new(config: Value, never: &[&'static str]) -> Self {
        let Value::Object(map) = config else {
            panic!("config must be an object")
        };
        Self {
            config: map.into_iter().collect(),
            never: never.to_vec(),
            import: None,
            renders_asked: Vec::new(),
        }
    }

    /// Everything renders; ruler remote evaluation and the overrides-exporter are on.
    fn everything() -> Self {
        Self::new(
            json!({
                "deployment_mode": "microservices",
                "multi_zone_ingester_enabled": true,
                "multi_zone_ingester_replicas": 3,
                "multi_zone_store_gateway_enabled": true,
                "multi_zone_store_gateway_replicas": 3,
                "ruler_remote_evaluation_enabled": true,
                "overrides_exporter_enabled": true,
                "autoscaling_querier_enabled": true,
            }),
            &[],
        )
        .with_import("ksonnet-util/kausal.libsonnet")
    }

    fn with_import(mut self, import: &str) -> Self {
        self.import = Some(import.to_string());
        self
    }
}

impl EnvProbe for FakeEnv {
    fn renders(&mut self, c: &Candidate<'_>, kind: &str, name: &str) -> tkstep::Result<bool> {
        self.renders_asked.push(format!("{} {kind} {name}", c.step));
        assert!(
            c.jsonnet().contains("_config+::"),
            "candidate Jsonnet is given"
        );
        if c.state.config_value("deployment_mode") == Some(&json!("read-write"))
            && MICROSERVICES.contains(&name)
        {
            return Ok(false);
        }
        Ok(!self.never.contains(&name))
    }

    fn config(&mut self, key: &str) -> tkstep::Result<Option<Value>> {
        Ok(self.config.get(key).cloned())
    }

    fn k8s_import(&mut self) -> tkstep::Result<Option<String>> {
        Ok(self.import.clone())
    }
}

fn messages(plan: &AdaptedPlan, step: &str) -> Vec<String> {
    plan.adaptations_of(step)
        .map(|a| a.message.clone())
        .collect()
}

#[test]
fn absent_overrides_exporter_loses_its_override() {
    let params = Params::default();
    let plan = Plan::to_read_write(&params);
    let mut env = FakeEnv::new(
        json!({"deployment_mode": "microservices", "multi_zone_ingester_enabled": true,
               "multi_zone_store_gateway_enabled": true, "ruler_enabled": true}),
        &["overrides-exporter"],
    );
    let adapted = plan::adapt(&plan, &params, &mut env).unwrap();
    let i = adapted.plan.index_of("5.2").unwrap();
    let fields: Vec<&str> = adapted.plan.steps[i]
        .change
        .overrides
        .iter()
        .map(|o| o.field.as_str())
        .collect();
    assert_eq!(
        fields,
        [
            "query_frontend_deployment",
            "query_scheduler_deployment",
            "querier_deployment",
            "ruler_deployment",
            "compactor_statefulset"
        ]
    );
    let msgs: Vec<&str> = adapted
        .adaptations_of("5.2")
        .filter(|a| a.kind == AdaptationKind::Changed)
        .map(|a| a.message.as_str())
        .collect();
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert!(
        msgs[0].contains("Deployment overrides-exporter")
            && msgs[0].contains("overrides_exporter_deployment"),
        "{msgs:?}"
    );
    let file = overlay::for_step(&adapted, i).unwrap();
    assert!(!file.code.contains("overrides_exporter_deployment+:"));
    assert!(
        file.code.contains("Deployment overrides-exporter"),
        "header states it"
    );
    // Step 8 no longer needs to remove the dropped override.
    let last = adapted.plan.steps.last().unwrap();
    assert!(
        !last
            .change
            .remove_overrides
            .iter()
            .any(|f| f == "overrides_exporter_deployment")
    );
    // Overrides were only probed at steps that add some.
    let steps: Vec<&str> = env
        .renders_asked
        .iter()
        .map(|s| s.split(' ').next().unwrap())
        .collect();
    assert!(
        steps
            .iter()
            .all(|s| ["5.2", "7.1", "7.2a", "7.2b", "7.2c"].contains(s)),
        "{steps:?}"
    );
}

#[test]
fn unused_remote_evaluation_makes_5_3_a_noop() {
    let params = Params::default();
    let plan = Plan::to_read_write(&params);
    let mut env = FakeEnv::new(json!({"deployment_mode": "microservices"}), &[]);
    let adapted = plan::adapt(&plan, &params, &mut env).unwrap();
    let i = adapted.plan.index_of("5.3").unwrap();
    assert!(adapted.is_noop(i));
    assert_eq!(adapted.params.ruler_remote_evaluation, Some(false));
    let msgs = messages(&adapted, "5.3");
    assert!(msgs[0].starts_with("nothing to do"), "{msgs:?}");
    let files = overlay::files(&adapted);
    let (prev, this) = (&files[5], &files[6]);
    assert_eq!(this.step_id, "5.3");
    assert!(this.code.contains("Nothing to do for this environment"));
    let body = |code: &str| {
        code[code.find("\n\n").unwrap()..]
            .split_once("\n{")
            .unwrap()
            .1
            .to_string()
    };
    assert_eq!(body(&prev.code), body(&this.code), "same Jsonnet as 5.2");
    assert!(!this.code.contains("ruler_remote_evaluation_enabled: false"));

    // The parameter wins over the environment.
    let params = Params {
        ruler_remote_evaluation: Some(true),
        ..Params::default()
    };
    let adapted = plan::adapt(&plan, &params, &mut env).unwrap();
    assert!(!adapted.is_noop(i));
    assert!(messages(&adapted, "5.3").is_empty());
}

#[test]
fn read_write_step_switches_off_what_read_write_mode_refuses() {
    let params = Params {
        ruler_remote_evaluation: Some(false),
        ..Params::default()
    };
    let plan = Plan::to_read_write(&params);
    let mut env = FakeEnv::new(
        json!({"deployment_mode": "microservices", "overrides_exporter_enabled": true,
               "ruler_remote_evaluation_enabled": true}),
        &[],
    );
    let adapted = plan::adapt(&plan, &params, &mut env).unwrap();
    let last = adapted.plan.steps.last().unwrap();
    assert_eq!(
        last.change.config.get("overrides_exporter_enabled"),
        Some(&json!(false))
    );
    // 5.3 was skipped by parameter, but the environment has it on: step 8 turns it off.
    assert_eq!(
        last.change.config.get("ruler_remote_evaluation_enabled"),
        Some(&json!(false))
    );
    // Querier autoscaling is already off since 5.2: nothing added.
    assert_eq!(last.change.config.get("autoscaling_querier_enabled"), None);
    let msgs = messages(&adapted, "8");
    assert_eq!(msgs.len(), 2, "{msgs:?}");
    assert!(msgs[0].contains("ruler_remote_evaluation_enabled"));
    assert!(msgs[1].contains("overrides_exporter_enabled"));
    let state = adapted.plan.cumulative(adapted.plan.steps.len() - 1);
    for key in plan::READ_WRITE_FORBIDDEN {
        assert_eq!(state.config_value(key), Some(&json!(false)), "{key}");
    }
}

#[test]
fn zone_awareness_is_noted_or_warned() {
    let params = Params::default();
    let plan = Plan::to_read_write(&params);
    let adapted = plan::adapt(&plan, &params, &mut FakeEnv::everything()).unwrap();
    let msgs: Vec<_> = adapted.adaptations_of("1").collect();
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0].kind, AdaptationKind::Note);
    assert!(msgs[0].message.starts_with("already satisfied"));

    let mut env = FakeEnv::new(json!({"deployment_mode": "microservices"}), &[]);
    let adapted = plan::adapt(&plan, &params, &mut env).unwrap();
    let msgs: Vec<_> = adapted.adaptations_of("1").collect();
    assert!(msgs.iter().all(|a| a.kind == AdaptationKind::Warning));
    let text: Vec<&str> = msgs.iter().map(|a| a.message.as_str()).collect();
    assert_eq!(text.len(), 4, "{text:?}");
    assert!(
        text[0].contains("single-zone ingester")
            && text[0].contains("multi_zone_ingester_migration_enabled")
    );
    assert!(text[1].starts_with("multi_zone_ingester_replicas is unset"));
    assert!(text[2].contains("single-zone store-gateway"));
}

#[test]
fn autoscaling_params_are_noted() {
    let params = Params {
        read_scaling: ReadScaling::Autoscaling { min: 4, max: 12 },
        ..Params::default()
    };
    let plan = Plan::to_read_write(&params);
    let adapted = plan::adapt(&plan, &params, &mut FakeEnv::everything()).unwrap();
    let msgs = messages(&adapted, "3.1");
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert!(msgs[0].contains("between 4 and 12"));
    let file = overlay::for_step(&adapted, adapted.plan.index_of("3.1").unwrap()).unwrap();
    assert!(
        file.code
            .contains("autoscaling_mimir_read_min_replicas: 4,  // step 3.1")
    );
    assert!(
        !file.code.contains("mimir_read_replicas:"),
        "no fixed read replicas"
    );

    // Fixed read replicas on an environment that autoscales queriers: a hint.
    let params = Params::default();
    let plan = Plan::to_read_write(&params);
    let adapted = plan::adapt(&plan, &params, &mut FakeEnv::everything()).unwrap();
    assert!(messages(&adapted, "3.1")[0].contains("autoscales its queriers"));
}

#[test]
fn alertmanager_dropped_by_read_write_mode_is_warned() {
    let params = Params::default();
    let plan = Plan::to_read_write(&params);
    let mut env = FakeEnv::everything();
    env.config
        .insert("alertmanager_enabled".into(), json!(true));
    let adapted = plan::adapt(&plan, &params, &mut env).unwrap();
    let warnings: Vec<_> = adapted
        .adaptations_of("8")
        .filter(|a| a.kind == AdaptationKind::Warning)
        .collect();
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].message.contains("alertmanager"));
}

#[test]
fn k8s_import_comes_from_params_environment_or_default() {
    let params = Params::default();
    let plan = Plan::to_read_write(&params);
    let mut env = FakeEnv::everything();
    env.import = Some("github.com/grafana/jsonnet-libs/ksonnet-util/kausal.libsonnet".into());
    let adapted = plan::adapt(&plan, &params, &mut env).unwrap();
    assert_eq!(adapted.import_source, plan::ImportSource::Environment);
    let files = overlay::files(&adapted);
    assert!(files[5].code.contains(
        "local k = import 'github.com/grafana/jsonnet-libs/ksonnet-util/kausal.libsonnet';"
    ));
    assert!(
        !files[0].code.contains("local k"),
        "step 1 needs no k8s library"
    );

    let params = Params {
        k8s_import: Some("k.libsonnet".into()),
        ..Params::default()
    };
    let adapted = plan::adapt(&plan, &params, &mut env).unwrap();
    assert_eq!(adapted.k8s_import(), "k.libsonnet");

    let mut env = FakeEnv::everything();
    env.import = None;
    let adapted = plan::adapt(&plan, &Params::default(), &mut env).unwrap();
    assert_eq!(adapted.import_source, plan::ImportSource::Default);
    assert!(
        messages(&adapted, "5.2")
            .iter()
            .any(|m| m.contains("ksonnet-util/kausal.libsonnet"))
    );
}

#[test]
fn environment_without_deployment_mode_is_not_mimir_like() {
    let plan = Plan::to_read_write(&Params::default());
    let mut env = FakeEnv::new(json!({"namespace": "x"}), &[]);
    let err = plan::adapt(&plan, &Params::default(), &mut env).unwrap_err();
    assert!(matches!(err, PlanError::NotMimirLike), "{err}");
}

#[test]
fn probe_errors_name_the_step() {
    struct Broken;
    impl EnvProbe for Broken {
        fn renders(&mut self, _: &Candidate<'_>, _: &str, _: &str) -> tkstep::Result<bool> {
            Err(tkstep::eval::EvalError::new("RUNTIME ERROR: boom").into())
        }
        fn config(&mut self, key: &str) -> tkstep::Result<Option<Value>> {
            Ok((key == "deployment_mode").then(|| json!("microservices")))
        }
        fn k8s_import(&mut self) -> tkstep::Result<Option<String>> {
            Ok(None)
        }
    }
    let plan = Plan::to_read_write(&Params::default());
    let err = plan::adapt(&plan, &Params::default(), &mut Broken).unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("adapting step 5.2 to the environment"),
        "{text}"
    );
    assert!(text.contains("RUNTIME ERROR: boom"), "{text}");
}

#[test]
fn overlay_files_are_named_and_numbered() {
    let plan = Plan::to_read_write(&Params::default());
    let adapted = AdaptedPlan::as_written(plan, &Params::default());
    let names: Vec<String> = overlay::files(&adapted)
        .into_iter()
        .map(|f| f.file_name)
        .collect();
    assert_eq!(
        names,
        [
            "01-1-zone-awareness.libsonnet",
            "02-2-deploy-rw-at-zero.libsonnet",
            "03-3.1-scale-up-read.libsonnet",
            "04-4.1-scale-up-backend.libsonnet",
            "05-5.1-store-gateway-leave-ring.libsonnet",
            "06-5.2-scale-down-read-backend.libsonnet",
            "07-5.3-disable-ruler-remote-eval.libsonnet",
            "08-6.1-scale-up-write.libsonnet",
            "09-7.1-scale-down-distributor.libsonnet",
            "10-7.2a-scale-down-ingester-zone-a.libsonnet",
            "11-7.2b-scale-down-ingester-zone-b.libsonnet",
            "12-7.2c-scale-down-ingester-zone-c.libsonnet",
            "13-8-cleanup-read-write.libsonnet",
        ]
    );
    // Verify/route steps use the overlay of the config step before them.
    let i = adapted.plan.index_of("3.3").unwrap();
    assert_eq!(overlay::for_step(&adapted, i).unwrap().step_id, "3.1");
    let overlay = overlay::for_step(&adapted, 0).unwrap().overlay();
    assert!(overlay.name.contains("step 1"));
    assert!(overlay.code.starts_with("// tkstep overlay 01/13"));
}

#[test]
fn plan_json_lists_steps_with_adaptations() {
    let params = Params::default();
    let plan = Plan::to_read_write(&params);
    let mut env = FakeEnv::new(
        json!({"deployment_mode": "microservices"}),
        &["overrides-exporter"],
    );
    let adapted = plan::adapt(&plan, &params, &mut env).unwrap();
    let json = adapted.to_json().unwrap();
    let steps = json.as_array().unwrap();
    assert_eq!(steps.len(), 18);
    let s = &steps[adapted.plan.index_of("5.3").unwrap()];
    assert_eq!(s["id"], "5.3");
    assert_eq!(s["name"], "disable-ruler-remote-eval");
    assert_eq!(s["kind"], "config");
    assert_eq!(s["overlay"], "07-5.3-disable-ruler-remote-eval.libsonnet");
    assert_eq!(s["nothing_to_do"], true);
    assert_eq!(s["adaptations"][0]["kind"], "changed");
    let s = &steps[adapted.plan.index_of("3.2").unwrap()];
    assert_eq!(s["kind"], "verify");
    assert!(s.get("overlay").is_none());
    assert!(
        s["checks"][0]["query"]
            .as_str()
            .unwrap()
            .contains("mimir-read")
    );
}

#[test]
fn snapshot_every_config_step_overlay() {
    let params = Params::default();
    let plan = Plan::to_read_write(&params);
    let adapted = plan::adapt(&plan, &params, &mut FakeEnv::everything()).unwrap();
    let files = overlay::files(&adapted);
    assert_eq!(files.len(), 13);
    settings().bind(|| {
        for file in &files {
            let name = format!("overlay@{}", file.file_name.trim_end_matches(".libsonnet"));
            insta::assert_snapshot!(name, file.code);
        }
        insta::assert_snapshot!(
            "overlay@README",
            overlay::readme(&adapted, "environments/mimir")
        );
    });
}

#[test]
fn snapshot_plan_listing_for_a_minimal_environment() {
    // No overrides-exporter, no ruler, no remote evaluation, zone-awareness off.
    let params = Params::default();
    let plan = Plan::to_read_write(&params);
    let mut env = FakeEnv::new(
        json!({"deployment_mode": "microservices", "multi_zone_ingester_replicas": 0}),
        &["overrides-exporter", "ruler"],
    );
    let adapted = plan::adapt(&plan, &params, &mut env).unwrap();
    let i = adapted.plan.index_of("5.2").unwrap();
    settings().bind(|| {
        insta::assert_snapshot!("plan-listing@minimal-env", adapted.to_text());
        insta::assert_snapshot!(
            "overlay@minimal-env-06-5.2",
            overlay::for_step(&adapted, i).unwrap().code
        );
    });
}
