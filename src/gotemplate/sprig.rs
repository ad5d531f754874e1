//! The string functions of Masterminds' sprig that `tk export --format` templates use, with
//! sprig's semantics (sprig 3.x; case conversion as huandu/xstrings does it).
//!
//! Case conversion classifies characters with Go's `unicode` package. tkstep uses Rust's
//! Unicode properties instead, which agree for ASCII and Latin-1 (everything Kubernetes names
//! and kinds are made of); punctuation outside ASCII/Latin-1 and the General Punctuation block
//! is not recognised as such.

use super::value::GoValue;

/// Go's `unicode.IsPunct` for the characters names are made of.
fn is_punct(c: char) -> bool {
    if c.is_ascii() {
        // ASCII punctuation (category P); `$+<=>^`|~` are symbols (category S).
        return c.is_ascii_punctuation()
            && !matches!(c, '$' | '+' | '<' | '=' | '>' | '^' | '`' | '|' | '~');
    }
    matches!(
        c,
        '\u{a1}' | '\u{a7}' | '\u{ab}' | '\u{b6}' | '\u{b7}' | '\u{bb}' | '\u{bf}'
            | '\u{2010}'..='\u{2027}'
            | '\u{2030}'..='\u{2043}'
            | '\u{2045}'..='\u{2051}'
            | '\u{2053}'..='\u{205e}'
            | '\u{3001}'..='\u{3003}'
            | '\u{3008}'..='\u{3011}'
    )
}

/// Go's `unicode.IsSpace`.
fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// xstrings' connectors: `-`, `_` and spaces.
fn is_connector(c: char) -> bool {
    c == '-' || c == '_' || is_space(c)
}

/// Go's `unicode.IsUpper`.
fn is_upper(c: char) -> bool {
    c.is_uppercase()
}

/// xstrings' "alphabet": a letter that is not a CJK ideograph.
fn is_alphabet(c: char) -> bool {
    c.is_alphabetic()
        && !c.is_numeric()
        && !matches!(c,
            '\u{4e00}'..='\u{9fcc}' | '\u{3400}'..='\u{4d85}' | '\u{20000}'..='\u{2b81d}')
}

/// Go's `unicode.ToLower` (simple case mapping: one character to one character).
pub(crate) fn go_to_lower(c: char) -> char {
    if c == '\u{130}' {
        return 'i';
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Go's `unicode.ToUpper` (simple case mapping).
pub(crate) fn go_to_upper(c: char) -> char {
    let mut upper = c.to_uppercase();
    match (upper.next(), upper.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// `strings.ToLower`.
pub(crate) fn lower(s: &str) -> String {
    s.chars().map(go_to_lower).collect()
}

/// `strings.ToUpper`.
pub(crate) fn upper(s: &str) -> String {
    s.chars().map(go_to_upper).collect()
}

/// What a word of a camel-case string is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Word {
    /// Nothing left.
    End,
    Number,
    /// Starts with an upper-case letter (`HTTP`, `Server`).
    Upper,
    /// Lower-case letters.
    Alphabet,
    Connector,
    Punct,
    Other,
}

/// Split off the first word of `s`: (kind, word, rest).
fn next_word(s: &str) -> (Word, &str, &str) {
    let mut chars = s.char_indices().peekable();
    let Some((_, first)) = chars.next() else {
        return (Word::End, "", "");
    };
    // The end of the run of characters (after `first`) that satisfy `keep`.
    let run_end = |from: usize, keep: &dyn Fn(char) -> bool| -> usize {
        s[from..]
            .char_indices()
            .find(|&(_, c)| !keep(c))
            .map_or(s.len(), |(i, _)| from + i)
    };
    let after_first = first.len_utf8();
    let (kind, end) = if is_connector(first) {
        (Word::Connector, run_end(after_first, &is_connector))
    } else if is_punct(first) {
        (Word::Punct, run_end(after_first, &is_punct))
    } else if is_upper(first) {
        match s[after_first..].chars().next() {
            None => (Word::Upper, after_first),
            Some(second) if is_upper(second) => {
                let end = run_end(after_first, &is_upper);
                // `HTTPServer`: the last upper-case letter starts the next word when a letter
                // follows it.
                match s[end..].chars().next() {
                    Some(next) if is_alphabet(next) => {
                        let last = s[..end].chars().next_back().map_or(0, char::len_utf8);
                        (Word::Upper, end - last)
                    }
                    _ => (Word::Upper, end),
                }
            }
            Some(second) if is_alphabet(second) => (
                Word::Upper,
                run_end(after_first, &|c| is_alphabet(c) && !is_upper(c)),
            ),
            Some(_) => (Word::Upper, after_first),
        }
    } else if is_alphabet(first) {
        (
            Word::Alphabet,
            run_end(after_first, &|c| is_alphabet(c) && !is_upper(c)),
        )
    } else if first.is_numeric() {
        (Word::Number, run_end(after_first, &char::is_numeric))
    } else {
        (
            Word::Other,
            run_end(after_first, &|c| {
                !(is_connector(c) || is_alphabet(c) || c.is_numeric() || is_punct(c))
            }),
        )
    };
    (kind, &s[..end], &s[end..])
}

/// Append `word`, lower-cased (upper-case words) or with connectors replaced (connector
/// words), else as it is.
fn push_lower(out: &mut String, kind: Word, word: &str, connector: char) {
    if kind != Word::Upper && kind != Word::Connector {
        out.push_str(word);
        return;
    }
    for c in word.chars() {
        if is_connector(c) {
            out.push(connector);
        } else if is_upper(c) {
            out.push(go_to_lower(c));
        } else {
            out.push(c);
        }
    }
}

/// Whether a connector goes between a word and the following `next` word.
fn separates(next: Word) -> bool {
    !matches!(next, Word::Connector | Word::Punct)
}

/// xstrings' camel case → `connector`-separated lower case (`snakecase`, `kebabcase`).
fn camel_to_lower(s: &str, connector: char) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    let (mut kind, mut word, mut rest) = next_word(s);
    while !rest.is_empty() {
        if kind != Word::Connector {
            push_lower(&mut out, kind, word, connector);
        }
        let (prev, last) = (kind, word);
        (kind, word, rest) = next_word(rest);
        match prev {
            Word::Number => {
                // Letters and digits after a number stay in its word (`2xx`, `2m3s`).
                while matches!(kind, Word::Alphabet | Word::Number) {
                    push_lower(&mut out, kind, word, connector);
                    (kind, word, rest) = next_word(rest);
                }
                if kind != Word::End && separates(kind) {
                    out.push(connector);
                }
            }
            Word::Connector => push_lower(&mut out, prev, last, connector),
            Word::Punct => {}
            _ => {
                if kind != Word::Number {
                    if separates(kind) {
                        out.push(connector);
                    }
                    continue;
                }
                if rest.is_empty() {
                    continue;
                }
                let number = word;
                (kind, word, rest) = next_word(rest);
                if kind != Word::Alphabet {
                    // `Bld4Floor`: the number ends the previous word.
                    push_lower(&mut out, Word::Number, number, connector);
                    if separates(kind) {
                        out.push(connector);
                    }
                    continue;
                }
                // `HTTP2xx`: lower-case letters after the number make it start a new word.
                out.push(connector);
                push_lower(&mut out, Word::Number, number, connector);
                while matches!(kind, Word::Alphabet | Word::Number) {
                    push_lower(&mut out, kind, word, connector);
                    (kind, word, rest) = next_word(rest);
                }
                if kind != Word::End && separates(kind) {
                    out.push(connector);
                }
            }
        }
    }
    push_lower(&mut out, kind, word, connector);
    out
}

/// sprig `snakecase`: `FirstName` → `first_name`, `HTTPServer` → `http_server`,
/// `http2xx` → `http_2xx`, `Bld4Floor3rd` → `bld4_floor_3rd`.
pub(crate) fn snakecase(s: &str) -> String {
    camel_to_lower(s, '_')
}

/// sprig `kebabcase`: as [`snakecase`] with `-`.
pub(crate) fn kebabcase(s: &str) -> String {
    camel_to_lower(s, '-')
}

/// sprig `camelcase`: words separated by `_`, `-` or spaces → `SomeWords`; leading
/// connectors stay, runs of connectors keep all but the last.
pub(crate) fn camelcase(s: &str) -> String {
    let mut chars = s.chars();
    let mut out = String::with_capacity(s.len());
    let mut current = None;
    // Leading connectors are kept.
    for c in chars.by_ref() {
        if !is_connector(c) {
            current = Some(go_to_upper(c));
            break;
        }
        out.push(c);
    }
    let Some(mut r0) = current else {
        return out;
    };
    for c in chars {
        let r1 = r0;
        r0 = c;
        if is_connector(r0) && is_connector(r1) {
            out.push(r1);
            continue;
        }
        if is_connector(r1) {
            r0 = go_to_upper(r0);
        } else {
            r0 = go_to_lower(r0);
            out.push(r1);
        }
    }
    out.push(r0);
    out
}

/// sprig `trunc`: the first `n` bytes (the last `-n` when negative). `None` when the cut
/// would split a character (Go would write half of it).
pub(crate) fn trunc(n: i64, s: &str) -> Option<String> {
    let len = s.len() as i64;
    let cut = if n < 0 && len + n > 0 {
        s.get((len + n) as usize..)?
    } else if n >= 0 && len > n {
        s.get(..n as usize)?
    } else {
        s
    };
    Some(cut.to_string())
}

/// sprig's `empty`: nothing, nil, false, zero, or an empty string/map/slice.
pub(crate) fn empty(v: &GoValue) -> bool {
    !v.truth()
}

/// sprig's `strval` (`toString`, `quote`): strings as they are, anything else as `%v`.
pub(crate) fn strval(v: &GoValue) -> String {
    match v {
        GoValue::String(s) => s.clone(),
        v => super::value::sprint(std::slice::from_ref(v)),
    }
}

/// Go's `strings.Trim(s, cutset)`.
pub(crate) fn trim_cutset(s: &str, cutset: &str) -> String {
    s.trim_matches(|c| cutset.contains(c)).to_string()
}

/// Go's `strings.TrimSpace`.
pub(crate) fn trim_space(s: &str) -> String {
    s.trim_matches(is_space).to_string()
}

/// goutils' `DeleteWhiteSpace` (sprig `nospace`).
pub(crate) fn nospace(s: &str) -> String {
    s.chars().filter(|c| !is_space(*c)).collect()
}

/// sprig functions tkstep does not implement: naming one is an error saying so (instead of
/// Go's "function not defined").
pub(crate) const NOT_IMPLEMENTED: &[&str] = &[
    "abbrev",
    "abbrevboth",
    "add",
    "add1",
    "adler32sum",
    "ago",
    "all",
    "any",
    "append",
    "atoi",
    "b32dec",
    "b32enc",
    "b64dec",
    "b64enc",
    "base",
    "bcrypt",
    "biggest",
    "buildCustomCert",
    "cat",
    "ceil",
    "chunk",
    "clean",
    "compact",
    "concat",
    "date",
    "dateInZone",
    "dateModify",
    "decryptAES",
    "deepCopy",
    "deepEqual",
    "derivePassword",
    "dict",
    "dig",
    "dir",
    "div",
    "duration",
    "durationRound",
    "encryptAES",
    "expandenv",
    "ext",
    "fail",
    "first",
    "float64",
    "floor",
    "fromJson",
    "genCA",
    "genPrivateKey",
    "genSelfSignedCert",
    "genSignedCert",
    "get",
    "getHostByName",
    "has",
    "hasKey",
    "htmlDate",
    "htmlDateInZone",
    "indent",
    "initial",
    "initials",
    "int",
    "int64",
    "isAbs",
    "join",
    "kindIs",
    "kindOf",
    "keys",
    "last",
    "list",
    "max",
    "merge",
    "mergeOverwrite",
    "min",
    "mod",
    "mul",
    "mustRegexFind",
    "nindent",
    "now",
    "omit",
    "osBase",
    "osClean",
    "osDir",
    "osExt",
    "osIsAbs",
    "pick",
    "pluck",
    "plural",
    "prepend",
    "randAlpha",
    "randAlphaNum",
    "randAscii",
    "randBytes",
    "randInt",
    "randNumeric",
    "regexFind",
    "regexFindAll",
    "regexMatch",
    "regexQuoteMeta",
    "regexReplaceAll",
    "regexReplaceAllLiteral",
    "regexSplit",
    "rest",
    "reverse",
    "round",
    "semver",
    "semverCompare",
    "set",
    "seq",
    "sha1sum",
    "sha256sum",
    "shuffle",
    "slice",
    "sortAlpha",
    "split",
    "splitList",
    "splitn",
    "sub",
    "swapcase",
    "ternary",
    "title",
    "toDate",
    "toJson",
    "toPrettyJson",
    "toRawJson",
    "toStrings",
    "typeIs",
    "typeIsLike",
    "typeOf",
    "uniq",
    "unixEpoch",
    "unset",
    "untitle",
    "until",
    "untilStep",
    "urlJoin",
    "urlParse",
    "uuidv4",
    "values",
    "without",
    "wrap",
    "wrapWith",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snakecase_follows_xstrings_examples() {
        for (input, want) in [
            ("FirstName", "first_name"),
            ("HTTPServer", "http_server"),
            ("NoHTTPS", "no_https"),
            ("GO_PATH", "go_path"),
            ("GO PATH", "go_path"),
            ("GO-PATH", "go_path"),
            ("http2xx", "http_2xx"),
            ("HTTP20xOK", "http_20x_ok"),
            ("Duration2m3s", "duration_2m3s"),
            ("Bld4Floor3rd", "bld4_floor_3rd"),
            ("", ""),
        ] {
            assert_eq!(snakecase(input), want, "{input}");
        }
        assert_eq!(kebabcase("HTTPServer"), "http-server");
        assert_eq!(camelcase("some_words"), "SomeWords");
        assert_eq!(camelcase("_complex__case_"), "_Complex_Case_");
    }

    #[test]
    fn trunc_cuts_bytes() {
        assert_eq!(trunc(3, "abcdef").as_deref(), Some("abc"));
        assert_eq!(trunc(-2, "abcdef").as_deref(), Some("ef"));
        assert_eq!(trunc(10, "abc").as_deref(), Some("abc"));
        assert_eq!(trunc(1, "éa"), None);
    }
}
