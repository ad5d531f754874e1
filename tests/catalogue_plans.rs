//! The built-in plans of Mimir's other documented migrations (`../shared/migrations.md`), on the
//! fixture environments they start from: what each step renders, snapshots of every overlay
//! and diff, go-jsonnet conformance of every step (recorded in
//! `testdata/recorded/go-jsonnet/catalogue/`; the reference tier re-renders them), and the CLI
//! around them.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::OnceLock;

use tkstep::check::{Rule, RuleSet, Severity};
use tkstep::diff::DiffOptions;
use tkstep::eval::EvalOptions;
use tkstep::manifest::Manifest;
use tkstep::plan::{
    CONSUL_TO_MEMBERLIST, MEMBERLIST_CLUSTER_LABEL, Params, Plan, PlanFormat, Prerequisite,
    QUERY_SCHEDULER_RING, RULER_REMOTE_EVALUATION, chain, write_plan,
};
use tkstep::steps::PlanRun;
use tkstep::{OpenOptions, Renderer, manifest};

use crate::common::{oracle, recorded, run_tkstep as tkstep};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn env_dir(name: &str) -> PathBuf {
    root().join("testdata/project/environments").join(name)
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"));
    s.set_prepend_module_to_snapshot(false);
    s.set_omit_expression(true);
    s
}

/// The plans and the environment each starts from.
const CASES: [(&str, &str); 4] = [
    (CONSUL_TO_MEMBERLIST, "mimir-consul"),
    (QUERY_SCHEDULER_RING, "mimir-microservices"),
    (RULER_REMOTE_EVALUATION, "mimir-consul"),
    (MEMBERLIST_CLUSTER_LABEL, "mimir-microservices"),
];

struct Case {
    env: &'static str,
    run: PlanRun,
}

fn open(env: &str) -> Renderer {
    Renderer::open(&env_dir(env), &OpenOptions::default()).unwrap()
}

/// Every case rendered once, shared by the tests of this module.
fn cases() -> &'static Vec<(&'static str, Case)> {
    static RUNS: OnceLock<Vec<(&'static str, Case)>> = OnceLock::new();
    RUNS.get_or_init(|| {
        CASES
            .iter()
            .map(|(plan, env)| {
                let renderer = open(env);
                let params = Params::default();
                let built = Plan::builtin(plan, &params).unwrap();
                let run = PlanRun::new(&renderer, &built, &params)
                    .unwrap_or_else(|e| panic!("{plan} on {env}: {e}"));
                (*plan, Case { env, run })
            })
            .collect()
    })
}

fn case(plan: &str) -> &'static Case {
    &cases().iter().find(|(p, _)| *p == plan).unwrap().1
}

/// `Kind/name` of every object that changes, appears or disappears between two states.
fn changed(before: &[Manifest], after: &[Manifest]) -> BTreeSet<String> {
    let key = |m: &Manifest| format!("{}/{}", m.kind(), m.name());
    let find = |set: &[Manifest], k: &str| set.iter().find(|m| key(m) == k).cloned();
    let keys: BTreeSet<String> = before.iter().chain(after).map(key).collect();
    keys.into_iter()
        .filter(|k| {
            let (a, b) = (find(before, k), find(after, k));
            a.map(|m| m.to_yaml()) != b.map(|m| m.to_yaml())
        })
        .collect()
}

/// The objects step `n` (1-based) of `plan` changes.
fn step_changes(plan: &str, n: usize) -> BTreeSet<String> {
    let steps = &case(plan).run.steps;
    changed(&steps[n - 1].manifests, &steps[n].manifests)
}

fn names(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// Every container arg of every workload in `manifests`.
fn all_args(manifests: &[Manifest]) -> String {
    manifest::to_yaml_stream(manifests)
        .lines()
        .filter(|l| l.trim_start().starts_with("- -"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn step_ids_are_those_of_the_documentation() {
    for (plan, count) in [
        (CONSUL_TO_MEMBERLIST, 6),
        (QUERY_SCHEDULER_RING, 2),
        (RULER_REMOTE_EVALUATION, 2),
        (MEMBERLIST_CLUSTER_LABEL, 3),
    ] {
        let run = &case(plan).run;
        let ids: Vec<&str> = run.steps.iter().map(|s| s.id.as_str()).collect();
        let mut want = vec!["before".to_string()];
        want.extend((1..=count).map(|n| n.to_string()));
        assert_eq!(ids, want, "{plan}");
    }
}

#[test]
fn consul_to_memberlist_follows_the_documented_rollouts() {
    let plan = CONSUL_TO_MEMBERLIST;
    let steps = &case(plan).run.steps;
    let consul_objects = names(&[
        "ConfigMap/consul",
        "Deployment/consul",
        "Role/consul-sidekick",
        "RoleBinding/consul-sidekick",
        "Service/consul",
        "ServiceAccount/consul-sidekick",
    ]);
    // Step 1: every ring member rolls (multi KV store, memberlist flags), the gossip Service
    // appears, Consul stays.
    let first = step_changes(plan, 1);
    for workload in [
        "Deployment/distributor",
        "Deployment/querier",
        "Deployment/ruler",
        "StatefulSet/alertmanager",
        "StatefulSet/compactor",
        "StatefulSet/ingester-zone-a",
        "StatefulSet/store-gateway-zone-c",
        "Service/gossip-ring",
        "ConfigMap/overrides",
    ] {
        assert!(first.contains(workload), "{workload} in {first:?}");
    }
    assert!(first.is_disjoint(&consul_objects), "{first:?}");
    let args = all_args(&steps[1].manifests);
    assert!(args.contains("-ingester.ring.store=multi"), "{args}");
    assert!(args.contains("-ingester.ring.multi.primary=consul"));
    assert!(args.contains("-ingester.ring.multi.secondary=memberlist"));
    assert!(args.contains("-ingester.ring.consul.hostname="));
    assert!(!args.contains(".store=consul"), "{args}");
    // Steps 2-4 change the runtime configuration only; step 6 too.
    for n in [2, 3, 4, 6] {
        assert_eq!(
            step_changes(plan, n),
            names(&["ConfigMap/overrides"]),
            "step {n}"
        );
    }
    let runtime = |n: usize| {
        let cm = steps[n]
            .manifests
            .iter()
            .find(|m| m.kind() == "ConfigMap" && m.name() == "overrides")
            .unwrap();
        cm.to_yaml()
    };
    assert!(runtime(1).contains("mirror_enabled: false") && runtime(1).contains("primary: consul"));
    assert!(runtime(2).contains("mirror_enabled: true") && runtime(2).contains("primary: consul"));
    assert!(runtime(3).contains("primary: memberlist"));
    assert!(
        runtime(4).contains("mirror_enabled: false") && runtime(4).contains("primary: memberlist")
    );
    assert!(runtime(5).contains("multi_kv_config"));
    assert!(!runtime(6).contains("multi_kv_config"));
    assert!(!runtime(0).contains("multi_kv_config"));
    // Step 5: Consul goes, every ring member rolls back to a single store.
    let fifth = step_changes(plan, 5);
    assert!(consul_objects.is_subset(&fifth), "{fifth:?}");
    assert!(fifth.contains("StatefulSet/ingester-zone-b"));
    let last = all_args(&steps[6].manifests);
    // (the namespace is called mimir-consul: look for the Consul address and store names)
    for gone in [
        "consul.mimir-consul.svc",
        "store=consul",
        "primary=consul",
        "store=multi",
    ] {
        assert!(!last.contains(gone), "{gone}: {last}");
    }
    assert!(last.contains("-ingester.ring.store=memberlist"));
    assert!(
        steps[6]
            .manifests
            .iter()
            .all(|m| !m.name().starts_with("consul"))
    );
}

#[test]
fn query_scheduler_ring_moves_schedulers_before_their_clients() {
    let plan = QUERY_SCHEDULER_RING;
    let first = step_changes(plan, 1);
    assert!(first.contains("Deployment/query-scheduler"), "{first:?}");
    assert!(
        first.contains("Deployment/ruler-query-scheduler"),
        "{first:?}"
    );
    for client in ["Deployment/querier", "Deployment/query-frontend"] {
        assert!(
            !first.contains(client),
            "{client} rolls in step 1: {first:?}"
        );
    }
    let second = step_changes(plan, 2);
    for client in [
        "Deployment/querier",
        "Deployment/query-frontend",
        "Deployment/ruler-querier",
        "Deployment/ruler-query-frontend",
    ] {
        assert!(second.contains(client), "{client} in {second:?}");
    }
    assert!(!second.contains("Deployment/query-scheduler"), "{second:?}");
    let steps = &case(plan).run.steps;
    let args = all_args(&steps[1].manifests);
    assert!(args.contains("-querier.scheduler-address=query-scheduler-discovery."));
    assert!(args.contains("-query-scheduler.service-discovery-mode=ring"));
    let args = all_args(&steps[2].manifests);
    assert!(
        !args.contains("-querier.scheduler-address=query-scheduler-discovery."),
        "{args}"
    );
    assert!(!args.contains("-query-frontend.scheduler-address=query-scheduler-discovery."));
}

/// The container args and port names of Deployment `name` after step `n` of `plan`.
fn deployment_args(plan: &str, n: usize, name: &str) -> (Vec<String>, Vec<String>) {
    let m = case(plan).run.steps[n]
        .manifests
        .iter()
        .find(|m| m.kind() == "Deployment" && m.name() == name)
        .unwrap_or_else(|| panic!("Deployment/{name} after step {n}"));
    let container = &m.to_value()["spec"]["template"]["spec"]["containers"][0];
    let strings = |v: &serde_json::Value, key: Option<&str>| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| key.map_or(x, |k| &x[k]).as_str())
            .map(str::to_string)
            .collect()
    };
    (
        strings(&container["args"], None),
        strings(&container["ports"], Some("name")),
    )
}

/// `../shared/migrations.md` §2 and `mimir-facts.md` §6: in step 1 the schedulers (and the
/// ruler's) get the ring lifecycler flags (`-query-scheduler.service-discovery-mode=ring`,
/// `-query-scheduler.ring.*`), memberlist flags and the gossip port while their clients keep
/// their DNS address; in step 2 the clients drop the address and get the discovery mode and
/// the ring's store flags, and query-frontends join memberlist.
#[test]
fn query_scheduler_ring_flags_go_to_schedulers_first_then_to_their_clients() {
    let plan = QUERY_SCHEDULER_RING;
    let has = |args: &[String], flag: &str| args.iter().any(|a| a.starts_with(flag));
    for scheduler in ["query-scheduler", "ruler-query-scheduler"] {
        let (before, _) = deployment_args(plan, 0, scheduler);
        assert!(!has(&before, "-query-scheduler.ring."), "{before:?}");
        let (args, ports) = deployment_args(plan, 1, scheduler);
        for flag in [
            "-query-scheduler.service-discovery-mode=ring",
            "-query-scheduler.ring.store=memberlist",
            "-memberlist.join=dns+gossip-ring.",
        ] {
            assert!(has(&args, flag), "{scheduler} step 1: {flag} in {args:?}");
        }
        assert!(ports.contains(&"gossip-ring".to_string()), "{ports:?}");
    }
    for (client, address) in [
        ("querier", "-querier.scheduler-address="),
        ("query-frontend", "-query-frontend.scheduler-address="),
        ("ruler-querier", "-querier.scheduler-address="),
        ("ruler-query-frontend", "-query-frontend.scheduler-address="),
    ] {
        let (args, ports) = deployment_args(plan, 1, client);
        assert!(has(&args, address), "{client} step 1: {args:?}");
        assert!(
            !has(&args, "-query-scheduler."),
            "{client} step 1: {args:?}"
        );
        let frontend = client.ends_with("query-frontend");
        if frontend {
            assert!(!has(&args, "-memberlist."), "{client} step 1: {args:?}");
            assert!(!ports.contains(&"gossip-ring".to_string()), "{ports:?}");
        }
        let (args, ports) = deployment_args(plan, 2, client);
        assert!(!has(&args, address), "{client} step 2: {args:?}");
        for flag in [
            "-query-scheduler.service-discovery-mode=ring",
            "-query-scheduler.ring.store=memberlist",
            "-memberlist.join=dns+gossip-ring.",
        ] {
            assert!(has(&args, flag), "{client} step 2: {flag} in {args:?}");
        }
        // The ruler's read path has schedulers of its own, in a ring of their own.
        assert_eq!(
            has(&args, "-query-scheduler.ring.prefix=ruler-query-scheduler/"),
            client.starts_with("ruler-"),
            "{client} step 2: {args:?}"
        );
        if frontend {
            assert!(ports.contains(&"gossip-ring".to_string()), "{ports:?}");
        }
    }
}

#[test]
fn ruler_remote_evaluation_starts_the_read_path_before_the_ruler_uses_it() {
    let plan = RULER_REMOTE_EVALUATION;
    let first = step_changes(plan, 1);
    for added in [
        "Deployment/ruler-querier",
        "Deployment/ruler-query-frontend",
        "Deployment/ruler-query-scheduler",
        "Service/ruler-query-frontend",
    ] {
        assert!(first.contains(added), "{added} in {first:?}");
    }
    assert!(!first.contains("Deployment/ruler"), "{first:?}");
    assert_eq!(step_changes(plan, 2), names(&["Deployment/ruler"]));
    let steps = &case(plan).run.steps;
    assert!(!all_args(&steps[1].manifests).contains("-ruler.query-frontend.address"));
    assert!(
        all_args(&steps[2].manifests).contains(
            "-ruler.query-frontend.address=dns:///ruler-query-frontend.mimir-consul.svc.cluster.local:9095"
        )
    );
}

#[test]
fn memberlist_cluster_label_defaults_to_the_namespace_and_rolls_every_member_three_times() {
    let plan = MEMBERLIST_CLUSTER_LABEL;
    let run = &case(plan).run;
    let note = run
        .plan
        .adaptations_of("2")
        .map(|a| a.message.clone())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        note.contains("cluster label 'mimir': the environment's namespace"),
        "{note}"
    );
    for n in 1..=3 {
        let changes = step_changes(plan, n);
        for member in [
            "Deployment/distributor",
            "StatefulSet/ingester-zone-a",
            "StatefulSet/compactor",
        ] {
            assert!(
                changes.contains(member),
                "step {n}: {member} in {changes:?}"
            );
        }
        assert!(
            !changes.contains("Deployment/query-frontend"),
            "step {n}: not a member"
        );
    }
    let args = |n: usize| all_args(&run.steps[n].manifests);
    assert!(args(1).contains("-memberlist.cluster-label-verification-disabled=true"));
    assert!(!args(1).contains("-memberlist.cluster-label=mimir"));
    assert!(args(2).contains("-memberlist.cluster-label=mimir"));
    assert!(args(2).contains("-memberlist.cluster-label-verification-disabled=true"));
    assert!(args(3).contains("-memberlist.cluster-label=mimir"));
    assert!(!args(3).contains("verification-disabled"));
}

#[test]
fn snapshot_every_overlay_and_diff_of_the_catalogue_plans() {
    let settings = settings();
    for (plan, case) in cases() {
        let overlays: Vec<String> = case.run.steps[1..]
            .iter()
            .map(|s| {
                let file = s.overlay.as_ref().unwrap();
                format!("=== {}\n{}", file.file_name, file.code)
            })
            .collect();
        let name = format!("catalogue-overlays@{plan}");
        settings.bind(|| insta::assert_snapshot!(name, overlays.join("\n")));

        let diffs = case.run.diffs(DiffOptions::new().color(false));
        let text: Vec<String> = case.run.steps[1..]
            .iter()
            .zip(&diffs)
            .map(|(step, diff)| {
                format!(
                    "# step {} {}: {}\n{}",
                    step.id,
                    step.name,
                    diff.summary(),
                    diff.text()
                )
            })
            .collect();
        let name = format!("catalogue-diffs@{plan}");
        settings.bind(|| insta::assert_snapshot!(name, text.join("\n")));
    }
}

/// The recording of step `step` (1-based, id `id`) of catalogue plan `plan`.
fn recording_name(plan: &str, n: usize, id: &str) -> String {
    format!("go-jsonnet/catalogue/{plan}/{n:02}-{id}.json")
}

#[test]
fn every_catalogue_step_renders_like_recorded_go_jsonnet() {
    for (plan, case) in cases() {
        let renderer = open(case.env);
        let names: Vec<String> = case.run.steps[1..]
            .iter()
            .enumerate()
            .map(|(i, s)| format!("{:02}-{}.json", i + 1, s.id))
            .collect();
        assert_eq!(
            recorded::list(&format!("go-jsonnet/catalogue/{plan}")),
            names,
            "testdata/recorded/go-jsonnet/catalogue/{plan}: record with `{}`",
            recorded::REGENERATE
        );
        for (i, step) in case.run.steps[1..].iter().enumerate() {
            let recording = recorded::read(&recording_name(plan, i + 1, &step.id));
            let theirs: serde_json::Value = serde_json::from_str(&recording.body).unwrap();
            let from_go = manifest::process(&theirs, renderer.environment()).unwrap();
            assert!(
                step.manifests == from_go,
                "{plan} step {}: tkstep and go-jsonnet render different manifests",
                step.id
            );
        }
    }
}

#[test]
#[ignore = "reference tier: runs go-jsonnet (cargo test --locked -- --ignored)"]
fn recorded_catalogue_step_renders_are_what_go_jsonnet_renders() {
    let producer = oracle::gojsonnet_producer();
    for (plan, case) in cases() {
        let renderer = open(case.env);
        let paths = renderer.paths();
        let options = EvalOptions {
            import_paths: paths.import_paths(),
            ext_code: vec![(
                "tanka.dev/environment".to_string(),
                renderer.environment().to_ext_code(),
            )],
            max_stack: tkstep::render::MAX_STACK,
            ..EvalOptions::default()
        };
        let mut names = Vec::new();
        for (i, step) in case.run.steps[1..].iter().enumerate() {
            let overlay = step.overlay.as_ref().unwrap().overlay();
            let body = oracle::gojsonnet_eval(&paths.entrypoint, &options, Some(&overlay));
            recorded::check_or_record(
                &recording_name(plan, i + 1, &step.id),
                &producer,
                &[],
                &body,
            );
            names.push(format!("{:02}-{}.json", i + 1, step.id));
        }
        recorded::prune(&format!("go-jsonnet/catalogue/{plan}"), &names);
    }
}

#[test]
fn cli_renders_a_catalogue_step_like_the_plan_run() {
    let env = "testdata/project/environments/mimir-consul";
    let (code, yaml, err) = tkstep(&["render", env, "--plan", CONSUL_TO_MEMBERLIST, "--step", "5"]);
    assert_eq!(code, 0, "{err}");
    let run = &case(CONSUL_TO_MEMBERLIST).run;
    assert_eq!(yaml, manifest::to_yaml_stream(&run.steps[5].manifests));
}

#[test]
fn cli_lists_the_catalogue_without_an_environment() {
    let (code, text, err) = tkstep(&["plan"]);
    assert_eq!(code, 0, "{err}");
    for (plan, steps) in [
        ("to-read-write", 18),
        (CONSUL_TO_MEMBERLIST, 6),
        (QUERY_SCHEDULER_RING, 2),
        (RULER_REMOTE_EVALUATION, 2),
        (MEMBERLIST_CLUSTER_LABEL, 3),
    ] {
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with(plan))
            .unwrap_or("");
        assert!(line.contains(&format!("{steps} steps")), "{plan}: {text}");
    }
    let (code, json, _) = tkstep(&["plan", "--json"]);
    assert_eq!(code, 0);
    let list: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(list[2]["name"], CONSUL_TO_MEMBERLIST);
    assert_eq!(list[2]["steps"], 6);
}

#[test]
fn cli_exports_catalogue_plans_that_load_back() {
    for plan in [
        CONSUL_TO_MEMBERLIST,
        QUERY_SCHEDULER_RING,
        RULER_REMOTE_EVALUATION,
    ] {
        let (code, yaml, err) = tkstep(&["plan", "--plan", plan, "--export", "yaml"]);
        assert_eq!(code, 0, "{err}");
        let back = Plan::from_text(&yaml, PlanFormat::Yaml, "export").unwrap();
        assert_eq!(back, Plan::builtin(plan, &Params::default()).unwrap());
        assert!(!yaml.contains("direction:"), "{yaml}");
        assert_eq!(write_plan(&back, PlanFormat::Yaml).unwrap(), yaml);
    }
    let (code, yaml, err) = tkstep(&[
        "plan",
        "--plan",
        MEMBERLIST_CLUSTER_LABEL,
        "--cluster-label",
        "prod-eu",
        "--export",
        "yaml",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(yaml.contains("memberlist_cluster_label: prod-eu"), "{yaml}");
    let (code, _, err) = tkstep(&[
        "plan",
        "--plan",
        MEMBERLIST_CLUSTER_LABEL,
        "--cluster-label",
        "a b",
    ]);
    assert_ne!(code, 0, "{err}");
    assert!(err.contains("invalid cluster label"), "{err}");
}

#[test]
fn cli_says_where_the_cluster_label_comes_from() {
    let env = "testdata/project/environments/mimir-microservices";
    let (code, text, err) = tkstep(&["plan", env, "--plan", MEMBERLIST_CLUSTER_LABEL]);
    assert_eq!(code, 0, "{err}");
    assert!(
        text.contains("cluster label 'mimir': the environment's namespace"),
        "{text}"
    );
    let (code, text, err) = tkstep(&[
        "plan",
        env,
        "--plan",
        MEMBERLIST_CLUSTER_LABEL,
        "--cluster-label",
        "blue",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(!text.contains("environment's namespace"), "{text}");
    assert!(text.contains("'blue'"), "{text}");
}

/// (plan file, rule, step) for each seeded mistake in a consul-to-memberlist plan.
const CONSUL_MISTAKES: &[(&str, Rule, &str)] = &[
    (
        "consul-mistake-switch-without-mirroring.yaml",
        Rule::MultikvMirrorBeforeSwitch,
        "3",
    ),
    (
        "consul-mistake-mirror-off-before-switch.yaml",
        Rule::MultikvSwitchBeforeMirrorOff,
        "4",
    ),
    (
        "consul-mistake-teardown-while-mirroring.yaml",
        Rule::MultikvMirrorOffBeforeTeardown,
        "5",
    ),
    (
        "consul-mistake-remove-consul-first.yaml",
        Rule::ConsulStillUsed,
        "1",
    ),
];

#[test]
fn every_catalogue_plan_passes_its_own_rule_set() {
    for (plan, case) in cases() {
        let findings = case.run.check();
        assert!(!findings.has_errors(), "{plan}:\n{}", findings.to_text());
        let expected = if *plan == CONSUL_TO_MEMBERLIST {
            RuleSet::ConsulToMemberlist
        } else {
            RuleSet::General
        };
        assert_eq!(case.run.rule_set(), expected, "{plan}");
    }
}

#[test]
fn seeded_consul_mistakes_are_caught_at_their_step() {
    let renderer = open("mimir-consul");
    let params = Params::default();
    for (file, rule, step) in CONSUL_MISTAKES {
        let plan = Plan::from_file(&root().join("testdata/plans").join(file)).unwrap();
        let findings = PlanRun::new(&renderer, &plan, &params).unwrap().check();
        assert!(findings.has_errors(), "{file}");
        let first = findings
            .findings
            .iter()
            .find(|f| f.severity == Severity::Error)
            .unwrap();
        assert_eq!(
            (first.rule, first.step.as_str()),
            (*rule, *step),
            "{file}\n{}",
            findings.to_text()
        );
    }
    let (code, out, err) = tkstep(&[
        "check",
        "testdata/project/environments/mimir-consul",
        "--plan-file",
        "testdata/plans/consul-mistake-teardown-while-mirroring.yaml",
    ]);
    assert_eq!(code, 3, "{out}{err}");
    assert!(
        out.contains("error[multikv-mirror-off-before-teardown]"),
        "{out}"
    );
}

/// Each seeded consul-to-memberlist mistake chained in front of `to-read-write` (as tkstep does
/// on a Consul environment): the finding names the step as the chained run does
/// (`consul.<N>`), and the chained step texts name chained ids too.
#[test]
fn seeded_consul_mistakes_in_a_chain_are_caught_at_their_chained_step() {
    let renderer = open("mimir-consul");
    let params = Params::default();
    let to_read_write = Plan::to_read_write(&params);
    for (file, rule, step) in CONSUL_MISTAKES {
        let mut mistaken = Plan::from_file(&root().join("testdata/plans").join(file)).unwrap();
        // Chained under the name of the plan it stands for: ids `consul.<N>`.
        mistaken.name = CONSUL_TO_MEMBERLIST.into();
        let prerequisite = Prerequisite {
            plan: mistaken,
            reason: "the test says so".into(),
        };
        let plan = chain(&[prerequisite], &to_read_write);
        let run = PlanRun::new(&renderer, &plan, &params).unwrap();
        assert!(
            matches!(run.rule_set(), RuleSet::ReadWriteAfterConsul(_)),
            "{file}"
        );
        let findings = run.check();
        assert!(findings.has_errors(), "{file}");
        let first = findings
            .findings
            .iter()
            .find(|f| f.severity == Severity::Error)
            .unwrap();
        assert_eq!(
            (first.rule, first.step.as_str()),
            (*rule, format!("consul.{step}").as_str()),
            "{file}\n{}",
            findings.to_text()
        );
        let text = findings.to_text();
        assert!(text.contains(&format!("step consul.{step} (")), "{text}");
    }
}
