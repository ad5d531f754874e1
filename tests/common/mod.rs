//! Helpers shared by every test module: paths, insta settings, recorded oracle output
//! ([`recorded`]) and the live oracles of the reference tier ([`oracle`]).
//!
//! Two tiers (see the README):
//! - the self-contained tier (`cargo test --locked`) needs nothing but Rust: tests whose oracle
//!   is another program compare with that program's output recorded under `testdata/recorded/`;
//! - the reference tier (`cargo test --locked -- --ignored`) re-runs the live oracles (Go's
//!   yaml.v2/v3 and natives, go-jsonnet, Chromium, `../shared`) and checks the recordings are
//!   still what they produce. Its tests are `#[ignore = "reference tier: …"]`, so that a plain
//!   `cargo test` lists them as ignored, and they fail (never skip) when an oracle is missing.
//!   `#[ignore]` is reserved for this tier (a test in `tests/tests.rs` checks it).

pub mod oracle;
pub mod recorded;

use std::path::PathBuf;
use std::process::Output;

/// The crate root (where `Cargo.toml` is).
pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `testdata/project`, the bundled Tanka project.
pub fn project() -> PathBuf {
    manifest_dir().join("testdata/project")
}

/// `testdata/project/environments`.
pub fn envs_dir() -> PathBuf {
    project().join("environments")
}

/// insta settings for `snapshots/`: no module prefix, the checkout path filtered out.
pub fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(manifest_dir().join("snapshots"));
    s.set_prepend_module_to_snapshot(false);
    // Nothing machine-specific should appear; filter the checkout path anyway.
    s.add_filter(&regex::escape(env!("CARGO_MANIFEST_DIR")), "[CRATE]");
    s
}

/// [`settings`] without the asserted expression in the snapshot header.
pub fn settings_without_expression() -> insta::Settings {
    let mut s = settings();
    s.set_omit_expression(true);
    s
}

/// The read-only reference material (`$TKSTEP_SHARED`, default `<crate>/../shared`). Reference
/// tier only: panics when it is missing.
pub fn shared_dir() -> PathBuf {
    let dir = std::env::var_os("TKSTEP_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir().join("../shared"));
    assert!(
        dir.join("README.md").is_file(),
        "reference material not found at {} (set TKSTEP_SHARED)",
        dir.display()
    );
    dir
}

/// Panic with the first differing line and some context.
pub fn assert_same_text(what: &str, got: &str, want: &str) {
    if got == want {
        return;
    }
    let (g, w): (Vec<&str>, Vec<&str>) = (got.lines().collect(), want.lines().collect());
    let i = g
        .iter()
        .zip(&w)
        .position(|(a, b)| a != b)
        .unwrap_or(g.len().min(w.len()));
    let from = i.saturating_sub(3);
    let ctx = |lines: &[&str]| {
        lines
            .iter()
            .enumerate()
            .skip(from)
            .take(7)
            .map(|(n, l)| format!("{:>6} {l:?}", n + 1))
            .collect::<Vec<_>>()
            .join("\n")
    };
    panic!(
        "{what}: first difference at line {} (got {} lines, want {})\n--- got:\n{}\n--- want:\n{}",
        i + 1,
        g.len(),
        w.len(),
        ctx(&g),
        ctx(&w)
    );
}

/// Run the `tkstep` binary from the crate root: (exit code, stdout, stderr).
pub fn run_tkstep(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tkstep"))
        .args(args)
        .current_dir(manifest_dir())
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), stdout(&out), stderr(&out))
}

/// What a `tkstep` run printed on stdout.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// What a `tkstep` run printed on stderr.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The run exited with `code` and printed no panic (its output, cut at 2,000 characters per
/// stream, in the failure message).
#[track_caller]
pub fn assert_code(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "exit code\nstdout:\n{:.2000}\nstderr:\n{:.2000}",
        stdout(o),
        stderr(o)
    );
    assert!(!stderr(o).contains("panicked"), "panic: {}", stderr(o));
}
