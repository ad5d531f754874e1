//! env_discovery tests: project root / base / import paths as Tanka finds them, `spec.json`
//! and inline `Environment` parsing, `--name` selection, environment search.
//!
//! Fixtures live in `testdata/discovery/` (one small Tanka tree per case); cases that need
//! "no marker anywhere above" are built in temporary directories.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::json;
use tkstep::env::{EnvError, Environment, ProjectPaths, find_environments, select_inline};

const NO_ROOT: &str = "unable to identify the project root.\nTried to find 'tkrc.yaml' or 'jsonnetfile.json' in the parent directories.\nPlease refer to https://tanka.dev/directory-structure for more information";

fn no_base(filename: &str) -> String {
    format!(
        "Unable to identify the environments base directory.\nTried to find '{filename}' in the parent directories.\nPlease refer to https://tanka.dev/directory-structure for more information"
    )
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/discovery")
        .canonicalize()
        .expect("testdata/discovery exists")
}

fn fixture(case: &str) -> PathBuf {
    fixtures().join(case)
}

/// Create `files` (relative paths; a trailing `/` makes a directory) under a fresh temp dir.
fn temp_tree(files: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for f in files {
        let path = dir.path().join(f);
        if f.ends_with('/') {
            fs::create_dir_all(&path).unwrap();
        } else {
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, "{}").unwrap();
        }
    }
    dir
}

/// Temp-dir cases need a tree without root markers above; say so clearly if the machine has one.
fn assert_no_marker_above(dir: &Path) {
    for anc in dir.ancestors().skip(1) {
        for marker in ["tkrc.yaml", "jsonnetfile.json"] {
            assert!(
                !anc.join(marker).exists(),
                "{} exists above the temp dir; set TMPDIR elsewhere to run this test",
                anc.join(marker).display()
            );
        }
    }
}

#[test]
fn fixtures_have_no_root_marker_above_them() {
    // A tkrc.yaml anywhere above testdata/discovery would become every fixture's root.
    for anc in fixtures().ancestors() {
        assert!(
            !anc.join("tkrc.yaml").exists() && !anc.join("jsonnetfile.json").exists(),
            "root marker in {}: the discovery fixtures need none above them",
            anc.display()
        );
    }
}

/// jrsonnet's lookup for `import "<file>"`: the importing file's directory, then the library
/// paths in order; first hit wins.
fn resolve_import(importer_dir: &Path, library_paths: &[PathBuf], file: &str) -> Option<PathBuf> {
    std::iter::once(importer_dir.to_path_buf())
        .chain(library_paths.iter().cloned())
        .find(|dir| dir.join(file).is_file())
}

#[test]
fn precedence_env_then_lib_then_env_vendor_then_vendor() {
    let root = fixture("precedence");
    let base = root.join("environments/default");
    let paths = ProjectPaths::resolve(&base).unwrap();
    assert_eq!(paths.root, root);
    assert_eq!(paths.base, base);
    let import_paths = paths.import_paths();
    assert_eq!(
        import_paths,
        vec![
            base.clone(),
            root.join("lib"),
            base.join("vendor"),
            root.join("vendor")
        ]
    );
    // Tanka's expected evaluation result:
    // {"baseDir":"baseDir","lib":"/lib","baseDir-vendor":"baseDir-vendor","vendor":"/vendor"}
    let cases = [
        ("baseDir.jsonnet", base.clone(), "baseDir"),
        ("lib.jsonnet", root.join("lib"), "/lib"),
        (
            "baseDir-vendor.jsonnet",
            base.join("vendor"),
            "baseDir-vendor",
        ),
        ("vendor.jsonnet", root.join("vendor"), "/vendor"),
    ];
    for (file, want_dir, want_value) in cases {
        let found = resolve_import(&base, &import_paths, file)
            .unwrap_or_else(|| panic!("{file} not found"));
        assert_eq!(found, want_dir, "{file}");
        let text = fs::read_to_string(found.join(file)).unwrap();
        assert_eq!(
            text.trim(),
            format!("{{ value: \"{want_value}\" }}"),
            "{file}"
        );
    }
}

#[test]
fn valid_env_found_from_every_starting_point() {
    let root = fixture("valid");
    let base = root.join("environments/default");
    let nested = base.join("nestedDir");
    // (Tanka test name, cwd, argument)
    let cases: &[(&str, &Path, &str)] = &[
        ("relative", &root, "environments/default"),
        ("currentDir", &base, "."),
        ("emptyArgument", &base, ""),
        ("nested", &nested, "."),
        ("nested2", &nested, ".."),
        ("mainFile", &root, "environments/default/main.jsonnet"),
        ("absolute", Path::new("/"), base.to_str().unwrap()),
        ("dotdotInside", &nested, "../nestedDir/.."),
    ];
    for (name, cwd, arg) in cases {
        let paths =
            ProjectPaths::resolve_in(cwd, Path::new(arg)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(paths.root, root, "{name}");
        assert_eq!(paths.base, base, "{name}");
        assert_eq!(paths.entrypoint, base.join("main.jsonnet"), "{name}");
        assert_eq!(paths.env_name(), "environments/default", "{name}");
        assert_eq!(
            paths.entrypoint_rel(),
            "environments/default/main.jsonnet",
            "{name}"
        );
        assert!(paths.is_static(), "{name}");
    }
}

#[test]
fn a_file_argument_is_its_own_entrypoint() {
    // Tanka looks for the file's basename, so the base is the directory holding it.
    let root = fixture("valid");
    let nested = root.join("environments/default/nestedDir");
    let paths = ProjectPaths::resolve_in(
        &root,
        Path::new("environments/default/nestedDir/file.jsonnet"),
    )
    .unwrap();
    assert_eq!(paths.root, root);
    assert_eq!(paths.base, nested);
    assert_eq!(paths.entrypoint, nested.join("file.jsonnet"));
    assert_eq!(paths.env_name(), "environments/default/nestedDir");
    assert_eq!(
        paths.entrypoint_rel(),
        "environments/default/nestedDir/file.jsonnet"
    );
    assert!(!paths.is_static());

    let filename = fixture("noBase").join("environments/filename");
    let paths = ProjectPaths::resolve(&filename.join("custom.jsonnet")).unwrap();
    assert_eq!(paths.base, filename);
    assert_eq!(paths.entrypoint, filename.join("custom.jsonnet"));
    assert!(paths.is_static());
}

#[test]
fn no_base_cases() {
    let root = fixture("noBase");
    // (Tanka test name, argument): a directory argument always looks for main.jsonnet.
    for (name, arg) in [
        ("empty", "environments/empty"),
        ("filename", "environments/filename"),
        ("noMain", "environments/noMain"),
    ] {
        let err = ProjectPaths::resolve_in(&root, Path::new(arg)).unwrap_err();
        let start = root.join(arg);
        match &err {
            EnvError::NoBase {
                filename,
                start: s,
                root: r,
            } => {
                assert_eq!(filename, "main.jsonnet", "{name}");
                assert_eq!(s, &start, "{name}");
                assert_eq!(r, &root, "{name}");
            }
            other => panic!("{name}: expected NoBase, got {other:?}"),
        }
        assert_eq!(
            err.to_string(),
            format!(
                "{}\n(searched from {} up to the project root {})",
                no_base("main.jsonnet"),
                start.display(),
                root.display()
            ),
            "{name}"
        );
    }
    // A missing custom file name is reported with that name.
    let tree = temp_tree(&["jsonnetfile.json", "environments/x/other.jsonnet"]);
    let dir = tree.path().canonicalize().unwrap();
    let missing_name = dir.join("environments/x/other.jsonnet");
    fs::remove_file(&missing_name).unwrap();
    fs::create_dir(&missing_name).unwrap(); // a directory argument now: main.jsonnet
    let err = ProjectPaths::resolve(&missing_name).unwrap_err();
    assert!(
        err.to_string().starts_with(&no_base("main.jsonnet")),
        "{err}"
    );
}

#[test]
fn no_root_without_any_marker() {
    let tree = temp_tree(&[
        "environments/default/main.jsonnet",
        "environments/default/spec.json",
    ]);
    let dir = tree.path().canonicalize().unwrap();
    assert_no_marker_above(&dir);
    let start = dir.join("environments/default");
    let err = ProjectPaths::resolve(&start).unwrap_err();
    assert!(
        matches!(&err, EnvError::NoRoot { start: s } if s == &start),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!("{NO_ROOT}\n(searched upwards from {})", start.display())
    );
}

#[test]
fn root_marker_precedence_fixtures() {
    // (case, argument, expected root relative to the case dir, expected base)
    let cases = [
        // jsonnetfile.json at the top and in the env: the nearest one wins.
        (
            "localvendor",
            "environments/default",
            "environments/default",
            "environments/default",
        ),
        // ... unless a tkrc.yaml exists anywhere above: it always wins.
        (
            "localvendor-with-tkrc",
            "environments/default",
            "",
            "environments/default",
        ),
        (
            "tkrc-beats-jsonnetfile",
            "team/environments/default",
            "",
            "team/environments/default",
        ),
        // A directory named tkrc.yaml counts (Tanka matches names in the listing).
        (
            "tkrc-dir",
            "environments/default",
            "",
            "environments/default",
        ),
    ];
    for (case, arg, want_root, want_base) in cases {
        let dir = fixture(case);
        let paths = ProjectPaths::resolve(&dir.join(arg)).unwrap_or_else(|e| panic!("{case}: {e}"));
        let join = |rel: &str| {
            if rel.is_empty() {
                dir.clone()
            } else {
                dir.join(rel)
            }
        };
        assert_eq!(paths.root, join(want_root), "{case}");
        assert_eq!(paths.base, join(want_base), "{case}");
    }
    let local = ProjectPaths::resolve(&fixture("localvendor/environments/default")).unwrap();
    assert_eq!(local.env_name(), ".");
    assert_eq!(local.entrypoint_rel(), "main.jsonnet");
    assert!(!local.is_static());
}

#[test]
fn generated_trees_like_tankas_find_root_test() {
    // (Tanka test name, files, expected: Ok((root rel, base rel)) or Err(kind))
    type Want = Result<(&'static str, &'static str), &'static str>;
    let cases: &[(&str, &[&str], Want)] = &[
        (
            "missing main.jsonnet",
            &["jsonnetfile.json", "environments/default/spec.json"],
            Err("NoBase"),
        ),
        (
            "missing root marker",
            &["environments/default/main.jsonnet"],
            Err("NoRoot"),
        ),
        (
            "pointer-jsonnetfile.json",
            &["jsonnetfile.json", "environments/default/main.jsonnet"],
            Ok(("", "environments/default")),
        ),
        (
            "pointer-tkrc.yaml",
            &["tkrc.yaml", "environments/default/main.jsonnet"],
            Ok(("", "environments/default")),
        ),
        (
            "localvendor",
            &[
                "jsonnetfile.json",
                "environments/default/jsonnetfile.json",
                "environments/default/main.jsonnet",
            ],
            Ok(("environments/default", "environments/default")),
        ),
        (
            "localvendor-with-tkrc",
            &[
                "tkrc.yaml",
                "jsonnetfile.json",
                "environments/default/jsonnetfile.json",
                "environments/default/main.jsonnet",
            ],
            Ok(("", "environments/default")),
        ),
        (
            "tkrc.yaml directory",
            &[
                "tkrc.yaml/",
                "environments/default/jsonnetfile.json",
                "environments/default/main.jsonnet",
            ],
            Ok(("", "environments/default")),
        ),
    ];
    for (name, files, want) in cases {
        let tree = temp_tree(files);
        let dir = tree.path().canonicalize().unwrap();
        assert_no_marker_above(&dir);
        let got = ProjectPaths::resolve(&dir.join("environments/default"));
        let join = |rel: &str| {
            if rel.is_empty() {
                dir.clone()
            } else {
                dir.join(rel)
            }
        };
        match (got, want) {
            (Ok(paths), Ok((root, base))) => {
                assert_eq!(paths.root, join(root), "{name}");
                assert_eq!(paths.base, join(base), "{name}");
            }
            (Err(EnvError::NoBase { .. }), Err("NoBase")) => {}
            (Err(EnvError::NoRoot { .. }), Err("NoRoot")) => {}
            (got, want) => panic!("{name}: got {got:?}, want {want:?}"),
        }
    }
}

#[test]
fn missing_path_is_not_found() {
    let err =
        ProjectPaths::resolve_in(&fixture("valid"), Path::new("environments/nope")).unwrap_err();
    assert!(matches!(&err, EnvError::NotFound { path } if path == Path::new("environments/nope")));
    assert_eq!(err.to_string(), "'environments/nope' does not exist");
}

#[cfg(unix)]
#[test]
fn symlinked_env_dir_resolves_to_its_target() {
    // Documented behaviour: directories are canonicalized, so a symlinked env is found in
    // the tree its target lives in.
    let tree = temp_tree(&["elsewhere/"]);
    let dir = tree.path().canonicalize().unwrap();
    let link = dir.join("elsewhere/link");
    std::os::unix::fs::symlink(fixture("valid/environments/default"), &link).unwrap();
    let paths = ProjectPaths::resolve(&link).unwrap();
    assert_eq!(paths.root, fixture("valid"));
    assert_eq!(paths.base, fixture("valid/environments/default"));
}

// ---------------------------------------------------------------------------------------
// spec.json and inline Environment objects

fn fake_paths() -> ProjectPaths {
    ProjectPaths {
        root: PathBuf::from("/project"),
        base: PathBuf::from("/project/environments/default"),
        entrypoint: PathBuf::from("/project/environments/default/main.jsonnet"),
    }
}

#[test]
fn static_env_from_spec_json() {
    let paths = ProjectPaths::resolve(&fixture("valid/environments/default")).unwrap();
    let env = Environment::load_static(&paths).unwrap();
    // The name comes from the directory, not from spec.json ("ignored-name").
    assert_eq!(env.name(), "environments/default");
    assert_eq!(
        env.metadata.namespace.as_deref(),
        Some("environments/default/main.jsonnet")
    );
    assert_eq!(env.spec.namespace, "valid");
    assert_eq!(env.spec.api_server, "https://127.0.0.1:6443");
    assert!(env.injects_labels());
    // Go's json.Marshal of the same struct (checked with Go 1.19).
    assert_eq!(
        env.to_ext_code(),
        r#"{"apiVersion":"tanka.dev/v1alpha1","kind":"Environment","metadata":{"name":"environments/default","namespace":"environments/default/main.jsonnet","labels":{"team":"platform"}},"spec":{"apiServer":"https://127.0.0.1:6443","namespace":"valid","injectLabels":true,"resourceDefaults":{},"expectVersions":{}}}"#
    );
}

#[test]
fn missing_spec_json_gives_defaults() {
    let paths = ProjectPaths::resolve(&fixture("localvendor/environments/default")).unwrap();
    let env = Environment::load_static(&paths).unwrap();
    assert_eq!(
        env.to_ext_code(),
        r#"{"apiVersion":"tanka.dev/v1alpha1","kind":"Environment","metadata":{"name":".","namespace":"main.jsonnet"},"spec":{"namespace":"default","resourceDefaults":{},"expectVersions":{}}}"#
    );
}

#[test]
fn spec_parsing_cases() {
    const DEFAULTS: &str = r#"{"apiVersion":"tanka.dev/v1alpha1","kind":"Environment","metadata":{"namespace":"environments/default/main.jsonnet"},"spec":{"namespace":"default","resourceDefaults":{},"expectVersions":{}}}"#;
    // (case, inline object, expected ext code)
    let cases = [
        ("empty object", json!({}), DEFAULTS.to_string()),
        ("null", json!(null), DEFAULTS.to_string()),
        (
            "unknown fields ignored, data ignored",
            json!({"foo": 1, "spec": {"bar": true}, "metadata": {"x": []}, "data": {"a": 1}}),
            DEFAULTS.to_string(),
        ),
        (
            "apiServer without scheme gets https",
            json!({"spec": {"apiServer": "localhost:6443"}}),
            DEFAULTS.replace(r#""spec":{"#, r#""spec":{"apiServer":"https://localhost:6443","#),
        ),
        (
            "apiServer with scheme kept",
            json!({"spec": {"apiServer": "http://localhost"}}),
            DEFAULTS.replace(r#""spec":{"#, r#""spec":{"apiServer":"http://localhost","#),
        ),
        (
            "empty apiServer stays unset",
            json!({"spec": {"apiServer": ""}}),
            DEFAULTS.to_string(),
        ),
        (
            "empty namespace kept empty",
            json!({"spec": {"namespace": ""}}),
            DEFAULTS.replace(r#""namespace":"default""#, r#""namespace":"""#),
        ),
        (
            "null leaves defaults",
            json!({"spec": {"namespace": null, "resourceDefaults": null}, "metadata": null}),
            DEFAULTS.to_string(),
        ),
        (
            "field names match case-insensitively",
            json!({"SPEC": {"NameSpace": "x"}, "Metadata": {"NAME": "n"}}),
            DEFAULTS
                .replace(r#""metadata":{"#, r#""metadata":{"name":"n","#)
                .replace(r#""namespace":"default""#, r#""namespace":"x""#),
        ),
        (
            "inline name kept",
            json!({"apiVersion": "tanka.dev/v1alpha1", "kind": "Environment", "metadata": {"name": "inline-a", "namespace": "overwritten"}}),
            DEFAULTS.replace(r#""metadata":{"#, r#""metadata":{"name":"inline-a","#),
        ),
        (
            "deprecated top-level fields mapped",
            json!({"namespace": "old", "server": "srv:443", "team": "a"}),
            r#"{"apiVersion":"tanka.dev/v1alpha1","kind":"Environment","metadata":{"namespace":"environments/default/main.jsonnet","labels":{"team":"a"}},"spec":{"apiServer":"https://srv:443","namespace":"old","resourceDefaults":{},"expectVersions":{}}}"#.to_string(),
        ),
        (
            // Field order and escaping as Go's json.Marshal (checked with Go 1.19).
            "every field, Go order, HTML escaped",
            json!({"spec": {"exportJsonnetImplementation": "binary:/usr/bin/jrsonnet", "expectVersions": {"tanka": ">= 0.20"}, "resourceDefaults": {"labels": {"b": "2", "a": "1"}, "annotations": {"x": "<&>"}}, "tankaEnvLabelFromFields": [".metadata.name"], "injectLabels": false, "applyStrategy": "server", "diffStrategy": "subset", "namespace": "ns", "contextNames": ["ctx-a", "ctx-b"], "apiServer": "http://k8s:8080"}, "metadata": {"labels": {"z": "1", "a": "2"}, "name": "full"}}),
            r#"{"apiVersion":"tanka.dev/v1alpha1","kind":"Environment","metadata":{"name":"full","namespace":"environments/default/main.jsonnet","labels":{"a":"2","z":"1"}},"spec":{"apiServer":"http://k8s:8080","contextNames":["ctx-a","ctx-b"],"namespace":"ns","diffStrategy":"subset","applyStrategy":"server","tankaEnvLabelFromFields":[".metadata.name"],"resourceDefaults":{"annotations":{"x":"\u003c\u0026\u003e"},"labels":{"a":"1","b":"2"}},"expectVersions":{"tanka":"\u003e= 0.20"},"exportJsonnetImplementation":"binary:/usr/bin/jrsonnet"}}"#.to_string(),
        ),
    ];
    for (name, value, want) in cases {
        let env = Environment::from_inline(&value, &fake_paths())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(env.to_ext_code(), want, "{name}");
    }
}

#[test]
fn spec_type_errors_worded_like_go() {
    // Messages as Go's encoding/json produces them for Tanka's structs (checked with Go 1.19).
    let cases = [
        (
            json!([]),
            "parsing spec.json: json: cannot unmarshal array into Go value of type v1alpha1.Environment",
        ),
        (
            json!("x"),
            "parsing spec.json: json: cannot unmarshal string into Go value of type v1alpha1.Environment",
        ),
        (
            json!({"spec": "x"}),
            "parsing spec.json: json: cannot unmarshal string into Go struct field Environment.spec of type v1alpha1.Spec",
        ),
        (
            json!({"apiVersion": {}}),
            "parsing spec.json: json: cannot unmarshal object into Go struct field Environment.apiVersion of type string",
        ),
        (
            json!({"spec": {"namespace": 5}}),
            "parsing spec.json: json: cannot unmarshal number into Go struct field Spec.spec.namespace of type string",
        ),
        (
            json!({"spec": {"injectLabels": "true"}}),
            "parsing spec.json: json: cannot unmarshal string into Go struct field Spec.spec.injectLabels of type bool",
        ),
        (
            json!({"spec": {"contextNames": "x"}}),
            "parsing spec.json: json: cannot unmarshal string into Go struct field Spec.spec.contextNames of type []string",
        ),
        (
            json!({"spec": {"contextNames": [1]}}),
            "parsing spec.json: json: cannot unmarshal number into Go struct field Spec.spec.contextNames of type string",
        ),
        (
            json!({"metadata": {"labels": {"a": 1}}}),
            "parsing spec.json: json: cannot unmarshal number into Go struct field Metadata.metadata.labels of type string",
        ),
        (
            json!({"metadata": {"labels": []}}),
            "parsing spec.json: json: cannot unmarshal array into Go struct field Metadata.metadata.labels of type map[string]string",
        ),
        (
            json!({"spec": {"resourceDefaults": {"labels": {"a": true}}}}),
            "parsing spec.json: json: cannot unmarshal bool into Go struct field ResourceDefaults.spec.resourceDefaults.labels of type string",
        ),
        (
            json!({"spec": {"expectVersions": {"tanka": false}}}),
            "parsing spec.json: json: cannot unmarshal bool into Go struct field ExpectVersions.spec.expectVersions.tanka of type string",
        ),
        (
            json!({"server": 5}),
            "`server` is of type float64 but should be string",
        ),
        (
            json!({"team": null}),
            "`team` is of type %!s(<nil>) but should be string",
        ),
        (
            json!({"namespace": ["a"]}),
            "`namespace` is of type []interface {} but should be string",
        ),
    ];
    for (value, want) in cases {
        let err = Environment::from_inline(&value, &fake_paths()).unwrap_err();
        assert!(matches!(err, EnvError::Spec { .. }), "{value}: {err:?}");
        assert_eq!(err.to_string(), want, "{value}");
    }
}

#[test]
fn spec_json_file_errors_and_warnings() {
    let tree = temp_tree(&["jsonnetfile.json", "env/main.jsonnet", "env/spec.json"]);
    let env_dir = tree.path().canonicalize().unwrap().join("env");
    let paths = ProjectPaths::resolve(&env_dir).unwrap();

    fs::write(
        env_dir.join("spec.json"),
        r#"{"server": "k8s:6443", "team": "t"}"#,
    )
    .unwrap();
    let (env, warnings) = Environment::load_static_with_warnings(&paths).unwrap();
    assert_eq!(env.spec.api_server, "https://k8s:6443");
    assert_eq!(
        env.metadata.labels.get("team").map(String::as_str),
        Some("t")
    );
    assert_eq!(env.name(), "env");
    assert_eq!(
        warnings,
        [
            "spec.json uses the deprecated field `server`, use `spec.apiServer` instead",
            "spec.json uses the deprecated field `team`, use `metadata.labels.team` instead"
        ]
    );

    fs::write(env_dir.join("spec.json"), "{ not json").unwrap();
    let err = Environment::load_static(&paths).unwrap_err();
    match &err {
        EnvError::Spec { path, message } => {
            assert_eq!(path, &env_dir.join("spec.json"));
            // Tanka's wording after the file's path (Tanka names no file).
            assert!(
                message.contains("spec.json: parsing spec.json: "),
                "{message}"
            );
        }
        other => panic!("expected a spec error, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// Inline environments: --name

fn inline_env(name: &str) -> Environment {
    Environment::from_inline(&json!({"metadata": {"name": name}}), &fake_paths()).unwrap()
}

#[test]
fn inline_selection_matrix() {
    // Tanka's multiple-inline-envs test data, listed out of order on purpose.
    let envs = || {
        ["project2-env1", "project1-env2", "project1-env1"]
            .into_iter()
            .enumerate()
            .map(|(i, n)| (i, inline_env(n)))
            .collect::<Vec<_>>()
    };
    let path = "./multiple-inline-envs";
    // (case, --name, expected: Ok(selected name) or Err(message))
    let cases: [(&str, Option<&str>, Result<&str, String>); 7] = [
        (
            "no match",
            Some("no match"),
            Err("found no matching environments; run 'tk env list ./multiple-inline-envs' to view available options".into()),
        ),
        (
            "no name",
            None,
            Err("found multiple Environments in \"./multiple-inline-envs\". Use `--name` to select a single one: \n - project1-env1\n - project1-env2\n - project2-env1".into()),
        ),
        (
            "empty name counts as none",
            Some(""),
            Err("found multiple Environments in \"./multiple-inline-envs\". Use `--name` to select a single one: \n - project1-env1\n - project1-env2\n - project2-env1".into()),
        ),
        (
            "substring matches two",
            Some("env1"),
            Err("found multiple Environments in \"./multiple-inline-envs\" matching \"env1\". Provide a more specific name that matches a single one: \n - project1-env1\n - project2-env1".into()),
        ),
        ("substring matches one", Some("project2"), Ok("project2-env1")),
        ("full name", Some("project1-env1"), Ok("project1-env1")),
        ("case sensitive", Some("PROJECT2"), Err("found no matching environments; run 'tk env list ./multiple-inline-envs' to view available options".into())),
    ];
    for (case, name, want) in cases {
        let got = select_inline(envs(), name, path);
        match (got, want) {
            (Ok((i, env)), Ok(want_name)) => {
                assert_eq!(env.name(), want_name, "{case}");
                let original = ["project2-env1", "project1-env2", "project1-env1"][i];
                assert_eq!(
                    original, want_name,
                    "{case}: the payload travels with the env"
                );
            }
            (Err(e), Err(msg)) => assert_eq!(e.to_string(), msg, "{case}"),
            (got, want) => panic!("{case}: got {got:?}, want {want:?}"),
        }
    }
}

#[test]
fn inline_exact_name_wins_over_substring_matches() {
    // Tanka's inline-name-conflict test data.
    let envs = vec![
        ("a", inline_env("base-and-more")),
        ("b", inline_env("base")),
    ];
    let (payload, env) = select_inline(envs, Some("base"), ".").unwrap();
    assert_eq!((payload, env.name()), ("b", "base"));

    let single = vec![((), inline_env("only"))];
    assert_eq!(select_inline(single, None, ".").unwrap().1.name(), "only");

    let none: Vec<((), Environment)> = Vec::new();
    let err = select_inline(none, None, "envs/x").unwrap_err();
    assert_eq!(
        err.to_string(),
        "found no matching environments; run 'tk env list envs/x' to view available options"
    );

    // %q quoting of the path and name.
    let two = vec![(1, inline_env("a\"1")), (2, inline_env("a\"2"))];
    let err = select_inline(two, Some("a\""), "dir \"x\"").unwrap_err();
    assert_eq!(
        err.to_string(),
        "found multiple Environments in \"dir \\\"x\\\"\" matching \"a\\\"\". Provide a more specific name that matches a single one: \n - a\"1\n - a\"2"
    );
}

#[test]
fn static_and_inline_error_text() {
    assert_eq!(
        EnvError::static_and_inline().to_string(),
        "found a tanka Environment resource. Check that you aren't using a spec.json and inline environments simultaneously"
    );
}

// ---------------------------------------------------------------------------------------
// Environment label and environment search

#[test]
fn name_label_hashes_name_and_namespace() {
    let paths = ProjectPaths::resolve(&fixture("valid/environments/default")).unwrap();
    let mut env = Environment::load_static(&paths).unwrap();
    // sha256("environments/default:environments/default/main.jsonnet")[:48], computed with
    // Python's hashlib.
    assert_eq!(
        env.name_label().unwrap(),
        "ef8004c80176691d8a0f3688c077aa401e0b6083174fa72e"
    );
    env.spec.tanka_env_label_from_fields = [
        ".metadata.name",
        ".spec.namespace",
        ".spec.injectLabels",
        ".metadata.labels.team",
    ]
    .map(String::from)
    .to_vec();
    // sha256("environments/default:valid:true:platform")[:48]
    assert_eq!(
        env.name_label().unwrap(),
        "8cbfebaa4026bee268b55bcb3b4645f05d42ced634c8c6da"
    );
    env.spec.tanka_env_label_from_fields = vec![".spec.nope".to_string()];
    assert_eq!(
        env.name_label().unwrap_err().to_string(),
        "failed to retrieve field values for label: could not get struct value at path: field \"nope\" not found"
    );
    env.spec.tanka_env_label_from_fields = vec![".spec.contextNames".to_string()];
    assert_eq!(
        env.name_label().unwrap_err().to_string(),
        "failed to retrieve field values for label: could not get struct value at path: unsupported value type"
    );
}

#[test]
fn find_environments_lists_every_main_jsonnet() {
    let root = fixtures();
    let found: Vec<String> = find_environments(&root)
        .unwrap()
        .iter()
        .map(|p| p.strip_prefix(&root).unwrap().display().to_string())
        .collect();
    assert_eq!(
        found,
        [
            // Sorted by path components: `localvendor` before `localvendor-with-tkrc`.
            "localvendor/environments/default/main.jsonnet",
            "localvendor-with-tkrc/environments/default/main.jsonnet",
            "precedence/environments/default/main.jsonnet",
            "tkrc-beats-jsonnetfile/team/environments/default/main.jsonnet",
            "tkrc-dir/environments/default/main.jsonnet",
            "valid/environments/default/main.jsonnet",
        ]
    );
    // A file is taken as is; a missing path is an error.
    let file = root.join("noBase/environments/filename/custom.jsonnet");
    assert_eq!(find_environments(&file).unwrap(), vec![file.clone()]);
    assert!(matches!(
        find_environments(&root.join("nope")),
        Err(EnvError::NotFound { .. })
    ));
}

#[cfg(unix)]
#[test]
fn find_environments_does_not_follow_symlinks() {
    let tree = temp_tree(&["a/main.jsonnet", "vendor/lib/main.jsonnet", "b/"]);
    let dir = tree.path().canonicalize().unwrap();
    std::os::unix::fs::symlink(dir.join("a"), dir.join("b/linked-dir")).unwrap();
    std::os::unix::fs::symlink(dir.join("a/main.jsonnet"), dir.join("b/main.jsonnet")).unwrap();
    let found: Vec<PathBuf> = find_environments(&dir)
        .unwrap()
        .into_iter()
        .map(|p| p.strip_prefix(&dir).unwrap().to_path_buf())
        .collect();
    // vendor/ is not skipped; b/linked-dir is not entered; the symlink named main.jsonnet is listed.
    assert_eq!(
        found,
        [
            PathBuf::from("a/main.jsonnet"),
            PathBuf::from("b/main.jsonnet"),
            PathBuf::from("vendor/lib/main.jsonnet"),
        ]
    );
}
