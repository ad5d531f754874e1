//! Step diffs: object classification, unified text, colours, diffstat, JSON, Secret redaction
//! and the replica timeline (`tkstep::diff`).

use serde_json::{Value, json};
use tkstep::diff::{Cell, Change, DiffOptions, ObjectDiff, Timeline, redaction_marker};
use tkstep::manifest::Manifest;

use crate::common::{settings, shared_dir};

/// Snapshots live in the top-level `snapshots/` folder, named without module prefix.
fn obj(v: Value) -> Manifest {
    match v {
        Value::Object(m) => Manifest::new(m),
        other => panic!("not an object: {other}"),
    }
}

fn workload(kind: &str, name: &str, replicas: Option<u64>) -> Manifest {
    let mut spec = json!({
        "selector": {"matchLabels": {"name": name}},
        "template": {
            "metadata": {"labels": {"name": name}},
            "spec": {"containers": [{
                "name": name,
                "image": "grafana/mimir:2.7.0",
                "args": ["-target=".to_owned() + name, "-server.http-listen-port=8080"],
                "ports": [{"containerPort": 8080, "name": "http-metrics"}],
            }]},
        },
    });
    if let Some(r) = replicas {
        spec["replicas"] = json!(r);
    }
    obj(json!({
        "apiVersion": "apps/v1",
        "kind": kind,
        "metadata": {"name": name, "namespace": "mimir"},
        "spec": spec,
    }))
}

fn deployment(name: &str, replicas: Option<u64>) -> Manifest {
    workload("Deployment", name, replicas)
}

fn statefulset(name: &str, replicas: Option<u64>) -> Manifest {
    workload("StatefulSet", name, replicas)
}

fn scaled_object(target: &str, min: Option<u64>, max: Option<u64>) -> Manifest {
    let mut spec = json!({"scaleTargetRef": {"name": target}, "pollingInterval": 10});
    if let Some(min) = min {
        spec["minReplicaCount"] = json!(min);
    }
    if let Some(max) = max {
        spec["maxReplicaCount"] = json!(max);
    }
    obj(json!({
        "apiVersion": "keda.sh/v1alpha1",
        "kind": "ScaledObject",
        "metadata": {"name": target, "namespace": "mimir"},
        "spec": spec,
    }))
}

fn config_map(name: &str, data: Value) -> Manifest {
    obj(json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": "mimir"},
        "data": data,
    }))
}

fn secret(name: &str, data: Value) -> Manifest {
    obj(json!({
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": name, "namespace": "mimir"},
        "type": "Opaque",
        "data": data,
    }))
}

/// `<change> <kind>/<name>` per change, one per line.
fn listing(d: &ObjectDiff) -> String {
    d.changes()
        .iter()
        .map(|c| format!("{:<8} {}/{}\n", c.change, c.id.kind, c.id.name))
        .collect()
}

// ---------------------------------------------------------------- classification (no YAML)

#[test]
fn classifies_added_removed_modified_and_skips_unchanged() {
    let before = [
        config_map("runtime", json!({"a": "1"})),
        deployment("distributor", Some(3)),
        deployment("querier", Some(3)),
        deployment("ruler", Some(2)),
        statefulset("ingester", Some(3)),
    ];
    let after = [
        config_map("runtime", json!({"a": "1"})),
        deployment("distributor", Some(0)),
        deployment("mimir-read", Some(0)),
        deployment("querier", Some(3)),
        statefulset("ingester-zone-a", Some(1)),
    ];
    let diff = DiffOptions::new().diff_objects(&before, &after);
    assert_eq!(diff.counts().to_string(), "+2 ~1 -2");
    assert_eq!(diff.unchanged(), 2);
    // `ruler` follows `querier` (its predecessor in `before`); `ingester` has predecessor
    // `ruler` (removed) then `querier`, so it comes after `ruler`.
    assert_eq!(
        listing(&diff),
        "modified Deployment/distributor\n\
         added    Deployment/mimir-read\n\
         removed  Deployment/ruler\n\
         removed  StatefulSet/ingester\n\
         added    StatefulSet/ingester-zone-a\n"
    );
    let ruler = &diff.changes()[2];
    assert_eq!(
        (ruler.change, ruler.after.is_none()),
        (Change::Removed, true)
    );
    assert_eq!(ruler.before.as_ref().unwrap()["spec"]["replicas"], 2);
    assert!(diff.has_changes());
}

#[test]
fn reordered_objects_are_not_changes() {
    let a = [
        deployment("a", Some(1)),
        deployment("b", Some(2)),
        statefulset("c", None),
    ];
    let b = [a[2].clone(), a[0].clone(), a[1].clone()];
    let diff = DiffOptions::new().diff_objects(&a, &b);
    assert!(!diff.has_changes());
    assert_eq!(diff.unchanged(), 3);
    assert_eq!(diff.counts().to_string(), "+0 ~0 -0");
    let empty = DiffOptions::new().diff_objects(&[], &[]);
    assert!(!empty.has_changes());
}

#[test]
fn same_name_different_kind_or_namespace_are_different_objects() {
    let d = deployment("querier", Some(3));
    let mut other_ns = d.clone();
    other_ns.0["metadata"]["namespace"] = json!("other");
    let diff = DiffOptions::new().diff_objects(
        &[d.clone(), scaled_object("querier", Some(3), Some(30))],
        &[other_ns, statefulset("querier", Some(3))],
    );
    assert_eq!(diff.counts().to_string(), "+2 ~0 -2");
}

#[test]
fn secret_values_are_redacted_but_changes_still_detected() {
    let before = [secret(
        "creds",
        json!({"user": "YWRtaW4=", "password": "aHVudGVyMg=="}),
    )];
    let after_same_value = [secret(
        "creds",
        json!({"user": "YWRtaW4=", "password": "aHVudGVyMg==", "token": "c2VjcmV0"}),
    )];
    let after_changed = [secret(
        "creds",
        json!({"user": "YWRtaW4=", "password": "czNjcjN0"}),
    )];

    // A new key, existing values unchanged: same markers, new key visible, no value leaks.
    let d = DiffOptions::new().diff_objects(&before, &after_same_value);
    let c = &d.changes()[0];
    let (old, new) = (c.before.as_ref().unwrap(), c.after.as_ref().unwrap());
    assert_eq!(old["data"]["password"], new["data"]["password"]);
    assert_eq!(new["data"]["token"], redaction_marker(&json!("c2VjcmV0")));
    let dump = format!("{d:?}");
    for raw in ["YWRtaW4=", "aHVudGVyMg==", "c2VjcmV0"] {
        assert!(!dump.contains(raw), "{raw} leaked");
    }

    // A changed value: classified modified, markers differ.
    let d = DiffOptions::new().diff_objects(&before, &after_changed);
    assert_eq!(d.counts().to_string(), "+0 ~1 -0");
    let c = &d.changes()[0];
    let (old, new) = (c.before.as_ref().unwrap(), c.after.as_ref().unwrap());
    assert_ne!(old["data"]["password"], new["data"]["password"]);
    assert_eq!(old["data"]["user"], new["data"]["user"]);
    assert!(
        new["data"]["password"]
            .as_str()
            .unwrap()
            .starts_with("<redacted sha256:")
    );

    // show_secrets reveals them.
    let d = DiffOptions::new()
        .show_secrets(true)
        .diff_objects(&before, &after_changed);
    assert_eq!(
        d.changes()[0].after.as_ref().unwrap()["data"]["password"],
        "czNjcjN0"
    );
}

// ---------------------------------------------------------------- timeline (no YAML)

fn timeline_steps() -> Vec<(&'static str, Vec<Manifest>)> {
    let before = vec![
        deployment("distributor", Some(3)),
        deployment("querier", None),
        statefulset("ingester", Some(3)),
        scaled_object("querier", Some(3), Some(30)),
    ];
    let mut zones = before.clone();
    zones.truncate(2);
    zones.extend(["a", "b", "c"].map(|z| statefulset(&format!("ingester-zone-{z}"), Some(1))));
    zones.push(scaled_object("querier", Some(3), Some(30)));
    let mut rw = zones.clone();
    rw.push(deployment("mimir-read", Some(0)));
    rw.extend(["a", "b", "c"].map(|z| statefulset(&format!("mimir-write-zone-{z}"), Some(0))));
    let mut autoscaled = rw.clone();
    autoscaled.retain(|m| m.0["metadata"]["name"] != "mimir-read");
    autoscaled.push(deployment("mimir-read", None));
    autoscaled.push(scaled_object("mimir-read", Some(3), Some(30)));
    // Querier pinned at 0, its autoscaler off; a deployment without replicas or autoscaler.
    let mut down = autoscaled.clone();
    down.retain(|m| m.0["metadata"]["name"] != "querier");
    down.push(deployment("querier", Some(0)));
    down.push(deployment("overrides-exporter", None));
    down.push(scaled_object("unbounded", None, None));
    vec![
        ("00-before", before),
        ("01-zone-awareness", zones),
        ("02-deploy-rw-at-zero", rw),
        ("03.1-scale-up-read", autoscaled),
        ("05.2-scale-down", down),
    ]
}

fn build_timeline() -> Timeline {
    let steps = timeline_steps();
    Timeline::build(steps.iter().map(|(l, m)| (*l, m.as_slice())))
}

#[test]
fn timeline_cells() {
    let t = build_timeline();
    let row = |kind: &str, name: &str| {
        t.rows
            .iter()
            .find(|r| r.kind == kind && r.name == name)
            .unwrap_or_else(|| panic!("no row {kind}/{name}"))
            .cells
            .iter()
            .map(Cell::to_string)
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(row("Deployment", "distributor"), "3 3 3 3 3");
    assert_eq!(row("Deployment", "querier"), "3-30 3-30 3-30 3-30 0");
    assert_eq!(row("Deployment", "mimir-read"), "- - 0 3-30 3-30");
    assert_eq!(row("Deployment", "overrides-exporter"), "- - - - (1)");
    assert_eq!(row("StatefulSet", "ingester"), "3 - - - -");
    assert_eq!(row("StatefulSet", "ingester-zone-b"), "- 1 1 1 1");
    assert_eq!(row("ScaledObject", "querier"), "3-30 3-30 3-30 3-30 -");
    assert_eq!(row("ScaledObject", "unbounded"), "- - - - auto");
    // Deployments, then StatefulSets, then ScaledObjects, each by name.
    let order: Vec<String> = t
        .rows
        .iter()
        .map(|r| format!("{}/{}", r.kind, r.name))
        .collect();
    let mut sorted = order.clone();
    sorted.sort_by_key(|s| {
        let rank = ["Deployment/", "StatefulSet/", "ScaledObject/"]
            .iter()
            .position(|p| s.starts_with(p))
            .unwrap();
        (rank, s.clone())
    });
    assert_eq!(order, sorted);
}

#[test]
fn timeline_text() {
    settings().bind(|| insta::assert_snapshot!("diff_timeline_text", build_timeline().render()));
}

#[test]
fn timeline_json() {
    let steps = timeline_steps();
    let t = Timeline::build(steps[2..4].iter().map(|(l, m)| (*l, m.as_slice())));
    settings().bind(|| insta::assert_json_snapshot!("diff_timeline_json", t));
}

#[test]
fn timeline_of_no_steps() {
    let t = Timeline::build(Vec::<(&str, &[Manifest])>::new());
    assert_eq!(t.render(), "workload\n");
    assert!(t.rows.is_empty());
}

// ---------------------------------------------------------------- text (YAML via tk show's writer)

/// A step that scales `distributor` down, adds a ConfigMap and removes `ruler`.
fn step_pair() -> (Vec<Manifest>, Vec<Manifest>) {
    let before = vec![
        deployment("distributor", Some(3)),
        deployment("ruler", Some(2)),
    ];
    let after = vec![
        config_map("overrides", json!({"overrides.yaml": "overrides: {}\n"})),
        deployment("distributor", Some(0)),
    ];
    (before, after)
}

#[test]
fn unified_replicas_change() {
    let before = [deployment("distributor", Some(3))];
    let after = [deployment("distributor", Some(0))];
    let step =
        DiffOptions::new().diff_step("00-before", "07.1-scale-down-distributor", &before, &after);
    let text = step.text();
    assert!(
        text.contains("\n-  replicas: 3\n+  replicas: 0\n"),
        "{text}"
    );
    settings().bind(|| insta::assert_snapshot!("diff_unified_replicas", text));
}

#[test]
fn unified_added_and_removed_objects_diff_against_empty() {
    let (before, after) = step_pair();
    let step = DiffOptions::new().diff_step("01-a", "02-b", &before, &after);
    assert_eq!(step.summary().to_string(), "+1 ~1 -1");
    let files = step.files();
    assert_eq!(files.len(), 3);
    assert_eq!(files[0].name, "v1.ConfigMap.mimir.overrides");
    assert!(files[0].text.contains("\n@@ -0,0 +1,"), "{}", files[0].text);
    assert_eq!(files[2].name, "apps-v1.Deployment.mimir.ruler");
    assert!(files[2].text.contains(" +0,0 @@\n"), "{}", files[2].text);
    settings().bind(|| insta::assert_snapshot!("diff_unified_added_removed", step.text()));
}

#[test]
fn context_radius_is_configurable() {
    let before = [deployment("distributor", Some(3))];
    let after = [deployment("distributor", Some(0))];
    let step = DiffOptions::new()
        .context_radius(0)
        .diff_step("a", "b", &before, &after);
    let text = step.text();
    let hunk: Vec<&str> = text.lines().skip(3).collect();
    assert_eq!(hunk.len(), 3, "{hunk:?}");
    assert!(hunk[0].starts_with("@@ ") && hunk[0].ends_with(" @@"));
}

#[test]
fn colour_on_and_off() {
    let (before, after) = step_pair();
    let plain = DiffOptions::new()
        .diff_step("01-a", "02-b", &before, &after)
        .text();
    assert!(!plain.contains('\x1b'));
    let coloured = DiffOptions::new()
        .color(true)
        .diff_step("01-a", "02-b", &before, &after)
        .text();
    assert_ne!(plain, coloured);
    // Removing the escape codes gives the plain text back.
    let stripped = regex::Regex::new("\x1b\\[[0-9;]*m")
        .unwrap()
        .replace_all(&coloured, "");
    assert_eq!(stripped, plain);
    for (prefix, code) in [
        ("diff -u -N", "\x1b[1m\x1b[34m"),
        ("---", "\x1b[31m"),
        ("+++", "\x1b[32m"),
        ("@@", "\x1b[1m\x1b[35m"),
        ("-  replicas", "\x1b[31m"),
        ("+  replicas", "\x1b[32m"),
    ] {
        assert!(
            coloured.contains(&format!("{code}{prefix}")),
            "{prefix} not coloured"
        );
    }
    let visible = coloured.replace('\x1b', "\\e");
    settings().bind(|| insta::assert_snapshot!("diff_unified_colour", visible));
}

#[test]
fn diffstat_counts_like_tanka() {
    let (before, after) = step_pair();
    let step = DiffOptions::new().diff_step("01-a", "02-b", &before, &after);
    let stat = step.diffstat();
    let names: Vec<&str> = stat.files.iter().map(|f| f.name.as_str()).collect();
    // Sorted by name, byte order.
    assert_eq!(
        names,
        [
            "apps-v1.Deployment.mimir.distributor",
            "apps-v1.Deployment.mimir.ruler",
            "v1.ConfigMap.mimir.overrides",
        ]
    );
    // replicas 3 -> 0: one line each way.
    assert_eq!((stat.files[0].insertions, stat.files[0].deletions), (1, 1));
    // Added/removed objects: column-0 keys (apiVersion, kind, metadata, spec, data) do not count.
    let ruler_lines = step.files()[2]
        .text
        .lines()
        .filter(|l| l.starts_with('-'))
        .count()
        - 1;
    assert!(stat.files[1].deletions < ruler_lines);
    assert_eq!(
        stat.insertions,
        stat.files.iter().map(|f| f.insertions).sum::<usize>()
    );
    settings().bind(|| insta::assert_snapshot!("diff_diffstat", stat.to_string()));
}

#[test]
fn json_entry_of_a_step() {
    let (before, after) = step_pair();
    let step = DiffOptions::new().diff_step("00-before", "01-zone-awareness", &before, &after);
    let entry = step.to_json("1", "zone-awareness");
    assert_eq!(entry.changes.len(), 3);
    assert_eq!(entry.changes[0].diff, step.files()[0].text);
    settings().bind(|| insta::assert_json_snapshot!("diff_step_json", entry));
}

#[test]
fn secret_diff_text_shows_keys_not_values() {
    let before = [secret(
        "creds",
        json!({"user": "YWRtaW4=", "password": "aHVudGVyMg=="}),
    )];
    let after = [secret(
        "creds",
        json!({"user": "YWRtaW4=", "password": "czNjcjN0", "token": "c2VjcmV0"}),
    )];
    let step = DiffOptions::new().diff_step("01-a", "02-b", &before, &after);
    let text = step.text();
    for raw in ["YWRtaW4=", "aHVudGVyMg==", "czNjcjN0", "c2VjcmV0"] {
        assert!(!text.contains(raw), "{raw} leaked:\n{text}");
    }
    let json = serde_json::to_string(&step.to_json("1", "x")).unwrap();
    assert!(!json.contains("czNjcjN0"));
    // `user` unchanged: context line; `password` changed: -/+ pair; `token` added.
    assert!(text.contains(&format!(
        "\n   user: {}\n",
        redaction_marker(&json!("YWRtaW4="))
    )));
    assert!(text.contains(&format!(
        "\n-  password: {}\n",
        redaction_marker(&json!("aHVudGVyMg=="))
    )));
    assert!(text.contains(&format!(
        "\n+  token: {}\n",
        redaction_marker(&json!("c2VjcmV0"))
    )));
    settings().bind(|| insta::assert_snapshot!("diff_secret_redacted", text));

    let shown = DiffOptions::new()
        .show_secrets(true)
        .diff_step("01-a", "02-b", &before, &after)
        .text();
    assert!(shown.contains("+  password: czNjcjN0\n"), "{shown}");
}

// ---------------------------------------------------------------- real `tk show` output

/// The objects of one golden `tk show` output (already in Tanka's order).
fn golden(env: &str) -> Vec<Manifest> {
    let path = shared_dir()
        .join("tk-show-golden")
        .join(format!("{env}.yaml"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (set TKSTEP_SHARED)", path.display()));
    tkstep::yaml::parse_stream(&text)
        .unwrap()
        .into_iter()
        .map(obj)
        .collect()
}

#[test]
#[ignore = "reference tier: reads ../shared/tk-show-golden (cargo test --locked -- --ignored)"]
fn golden_defaults_to_multi_zone() {
    let before = golden("test-defaults");
    let after = golden("test-multi-zone");
    let step = DiffOptions::new().diff_step("00-before", "01-zone-awareness", &before, &after);
    // Each side of every modified object is exactly its document in the golden file.
    let text = step.text();
    settings().bind(|| {
        insta::assert_snapshot!(
            "diff_golden_multi_zone_summary",
            format!(
                "{}\n\n{}\n{}",
                step.summary(),
                listing(step.objects()),
                step.diffstat()
            )
        )
    });
    assert_eq!(step.files().len(), step.diffstat().files.len());
    assert!(text.starts_with("diff -u -N 00-before/"));
}

#[test]
#[ignore = "reference tier: reads ../shared/tk-show-golden (cargo test --locked -- --ignored)"]
fn golden_timeline() {
    let envs = ["test-defaults", "test-multi-zone", "test-autoscaling"];
    let lists: Vec<Vec<Manifest>> = envs.iter().map(|e| golden(e)).collect();
    let t = Timeline::build(envs.iter().zip(&lists).map(|(e, l)| (*e, l.as_slice())));
    // Autoscaled deployments have no `spec.replicas`: their ScaledObject's range is shown.
    let querier = t
        .rows
        .iter()
        .find(|r| r.kind == "Deployment" && r.name == "querier")
        .unwrap();
    assert_eq!(querier.cells[0], Cell::Replicas { replicas: json!(6) });
    assert!(matches!(querier.cells[2], Cell::Autoscaled { .. }));
    settings().bind(|| insta::assert_snapshot!("diff_golden_timeline", t.render()));
}
