//! Terminal colours for diff text, as Tanka's `term.Colordiff` applies them.

use anstyle::{AnsiColor, Style};

const ADDED: Style = AnsiColor::Green.on_default();
const REMOVED: Style = AnsiColor::Red.on_default();
const FILE_HEADER: Style = AnsiColor::Blue.on_default().bold();
const HUNK_HEADER: Style = AnsiColor::Magenta.on_default().bold();

/// The style of one diff line (without its newline), `None` for plain lines.
fn line_style(line: &str) -> Option<Style> {
    if line.starts_with('+') {
        Some(ADDED)
    } else if line.starts_with('-') {
        Some(REMOVED)
    } else if line.starts_with("diff -u -N") {
        Some(FILE_HEADER)
    } else if line.starts_with('@') {
        Some(HUNK_HEADER)
    } else {
        None
    }
}

/// Colour unified diff text with ANSI escape codes.
///
/// Line by line: a line starting with `+` is green and one starting with `-` is red (this
/// includes the `+++`/`---` file lines), a line starting with `diff -u -N` is bold blue, a line
/// starting with `@` is bold magenta, anything else is left plain. Each coloured line ends with
/// a reset before its newline. Whether to colour at all (`--color auto|always|never`, `NO_COLOR`,
/// TTY detection) is the caller's decision.
pub(crate) fn colorize(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    for line in text.split_inclusive('\n') {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        match line_style(body) {
            Some(style) => {
                out.push_str(&format!("{style}{body}{style:#}{newline}"));
            }
            None => out.push_str(line),
        }
    }
    out
}

/// `text` in `style` when `enabled` and non-empty, else as is (for the diffstat bar).
pub(crate) fn paint(text: &str, style: Style, enabled: bool) -> String {
    if enabled && !text.is_empty() {
        format!("{style}{text}{style:#}")
    } else {
        text.to_owned()
    }
}

/// Style of the diffstat's `+` run.
pub(crate) const STAT_ADDED: Style = ADDED;
/// Style of the diffstat's `-` run.
pub(crate) const STAT_REMOVED: Style = REMOVED;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_by_first_characters() {
        let text = "diff -u -N a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n c\n";
        let out = colorize(text);
        assert_eq!(
            out,
            "\x1b[1m\x1b[34mdiff -u -N a/x b/x\x1b[0m\n\
             \x1b[31m--- a/x\x1b[0m\n\
             \x1b[32m+++ b/x\x1b[0m\n\
             \x1b[1m\x1b[35m@@ -1 +1 @@\x1b[0m\n\
             \x1b[31m-a\x1b[0m\n\
             \x1b[32m+b\x1b[0m\n \
             c\n"
        );
        assert_eq!(colorize("no newline"), "no newline");
        assert_eq!(colorize(""), "");
    }
}
