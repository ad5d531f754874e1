//! Lexing and parsing the supported subset of Go's `text/template` syntax.
//!
//! Supported: text, actions `{{ … }}` with the trim markers `{{- ` and ` -}}`, comments
//! `{{/* … */}}`, pipelines with `|`, field chains (`.a.b`, `$.a`, `(…).a`, `env.a`), function
//! calls, parenthesised pipelines, string (`"…"`, `` `…` ``), character, number, `true`,
//! `false` and `nil` literals, and `if` / `else` / `else if` / `with` / `end`. Everything else
//! (variables other than `$`, `range`, `define`, `template`, `block`, `break`, `continue`) is a
//! [`TemplateError::Unsupported`] naming it, never a silently different result.

use super::TemplateError;

/// A parsed template: a list of nodes.
pub(crate) type List = Vec<Node>;

/// One node of a template.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    /// Text copied as it is.
    Text(String),
    /// `{{ pipeline }}`: the value is printed.
    Action(Pipeline),
    /// `{{if p}} … {{else}} … {{end}}`.
    If(Pipeline, List, List),
    /// `{{with p}} … {{else}} … {{end}}`: dot is the value inside.
    With(Pipeline, List, List),
}

/// Commands joined by `|`: each command's value is the last argument of the next.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Pipeline(pub Vec<Command>);

/// An operand followed by arguments (a function call) or a single operand.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Command(pub Vec<Operand>);

/// A number literal, as Go's parser reads it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Number {
    /// The value when it is an integer (`3`, `0x10`, `'a'`).
    pub int: Option<i64>,
    /// The value as a float.
    pub float: f64,
    /// Whether it is written as a float (`.`, `e`): such constants are `float64` in Go.
    pub float_syntax: bool,
}

/// One operand of a command.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Operand {
    /// `.`
    Dot,
    /// `.a.b` (fields of dot).
    Field(Vec<String>),
    /// `$` or `$.a.b` (fields of the data the template was executed with).
    Root(Vec<String>),
    /// A function name.
    Function(String),
    /// `(pipeline)`.
    Paren(Box<Pipeline>),
    /// An operand followed by fields: `(…).a`, `env.metadata.name`.
    Chain(Box<Operand>, Vec<String>),
    /// A string literal.
    String(String),
    /// A number or character literal.
    Number(Number),
    /// `true` / `false`.
    Bool(bool),
    /// `nil`.
    Nil,
}

/// Tokens inside an action.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    Dot,
    Field(String),
    Variable(String),
    Ident(String),
    String(String),
    Number(Number),
    Pipe,
    LeftParen,
    RightParen,
    Declare,
    Assign,
    Comma,
    /// Space between tokens: fields only chain onto a term they directly follow.
    Space,
}

/// Parse `text` as a Go template. `is_function` tells which names are functions.
pub(crate) fn parse(text: &str, is_function: &dyn Fn(&str) -> bool) -> Result<List, TemplateError> {
    let items = split(text)?;
    let mut parser = Parser {
        items,
        pos: 0,
        is_function,
    };
    let (list, end) = parser.list()?;
    match end {
        Closer::Eof => Ok(list),
        Closer::End => Err(syntax("unexpected {{end}}")),
        Closer::Else(_) => Err(syntax("unexpected {{else}}")),
    }
}

fn syntax(message: impl Into<String>) -> TemplateError {
    TemplateError::Syntax(message.into())
}

/// A piece of the template: text, or the tokens of one action.
#[derive(Debug)]
enum Item {
    Text(String),
    Action(Vec<Token>),
}

/// Whether `c` is a space for Go's template lexer (trim markers, token separators).
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// Split the template into text and actions, applying trim markers and dropping comments.
fn split(text: &str) -> Result<Vec<Item>, TemplateError> {
    let mut items = Vec::new();
    let mut rest = text;
    let mut trim_next = false;
    loop {
        let Some(open) = rest.find("{{") else {
            push_text(&mut items, rest, trim_next, false);
            return Ok(items);
        };
        let after = &rest[open + 2..];
        // `{{- ` trims the space before the action (the dash must be followed by a space).
        let trim_before = after.starts_with('-') && after[1..].starts_with(is_space);
        push_text(&mut items, &rest[..open], trim_next, trim_before);
        let mut body = if trim_before { &after[2..] } else { after };
        if trim_before {
            body = body.trim_start_matches(is_space);
        }
        if let Some(comment) = body.strip_prefix("/*") {
            let end = comment
                .find("*/")
                .ok_or_else(|| syntax("unclosed comment"))?;
            let after_comment = &comment[end + 2..];
            // The delimiter must follow the comment directly (or ` -}}`).
            let (trim_after, rest_after) = after_comment
                .strip_prefix("}}")
                .map(|r| (false, r))
                .or_else(|| {
                    let mut chars = after_comment.chars();
                    let space = chars.next().filter(|c| is_space(*c))?;
                    after_comment[space.len_utf8()..]
                        .strip_prefix("-}}")
                        .map(|r| (true, r))
                })
                .ok_or_else(|| syntax("comment ends before closing delimiter"))?;
            trim_next = trim_after;
            rest = rest_after;
            continue;
        }
        let (tokens, consumed) = lex_action(body)?;
        let (trim_after, rest_after) =
            close_delim(&body[consumed..]).ok_or_else(|| syntax("unclosed action"))?;
        items.push(Item::Action(tokens));
        trim_next = trim_after;
        rest = rest_after;
    }
}

/// At the end of an action: optional ` -` then `}}`. Returns (trim after, rest of template).
fn close_delim(text: &str) -> Option<(bool, &str)> {
    let trimmed = text.trim_start_matches(is_space);
    if let Some(rest) = trimmed.strip_prefix("-}}") {
        // The dash must follow a space.
        if trimmed.len() < text.len() {
            return Some((true, rest));
        }
        return None;
    }
    trimmed.strip_prefix("}}").map(|rest| (false, rest))
}

fn push_text(items: &mut Vec<Item>, text: &str, trim_start: bool, trim_end: bool) {
    let mut text = text;
    if trim_start {
        text = text.trim_start_matches(is_space);
    }
    if trim_end {
        text = text.trim_end_matches(is_space);
    }
    if !text.is_empty() {
        items.push(Item::Text(text.to_string()));
    }
}

fn is_alnum(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// Lex one action's tokens, up to (not including) its closing delimiter. Returns the tokens
/// and the number of bytes consumed.
fn lex_action(body: &str) -> Result<(Vec<Token>, usize), TemplateError> {
    let mut tokens = Vec::new();
    let mut i = 0;
    let mut depth = 0usize;
    loop {
        let rest = &body[i..];
        let Some(c) = rest.chars().next() else {
            return Err(syntax("unclosed action"));
        };
        if depth == 0 && (rest.starts_with("}}") || (rest.starts_with(" -}}"))) {
            return Ok((tokens, i));
        }
        if is_space(c) {
            // ` -}}` closes the action.
            let trimmed = rest.trim_start_matches(is_space);
            if depth == 0 && (trimmed.starts_with("-}}") || trimmed.starts_with("}}")) {
                return Ok((tokens, i));
            }
            i += rest.len() - trimmed.len();
            if !tokens.is_empty() {
                tokens.push(Token::Space);
            }
            continue;
        }
        match c {
            '|' => {
                tokens.push(Token::Pipe);
                i += 1;
            }
            '(' => {
                tokens.push(Token::LeftParen);
                depth += 1;
                i += 1;
            }
            ')' => {
                if depth == 0 {
                    return Err(syntax("unexpected right paren"));
                }
                depth -= 1;
                tokens.push(Token::RightParen);
                i += 1;
            }
            ',' => {
                tokens.push(Token::Comma);
                i += 1;
            }
            ':' if rest.starts_with(":=") => {
                tokens.push(Token::Declare);
                i += 2;
            }
            '=' => {
                tokens.push(Token::Assign);
                i += 1;
            }
            '"' => {
                let (s, len) = lex_quoted(rest)?;
                tokens.push(Token::String(s));
                i += len;
            }
            '`' => {
                let end = rest[1..]
                    .find('`')
                    .ok_or_else(|| syntax("unterminated raw quoted string"))?;
                tokens.push(Token::String(rest[1..1 + end].replace('\r', "")));
                i += end + 2;
            }
            '\'' => {
                let (n, len) = lex_char(rest)?;
                tokens.push(Token::Number(n));
                i += len;
            }
            '$' => {
                let len = 1 + rest[1..]
                    .find(|c: char| !is_alnum(c))
                    .unwrap_or(rest.len() - 1);
                tokens.push(Token::Variable(rest[..len].to_string()));
                i += len;
            }
            '.' => {
                let next = rest[1..].chars().next();
                if next.is_some_and(|c| c.is_ascii_digit()) {
                    let (n, len) = lex_number(rest)?;
                    tokens.push(Token::Number(n));
                    i += len;
                } else if next.is_some_and(is_alnum) {
                    let len = 1 + rest[1..]
                        .find(|c: char| !is_alnum(c))
                        .unwrap_or(rest.len() - 1);
                    tokens.push(Token::Field(rest[1..len].to_string()));
                    i += len;
                } else {
                    tokens.push(Token::Dot);
                    i += 1;
                }
            }
            '+' | '-' | '0'..='9' => {
                let (n, len) = lex_number(rest)?;
                tokens.push(Token::Number(n));
                i += len;
            }
            c if is_alnum(c) => {
                let len = rest.find(|c: char| !is_alnum(c)).unwrap_or(rest.len());
                tokens.push(Token::Ident(rest[..len].to_string()));
                i += len;
            }
            c => {
                return Err(syntax(format!("unrecognized character in action: {c:?}")));
            }
        }
    }
}

/// A double-quoted Go string literal at the start of `text`: (value, length in bytes).
fn lex_quoted(text: &str) -> Result<(String, usize), TemplateError> {
    let mut out = String::new();
    let mut chars = text.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((out, i + 1)),
            '\n' => break,
            '\\' => {
                let Some((_, e)) = chars.next() else { break };
                match e {
                    'a' => out.push('\u{7}'),
                    'b' => out.push('\u{8}'),
                    'f' => out.push('\u{c}'),
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    'v' => out.push('\u{b}'),
                    '\\' => out.push('\\'),
                    '"' => out.push('"'),
                    'x' | 'u' | 'U' => {
                        let n = match e {
                            'x' => 2,
                            'u' => 4,
                            _ => 8,
                        };
                        let hex: String = (0..n)
                            .filter_map(|_| chars.next().map(|(_, c)| c))
                            .collect();
                        let code = u32::from_str_radix(&hex, 16)
                            .ok()
                            .filter(|_| hex.len() == n)
                            .ok_or_else(|| syntax(format!("bad escape \\{e}{hex} in string")))?;
                        if e == 'x' && code > 0x7f {
                            return Err(TemplateError::Unsupported(
                                "a \\x escape above \\x7f (a raw byte) in a string".to_string(),
                            ));
                        }
                        out.push(
                            char::from_u32(code).ok_or_else(|| {
                                syntax(format!("bad escape \\{e}{hex} in string"))
                            })?,
                        );
                    }
                    other => {
                        return Err(syntax(format!(
                            "unknown escape sequence \\{other} in string"
                        )));
                    }
                }
            }
            c => out.push(c),
        }
    }
    Err(syntax("unterminated quoted string"))
}

/// A character constant `'x'` at the start of `text`.
fn lex_char(text: &str) -> Result<(Number, usize), TemplateError> {
    let end = text[1..]
        .find('\'')
        .ok_or_else(|| syntax("unterminated character constant"))?;
    let inner = &text[1..1 + end];
    let mut chars = inner.chars();
    let c = match (chars.next(), chars.next()) {
        (Some(c), None) if c != '\\' => c,
        _ => {
            return Err(TemplateError::Unsupported(format!(
                "the character constant '{inner}'"
            )));
        }
    };
    let n = c as i64;
    Ok((
        Number {
            int: Some(n),
            float: n as f64,
            float_syntax: false,
        },
        end + 2,
    ))
}

/// A number at the start of `text`: decimal or `0x` integers, decimal floats.
fn lex_number(text: &str) -> Result<(Number, usize), TemplateError> {
    let len = text
        .char_indices()
        .find(|&(i, c)| {
            !(c.is_ascii_alphanumeric()
                || c == '.'
                || c == '_'
                || (i == 0 && (c == '+' || c == '-'))
                || ((c == '+' || c == '-')
                    && matches!(text.as_bytes()[i - 1], b'e' | b'E')
                    && !text[..i].contains(['x', 'X'])))
        })
        .map_or(text.len(), |(i, _)| i);
    let word = &text[..len];
    let bad = || syntax(format!("bad number syntax: {word:?}"));
    let (negative, digits) = match word.as_bytes().first() {
        Some(b'-') => (true, &word[1..]),
        Some(b'+') => (false, &word[1..]),
        _ => (false, word),
    };
    if digits.contains('_') {
        return Err(TemplateError::Unsupported(format!(
            "the number {word:?} (digit separators)"
        )));
    }
    let sign = |v: i64| if negative { -v } else { v };
    if let Some(hex) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        let v = i64::from_str_radix(hex, 16).map_err(|_| bad())?;
        return Ok((int_number(sign(v)), len));
    }
    if digits.is_empty() || !digits.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return Err(bad());
    }
    if digits.bytes().all(|b| b.is_ascii_digit()) {
        if digits.len() > 1 && digits.starts_with('0') {
            return Err(TemplateError::Unsupported(format!(
                "the number {word:?} (octal)"
            )));
        }
        let v: i64 = digits.parse().map_err(|_| bad())?;
        return Ok((int_number(sign(v)), len));
    }
    if digits
        .bytes()
        .any(|b| !(b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-')))
    {
        return Err(bad());
    }
    let f: f64 = word.parse().map_err(|_| bad())?;
    // Go also records an integer value when the float is integral (e.g. `1e3` is 1000).
    let int = (f.fract() == 0.0 && f.abs() < 9.2e18).then_some(f as i64);
    Ok((
        Number {
            int,
            float: f,
            float_syntax: true,
        },
        len,
    ))
}

fn int_number(v: i64) -> Number {
    Number {
        int: Some(v),
        float: v as f64,
        float_syntax: false,
    }
}

/// How a list ended.
enum Closer {
    Eof,
    /// `{{end}}`.
    End,
    /// `{{else}}` or `{{else if …}}` (with the tokens after `else`).
    Else(Vec<Token>),
}

struct Parser<'a> {
    items: Vec<Item>,
    pos: usize,
    is_function: &'a dyn Fn(&str) -> bool,
}

impl Parser<'_> {
    fn list(&mut self) -> Result<(List, Closer), TemplateError> {
        let mut list = Vec::new();
        while self.pos < self.items.len() {
            let item = std::mem::replace(&mut self.items[self.pos], Item::Text(String::new()));
            self.pos += 1;
            match item {
                Item::Text(t) => list.push(Node::Text(t)),
                Item::Action(mut tokens) => {
                    if tokens.last() == Some(&Token::Space) {
                        tokens.pop();
                    }
                    match tokens.first() {
                        Some(Token::Ident(k)) if k == "end" => {
                            if tokens.len() > 1 {
                                return Err(syntax("unexpected tokens after end"));
                            }
                            return Ok((list, Closer::End));
                        }
                        Some(Token::Ident(k)) if k == "else" => {
                            let rest = tokens[1..].iter().skip_while(|t| **t == Token::Space);
                            return Ok((list, Closer::Else(rest.cloned().collect())));
                        }
                        Some(Token::Ident(k)) if k == "if" || k == "with" => {
                            let node = self.control(k == "if", &tokens[1..])?;
                            list.push(node);
                        }
                        Some(Token::Ident(k))
                            if matches!(
                                k.as_str(),
                                "range" | "define" | "template" | "block" | "break" | "continue"
                            ) =>
                        {
                            return Err(TemplateError::Unsupported(format!("{{{{{k}}}}} actions")));
                        }
                        None => return Err(syntax("missing value for command")),
                        _ => list.push(Node::Action(self.pipeline_tokens(&tokens)?)),
                    }
                }
            }
        }
        Ok((list, Closer::Eof))
    }

    /// `if`/`with` with the pipeline `tokens`; reads up to the matching `{{end}}`.
    fn control(&mut self, is_if: bool, tokens: &[Token]) -> Result<Node, TemplateError> {
        let pipe = self.pipeline_tokens(tokens)?;
        let (then, end) = self.list()?;
        let otherwise = match end {
            Closer::Eof => return Err(syntax("unexpected EOF")),
            Closer::End => Vec::new(),
            Closer::Else(rest) if rest.is_empty() => {
                let (otherwise, end) = self.list()?;
                match end {
                    Closer::End => otherwise,
                    _ => return Err(syntax("expected end after else")),
                }
            }
            Closer::Else(rest) => match rest.first() {
                // `{{else if p}}` / `{{else with p}}`: a nested control sharing the `{{end}}`.
                Some(Token::Ident(k)) if (k == "if" && is_if) || (k == "with" && !is_if) => {
                    vec![self.control(k == "if", &rest[1..])?]
                }
                _ => return Err(syntax("unexpected tokens after else")),
            },
        };
        Ok(if is_if {
            Node::If(pipe, then, otherwise)
        } else {
            Node::With(pipe, then, otherwise)
        })
    }

    fn pipeline_tokens(&self, tokens: &[Token]) -> Result<Pipeline, TemplateError> {
        if tokens
            .iter()
            .any(|t| matches!(t, Token::Declare | Token::Assign))
        {
            return Err(TemplateError::Unsupported(
                "variable declarations".to_string(),
            ));
        }
        if tokens.iter().any(|t| matches!(t, Token::Comma)) {
            return Err(syntax("unexpected , in command"));
        }
        let mut pos = 0;
        let pipe = self.pipeline(tokens, &mut pos)?;
        if pos != tokens.len() {
            return Err(syntax("unexpected right paren"));
        }
        Ok(pipe)
    }

    fn pipeline(&self, tokens: &[Token], pos: &mut usize) -> Result<Pipeline, TemplateError> {
        let mut commands = Vec::new();
        loop {
            let mut operands = Vec::new();
            while let Some(t) = tokens.get(*pos) {
                if *t == Token::Space {
                    *pos += 1;
                    continue;
                }
                if matches!(t, Token::Pipe | Token::RightParen) {
                    break;
                }
                operands.push(self.operand(tokens, pos)?);
            }
            if operands.is_empty() {
                return Err(syntax("missing value for command"));
            }
            if !commands.is_empty()
                && matches!(
                    operands[0],
                    Operand::Bool(_)
                        | Operand::Dot
                        | Operand::Nil
                        | Operand::Number(_)
                        | Operand::String(_)
                )
            {
                return Err(syntax(format!(
                    "non executable command in pipeline stage {}",
                    commands.len() + 1
                )));
            }
            commands.push(Command(operands));
            match tokens.get(*pos) {
                Some(Token::Pipe) => *pos += 1,
                _ => return Ok(Pipeline(commands)),
            }
        }
    }

    fn operand(&self, tokens: &[Token], pos: &mut usize) -> Result<Operand, TemplateError> {
        let token = tokens[*pos].clone();
        *pos += 1;
        let term = match token {
            Token::Dot => Operand::Dot,
            Token::Field(name) => {
                let mut fields = vec![name];
                fields.extend(self.fields(tokens, pos));
                return Ok(Operand::Field(fields));
            }
            Token::Variable(name) => {
                if name != "$" {
                    return Err(TemplateError::Unsupported(format!(
                        "the variable {name} (only $ is supported)"
                    )));
                }
                return Ok(Operand::Root(self.fields(tokens, pos)));
            }
            Token::Ident(name) => match name.as_str() {
                "true" => Operand::Bool(true),
                "false" => Operand::Bool(false),
                "nil" => Operand::Nil,
                "if" | "else" | "end" | "with" | "range" | "define" | "template" | "block"
                | "break" | "continue" => {
                    return Err(syntax(format!("unexpected <{name}> in command")));
                }
                _ if (self.is_function)(&name) => Operand::Function(name),
                _ => return Err(TemplateError::UnknownFunction(name)),
            },
            Token::String(s) => Operand::String(s),
            Token::Number(n) => Operand::Number(n),
            Token::LeftParen => {
                let inner = self.pipeline(tokens, pos)?;
                match tokens.get(*pos) {
                    Some(Token::RightParen) => *pos += 1,
                    _ => return Err(syntax("unclosed left paren")),
                }
                Operand::Paren(Box::new(inner))
            }
            Token::Pipe
            | Token::RightParen
            | Token::Declare
            | Token::Assign
            | Token::Comma
            | Token::Space => {
                return Err(syntax("unexpected token in operand"));
            }
        };
        let fields = self.fields(tokens, pos);
        if fields.is_empty() {
            return Ok(term);
        }
        match term {
            Operand::Function(_) | Operand::Paren(_) => Ok(Operand::Chain(Box::new(term), fields)),
            Operand::Dot => Err(syntax("unexpected . after term \".\"")),
            _ => Err(syntax("unexpected field after a literal")),
        }
    }

    /// Field names directly following (`.a.b`).
    fn fields(&self, tokens: &[Token], pos: &mut usize) -> Vec<String> {
        let mut out = Vec::new();
        while let Some(Token::Field(name)) = tokens.get(*pos) {
            out.push(name.clone());
            *pos += 1;
        }
        out
    }
}
