//! Where an environment stands before a plan: already done (exit 0 with a hint), part-way
//! (exit 1 naming `--from STEP`, and `--from` following the remaining steps), or lacking a
//! `_config` value the plan needs (exit 1, one message naming the key; no Jsonnet trace).

use crate::common::run_tkstep as tkstep;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn env(name: &str) -> String {
    format!("testdata/project/environments/{name}")
}

/// No internal frames and the message once.
fn assert_user_terms(err: &str, needle: &str) {
    assert!(err.contains(needle), "{needle}: {err}");
    assert_eq!(err.matches(needle).count(), 1, "printed twice: {err}");
    for internal in ["<tkstep query>", "builtin", "RUNTIME ERROR", ".libsonnet:"] {
        assert!(!err.contains(internal), "{internal}: {err}");
    }
}

#[test]
fn read_write_env_has_nothing_left_under_to_read_write() {
    let (code, out, err) = tkstep(&["check", &env("mimir-read-write")]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.is_empty(), "{out}");
    assert_user_terms(&err, "did you mean --plan to-microservices?");
    let (code, _, err) = tkstep(&[
        "diff",
        &env("mimir-microservices"),
        "--plan",
        "to-microservices",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("did you mean --plan to-read-write?"), "{err}");
}

#[test]
fn migration_mode_env_stops_and_names_from() {
    for plan in ["to-read-write", "to-microservices"] {
        let (code, _, err) = tkstep(&["plan", &env("mimir-migration"), "--plan", plan]);
        assert_eq!(code, 1, "{plan}: {err}");
        assert_user_terms(&err, "--from STEP");
    }
}

#[test]
fn from_follows_the_remaining_steps() {
    let (code, out, err) = tkstep(&["plan", &env("mimir-migration"), "--from", "4.1", "--json"]);
    assert_eq!(code, 0, "{err}");
    let steps: serde_json::Value = serde_json::from_str(&out).unwrap();
    let ids: Vec<&str> = steps
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.first(), Some(&"4.2"), "{ids:?}");
    assert_eq!(ids.last(), Some(&"8"), "{ids:?}");
    let (code, out, err) = tkstep(&["check", &env("mimir-migration"), "--from", "4.1"]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, _, err) = tkstep(&["check", &env("mimir-migration"), "--from", "9.9"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("unknown step '9.9'"), "{err}");
    let (code, _, err) = tkstep(&["check", &env("mimir-migration"), "--from", "8"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("nothing left to do"), "{err}");
}

#[test]
fn missing_config_is_named_before_rendering() {
    let (code, out, err) = tkstep(&["diff", &env("mimir-no-ruler-bucket")]);
    assert_eq!(code, 1, "{out}{err}");
    assert_user_terms(&err, "set _config.ruler_storage_bucket_name to");
    assert!(err.contains("run a ruler inside mimir-backend"), "{err}");
    let (code, _, err) = tkstep(&["check", &env("mimir-consul"), "--no-prerequisites"]);
    assert_eq!(code, 1, "{err}");
    assert_user_terms(&err, "set _config.memberlist_ring_enabled to true");
    assert!(err.contains("--plan consul-to-memberlist"), "{err}");
}

#[test]
fn catalogue_plans_say_when_there_is_nothing_to_do() {
    for (plan, env_name, needle) in [
        (
            "consul-to-memberlist",
            "mimir-microservices",
            "already use memberlist",
        ),
        (
            "ruler-remote-evaluation",
            "mimir-microservices",
            "already evaluates rules remotely",
        ),
        (
            "query-scheduler-ring",
            "mimir-read-write",
            "already discovered through the ring",
        ),
    ] {
        let (code, _, err) = tkstep(&["check", &env(env_name), "--plan", plan]);
        assert_eq!(code, 0, "{plan}: {err}");
        assert!(err.contains(needle), "{plan}: {err}");
    }
    let (code, _, err) = tkstep(&[
        "check",
        &env("mimir-consul"),
        "--plan",
        "memberlist-cluster-label",
    ]);
    assert_eq!(code, 1, "{err}");
    assert_user_terms(&err, "set _config.memberlist_ring_enabled to true");
}

#[test]
fn consul_and_dns_envs_get_their_prerequisites_chained() {
    let consul = env("mimir-consul");
    let (code, out, err) = tkstep(&["plan", &consul, "--json"]);
    assert_eq!(code, 0, "{err}");
    let steps: serde_json::Value = serde_json::from_str(&out).unwrap();
    let steps = steps.as_array().unwrap();
    let pairs: Vec<(&str, &str)> = steps
        .iter()
        .map(|s| (s["id"].as_str().unwrap(), s["plan"].as_str().unwrap()))
        .collect();
    assert_eq!(pairs[0], ("consul.1", "consul-to-memberlist"));
    assert_eq!(pairs[5], ("consul.6", "consul-to-memberlist"));
    assert_eq!(pairs[6], ("qs.1", "query-scheduler-ring"));
    assert_eq!(pairs[7], ("qs.2", "query-scheduler-ring"));
    assert_eq!(pairs[8], ("1", "to-read-write"));
    assert_eq!(pairs.last().unwrap(), &("8", "to-read-write"));
    // Chained step texts name the chained ids.
    let prerequisites = |id: &str| {
        let step = steps.iter().find(|s| s["id"] == id).unwrap();
        step["prerequisites"].to_string()
    };
    for (id, needle) in [
        ("consul.2", "Step consul.1 is rolled out"),
        ("consul.3", "(step consul.2)"),
        ("consul.6", "after step consul.5."),
        ("qs.2", "(step qs.1)"),
    ] {
        assert!(
            prerequisites(id).contains(needle),
            "{id}: {}",
            prerequisites(id)
        );
    }
    let (code, text, err) = tkstep(&["plan", &consul]);
    assert_eq!(code, 0, "{err}");
    assert!(
        text.contains("added because the environment's hash rings use Consul"),
        "{text}"
    );
    assert!(
        text.contains(
            "added because query-frontends and queriers find the query-schedulers through DNS"
        ),
        "{text}"
    );
    // One check over the whole chain; the final state runs no Consul.
    let (code, out, err) = tkstep(&["check", &consul]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, yaml, err) = tkstep(&["render", &consul, "--step", "8"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        !yaml.contains("consul.mimir-consul.svc"),
        "Consul still referenced"
    );
    assert!(!yaml.contains("name: consul\n"), "Consul still rendered");
    // Without prerequisites: the message of a missing precondition.
    let (code, _, err) = tkstep(&["check", &consul, "--no-prerequisites"]);
    assert_eq!(code, 1, "{err}");
    assert_user_terms(&err, "set _config.memberlist_ring_enabled to true");
}

#[test]
fn probe_errors_are_reported_once_without_internal_frames() {
    let tmp = tempfile::tempdir().unwrap();
    let project = root().join("testdata/project");
    std::fs::write(tmp.path().join("jsonnetfile.json"), "{}").unwrap();
    for dir in ["vendor", "lib"] {
        std::os::unix::fs::symlink(project.join(dir), tmp.path().join(dir)).unwrap();
    }
    let env_dir = tmp.path().join("environments/x");
    std::fs::create_dir_all(&env_dir).unwrap();
    std::fs::copy(
        project.join("environments/mimir-minimal/spec.json"),
        env_dir.join("spec.json"),
    )
    .unwrap();
    std::fs::write(
        env_dir.join("main.jsonnet"),
        "(import 'mimir/mimir.libsonnet') { _config+:: { namespace: 'default', \
         storage_backend: 'gcs', blocks_storage_bucket_name: 'b', ruler_storage_bucket_name: 'r', \
         autoscaling_querier_enabled: error 'no autoscaling setting here' } }\n",
    )
    .unwrap();
    let (code, _, err) = tkstep(&["plan", env_dir.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("adapting the plan to the environment"),
        "{err}"
    );
    assert!(
        err.contains("main.jsonnet:1:"),
        "the user's own frame stays: {err}"
    );
    assert_eq!(
        err.matches("no autoscaling setting here").count(),
        1,
        "{err}"
    );
    assert_eq!(err.matches("main.jsonnet:1:").count(), 1, "{err}");
    for internal in ["<tkstep query>", "builtin", "argument <"] {
        assert!(!err.contains(internal), "{internal}: {err}");
    }
}

#[test]
fn recursive_runs_classify_every_environment_like_the_single_commands() {
    let (code, out, err) = tkstep(&[
        "check",
        "testdata/project/environments",
        "--recursive",
        "--json",
    ]);
    assert_eq!(code, 1, "broken environments are failed rows: {err}");
    let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
    let row = |path: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["path"] == path)
            .unwrap_or_else(|| panic!("no row {path}: {rows:#}"))
            .clone()
    };
    let done = row("mimir-read-write");
    assert_eq!(done["status"], "skipped", "{done:#}");
    assert!(
        done["note"]
            .as_str()
            .unwrap()
            .contains("did you mean --plan to-microservices?"),
        "{done:#}"
    );
    let unmet = row("mimir-no-ruler-bucket");
    assert_eq!(unmet["status"], "failed", "{unmet:#}");
    let error = unmet["error"].as_str().unwrap();
    assert!(
        error.contains("_config.ruler_storage_bucket_name"),
        "{error}"
    );
    assert!(!error.contains("<tkstep query>"), "{error}");
    let part_way = row("mimir-migration");
    assert_eq!(part_way["status"], "failed", "{part_way:#}");
    assert!(
        part_way["error"].as_str().unwrap().contains("--from STEP"),
        "{part_way:#}"
    );
    // Consul and DNS discovery: the prerequisites are chained, as for `check ENV`.
    let consul = row("mimir-consul");
    assert_eq!(consul["status"], "ok", "{consul:#}");
    let (_, plan, _) = tkstep(&["plan", &env("mimir-consul"), "--json"]);
    let plan: serde_json::Value = serde_json::from_str(&plan).unwrap();
    assert_eq!(consul["steps"], plan.as_array().unwrap().len());
    assert_eq!(plan[0]["id"], "consul.1");
}

/// Every bundled environment under every built-in plan: the plan renders every step and is
/// checked (exit 0 or 3), or the environment is already where the plan leads (exit 0 and a
/// "nothing … to do" message), or one clear message: for a Mimir-like environment it names the
/// `_config` key to set or `--from`; for a broken one the environment's own error. Never a
/// panic, never tkstep's internal frames, never the same line twice.
#[test]
fn every_environment_under_every_plan_gets_a_run_or_one_clear_message() {
    let envs: Vec<String> = std::fs::read_dir(root().join("testdata/project/environments"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(envs.len() >= 20, "{envs:?}");
    let mut outcomes = std::collections::BTreeMap::new();
    for name in &envs {
        for plan in tkstep::plan::BUILTIN_PLANS {
            let (code, out, err) = tkstep(&["check", &env(name), "--plan", plan]);
            let case = format!("{name} --plan {plan}: exit {code}\n{err}");
            // (Builtin calls in the environment's own files are its frames, not tkstep's.)
            for internal in ["<tkstep query>", "panicked", "RUST_BACKTRACE"] {
                assert!(!err.contains(internal), "{internal}: {case}");
            }
            if let Some(first) = err.lines().next().filter(|l| !l.is_empty()) {
                assert_eq!(err.matches(first).count(), 1, "printed twice: {case}");
            }
            let mimir_like =
                name.starts_with("mimir-") || name.starts_with("golden-") || name == "odd-names";
            let outcome = match code {
                0 | 3 if !out.is_empty() => "rendered",
                0 => {
                    assert!(err.starts_with("nothing "), "{case}");
                    "done"
                }
                1 => {
                    assert!(err.starts_with("Error: "), "{case}");
                    assert_eq!(err.matches("Error: ").count(), 1, "{case}");
                    if mimir_like {
                        assert!(
                            err.contains("_config.") || err.contains("--from STEP"),
                            "{case}"
                        );
                    }
                    "stopped"
                }
                _ => panic!("unexpected exit: {case}"),
            };
            outcomes.insert(format!("{name} {plan}"), outcome);
        }
    }
    // Every plan renders from at least one bundled starting point.
    for plan in tkstep::plan::BUILTIN_PLANS {
        assert!(
            outcomes
                .iter()
                .any(|(k, v)| k.ends_with(&format!(" {plan}")) && *v == "rendered"),
            "{plan}: {outcomes:#?}"
        );
    }
    assert_eq!(outcomes["mimir-consul to-read-write"], "rendered");
    assert_eq!(outcomes["mimir-read-write to-read-write"], "done");
    assert_eq!(outcomes["mimir-no-ruler-bucket to-read-write"], "stopped");
}
