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

use super::{SourceLocation, TraceFrame};

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

/// Where `err` happened, as precisely as jrsonnet says: a syntax error's position, the first
/// located static-analysis error, else the innermost located trace frame.
pub(crate) fn primary_location(err: &Error) -> Option<SourceLocation> {
    let resolver = PathResolver::new_cwd_fallback();
    match err.error() {
        ErrorKind::ImportSyntaxError { path, error } => {
            let at = Span(path.clone(), error.location.1, error.location.2);
            return Some(source_location(&at, &resolver));
        }
        ErrorKind::StaticAnalysisError(diagnostics) => {
            if let Some(span) = diagnostics
                .iter()
                .filter(|d| d.level == DiagLevel::Error)
                .find_map(|d| d.span.as_ref())
            {
                return Some(source_location(span, &resolver));
            }
        }
        _ => {}
    }
    err.trace()
        .0
        .iter()
        .find_map(|f| f.location.as_ref())
        .map(|span| source_location(span, &resolver))
}

/// The Jsonnet stack trace of `err`, innermost frame first, every frame (none collapsed).
pub(crate) fn frames(err: &Error) -> Vec<TraceFrame> {
    let resolver = PathResolver::new_cwd_fallback();
    err.trace()
        .0
        .iter()
        .map(|frame| TraceFrame {
            location: frame
                .location
                .as_ref()
                .map(|span| source_location(span, &resolver)),
            description: frame.desc.clone(),
        })
        .collect()
}

/// The start of `span`, with its file named as in messages.
fn source_location(span: &Span, resolver: &PathResolver) -> SourceLocation {
    let [start] = span.0.map_source_locations(&[span.1]);
    SourceLocation {
        file: file_name(span, resolver),
        line: start.line,
        column: start.column,
    }
}

/// The file of `span`: relative to the working directory, or a virtual source's name.
fn file_name(span: &Span, resolver: &PathResolver) -> String {
    let source = span.0.source_path();
    match source.path() {
        Some(p) => resolver.resolve(p),
        None => match source.downcast_ref::<SourceVirtual>() {
            Some(v) => v.0.to_string(),
            None => source.to_string(),
        },
    }
}

/// `file:line:col`, `file:line:col-endcol` or `file:line:col-endline:endcol`.
pub(crate) fn location(span: &Span, resolver: &PathResolver) -> String {
    let name = file_name(span, resolver);
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::eval::{EvalOptions, Evaluator};

    #[test]
    fn errors_carry_their_location_and_frames() {
        let main = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("testdata/project/environments/broken-runtime-error/main.jsonnet");
        let evaluator = Evaluator::new(&main, EvalOptions::default()).unwrap();
        let err = evaluator.evaluate(&[], None).unwrap_err();
        let at = err.location.as_ref().expect("a location");
        assert!(
            at.file.ends_with("broken-runtime-error/main.jsonnet"),
            "{at:?}"
        );
        // `error '...'` on line 2, after `local replicas(n) = if n > 3 then `.
        assert_eq!((at.line, at.column), (2, 35));
        assert!(err.frames.len() >= 2, "{:?}", err.frames);
        assert_eq!(err.frames[0].location.as_ref(), Some(at));
        assert!(err.message.contains("replicas must be at most 3, got 5"));
        assert!(
            err.message
                .contains(&format!("main.jsonnet:{}:{}", at.line, at.column))
        );
    }
}
