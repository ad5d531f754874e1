//! YAML parity: tkstep's writers and reader against real Go output.
//!
//! 1. Golden round trip (reference tier): every `tk show` output in
//!    `$TKSTEP_SHARED/tk-show-golden/*.yaml` is split into documents, parsed with
//!    `parse_stream`, written again with `to_yaml_v2` and joined with `---\n`; the result must be
//!    byte-identical.
//! 2. Differential tests against Go's real yaml.v2 / yaml.v3 (small programs in `tests/oracle/`)
//!    over seeded random values full of tricky strings, keys and numbers: the self-contained
//!    tier compares with Go's output recorded in `testdata/recorded/go-yaml/`, the reference
//!    tier checks the recordings against the live Go programs.

use std::path::PathBuf;

use serde_json::{Map, Number, Value, json};
use tkstep::yaml::{key_less_v2, key_less_v3, parse_stream, to_yaml_v2, to_yaml_v3, write_yaml_v2};

use crate::common::{self, assert_same_text, oracle, recorded};

// ---------------------------------------------------------------------------------------------
// Golden files

/// Split a `tk show` stream into its documents (each keeps its trailing newline).
fn split_documents(text: &str) -> Vec<&str> {
    let mut docs = Vec::new();
    let mut start = 0;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        if line == "---\n" {
            docs.push(&text[start..pos]);
            start = pos + line.len();
        }
        pos += line.len();
    }
    docs.push(&text[start..]);
    docs
}

#[test]
#[ignore = "reference tier: reads ../shared/tk-show-golden (cargo test --locked -- --ignored)"]
fn golden_tk_show_files_round_trip_byte_for_byte() {
    let dir = common::shared_dir().join("tk-show-golden");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e} (set TKSTEP_SHARED)", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no golden files in {}", dir.display());
    let (mut docs, mut lines) = (0, 0);
    let mut emit_time = std::time::Duration::ZERO;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let values: Vec<Value> = split_documents(&text)
            .into_iter()
            .enumerate()
            .map(|(i, doc)| {
                let mut values = parse_stream(doc)
                    .unwrap_or_else(|e| panic!("{} document {i}: {e}", file.display()));
                assert_eq!(values.len(), 1, "{} document {i}", file.display());
                values.remove(0)
            })
            .collect();
        let start = std::time::Instant::now();
        let mut out = String::with_capacity(text.len());
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                out.push_str("---\n");
            }
            write_yaml_v2(&mut out, value);
        }
        emit_time += start.elapsed();
        assert_same_text(&file.display().to_string(), &out, &text);
        docs += values.len();
        lines += text.lines().count();
    }
    eprintln!(
        "golden: {} files, {docs} documents, {lines} lines byte-identical (written in {emit_time:?})",
        files.len()
    );
    assert!(
        lines > 1000,
        "suspiciously little golden data: {lines} lines"
    );
}

// ---------------------------------------------------------------------------------------------
// Seeded value generator

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

#[rustfmt::skip]
const TRICKY: &[&str] = &[
    "", " ", "  ", "true", "True", "TRUE", "false", "yes", "Yes", "no", "No", "y", "Y", "n", "N",
    "on", "On", "off", "OFF", "null", "Null", "NULL", "~", "1", "0", "-1", "+1", "00", "007",
    "0777", "09", "0x1F", "0X1f", "0o17", "0b101", "0b-101", "-0b11", "1e3", "1E3", "1e+3",
    "1e-400", "1e400", ".5", "-.5", "+.5", "1.", ".", "..", "...", "3.3.13", "1.2.3-rc.1", "1_000",
    "1__0", "_1", "1_", ".inf", "-.Inf", "+.INF", ".nan", ".NaN", "<<", "=", ": ", "a: b", "a:b",
    "a :b", "key:", ":key", "- a", "-a", "-", "--", "---", "--- a", "...x", "? a", "?a", "#",
    "# c", "a #b", "a#b", "#a", "!tag", "&anchor", "*alias", "|", ">", "%x", "@x", "`x", "{a}",
    "[a]", "a,b", "a, b", "'", "''", "'a'", "it's", "\"", "\"a\"", "a\"b", "a\\b", "\\", "\t",
    "a\tb", "\ta", "a\t", " leading", "trailing ", " both ", "a  b", "a \nb", "a\n b", "\n",
    "\n\n", "\n\n\n", "a\n", "a\n\n", "a\n\n\n", "\na", "\n a", " \na", "a\nb", "a\r\nb", "a\rb",
    "a\u{85}b", "a\u{2028}b", "a\u{2029}", "\u{a0}", "a\u{a0}b", "\u{feff}", "\u{feff}ab", "é",
    "日本語", "😀", "a😀b", "e\u{301}", "\u{301}", "\u{0}", "\u{1}", "\u{7}", "\u{1b}", "\u{7f}",
    "\u{80}", "\u{9f}", "\u{d7ff}", "\u{e000}", "\u{fffd}", "\u{fffe}", "\u{ffff}", "\u{10000}",
    "١٢٣", "²", "2023-01-05", "2024-02-29", "2023-02-29", "2023-1-5", "2023-01-05T10:00:00Z",
    "2023-01-05t10:00:00+05:30", "2023-01-05 10:00:00.5", "2023-01-05T10:00:00", "1:20",
    "12:30:45", "-1:20.5", "1:60", "190:20:30", "1:2:3:4", "--config.file=/etc/mimir/mimir.yaml",
    "-target=ingester", "http://x:8080/path?q=1#frag", "${VAR}", "{{ .Values }}", "a: [b]",
    "key: value # comment",
];

#[rustfmt::skip]
const WORDS: &[&str] = &[
    "a", "to", "the", "word", "mimir", "ingester", "-flag=value", "x:y", "#hash", "'q'", "\"dq\"",
    "é", "日本", "😀", "tab\tbed", "back\\slash", "::", "- ", "loooooooooooooooooooong",
];

#[rustfmt::skip]
const KEYS: &[&str] = &[
    "a", "b", "A", "B", "Z", "_x", "-1", "-a", "a9", "a10", "a01", "a1", "a0", "a00", "a", "aa",
    "ab", "a_b", "a-b", "a.b", "a b", "0", "00", "1", "01", "10", "9", "٣", "a٣", "é", "ä1",
    "true", "y", "null", "", " ", "a: b", "#", "key", "name", "namespace", "apiVersion", "kind",
    "metadata", "spec", "containers", "x1y2", "x1y10", "x10y1", "1a", "1-", "1_", "a1b", "a1-",
    "ä", "Ω", "日", "😀", "e\u{301}", "a\tb", "a\nb", "\n",
];

fn gen_string(rng: &mut Rng) -> String {
    match rng.below(12) {
        0..=3 => rng.pick(TRICKY).to_string(),
        4 => {
            // Long sentence, usually longer than 80 columns.
            let n = 5 + rng.below(40);
            let mut s = String::new();
            for i in 0..n {
                if i > 0 {
                    s.push_str(if rng.chance(10) { "  " } else { " " });
                }
                s.push_str(rng.pick(WORDS));
            }
            s
        }
        5 => {
            // Long token without spaces, sometimes followed by words.
            let mut s = "x".repeat(60 + rng.below(60));
            if rng.chance(50) {
                s.push_str(" tail words here");
            }
            s
        }
        6 | 7 => {
            // Multi-line text.
            let n = 1 + rng.below(5);
            let mut s = String::new();
            for i in 0..n {
                if i > 0 {
                    s.push('\n');
                }
                match rng.below(6) {
                    0 => {}
                    1 => s.push_str("  indented"),
                    2 => s.push_str("trailing space "),
                    3 => s.push_str(&gen_short(rng)),
                    _ => s.push_str(rng.pick(WORDS)),
                }
            }
            for _ in 0..rng.below(4) {
                s.push('\n');
            }
            s
        }
        8 => gen_number_text(rng),
        _ => gen_short(rng),
    }
}

/// A short string glued from tricky fragments.
fn gen_short(rng: &mut Rng) -> String {
    let n = 1 + rng.below(4);
    let mut s = String::new();
    for _ in 0..n {
        if rng.chance(50) {
            s.push_str(rng.pick(TRICKY));
        } else {
            s.push_str(rng.pick(WORDS));
        }
    }
    s
}

fn gen_number_text(rng: &mut Rng) -> String {
    match rng.below(6) {
        0 => format!("{}", rng.next() as i64 % 100_000),
        1 => format!("{}.{}", rng.below(1000), rng.below(1000)),
        2 => format!("{}e{}", rng.below(100), rng.below(30) as i64 - 10),
        3 => format!("0x{:X}", rng.below(1 << 20)),
        4 => format!("{}.{}.{}", rng.below(10), rng.below(20), rng.below(30)),
        _ => format!("{}:{:02}", rng.below(100), rng.below(70)),
    }
}

fn gen_number(rng: &mut Rng) -> Value {
    let f: f64 = match rng.below(14) {
        0 => 0.0,
        1 => -0.0,
        2 => (999_990 + rng.below(20)) as f64,
        3 => (rng.below(2_000_000)) as f64,
        4 => 9_007_199_254_740_992.0 + (rng.below(9) as f64 - 4.0),
        5 => return Value::Number(Number::from(rng.next())),
        6 => return Value::Number(Number::from(rng.next() as i64)),
        7 => 10f64.powi(rng.below(40) as i32 - 20),
        8 => rng.pick(&[
            5e-324,
            1e-7,
            1.5e-5,
            0.0001,
            0.00012,
            1e21,
            1e300,
            1.7976931348623157e308,
        ]),
        9 => (rng.below(100_000) as f64) / 100.0,
        10 => -((rng.below(1_000_000_000)) as f64) / 1000.0,
        11 => {
            f64::from_bits(rng.next() & !(0x7FF << 52) | ((1023 + rng.below(60) as u64 - 30) << 52))
        }
        12 => return Value::Number(Number::from(rng.below(100) as u64)),
        _ => (rng.below(64) as f64) * 0.25,
    };
    if f.fract() == 0.0 && f.abs() < 1e15 && !f.is_sign_negative() {
        Value::Number(Number::from(f as u64))
    } else {
        Number::from_f64(f).map_or(Value::Null, Value::Number)
    }
}

fn gen_key(rng: &mut Rng) -> String {
    match rng.below(10) {
        0..=5 => rng.pick(KEYS).to_string(),
        6 => format!("{}{}", rng.pick(KEYS), rng.below(30)),
        7 => "k".repeat(120 + rng.below(20)),
        _ => gen_short(rng),
    }
}

fn gen_value(rng: &mut Rng, depth: usize) -> Value {
    let roll = if depth == 0 {
        rng.below(10)
    } else {
        2 + rng.below(18)
    };
    match roll {
        0..=3 if depth < 4 => {
            let n = if rng.chance(5) { 0 } else { 1 + rng.below(7) };
            let mut map = Map::new();
            for _ in 0..n {
                map.insert(gen_key(rng), gen_value(rng, depth + 1));
            }
            Value::Object(map)
        }
        4..=6 if depth < 4 => {
            let n = if rng.chance(5) { 0 } else { 1 + rng.below(5) };
            Value::Array((0..n).map(|_| gen_value(rng, depth + 1)).collect())
        }
        7..=13 => Value::String(gen_string(rng)),
        14..=16 => gen_number(rng),
        17 => Value::Bool(rng.chance(50)),
        18 => Value::Null,
        _ => Value::String(gen_string(rng)),
    }
}

fn generate(seed: u64, count: usize) -> Vec<Value> {
    let mut rng = Rng(seed);
    let mut values: Vec<Value> = TRICKY.iter().map(|s| json!({ "k": s })).collect();
    values.extend(TRICKY.iter().map(|s| json!([s])));
    values.extend(KEYS.iter().map(|k| json!({ *k: { "nested": [k] } })));
    while values.len() < count {
        values.push(gen_value(&mut rng, 0));
    }
    values
}

/// Whether Go's key comparison is a strict total order on every map's keys in `v`. When it is
/// not (a cycle like "01" < "124" < "1a" < "01"), Go's output depends on its random map
/// iteration order and cannot be reproduced; such values are left out of the comparison.
fn keys_totally_ordered(v: &Value, less: fn(&str, &str) -> bool) -> bool {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&str> = map.keys().map(String::as_str).collect();
            // Insertion sort, then every pair must agree with the order found.
            for i in 1..keys.len() {
                let mut j = i;
                while j > 0 && less(keys[j], keys[j - 1]) {
                    keys.swap(j, j - 1);
                    j -= 1;
                }
            }
            let total =
                (0..keys.len()).all(|i| (i + 1..keys.len()).all(|j| !less(keys[j], keys[i])));
            total && map.values().all(|v| keys_totally_ordered(v, less))
        }
        Value::Array(items) => items.iter().all(|v| keys_totally_ordered(v, less)),
        _ => true,
    }
}

/// Compare ours against the oracle's frames; panic listing the first mismatches.
fn assert_all_equal(
    what: &str,
    inputs: &[Value],
    ours: &[String],
    theirs: &[Result<String, String>],
    less: fn(&str, &str) -> bool,
) {
    let mut failures = Vec::new();
    let mut skipped = 0;
    for (i, (mine, go)) in ours.iter().zip(theirs).enumerate() {
        if !keys_totally_ordered(&inputs[i], less) {
            skipped += 1;
            continue;
        }
        let go = go
            .as_ref()
            .unwrap_or_else(|e| panic!("{what}: Go failed on value {i}: {e}"));
        if mine != go {
            failures.push(format!(
                "value {i}: {}\n  ours: {mine:?}\n  go:   {go:?}",
                serde_json::to_string(&inputs[i]).unwrap()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{what}: {} of {} values differ; first ones:\n{}",
        failures.len(),
        inputs.len(),
        failures
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    let compared = inputs.len() - skipped;
    eprintln!(
        "{what}: {compared} values identical ({skipped} skipped: Go's key order is random for them)"
    );
    assert!(
        compared >= inputs.len() * 99 / 100,
        "{what}: too many values skipped"
    );
}

/// One differential corpus: its inputs, where Go's output is recorded, which oracle made it.
struct Corpus {
    recording: &'static str,
    oracle: &'static str,
    args: &'static [&'static str],
    inputs: Vec<Value>,
}

impl Corpus {
    fn v2_marshal() -> Corpus {
        Corpus {
            recording: "go-yaml/v2-marshal.frames",
            oracle: "yamlv2",
            args: &[],
            inputs: generate(0x7EE5_7E90, 12_000),
        }
    }

    fn v3_marshal() -> Corpus {
        Corpus {
            recording: "go-yaml/v3-marshal.frames",
            oracle: "yamlv3",
            args: &["marshal"],
            inputs: generate(0x3333_0003, 3_000),
        }
    }

    /// YAML streams: the snippets, and everything yaml.v2 writes for a generated corpus (it must
    /// read back like Go reads it). Known difference, left out: Go's reader (YAML 1.1) takes
    /// U+2028/U+2029 for line breaks inside scalars, the Rust parser (YAML 1.2) keeps them as
    /// text.
    fn v3_parse() -> Corpus {
        let mut texts: Vec<String> = YAML_SNIPPETS.iter().map(|s| s.to_string()).collect();
        for v in generate(0x00DE_C0DE, 2_000) {
            let text = to_yaml_v2(&v);
            if !text.contains(['\u{2028}', '\u{2029}']) {
                texts.push(text);
            }
        }
        Corpus {
            recording: "go-yaml/v3-parse.frames",
            oracle: "yamlv3",
            args: &["parse"],
            inputs: texts.into_iter().map(Value::String).collect(),
        }
    }

    fn checksum(&self) -> String {
        recorded::checksum(&serde_json::to_vec(&self.inputs).unwrap())
    }

    /// Go's frames, as recorded (self-contained tier).
    fn recorded(&self) -> Vec<Result<String, String>> {
        let recording = recorded::read(self.recording);
        recording.assert_input(self.recording, &self.checksum());
        let frames = recorded::frames(&recording.body);
        assert_eq!(
            frames.len(),
            self.inputs.len(),
            "{}: frame count",
            self.recording
        );
        frames
    }

    /// Reference tier: run the live Go oracle; its output must be the recording, except for
    /// the values whose output depends on Go's random map order (see [`keys_totally_ordered`];
    /// `less`: the key order of the writer, `None` when the output has no such maps).
    fn check_recording(&self, less: Option<fn(&str, &str) -> bool>) {
        let body = oracle::run_go(self.oracle, self.args, &self.inputs);
        let live = recorded::frames(&body);
        assert_eq!(live.len(), self.inputs.len(), "oracle frame count");
        let producer = oracle::go_producer(
            format!("tests/oracle/{} {}", self.oracle, self.args.join(" ")).trim_end(),
        );
        let checksum = self.checksum();
        if recorded::recording() {
            recorded::check_or_record(
                self.recording,
                &producer,
                &[("input-sha256", &checksum)],
                &body,
            );
            return;
        }
        let recorded = self.recorded();
        let differ: Vec<usize> = (0..live.len())
            .filter(|&i| less.is_none_or(|less| keys_totally_ordered(&self.inputs[i], less)))
            .filter(|&i| live[i] != recorded[i])
            .collect();
        assert!(
            differ.is_empty(),
            "testdata/recorded/{} is no longer what {producer} produces for {} values (first: \
             value {}: go {:?}, recorded {:?}); regenerate with `{}` and review the change",
            self.recording,
            differ.len(),
            differ[0],
            live[differ[0]],
            recorded[differ[0]],
            recorded::REGENERATE
        );
    }
}

#[test]
fn yaml_v2_matches_recorded_go_output() {
    let corpus = Corpus::v2_marshal();
    let ours: Vec<String> = corpus.inputs.iter().map(to_yaml_v2).collect();
    assert_all_equal(
        "yaml.v2",
        &corpus.inputs,
        &ours,
        &corpus.recorded(),
        key_less_v2,
    );
}

#[test]
fn yaml_v3_matches_recorded_go_output() {
    let corpus = Corpus::v3_marshal();
    let ours: Vec<String> = corpus.inputs.iter().map(to_yaml_v3).collect();
    assert_all_equal(
        "yaml.v3",
        &corpus.inputs,
        &ours,
        &corpus.recorded(),
        key_less_v3,
    );
}

#[test]
#[ignore = "reference tier: runs Go's yaml.v2 (cargo test --locked -- --ignored)"]
fn recorded_yaml_v2_output_is_what_go_writes() {
    Corpus::v2_marshal().check_recording(Some(key_less_v2));
}

#[test]
#[ignore = "reference tier: runs Go's yaml.v3 (cargo test --locked -- --ignored)"]
fn recorded_yaml_v3_output_is_what_go_writes() {
    Corpus::v3_marshal().check_recording(Some(key_less_v3));
}

#[test]
#[ignore = "reference tier: runs Go's yaml.v3 (cargo test --locked -- --ignored)"]
fn recorded_yaml_v3_parse_results_are_what_go_reads() {
    Corpus::v3_parse().check_recording(None);
}

/// Numbers as the parse oracle writes them: `"#f64:<IEEE bits>"` (Go's JSON round trip makes
/// every number a float64; comparing bits avoids any float parsing on this side).
fn exact_numbers(v: &Value) -> Value {
    match v {
        Value::Number(n) => Value::String(format!("#f64:{:016x}", n.as_f64().unwrap().to_bits())),
        Value::Array(items) => Value::Array(items.iter().map(exact_numbers).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), exact_numbers(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[rustfmt::skip]
const YAML_SNIPPETS: &[&str] = &[
    "", "---", "--- \n---\n", "a: 1\n---\n", "# comment only\n", "a: 47", "- a\n- b\n",
    "a: 0777\nb: 0o17\nc: 0x1F\nd: 1_000\ne: +12\nf: -0\ng: .5\nh: 1e3\ni: 1e400\nj: 0b101\n",
    "a: yes\nb: on\nc: y\nd: True\ne: FALSE\nf: ~\ng: Null\nh:\n", "a: 2001-12-14\n",
    "a: 2001-12-14 21:59:43.10\nb: 2001-12-14t21:59:43.10-05:00\nc: 2001-12-14T21:59:43Z\n",
    "a: 1:20\nb: 3.3.13\nc: '1'\nd: \"2\"\ne: !!str 3\nf: !!float 4\ng: !foo 5\nh: ! 6\n",
    "a: !!binary aGVsbG8=\n", "a: &x {b: 1}\nc: *x\n",
    "base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n", "m:\n  <<: [{a: 1}, {a: 2, b: 2}]\n  c: 3\n",
    "{1: 2}", "a: 1\na: 2\n", "a: .nan\n", "a: -.inf\n", "[a, b", "a: b: c",
    "a: |\n  x\n  y\nb: >\n  folded\n  text\n", "a: |+\n  keep\n\nb: |-\n  strip\n",
    "? complex\n: value\n", "a: 'it''s'\nb: \"\\t\\u00e9\"\n",
    "a: 12345678901234567890\nb: 9007199254740993\nc: -9223372036854775808\n",
    "a: 2023-02-29\nb: 2024-02-29\n", "true: 1\n", "~: 1\n", "\"<<\": 1\n",
    "list: [1, 2, {a: b}]\n", "a: !!int 12\nb: !!int 0x1F\n", "a: !!int abc\n", "x: &a 1\ny: *a\n",
    "a: !!map [1]", "a: !!seq {b: 1}", "a: !!str [1]", "a: !!foo [1]", "a: !!merge <<",
    "a: !!binary |\n  aGVs\n  bG8=\n", "a: *x", "<<: {a: 1}\n<<: {b: 2}", "a: !!null x",
    "a: !!bool yes", "a: !!float 1e3", "a: !!timestamp 2001-01-01",
    "a: \"\\U0001F600\"\n",
    // Duplicate keys are quoted with Go's %#v (strconv.Quote): `\a`, `\u0085`, `\u00a0`.
    "\"k\\a\": 1\n\"k\\a\": 2\n", "\"k\\N\": 1\n\"k\\N\": 2\n", "\"k\\_\": 1\n\"k\\_\": 2\n",
    "\"k\\u200b\\ue000\": 1\n\"k\\u200b\\ue000\": 2\n",
];

#[test]
fn parse_stream_matches_recorded_go_yaml_v3() {
    let corpus = Corpus::v3_parse();
    let theirs = corpus.recorded();
    let texts: Vec<&str> = corpus.inputs.iter().map(|v| v.as_str().unwrap()).collect();
    let mut failures = Vec::new();
    for (text, go) in texts.iter().zip(&theirs) {
        let ours = parse_stream(text);
        let ok = match (&ours, go) {
            (Ok(mine), Ok(go)) => {
                exact_numbers(&Value::Array(mine.clone()))
                    == serde_json::from_str::<Value>(go).unwrap()
            }
            // Syntax errors come from a different parser: only the prefix must match.
            (Err(mine), Err(go))
                if !go.contains("unmarshal errors") && go.starts_with("parsing yaml: yaml: ") =>
            {
                mine.to_string().starts_with("parsing yaml: yaml: ")
            }
            (Err(mine), Err(go)) => mine.to_string() == *go,
            _ => false,
        };
        if !ok {
            failures.push(format!("{text:?}\n  ours: {ours:?}\n  go:   {go:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "parse_stream: {} of {} inputs differ; first ones:\n{}",
        failures.len(),
        texts.len(),
        failures
            .iter()
            .take(
                std::env::var("SHOW")
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(5)
            )
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    eprintln!(
        "parse_stream: {} YAML streams decoded like yaml.v3",
        texts.len()
    );
}
