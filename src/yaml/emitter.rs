//! A YAML writer for the JSON data model that reproduces, byte for byte, what Go's
//! `gopkg.in/yaml.v2` (v2.4.0) and `gopkg.in/yaml.v3` (v3.0.1) `yaml.Marshal` print for the
//! same value decoded by `encoding/json` into `interface{}`.
//!
//! Both libraries are ports of libyaml's emitter. This module keeps the same layout state
//! (column, indentation stack, the `whitespace` / `indention` flags) and applies it while
//! walking the value recursively instead of through an event queue: JSON documents never need
//! anchors, tags or non-empty flow collections, so the state machine collapses to a handful of
//! functions. The differences between the two versions are small and flagged with `v3`.

use serde_json::{Map, Value};

use super::natural_sort::sort_entries;
use super::number::{number_to_f64, write_go_float};
use super::resolve::can_use_plain;
use super::scalar::{Analysis, Style, analyze, is_break, is_printable, select_style};

/// yaml.v2's preferred line width: long scalars are folded at the first space past this
/// column. yaml.v3 (as `yaml.Marshal` sets it up) never folds.
const V2_BEST_WIDTH: i64 = 80;

/// Where a node sits, as libyaml's `emit_node` context flags (plus whether the parent is a
/// block sequence, which yaml.v3's indentation rule looks at).
#[derive(Clone, Copy, Default)]
struct Ctx {
    mapping: bool,
    simple_key: bool,
    in_seq_item: bool,
}

/// Emitter state; `out` is the single output buffer.
pub(crate) struct Emitter<'o> {
    out: &'o mut String,
    v3: bool,
    best_indent: i64,
    best_width: i64,
    column: i64,
    indent: i64,
    indents: Vec<i64>,
    whitespace: bool,
    indention: bool,
}

impl<'o> Emitter<'o> {
    /// An emitter appending to `out` in yaml.v2 (`v3 == false`, indent 2) or yaml.v3 (indent 4)
    /// style.
    pub(crate) fn new(out: &'o mut String, v3: bool) -> Self {
        Emitter {
            out,
            v3,
            best_indent: if v3 { 4 } else { 2 },
            best_width: if v3 { i64::MAX } else { V2_BEST_WIDTH },
            column: 0,
            indent: -1,
            indents: Vec::with_capacity(16),
            whitespace: true,
            indention: true,
        }
    }

    /// Write one document (no `---` marker), ending with a line break.
    pub(crate) fn document(&mut self, value: &Value) {
        self.start_document();
        self.node(value, Ctx::default());
        self.write_indent();
    }

    /// [`Emitter::document`] of `Value::Object(map)`, without building that value.
    pub(crate) fn document_map(&mut self, map: &Map<String, Value>) {
        self.start_document();
        self.mapping(map, Ctx::default());
        self.write_indent();
    }

    fn start_document(&mut self) {
        self.column = 0;
        self.indent = -1;
        self.indents.clear();
        self.whitespace = true;
        self.indention = true;
    }

    fn node(&mut self, value: &Value, ctx: Ctx) {
        match value {
            Value::Null => self.simple_plain("null"),
            Value::Bool(b) => self.simple_plain(if *b { "true" } else { "false" }),
            Value::Number(n) => {
                if !self.whitespace {
                    self.put(' ');
                }
                let start = self.out.len();
                write_go_float(self.out, number_to_f64(n));
                self.column += (self.out.len() - start) as i64;
                self.whitespace = false;
                self.indention = false;
            }
            Value::String(s) => {
                let a = analyze(s, self.v3);
                self.string(s, &a, ctx);
            }
            Value::Array(items) if items.is_empty() => self.empty_flow("[", "]"),
            Value::Array(items) => self.block_sequence(items, ctx),
            Value::Object(map) => self.mapping(map, ctx),
        }
    }

    fn mapping(&mut self, map: &Map<String, Value>, ctx: Ctx) {
        if map.is_empty() {
            self.empty_flow("{", "}");
        } else {
            self.block_mapping(map, ctx);
        }
    }

    fn block_sequence(&mut self, items: &[Value], ctx: Ctx) {
        // yaml.v2 does not indent a sequence that is a mapping value ("indentless").
        let indentless = !self.v3 && ctx.mapping && !self.indention;
        self.increase_indent(false, indentless, ctx.in_seq_item);
        let item_ctx = Ctx {
            in_seq_item: true,
            ..Ctx::default()
        };
        for item in items {
            self.write_indent();
            self.write_indicator("-", true, false, true);
            self.node(item, item_ctx);
        }
        self.pop_indent();
    }

    fn block_mapping(&mut self, map: &Map<String, Value>, ctx: Ctx) {
        self.increase_indent(false, false, ctx.in_seq_item);
        let mut entries: Vec<(&str, &Value)> = map.iter().map(|(k, v)| (k.as_str(), v)).collect();
        sort_entries(&mut entries, self.v3);
        let value_ctx = Ctx {
            mapping: true,
            ..Ctx::default()
        };
        for (key, value) in entries {
            self.write_indent();
            let a = analyze(key, self.v3);
            if !a.multiline && key.len() <= 128 {
                let key_ctx = Ctx {
                    mapping: true,
                    simple_key: true,
                    in_seq_item: false,
                };
                self.string(key, &a, key_ctx);
                self.write_indicator(":", false, false, false);
            } else {
                // Complex key: "? key" on its own, then ": value".
                self.write_indicator("?", true, false, true);
                self.string(key, &a, value_ctx);
                self.write_indent();
                self.write_indicator(":", true, false, true);
            }
            self.node(value, value_ctx);
        }
        self.pop_indent();
    }

    fn empty_flow(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.write_indicator(close, false, false, false);
    }

    /// A scalar that is always plain and never folded (null, booleans, numbers).
    fn simple_plain(&mut self, text: &str) {
        if !self.whitespace {
            self.put(' ');
        }
        self.out.push_str(text);
        self.column += text.len() as i64;
        self.whitespace = false;
        self.indention = false;
    }

    fn string(&mut self, s: &str, a: &Analysis, ctx: Ctx) {
        let requested = if s.contains('\n') {
            Style::Literal
        } else if can_use_plain(s, self.v3) {
            Style::Plain
        } else {
            Style::DoubleQuoted
        };
        let style = select_style(requested, a, s.is_empty(), ctx.simple_key);
        self.increase_indent(true, false, ctx.in_seq_item);
        let allow_breaks = !ctx.simple_key;
        match style {
            Style::Plain => self.write_plain(s, allow_breaks),
            Style::SingleQuoted => self.write_single_quoted(s, allow_breaks),
            Style::DoubleQuoted => self.write_double_quoted(s, allow_breaks),
            Style::Literal => self.write_literal(s),
        }
        self.pop_indent();
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool, in_seq_item: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { self.best_indent } else { 0 };
        } else if !indentless {
            if !self.v3 {
                self.indent += self.best_indent;
            } else if in_seq_item {
                // yaml.v3: the first level inside a sequence item just skips the "- ".
                self.indent += 2;
            } else {
                // yaml.v3: everything else aligns to a multiple of the indentation.
                self.indent =
                    self.best_indent * ((self.indent + self.best_indent) / self.best_indent);
            }
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
        if self.v3 {
            self.indention = true;
        }
    }

    /// A line break copied from a scalar's text; the next line starts at the indentation.
    fn write_break(&mut self, c: char) {
        self.out.push(c);
        self.column = 0;
        self.indention = true;
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0);
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        if !self.v3 {
            self.indention = true;
        }
    }

    fn write_indicator(
        &mut self,
        indicator: &str,
        need_whitespace: bool,
        is_whitespace: bool,
        is_indention: bool,
    ) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        self.out.push_str(indicator);
        self.column += indicator.chars().count() as i64;
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }

    fn write_plain(&mut self, value: &str, allow_breaks: bool) {
        // Never empty: `""` resolves to null, so it is always quoted.
        if !self.whitespace {
            self.put(' ');
        }
        self.write_text(value, allow_breaks, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_single_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        self.write_text(value, allow_breaks, true);
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    /// The text of a plain or single-quoted scalar (`'` doubled when `single_quoted`): a
    /// single inner space past the best width becomes a fold, line breaks are copied (a first
    /// `\n` doubled) and the line after them indented.
    fn write_text(&mut self, value: &str, allow_breaks: bool, single_quoted: bool) {
        let mut spaces = false;
        let mut breaks = false;
        let mut chars = value.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > self.best_width
                    && i > 0
                    && chars.peek().is_some_and(|&(_, n)| n != ' ')
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if single_quoted && c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
    }

    fn write_double_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        // libyaml checks for a BOM at the start of the *whole value* for every character: a
        // value starting with U+FEFF gets every character escaped.
        let bom = value.starts_with('\u{FEFF}');
        let len = value.len();
        let mut spaces = false;
        let mut chars = value.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if bom || !is_printable(c) || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                match c {
                    '\0' => self.put('0'),
                    '\u{07}' => self.put('a'),
                    '\u{08}' => self.put('b'),
                    '\t' => self.put('t'),
                    '\n' => self.put('n'),
                    '\u{0B}' => self.put('v'),
                    '\u{0C}' => self.put('f'),
                    '\r' => self.put('r'),
                    '\u{1B}' => self.put('e'),
                    '"' => self.put('"'),
                    '\\' => self.put('\\'),
                    '\u{85}' => self.put('N'),
                    '\u{A0}' => self.put('_'),
                    '\u{2028}' => self.put('L'),
                    '\u{2029}' => self.put('P'),
                    _ => {
                        let v = u32::from(c);
                        let (marker, width) = if v <= 0xFF {
                            ('x', 2)
                        } else if v <= 0xFFFF {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(marker);
                        for k in (0..width).rev() {
                            let digit = (v >> (4 * k)) & 0xF;
                            self.put(
                                char::from_digit(digit, 16).map_or('0', |d| d.to_ascii_uppercase()),
                            );
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > self.best_width && i > 0 && i < len - 1
                {
                    self.write_indent();
                    if chars.peek().is_some_and(|&(_, n)| n == ' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_literal(&mut self, value: &str) {
        self.write_indicator("|", true, false, false);
        // Block scalar header: indentation hint when the text starts with a space or break,
        // then chomping: "-" strips a missing final break, "+" keeps several, none keeps one.
        if value.starts_with(|c: char| c == ' ' || is_break(c)) {
            let hint = if self.v3 { "4" } else { "2" };
            self.write_indicator(hint, false, false, false);
        }
        let mut rev = value.chars().rev();
        let chomp = match (rev.next(), rev.next()) {
            (None, _) => Some("-"),
            (Some(last), _) if !is_break(last) => Some("-"),
            (Some(_), None) => Some("+"),
            (Some(_), Some(prev)) if is_break(prev) => Some("+"),
            _ => None,
        };
        if let Some(chomp) = chomp {
            self.write_indicator(chomp, false, false, false);
        }
        if !self.v3 {
            self.put_break();
            self.indention = true;
        }
        self.whitespace = true;
        let mut breaks = true;
        for c in value.chars() {
            if is_break(c) {
                self.write_break(c);
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}
