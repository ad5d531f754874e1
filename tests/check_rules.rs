//! Migration checks on synthetic renders: a correct 18-step plan passes every rule, and each
//! seeded mistake is caught by the right rule at the right step.

use serde_json::{Value, json};
use tkstep::check::{self, Findings, Rule, Severity, StepRender};
use tkstep::manifest::Manifest;
use tkstep::mimir::Direction;

// ---------------------------------------------------------------------------------------------
// Object constructors

fn manifest(v: Value) -> Manifest {
    match v {
        Value::Object(m) => Manifest::new(m),
        other => panic!("not an object: {other}"),
    }
}

fn containers(name: &str, args: &[String]) -> Value {
    json!([{ "name": name, "image": "grafana/mimir:2.7.1", "args": args }])
}

/// A Deployment; `replicas: None` leaves `spec.replicas` out (autoscaled or default 1).
fn deployment(name: &str, replicas: Option<i64>, args: &[String]) -> Manifest {
    let mut spec = json!({
        "selector": { "matchLabels": { "name": name } },
        "template": { "metadata": { "labels": { "name": name } },
                      "spec": { "containers": containers(name, args) } }
    });
    if let Some(r) = replicas {
        spec["replicas"] = json!(r);
    }
    manifest(json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": { "name": name, "namespace": "default" },
        "spec": spec
    }))
}

/// A StatefulSet with one volumeClaimTemplate per entry of `vct`.
fn statefulset(name: &str, replicas: Option<i64>, vct: &[&str], args: &[String]) -> Manifest {
    let claims: Vec<Value> = vct
        .iter()
        .map(|c| {
            json!({ "apiVersion": "v1", "kind": "PersistentVolumeClaim",
                         "metadata": { "name": c },
                         "spec": { "accessModes": ["ReadWriteOnce"],
                                   "resources": { "requests": { "storage": "100Gi" } } } })
        })
        .collect();
    let mut spec = json!({
        "serviceName": name,
        "selector": { "matchLabels": { "name": name } },
        "template": { "metadata": { "labels": { "name": name } },
                      "spec": { "containers": containers(name, args) } },
        "volumeClaimTemplates": claims
    });
    if let Some(r) = replicas {
        spec["replicas"] = json!(r);
    }
    manifest(json!({
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": { "name": name, "namespace": "default" },
        "spec": spec
    }))
}

/// Mimir component `name` as a Deployment running `-target=<name>`.
fn component_deployment(name: &str, replicas: i64) -> Manifest {
    deployment(name, Some(replicas), &[format!("-target={name}")])
}

/// Mimir component `name` as a StatefulSet running `-target=<name>`, with a `<name>-data` claim.
fn component_statefulset(name: &str, replicas: i64) -> Manifest {
    let claim = format!("{name}-data");
    statefulset(
        name,
        Some(replicas),
        &[&claim],
        &[format!("-target={name}")],
    )
}

/// A KEDA ScaledObject scaling Deployment `target`.
fn scaled_object(name: &str, target: &str, min: i64, max: i64) -> Manifest {
    manifest(json!({
        "apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject",
        "metadata": { "name": name, "namespace": "default" },
        "spec": { "scaleTargetRef": { "name": target },
                  "minReplicaCount": min, "maxReplicaCount": max, "pollingInterval": 10 }
    }))
}

fn service(name: &str) -> Manifest {
    manifest(json!({
        "apiVersion": "v1", "kind": "Service",
        "metadata": { "name": name, "namespace": "default" },
        "spec": { "selector": { "name": name } }
    }))
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

// ---------------------------------------------------------------------------------------------
// A Mimir-like environment as the handful of settings the checks look at

#[derive(Clone, Copy, Debug)]
enum Scale {
    Fixed(i64),
    Auto { min: i64, max: i64 },
}

#[derive(Clone, Debug)]
struct Env {
    distributor: Option<i64>,
    ingester: Option<i64>,
    ingester_zones: [Option<i64>; 3],
    query_frontend: Option<i64>,
    querier: Option<Scale>,
    query_scheduler: Option<i64>,
    ruler: Option<i64>,
    /// Replicas of ruler-querier / ruler-query-frontend / ruler-query-scheduler; `None` when
    /// remote evaluation is off.
    ruler_remote: Option<i64>,
    compactor: Option<i64>,
    overrides_exporter: Option<i64>,
    store_gateway: Option<i64>,
    store_gateway_zones: [Option<i64>; 3],
    store_gateway_unregister: bool,
    alertmanager: Option<i64>,
    mimir_read: Option<Scale>,
    mimir_write: [Option<i64>; 3],
    mimir_backend: [Option<i64>; 3],
    backend_unregister: bool,
}

const ZONES: [char; 3] = ['a', 'b', 'c'];
const NS: &str = "default.svc.cluster.local:9095";

/// Microservices, already zone-aware, ruler with remote evaluation, autoscaled querier.
fn zone_aware_microservices() -> Env {
    Env {
        distributor: Some(3),
        ingester: None,
        ingester_zones: [Some(2); 3],
        query_frontend: Some(2),
        querier: Some(Scale::Auto { min: 3, max: 30 }),
        query_scheduler: Some(2),
        ruler: Some(2),
        ruler_remote: Some(2),
        compactor: Some(1),
        overrides_exporter: Some(1),
        store_gateway: None,
        store_gateway_zones: [Some(1); 3],
        store_gateway_unregister: false,
        alertmanager: None,
        mimir_read: None,
        mimir_write: [None; 3],
        mimir_backend: [None; 3],
        backend_unregister: false,
    }
}

/// The same environment before zone-awareness: single-zone ingesters and store-gateways.
fn single_zone_microservices() -> Env {
    Env {
        ingester: Some(3),
        ingester_zones: [None; 3],
        store_gateway: Some(3),
        store_gateway_zones: [None; 3],
        ..zone_aware_microservices()
    }
}

fn scaled(out: &mut Vec<Manifest>, name: &str, scale: Scale, args: &[String]) {
    match scale {
        Scale::Fixed(n) => out.push(deployment(name, Some(n), args)),
        Scale::Auto { min, max } => {
            out.push(deployment(name, None, args));
            out.push(scaled_object(name, name, min, max));
        }
    }
}

fn render(e: &Env) -> Vec<Manifest> {
    let mut out = vec![service("gossip-ring")];
    out.push(statefulset("memcached", Some(3), &[], &args(&["-m=6144"])));
    let any_zone = e
        .ingester_zones
        .iter()
        .chain(&e.store_gateway_zones)
        .any(Option::is_some)
        || e.mimir_write.iter().any(Option::is_some);
    if any_zone {
        out.push(deployment(
            "rollout-operator",
            Some(1),
            &args(&["-kubernetes.namespace=default"]),
        ));
    }
    out.extend(
        e.distributor
            .map(|n| component_deployment("distributor", n)),
    );
    out.extend(e.ingester.map(|n| component_statefulset("ingester", n)));
    for (z, r) in ZONES.iter().zip(e.ingester_zones) {
        if let Some(n) = r {
            let zone_arg = format!("-ingester.ring.instance-availability-zone=zone-{z}");
            out.push(statefulset(
                &format!("ingester-zone-{z}"),
                Some(n),
                &["ingester-data"],
                &[zone_arg, "-target=ingester".into()],
            ));
        }
    }
    out.extend(
        e.query_frontend
            .map(|n| component_deployment("query-frontend", n)),
    );
    if let Some(s) = e.querier {
        scaled(&mut out, "querier", s, &args(&["-target=querier"]));
    }
    out.extend(
        e.query_scheduler
            .map(|n| component_deployment("query-scheduler", n)),
    );
    if let Some(n) = e.ruler {
        let mut a = vec!["-target=ruler".to_string()];
        if e.ruler_remote.is_some() {
            a.insert(
                0,
                format!("-ruler.query-frontend.address=dns:///ruler-query-frontend.{NS}"),
            );
        }
        out.push(deployment("ruler", Some(n), &a));
    }
    if let Some(n) = e.ruler_remote {
        out.push(deployment(
            "ruler-querier",
            None,
            &args(&["-target=querier"]),
        ));
        out.push(scaled_object("ruler-querier", "ruler-querier", n, 10));
        out.push(deployment(
            "ruler-query-frontend",
            Some(n),
            &args(&["-target=query-frontend"]),
        ));
        out.push(deployment(
            "ruler-query-scheduler",
            Some(n),
            &args(&["-target=query-scheduler"]),
        ));
        out.push(service("ruler-query-frontend"));
    }
    out.extend(e.compactor.map(|n| component_statefulset("compactor", n)));
    out.extend(
        e.overrides_exporter
            .map(|n| component_deployment("overrides-exporter", n)),
    );
    out.extend(
        e.store_gateway
            .map(|n| component_statefulset("store-gateway", n)),
    );
    for (z, r) in ZONES.iter().zip(e.store_gateway_zones) {
        if let Some(n) = r {
            let a = vec![
                format!(
                    "-store-gateway.sharding-ring.unregister-on-shutdown={}",
                    e.store_gateway_unregister
                ),
                "-target=store-gateway".into(),
            ];
            out.push(statefulset(
                &format!("store-gateway-zone-{z}"),
                Some(n),
                &["store-gateway-data"],
                &a,
            ));
        }
    }
    out.extend(
        e.alertmanager
            .map(|n| component_statefulset("alertmanager", n)),
    );
    if let Some(s) = e.mimir_read {
        scaled(&mut out, "mimir-read", s, &args(&["-target=read"]));
        out.push(service("mimir-read-headless"));
    }
    for (z, r) in ZONES.iter().zip(e.mimir_write) {
        if let Some(n) = r {
            out.push(statefulset(
                &format!("mimir-write-zone-{z}"),
                Some(n),
                &["mimir-write-data"],
                &args(&["-target=write"]),
            ));
        }
    }
    for (z, r) in ZONES.iter().zip(e.mimir_backend) {
        if let Some(n) = r {
            let a = vec![
                format!("-ruler.query-frontend.address=dns:///mimir-read-headless.{NS}"),
                format!(
                    "-store-gateway.sharding-ring.unregister-on-shutdown={}",
                    e.backend_unregister
                ),
                "-target=backend".into(),
            ];
            out.push(statefulset(
                &format!("mimir-backend-zone-{z}"),
                Some(n),
                &["mimir-backend-data"],
                &a,
            ));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Plans: steps are cumulative mutations of the environment

#[derive(Clone, Copy)]
struct Step {
    id: &'static str,
    name: &'static str,
    apply: fn(&mut Env),
}

fn step(id: &'static str, name: &'static str, apply: fn(&mut Env)) -> Step {
    Step { id, name, apply }
}

fn nothing(_: &mut Env) {}

/// procedure.md's 18 steps, applied to [`zone_aware_microservices`] (step 1 changes nothing
/// there: the environment already did Mimir's zone-aware migration).
fn correct_plan() -> Vec<Step> {
    vec![
        step("1", "zone-awareness", |e| {
            if e.ingester_zones.iter().all(Option::is_none) {
                e.ingester_zones = [Some(1); 3];
                e.ingester = None;
            }
            if e.store_gateway_zones.iter().all(Option::is_none) {
                e.store_gateway_zones = [Some(1); 3];
                e.store_gateway = None;
            }
        }),
        step("2", "deploy-rw-at-zero", |e| {
            e.mimir_read = Some(Scale::Fixed(0));
            e.mimir_write = [Some(0); 3];
            e.mimir_backend = [Some(0); 3];
        }),
        step("3.1", "scale-up-read", |e| {
            e.mimir_read = Some(Scale::Fixed(3))
        }),
        step("3.2", "check-read", nothing),
        step("3.3", "route-read", nothing),
        step("4.1", "scale-up-backend", |e| {
            e.mimir_backend = [Some(1); 3]
        }),
        step("4.2", "check-backend", nothing),
        step("4.3", "route-backend", nothing),
        step("5.1", "store-gateway-leave-ring", |e| {
            e.store_gateway_unregister = true;
            e.backend_unregister = false;
        }),
        step("5.2", "scale-down-read-backend", |e| {
            e.store_gateway_zones = [Some(0); 3];
            e.querier = Some(Scale::Fixed(0));
            e.query_frontend = Some(0);
            e.query_scheduler = Some(0);
            e.ruler = Some(0);
            e.overrides_exporter = Some(0);
            e.compactor = Some(0);
        }),
        step("5.3", "disable-ruler-remote-eval", |e| {
            e.ruler_remote = None
        }),
        step("6.1", "scale-up-write", |e| e.mimir_write = [Some(1); 3]),
        step("6.2", "route-write", nothing),
        step("7.1", "scale-down-distributor", |e| e.distributor = Some(0)),
        step("7.2a", "scale-down-ingester-zone-a", |e| {
            e.ingester_zones[0] = Some(0)
        }),
        step("7.2b", "scale-down-ingester-zone-b", |e| {
            e.ingester_zones[1] = Some(0)
        }),
        step("7.2c", "scale-down-ingester-zone-c", |e| {
            e.ingester_zones[2] = Some(0)
        }),
        step("8", "cleanup-read-write", |e| {
            e.distributor = None;
            e.ingester = None;
            e.ingester_zones = [None; 3];
            e.query_frontend = None;
            e.querier = None;
            e.query_scheduler = None;
            e.ruler = None;
            e.ruler_remote = None;
            e.compactor = None;
            e.overrides_exporter = None;
            e.store_gateway = None;
            e.store_gateway_zones = [None; 3];
            // This library version's read-write mode deploys no alertmanager.
            e.alertmanager = None;
        }),
    ]
}

/// The final overlay of a correct plan: the `_config` of all steps, the harmless hidden args
/// of step 5.1, and the step 5.2 patches deleted (a comment mentions one; it must not count).
const CLEAN_FINAL_OVERLAY: &str = r#"{
  _config+:: {
    multi_zone_ingester_enabled: true,
    multi_zone_store_gateway_enabled: true,
    deployment_mode: 'read-write',
    mimir_write_replicas: 3,
    mimir_read_replicas: 3,
    mimir_backend_replicas: 3,
    autoscaling_mimir_read_enabled: false,
    autoscaling_querier_enabled: false,
    ruler_remote_evaluation_enabled: false,
    autoscaling_ruler_querier_enabled: false,
  },
  // step 5.2 had: query_frontend_deployment+: deployment.mixin.spec.withReplicas(0),
  store_gateway_args+:: { 'store-gateway.sharding-ring.unregister-on-shutdown': true },
  mimir_backend_args+:: { 'store-gateway.sharding-ring.unregister-on-shutdown': false },
}
"#;

/// The final overlay of step 8 done wrong: the 5.2 `withReplicas(0)` patches kept.
const LEFTOVER_FINAL_OVERLAY: &str = r#"local k = import 'k.libsonnet';
local deployment = k.apps.v1.deployment, statefulSet = k.apps.v1.statefulSet;
{
  _config+:: { deployment_mode: 'read-write', multi_zone_store_gateway_replicas: 0 },
  query_frontend_deployment+: deployment.mixin.spec.withReplicas(0),
  querier_deployment+: deployment.mixin.spec.withReplicas(0),
  compactor_statefulset+: statefulSet.mixin.spec.withReplicas(0),
  ingester_zone_a_statefulset+: statefulSet.mixin.spec.withReplicas(0),
}
"#;

fn render_plan(before: Env, plan: &[Step]) -> Vec<StepRender> {
    let mut env = before;
    let mut out = vec![StepRender {
        id: "before".into(),
        name: "before".into(),
        manifests: render(&env),
    }];
    for s in plan {
        (s.apply)(&mut env);
        out.push(StepRender {
            id: s.id.into(),
            name: s.name.into(),
            manifests: render(&env),
        });
    }
    out
}

fn check_plan(before: Env, plan: &[Step], overlay: &str) -> Findings {
    check::run(
        &render_plan(before, plan),
        Direction::ToReadWrite,
        Some(overlay),
    )
}

/// Errors and warnings as sorted `(rule id, step id)` pairs.
fn problems(f: &Findings) -> Vec<(&'static str, String)> {
    let mut v: Vec<_> = f
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Info)
        .map(|f| (f.rule.id(), f.step.clone()))
        .collect();
    v.sort();
    v
}

fn expect(list: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    let mut v: Vec<_> = list.iter().map(|(r, s)| (*r, s.to_string())).collect();
    v.sort();
    v
}

fn replace(plan: &mut [Step], id: &str, apply: fn(&mut Env)) {
    let s = plan.iter_mut().find(|s| s.id == id).expect("step exists");
    s.apply = apply;
}

fn remove(plan: &mut Vec<Step>, id: &str) {
    plan.retain(|s| s.id != id);
}

/// Move step `id` just before step `before`.
fn move_before(plan: &mut Vec<Step>, id: &str, before: &str) {
    let pos = plan.iter().position(|s| s.id == id).expect("step exists");
    let s = plan.remove(pos);
    let at = plan
        .iter()
        .position(|s| s.id == before)
        .expect("step exists");
    plan.insert(at, s);
}

// ---------------------------------------------------------------------------------------------
// The correct plan

#[test]
fn correct_plan_passes_every_rule() {
    let plan = correct_plan();
    assert_eq!(plan.len(), 18);
    let f = check_plan(zone_aware_microservices(), &plan, CLEAN_FINAL_OVERLAY);
    assert_eq!(problems(&f), [], "{}", f.to_text());
    assert!(!f.has_errors());
    assert!(!f.has_errors());
    // Only the PVCs the clean-up leaves behind are reported, as info, at step 8.
    let infos: Vec<&str> = f
        .findings
        .iter()
        .map(|x| {
            assert_eq!(
                (x.rule, x.severity, x.step.as_str()),
                (Rule::LeftoverPvcs, Severity::Info, "8")
            );
            x.objects[0].as_str()
        })
        .collect();
    assert_eq!(
        infos,
        [
            "StatefulSet/compactor",
            "StatefulSet/ingester-zone-a",
            "StatefulSet/ingester-zone-b",
            "StatefulSet/ingester-zone-c",
            "StatefulSet/store-gateway-zone-a",
            "StatefulSet/store-gateway-zone-b",
            "StatefulSet/store-gateway-zone-c",
        ]
    );
    let zone_a = f
        .findings
        .iter()
        .find(|x| x.objects[0] == "StatefulSet/ingester-zone-a")
        .unwrap();
    assert_eq!(
        zone_a.objects[1..],
        [
            "PersistentVolumeClaim/ingester-data-ingester-zone-a-0",
            "PersistentVolumeClaim/ingester-data-ingester-zone-a-1"
        ]
    );
}

#[test]
fn correct_plan_with_autoscaled_read_passes() {
    let mut plan = correct_plan();
    replace(&mut plan, "3.1", |e| {
        e.mimir_read = Some(Scale::Auto { min: 3, max: 30 })
    });
    let f = check_plan(zone_aware_microservices(), &plan, CLEAN_FINAL_OVERLAY);
    assert_eq!(problems(&f), [], "{}", f.to_text());
}

#[test]
fn a_deployment_without_replicas_or_autoscaler_counts_as_one() {
    let mut plan = correct_plan();
    // mimir-read rendered without spec.replicas and without ScaledObject: Kubernetes runs 1.
    replace(&mut plan, "3.1", |e| {
        e.mimir_read = Some(Scale::Auto { min: 3, max: 30 })
    });
    let mut steps = render_plan(zone_aware_microservices(), &plan);
    for s in &mut steps {
        s.manifests.retain(|m| {
            !(m.0.get("kind") == Some(&json!("ScaledObject"))
                && m.0["metadata"]["name"] == json!("mimir-read"))
        });
    }
    let f = check::run(&steps, Direction::ToReadWrite, None);
    assert_eq!(problems(&f), [], "{}", f.to_text());
}

// ---------------------------------------------------------------------------------------------
// Seeded mistakes, one or more per rule

#[test]
fn skipping_5_1_is_caught_at_5_2() {
    let mut plan = correct_plan();
    remove(&mut plan, "5.1");
    let f = check_plan(zone_aware_microservices(), &plan, CLEAN_FINAL_OVERLAY);
    assert_eq!(problems(&f), expect(&[("store-gateway-unregister", "5.2")]));
    let x = f.of_rule(Rule::StoreGatewayUnregister).next().unwrap();
    assert_eq!(
        x.objects,
        [
            "StatefulSet/store-gateway-zone-a",
            "StatefulSet/store-gateway-zone-b",
            "StatefulSet/store-gateway-zone-c"
        ]
    );
    assert!(x.reason.contains("step 4.3"), "{}", x.reason);
    assert!(f.has_errors());
}

#[test]
fn setting_unregister_in_the_scale_down_step_is_too_late() {
    let mut plan = correct_plan();
    remove(&mut plan, "5.1");
    replace(&mut plan, "5.2", |e| {
        e.store_gateway_unregister = true;
        e.store_gateway_zones = [Some(0); 3];
        e.querier = Some(Scale::Fixed(0));
        e.query_frontend = Some(0);
        e.query_scheduler = Some(0);
        e.ruler = Some(0);
        e.overrides_exporter = Some(0);
        e.compactor = Some(0);
    });
    let f = check_plan(zone_aware_microservices(), &plan, CLEAN_FINAL_OVERLAY);
    assert_eq!(problems(&f), expect(&[("store-gateway-unregister", "5.2")]));
    assert!(
        f.findings[0].reason.contains("too late"),
        "{}",
        f.findings[0].reason
    );
}

#[test]
fn unregister_leaking_into_mimir_backend_is_caught() {
    let mut plan = correct_plan();
    // store_gateway_args+:: {…: true} without the mimir_backend_args override.
    replace(&mut plan, "5.1", |e| {
        e.store_gateway_unregister = true;
        e.backend_unregister = true;
    });
    let f = check_plan(zone_aware_microservices(), &plan, CLEAN_FINAL_OVERLAY);
    assert_eq!(
        problems(&f),
        expect(&[("store-gateway-keep-registered", "5.1")])
    );
    let x = f.of_rule(Rule::StoreGatewayKeepRegistered).next().unwrap();
    assert_eq!(x.objects.len(), 3);
    assert!(x.reason.contains("mimir_backend_args"), "{}", x.reason);
}

#[test]
fn ingester_zones_a_and_b_in_one_step() {
    let mut plan = correct_plan();
    replace(&mut plan, "7.2a", |e| {
        e.ingester_zones[0] = Some(0);
        e.ingester_zones[1] = Some(0);
    });
    let f = check_plan(zone_aware_microservices(), &plan, CLEAN_FINAL_OVERLAY);
    assert_eq!(
        problems(&f),
        expect(&[("ingester-zones-one-per-step", "7.2a")])
    );
    assert_eq!(
        f.of_rule(Rule::IngesterZonesOnePerStep)
            .next()
            .unwrap()
            .objects,
        ["StatefulSet/ingester-zone-a", "StatefulSet/ingester-zone-b"]
    );
}

#[test]
fn remote_evaluation_disabled_in_5_2_while_the_ruler_runs() {
    let mut plan = correct_plan();
    replace(&mut plan, "5.2", |e| {
        e.store_gateway_zones = [Some(0); 3];
        e.querier = Some(Scale::Fixed(0));
        e.query_frontend = Some(0);
        e.query_scheduler = Some(0);
        e.overrides_exporter = Some(0);
        e.compactor = Some(0);
        e.ruler_remote = None; // 5.3's change, while the ruler keeps its 2 replicas
    });
    replace(&mut plan, "5.3", |e| e.ruler = Some(0));
    let f = check_plan(zone_aware_microservices(), &plan, CLEAN_FINAL_OVERLAY);
    assert_eq!(problems(&f), expect(&[("ruler-remote-eval", "5.2")]));
    let x = f.of_rule(Rule::RulerRemoteEval).next().unwrap();
    assert!(x.objects.contains(&"Deployment/ruler".to_string()));
    assert!(x.reason.contains("2 replicas"), "{}", x.reason);
}

#[test]
fn remote_evaluation_scaled_to_zero_while_the_ruler_still_points_at_it() {
    let steps = {
        let mut plan = correct_plan();
        // 5.3 done by scaling the remote-evaluation workloads to 0 while the ruler keeps its
        // replicas and its -ruler.query-frontend.address.
        replace(&mut plan, "5.2", |e| {
            e.store_gateway_zones = [Some(0); 3];
            e.querier = Some(Scale::Fixed(0));
            e.query_frontend = Some(0);
            e.query_scheduler = Some(0);
            e.overrides_exporter = Some(0);
            e.compactor = Some(0);
        });
        replace(&mut plan, "5.3", |e| e.ruler_remote = Some(0));
        replace(&mut plan, "6.1", |e| {
            e.mimir_write = [Some(1); 3];
            e.ruler = Some(0);
            e.ruler_remote = None;
        });
        render_plan(zone_aware_microservices(), &plan)
    };
    let f = check::run(&steps, Direction::ToReadWrite, None);
    assert_eq!(problems(&f), expect(&[("ruler-remote-eval", "5.3")]));
    let x = f.of_rule(Rule::RulerRemoteEval).next().unwrap();
    assert!(x.reason.contains("ruler-query-frontend=0"), "{}", x.reason);
}

#[test]
fn distributor_scaled_down_before_6_1() {
    let mut plan = correct_plan();
    move_before(&mut plan, "7.1", "6.1");
    let f = check_plan(zone_aware_microservices(), &plan, CLEAN_FINAL_OVERLAY);
    assert_eq!(
        problems(&f),
        expect(&[("write-capacity", "7.1"), ("write-handover", "7.1")])
    );
}

#[test]
fn ingester_zone_before_distributor() {
    let mut plan = correct_plan();
    move_before(&mut plan, "7.2a", "7.1");
    let f = check_plan(zone_aware_microservices(), &plan, CLEAN_FINAL_OVERLAY);
    assert_eq!(
        problems(&f),
        expect(&[("ingester-zones-after-distributor", "7.2a")])
    );
}

#[test]
fn ingester_zone_in_the_same_step_as_the_distributor() {
    let mut plan = correct_plan();
    replace(&mut plan, "7.1", |e| {
        e.distributor = Some(0);
        e.ingester_zones[0] = Some(0);
    });
    let f = check_plan(zone_aware_microservices(), &plan, CLEAN_FINAL_OVERLAY);
    assert_eq!(
        problems(&f),
        expect(&[("ingester-zones-after-distributor", "7.1")])
    );
}

#[test]
fn step_8_with_leftover_with_replicas() {
    let f = check_plan(
        zone_aware_microservices(),
        &correct_plan(),
        LEFTOVER_FINAL_OVERLAY,
    );
    assert_eq!(problems(&f), expect(&[("final-overrides", "8")]));
    let x = f.of_rule(Rule::FinalOverrides).next().unwrap();
    assert_eq!(
        x.objects,
        [
            "compactor_statefulset",
            "ingester_zone_a_statefulset",
            "querier_deployment",
            "query_frontend_deployment"
        ]
    );
    assert!(
        x.reason.contains("line 5 query_frontend_deployment+:"),
        "{}",
        x.reason
    );
}

#[test]
fn step_8_still_in_migration_mode() {
    let mut plan = correct_plan();
    replace(&mut plan, "8", nothing);
    let f = check_plan(zone_aware_microservices(), &plan, CLEAN_FINAL_OVERLAY);
    assert_eq!(problems(&f), expect(&[("final-old-workloads", "8")]));
    let x = f.of_rule(Rule::FinalOldWorkloads).next().unwrap();
    assert!(x.objects.contains(&"Deployment/distributor".to_string()));
    assert!(
        x.objects
            .contains(&"StatefulSet/store-gateway-zone-c".to_string())
    );
}

#[test]
fn read_path_at_zero_when_query_frontend_goes_to_zero() {
    let mut plan = correct_plan();
    remove(&mut plan, "3.1");
    let f = check_plan(zone_aware_microservices(), &plan, CLEAN_FINAL_OVERLAY);
    let after_5_2 = [
        "5.2", "5.3", "6.1", "6.2", "7.1", "7.2a", "7.2b", "7.2c", "8",
    ];
    let mut want: Vec<(&'static str, &str)> =
        after_5_2.iter().map(|s| ("read-capacity", *s)).collect();
    // mimir-backend evaluates rules through mimir-read, which never got replicas.
    let backend_up = ["4.1", "4.2", "4.3", "5.1"];
    want.extend(
        backend_up
            .iter()
            .chain(&after_5_2)
            .map(|s| ("ruler-remote-eval", *s)),
    );
    assert_eq!(problems(&f), expect(&want));
    let first = f.of_rule(Rule::ReadCapacity).next().unwrap();
    assert_eq!(first.step, "5.2");
    assert!(first.reason.contains("mimir-read=0"), "{}", first.reason);
}

#[test]
fn autoscaled_read_path_counts_its_minimum() {
    let mut plan = correct_plan();
    replace(&mut plan, "3.1", |e| {
        e.mimir_read = Some(Scale::Auto { min: 0, max: 30 })
    });
    let f = check_plan(zone_aware_microservices(), &plan, CLEAN_FINAL_OVERLAY);
    assert_eq!(
        f.of_rule(Rule::ReadCapacity)
            .map(|x| x.step.as_str())
            .collect::<Vec<_>>(),
        [
            "5.2", "5.3", "6.1", "6.2", "7.1", "7.2a", "7.2b", "7.2c", "8"
        ]
    );
}

#[test]
fn write_path_at_zero_without_6_1() {
    let mut plan = correct_plan();
    remove(&mut plan, "6.1");
    let f = check_plan(zone_aware_microservices(), &plan, CLEAN_FINAL_OVERLAY);
    assert_eq!(
        problems(&f),
        expect(&[
            ("write-handover", "7.1"),
            ("write-capacity", "7.1"),
            ("write-capacity", "7.2a"),
            ("write-capacity", "7.2b"),
            ("write-capacity", "7.2c"),
            ("write-capacity", "8"),
        ])
    );
}

#[test]
fn step_1_on_a_single_zone_environment() {
    let f = check_plan(
        single_zone_microservices(),
        &correct_plan(),
        CLEAN_FINAL_OVERLAY,
    );
    assert_eq!(
        problems(&f),
        expect(&[("stateful-removed", "1"), ("stateful-removed", "1")])
    );
    let ing = f
        .of_rule(Rule::StatefulRemoved)
        .find(|x| x.objects[0] == "StatefulSet/ingester")
        .unwrap();
    assert_eq!(
        ing.objects,
        [
            "StatefulSet/ingester",
            "StatefulSet/ingester-zone-a",
            "StatefulSet/ingester-zone-b",
            "StatefulSet/ingester-zone-c"
        ]
    );
    assert!(
        ing.reason.contains("multi_zone_ingester_migration_enabled"),
        "{}",
        ing.reason
    );
    let sg = f
        .of_rule(Rule::StatefulRemoved)
        .find(|x| x.objects[0] == "StatefulSet/store-gateway")
        .unwrap();
    assert!(
        sg.reason
            .contains("multi_zone_store_gateway_migration_enabled"),
        "{}",
        sg.reason
    );
}

#[test]
fn alertmanager_removed_in_step_8() {
    let env = Env {
        alertmanager: Some(3),
        ..zone_aware_microservices()
    };
    let f = check_plan(env, &correct_plan(), CLEAN_FINAL_OVERLAY);
    assert_eq!(problems(&f), expect(&[("silent-removal", "8")]));
    assert!(!f.has_errors());
    assert!(!f.has_errors(), "a warning does not fail the check");
    let x = f.of_rule(Rule::SilentRemoval).next().unwrap();
    assert_eq!(x.severity, Severity::Warning);
    assert_eq!(x.objects, ["StatefulSet/alertmanager"]);
    let pvcs = f
        .of_rule(Rule::LeftoverPvcs)
        .find(|x| x.objects[0] == "StatefulSet/alertmanager")
        .unwrap();
    assert_eq!(
        pvcs.objects[1..],
        [
            "PersistentVolumeClaim/alertmanager-data-alertmanager-0",
            "PersistentVolumeClaim/alertmanager-data-alertmanager-1",
            "PersistentVolumeClaim/alertmanager-data-alertmanager-2"
        ]
    );
}

#[test]
fn read_write_objects_before_zone_awareness() {
    let mut plan = correct_plan();
    move_before(&mut plan, "2", "1");
    let f = check_plan(single_zone_microservices(), &plan, CLEAN_FINAL_OVERLAY);
    assert_eq!(
        problems(&f),
        expect(&[
            ("zone-awareness", "2"),
            ("stateful-removed", "1"),
            ("stateful-removed", "1")
        ])
    );
    let x = f.of_rule(Rule::ZoneAwareness).next().unwrap();
    assert!(x.objects.contains(&"Deployment/mimir-read".to_string()));
    assert!(x.objects.contains(&"ingester-zone-*".to_string()));
}

#[test]
fn zone_awareness_in_the_same_step_as_read_write() {
    let mut plan = correct_plan();
    remove(&mut plan, "1");
    replace(&mut plan, "2", |e| {
        e.ingester = None;
        e.ingester_zones = [Some(1); 3];
        e.store_gateway = None;
        e.store_gateway_zones = [Some(1); 3];
        e.mimir_read = Some(Scale::Fixed(0));
        e.mimir_write = [Some(0); 3];
        e.mimir_backend = [Some(0); 3];
    });
    let f = check_plan(single_zone_microservices(), &plan, CLEAN_FINAL_OVERLAY);
    assert_eq!(
        problems(&f),
        expect(&[
            ("zone-awareness", "2"),
            ("stateful-removed", "2"),
            ("stateful-removed", "2")
        ])
    );
}

// ---------------------------------------------------------------------------------------------
// Reports

fn mistake_laden() -> Findings {
    let env = Env {
        alertmanager: Some(3),
        ..single_zone_microservices()
    };
    let mut plan = correct_plan();
    remove(&mut plan, "5.1");
    replace(&mut plan, "5.2", |e| {
        e.store_gateway_zones = [Some(0); 3];
        e.querier = Some(Scale::Fixed(0));
        e.query_frontend = Some(0);
        e.query_scheduler = Some(0);
        e.overrides_exporter = Some(0);
        e.compactor = Some(0);
        e.ruler_remote = None;
    });
    replace(&mut plan, "5.3", |e| e.ruler = Some(0));
    replace(&mut plan, "7.2a", |e| {
        e.ingester_zones[0] = Some(0);
        e.ingester_zones[1] = Some(0);
    });
    remove(&mut plan, "7.2b");
    check_plan(env, &plan, LEFTOVER_FINAL_OVERLAY)
}

fn snapshot_settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"));
    s.set_prepend_module_to_snapshot(false);
    s
}

#[test]
fn mistake_laden_report() {
    let f = mistake_laden();
    assert_eq!(
        problems(&f),
        expect(&[
            ("stateful-removed", "1"),
            ("stateful-removed", "1"),
            ("store-gateway-unregister", "5.2"),
            ("ruler-remote-eval", "5.2"),
            ("ingester-zones-one-per-step", "7.2a"),
            ("silent-removal", "8"),
            ("final-overrides", "8"),
        ])
    );
    assert!(f.has_errors());
    snapshot_settings().bind(|| insta::assert_snapshot!("check_report_mistakes", f.to_text()));
}

#[test]
fn json_report_round_trips() {
    let f = mistake_laden();
    let json = f.to_json();
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["summary"]["errors"], json!(6));
    assert_eq!(v["summary"]["warnings"], json!(1));
    assert_eq!(v["summary"]["steps"], json!(17));
    assert_eq!(v["findings"][0]["rule"], json!("stateful-removed"));
    assert_eq!(v["findings"][0]["severity"], json!("error"));
    assert_eq!(v["findings"][0]["step"], json!("1"));
    let back: Findings = serde_json::from_value(json!({
        "steps": v["steps"], "findings": v["findings"]
    }))
    .unwrap();
    assert_eq!(back, f);
}

#[test]
fn clean_reports_say_so() {
    let f = check::run(
        &render_plan(zone_aware_microservices(), &[]),
        Direction::ToReadWrite,
        None,
    );
    assert_eq!(f.to_text(), "No findings: 16 rules pass on 1 step.\n");
    let f = check_plan(
        zone_aware_microservices(),
        &correct_plan(),
        CLEAN_FINAL_OVERLAY,
    );
    let text = f.to_text();
    assert!(
        text.starts_with(
            "step 8 (cleanup-read-write)\n  info[leftover-pvcs] StatefulSet/compactor, "
        ),
        "{text}"
    );
    assert!(
        text.ends_with("\n0 errors, 0 warnings, 7 info in 19 steps.\n"),
        "{text}"
    );
}

// ---------------------------------------------------------------------------------------------
// The reverse direction: the same rules with the sides swapped

fn read_write() -> Env {
    Env {
        distributor: None,
        ingester_zones: [None; 3],
        query_frontend: None,
        querier: None,
        query_scheduler: None,
        ruler: None,
        ruler_remote: None,
        compactor: None,
        overrides_exporter: None,
        store_gateway_zones: [None; 3],
        mimir_read: Some(Scale::Auto { min: 3, max: 30 }),
        mimir_write: [Some(1); 3],
        mimir_backend: [Some(1); 3],
        ..zone_aware_microservices()
    }
}

fn reverse_plan() -> Vec<Step> {
    vec![
        step("1", "deploy-microservices-at-zero", |e| {
            e.distributor = Some(0);
            e.ingester_zones = [Some(0); 3];
            e.query_frontend = Some(0);
            e.querier = Some(Scale::Fixed(0));
            e.query_scheduler = Some(0);
            e.ruler = Some(0);
            e.compactor = Some(0);
            e.store_gateway_zones = [Some(0); 3];
        }),
        step("2", "scale-up-read", |e| {
            e.query_frontend = Some(2);
            e.querier = Some(Scale::Fixed(6));
            e.query_scheduler = Some(2);
        }),
        step("3", "scale-up-backend", |e| {
            e.store_gateway_zones = [Some(1); 3];
            e.compactor = Some(1);
            e.ruler = Some(2);
        }),
        step("4", "scale-up-write", |e| {
            e.distributor = Some(3);
            e.ingester_zones = [Some(1); 3];
        }),
        step("5.1", "backend-leave-ring", |e| e.backend_unregister = true),
        step("5.2", "scale-down-read-backend", |e| {
            e.mimir_read = Some(Scale::Fixed(0));
            e.mimir_backend = [Some(0); 3];
        }),
        step("6a", "scale-down-write-zone-a", |e| {
            e.mimir_write[0] = Some(0)
        }),
        step("6b", "scale-down-write-zone-b", |e| {
            e.mimir_write[1] = Some(0)
        }),
        step("6c", "scale-down-write-zone-c", |e| {
            e.mimir_write[2] = Some(0)
        }),
        step("7", "cleanup-microservices", |e| {
            e.mimir_read = None;
            e.mimir_write = [None; 3];
            e.mimir_backend = [None; 3];
        }),
    ]
}

fn check_reverse(plan: &[Step]) -> Findings {
    check::run(
        &render_plan(read_write(), plan),
        Direction::ToMicroservices,
        None,
    )
}

#[test]
fn reverse_plan_passes() {
    let f = check_reverse(&reverse_plan());
    assert_eq!(problems(&f), [], "{}", f.to_text());
    assert_eq!(f.of_rule(Rule::LeftoverPvcs).count(), 6);
    // Checked the other way round, the microservices left at the end are old workloads.
    let wrong_way = check::run(
        &render_plan(read_write(), &reverse_plan()),
        Direction::ToReadWrite,
        None,
    );
    assert!(
        wrong_way
            .of_rule(Rule::FinalOldWorkloads)
            .any(|x| x.step == "7")
    );
}

#[test]
fn reverse_backend_scaled_down_without_unregister() {
    let mut plan = reverse_plan();
    remove(&mut plan, "5.1");
    let f = check_reverse(&plan);
    assert_eq!(problems(&f), expect(&[("store-gateway-unregister", "5.2")]));
    assert_eq!(f.findings[0].objects.len(), 3);
}

#[test]
fn reverse_write_zones_two_at_once_and_before_microservices_write() {
    let mut plan = reverse_plan();
    replace(&mut plan, "6a", |e| {
        e.mimir_write[0] = Some(0);
        e.mimir_write[1] = Some(0);
    });
    remove(&mut plan, "6b");
    move_before(&mut plan, "6a", "4");
    let f = check_reverse(&plan);
    assert_eq!(
        problems(&f),
        expect(&[
            ("ingester-zones-one-per-step", "6a"),
            ("write-handover", "6a")
        ])
    );
}

#[test]
fn reverse_microservice_store_gateways_must_stay_registered() {
    let mut plan = reverse_plan();
    replace(&mut plan, "5.1", |e| {
        e.backend_unregister = true;
        e.store_gateway_unregister = true;
    });
    let f = check_reverse(&plan);
    assert_eq!(
        problems(&f),
        expect(&[("store-gateway-keep-registered", "5.1")])
    );
}
