mod catalogue_plans;
mod check_rules;
mod cli;
mod common;
mod compare_runbook;
mod conformance;
mod content_hardening;
mod diff_text;
mod edges;
mod env_discovery;
mod eval_core;
mod fixture_fidelity;
mod gotemplate;
mod manifest_process;
mod plan_files;
mod plan_overlay;
mod recursive;
mod resume;
mod reverse_plan;
mod standing;
mod steps;
mod tk_export;
mod writes;
mod yaml_parity;

/// `#[ignore]` marks the reference tier and nothing else: `cargo test -- --ignored` runs
/// exactly the tests that need live oracles.
#[test]
fn ignore_is_reserved_for_the_reference_tier() {
    let dir = common::manifest_dir().join("tests");
    let mut reference = 0;
    for entry in walkdir::WalkDir::new(&dir) {
        let path = entry.unwrap().into_path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.starts_with("#[ignore") {
                assert!(
                    line.starts_with("#[ignore = \"reference tier: "),
                    "{}:{}: #[ignore] is for reference-tier tests only: {line}",
                    path.display(),
                    i + 1
                );
                reference += 1;
            }
        }
    }
    assert!(
        reference >= 18,
        "only {reference} reference-tier tests found"
    );
}
