//! `tkstep::repo` and `tkstep diff|check --recursive` on `testdata/repo` (a static Mimir env,
//! an inline file with two Mimir envs, a broken Mimir env and a plain app).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;
use tkstep::plan::{Params, PlanSource, TO_READ_WRITE};
use tkstep::repo::{self, EnvKind, RepoReport, RunOptions, Status};

fn repo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/repo")
}

fn settings() -> insta::Settings {
    let mut s = crate::common::settings();
    // Wall times vary; the padding before them with them.
    s.add_filter(r" +\d+\.\ds\b", " [time]");
    // ... and so does the header's padding before TIME (its width follows the widest time).
    s.add_filter(r"(CHANGES|VIOLATIONS) +TIME", "$1 [time-header]");
    s
}

fn options(name: Option<&str>, jobs: Option<usize>) -> RunOptions {
    RunOptions {
        plan: PlanSource::Builtin(TO_READ_WRITE.to_string()),
        params: Params::default(),
        follow: Default::default(),
        name: name.map(str::to_string),
        selector: None,
        jobs,
        timeout: Some(repo::DEFAULT_TIMEOUT),
    }
}

/// One library run over the whole repository, shared by the tests that read it.
fn report() -> &'static RepoReport {
    static REPORT: OnceLock<RepoReport> = OnceLock::new();
    REPORT.get_or_init(|| repo::run(&repo_dir(), &options(None, None), &()).unwrap())
}

/// Run the CLI from the crate root (so that paths in messages are relative and stable).
fn tkstep(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tkstep"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn discovery_lists_static_and_each_inline_environment() {
    let found = repo::discover(&repo_dir(), None).unwrap();
    let listed: Vec<(&str, &str, EnvKind)> = found
        .envs
        .iter()
        .map(|e| (e.path.as_str(), e.name.as_str(), e.kind))
        .collect();
    assert_eq!(
        listed,
        [
            (
                "environments/broken",
                "environments/broken",
                EnvKind::Static
            ),
            ("environments/clusters", "mimir-cluster-a", EnvKind::Inline),
            ("environments/clusters", "mimir-cluster-b", EnvKind::Inline),
            (
                "environments/mimir-microservices",
                "environments/mimir-microservices",
                EnvKind::Static
            ),
            ("environments/web", "environments/web", EnvKind::Static),
        ]
    );
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    // The vendor/ and lib/ symlinks are not followed.
    assert!(found.envs.iter().all(|e| !e.path.starts_with("vendor")));
}

#[test]
fn discovery_ignores_non_environments_and_reports_unlistable_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("jsonnetfile.json"), "{}").unwrap();
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    // A main.jsonnet without spec.json that outputs no Environment: not an environment.
    write("lib/helper/main.jsonnet", "{ a: 1 }");
    // An inline file whose top level does not evaluate: an error for that file only.
    write(
        "envs/bad-inline/main.jsonnet",
        "{ a: error 'top level broken' } + 1",
    );
    // A static environment: listed from spec.json without evaluating its (broken) Jsonnet.
    write(
        "envs/static/main.jsonnet",
        "error 'not evaluated while listing'",
    );
    write(
        "envs/static/spec.json",
        r#"{"apiVersion": "tanka.dev/v1alpha1", "kind": "Environment", "metadata": {"name": "ignored"}, "spec": {}}"#,
    );
    let found = repo::discover(root, Some(2)).unwrap();
    let names: Vec<&str> = found.envs.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        ["envs/static"],
        "static names come from the directory"
    );
    assert_eq!(found.errors.len(), 1, "{:?}", found.errors);
    assert_eq!(found.errors[0].path, "envs/bad-inline");
    assert_eq!(found.errors[0].kind, EnvKind::Inline);

    // In a run, the unlistable file and the broken static env are failed rows.
    let report = repo::run(root, &options(None, Some(2)), &()).unwrap();
    let rows: Vec<(&str, Status)> = report
        .envs
        .iter()
        .map(|r| (r.path.as_str(), r.status))
        .collect();
    assert_eq!(
        rows,
        [
            ("envs/bad-inline", Status::Failed),
            ("envs/static", Status::Failed)
        ]
    );
    assert!(
        report.envs[1]
            .error
            .as_deref()
            .unwrap()
            .contains("not evaluated while listing")
    );
}

#[test]
fn missing_directory_is_an_error() {
    assert!(repo::discover(Path::new("testdata/repo/no-such-dir"), None).is_err());
}

#[test]
fn a_broken_environment_does_not_stop_the_others() {
    let report = report();
    let rows: Vec<(String, Status)> = report
        .envs
        .iter()
        .map(|r| (r.display(), r.status))
        .collect();
    assert_eq!(
        rows,
        [
            ("environments/broken".to_string(), Status::Failed),
            (
                "environments/clusters [mimir-cluster-a]".to_string(),
                Status::Ok
            ),
            (
                "environments/clusters [mimir-cluster-b]".to_string(),
                Status::Ok
            ),
            ("environments/mimir-microservices".to_string(), Status::Ok),
            ("environments/web".to_string(), Status::Skipped),
        ]
    );
    let broken = &report.envs[0];
    assert!(
        broken
            .error
            .as_deref()
            .unwrap()
            .contains("no such field: replication_factr")
    );
    assert!(broken.changes.is_none() && broken.checks.is_none());
    let web = &report.envs[4];
    assert_eq!(web.note.as_deref(), Some(repo::NOT_MIMIR_NOTE));
    for row in report.with_status(Status::Ok) {
        assert_eq!(row.steps, 20, "{}", row.display());
        let changes = row.changes.unwrap();
        assert_eq!(changes.config_steps, 15);
        assert!(changes.added > 0 && changes.removed > 0, "{changes}");
        assert_eq!(row.checks.unwrap().errors, 0, "{:?}", row.findings);
        assert!(row.seconds > 0.0);
    }
    assert!(report.any_failed() && report.any_changes() && !report.any_rule_errors());
}

#[test]
fn library_report_as_json() {
    let mut report = report().clone();
    for row in &mut report.envs {
        row.seconds = 0.0;
    }
    let json = serde_json::to_string_pretty(&report.envs).unwrap();
    settings().bind(|| insta::assert_snapshot!("recursive_report_json", json));
}

#[test]
fn par_map_keeps_input_order_on_any_number_of_threads() {
    let items: Vec<usize> = (0..50).collect();
    for jobs in [None, Some(1), Some(3)] {
        let out = repo::par_map(&items, jobs, |i| i * 2);
        assert_eq!(out, items.iter().map(|i| i * 2).collect::<Vec<_>>());
    }
}

#[test]
fn cli_diff_recursive_prints_a_table_and_exits_1_on_a_failed_env() {
    let (code, stdout, stderr) = tkstep(&["diff", "testdata/repo", "--recursive"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.is_empty(),
        "no progress bar when stderr is not a terminal: {stderr}"
    );
    settings().bind(|| insta::assert_snapshot!("recursive_diff_table", stdout));
}

#[test]
fn cli_diff_recursive_exit_code_16_and_name_filter() {
    let (code, stdout, stderr) = tkstep(&[
        "diff",
        "testdata/repo",
        "-r",
        "--name",
        "mimir-cluster-b",
        "--exit-code",
        "--json",
    ]);
    assert_eq!(code, 16, "{stderr}");
    let rows: Value = serde_json::from_str(&stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row["path"], "environments/clusters");
    assert_eq!(row["name"], "mimir-cluster-b");
    assert_eq!(row["kind"], "inline");
    assert_eq!(row["status"], "ok");
    assert_eq!(row["steps"], 20);
    assert!(row["changes"]["changed_steps"].as_u64().unwrap() > 0);
    assert!(row["checks"]["errors"].is_u64());
    assert!(row["seconds"].as_f64().unwrap() > 0.0);

    // Nothing but a skipped environment: no changes, exit 0 even with --exit-code.
    let (code, stdout, _) = tkstep(&[
        "diff",
        "testdata/repo",
        "-r",
        "--name",
        "environments/web",
        "--exit-code",
    ]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("not Mimir-like: no _config.deployment_mode"),
        "{stdout}"
    );
}

#[test]
fn cli_check_recursive_exit_codes() {
    // Rule errors (the single-zone env's step 1 drops its StatefulSets) exit 3.
    let (code, stdout, stderr) = tkstep(&[
        "check",
        "testdata/project/environments/mimir-single-zone",
        "--recursive",
    ]);
    assert_eq!(code, 3, "{stderr}");
    assert!(stdout.contains("VIOLATIONS"), "{stdout}");
    assert!(stdout.contains("[stateful-removed]"), "{stdout}");
    // A failed environment exits 1; JSON rows as for diff.
    let (code, stdout, stderr) = tkstep(&[
        "check",
        "testdata/repo",
        "-r",
        "--json",
        "-j",
        "2",
        "--name",
        "environments/broken",
    ]);
    assert_eq!(code, 1, "{stderr}");
    let rows: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(rows[0]["status"], "failed");
    assert!(
        rows[0]["error"]
            .as_str()
            .unwrap()
            .contains("replication_factr")
    );
}

#[test]
fn outcomes_the_exit_codes_are_mapped_from() {
    // Start from the real report (failed + ok + skipped rows) and vary it. The binary maps
    // these to exit codes: failed wins (1), then rule errors (3) or changes (16).
    let full = report().clone();
    assert!(full.any_failed() && full.any_changes() && !full.any_rule_errors());

    let mut no_failure = full.clone();
    no_failure.envs.retain(|r| r.status != Status::Failed);
    assert!(!no_failure.any_failed() && no_failure.any_changes());

    // A rule error somewhere is seen, whether or not an environment failed.
    let with_rule_error = |mut report: RepoReport| {
        let ok = report
            .envs
            .iter_mut()
            .find(|r| r.status == Status::Ok)
            .unwrap();
        ok.checks.as_mut().unwrap().errors = 1;
        report
    };
    assert!(with_rule_error(no_failure.clone()).any_rule_errors());
    let both = with_rule_error(full.clone());
    assert!(both.any_rule_errors() && both.any_failed());

    // Skipped environments alone count for nothing.
    let mut skipped_only = full.clone();
    skipped_only.envs.retain(|r| r.status == Status::Skipped);
    assert!(!skipped_only.any_failed() && !skipped_only.any_changes());
    assert!(!skipped_only.any_rule_errors());
}

#[test]
fn cli_recursive_rejects_step() {
    let (code, _, stderr) = tkstep(&["diff", "testdata/repo", "-r", "--step", "2"]);
    assert_eq!(code, 2, "a usage error");
    assert!(
        stderr.contains("'--step <ID>' cannot be used with '--recursive'"),
        "{stderr}"
    );
}

/// The built-in reverse plan reads its replica totals from each environment, in a recursive run
/// as in a single one: on the read-write example it passes every rule.
#[test]
fn recursive_reverse_plan_resolves_parameters_per_environment() {
    let (code, stdout, stderr) = tkstep(&[
        "check",
        "testdata/project/environments/mimir-read-write",
        "--recursive",
        "--plan",
        "to-microservices",
        "--json",
    ]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let rows: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(rows[0]["status"], "ok", "{rows}");
    assert_eq!(rows[0]["checks"]["errors"], 0, "{rows}");
}
