//! Recorded oracle output, under `testdata/recorded/`: what Go's yaml.v2/v3, Go's natives and
//! go-jsonnet produced for our inputs, so that the self-contained tier can compare with them
//! without the tools installed. The reference tier re-runs the tools and checks each recording
//! is still exactly what they produce; with `TKSTEP_RECORD=1` it rewrites them instead
//! ([`REGENERATE`]).
//!
//! A recording is a header of `# key: value` lines (which tool and version produced it, how to
//! regenerate it, a checksum of the inputs where they are generated), one empty line, then the
//! body: the oracle's output.

use std::path::PathBuf;

use sha2::{Digest, Sha256};

/// The one command that rewrites every recording from the live oracles.
pub const REGENERATE: &str = "TKSTEP_RECORD=1 cargo test --locked -- --ignored";

/// `testdata/recorded/`.
pub fn dir() -> PathBuf {
    super::manifest_dir().join("testdata/recorded")
}

/// Whether the reference tier rewrites recordings instead of checking them (`TKSTEP_RECORD=1`).
pub fn recording() -> bool {
    std::env::var_os("TKSTEP_RECORD").is_some_and(|v| v == "1")
}

/// One recorded file.
pub struct Recording {
    /// `(key, value)` of the `# key: value` header lines.
    pub header: Vec<(String, String)>,
    /// The oracle's output.
    pub body: String,
}

impl Recording {
    /// The value of header line `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.header
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Panics unless the recording was made from inputs with this checksum.
    pub fn assert_input(&self, rel: &str, checksum: &str) {
        assert_eq!(
            self.get("input-sha256"),
            Some(checksum),
            "testdata/recorded/{rel} was recorded from other inputs (the test's inputs changed): \
             regenerate it with `{REGENERATE}`"
        );
    }
}

/// SHA-256 (hex) of `bytes`, for the `input-sha256` header.
pub fn checksum(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Read `testdata/recorded/<rel>`; panics naming the regeneration command when it is missing.
pub fn read(rel: &str) -> Recording {
    let path = dir().join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}: no recorded oracle output; record it with `{REGENERATE}` (needs the \
             reference tools, see the README)",
            path.display()
        )
    });
    let (head, body) = text
        .split_once("\n\n")
        .unwrap_or_else(|| panic!("{}: no header", path.display()));
    let header = head
        .lines()
        .map(|line| {
            let (k, v) = line
                .strip_prefix("# ")
                .and_then(|l| l.split_once(": "))
                .unwrap_or_else(|| panic!("{}: bad header line {line:?}", path.display()));
            (k.to_string(), v.to_string())
        })
        .collect();
    Recording {
        header,
        body: body.to_string(),
    }
}

/// The file names under `testdata/recorded/<rel_dir>`, sorted.
pub fn list(rel_dir: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir().join(rel_dir))
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Reference tier: `body` is what the live oracle `producer` (tool and version) printed just
/// now. Checks it is what `testdata/recorded/<rel>` holds, or with `TKSTEP_RECORD=1` writes it
/// there with a header (`extra`: more header lines, e.g. `input-sha256`).
pub fn check_or_record(rel: &str, producer: &str, extra: &[(&str, &str)], body: &str) {
    if recording() {
        let path = dir().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut text = String::from(
            "# recorded: oracle output for tkstep's self-contained tests; do not edit\n",
        );
        text.push_str(&format!("# producer: {producer}\n"));
        text.push_str(&format!("# regenerate: {REGENERATE}\n"));
        for (k, v) in extra {
            text.push_str(&format!("# {k}: {v}\n"));
        }
        text.push('\n');
        text.push_str(body);
        std::fs::write(&path, text).unwrap();
        eprintln!("recorded {}", path.display());
        return;
    }
    let recorded = read(rel);
    for (k, v) in extra {
        assert_eq!(
            recorded.get(k),
            Some(*v),
            "testdata/recorded/{rel}: header {k} differs; regenerate with `{REGENERATE}`"
        );
    }
    super::assert_same_text(
        &format!(
            "testdata/recorded/{rel} is no longer what {producer} produces (regenerate with \
             `{REGENERATE}` and review the change)"
        ),
        body,
        &recorded.body,
    );
}

/// Reference tier: the recordings under `<rel_dir>` must be exactly `names`. With
/// `TKSTEP_RECORD=1` the others are deleted.
pub fn prune(rel_dir: &str, names: &[String]) {
    let stale: Vec<String> = list(rel_dir)
        .into_iter()
        .filter(|n| !names.contains(n))
        .collect();
    if recording() {
        for name in &stale {
            std::fs::remove_file(dir().join(rel_dir).join(name)).unwrap();
        }
    } else {
        assert!(
            stale.is_empty(),
            "testdata/recorded/{rel_dir}: stale recordings {stale:?}; regenerate with `{REGENERATE}`"
        );
    }
}

/// Frames as the Go YAML oracles print them: `<byte length> ok|err\n<bytes>` per input.
pub fn frames(mut rest: &str) -> Vec<Result<String, String>> {
    let mut frames = Vec::new();
    while !rest.is_empty() {
        let (header, after) = rest.split_once('\n').expect("frame header");
        let (len, kind) = header.split_once(' ').expect("frame header");
        let len: usize = len.parse().expect("frame length");
        let body = after[..len].to_string();
        frames.push(if kind == "ok" { Ok(body) } else { Err(body) });
        rest = &after[len..];
    }
    frames
}
