//! The binary at its edges (issue 10): exit codes through closed pipes, usage errors, inputs
//! that are not regular files or are too large, hangs, memory limits, and the messages for
//! odd inputs.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn env(name: &str) -> String {
    format!("testdata/project/environments/{name}")
}

fn command(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tkstep"));
    cmd.args(args).current_dir(root()).env("NO_COLOR", "1");
    cmd
}

fn tkstep(args: &[&str]) -> Output {
    command(args).output().expect("run tkstep")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[track_caller]
fn assert_code(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "exit code\nstdout:\n{:.2000}\nstderr:\n{:.2000}",
        stdout(o),
        stderr(o)
    );
    assert!(!stderr(o).contains("panicked"), "panic: {}", stderr(o));
}

/// Run tkstep with its stdout a pipe whose reading end is closed before it writes anything:
/// every write fails with EPIPE. Returns the exit code and stderr.
fn with_closed_stdout(args: &[&str]) -> (Option<i32>, String) {
    let mut child = command(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run tkstep");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait for tkstep");
    (out.status.code(), stderr(&out))
}

// ---- exit codes survive a closed pipe ----

#[test]
fn check_keeps_exit_3_when_stdout_is_closed() {
    let (code, err) = with_closed_stdout(&["check", &env("mimir-single-zone")]);
    assert_eq!(code, Some(3), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn diff_exit_code_keeps_16_when_stdout_is_closed() {
    let (code, err) = with_closed_stdout(&["diff", &env("mimir-microservices"), "--exit-code"]);
    assert_eq!(code, Some(16), "{err}");
}

#[test]
fn recursive_check_keeps_exit_1_when_stdout_is_closed() {
    let (code, err) = with_closed_stdout(&["check", "testdata/repo", "-r"]);
    assert_eq!(code, Some(1), "{err}");
}

#[test]
fn successful_render_stays_0_and_quiet_when_stdout_is_closed() {
    let (code, err) = with_closed_stdout(&["render", &env("mimir-microservices")]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(err, "");
}

#[test]
fn pipefail_through_head_sees_the_result() {
    // The issue's reproduction, through a real shell pipeline.
    let bin = env!("CARGO_BIN_EXE_tkstep");
    let script = format!(
        "'{bin}' diff {} --exit-code | head -1 >/dev/null; echo ${{PIPESTATUS[0]}}",
        env("mimir-microservices")
    );
    let o = Command::new("bash")
        .args(["-c", &script])
        .current_dir(root())
        .output()
        .expect("run bash");
    assert_eq!(stdout(&o).trim(), "16", "{}", stderr(&o));
}

// ---- malformed flag values are usage errors (exit 2, clap's format) ----

#[track_caller]
fn assert_usage_error(args: &[&str], expected: &str) {
    let o = tkstep(args);
    assert_code(&o, 2);
    let err = stderr(&o);
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains(expected), "expected {expected:?} in:\n{err}");
    assert!(err.contains("For more information, try '--help'."), "{err}");
    assert_eq!(stdout(&o), "");
}

#[test]
fn ext_str_without_equals_is_a_usage_error() {
    let e = env("mimir-microservices");
    assert_usage_error(
        &["render", &e, "--ext-str", "foo"],
        "invalid value 'foo' for '--ext-str <NAME=VALUE>'",
    );
    assert_usage_error(
        &["render", &e, "--tla-code-file", "=x"],
        "invalid value '=x' for '--tla-code-file <NAME=FILE>'",
    );
}

#[test]
fn read_autoscaling_min_above_max_is_a_usage_error() {
    let e = env("mimir-microservices");
    assert_usage_error(
        &["render", &e, "--read-autoscaling", "5:3"],
        "invalid value '5:3' for '--read-autoscaling <MIN:MAX>': needs 1 <= MIN <= MAX",
    );
    assert_usage_error(&["plan", &e, "--read-autoscaling", "0:3"], "'0:3'");
}

#[test]
fn empty_or_repeated_zones_are_usage_errors() {
    let e = env("mimir-microservices");
    assert_usage_error(
        &["render", &e, "--zones", ""],
        "invalid value '' for '--zones <ZONES>'",
    );
    assert_usage_error(&["diff", &e, "--zones", "a,B"], "invalid value 'B'");
    assert_usage_error(
        &["render", &e, "--zones", "a,b,a"],
        "invalid value 'a,b,a' for '--zones <ZONES>': zone 'a' is listed twice",
    );
}

#[test]
fn other_malformed_flag_values_are_usage_errors() {
    let e = env("mimir-microservices");
    for (flag, value) in [
        ("--read-replicas", "0"),
        ("--write-replicas", "0"),
        ("--backend-replicas", "0"),
        ("--ingester-replicas", "0"),
        ("--store-gateway-replicas", "0"),
        ("--k8s-import", " "),
        ("--target", "("),
    ] {
        assert_usage_error(
            &["render", &e, flag, value],
            &format!("invalid value '{value}' for '{flag} <"),
        );
    }
    assert_usage_error(
        &["check", "testdata/repo", "-r", "--jobs", "0"],
        "invalid value '0' for '--jobs <N>'",
    );
}

#[test]
fn flags_that_do_not_go_with_recursive_are_usage_errors() {
    assert_usage_error(
        &["diff", "testdata/repo", "-r", "--step", "2"],
        "the argument '--step <ID>' cannot be used with '--recursive'",
    );
    assert_usage_error(
        &["diff", "testdata/repo", "-r", "-t", "deployment/.*"],
        "cannot be used with '--recursive'",
    );
    assert_usage_error(
        &["check", "testdata/repo", "-r", "-V", "a=b"],
        "cannot be used with '--recursive'",
    );
}
