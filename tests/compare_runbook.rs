//! `compare` (the step-2 spec comparison) and `runbook` (Markdown and HTML) on the testdata
//! Mimir environment, including a headless-Chromium screenshot of the HTML runbook.

use std::path::Path;
use std::process::Command;

use serde_json::Value;
use tkstep::compare::{self, Aspect, Outcome};
use tkstep::plan::{Params, Plan, WaitDuration};
use tkstep::runbook::{self, Runbook, TkTarget};
use tkstep::steps::{self, PlanRun};
use tkstep::{OpenOptions, Renderer};

use crate::common::{envs_dir, oracle, settings};

fn open(env: &str, name: Option<&str>) -> Renderer {
    let options = OpenOptions {
        name: name.map(str::to_string),
        ..OpenOptions::default()
    };
    Renderer::open(&envs_dir().join(env), &options).expect("open env")
}

fn microservices_run() -> (Renderer, PlanRun) {
    let renderer = open("mimir-microservices", None);
    let params = Params::default();
    let run = PlanRun::new(&renderer, &Plan::to_read_write(&params), &params).expect("plan run");
    (renderer, run)
}

// ---------------------------------------------------------------------------------------------
// compare

#[test]
fn compare_step_2_of_the_microservices_env() {
    let renderer = open("mimir-microservices", None);
    let params = Params::default();
    let adapted = steps::adapt_plan(&renderer, &Plan::to_read_write(&params), &params).unwrap();
    let comparison = compare::compare_env(&renderer, &adapted).unwrap();

    // The seed's 16 diff commands: 4 write, 4 read, 8 backend; all rendered here (remote
    // evaluation is on, so the ruler-* pairs exist).
    assert_eq!(comparison.pairs.len(), 16);
    assert_eq!(comparison.step, "2");
    assert!(
        comparison
            .pairs
            .iter()
            .all(|p| matches!(p.outcome, Outcome::Compared { .. }))
    );
    // Ingesters and mimir-write share resources, volumes and everything but args.
    let ingester_a = &comparison.pairs[1];
    assert_eq!(ingester_a.pair.microservice.name, "ingester-zone-a");
    match &ingester_a.outcome {
        Outcome::Compared {
            differs,
            args_only_microservice,
            args_only_read_write,
            ..
        } => {
            assert_eq!(differs, &[Aspect::Args]);
            assert_eq!(args_only_microservice, &["-target=ingester"]);
            assert!(args_only_read_write.contains(&"-target=write".to_string()));
            assert!(
                args_only_read_write
                    .iter()
                    .any(|a| a.starts_with("-distributor.ha-tracker"))
            );
        }
        other => panic!("{other:?}"),
    }
    // Store-gateway vs mimir-backend: the claim size/class differ (volumes), not resources.
    let sg_c = comparison.pairs.last().unwrap();
    assert!(sg_c.differs_in(Aspect::Volumes));
    assert!(!sg_c.differs_in(Aspect::Resources));

    let text = comparison.to_text();
    // The ignored fields are stated.
    for field in [
        "replicas",
        "selector",
        "serviceName",
        "volumeClaimTemplates[].metadata.name",
    ] {
        assert!(text.contains(field), "ignored field {field} not listed");
    }
    settings().bind(|| insta::assert_snapshot!("compare_mimir_microservices", text));

    let json: Value = serde_json::from_str(&comparison.to_json().unwrap()).unwrap();
    assert_eq!(json["pairs"].as_array().unwrap().len(), 16);
    assert_eq!(json["pairs"][0]["status"], "compared");
    assert_eq!(json["pairs"][0]["microservice"]["name"], "distributor");
    assert_eq!(json["pairs"][0]["read_write"]["kind"], "StatefulSet");
    assert!(json["ignored"].as_array().unwrap().len() >= 5);
}

#[test]
fn absent_microservices_are_reported_not_rendered() {
    let renderer = open("mimir-microservices", None);
    let params = Params::default();
    let adapted = steps::adapt_plan(&renderer, &Plan::to_read_write(&params), &params).unwrap();
    // As if ruler remote evaluation were off: no ruler-* query path objects.
    let manifests: Vec<_> = steps::render_step(&renderer, &adapted, "2")
        .unwrap()
        .into_iter()
        .filter(|m| !m.name().starts_with("ruler-quer"))
        .collect();
    let comparison = compare::compare(&manifests, &params.zones, "2", "deploy-rw-at-zero");
    let missing: Vec<(&str, &Outcome)> = comparison
        .pairs
        .iter()
        .filter(|p| matches!(p.outcome, Outcome::NotRendered { .. }))
        .map(|p| (p.pair.microservice.name.as_str(), &p.outcome))
        .collect();
    assert_eq!(missing.len(), 3, "{missing:?}");
    assert_eq!(missing[0].0, "ruler-query-frontend");
    assert_eq!(
        missing[0].1,
        &Outcome::NotRendered {
            missing: vec!["Deployment/ruler-query-frontend".into()]
        }
    );
    let text = comparison.to_text();
    assert!(
        text.contains("not rendered: Deployment/ruler-querier"),
        "{text}"
    );
    assert!(text.contains("13 pairs compared (0 identical after normalization), 3 not rendered."));
}

// ---------------------------------------------------------------------------------------------
// runbook

#[test]
fn runbook_markdown_of_the_microservices_env() {
    let (renderer, run) = microservices_run();
    let target = TkTarget::of(&renderer);
    assert_eq!(
        target,
        TkTarget {
            path: "environments/mimir-microservices".into(),
            name: None
        }
    );
    let book = Runbook::build(&run, &target);
    let step = |id: &str| book.steps.iter().find(|s| s.id == id).unwrap();

    // Step 2 rolls the read path (query-scheduler discovery switches to the ring) but changes
    // no replicas of existing workloads.
    let s2 = step("2");
    let rolls: Vec<&str> = s2.rolls.iter().map(|r| r.name.as_str()).collect();
    for name in [
        "query-frontend",
        "querier",
        "query-scheduler",
        "ruler-querier",
    ] {
        assert!(rolls.contains(&name), "{name} missing from {rolls:?}");
    }
    assert!(!rolls.contains(&"mimir-read"), "new workloads do not roll");
    assert!(s2.scales.is_empty());
    assert!(s2.added.contains(&"Deployment/mimir-read".to_string()));
    let qf = s2
        .rolls
        .iter()
        .find(|r| r.name == "query-frontend")
        .unwrap();
    assert!(
        qf.changes
            .iter()
            .any(|c| c.contains("added -query-scheduler.service-discovery-mode=ring"))
    );
    assert_eq!(
        s2.commands,
        [
            "cp migration/02-2-deploy-rw-at-zero.libsonnet environments/mimir-microservices/migration.libsonnet",
            "tk diff environments/mimir-microservices",
            "tk apply environments/mimir-microservices"
        ]
    );
    // 5.2 scales without rolling.
    let s52 = step("5.2");
    assert!(s52.rolls.is_empty());
    assert!(
        s52.scales
            .iter()
            .any(|s| s.name == "querier" && s.from == "3-20" && s.to == "0")
    );

    // Waits: 2h head compaction after 7.1; 12h between zones, from the rendered flags.
    assert_eq!(step("7.1").waits[0].duration, Some(WaitDuration::hours(2)));
    let wait_a = &step("7.2a").waits[0];
    assert_eq!(wait_a.duration, Some(WaitDuration::hours(12)));
    assert!(matches!(
        &wait_a.terms[0].source,
        runbook::Source::Rendered { values } if values.contains(&"querier=12h".to_string())
    ));
    assert_eq!(wait_a.terms[1].contribution, WaitDuration::minutes(30));
    // The shutdown procedure comes before each zone, with the zone's pods.
    let s72b = step("7.2b");
    assert_eq!(s72b.shutdowns.len(), 1);
    assert_eq!(s72b.shutdowns[0].pods, ["ingester-zone-b-0"]);
    assert_eq!(s72b.shutdowns[0].namespace, "mimir");

    // Step 8 leaves the PVCs of the removed StatefulSets.
    let pvcs: Vec<String> = step("8")
        .leftover_pvcs
        .iter()
        .flat_map(|p| p.names.clone())
        .collect();
    for name in [
        "ingester-data-ingester-zone-a-0",
        "ingester-data-ingester-zone-c-0",
        "store-gateway-data-store-gateway-zone-b-0",
        "compactor-data-compactor-0",
        "alertmanager-data-alertmanager-2",
    ] {
        assert!(
            pvcs.contains(&name.to_string()),
            "{name} missing from {pvcs:?}"
        );
    }
    assert_eq!(pvcs.len(), 10);
    assert!(step("7.2a").leftover_pvcs.is_empty());

    let md = runbook::markdown::render(&book);
    assert!(md.contains("**Wait 12h**: the blocks ingester-zone-a uploaded"));
    assert!(md.contains("`/store-gateway/ring`"));
    assert!(!md.contains(env!("CARGO_MANIFEST_DIR")));
    settings().bind(|| insta::assert_snapshot!("runbook_mimir_microservices_md", md));
}

#[test]
fn wait_between_zones_follows_the_rendered_flags() {
    // The same plan, with queriers reading the store after 20h from step 2 on: the wait
    // between zones becomes 20h.
    let renderer = open("mimir-microservices", None);
    let params = Params::default();
    let mut plan = Plan::to_read_write(&params);
    let step2 = plan.steps.iter_mut().find(|s| s.id == "2").unwrap();
    *step2 = step2
        .clone()
        .flag("querier_args", "querier.query-store-after", "20h")
        .flag("compactor_args", "compactor.cleanup-interval", "11h");
    let run = PlanRun::new(&renderer, &plan, &params).unwrap();
    let book = Runbook::build(&run, &TkTarget::of(&renderer));
    let wait = &book.steps.iter().find(|s| s.id == "7.2b").unwrap().waits[0];
    assert_eq!(wait.duration, Some(WaitDuration::hours(22)));
    assert_eq!(wait.terms[0].value, WaitDuration::hours(20));
    assert_eq!(wait.terms[2].contribution, WaitDuration::hours(22));
}

#[test]
fn inline_environments_get_tk_name() {
    let renderer = open("inline", Some("inline-prod"));
    let target = TkTarget::of(&renderer);
    assert_eq!(target.path, "environments/inline");
    assert_eq!(target.name.as_deref(), Some("inline-prod"));
    assert_eq!(
        target.apply(),
        "tk apply environments/inline --name inline-prod"
    );
}

// ---------------------------------------------------------------------------------------------
// HTML in headless Chromium

const WIDTH: u32 = 1280;
const HEIGHT: u32 = 2000;

/// Decode `png`; return (width, height, number of distinct RGBA colours, number of rows that
/// are not a single colour).
fn png_stats(path: &Path) -> (u32, u32, usize, usize) {
    let file = std::fs::File::open(path).expect("open screenshot");
    let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().expect("screenshot is a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("buffer size")];
    let info = reader.next_frame(&mut buf).expect("decode PNG");
    let channels = info.color_type.samples();
    let mut colours = std::collections::HashSet::new();
    let mut drawn_rows = 0;
    for row in buf[..info.buffer_size()].chunks_exact(info.line_size) {
        let mut pixels = row.chunks_exact(channels);
        let first = pixels.next().unwrap_or_default();
        if pixels.clone().any(|px| px != first) {
            drawn_rows += 1;
        }
        colours.insert(first.to_vec());
        colours.extend(pixels.map(<[u8]>::to_vec));
    }
    (info.width, info.height, colours.len(), drawn_rows)
}

/// Chromium's flags for a headless, offline, throw-away run.
fn chromium(profile: &Path) -> Command {
    let mut cmd = Command::new(oracle::chromium());
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    cmd
}

/// The text of an HTML document: tags dropped, the common entities decoded, spaces collapsed.
fn page_text(html: &str) -> String {
    let body = html.split_once("<body").map_or(html, |(_, b)| b);
    let text = regex::Regex::new(r"(?s)<style.*?</style>|<[^>]*>")
        .unwrap()
        .replace_all(body, " ");
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn html_runbook_is_self_contained() {
    let (renderer, run) = microservices_run();
    let html = runbook::html::render(&Runbook::build(&run, &TkTarget::of(&renderer)));
    // Self-contained: no scripts, no external resources.
    assert!(!html.contains("<script"));
    assert!(!html.contains("http-equiv"));
    for attr in ["src=", "href=\"http", "@import", "url("] {
        assert!(
            !html.contains(attr),
            "HTML references an external resource ({attr})"
        );
    }
    // PromQL with quotes and braces is escaped.
    assert!(html.contains("{job=~&quot;.*mimir-read.*&quot;"));
}

#[test]
#[ignore = "reference tier: runs headless Chromium (cargo test --locked -- --ignored)"]
fn html_runbook_renders_in_headless_chromium() {
    let (renderer, run) = microservices_run();
    let book = Runbook::build(&run, &TkTarget::of(&renderer));
    let html = runbook::html::render(&book);
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("runbook.html");
    std::fs::write(&page, &html).unwrap();
    let url = format!("file://{}", page.display());

    // What the browser shows: every step id and every computed wait, in the page's text.
    let dom = chromium(&dir.path().join("profile-dom"))
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .expect("run chromium");
    let text = page_text(&String::from_utf8_lossy(&dom.stdout));
    assert!(
        text.contains(&book.plan),
        "chromium shows no runbook (status {}): {text:?}\n{}",
        dom.status,
        String::from_utf8_lossy(&dom.stderr)
    );
    let mut waits = 0;
    for step in &book.steps {
        assert!(
            text.contains(&format!("{} ", step.id)) || text.contains(&format!(" {}", step.id)),
            "step {} is not on the page",
            step.id
        );
        for duration in step.waits.iter().filter_map(|w| w.duration) {
            assert!(
                text.contains(&duration.to_string()),
                "step {}: wait {duration} is not on the page",
                step.id
            );
            waits += 1;
        }
    }
    assert!(text.contains("12h"), "the 12 h wait between ingester zones");
    assert!(waits >= 4, "only {waits} computed waits");

    // And it is drawn: a blank or error page has a handful of colours; styled text has
    // hundreds (anti-aliasing), on rows all down the window (the runbook is longer than it).
    let shot = dir.path().join("shot.png");
    let output = chromium(&dir.path().join("profile-shot"))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("--window-size={WIDTH},{HEIGHT}"))
        .arg(&url)
        .output()
        .expect("run chromium");
    assert!(
        shot.is_file(),
        "chromium wrote no screenshot (status {}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let (w, h, colours, drawn_rows) = png_stats(&shot);
    assert_eq!((w, h), (WIDTH, HEIGHT));
    assert!(colours > 200, "screenshot looks blank: {colours} colours");
    assert!(
        drawn_rows > HEIGHT as usize / 4,
        "screenshot mostly blank: {drawn_rows} of {HEIGHT} rows drawn"
    );
    if let Some(keep) = std::env::var_os("TKSTEP_KEEP_SCREENSHOT") {
        std::fs::copy(&shot, keep).unwrap();
    }
}
