//! Scalar analysis shared by the yaml.v2 and yaml.v3 emitters: which styles (plain, single-
//! quoted, literal block) a value allows, as libyaml's `analyze_scalar` decides, plus the
//! character classes the emitters test.

/// Requested or final presentation of a scalar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
}

/// What `analyze_scalar` found out about a value.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Analysis {
    pub multiline: bool,
    pub block_plain_allowed: bool,
    pub single_quoted_allowed: bool,
    pub block_allowed: bool,
}

/// A line break as YAML 1.1 defines them (CR, LF, NEL, LS, PS).
pub(crate) fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// libyaml's `is_printable` (in UTF-8 terms): LF, printable ASCII, and the BMP outside the C1
/// controls, surrogates, BOM and the two non-characters. Everything beyond the BMP is "not
/// printable", so emoji get `\U` escapes.
pub(crate) fn is_printable(c: char) -> bool {
    matches!(c, '\n' | '\u{20}'..='\u{7E}' | '\u{A0}'..='\u{D7FF}')
        || (('\u{E000}'..='\u{FFFD}').contains(&c) && c != '\u{FEFF}')
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// Analyse `value` (yaml.v3 additionally treats tabs apart: they forbid plain and single-quoted
/// styles but not literal blocks).
pub(crate) fn analyze(value: &str, v3: bool) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let mut block_indicators = value.starts_with("---") || value.starts_with("...");
    let mut line_breaks = false;
    let mut special_characters = false;
    let mut tab_characters = false;
    let mut leading_space = false;
    let mut leading_break = false;
    let mut trailing_space = false;
    let mut trailing_break = false;
    let mut break_space = false;
    let mut space_break = false;
    let mut preceded_by_whitespace = true;
    let mut previous_space = false;
    let mut previous_break = false;

    let mut chars = value.chars().peekable();
    let mut first = true;
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let last = next.is_none();
        let followed_by_whitespace = next.is_none_or(is_blank);
        if first {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_indicators = true,
                '?' | ':' | '-' if followed_by_whitespace => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_whitespace => block_indicators = true,
                '#' if preceded_by_whitespace => block_indicators = true,
                _ => {}
            }
        }
        if v3 && c == '\t' {
            tab_characters = true;
        } else if !is_printable(c) {
            special_characters = true;
        }
        if c == ' ' {
            leading_space |= first;
            trailing_space |= last;
            break_space |= previous_break;
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            line_breaks = true;
            leading_break |= first;
            trailing_break |= last;
            space_break |= previous_space;
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blank(c) || is_break(c) || c == '\0';
        first = false;
    }

    let mut a = Analysis {
        multiline: line_breaks,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || tab_characters || special_characters {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special_characters {
        a.block_allowed = false;
    }
    if line_breaks || block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

/// The final style for a scalar requested as `style` (libyaml's `select_scalar_style`, block
/// context only: tkstep never writes non-empty flow collections).
pub(crate) fn select_style(style: Style, a: &Analysis, empty: bool, simple_key: bool) -> Style {
    let mut style = style;
    if simple_key && a.multiline {
        style = Style::DoubleQuoted;
    }
    if style == Style::Plain && (!a.block_plain_allowed || (empty && simple_key)) {
        style = Style::SingleQuoted;
    }
    if style == Style::SingleQuoted && !a.single_quoted_allowed {
        style = Style::DoubleQuoted;
    }
    if style == Style::Literal && (!a.block_allowed || simple_key) {
        style = Style::DoubleQuoted;
    }
    style
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indicators_and_spaces_forbid_plain() {
        for s in [
            "- a", ": a", "a: b", "a #b", "#a", "'q'", "\"q\"", " lead", "trail ", "---x",
        ] {
            assert!(!analyze(s, false).block_plain_allowed, "{s:?}");
        }
        for s in ["a-b", "a:b", "a#b", "-1", "it's", "a\"b", "3.3.13", "é"] {
            assert!(analyze(s, false).block_plain_allowed, "{s:?}");
        }
    }

    #[test]
    fn special_characters_force_double_quotes() {
        for s in ["a\tb", "😀", "a\u{7f}", "\u{feff}x", "a\rb"] {
            let a = analyze(s, false);
            assert_eq!(
                select_style(Style::Plain, &a, false, false),
                Style::DoubleQuoted,
                "{s:?}"
            );
        }
        // yaml.v3 still allows a literal block with tabs.
        assert!(analyze("a\tb\nc", true).block_allowed);
        assert!(!analyze("a\tb\nc", false).block_allowed);
    }
}
