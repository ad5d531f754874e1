//! The `tkstep` binary end to end: exit codes, messages, files written.

use crate::common::{assert_code, stderr, stdout};
use std::path::Path;
use std::process::{Command, Output};

use crate::common::manifest_dir as root;

fn env(name: &str) -> String {
    format!("testdata/project/environments/{name}")
}

fn tkstep(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tkstep"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("run tkstep")
}

#[test]
fn render_prints_a_yaml_stream_and_json() {
    let o = tkstep(&["render", &env("mimir-microservices")]);
    assert_code(&o, 0);
    let yaml = stdout(&o);
    assert!(
        yaml.starts_with("apiVersion: v1\nkind: Namespace\n"),
        "{yaml:.200}"
    );
    let docs = yaml.split("\n---\n").count();
    let o = tkstep(&["render", &env("mimir-microservices"), "--format", "json"]);
    assert_code(&o, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let items = json.as_array().unwrap();
    assert_eq!(items.len(), docs, "same objects in YAML and JSON");
    assert_eq!(items.len(), 58);
    assert_eq!(items[0]["kind"], "Namespace");
}

#[test]
fn render_accepts_main_jsonnet_and_paths_inside_the_env() {
    let dir = tkstep(&["render", &env("plain-app")]);
    let file = tkstep(&["render", &format!("{}/main.jsonnet", env("plain-app"))]);
    assert_code(&dir, 0);
    assert_code(&file, 0);
    assert_eq!(stdout(&dir), stdout(&file));
}

#[test]
fn inline_environments_need_a_name_when_ambiguous() {
    let o = tkstep(&["render", &env("inline")]);
    assert_code(&o, 1);
    let err = stderr(&o);
    assert!(err.contains("found multiple Environments"), "{err}");
    assert!(
        err.contains(" - inline-dev\n") && err.contains(" - inline-prod"),
        "{err}"
    );
    let o = tkstep(&["render", &env("inline"), "--name", "prod"]);
    assert_code(&o, 0);
    let dev = tkstep(&["render", &env("inline"), "--name", "inline-dev"]);
    assert_code(&dev, 0);
    assert_ne!(stdout(&o), stdout(&dev));
    let none = tkstep(&["render", &env("inline"), "--name", "staging"]);
    assert_code(&none, 1);
    assert!(stderr(&none).contains("found no matching environments"));
}

#[test]
fn broken_environments_fail_with_located_messages() {
    let cases: &[(&str, &[&str])] = &[
        (
            "broken-syntax",
            &["syntax error", "broken-syntax/main.jsonnet:6:23"],
        ),
        (
            "broken-missing-import",
            &[
                "does-not-exist/lib.libsonnet",
                "broken-missing-import/main.jsonnet:2:",
            ],
        ),
        (
            "broken-runtime-error",
            &[
                "replicas must be at most 3, got 5",
                "broken-runtime-error/main.jsonnet:2:",
            ],
        ),
        (
            "broken-assert",
            &[
                "replicas must be >= 0, got -1",
                "broken-assert/main.jsonnet:4:",
            ],
        ),
        (
            "broken-recursion",
            &["infinite recursion", "broken-recursion/main.jsonnet:7:"],
        ),
        (
            "broken-stack-overflow",
            &[
                "maximum stack depth of 500",
                "broken-stack-overflow/main.jsonnet:2:",
            ],
        ),
        (
            "broken-non-manifest",
            &[
                "found invalid Kubernetes object (at .extra)",
                "missing attribute \"apiVersion\"",
            ],
        ),
        (
            "broken-no-main",
            &[
                "Unable to identify the environments base directory",
                "main.jsonnet",
            ],
        ),
    ];
    for (name, needles) in cases {
        let o = tkstep(&["render", &env(name)]);
        assert_code(&o, 1);
        let err = stderr(&o);
        assert!(err.starts_with("Error: "), "{name}: {err}");
        for needle in *needles {
            assert!(
                err.contains(needle),
                "{name}: expected {needle:?} in:\n{err}"
            );
        }
        assert!(stdout(&o).is_empty(), "{name}: nothing on stdout");
    }
}

#[test]
fn missing_environment_and_usage_errors() {
    let o = tkstep(&["render", "testdata/project/environments/does-not-exist"]);
    assert_code(&o, 1);
    assert!(stderr(&o).contains("does-not-exist"), "{}", stderr(&o));
    let o = tkstep(&["render"]);
    assert_code(&o, 2);
    let o = tkstep(&["render", &env("plain-app"), "--format", "toml"]);
    assert_code(&o, 2);
    let o = tkstep(&["frobnicate"]);
    assert_code(&o, 2);
}

#[test]
fn every_command_has_help_with_an_example() {
    for cmd in [
        "render", "plan", "overlays", "diff", "export", "check", "compare", "runbook",
    ] {
        let o = tkstep(&[cmd, "--help"]);
        assert_code(&o, 0);
        assert!(stdout(&o).contains("Examples:"), "{cmd} --help");
        assert!(
            stdout(&o).contains(&format!("tkstep {cmd} ")),
            "{cmd} --help"
        );
    }
}

#[test]
fn unknown_step_is_an_error_listing_the_steps() {
    let o = tkstep(&["render", &env("mimir-microservices"), "--step", "9.9"]);
    assert_code(&o, 1);
    let err = stderr(&o);
    assert!(err.contains("9.9") && err.contains("7.2a"), "{err}");
}

#[test]
fn render_step_shows_the_state_after_that_step() {
    let o = tkstep(&[
        "render",
        &env("mimir-microservices"),
        "--step",
        "2",
        "--format",
        "json",
    ]);
    assert_code(&o, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let read = json
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["kind"] == "Deployment" && m["metadata"]["name"] == "mimir-read")
        .expect("step 2 renders mimir-read");
    assert_eq!(read["spec"]["replicas"], 0);
    // A verify step renders the state of the last config step before it.
    let after_31 = tkstep(&["render", &env("mimir-microservices"), "--step", "3.1"]);
    let after_32 = tkstep(&["render", &env("mimir-microservices"), "--step", "3.2"]);
    assert_code(&after_32, 0);
    assert_eq!(stdout(&after_31), stdout(&after_32));
}

fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn list(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn overlays_are_written_once_and_never_overwritten_without_force() {
    let tmp = temp_dir();
    let out = tmp.path().join("migration");
    let out_s = out.to_str().unwrap();
    let o = tkstep(&[
        "overlays",
        &env("mimir-microservices"),
        "--no-prerequisites",
        "--out",
        out_s,
    ]);
    assert_code(&o, 0);
    let names = list(&out);
    assert_eq!(names.len(), 14, "{names:?}");
    assert_eq!(names[0], "01-1-zone-awareness.libsonnet");
    assert_eq!(names[12], "13-8-cleanup-read-write.libsonnet");
    assert_eq!(names[13], "README.md");

    // A user edit survives a second run without --force, and nothing is written.
    let edited = out.join("02-2-deploy-rw-at-zero.libsonnet");
    std::fs::write(&edited, "// mine\n").unwrap();
    let o = tkstep(&[
        "overlays",
        &env("mimir-microservices"),
        "--no-prerequisites",
        "--out",
        out_s,
    ]);
    assert_code(&o, 1);
    assert!(
        stderr(&o).contains("refusing to overwrite"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(&edited).unwrap(), "// mine\n");
    assert_eq!(list(&out).len(), 14, "no temporary files left behind");

    let o = tkstep(&[
        "overlays",
        &env("mimir-microservices"),
        "--no-prerequisites",
        "--out",
        out_s,
        "--force",
    ]);
    assert_code(&o, 0);
    assert!(
        std::fs::read_to_string(&edited)
            .unwrap()
            .contains("deployment_mode: 'migration'")
    );
}

#[test]
fn unwritable_output_is_a_clean_error() {
    let tmp = temp_dir();
    let file = tmp.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let o = tkstep(&[
        "overlays",
        &env("mimir-microservices"),
        "--out",
        file.join("sub").to_str().unwrap(),
    ]);
    assert_code(&o, 1);
    assert!(stderr(&o).contains("a-file"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
}

#[test]
fn export_writes_step_folders_and_check_detects_drift() {
    let tmp = temp_dir();
    let out = tmp.path().join("steps");
    let out_s = out.to_str().unwrap();
    let o = tkstep(&[
        "export",
        &env("mimir-microservices"),
        "--no-prerequisites",
        "--out",
        out_s,
    ]);
    assert_code(&o, 0);
    let folders = list(&out);
    assert_eq!(folders.first().map(String::as_str), Some("00-before"));
    assert_eq!(
        folders.get(1).map(String::as_str),
        Some("01-zone-awareness")
    );
    assert_eq!(folders.last().map(String::as_str), Some("13-final"));
    let before = out.join("00-before");
    assert!(before.join("apps-v1.Deployment-distributor.yaml").is_file());
    assert!(
        !out.join("13-final/apps-v1.Deployment-distributor.yaml")
            .exists()
    );
    // Each file is the object's `tk show` document.
    let render = tkstep(&["render", &env("mimir-microservices")]);
    let doc = std::fs::read_to_string(before.join("apps-v1.Deployment-distributor.yaml")).unwrap();
    assert!(stdout(&render).contains(&doc));

    let o = tkstep(&[
        "export",
        &env("mimir-microservices"),
        "--no-prerequisites",
        "--out",
        out_s,
        "--check",
    ]);
    assert_code(&o, 0);
    std::fs::write(
        before.join("apps-v1.Deployment-distributor.yaml"),
        "changed\n",
    )
    .unwrap();
    let o = tkstep(&[
        "export",
        &env("mimir-microservices"),
        "--no-prerequisites",
        "--out",
        out_s,
        "--check",
    ]);
    assert_code(&o, 16);
    assert!(stdout(&o).contains("changed: 00-before/apps-v1.Deployment-distributor.yaml"));
    // An existing export is never overwritten.
    let o = tkstep(&[
        "export",
        &env("mimir-microservices"),
        "--no-prerequisites",
        "--out",
        out_s,
    ]);
    assert_code(&o, 1);
    assert_eq!(
        std::fs::read_to_string(before.join("apps-v1.Deployment-distributor.yaml")).unwrap(),
        "changed\n"
    );
}

#[test]
fn diff_exit_codes_follow_tk_diff() {
    let o = tkstep(&["diff", &env("mimir-microservices"), "--step", "5.1"]);
    assert_code(&o, 0);
    let text = stdout(&o);
    assert!(
        text.starts_with("# step 5.1 store-gateway-leave-ring: +0 ~3 -0\n"),
        "{text:.300}"
    );
    assert!(
        text.contains("\n+        - -store-gateway.sharding-ring.unregister-on-shutdown=true\n")
    );
    let o = tkstep(&[
        "diff",
        &env("mimir-microservices"),
        "--step",
        "5.1",
        "--exit-code",
    ]);
    assert_code(&o, 16);
    // Step 1 is already satisfied on this environment: no change, so exit 0 even with --exit-code.
    let o = tkstep(&[
        "diff",
        &env("mimir-microservices"),
        "--step",
        "1",
        "--exit-code",
    ]);
    assert_code(&o, 0);
    assert!(stderr(&o).contains("No differences."));
    let o = tkstep(&["diff", &env("mimir-microservices"), "--step", "3.2"]);
    assert_code(&o, 0);
    assert!(stderr(&o).contains("verify step"), "{}", stderr(&o));
}

#[test]
fn diff_json_has_the_documented_shape() {
    // The read-write steps alone (no query-scheduler-ring chained in front).
    let o = tkstep(&[
        "diff",
        &env("mimir-microservices"),
        "--no-prerequisites",
        "--json",
    ]);
    assert_code(&o, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let steps = json.as_array().unwrap();
    assert_eq!(steps.len(), 13);
    assert_eq!(steps[1]["step"], "2");
    assert_eq!(steps[1]["name"], "deploy-rw-at-zero");
    let change = &steps[1]["changes"][0];
    for key in ["kind", "namespace", "name", "change", "diff"] {
        assert!(change.get(key).is_some(), "{key} in {change}");
    }
}

#[test]
fn check_passes_the_example_and_flags_single_zone() {
    let o = tkstep(&["check", &env("mimir-microservices")]);
    assert_code(&o, 0);
    let o = tkstep(&["check", &env("mimir-single-zone"), "--json"]);
    assert_code(&o, 3);
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let hit = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "stateful-removed" && f["step"] == "1");
    assert!(hit, "{json}");
}

#[test]
fn not_mimir_like_environments_are_refused_clearly() {
    let o = tkstep(&["diff", &env("plain-app")]);
    assert_code(&o, 1);
    assert!(stderr(&o).contains("deployment_mode"), "{}", stderr(&o));
}

/// Files tkstep writes get the permissions any new file gets (0666 less the umask), not the
/// private 0600 of the temporary file they are written through.
#[cfg(unix)]
#[test]
fn written_files_have_ordinary_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = temp_dir();
    let reference = tmp.path().join("reference");
    std::fs::write(&reference, "x").unwrap();
    let expected = std::fs::metadata(&reference).unwrap().permissions().mode() & 0o777;
    let out = tmp.path().join("runbook.md");
    let o = tkstep(&[
        "runbook",
        &env("mimir-microservices"),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_code(&o, 0);
    let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, expected, "{mode:o} vs {expected:o}");
}

#[test]
fn export_check_into_a_closed_pipe_exits_quietly() {
    // `tkstep export --check … | head -0`: the drift listing meets a closed pipe; the command
    // still ends with its own result (16: drift, every file is missing), quietly, no panic.
    let dir = temp_dir();
    let out = dir.path().join("steps");
    std::fs::create_dir(&out).unwrap(); // empty: everything is missing
    let mut child = Command::new(env!("CARGO_BIN_EXE_tkstep"))
        .args(["export", &env("mimir-microservices"), "--out"])
        .arg(&out)
        .arg("--check")
        .current_dir(root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run tkstep");
    drop(child.stdout.take());
    let o = child.wait_with_output().expect("wait for tkstep");
    assert_code(&o, 16);
    assert!(
        stderr(&o).contains("differs from a fresh export"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn render_and_diff_filter_objects_with_targets_like_tk() {
    // render -t: only the objects whose <kind>/<name> matches, whole string, any case.
    let o = tkstep(&[
        "render",
        &env("mimir-microservices"),
        "-t",
        "StatefulSet/ingester-zone-.*",
        "--format",
        "json",
    ]);
    assert_code(&o, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let names: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["ingester-zone-a", "ingester-zone-b", "ingester-zone-c"]
    );
    // `ingester` alone matches nothing: the expression must match the whole `<kind>/<name>`.
    let o = tkstep(&["render", &env("mimir-microservices"), "-t", "ingester"]);
    assert_code(&o, 0);
    assert_eq!(stdout(&o), "");
    // A bad expression fails before anything is rendered, naming the expression: a usage
    // error.
    let o = tkstep(&["render", &env("mimir-microservices"), "--target", "("]);
    assert_code(&o, 2);
    assert_eq!(stdout(&o), "");
    assert!(stderr(&o).contains("`(?I)^($`"), "{}", stderr(&o));

    // diff -t: only the selected objects' diffs; step 7.1 scales the distributor down.
    let o = tkstep(&[
        "diff",
        &env("mimir-microservices"),
        "--step",
        "7.1",
        "-t",
        "deployment/distributor",
    ]);
    assert_code(&o, 0);
    let text = stdout(&o);
    assert!(
        text.starts_with("# step 7.1 scale-down-distributor: +0 ~1 -0\n"),
        "{text:.300}"
    );
    assert!(text.contains("-  replicas: "), "{text:.2000}");
    let o = tkstep(&[
        "diff",
        &env("mimir-microservices"),
        "--step",
        "7.1",
        "-t",
        "!deployment/distributor",
        "--exit-code",
    ]);
    assert_code(&o, 0);
    assert!(stderr(&o).contains("No differences."), "{}", stderr(&o));
    // The whole plan: every step filtered, the timeline and checks still cover everything.
    let o = tkstep(&[
        "diff",
        &env("mimir-microservices"),
        "--summary",
        "-t",
        "statefulset/ingester-zone-b",
    ]);
    assert_code(&o, 0);
    let text = stdout(&o);
    assert!(text.contains("# step 7.2b scale-down-ingester-zone-b: +0 ~1 -0\n"));
    assert!(text.contains("# step 7.1 scale-down-distributor: +0 ~0 -0\n"));
    assert!(text.contains("# replica timeline\n") && text.contains("distributor"));
    let o = tkstep(&[
        "diff",
        &env("mimir-microservices"),
        "--recursive",
        "-t",
        "x",
    ]);
    assert_code(&o, 2);
    assert!(stderr(&o).contains("--recursive"), "{}", stderr(&o));
}

#[test]
fn external_variables_and_top_level_arguments_as_tk_passes_them() {
    let root = temp_dir();
    let env_dir = root.path().join("environments/default");
    std::fs::create_dir_all(&env_dir).unwrap();
    std::fs::write(root.path().join("jsonnetfile.json"), "{}").unwrap();
    std::fs::write(
        env_dir.join("spec.json"),
        r#"{"apiVersion": "tanka.dev/v1alpha1", "kind": "Environment",
            "metadata": {"name": "environments/default"}, "spec": {"namespace": "apps"}}"#,
    )
    .unwrap();
    std::fs::write(
        env_dir.join("main.jsonnet"),
        "function(replicas=1, note='none') { cm: { apiVersion: 'v1', kind: 'ConfigMap',\n\
         \x20 metadata: { name: std.extVar('name') },\n\
         \x20 data: { replicas: std.toString(replicas), note: note,\n\
         \x20         cluster: std.toString(std.extVar('cluster')) } } }\n",
    )
    .unwrap();
    // A file name with a double quote: passed as a verbatim string, `"` doubled.
    let note = root.path().join("say \"hi\".txt");
    std::fs::write(&note, "from a file\n").unwrap();
    let env = env_dir.to_str().unwrap();
    let note_arg = format!("note={}", note.display());
    let o = tkstep(&[
        "render",
        env,
        "-V",
        "name=it's \"quoted\"",
        "--ext-code",
        "cluster={ a: 1 }",
        "--tla-code",
        "replicas=1 + 2",
        "--tla-str-file",
        &note_arg,
        "--format",
        "json",
    ]);
    assert_code(&o, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(json[0]["metadata"]["name"], "it's \"quoted\"");
    assert_eq!(
        json[0]["data"],
        serde_json::json!({"replicas": "3", "note": "from a file\n", "cluster": "{\"a\": 1}"})
    );
    // -A passes a string; --ext-str-file a file's contents.
    let cluster_arg = format!("cluster={}", note.display());
    let o = tkstep(&[
        "render",
        env,
        "--ext-str",
        "name=x",
        "--ext-str-file",
        &cluster_arg,
        "-A",
        "replicas=3",
        "--format",
        "json",
    ]);
    assert_code(&o, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(json[0]["data"]["replicas"], "3");
    assert_eq!(json[0]["data"]["cluster"], "from a file\n");
    // A missing variable is a located evaluation error; a flag without NAME= a usage error.
    let o = tkstep(&["render", env, "-V", "name=x"]);
    assert_code(&o, 1);
    assert!(
        stderr(&o).contains("cluster") && stderr(&o).contains("main.jsonnet:4:"),
        "{}",
        stderr(&o)
    );
    let o = tkstep(&["render", env, "-V", "name"]);
    assert_code(&o, 2);
    assert!(
        stderr(&o).contains("invalid value 'name' for '--ext-str <NAME=VALUE>'"),
        "{}",
        stderr(&o)
    );
    let o = tkstep(&["check", env, "--recursive", "-V", "name=x"]);
    assert_code(&o, 2);
    assert!(stderr(&o).contains("--recursive"), "{}", stderr(&o));
}
