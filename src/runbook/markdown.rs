//! The runbook as Markdown (CommonMark).

use std::fmt::Write as _;

use super::Runbook;
use super::layout::{Doc, Item, Lang, Lead, Mark, Sub, layout};

/// Escape prose so Markdown shows it literally (`*`, `<`, `|`, brackets, backslashes).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '<' | '>' | '|' | '[' | ']' | '`' | '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `text` as an inline code span (fenced with more backticks than it contains).
pub fn code(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// A fenced code block.
fn block(out: &mut String, lang: &str, lines: &[String]) {
    let body = lines.join("\n");
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat((longest + 1).max(3));
    let _ = writeln!(out, "{fence}{lang}\n{body}\n{fence}\n");
}

/// The Markdown [`Doc`] writer.
#[derive(Default)]
struct Markdown {
    out: String,
}

impl Markdown {
    /// `items` as list lines indented by `indent`.
    fn items(&mut self, indent: &str, ordered: bool, items: &[Item]) {
        for (n, item) in items.iter().enumerate() {
            let marker = if ordered {
                format!("{}. ", n + 1)
            } else {
                "- ".to_string()
            };
            let _ = writeln!(self.out, "{indent}{marker}{}", item.text);
            let inner = format!("{indent}  ");
            match &item.sub {
                Sub::Nothing => {}
                Sub::List(items) => self.items(&inner, false, items),
                Sub::Code(lang, lines) => {
                    self.out.push('\n');
                    let mut b = String::new();
                    block(&mut b, lang_name(*lang), lines);
                    for line in b.lines() {
                        if !line.is_empty() {
                            self.out.push_str(&inner);
                        }
                        self.out.push_str(line);
                        self.out.push('\n');
                    }
                }
                Sub::FromTo(rows) => {
                    for [what, from, to] in rows {
                        let _ = writeln!(self.out, "{inner}- {what}: {from} → {to}");
                    }
                }
            }
        }
    }
}

fn lang_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Shell => "sh",
        Lang::Promql => "promql",
        Lang::Timeline => "text",
    }
}

impl Doc for Markdown {
    fn text(&self, text: &str) -> String {
        escape(text)
    }
    fn code(&self, text: &str) -> String {
        code(text)
    }
    fn mark(&self, mark: Mark, inline: &str) -> String {
        match mark {
            Mark::Strong | Mark::Label(_) => format!("**{inline}**"),
            Mark::Tint(_) | Mark::HtmlStrong => inline.to_string(),
            Mark::Quote => format!("\"{inline}\""),
            Mark::Kind => format!(" ({inline})"),
        }
    }
    fn link(&self, _anchor: &str, inline: &str) -> String {
        inline.to_string()
    }

    fn begin(&mut self, _title: &str) {}
    fn finish(self) -> String {
        self.out
    }
    fn begin_section(&mut self, _anchor: &str) {}
    fn end_section(&mut self) {}
    fn heading(&mut self, level: u8, inline: &str) {
        let hashes = "#".repeat(level.into());
        let _ = writeln!(self.out, "{hashes} {inline}\n");
    }
    fn title(&mut self, title: &str, lead: Lead) {
        let _ = match lead {
            Lead::None => writeln!(self.out, "**{title}:**\n"),
            Lead::Quiet => writeln!(self.out, "{title}:\n"),
            Lead::Follows(text) => writeln!(self.out, "**{title}** {text}\n"),
            Lead::Counts(text) => writeln!(self.out, "**{title}:** {text}\n"),
            Lead::Aside(text) => writeln!(self.out, "**{title}** ({text}):\n"),
        };
    }
    fn paragraph(&mut self, _class: &str, inline: &str) {
        let _ = writeln!(self.out, "{inline}\n");
    }
    fn list(&mut self, ordered: bool, items: &[Item]) {
        self.items("", ordered, items);
        self.out.push('\n');
    }
    fn code_block(&mut self, lang: Lang, lines: &[String]) {
        block(&mut self.out, lang_name(lang), lines);
    }
    fn table(&mut self, header: &[&str], rows: &[Vec<String>]) {
        let _ = writeln!(self.out, "| {} |", header.join(" | "));
        let _ = writeln!(self.out, "|{}", "---|".repeat(header.len()));
        for row in rows {
            let _ = writeln!(self.out, "| {} |", row.join(" | "));
        }
        self.out.push('\n');
    }
    fn boxed(&mut self, _class: &str, sentences: &[String], ordered: bool, items: &[Item]) {
        self.paragraph("", &sentences.join("\n"));
        if !items.is_empty() {
            self.list(ordered, items);
        }
    }
}

/// Write `runbook` as Markdown.
pub fn render(runbook: &Runbook) -> String {
    layout(runbook, Markdown::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape("a|b *c* <d>"), r"a\|b \*c\* \<d\>");
        assert_eq!(code("x"), "`x`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`a"), "`` `a ``");
    }
}
