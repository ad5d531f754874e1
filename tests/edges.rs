//! The binary at its edges (issue 10): exit codes through closed pipes, usage errors, inputs
//! that are not regular files or are too large, hangs, memory limits, and the messages for
//! odd inputs.

use crate::common::{assert_code, stderr, stdout};
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

// ---- inputs that are not regular files, or too large ----

/// A throw-away project: `jsonnetfile.json` at the top, environments below.
struct Project(tempfile::TempDir);

impl Project {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("jsonnetfile.json"), "{}").unwrap();
        Project(dir)
    }

    fn path(&self) -> &std::path::Path {
        self.0.path()
    }

    /// Write `files` (relative path, content) under the project.
    fn write(&self, files: &[(&str, &str)]) -> &Self {
        for (rel, content) in files {
            let path = self.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, content).unwrap();
        }
        self
    }

    fn mkfifo(&self, rel: &str) {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let status = Command::new("mkfifo").arg(&path).status().unwrap();
        assert!(status.success());
    }

    /// Run tkstep in the project directory, killed after `secs` seconds (a hang fails the
    /// test instead of stalling it).
    fn run(&self, args: &[&str], secs: u64) -> Output {
        let bin = env!("CARGO_BIN_EXE_tkstep");
        let mut child = Command::new("timeout")
            .arg(secs.to_string())
            .arg(bin)
            .args(args)
            .current_dir(self.path())
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run tkstep");
        let _ = child.stdin.take();
        let out = child.wait_with_output().unwrap();
        assert_ne!(out.status.code(), Some(124), "timed out: tkstep {args:?}");
        out
    }
}

const CONFIG_MAP: &str =
    r#"{ cm: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } } }"#;

#[test]
fn spec_json_fifo_is_refused_not_waited_on() {
    let p = Project::new();
    p.write(&[("environments/a/main.jsonnet", CONFIG_MAP)]);
    p.mkfifo("environments/a/spec.json");
    let o = p.run(&["render", "environments/a"], 20);
    assert_code(&o, 1);
    assert_eq!(
        stderr(&o),
        "Error: cannot read environments/a/spec.json: is a FIFO (named pipe), not a regular file\n"
    );
}

#[test]
fn recursive_run_with_a_fifo_spec_json_finishes_and_reports_it() {
    let p = Project::new();
    p.write(&[
        ("environments/a/main.jsonnet", CONFIG_MAP),
        ("environments/b/main.jsonnet", CONFIG_MAP),
        ("environments/b/spec.json", "{}"),
    ]);
    p.mkfifo("environments/a/spec.json");
    let o = p.run(&["check", ".", "-r"], 60);
    assert_code(&o, 1);
    let out = stdout(&o);
    assert!(out.contains("environments/a/spec.json"), "{out}");
    assert!(out.contains("FIFO"), "{out}");
    assert!(out.contains("1 skipped, 1 failed"), "{out}");
}

#[test]
fn imported_fifo_and_device_are_refused() {
    let p = Project::new();
    p.write(&[
        ("environments/a/spec.json", "{}"),
        (
            "environments/a/main.jsonnet",
            "{ data: importstr './pipe' }",
        ),
        ("environments/z/spec.json", "{}"),
        (
            "environments/z/main.jsonnet",
            "{ data: importstr '/dev/zero' }",
        ),
        ("environments/b/spec.json", "{}"),
        (
            "environments/b/main.jsonnet",
            "{ data: importbin '/dev/urandom' }",
        ),
    ]);
    p.mkfifo("environments/a/pipe");
    let o = p.run(&["render", "environments/a"], 20);
    assert_code(&o, 1);
    assert!(
        stderr(&o).starts_with(
            "Error: cannot read environments/a/pipe: is a FIFO (named pipe), not a regular file\n"
        ),
        "{}",
        stderr(&o)
    );
    let o = p.run(&["render", "environments/z"], 20);
    assert_code(&o, 1);
    assert!(
        stderr(&o).starts_with(
            "Error: cannot read /dev/zero: is a character device, not a regular file\n"
        ),
        "{}",
        stderr(&o)
    );
    let o = p.run(&["render", "environments/b"], 20);
    assert_code(&o, 1);
    assert!(stderr(&o).contains("/dev/urandom: is a character device"));
}

#[test]
fn plan_file_that_is_a_device_a_fifo_or_too_large_is_refused() {
    let p = Project::new();
    p.mkfifo("plan.yaml");
    let big = "#".repeat(17 << 20);
    p.write(&[("big.yaml", big.as_str())]);
    let e = root().join(env("mimir-minimal"));
    let e = e.to_str().unwrap();
    for (file, expected) in [
        (
            "/dev/zero",
            "Error: /dev/zero: the plan file is a character device, not a regular file\n",
        ),
        (
            "plan.yaml",
            "Error: plan.yaml: the plan file is a FIFO (named pipe), not a regular file\n",
        ),
        (
            "big.yaml",
            "Error: big.yaml: the plan file is larger than 16 MiB (the most tkstep reads from such a file)\n",
        ),
    ] {
        let o = p.run(&["plan", e, "--plan-file", file], 20);
        assert_code(&o, 1);
        assert_eq!(stderr(&o), expected);
    }
}

// ---- one slow environment cannot stall a recursive run ----

/// A Mimir-like environment whose manifests take for ever to evaluate.
const ENDLESS: &str = "{ _config:: { deployment_mode: 'microservices', ruler_storage_bucket_name: 'r' }, \
     a: std.foldl(function(acc, x) acc + x, std.range(1, 1000000000), 0) }";

#[test]
fn recursive_run_gives_up_on_an_environment_after_its_timeout() {
    let p = Project::new();
    p.write(&[
        ("environments/endless/spec.json", "{}"),
        ("environments/endless/main.jsonnet", ENDLESS),
        ("environments/plain/spec.json", "{}"),
        ("environments/plain/main.jsonnet", CONFIG_MAP),
        // Inline: listing it (evaluating it far enough to find its Environment objects) never
        // ends either.
        (
            "environments/inline/main.jsonnet",
            "{ env: { apiVersion: 'tanka.dev/v1alpha1', kind: 'Environment', \
               metadata: { name: std.toString(std.foldl(function(a, x) a + x, \
               std.range(1, 1000000000), 0)) } } }",
        ),
    ]);
    let start = std::time::Instant::now();
    let o = p.run(&["diff", ".", "-r", "--timeout", "2s"], 60);
    assert!(start.elapsed().as_secs() < 30, "{:?}", start.elapsed());
    assert_code(&o, 1);
    let out = stdout(&o);
    assert!(
        out.contains(
            "# environments/endless failed:\ntimed out after 2s: still evaluating (raise the limit with --timeout)\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("# environments/inline failed:\ntimed out after 2s"),
        "{out}"
    );
    assert!(
        out.contains("3 environment(s): 0 ok, 1 skipped, 2 failed"),
        "{out}"
    );
}

#[test]
fn timeout_takes_durations_and_rejects_nonsense() {
    let o = tkstep(&["check", "testdata/repo", "-r", "--timeout", "soon"]);
    assert_code(&o, 2);
    assert!(
        stderr(&o).contains("invalid value 'soon' for '--timeout <DURATION>'"),
        "{}",
        stderr(&o)
    );
    let o = tkstep(&["check", &env("mimir-minimal"), "--timeout", "5m"]);
    assert_code(&o, 2);
    assert!(
        stderr(&o).contains("the following required arguments were not provided"),
        "{}",
        stderr(&o)
    );
}

// ---- memory limits: a clean error or success, never a panic or an abort ----

/// Run tkstep under `ulimit -v kib` (address space), through `sh`.
fn under_memory_limit(kib: u32, args: &str) -> Output {
    let bin = env!("CARGO_BIN_EXE_tkstep");
    Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {kib}; exec '{bin}' {args}"))
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("run sh")
}

#[track_caller]
fn assert_ok_or_out_of_memory(o: &Output, what: &str) {
    let err = stderr(o);
    assert!(!err.contains("panicked"), "{what}: {err}");
    assert!(!err.contains("backtrace"), "{what}: {err}");
    match o.status.code() {
        Some(0) => {}
        Some(1) => assert!(
            err.starts_with("Error: out of memory (") && err.lines().count() == 1,
            "{what}: {err}"
        ),
        other => panic!("{what}: exit {other:?}\n{err}"),
    }
}

#[test]
fn render_under_400_mb_of_address_space_succeeds() {
    // The issue's reproduction: stacker's 256 MiB stack used to fail to map (exit 134).
    let o = under_memory_limit(400_000, &format!("render {}", env("mimir-microservices")));
    assert_code(&o, 0);
    assert!(stdout(&o).starts_with("apiVersion: v1\n"));
}

#[test]
fn tighter_memory_limits_end_in_one_clean_line() {
    for kib in [150_000, 60_000] {
        for args in [
            format!("render {}", env("mimir-microservices")),
            format!("diff {}", env("mimir-microservices")),
            "check testdata/repo -r".to_string(),
        ] {
            let o = under_memory_limit(kib, &args);
            let what = format!("ulimit -v {kib}; tkstep {args}");
            if args.contains("-r") && o.status.code() == Some(1) && stderr(&o).is_empty() {
                // The run finished; environments failed for lack of memory (said in the rows).
                continue;
            }
            assert_ok_or_out_of_memory(&o, &what);
        }
    }
}

// ---- clearer messages for odd inputs ----

#[test]
fn main_jsonnet_that_is_a_directory_or_a_device_link_says_what_it_is() {
    let p = Project::new();
    p.write(&[
        ("environments/dir/spec.json", "{}"),
        ("environments/dev/spec.json", "{}"),
    ]);
    std::fs::create_dir_all(p.path().join("environments/dir/main.jsonnet")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", p.path().join("environments/dev/main.jsonnet"))
        .unwrap();
    let o = p.run(&["render", "environments/dir"], 20);
    assert_code(&o, 1);
    assert_eq!(
        stderr(&o),
        "Error: environments/dir/main.jsonnet is a directory, not a regular file\n"
    );
    let o = p.run(&["render", "environments/dev"], 20);
    assert_code(&o, 1);
    assert_eq!(
        stderr(&o),
        "Error: environments/dev/main.jsonnet is a symlink to /dev/zero, which is a character \
         device, not a regular file\n"
    );
}

#[test]
fn non_utf8_source_names_the_file_and_the_byte_offset() {
    let p = Project::new();
    p.write(&[
        ("environments/a/spec.json", "{}"),
        (
            "environments/a/main.jsonnet",
            "{ note: importstr 'notes.txt' }",
        ),
    ]);
    std::fs::write(
        p.path().join("environments/a/notes.txt"),
        b"fine\nbad \xff here\n",
    )
    .unwrap();
    let o = p.run(&["render", "environments/a"], 20);
    assert_code(&o, 1);
    let err = stderr(&o);
    assert!(
        err.starts_with(
            "Error: environments/a/notes.txt: not valid UTF-8: invalid byte 0xFF at byte offset 9 (line 2)\n"
        ),
        "{err}"
    );
    assert!(!err.contains("SourceFile("), "{err}");
    // The entrypoint itself.
    std::fs::write(
        p.path().join("environments/a/main.jsonnet"),
        b"{ a: '\xc3' }",
    )
    .unwrap();
    let o = p.run(&["render", "environments/a"], 20);
    assert_code(&o, 1);
    assert!(
        stderr(&o).starts_with(
            "Error: environments/a/main.jsonnet: not valid UTF-8: invalid byte 0xC3 at byte offset 6 (line 1)"
        ),
        "{}",
        stderr(&o)
    );
}

#[test]
fn spec_json_errors_name_the_file() {
    let p = Project::new();
    p.write(&[
        ("environments/a/spec.json", "{ \"spec\": "),
        ("environments/a/main.jsonnet", CONFIG_MAP),
        (
            "environments/b/spec.json",
            "{ \"spec\": { \"namespace\": 5 } }",
        ),
        ("environments/b/main.jsonnet", CONFIG_MAP),
    ]);
    let o = p.run(&["render", "environments/a"], 20);
    assert_code(&o, 1);
    assert!(
        stderr(&o)
            .starts_with("Error: environments/a/spec.json: parsing spec.json: EOF while parsing"),
        "{}",
        stderr(&o)
    );
    let o = p.run(&["render", "environments/b"], 20);
    assert_code(&o, 1);
    assert_eq!(
        stderr(&o),
        "Error: environments/b/spec.json: parsing spec.json: json: cannot unmarshal number into \
         Go struct field Spec.spec.namespace of type string\n"
    );
}

#[test]
fn directory_without_spec_json_or_environment_object_is_named_as_such() {
    let p = Project::new();
    p.write(&[("environments/a/main.jsonnet", CONFIG_MAP)]);
    let o = p.run(&["render", "environments/a"], 20);
    assert_code(&o, 1);
    let err = stderr(&o);
    assert_eq!(
        err,
        "Error: environments/a is not a Tanka environment: it has no spec.json (a static \
         environment), and environments/a/main.jsonnet outputs no Environment object (an inline \
         environment)\n"
    );
    assert!(!err.contains("tk env list"), "{err}");
}

#[test]
fn control_characters_in_object_names_are_escaped_in_diff_headers() {
    // The read-write steps alone (the env finds its query-schedulers by DNS, which would chain
    // query-scheduler-ring in front and number the folders differently).
    let o = tkstep(&["diff", &env("odd-names"), "--no-prerequisites"]);
    assert_code(&o, 0);
    let out = stdout(&o);
    let escaped = r"v1.ConfigMap.default.odd\nname\0with\u{1b}[31mcontrols";
    assert!(
        out.contains(&format!("\n--- 01-zone-awareness/{escaped}\n")),
        "{out:.3000}"
    );
    // Outside the YAML (where the name is quoted as YAML does), no raw control character.
    for line in out
        .lines()
        .filter(|l| !l.starts_with([' ', '+', '-']) || l.starts_with("---") || l.starts_with("+++"))
    {
        assert!(!line.contains(['\0', '\u{1b}']), "{line:?}");
    }
    let o = tkstep(&["diff", &env("odd-names"), "--no-prerequisites", "--summary"]);
    assert!(stdout(&o).contains(escaped), "{}", stdout(&o));
}

#[test]
fn deep_nesting_error_elides_the_middle_of_the_path() {
    let p = Project::new();
    p.write(&[
        ("environments/a/spec.json", "{}"),
        (
            "environments/a/main.jsonnet",
            "local deep(n) = if n == 0 then 'x' else [deep(n - 1)]; { x: deep(10000) }",
        ),
    ]);
    let o = p.run(&["render", "environments/a"], 60);
    assert_code(&o, 1);
    let err = stderr(&o);
    assert!(err.contains("nested more than"), "{err:.500}");
    let longest = err.lines().map(str::len).max().unwrap();
    assert!(longest < 200, "a line of {longest} bytes:\n{err:.1000}");
    assert!(err.contains("more)…"), "{err}");
}

#[test]
fn non_manifest_leaf_in_the_base_environment_is_the_environments_error() {
    for command in ["render", "diff", "check"] {
        let o = tkstep(&[command, &env("broken-base-leaf")]);
        assert_code(&o, 1);
        let err = stderr(&o);
        assert!(
            err.starts_with(
                "Error: got an error while extracting env `environments/broken-base-leaf`: \
                 found invalid Kubernetes object (at .): missing attribute \"apiVersion\"\n"
            ),
            "{command}: {err:.1000}"
        );
        assert!(!err.contains("adapting step"), "{command}: {err:.1000}");
        assert!(
            err.contains("more lines; the value that is not a Kubernetes object is at .release)"),
            "{command}: {err:.3000}"
        );
        assert!(
            err.lines().count() < 40,
            "{command}: {} lines",
            err.lines().count()
        );
    }
}
