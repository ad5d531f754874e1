//! Reading a multi-document YAML stream into JSON values the way Tanka's `parseYaml` native
//! does: Go's yaml.v3 `Decoder` into `interface{}` per document, then a JSON round trip
//! (`json.Marshal` + `json.Unmarshal`).
//!
//! The syntax is parsed by `granit-parser` (the event parser behind serde-saphyr); this module
//! builds the node tree and applies yaml.v3's decoding rules itself: plain-scalar resolution
//! (YAML 1.2 booleans, `0777` / `0o17` octals, `1_000`, timestamps that become RFC 3339
//! strings), explicit tags, anchors and aliases, `<<` merge keys, duplicate-key errors, and
//! the JSON conversion errors (`NaN`/`Inf`, non-string mapping keys).

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Number, Value};
use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, ScanError, Tag};

use super::YamlError;
use super::resolve::{Resolved, resolve};
use crate::go_quote::go_quote;

const CORE_PREFIX: &str = "tag:yaml.org,2002:";
/// Upper bound on nodes produced by alias expansion (protects against "billion laughs").
const MAX_EXPANDED_NODES: usize = 10_000_000;

#[derive(Debug, Clone)]
enum Kind {
    Scalar {
        value: String,
        plain: bool,
        tag: Option<String>,
    },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
    Alias(usize),
}

#[derive(Debug, Clone)]
struct Node {
    kind: Kind,
    line: usize,
}

/// Parse every document of `text` (see [`super::parse_stream`]).
pub(crate) fn parse_stream(text: &str) -> Result<Vec<Value>, YamlError> {
    let mut docs = Vec::new();
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    // Open collections: the node under construction, its anchor id, and a pending map key.
    let mut stack: Vec<(Node, usize, Option<Node>)> = Vec::new();
    let mut root: Option<Node> = None;

    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(scan_error)?;
        let line = span.start.line();
        let finished = match event {
            Event::DocumentStart(..) => {
                anchors.clear();
                root = None;
                None
            }
            Event::DocumentEnd => {
                if let Some(node) = root.take() {
                    docs.push(decode_document(&node, &anchors)?);
                }
                None
            }
            Event::Scalar(value, style, anchor, tag) => Some((
                Node {
                    kind: Kind::Scalar {
                        value: value.into_owned(),
                        plain: style == ScalarStyle::Plain,
                        tag: tag.map(|t| full_tag(&t)),
                    },
                    line,
                },
                anchor,
            )),
            Event::Alias(id) => Some((
                Node {
                    kind: Kind::Alias(id),
                    line,
                },
                0,
            )),
            // yaml.v3 decodes collections by their kind whatever their tag.
            Event::SequenceStart(_, anchor, _) => {
                stack.push((
                    Node {
                        kind: Kind::Seq(Vec::new()),
                        line,
                    },
                    anchor,
                    None,
                ));
                None
            }
            Event::MappingStart(_, anchor, _) => {
                stack.push((
                    Node {
                        kind: Kind::Map(Vec::new()),
                        line,
                    },
                    anchor,
                    None,
                ));
                None
            }
            Event::SequenceEnd | Event::MappingEnd => {
                stack.pop().map(|(node, anchor, _)| (node, anchor))
            }
            _ => None,
        };
        let Some((node, anchor)) = finished else {
            continue;
        };
        if anchor != 0 {
            anchors.insert(anchor, node.clone());
        }
        match stack.last_mut() {
            None => root = Some(node),
            Some((parent, _, pending_key)) => match &mut parent.kind {
                Kind::Seq(items) => items.push(node),
                Kind::Map(pairs) => match pending_key.take() {
                    None => *pending_key = Some(node),
                    Some(key) => pairs.push((key, node)),
                },
                _ => {}
            },
        }
    }
    Ok(docs)
}

fn scan_error(e: ScanError) -> YamlError {
    YamlError(format!(
        "parsing yaml: yaml: line {}: {}",
        e.marker().line(),
        e.info()
    ))
}

fn full_tag(tag: &Tag) -> String {
    format!("{}{}", tag.handle(), tag.suffix())
}

/// Go's `shortTag`: `tag:yaml.org,2002:str` -> `!!str`.
fn short_tag(tag: &str) -> String {
    match tag.strip_prefix(CORE_PREFIX) {
        Some(rest) => format!("!!{rest}"),
        None => tag.to_string(),
    }
}

struct Decoder<'a> {
    anchors: &'a HashMap<usize, Node>,
    /// Type errors collected like yaml.v3's `terrors` (reported together at the end).
    terrors: Vec<String>,
    /// A mapping with a non-string key was decoded: `json.Marshal` would fail.
    non_string_key: bool,
    /// Alias expansion budget.
    budget: usize,
}

fn decode_document(node: &Node, anchors: &HashMap<usize, Node>) -> Result<Value, YamlError> {
    let mut d = Decoder {
        anchors,
        terrors: Vec::new(),
        non_string_key: false,
        budget: MAX_EXPANDED_NODES,
    };
    let value = d.decode(node)?;
    if !d.terrors.is_empty() {
        return Err(YamlError(format!(
            "parsing yaml: yaml: unmarshal errors:\n  {}",
            d.terrors.join("\n  ")
        )));
    }
    if d.non_string_key {
        return Err(YamlError(
            "converting yaml to json: json: unsupported type: map[interface {}]interface {}"
                .to_string(),
        ));
    }
    Ok(value)
}

impl<'a> Decoder<'a> {
    /// The node an alias points to (other nodes unchanged).
    fn resolve_alias<'n>(&self, node: &'n Node) -> Result<&'n Node, YamlError>
    where
        'a: 'n,
    {
        match node.kind {
            Kind::Alias(id) => self.anchors.get(&id).ok_or_else(|| {
                YamlError(format!(
                    "parsing yaml: yaml: line {}: unknown anchor referenced",
                    node.line
                ))
            }),
            _ => Ok(node),
        }
    }

    fn decode(&mut self, node: &Node) -> Result<Value, YamlError> {
        self.budget = self.budget.checked_sub(1).ok_or_else(|| {
            YamlError("parsing yaml: yaml: document contains excessive aliasing".to_string())
        })?;
        match &node.kind {
            Kind::Alias(_) => {
                let target = self.resolve_alias(node)?;
                self.decode(target)
            }
            Kind::Scalar { value, plain, tag } => {
                self.scalar(value, *plain, tag.as_deref(), node.line)
            }
            Kind::Seq(items) => items
                .iter()
                .map(|item| self.decode(item))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
            Kind::Map(pairs) => {
                if self.has_duplicates(pairs) {
                    return Ok(Value::Null);
                }
                if !self.is_string_map(pairs) {
                    self.non_string_key = true;
                }
                let mut out = Map::new();
                self.fill_map(pairs, &mut out, None)?;
                Ok(Value::Object(out))
            }
        }
    }

    /// yaml.v3 rejects repeated keys (same kind and same text) in one mapping, reporting every
    /// repeated pair.
    fn has_duplicates(&mut self, pairs: &[(Node, Node)]) -> bool {
        let mut seen = HashSet::with_capacity(pairs.len());
        if pairs.iter().all(|(k, _)| seen.insert(identity(k))) {
            return false;
        }
        for (i, (ki, _)) in pairs.iter().enumerate() {
            for (kj, _) in &pairs[i + 1..] {
                if identity(ki) == identity(kj) {
                    self.terrors.push(format!(
                        "line {}: mapping key {} already defined at line {}",
                        kj.line,
                        go_quote(&identity(kj).1),
                        ki.line
                    ));
                }
            }
        }
        true
    }

    /// Whether every key is a string (or the merge key), as yaml.v3's `isStringMap`.
    fn is_string_map(&self, pairs: &[(Node, Node)]) -> bool {
        pairs.iter().all(|(k, _)| {
            let tag = self.resolve_alias(k).ok().map(short_tag_of);
            matches!(tag.as_deref(), Some("!!str" | "!!merge"))
        })
    }

    /// Decode `pairs` into `out`. With `merged` (inside a `<<` merge), keys already present are
    /// skipped so that explicit keys and earlier merges win.
    fn fill_map(
        &mut self,
        pairs: &[(Node, Node)],
        out: &mut Map<String, Value>,
        mut merged: Option<&mut HashSet<String>>,
    ) -> Result<(), YamlError> {
        let mut merge_node = None;
        for (k, v) in pairs {
            if is_merge(k) {
                merge_node = Some(v);
                continue;
            }
            let key = self.key_string(k)?;
            if let Some(seen) = merged.as_deref_mut() {
                if !seen.insert(key.clone()) {
                    continue;
                }
            }
            let value = self.decode(v)?;
            out.insert(key, value);
        }
        let Some(merge) = merge_node else {
            return Ok(());
        };
        let mut own;
        let seen = match merged {
            Some(seen) => seen,
            None => {
                own = HashSet::new();
                for (k, _) in pairs {
                    if !is_merge(k) {
                        own.insert(self.key_string(k)?);
                    }
                }
                &mut own
            }
        };
        let merge = self.resolve_alias(merge)?;
        let sources: Vec<&Node> = match &merge.kind {
            Kind::Map(_) => vec![merge],
            Kind::Seq(items) => items
                .iter()
                .map(|i| self.resolve_alias(i))
                .collect::<Result<_, _>>()?,
            _ => return Err(want_map()),
        };
        for source in sources {
            let Kind::Map(source_pairs) = &source.kind else {
                return Err(want_map());
            };
            if self.has_duplicates(source_pairs) {
                continue;
            }
            if !self.is_string_map(source_pairs) {
                self.non_string_key = true;
            }
            self.fill_map(source_pairs, out, Some(&mut *seen))?;
        }
        Ok(())
    }

    /// The text of a mapping key (string keys decode to their text; other keys are reported
    /// through `non_string_key` and keep their source text here).
    fn key_string(&mut self, key: &Node) -> Result<String, YamlError> {
        let key = self.resolve_alias(key)?;
        match &key.kind {
            Kind::Scalar { value, .. } => Ok(value.clone()),
            _ => {
                self.non_string_key = true;
                Ok(String::new())
            }
        }
    }

    fn scalar(
        &mut self,
        value: &str,
        plain: bool,
        tag: Option<&str>,
        line: usize,
    ) -> Result<Value, YamlError> {
        let short = tag.map(short_tag);
        let short = short.as_deref();
        // Quoted and block scalars without a specific tag, and !!str, are strings.
        if short == Some("!!str") || (matches!(short, None | Some("!")) && !plain) {
            return Ok(Value::String(value.to_string()));
        }
        let resolved = match short {
            None | Some("!") => resolve(value, true),
            Some("!!binary") => return Ok(Value::String(decode_base64(value, line)?)),
            Some("!!null" | "!!bool" | "!!int" | "!!float" | "!!timestamp") => {
                let r = resolve(value, true);
                let rtag = resolved_tag(&r);
                match (short, &r) {
                    (Some(t), _) if t == rtag => r,
                    (Some("!!float"), Resolved::Int(i)) => Resolved::Float(*i as f64),
                    (Some("!!float"), Resolved::Uint(u)) => Resolved::Float(*u as f64),
                    (Some(t), _) => {
                        return Err(YamlError(format!(
                            "parsing yaml: yaml: cannot decode {rtag} `{value}` as a {t}"
                        )));
                    }
                    (None, _) => r,
                }
            }
            // Unknown or non-specific tags: the text as a string.
            Some(_) => Resolved::Str,
        };
        Ok(match resolved {
            Resolved::Null => Value::Null,
            Resolved::Bool(b) => Value::Bool(b),
            Resolved::Int(i) => json_number(i as f64)?,
            Resolved::Uint(u) => json_number(u as f64)?,
            Resolved::Float(f) => json_number(f)?,
            Resolved::Timestamp(t) => Value::String(t.to_rfc3339_nano()),
            Resolved::Merge | Resolved::Str => Value::String(value.to_string()),
        })
    }
}

/// The short tag a key node resolves to (yaml.v3 `Node.ShortTag`).
fn short_tag_of(node: &Node) -> String {
    match &node.kind {
        Kind::Scalar { value, plain, tag } => {
            let short = tag.as_deref().map(short_tag);
            match short.as_deref() {
                Some("!!str") => "!!str".to_string(),
                None | Some("!") if !plain => "!!str".to_string(),
                None | Some("!") => resolved_tag(&resolve(value, true)).to_string(),
                Some(other) => other.to_string(),
            }
        }
        Kind::Seq(_) => "!!seq".to_string(),
        Kind::Map(_) => "!!map".to_string(),
        Kind::Alias(_) => String::new(),
    }
}

fn resolved_tag(r: &Resolved) -> &'static str {
    match r {
        Resolved::Null => "!!null",
        Resolved::Bool(_) => "!!bool",
        Resolved::Int(_) | Resolved::Uint(_) => "!!int",
        Resolved::Float(_) => "!!float",
        Resolved::Timestamp(_) => "!!timestamp",
        Resolved::Merge => "!!merge",
        Resolved::Str => "!!str",
    }
}

/// yaml.v3 `isMerge`: a plain `<<` scalar without a specific tag (or tagged `!!merge`).
fn is_merge(node: &Node) -> bool {
    match &node.kind {
        Kind::Scalar { value, tag, plain } => {
            value == "<<"
                && match tag.as_deref() {
                    None | Some("!") => *plain,
                    Some(t) => short_tag(t) == "!!merge",
                }
        }
        _ => false,
    }
}

/// What yaml.v3 compares to detect duplicate keys: node kind and text.
fn identity(node: &Node) -> (u8, std::borrow::Cow<'_, str>) {
    match &node.kind {
        Kind::Scalar { value, .. } => (0, value.as_str().into()),
        Kind::Seq(_) => (1, "".into()),
        Kind::Map(_) => (2, "".into()),
        Kind::Alias(id) => (3, id.to_string().into()),
    }
}

fn want_map() -> YamlError {
    YamlError(
        "parsing yaml: yaml: map merge requires map or sequence of maps as the value".to_string(),
    )
}

/// A JSON number as the JSON round trip leaves it (always a float64 in Go; integral values
/// that are exact in a float64 are stored as integers here).
fn json_number(f: f64) -> Result<Value, YamlError> {
    if !f.is_finite() {
        let shown = if f.is_nan() {
            "NaN"
        } else if f > 0.0 {
            "+Inf"
        } else {
            "-Inf"
        };
        return Err(YamlError(format!(
            "converting yaml to json: json: unsupported value: {shown}"
        )));
    }
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    if f.fract() == 0.0 && f.abs() <= EXACT && !(f == 0.0 && f.is_sign_negative()) {
        return Ok(Value::Number(Number::from(f as i64)));
    }
    Ok(Number::from_f64(f).map_or(Value::Null, Value::Number))
}

/// Go's `base64.StdEncoding.DecodeString` (line breaks ignored); invalid UTF-8 in the result
/// becomes U+FFFD as `json.Marshal` does.
fn decode_base64(text: &str, line: usize) -> Result<String, YamlError> {
    let err = || {
        YamlError(format!(
            "parsing yaml: yaml: line {line}: !!binary value contains invalid base64 data"
        ))
    };
    let clean: Vec<u8> = text.bytes().filter(|&c| c != b'\n' && c != b'\r').collect();
    if clean.len() % 4 != 0 {
        return Err(err());
    }
    let val = |c: u8| -> Option<u32> {
        Some(u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        }))
    };
    let mut bytes = Vec::with_capacity(clean.len() / 4 * 3);
    let chunks = clean.chunks(4).count();
    for (n, chunk) in clean.chunks(4).enumerate() {
        let pad = chunk.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && n + 1 != chunks) {
            return Err(err());
        }
        let mut acc = 0u32;
        for &c in &chunk[..4 - pad] {
            acc = (acc << 6) | val(c).ok_or_else(err)?;
        }
        acc <<= 6 * pad as u32;
        let produced = [(acc >> 16) as u8, (acc >> 8) as u8, acc as u8];
        bytes.extend_from_slice(&produced[..3 - pad]);
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(s: &str) -> Value {
        Value::Array(parse_stream(s).unwrap())
    }

    #[test]
    fn documents_and_empty_streams() {
        assert_eq!(parse(""), json!([]));
        assert_eq!(parse("# only a comment\n"), json!([]));
        assert_eq!(parse("a: 47"), json!([{"a": 47}]));
        assert_eq!(parse("---"), json!([null]));
        assert_eq!(parse("a: 1\n---\n"), json!([{"a": 1}, null]));
        assert_eq!(parse("a: 1\n---\nb: 2\n"), json!([{"a": 1}, {"b": 2}]));
    }

    #[test]
    fn yaml_v3_scalar_rules() {
        assert_eq!(
            parse(
                "a: 0777\nb: 0o17\nc: 1_000\nd: yes\ne: 0x1F\nf: .5\ng: +12\nh: 1e3\ni: '1'\nj: ~\nk: -0\nl: 1e400\nm: 1:20\nn: true"
            ),
            json!([{"a": 511, "b": 15, "c": 1000, "d": "yes", "e": 31, "f": 0.5, "g": 12, "h": 1000,
                    "i": "1", "j": null, "k": 0, "l": "1e400", "m": "1:20", "n": true}])
        );
        assert_eq!(
            parse(
                "a: 2001-12-14\nb: 2001-12-14 21:59:43.10\nc: !!str 12\nd: !foo 12\ne: !!binary aGVsbG8="
            ),
            json!([{"a": "2001-12-14T00:00:00Z", "b": "2001-12-14T21:59:43.1Z", "c": "12", "d": "12", "e": "hello"}])
        );
    }

    #[test]
    fn anchors_and_merges() {
        assert_eq!(
            parse(
                "a: &x {b: 1}\nc: *x\nd:\n  <<: *x\n  e: 2\nf:\n  <<: [{g: 1}, {g: 2, h: 3}]\n  h: 4"
            ),
            json!([{"a": {"b": 1}, "c": {"b": 1}, "d": {"b": 1, "e": 2}, "f": {"g": 1, "h": 4}}])
        );
    }

    #[test]
    fn errors_like_tanka() {
        let err = |s: &str| parse_stream(s).unwrap_err().to_string();
        assert_eq!(
            err("a: 1\na: 2"),
            "parsing yaml: yaml: unmarshal errors:\n  line 2: mapping key \"a\" already defined at line 1"
        );
        assert_eq!(
            err("{1: 2}"),
            "converting yaml to json: json: unsupported type: map[interface {}]interface {}"
        );
        assert_eq!(
            err("a: .nan"),
            "converting yaml to json: json: unsupported value: NaN"
        );
        assert!(err("[a, b").starts_with("parsing yaml: yaml: line 1: "));
        assert!(err("a: b: c").starts_with("parsing yaml: "));
    }
}
