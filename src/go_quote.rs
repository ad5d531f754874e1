//! Go's `strconv.Quote` (what `%q` and `%#v` print for a string), shared by the error texts
//! that quote user input the way Tanka and yaml.v3 do.

/// Go's `strconv.Quote`: `s` double-quoted, with `\"`, `\\`, the C escapes (`\a`, `\n`, ...),
/// `\xHH` for other ASCII controls and `\uHHHH` / `\UHHHHHHHH` for characters Go does not
/// count as printable (controls, spaces other than U+0020, format characters, private use).
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{07}' => out.push_str("\\a"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{0b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if !is_go_printable(c) => {
                if (c as u32) < 0x10000 {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An approximation of Go's `strconv.IsPrint`: everything except
/// controls, spaces other than U+0020, the common format characters (Cf) and private use.
/// (Unassigned code points, which Go also escapes, are not recognised.)
fn is_go_printable(c: char) -> bool {
    c == ' '
        || !(c.is_control()
            || c.is_whitespace()
            || matches!(
                c,
                '\u{AD}'
                    | '\u{600}'..='\u{605}'
                    | '\u{61C}'
                    | '\u{6DD}'
                    | '\u{70F}'
                    | '\u{180E}'
                    | '\u{200B}'..='\u{200F}'
                    | '\u{202A}'..='\u{202E}'
                    | '\u{2060}'..='\u{2064}'
                    | '\u{2066}'..='\u{206F}'
                    | '\u{E000}'..='\u{F8FF}'
                    | '\u{FEFF}'
                    | '\u{FFF9}'..='\u{FFFB}'
                    | '\u{F0000}'..
            ))
}

#[cfg(test)]
mod tests {
    use super::go_quote;

    #[test]
    fn escapes_like_strconv_quote() {
        assert_eq!(go_quote("plain/path x"), r#""plain/path x""#);
        assert_eq!(go_quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(go_quote("tab\there\n\u{7}"), r#""tab\there\n\a""#);
        assert_eq!(go_quote("\u{1}\u{7f}"), r#""\x01\x7f""#);
        assert_eq!(go_quote("é\u{a0}\u{85}"), "\"é\\u00a0\\u0085\"");
        assert_eq!(go_quote("\u{200b}\u{e000}😀"), "\"\\u200b\\ue000😀\"");
    }
}
