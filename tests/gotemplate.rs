//! The Go template engine (`tkstep::gotemplate`) against Go's real `text/template` with sprig.
//!
//! - `matches_recorded_go_outputs` (self-contained): every case in
//!   `testdata/recorded/go-template/outputs.json` (template, manifest, environment, and what Go
//!   printed or that it failed; the same cases as below) is executed by tkstep: the output must
//!   be byte-identical, and a Go error must be an error.
//! - `recording_matches_go` (reference tier): the cases below are run through the oracle
//!   `tests/oracle/gotemplate` (Go `text/template` + sprig) and must equal the recording.
//!   `TKSTEP_RECORD=1 cargo test --locked -- --ignored` rewrites it from the oracle instead.
//! - `unsupported_constructs_are_errors`: what tkstep does not implement fails with a message
//!   naming it, whatever Go would print.

use serde_json::{Value, json};
use tkstep::gotemplate::{Template, TemplateError};

use crate::common::{oracle, recorded};

/// The recording, under `testdata/recorded/`.
const RECORDING: &str = "go-template/outputs.json";

/// The recording's note on its body.
const NOTE: &str = "each case runs `template` on `data[data]` with `env` as what the env \
                    function returns; `go` is Go's output or its error (only whether Go failed \
                    matters, not its error text)";

fn manifests() -> Vec<Value> {
    vec![
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "grafana",
            "namespace": "monitoring", "labels": {"app": "grafana", "tier": "Front End"}},
            "spec": {"replicas": 3, "ratio": 0.5, "big": 1000000, "small": 0.0001, "flag": true,
            "nothing": null, "list": ["a", 1, {"b": null}], "empty": ""}}),
        json!({"apiVersion": "batch/v1", "kind": "Job",
            "metadata": {"generateName": "migrate-", "namespace": "db"}}),
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "", "generateName": "cm-"}}),
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
            "metadata": {"name": "HTTPServer2xx:admin/view"}}),
    ]
}

fn environment() -> Value {
    json!({"apiVersion": "tanka.dev/v1alpha1", "kind": "Environment",
        "metadata": {"name": "environments/default", "namespace": "environments/default/main.jsonnet"},
        "spec": {"namespace": "default", "resourceDefaults": {}, "expectVersions": {}}})
}

/// Templates run on every manifest.
const TEMPLATES: &[&str] = &[
    // tk's default and the common variants
    "{{.apiVersion}}.{{.kind}}-{{or .metadata.name .metadata.generateName}}",
    "{{.kind}}-{{or .metadata.name .metadata.generateName}}",
    "{{.metadata.namespace}}/{{.kind}}-{{.metadata.name}}",
    "{{ print .kind \"_\" .metadata.name | snakecase }}",
    // values and how they print
    "{{.metadata.missing}}|{{.missing.deeper.still}}|{{print .metadata.missing}}",
    "{{.spec.replicas}}|{{.spec.ratio}}|{{.spec.big}}|{{.spec.small}}|{{.spec.flag}}",
    "{{.spec.nothing}}|{{print .spec.nothing}}|{{.spec.list}}|{{.metadata.labels}}|{{.metadata}}",
    "{{print .metadata.labels 1 2 \"x\" 3.5 true 1e6 .spec.replicas}}",
    "{{println .kind 1 .spec.nothing}}",
    "{{.spec.empty}}|{{or .spec.empty .spec.nothing}}|{{or .metadata.missing}}|{{and .kind .metadata.name}}",
    // printf
    "{{printf \"%s-%s\" .kind .metadata.name}}",
    "{{printf \"%d\" .spec.replicas}}|{{printf \"%v\" .spec.replicas}}|{{printf \"%05d\" 42}}|{{printf \"%+d\" 7}}",
    "{{printf \"%.2f|%.1f|%f|%e|%g\" 2.345 0.25 1.5 1234.5 0.0001}}",
    "{{printf \"%q|%x|%X|%5s|%-5s|%.3s|\" .kind .kind \"ab\" \"ab\" \"ab\" .kind}}",
    "{{printf \"%s %s\" .kind}}|{{printf \"%s\" .kind 1 \"x\"}}|{{printf \"%t|%%|%v\" true .metadata.missing}}",
    "{{printf \"%s|%d|%s\" .spec.list .spec.list .metadata.missing}}|{{printf \"%d\" .kind}}",
    "{{printf \"%v|%s\" .spec.nothing .spec.flag}}|{{printf \"%x\" 255}}|{{printf \"%6.2f|%-8v|\" 3.14159 .kind}}",
    // sprig
    "{{.kind | lower}}|{{.kind | upper}}|{{.metadata.name | replace \":\" \"-\"}}",
    "{{.metadata.labels.tier | snakecase}}|{{.metadata.labels.tier | kebabcase}}|{{.metadata.labels.tier | camelcase}}",
    "{{.kind | snakecase}}|{{.kind | kebabcase}}|{{.apiVersion | snakecase}}|{{.metadata.name | snakecase}}",
    "{{.metadata.namespace | default \"cluster\"}}|{{.metadata.missing | default \"none\"}}|{{default \"x\" .metadata.name}}|{{default \"d\" .spec.replicas}}",
    "{{.metadata.name | trunc 3}}|{{trunc -3 .kind}}|{{trunc 100 .kind}}|{{trunc 0 .kind}}",
    "{{trim \"  a b  \"}}|{{trimPrefix \"Cluster\" .kind}}|{{trimSuffix \"Binding\" .kind}}|{{trimAll \"-\" \"--a-b--\"}}",
    "{{contains \"Role\" .kind}}|{{hasPrefix \"Cluster\" .kind}}|{{hasSuffix \"ment\" .kind}}|{{substr 0 3 .kind}}|{{substr 2 100 .kind}}|{{repeat 2 .kind}}",
    "{{nospace \"a b\\tc\"}}|{{quote .kind .metadata.missing 1}}|{{squote .kind}}|{{toString .spec.replicas}}|{{empty .metadata.name}}|{{coalesce .metadata.name .metadata.generateName}}",
    // env
    "{{env.metadata.name}}|{{env.spec.namespace}}|{{env.metadata.labels}}|{{(env).metadata.namespace}}",
    "{{env.metadata.name | replace \"/\" \"_\"}}/{{.kind}}",
    // control
    "{{if .metadata.name}}{{.metadata.name}}{{else}}gen-{{.metadata.generateName}}{{end}}",
    "{{with .metadata.namespace}}{{.}}/{{end}}{{.kind}}",
    "{{with .metadata.missing}}x{{else}}none{{end}}|{{with $.kind}}{{.}}{{end}}",
    "{{if eq .kind \"Deployment\"}}deploy{{else if eq .kind \"Job\"}}job{{else}}other{{end}}",
    "{{if ne .kind \"Job\"}}x{{end}}|{{if and .metadata.name .metadata.namespace}}both{{end}}|{{not .metadata.name}}",
    "{{len .kind}}|{{len .metadata}}|{{index .metadata \"name\"}}|{{index .metadata \"nope\"}}|{{eq .kind \"Job\" \"Deployment\"}}",
    // syntax
    "{{- .kind -}} - {{- .metadata.name }}|a {{/* comment */}} b|a {{- /* c */ -}} b",
    "{{`x/y`}}|{{\"a\\tb\\u00e9\"}}|{{'a'}}|{{1.5}}|{{1e3}}|{{0x10}}|{{-3}}|{{true}}|{{print nil}}",
    "{{(print .kind)}}|{{(.metadata).name}}|{{$.metadata.namespace}}|{{ .kind|lower }}",
    "plain text/with/slashes",
    // errors in Go
    "{{.kind | lower 1}}",
    "{{lower .spec.replicas}}",
    "{{lower .metadata.missing}}",
    "{{.spec.nothing.x}}",
    "{{.kind.x}}",
    "{{nosuchfunc .kind}}",
    "{{.kind",
    "{{end}}",
    "{{if .kind}}x",
    "{{trunc \"a\" .kind}}",
    "{{eq .spec.replicas 3}}",
    "{{index .spec.list 5}}",
    "{{.kind | \"x\"}}",
    "{{.metadata.name .kind}}",
    "{{/* c */ }}",
    "{{ /* c */ }}",
    "{{- /* c */ -}}{{.kind -}}  \n x",
];

/// Tricky strings for the case conversions, each run through them.
const WORDS: &[&str] = &[
    "FirstName",
    "HTTPServer",
    "NoHTTPS",
    "GO_PATH",
    "GO PATH",
    "GO-PATH",
    "http2xx",
    "HTTP20xOK",
    "Duration2m3s",
    "Bld4Floor3rd",
    "ServiceAccount",
    "ClusterRoleBinding",
    "apps/v1",
    "networking.k8s.io/v1",
    "v1beta1",
    "ingester-zone-a",
    "mimir_read",
    "a",
    "A",
    "AB",
    "Ab",
    "aB",
    "x9",
    "9x",
    "99",
    "a--b__c",
    "--lead",
    "trail__",
    "PodDisruptionBudget",
    "CSIDriver",
    "HPA2",
    "ÄpfelÜber",
    "k8s.io:Admin",
    "Hello World!",
    "already_snake_case",
    "kube-state-metrics",
    "v2.0.1",
    "ÉCOLE",
    "straße",
    "",
];

/// The data values the templates run on: the manifests, then one `{"w": word}` per word.
fn data() -> Vec<Value> {
    let mut out = manifests();
    out.extend(WORDS.iter().map(|w| json!({ "w": w })));
    out
}

const WORD_TEMPLATE: &str = "{{.w | snakecase}}|{{.w | kebabcase}}|{{.w | camelcase}}|{{.w | lower}}|{{.w | upper}}|{{.w | trunc 2}}";

/// The cases as recorded: a template and the index of its data value.
fn cases() -> Vec<Value> {
    let mut out = Vec::new();
    for i in 0..manifests().len() {
        for t in TEMPLATES {
            out.push(json!({"template": t, "data": i}));
        }
    }
    for i in 0..WORDS.len() {
        out.push(json!({"template": WORD_TEMPLATE, "data": manifests().len() + i}));
    }
    out
}

fn run_tkstep(template: &str, data: &Value, env: &Value) -> Result<String, TemplateError> {
    Template::parse(template)?.execute(data.as_object().unwrap(), env)
}

#[test]
fn matches_recorded_go_outputs() {
    let recording = recorded::read(RECORDING);
    let recording: Value = serde_json::from_str(&recording.body).expect("recording is JSON");
    let cases = recording["cases"].as_array().unwrap();
    let data = recording["data"].as_array().unwrap();
    let stale = format!(
        "testdata/recorded/{RECORDING} holds other cases than the test makes: regenerate it \
         with `{}`",
        recorded::REGENERATE
    );
    assert_eq!(recording["env"], environment(), "{stale}");
    assert_eq!(*data, self::data(), "{stale}");
    let templates: Vec<Value> = cases
        .iter()
        .map(|c| json!({"template": c["template"], "data": c["data"]}))
        .collect();
    assert_eq!(templates, self::cases(), "{stale}");
    let mut failures = Vec::new();
    let (mut ok, mut errors) = (0, 0);
    for case in cases {
        let data = &data[case["data"].as_u64().unwrap() as usize];
        let got = run_tkstep(case["template"].as_str().unwrap(), data, &recording["env"]);
        match (&case["go"]["ok"], &got) {
            (Value::String(want), Ok(got)) if want == got => ok += 1,
            (Value::Null, Err(_)) => errors += 1,
            _ => failures.push(format!(
                "template {:?} on {data}:\n  go:      {}\n  tkstep:  {got:?}",
                case["template"], case["go"]
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(ok + errors, cases_len());
    assert!(ok > 150 && errors > 40, "{ok} outputs, {errors} errors");
}

fn cases_len() -> usize {
    manifests().len() * TEMPLATES.len() + WORDS.len()
}

#[test]
#[ignore = "reference tier: runs Go's text/template with sprig (cargo test --locked -- --ignored)"]
fn recording_matches_go() {
    let (data, env) = (data(), environment());
    let mut cases = cases();
    let inputs: Vec<Value> = cases
        .iter()
        .map(|c| {
            let data = &data[c["data"].as_u64().unwrap() as usize];
            json!({"template": c["template"], "data": data, "env": env})
        })
        .collect();
    let frames = recorded::frames(&oracle::run_go("gotemplate", &[], &inputs));
    assert_eq!(frames.len(), cases.len(), "oracle frame count");
    for (case, out) in cases.iter_mut().zip(frames) {
        case["go"] = match out {
            Ok(text) => json!({ "ok": text }),
            Err(text) => json!({ "err": text }),
        };
    }
    let body = serde_json::to_string_pretty(&json!({
        "env": env,
        "data": data,
        "cases": cases,
    }))
    .unwrap()
        + "\n";
    let producer = oracle::go_producer_naming(
        "tests/oracle/gotemplate",
        &[
            "github.com/Masterminds/sprig/v3",
            "github.com/huandu/xstrings",
        ],
    );
    recorded::check_or_record(RECORDING, &producer, &[("note", NOTE)], &body);
}

#[test]
fn unsupported_constructs_are_errors_naming_them() {
    let data = json!({"kind": "Deployment", "metadata": {"name": "x"}, "spec": {"list": [1]}});
    for (template, needle) in [
        ("{{range .spec.list}}{{.}}{{end}}", "{{range}}"),
        ("{{$x := .kind}}{{$x}}", "variable declarations"),
        ("{{title .kind}}", "\"title\" is not supported by tkstep"),
        ("{{.kind | sha256sum}}", "\"sha256sum\" is not supported"),
        ("{{html .kind}}", "\"html\" is not supported"),
        ("{{.}}", "the whole manifest"),
        ("{{.Kind}}", "the field .Kind"),
        ("{{printf \"%c\" 65}}", "%c"),
        ("{{printf \"%[1]s\" .kind}}", "argument indexes"),
        ("{{trunc 1 \"é\"}}", "multi-byte"),
        ("{{nosuch .kind}}", "function \"nosuch\" not defined"),
    ] {
        let got = Template::parse(template)
            .and_then(|t| t.execute(data.as_object().unwrap(), &Value::Null));
        let err = got.expect_err(template).to_string();
        assert!(err.contains(needle), "{template}: {err}");
    }
}
