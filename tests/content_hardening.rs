//! Issue 10 (hardening), content side: plan files are validated as they load (unsafe names,
//! special or huge files, errors in the user's terms, linear time), duplicate objects are
//! reported, the Markdown runbook escapes step names, and replica counts are valid int32s.
//! One test per case; each failed on the main branch before the fix.

use crate::common::stderr;
use std::hash::BuildHasher;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tkstep::plan::{OrderedMap, Params, Plan, PlanFormat, Step, StepKind};
use tkstep::{OpenOptions, Renderer};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn env(name: &str) -> String {
    format!("testdata/project/environments/{name}")
}

/// Run tkstep in the repository root; kill it after `deadline` (a hang is a failure, not a
/// stuck test run). Its output is read while it runs, so that a full pipe cannot block it.
fn tkstep_within(args: &[&str], deadline: Duration) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tkstep"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run tkstep");
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            pipe.read_to_end(&mut bytes).ok();
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for tkstep") {
            break status;
        }
        if start.elapsed() > deadline {
            child.kill().ok();
            child.wait().ok();
            let err = stderr.join().unwrap_or_default();
            panic!(
                "tkstep {args:?} still running after {deadline:?}; stderr: {}",
                String::from_utf8_lossy(&err)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    }
}

fn tkstep(args: &[&str]) -> Output {
    tkstep_within(args, Duration::from_secs(120))
}

#[track_caller]
fn assert_fails_with(o: &Output, parts: &[&str]) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(1), "exit code; stderr:\n{err}");
    assert!(!err.contains("panicked"), "panic: {err}");
    for part in parts {
        assert!(err.contains(part), "missing {part:?} in:\n{err}");
    }
}

/// The built-in plan exported as YAML, with `edit` applied to its text.
fn exported_plan(edit: impl Fn(String) -> String) -> String {
    let plan = Plan::to_read_write(&Params::default());
    edit(tkstep::plan::write_plan(&plan, PlanFormat::Yaml).unwrap())
}

fn load(text: &str) -> Result<Plan, String> {
    Plan::from_text(text, PlanFormat::Yaml, "p.yaml").map_err(|e| e.to_string())
}

fn everything_under(dir: &Path) -> Vec<String> {
    let mut found: Vec<String> = walk(dir)
        .into_iter()
        .map(|p| p.strip_prefix(dir).unwrap().display().to_string())
        .collect();
    found.sort();
    found
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        }
        out.push(path);
    }
    out
}

/// Case 1: a step name like `../../../ESCAPED` made `export` write outside `--out`; empty
/// names gave `02--deploy-rw-at-zero.libsonnet`. Unsafe ids and names are refused as the plan
/// file loads, with file:line:col and the field, and nothing is written.
#[test]
fn unsafe_ids_and_names_in_plan_files_are_refused_with_their_location() {
    let tmp = tempfile::tempdir().unwrap();
    let plan = tmp.path().join("p.yaml");
    let text =
        exported_plan(|t| t.replacen("name: deploy-rw-at-zero", "name: \"../../../ESCAPED\"", 1));
    let line = text.lines().position(|l| l.contains("ESCAPED")).unwrap() + 1;
    std::fs::write(&plan, &text).unwrap();
    let out = tmp.path().join("r/out");
    for command in ["export", "overlays", "runbook"] {
        let o = tkstep(&[
            command,
            &env("mimir-microservices"),
            "--plan-file",
            plan.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_fails_with(
            &o,
            &[&format!(
                "p.yaml:{line}:9: steps[1].name: \"../../../ESCAPED\" must not contain '/'"
            )],
        );
        assert_eq!(everything_under(tmp.path()), ["p.yaml"], "{command}");
    }

    // Every unsafe kind, in ids, names and the plan name, YAML and JSON.
    let cases = [
        (
            "name: p\nsteps:\n  - {id: '1', name: ''}\n",
            "p.yaml:3:21: steps[0].name: \"\" must not be empty",
        ),
        (
            "name: p\nsteps:\n  - {id: '', name: a}\n",
            "p.yaml:3:10: steps[0].id: \"\" must not be empty",
        ),
        (
            "name: p\nsteps:\n  - {id: '..', name: a}\n",
            "steps[0].id: \"..\" must not contain '..'",
        ),
        (
            "name: p\nsteps:\n  - {id: '1', name: 'a\\b'}\n",
            "steps[0].name: \"a\\\\b\" must not contain '\\'",
        ),
        (
            "name: p\nsteps:\n  - {id: '1', name: \"a\\0b\"}\n",
            "steps[0].name: \"a\\0b\" must be one line without control characters (found \\u{0})",
        ),
        (
            "name: p\nsteps:\n  - {id: '1', name: \"a\\eb\"}\n",
            "found \\u{1b}",
        ),
        (
            "name: a/b\nsteps:\n  - {id: '1', name: a}\n",
            "p.yaml:1:7: name: \"a/b\" must not contain '/'",
        ),
    ];
    for (text, expected) in cases {
        let err = load(text).unwrap_err();
        assert!(
            err.contains(expected),
            "{text:?}\n{err}\nexpected: {expected}"
        );
    }
    let err = Plan::from_text(
        "{\"name\": \"p\",\n \"steps\": [{\"id\": \"1\", \"name\": \"../x\"}]}",
        PlanFormat::Json,
        "p.json",
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.starts_with("p.json:2:38: steps[0].name: \"../x\" must not contain '/'"),
        "{err}"
    );

    // A plan built by the library goes through the same check before it is adapted.
    let mut plan = Plan::to_read_write(&Params::default());
    plan.steps
        .push(Step::new("9", "../../x", StepKind::Verify, ""));
    let renderer =
        Renderer::open(&root().join(env("mimir-minimal")), &OpenOptions::default()).unwrap();
    let err = tkstep::steps::adapt_plan(&renderer, &plan, &Params::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(
            "invalid plan \"to-read-write\": steps[18]: step name \"../../x\" must not contain '/'"
        ),
        "{err}"
    );
}

/// Case 2: `--plan-file /dev/zero` grew to 3.8 GB and a FIFO blocked for ever. Plan files are
/// read as regular files of at most 16 MiB (the FIFO, device and size cases are in
/// `edges.rs`, with the shared reader); here: a directory, and text that is not UTF-8, located.
/// (`/dev/null` stands for every device: reading `/dev/zero` on the old code would fill the
/// memory of the machine running the test.)
#[test]
fn plan_files_that_are_not_regular_utf8_files_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("dir.yaml");
    std::fs::create_dir(&dir).unwrap();
    for (path, message) in [
        (
            dir.as_path(),
            "dir.yaml: the plan file is a directory, not a regular file",
        ),
        (
            Path::new("/dev/null"),
            "/dev/null: the plan file is a character device, not a regular file",
        ),
    ] {
        let o = tkstep_within(
            &["plan", "--plan-file", path.to_str().unwrap()],
            Duration::from_secs(20),
        );
        assert_fails_with(&o, &[message]);
    }
    // Not UTF-8: the line, column and byte offset of the first bad byte.
    let latin1 = tmp.path().join("latin1.yaml");
    std::fs::write(&latin1, b"name: p\nsteps:\n  - {id: '1', name: caf\xe9}\n").unwrap();
    let err = Plan::from_file(&latin1).unwrap_err().to_string();
    assert!(
        err.ends_with("latin1.yaml:3:24: not valid UTF-8 (invalid byte at byte offset 38)"),
        "{err}"
    );
}

/// Case 3: plan-file errors leaked serde-saphyr's internals (`set DuplicateKeyPolicy in
/// Options`, `budget breached: Nodes { nodes: 250001 }`, `recursive references require weak
/// recursion types`), and a duplicate `description` was reported as field `requires`.
#[test]
fn plan_file_errors_are_in_the_users_terms() {
    let many_nodes = format!(
        "name: p\nsteps:\n  - id: '1'\n    name: a\n    prerequisites:\n{}",
        "      - x\n".repeat(260_000)
    );
    let deep = format!(
        "name: p\nsteps:\n  - id: '1'\n    name: a\n    config:\n      x: {}{}\n",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let cases: [(&str, &str); 8] = [
        (
            "name: p\nsteps:\n  - id: '1'\n    name: a\n    description: x\n    description: 'requires: y'\n",
            "p.yaml:6:5: steps[0]: duplicate key 'description'",
        ),
        (
            "name: p\nsteps:\n  - id: '1'\n    name: a\n    config: {x: 1, x: 2}\n",
            "p.yaml:5:20: steps[0].config: duplicate key 'x'",
        ),
        (
            "name: &n p\nsteps:\n  - id: '1'\n    name: *n\n",
            "p.yaml:4:11: steps[0]: YAML aliases (*name) are not allowed in plan files",
        ),
        (
            "name: p\nsteps: &s\n  - id: '1'\n    name: a\n    prerequisites: *s\n",
            "YAML aliases (*name) are not allowed in plan files",
        ),
        (
            &many_nodes,
            "steps[0].prerequisites: the plan file is too large (at most 250000 YAML values)",
        ),
        (
            &deep,
            "p.yaml:6:265: steps[0].config.x: the plan nests too deeply",
        ),
        (
            "name: p\nsteps:\n  - {id: '1', name: a}\n---\nname: q\n",
            "p.yaml:5:1: a plan file holds one YAML document",
        ),
        (
            "name: p\nsteps:\n  - {id: '1', name: a, kind: verify, config: {x: 1}}\n",
            "p.yaml:3:5: steps[0]: step '1': a verify step cannot change Jsonnet",
        ),
    ];
    for (text, expected) in cases {
        let err = load(text).unwrap_err();
        assert!(
            err.starts_with(expected) || err.contains(expected),
            "{err}\nexpected: {expected}"
        );
        for leak in [
            "DuplicateKeyPolicy",
            "budget breached",
            "weak recursion",
            "requires",
        ] {
            assert!(!err.contains(leak), "{leak}: {err}");
        }
    }
    // JSON: a key given twice is an error too (serde_json alone keeps the last one silently).
    for (text, expected) in [
        (
            "{\"name\": \"p\", \"steps\": [{\"id\": \"1\", \"name\": \"a\",\n \"config\": {\"x\": 1, \"x\": 2}}]}",
            "p.json:2:23: steps[0].config: duplicate key 'x'",
        ),
        (
            "{\"name\": \"p\", \"steps\": [{\"id\": \"1\", \"name\": \"a\",\n \"description\": \"x\", \"description\": \"y\"}]}",
            "p.json:2:34: steps[0]: duplicate key 'description'",
        ),
    ] {
        let err = Plan::from_text(text, PlanFormat::Json, "p.json")
            .unwrap_err()
            .to_string();
        assert_eq!(err, expected);
    }
}

static HASHES: AtomicUsize = AtomicUsize::new(0);

/// A hasher that counts how often a key is hashed.
#[derive(Default, Clone)]
struct CountingHasher;

impl BuildHasher for CountingHasher {
    type Hasher = std::collections::hash_map::DefaultHasher;

    fn build_hasher(&self) -> Self::Hasher {
        HASHES.fetch_add(1, Ordering::Relaxed);
        Self::Hasher::default()
    }
}

/// Case 4: a plan file with 120k keys (2.2 MB) took 19.7 s to load: every key inserted into
/// an [`OrderedMap`] was compared with all keys before it. Loading and looking up now costs a
/// bounded number of hashes per key (the work is linear by construction; the time is
/// measured by hand, see the report of issue 10).
#[test]
fn plan_maps_load_in_linear_time() {
    const N: usize = 20_000;
    let yaml: String = (0..N).map(|i| format!("key_{i:06}: {i}\n")).collect();
    HASHES.store(0, Ordering::Relaxed);
    let map: OrderedMap<u32, CountingHasher> = serde_saphyr::from_str(&yaml).unwrap();
    assert_eq!(map.len(), N);
    for i in (0..N).step_by(7) {
        assert_eq!(map.get(&format!("key_{i:06}")), Some(&(i as u32)));
    }
    let hashes = HASHES.load(Ordering::Relaxed);
    // One hash per key loaded (the duplicate check and the insert share it), one per lookup.
    assert_eq!(hashes, N + N.div_ceil(7), "hashes for {N} keys");
    // Insertion order is kept.
    assert_eq!(map.keys().nth(12_345), Some("key_012345"));

    // The plan loader goes through the same maps: a plan with many keys and many steps loads.
    let mut text = String::from("name: p\nsteps:\n  - id: '1'\n    name: a\n    config:\n");
    for i in 0..N {
        text.push_str(&format!("      key_{i:06}: {i}\n"));
    }
    for i in 2..2_000 {
        text.push_str(&format!("  - {{id: '{i}', name: s{i}, kind: verify}}\n"));
    }
    let plan = load(&text).unwrap();
    assert_eq!(plan.steps[0].change.config.len(), N);
    assert_eq!(plan.steps.len(), 1_999);
}

/// Case 6: the Markdown runbook wrote step ids and names raw, so a name like
/// `<img src=x onerror=…>` reached whatever renders the Markdown as HTML. They are escaped as
/// all other text is (and as the HTML runbook does).
#[test]
fn markdown_runbook_escapes_step_names() {
    let tmp = tempfile::tempdir().unwrap();
    let plan = tmp.path().join("p.yaml");
    let hostile = "<img src=x onerror=alert(1)> | *x*";
    std::fs::write(
        &plan,
        exported_plan(|t| {
            t.replacen(
                "name: deploy-rw-at-zero",
                &format!("name: \"{hostile}\""),
                1,
            )
        }),
    )
    .unwrap();
    let o = tkstep(&[
        "runbook",
        &env("mimir-minimal"),
        "--plan-file",
        plan.to_str().unwrap(),
        "--format",
        "md",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let md = String::from_utf8(o.stdout).unwrap();
    let escaped = r"\<img src=x onerror=alert(1)\> \| \*x\*";
    // The steps table and the step's heading.
    assert!(md.contains(&format!("| 2 | {escaped} | config |")), "{md}");
    assert!(
        md.contains(&format!("## Step 2 {escaped} (config)")),
        "{md}"
    );
    assert!(!md.replace(r"\<img", "").contains("<img"), "{md}");
}

/// A Tanka project in a temporary folder, sharing `testdata/project`'s vendor and lib folders,
/// with one environment `env` whose main.jsonnet is the minimal Mimir plus `extra` (fields of
/// the output object).
fn project_with(extra: &str) -> (tempfile::TempDir, String) {
    let tmp = tempfile::tempdir().unwrap();
    let project = root().join("testdata/project");
    let env = tmp.path().join("environments/env");
    std::fs::create_dir_all(&env).unwrap();
    std::fs::copy(
        project.join("jsonnetfile.json"),
        tmp.path().join("jsonnetfile.json"),
    )
    .unwrap();
    for dir in ["vendor", "lib"] {
        std::os::unix::fs::symlink(project.join(dir), tmp.path().join(dir)).unwrap();
    }
    std::fs::write(
        env.join("spec.json"),
        r#"{"apiVersion": "tanka.dev/v1alpha1", "kind": "Environment",
  "metadata": {"name": "environments/env"}, "spec": {"namespace": "default"}}"#,
    )
    .unwrap();
    std::fs::write(
        env.join("main.jsonnet"),
        format!(
            "local mimir = import 'mimir/mimir.libsonnet';\n\
             mimir {{\n  _config+:: {{\n    namespace: 'default',\n    storage_backend: 'gcs',\n    \
             blocks_storage_bucket_name: 'blocks-bucket',\n    \
             ruler_storage_bucket_name: 'rules-bucket',\n  }},\n{extra}\n}}\n"
        ),
    )
    .unwrap();
    let env = env.to_str().unwrap().to_string();
    (tmp, env)
}

/// Case 5: two objects with the same apiVersion, kind, namespace and name passed render, diff
/// and check silently. `check` reports them (`duplicate-objects`, an error: exit 3) naming both
/// JSON paths, once, at the step that introduces them; the other commands warn on stderr.
#[test]
fn duplicate_objects_are_a_check_error_and_a_warning_elsewhere() {
    let (_tmp, env) = project_with(
        "  local cm = {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'shared', namespace: 'default'}},\n  \
         team_a: {config: cm {data: {a: '1'}}},\n  team_b: {config: cm {data: {a: '2'}}},",
    );
    let paths =
        "default/ConfigMap/shared (v1) is rendered 2 times, at .team_a.config and .team_b.config";
    let o = tkstep(&["check", &env]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let report = String::from_utf8(o.stdout).unwrap();
    assert!(
        report.starts_with(&format!(
            "step before (before)\n  error[duplicate-objects] ConfigMap/shared\n      {paths}: on a \
             cluster the copy applied last silently replaces the other"
        )),
        "{report}"
    );
    assert_eq!(report.matches("duplicate-objects").count(), 1, "{report}");

    let warning =
        format!("{paths}; on a cluster the copy applied last silently replaces the other\n");
    let o = tkstep(&["render", &env]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), format!("warning: the environment: {warning}"));
    // tk show prints both objects: so does render.
    let yaml = String::from_utf8(o.stdout).unwrap();
    assert_eq!(yaml.matches("  name: shared\n").count(), 2);

    let o = tkstep(&["diff", &env, "--summary"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with(&format!(
            "warning: the environment before any step: {warning}"
        )),
        "{}",
        stderr(&o)
    );
    assert_eq!(stderr(&o).matches("warning:").count(), 1, "{}", stderr(&o));
}

/// Case 7: `check` accepted `1e+29` replicas, and a StatefulSet with that many replicas removed
/// by the plan made it panic (listing its PVCs). Counts that are not Kubernetes int32s are an
/// `invalid-replicas` error.
#[test]
fn replica_counts_that_are_not_int32_are_a_check_error() {
    let (_tmp, env) = project_with(
        "  compactor_statefulset: if super.compactor_statefulset == null then null\n    \
         else super.compactor_statefulset {spec+: {replicas: 1e29}},\n  \
         app: {apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'app', namespace: 'default'},\n    \
         spec: {replicas: -1}},\n  \
         web: {apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web', namespace: 'default'},\n    \
         spec: {replicas: 2.5}},\n  \
         ok: {apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'ok', namespace: 'default'},\n    \
         spec: {replicas: 2147483647}},",
    );
    let o = tkstep(&["check", &env, "--json"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let invalid: Vec<(String, String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "invalid-replicas")
        .map(|f| {
            (
                f["step"].as_str().unwrap().to_string(),
                f["objects"][0].as_str().unwrap().to_string(),
                f["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let reason = |value: &str| {
        format!(
            "spec.replicas is {value}: Kubernetes refuses it (a replica count is a whole number \
             from 0 to 2147483647, an int32)"
        )
    };
    assert_eq!(
        invalid,
        [
            ("before".into(), "Deployment/app".into(), reason("-1")),
            ("before".into(), "Deployment/web".into(), reason("2.5")),
            (
                "before".into(),
                "StatefulSet/compactor".into(),
                reason("1e+29")
            ),
        ]
    );
    // The compactor's PVCs are listed up to a bound, not 1e29 of them.
    let leftover = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "leftover-pvcs")
        .unwrap();
    assert_eq!(leftover["objects"].as_array().unwrap().len(), 1 + 1000);
}
