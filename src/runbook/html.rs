//! The runbook as one self-contained HTML file: inline CSS, no scripts, no external resources;
//! every piece of text is escaped.

use std::fmt::Write as _;

use super::Runbook;
use super::layout::{Doc, Item, Lang, Lead, Mark, Sub, layout};

/// Escape text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
:root { --fg: #1d232b; --muted: #5b6673; --line: #d6dbe1; --bg: #ffffff; --panel: #f4f6f8;
  --accent: #2f6fd6; --warn: #a15c00; --err: #b3261e; --ok: #1f7a3a; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.5 -apple-system, 'Segoe UI', 'DejaVu Sans', Helvetica, Arial, sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 32px 64px; }
h1 { font-size: 26px; margin: 0 0 8px; }
h2 { font-size: 20px; margin: 36px 0 8px; padding-top: 12px; border-top: 2px solid var(--line); }
h3 { font-size: 15px; margin: 16px 0 6px; text-transform: uppercase; letter-spacing: .04em;
  color: var(--muted); }
p.lead { color: var(--muted); }
code, pre { font-family: 'DejaVu Sans Mono', Menlo, Consolas, monospace; font-size: 13px; }
code { background: var(--panel); padding: 1px 4px; border-radius: 3px; }
pre { background: #101820; color: #e6edf3; padding: 12px 14px; border-radius: 6px;
  overflow-x: auto; white-space: pre; }
pre.promql { background: #18243a; }
pre.timeline { background: var(--panel); color: var(--fg); border: 1px solid var(--line); }
table { border-collapse: collapse; margin: 8px 0 16px; }
th, td { border: 1px solid var(--line); padding: 4px 10px; text-align: left; vertical-align: top; }
th { background: var(--panel); }
.kind { display: inline-block; font-size: 12px; padding: 1px 8px; border-radius: 10px;
  background: var(--panel); border: 1px solid var(--line); color: var(--muted);
  vertical-align: middle; margin-left: 6px; }
.kind.config { color: var(--accent); border-color: var(--accent); }
.box { border-left: 4px solid var(--accent); background: var(--panel); padding: 8px 14px;
  margin: 12px 0; border-radius: 0 6px 6px 0; }
.box.shutdown { border-color: var(--err); }
.box.wait { border-color: var(--warn); }
.sev-error { color: var(--err); font-weight: 600; }
.sev-warning { color: var(--warn); font-weight: 600; }
.sev-info { color: var(--muted); font-weight: 600; }
.roll { color: var(--err); font-weight: 600; }
.counts { color: var(--muted); }
ul { margin: 4px 0 8px; padding-left: 22px; }
";

/// The HTML [`Doc`] writer.
#[derive(Default)]
struct Html {
    out: String,
}

impl Html {
    fn items(&mut self, ordered: bool, items: &[Item]) {
        let tag = if ordered { "ol" } else { "ul" };
        let _ = write!(self.out, "<{tag}>");
        for item in items {
            let _ = write!(self.out, "<li>{}", item.text);
            match &item.sub {
                Sub::Nothing => {}
                Sub::List(items) => self.items(false, items),
                Sub::Code(lang, lines) => self.code_block(*lang, lines),
                Sub::FromTo(rows) => {
                    let rows: Vec<Vec<String>> = rows.iter().map(|r| r.to_vec()).collect();
                    self.table(&["workload", "before", "after"], &rows);
                }
            }
            self.out.push_str("</li>\n");
        }
        let _ = write!(self.out, "</{tag}>");
    }
}

impl Doc for Html {
    fn text(&self, text: &str) -> String {
        escape(text)
    }
    fn code(&self, text: &str) -> String {
        format!("<code>{}</code>", escape(text))
    }
    fn mark(&self, mark: Mark, inline: &str) -> String {
        match mark {
            Mark::Strong | Mark::HtmlStrong => format!("<strong>{inline}</strong>"),
            Mark::Label(class) | Mark::Tint(class) => {
                format!("<span class=\"{class}\">{inline}</span>")
            }
            Mark::Quote => format!("“{inline}”"),
            Mark::Kind => format!("<span class=\"kind {inline}\">{inline}</span>"),
        }
    }
    fn link(&self, anchor: &str, inline: &str) -> String {
        format!("<a href=\"#{}\">{inline}</a>", escape(anchor))
    }

    fn begin(&mut self, title: &str) {
        let _ = writeln!(
            self.out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>",
            escape(title)
        );
    }
    fn finish(mut self) -> String {
        self.out.push_str("</main>\n</body>\n</html>\n");
        self.out
    }
    fn begin_section(&mut self, anchor: &str) {
        let _ = write!(self.out, "<section id=\"{}\">", escape(anchor));
    }
    fn end_section(&mut self) {
        self.out.push_str("</section>\n");
    }
    fn heading(&mut self, level: u8, inline: &str) {
        let _ = writeln!(self.out, "<h{level}>{inline}</h{level}>");
    }
    fn title(&mut self, title: &str, lead: Lead) {
        let _ = write!(self.out, "<h3>{}</h3>", escape(title));
        match lead {
            Lead::None | Lead::Quiet => {}
            Lead::Follows(text) => self.paragraph("", text),
            Lead::Counts(text) => self.paragraph("counts", text),
            Lead::Aside(text) => self.paragraph("", &format!("{text}.")),
        }
    }
    fn paragraph(&mut self, class: &str, inline: &str) {
        if class.is_empty() {
            let _ = writeln!(self.out, "<p>{inline}</p>");
        } else {
            let _ = writeln!(self.out, "<p class=\"{class}\">{inline}</p>");
        }
    }
    fn list(&mut self, ordered: bool, items: &[Item]) {
        self.items(ordered, items);
        self.out.push('\n');
    }
    fn code_block(&mut self, lang: Lang, lines: &[String]) {
        let class = match lang {
            Lang::Shell => "sh",
            Lang::Promql => "promql",
            Lang::Timeline => "timeline",
        };
        let _ = writeln!(
            self.out,
            "<pre class=\"{class}\">{}</pre>",
            escape(&lines.join("\n"))
        );
    }
    fn table(&mut self, header: &[&str], rows: &[Vec<String>]) {
        self.out.push_str("<table><tr>");
        for h in header {
            let _ = write!(self.out, "<th>{}</th>", escape(h));
        }
        self.out.push_str("</tr>\n");
        for row in rows {
            self.out.push_str("<tr>");
            for cell in row {
                let _ = write!(self.out, "<td>{cell}</td>");
            }
            self.out.push_str("</tr>\n");
        }
        self.out.push_str("</table>\n");
    }
    fn boxed(&mut self, class: &str, sentences: &[String], ordered: bool, items: &[Item]) {
        let _ = write!(
            self.out,
            "<div class=\"box {class}\">{}",
            sentences.join(" ")
        );
        if !items.is_empty() {
            self.items(ordered, items);
        }
        self.out.push_str("</div>\n");
    }
}

/// Write `runbook` as a self-contained HTML document.
pub fn render(runbook: &Runbook) -> String {
    layout(runbook, Html::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
