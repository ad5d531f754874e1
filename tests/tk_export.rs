//! `tkstep export` without a plan: `tk export`'s layout, byte for byte.
//!
//! There is no `tk` binary on this machine (nor a way to get one), so the expected layouts are
//! recorded from an oracle that builds them with the Go libraries Tanka uses, following
//! Tanka's documented rules (`tests/oracle/tkexport`: text/template + sprig for names,
//! yaml.v2 for contents, encoding/json for manifest.json).
//!
//! - `exports_match_recorded_tk_layouts` (self-contained): `tkstep export` of every layout
//!   below, compared file by file with `testdata/recorded/tk-export/<layout>.json`; then
//!   `--check` finds no drift (round trip).
//! - `recorded_layouts_match_go` (reference tier): the oracle, fed the environments'
//!   manifests, produces exactly the recordings (`TKSTEP_RECORD=1 cargo test --locked --
//!   --ignored` rewrites them).
//! - `export_contents_are_tk_show_documents` (reference tier): for the real `tk show` outputs
//!   in `../shared/tk-show-golden`, every exported file is byte-identical to its `tk show`
//!   document, and so is what the Go oracle writes.
//! - errors, merge strategies, `--skip-manifest`, `--recursive`, step folders with `--format`.

use crate::common::{assert_code, stderr, stdout};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};
use tkstep::manifest::Manifest;
use tkstep::tk_export::{self, EnvExport, ExportOptions, OutputDir};
use tkstep::{OpenOptions, Renderer};

use crate::common::{envs_dir, manifest_dir as root, oracle, recorded, shared_dir};

/// The recordings' directory under `testdata/recorded/`.
const RECORDINGS: &str = "tk-export";

/// The recordings' note on how they were made.
const NOTE: &str = "what `tk export` writes for this command: there is no tk binary here, so \
                    the layout is built from Tanka's documented rules with the Go libraries \
                    Tanka uses (text/template + sprig for names, gopkg.in/yaml.v2 for contents, \
                    encoding/json MarshalIndent for manifest.json) over tkstep's rendered \
                    manifests (which match real `tk show` output elsewhere); the body maps each \
                    file to its content";

fn env_dir(name: &str) -> String {
    envs_dir().join(name).display().to_string()
}

fn tkstep(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tkstep"))
        .args(args)
        .output()
        .expect("running tkstep")
}

/// Every file under `dir`: relative path → content.
fn read_tree(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap();
            let rel = rel.to_str().unwrap().replace('\\', "/");
            out.insert(rel, std::fs::read_to_string(entry.path()).unwrap());
        }
    }
    out
}

/// One recorded layout: how to export it.
struct Layout {
    name: &'static str,
    env: &'static str,
    select: Option<&'static str>,
    recursive: bool,
    format: Option<&'static str>,
    extension: Option<&'static str>,
    plan_none: bool,
}

const KIND_NAME: &str = "{{.kind}}-{{or .metadata.name .metadata.generateName}}";

const fn layout(name: &'static str, env: &'static str) -> Layout {
    Layout {
        name,
        env,
        select: None,
        recursive: false,
        format: None,
        extension: None,
        plan_none: false,
    }
}

fn layouts() -> Vec<Layout> {
    vec![
        layout("plain-app", "plain-app"),
        Layout {
            format: Some(KIND_NAME),
            ..layout("plain-app-kind-name", "plain-app")
        },
        Layout {
            format: Some(
                "{{env.spec.namespace}}/{{.kind | lower}}/{{print .metadata.name \"_\" .apiVersion | snakecase}}",
            ),
            extension: Some("yml"),
            ..layout("plain-app-folders", "plain-app")
        },
        Layout {
            select: Some("inline-prod"),
            ..layout("inline-prod", "inline")
        },
        Layout {
            recursive: true,
            format: Some("{{env.metadata.name}}/{{.apiVersion}}.{{.kind}}-{{.metadata.name}}"),
            ..layout("inline-recursive", "inline")
        },
        Layout {
            plan_none: true,
            ..layout("golden-autoscaling", "golden-autoscaling")
        },
        Layout {
            plan_none: true,
            ..layout("golden-defaults", "golden-defaults")
        },
        Layout {
            plan_none: true,
            format: Some(KIND_NAME),
            ..layout("golden-multi-zone", "golden-multi-zone")
        },
    ]
}

impl Layout {
    fn args(&self, out: &Path) -> Vec<String> {
        let mut args = vec![
            "export".to_string(),
            env_dir(self.env),
            "--out".to_string(),
            out.display().to_string(),
        ];
        if let Some(name) = self.select {
            args.extend(["--name".to_string(), name.to_string()]);
        }
        if self.recursive {
            args.push("--recursive".to_string());
        }
        if let Some(f) = self.format {
            args.extend(["--format".to_string(), f.to_string()]);
        }
        if let Some(e) = self.extension {
            args.extend(["--extension".to_string(), e.to_string()]);
        }
        if self.plan_none {
            args.extend(["--plan".to_string(), "none".to_string()]);
        }
        args
    }

    /// The command as recorded (paths relative to the crate).
    fn command(&self) -> String {
        let args = self.args(Path::new("OUT"));
        let prefix = format!("{}/", root().display());
        args.iter()
            .map(|a| {
                let a = a.replace(&prefix, "");
                if a.contains(['{', ' ', '|']) {
                    format!("'{a}'")
                } else {
                    a
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The recording, relative to `testdata/recorded/`.
    fn recording(&self) -> String {
        format!("{RECORDINGS}/{}", self.file_name())
    }

    fn file_name(&self) -> String {
        format!("{}.json", self.name)
    }

    /// The environments and manifests the layout exports (through the library).
    fn envs(&self) -> Vec<(Value, Vec<Manifest>)> {
        let open = |path: &Path, name: Option<String>| {
            let r = Renderer::open(
                path,
                &OpenOptions {
                    name,
                    ..OpenOptions::default()
                },
            )
            .unwrap();
            (
                tk_export::env_value(r.environment()),
                r.render(None).unwrap(),
            )
        };
        if self.recursive {
            let found = tkstep::repo::discover(Path::new(&env_dir(self.env)), None).unwrap();
            found
                .envs
                .iter()
                .map(|e| open(&e.entrypoint, Some(e.name.clone())))
                .collect()
        } else {
            vec![open(
                Path::new(&env_dir(self.env)),
                self.select.map(str::to_string),
            )]
        }
    }
}

#[test]
fn exports_match_recorded_tk_layouts() {
    let tmp = tempfile::tempdir().unwrap();
    let mut files = 0;
    let layouts = layouts();
    let mut names: Vec<String> = layouts.iter().map(Layout::file_name).collect();
    names.sort();
    assert_eq!(
        recorded::list(RECORDINGS),
        names,
        "testdata/recorded/{RECORDINGS}: regenerate with `{}`",
        recorded::REGENERATE
    );
    for layout in layouts {
        let recording = recorded::read(&layout.recording());
        assert_eq!(
            recording.get("command"),
            Some(layout.command().as_str()),
            "testdata/recorded/{}: recorded for another command; regenerate with `{}`",
            layout.recording(),
            recorded::REGENERATE
        );
        let want: BTreeMap<String, String> =
            serde_json::from_str(&recording.body).expect("recording is JSON");
        let out = tmp.path().join(layout.name);
        let args = layout.args(&out);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = tkstep(&args);
        assert_code(&o, 0);
        let got = read_tree(&out);
        assert_eq!(
            got.keys().collect::<Vec<_>>(),
            want.keys().collect::<Vec<_>>(),
            "{}: file names",
            layout.name
        );
        for (file, content) in &want {
            assert!(got[file] == *content, "{}: {file} differs", layout.name);
        }
        files += want.len();
        // Round trip: a fresh export finds no drift.
        let mut check = args.clone();
        check.push("--check");
        let o = tkstep(&check);
        assert_code(&o, 0);
        assert!(stderr(&o).contains("is up to date"), "{}", stderr(&o));
    }
    assert!(files >= 148, "only {files} files compared");
}

/// Run the tkexport oracle over `cases`: the files of each, or its error.
fn run_oracle(cases: &[Value]) -> Vec<Result<BTreeMap<String, String>, String>> {
    let frames = recorded::frames(&oracle::run_go("tkexport", &[], cases));
    assert_eq!(frames.len(), cases.len(), "oracle frame count");
    frames
        .into_iter()
        .map(|f| f.map(|body| serde_json::from_str(&body).expect("oracle output is JSON")))
        .collect()
}

fn oracle_case(format: &str, extension: &str, envs: &[(Value, Vec<Manifest>)]) -> Value {
    json!({
        "format": format,
        "extension": extension,
        "envs": envs.iter().map(|(env, manifests)| json!({"env": env, "manifests": manifests})).collect::<Vec<_>>(),
    })
}

#[test]
#[ignore = "reference tier: runs Go's text/template, sprig and yaml.v2 (cargo test --locked -- --ignored)"]
fn recorded_layouts_match_go() {
    let layouts = layouts();
    let cases: Vec<Value> = layouts
        .iter()
        .map(|l| {
            oracle_case(
                l.format.unwrap_or(tk_export::DEFAULT_FORMAT),
                l.extension.unwrap_or(tk_export::DEFAULT_EXTENSION),
                &l.envs(),
            )
        })
        .collect();
    let outputs = run_oracle(&cases);
    let producer = oracle::go_producer_naming(
        "tests/oracle/tkexport",
        &[
            "github.com/Masterminds/sprig/v3",
            "github.com/huandu/xstrings",
            "gopkg.in/yaml.v2",
        ],
    );
    for (layout, files) in layouts.iter().zip(outputs) {
        let files = files.unwrap_or_else(|e| panic!("{}: oracle error {e}", layout.name));
        let body = serde_json::to_string_pretty(&files).unwrap() + "\n";
        let command = layout.command();
        recorded::check_or_record(
            &layout.recording(),
            &producer,
            &[("command", &command), ("note", NOTE)],
            &body,
        );
    }
    let names: Vec<String> = layouts.iter().map(Layout::file_name).collect();
    recorded::prune(RECORDINGS, &names);
}

#[test]
#[ignore = "reference tier: reads ../shared/tk-show-golden and runs Go (cargo test --locked -- --ignored)"]
fn export_contents_are_tk_show_documents() {
    let dir = shared_dir().join("tk-show-golden");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e} (set TKSTEP_SHARED)", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 6);
    let env = tkstep::env::Environment::default();
    let mut compared = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let docs: Vec<String> = text
            .split("\n---\n")
            .map(|d| {
                if d.ends_with('\n') {
                    d.to_string()
                } else {
                    format!("{d}\n")
                }
            })
            .collect();
        let manifests: Vec<Manifest> = docs
            .iter()
            .map(|d| {
                let v = tkstep::yaml::parse_stream(d).unwrap().remove(0);
                Manifest::new(v.as_object().unwrap().clone())
            })
            .collect();
        let nothing = |_: &str| false;
        let plan = tk_export::plan(
            &OutputDir {
                path: Path::new("out"),
                empty: true,
                manifest_json: None,
                exists: &nothing,
            },
            &[EnvExport {
                env: &env,
                manifests: &manifests,
            }],
            &ExportOptions::default(),
        )
        .unwrap();
        // Names as Go builds them.
        let go = run_oracle(&[oracle_case(
            tk_export::DEFAULT_FORMAT,
            "yaml",
            &[(tk_export::env_value(&env), manifests.clone())],
        )])
        .remove(0)
        .unwrap();
        assert_eq!(
            plan.write.keys().collect::<Vec<_>>(),
            go.keys().collect::<Vec<_>>(),
            "{}",
            file.display()
        );
        for (manifest, doc) in manifests.iter().zip(&docs) {
            let name = tk_export::FileNamer::tk_default()
                .file_name(manifest)
                .unwrap();
            assert!(plan.write[&name] == *doc, "{}: {name}", file.display());
            assert!(go[&name] == *doc, "{}: {name} (Go)", file.display());
            compared += 1;
        }
    }
    assert!(compared > 200, "{compared}");
}

#[test]
fn errors_are_tankas_and_write_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let out_s = out.display().to_string();
    let plain = env_dir("plain-app");
    // Two objects named alike.
    let o = tkstep(&[
        "export",
        &plain,
        "--out",
        &out_s,
        "--format",
        "{{.apiVersion}}",
    ]);
    assert_code(&o, 1);
    assert!(
        stderr(&o).contains(&format!("file '{out_s}/v1.yaml' already exists. Aborting")),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists(), "nothing written");
    // Functions tkstep does not have, or nobody has; a name leaving the output directory.
    for (format, message) in [
        (
            "{{.kind | title}}",
            "function \"title\" is not supported by tkstep",
        ),
        ("{{nope .kind}}", "function \"nope\" not defined"),
        ("../{{.kind}}", "leaves the output directory"),
    ] {
        let o = tkstep(&["export", &plain, "--out", &out_s, "--format", format]);
        assert_code(&o, 1);
        assert!(stderr(&o).contains(message), "{format}: {}", stderr(&o));
    }
    assert!(!out.exists() && !tmp.path().join("Service.yaml").exists());
    // A non-empty output directory.
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("keep.txt"), "mine").unwrap();
    let o = tkstep(&["export", &plain, "--out", &out_s]);
    assert_code(&o, 1);
    assert!(
        stderr(&o).contains(&format!(
            "output dir `{out_s}` not empty. Pass a different --merge-strategy to ignore this"
        )),
        "{}",
        stderr(&o)
    );
    assert_eq!(read_tree(&out).len(), 1);
    // tk export's flags make no sense with a plan.
    let o = tkstep(&[
        "export",
        &env_dir("mimir-minimal"),
        "--out",
        &out_s,
        "--skip-manifest",
    ]);
    assert_code(&o, 1);
    assert!(
        stderr(&o).contains("--skip-manifest only applies without a plan"),
        "{}",
        stderr(&o)
    );
    // Several inline environments and no --name.
    let o = tkstep(&["export", &env_dir("inline"), "--out", &out_s]);
    assert_code(&o, 1);
    assert!(
        stderr(&o).contains("Please use --name to export a single environment or --recursive")
            && stderr(&o).contains("found multiple Environments"),
        "{}",
        stderr(&o)
    );
    // --plan none is for export only.
    let o = tkstep(&["render", &plain, "--plan", "none", "--step", "1"]);
    assert_code(&o, 1);
    assert!(
        stderr(&o).contains("--plan none only applies to export"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn merge_strategies_as_tk() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let out_s = out.display().to_string();
    let plain = env_dir("plain-app");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("keep.txt"), "mine").unwrap();
    // fail-on-conflicts: fine beside other files, an error on the second run.
    let o = tkstep(&[
        "export",
        &plain,
        "--out",
        &out_s,
        "--merge-strategy",
        "fail-on-conflicts",
    ]);
    assert_code(&o, 0);
    let first = read_tree(&out);
    assert_eq!(first.len(), 5, "{:?}", first.keys());
    // tk's deprecated --merge is fail-on-conflicts.
    let o = tkstep(&["export", &plain, "--out", &out_s, "--merge"]);
    assert_code(&o, 1);
    assert!(
        stderr(&o).contains("already exists. Aborting"),
        "{}",
        stderr(&o)
    );
    assert_eq!(read_tree(&out), first, "nothing changed");
    // A deleted environment's files, known to manifest.json.
    let mut manifest: BTreeMap<String, String> =
        serde_json::from_str(&first["manifest.json"]).unwrap();
    manifest.insert(
        "gone/x.yaml".into(),
        "environments/gone/main.jsonnet".into(),
    );
    std::fs::create_dir_all(out.join("gone")).unwrap();
    std::fs::write(out.join("gone/x.yaml"), "old").unwrap();
    std::fs::write(
        out.join("manifest.json"),
        tk_export::manifest_json::render(&manifest),
    )
    .unwrap();
    // replace-envs: the environment's old files go, its new ones come, others stay.
    let o = tkstep(&[
        "export",
        &plain,
        "--out",
        &out_s,
        "--merge-strategy",
        "replace-envs",
        "--format",
        KIND_NAME,
        "--merge-deleted-envs",
        "environments/gone/main.jsonnet",
    ]);
    assert_code(&o, 0);
    let after = read_tree(&out);
    let names: Vec<&str> = after.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "ConfigMap-hello-web-config.yaml",
            "Deployment-hello-web.yaml",
            "Service-hello-web.yaml",
            "keep.txt",
            "manifest.json"
        ]
    );
    assert_eq!(
        after["manifest.json"],
        "{\n    \"ConfigMap-hello-web-config.yaml\": \"environments/plain-app/main.jsonnet\",\n    \"Deployment-hello-web.yaml\": \"environments/plain-app/main.jsonnet\",\n    \"Service-hello-web.yaml\": \"environments/plain-app/main.jsonnet\"\n}"
    );
    assert_eq!(
        after["Service-hello-web.yaml"],
        first["v1.Service-hello-web.yaml"]
    );
    // --skip-manifest.
    let skip = tmp.path().join("skip");
    let o = tkstep(&[
        "export",
        &plain,
        "--out",
        &skip.display().to_string(),
        "--skip-manifest",
    ]);
    assert_code(&o, 0);
    let files = read_tree(&skip);
    assert_eq!(files.len(), 3);
    assert!(!files.contains_key("manifest.json"));
}

#[test]
fn check_reports_drift() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let out_s = out.display().to_string();
    let plain = env_dir("plain-app");
    assert_code(&tkstep(&["export", &plain, "--out", &out_s]), 0);
    std::fs::write(out.join("v1.Service-hello-web.yaml"), "edited\n").unwrap();
    std::fs::write(out.join("extra.yaml"), "x\n").unwrap();
    let o = tkstep(&["export", &plain, "--out", &out_s, "--check"]);
    assert_code(&o, 16);
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "changed: v1.Service-hello-web.yaml\nextra: extra.yaml\n"
    );
}

#[test]
fn recursive_export_fails_whole_and_clashes_like_tk() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let out_s = out.display().to_string();
    // A broken environment fails the whole export; nothing is written.
    let repo = root().join("testdata/repo").display().to_string();
    let o = tkstep(&["export", &repo, "--recursive", "--out", &out_s]);
    assert_code(&o, 1);
    assert!(
        stderr(&o).contains("Errors occurred during parallel processing:")
            && stderr(&o).contains("broken"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists());
    // Two inline environments with the same objects: the default names clash.
    let o = tkstep(&["export", &env_dir("inline"), "--recursive", "--out", &out_s]);
    assert_code(&o, 1);
    assert!(
        stderr(&o).contains("already exists. Aborting"),
        "{}",
        stderr(&o)
    );
    // --name keeps one of them.
    let o = tkstep(&[
        "export",
        &env_dir("inline"),
        "--recursive",
        "--name",
        "inline-dev",
        "--out",
        &out_s,
    ]);
    assert_code(&o, 0);
    let files = read_tree(&out);
    assert_eq!(files.len(), 4);
    assert!(
        files["manifest.json"]
            .contains("\"apps-v1.Deployment-echo.yaml\": \"environments/inline/main.jsonnet\"")
    );
    assert!(files["apps-v1.Deployment-echo.yaml"].contains("namespace: echo-dev"));
}

#[test]
fn format_applies_inside_step_folders() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("steps");
    let out_s = out.display().to_string();
    let env = env_dir("mimir-minimal");
    let args = [
        "export",
        &env,
        "--out",
        &out_s,
        "--format",
        "{{.kind | lower}}/{{.metadata.name}}",
        "--extension",
        "yml",
    ];
    assert_code(&tkstep(&args), 0);
    let files = read_tree(&out);
    assert!(
        files
            .keys()
            .any(|f| f.starts_with("00-before/statefulset/")),
        "{:?}",
        files.keys().take(5).collect::<Vec<_>>()
    );
    assert!(files.keys().all(|f| f.ends_with(".yml")));
    assert!(!files.contains_key("manifest.json"));
    let mut check: Vec<&str> = args.to_vec();
    check.push("--check");
    assert_code(&tkstep(&check), 0);
}

/// A Tanka project in a temporary directory: static environments `a` (team a), `b` (team b)
/// and `c` (no labels), and an inline file with `dev` (team a, tier dev) and `prod` (team b).
fn labelled_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("jsonnetfile.json"), "{}").unwrap();
    let config_map = |name: &str| {
        format!(
            "{{ cm: {{ apiVersion: 'v1', kind: 'ConfigMap', metadata: {{ name: '{name}' }}, \
             data: {{ x: '1' }} }} }}\n"
        )
    };
    for (name, labels) in [
        ("a", r#"{"team": "a"}"#),
        ("b", r#"{"team": "b"}"#),
        ("c", "{}"),
    ] {
        let env = root.join("environments").join(name);
        std::fs::create_dir_all(&env).unwrap();
        std::fs::write(
            env.join("spec.json"),
            format!(
                r#"{{"apiVersion": "tanka.dev/v1alpha1", "kind": "Environment",
                    "metadata": {{"name": "environments/{name}", "labels": {labels}}},
                    "spec": {{"namespace": "ns-{name}"}}}}"#
            ),
        )
        .unwrap();
        std::fs::write(env.join("main.jsonnet"), config_map(name)).unwrap();
    }
    let inline = root.join("environments/inline");
    std::fs::create_dir_all(&inline).unwrap();
    let env = |name: &str, labels: &str| {
        format!(
            "{name}: {{ apiVersion: 'tanka.dev/v1alpha1', kind: 'Environment', \
             metadata: {{ name: 'inline-{name}', labels: {labels} }}, \
             spec: {{ namespace: 'ns-{name}' }}, data: {} }}",
            config_map(name).trim_end()
        )
    };
    std::fs::write(
        inline.join("main.jsonnet"),
        format!(
            "{{ {}, {} }}\n",
            env("dev", "{ team: 'a', tier: 'dev' }"),
            env("prod", "{ team: 'b' }")
        ),
    )
    .unwrap();
    dir
}

/// The ConfigMaps (one per environment, named after it) a `manifest.json` lists.
fn exported_envs(out: &Path) -> std::collections::BTreeSet<String> {
    let text = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    let map: BTreeMap<String, String> = serde_json::from_str(&text).unwrap();
    map.keys()
        .map(|file| {
            let name = file.rsplit_once("ConfigMap-").unwrap().1;
            name.trim_end_matches(".yaml").to_string()
        })
        .collect()
}

#[test]
fn recursive_export_selects_environments_by_label() {
    let project = labelled_project();
    let envs = project.path().join("environments");
    let run = |selector: &str, out: &str| {
        let out = project.path().join(out);
        let o = tkstep(&[
            "export",
            envs.to_str().unwrap(),
            "-r",
            "-l",
            selector,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_code(&o, 0);
        exported_envs(&out)
    };
    let names = |list: &[&str]| list.iter().map(|s| s.to_string()).collect();
    assert_eq!(run("team=a", "o1"), names(&["a", "dev"]));
    assert_eq!(run("team!=a", "o2"), names(&["b", "c", "prod"]));
    assert_eq!(run("team in (a,b),!tier", "o3"), names(&["a", "b", "prod"]));
    assert_eq!(run("tier", "o4"), names(&["dev"]));

    // A bad selector is a usage error; -l needs --recursive.
    let o = tkstep(&[
        "export",
        envs.to_str().unwrap(),
        "-r",
        "-l",
        "team in (a",
        "--out",
        "x",
    ]);
    assert_code(&o, 2);
    assert!(stderr(&o).contains("'(' without ')'"), "{}", stderr(&o));
    let o = tkstep(&[
        "export",
        envs.to_str().unwrap(),
        "-l",
        "team=a",
        "--out",
        "x",
    ]);
    assert_code(&o, 2);

    // diff/check --recursive select the same way (these environments are not Mimir-like:
    // skipped rows, one per selected environment).
    let o = tkstep(&[
        "check",
        envs.to_str().unwrap(),
        "-r",
        "-l",
        "team=a",
        "--json",
    ]);
    assert_code(&o, 0);
    let rows: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let mut selected: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    selected.sort();
    assert_eq!(selected, ["environments/a", "inline-dev"]);
}
