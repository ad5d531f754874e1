//! Control characters in names shown to people (messages, diff headers): escaped, so that a
//! name holding a newline, a NUL or an escape sequence cannot forge lines or recolour a
//! terminal.

use std::borrow::Cow;
use std::fmt::Write as _;

/// `text` with every control character (C0, DEL, C1) escaped: `\n`, `\r`, `\t`, `\0`, else
/// `\u{1b}`. Text without any is borrowed as is.
pub fn control(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::control;

    #[test]
    fn escapes_control_characters_only() {
        assert_eq!(control("ingester-zone-a"), "ingester-zone-a");
        assert_eq!(
            control("a\nb\0c\td\u{1b}[31m\u{7f}é"),
            "a\\nb\\0c\\td\\u{1b}[31m\\u{7f}é"
        );
    }
}
