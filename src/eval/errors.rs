//! Rendering jrsonnet errors as one readable message with `file:line:column` locations.
//!
//! File paths are shown relative to the current working directory (absolute when the file is
//! outside it), like compilers do; virtual sources (overlays, ext code, `tk`) by their name.
//! The stack trace (innermost frame first) shows runs of an identical frame once with a count,
//! and is cut after [`MAX_FRAMES`] lines.

use std::fmt::Write as _;

use jrsonnet_evaluator::error::ErrorKind;
use jrsonnet_evaluator::trace::PathResolver;
use jrsonnet_evaluator::{Error, SourceVirtual, Span, analyze::DiagLevel};

/// Frames shown before the rest of a trace is summarised.
pub const MAX_FRAMES: usize = 10;

/// Render `err` (message, locations, truncated trace). `max_stack` is quoted on stack overflow.
pub(crate) fn render(err: &Error, max_stack: usize) -> String {
    let resolver = PathResolver::new_cwd_fallback();
    let mut out = String::new();
    match err.error() {
        ErrorKind::StackOverflow => {
            let _ = write!(
                out,
                "stack overflow: maximum stack depth of {max_stack} exceeded (infinite recursion?)"
            );
        }
        ErrorKind::ImportBadFileUtf8(path) => {
            let name = match path.path() {
                Some(p) => resolver.resolve(p),
                None => path.to_string(),
            };
            let _ = write!(out, "{name}: {}", not_utf8(path.path()));
        }
        ErrorKind::InfiniteRecursionDetected => {
            out.push_str("infinite recursion detected: a value depends on itself");
        }
        ErrorKind::ImportSyntaxError { path, error } => {
            let end = error.location.2.max(error.location.1);
            let at = Span(path.clone(), error.location.1, end);
            let _ = write!(
                out,
                "syntax error: {}\n    {}",
                error.message,
                location(&at, &resolver)
            );
        }
        ErrorKind::StaticAnalysisError(diagnostics) => {
            out.push_str("static analysis error");
            for d in diagnostics.iter().filter(|d| d.level == DiagLevel::Error) {
                match &d.span {
                    Some(span) => {
                        let _ = write!(out, "\n    {}: {}", location(span, &resolver), d.message);
                    }
                    None => {
                        let _ = write!(out, "\n    {}", d.message);
                    }
                }
            }
        }
        other => {
            let _ = write!(out, "{other}");
        }
    }
    let mut lines: Vec<String> = err
        .trace()
        .0
        .iter()
        .map(|frame| match &frame.location {
            Some(span) => format!("{}: {}", location(span, &resolver), frame.desc),
            None => frame.desc.clone(),
        })
        .collect();
    if let ErrorKind::ImportSyntaxError { .. } = err.error() {
        // jrsonnet repeats the syntax error location as a "parse imported" frame.
        lines.retain(|l| !l.ends_with(": parse imported"));
    }
    // Deep recursion repeats the same frame hundreds of times: show it once with a count.
    let mut collapsed: Vec<(String, usize)> = Vec::new();
    for line in lines {
        match collapsed.last_mut() {
            Some((last, n)) if *last == line => *n += 1,
            _ => collapsed.push((line, 1)),
        }
    }
    for (line, n) in collapsed.iter().take(MAX_FRAMES) {
        let _ = write!(out, "\n    {line}");
        if *n > 1 {
            let _ = write!(out, " ({n} times)");
        }
    }
    if collapsed.len() > MAX_FRAMES {
        let rest: usize = collapsed[MAX_FRAMES..].iter().map(|(_, n)| n).sum();
        let _ = write!(out, "\n    ... {rest} more frames");
    }
    out
}

/// Where a file stops being UTF-8: `not valid UTF-8: invalid byte 0xFF at byte offset 7
/// (line 1)` (the file is read again; it was read moments ago).
fn not_utf8(file: Option<&std::path::Path>) -> String {
    let bytes =
        file.and_then(|f| crate::input::read_regular(f, crate::input::MAX_SOURCE_BYTES).ok());
    let Some(bytes) = bytes else {
        return "not valid UTF-8".to_string();
    };
    let Err(e) = std::str::from_utf8(&bytes) else {
        return "not valid UTF-8".to_string();
    };
    let at = e.valid_up_to();
    let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    format!(
        "not valid UTF-8: invalid byte 0x{:02X} at byte offset {at} (line {line})",
        bytes[at]
    )
}

/// `file:line:col`, `file:line:col-endcol` or `file:line:col-endline:endcol`.
pub(crate) fn location(span: &Span, resolver: &PathResolver) -> String {
    let source = span.0.source_path();
    let name = match source.path() {
        Some(p) => resolver.resolve(p),
        None => match source.downcast_ref::<SourceVirtual>() {
            Some(v) => v.0.to_string(),
            None => source.to_string(),
        },
    };
    let [start, end] = span.0.map_source_locations(&[span.1, span.2]);
    // Span ends are exclusive.
    let end_col = end.column.saturating_sub(1);
    if start.line == end.line {
        if end_col <= start.column {
            format!("{name}:{}:{}", start.line, start.column)
        } else {
            format!("{name}:{}:{}-{}", start.line, start.column, end_col)
        }
    } else {
        format!(
            "{name}:{}:{}-{}:{}",
            start.line, start.column, end.line, end_col
        )
    }
}
