//! Selecting one inline environment with `tk --name` (`pkg/tanka/inline.go`, `errors.go`).

use super::{EnvError, Environment};
use crate::go_quote::go_quote;

/// Pick one inline environment as Tanka's inline loader does.
///
/// - with a non-empty `name`, only environments whose `metadata.name` *contains* it are
///   candidates (Tanka's `std.member(name, given)` in its eval script);
/// - one candidate: it is selected; several: an *exact* name match wins, else
///   [`EnvError::MultipleEnvironments`] listing the candidates' names sorted;
/// - none: [`EnvError::NoMatchingEnvironment`].
///
/// `path_display` is the path as the user gave it; it appears in the error messages.
/// `T` is whatever the caller needs to find the chosen environment again (e.g. its location
/// in the evaluated output).
pub fn select_inline<T>(
    candidates: Vec<(T, Environment)>,
    name: Option<&str>,
    path_display: &str,
) -> Result<(T, Environment), EnvError> {
    let name = name.filter(|n| !n.is_empty());
    let mut matching: Vec<(T, Environment)> = candidates
        .into_iter()
        .filter(|(_, env)| name.is_none_or(|n| env.name().contains(n)))
        .collect();
    if matching.len() == 1 {
        return Ok(matching.remove(0));
    }
    if matching.is_empty() {
        return Err(EnvError::NoMatchingEnvironment {
            path: path_display.to_string(),
        });
    }
    let exact = name.and_then(|n| matching.iter().position(|(_, env)| env.name() == n));
    if let Some(i) = exact {
        return Ok(matching.swap_remove(i));
    }
    let mut names: Vec<String> = matching
        .iter()
        .map(|(_, env)| env.name().to_string())
        .collect();
    names.sort();
    Err(EnvError::MultipleEnvironments {
        path: path_display.to_string(),
        name: name.map(str::to_string),
        names,
    })
}

/// Tanka's `ErrMultipleEnvs` text.
pub(super) fn multiple_message(path: &str, name: Option<&str>, names: &[String]) -> String {
    let list = names.join("\n - ");
    match name {
        Some(n) => format!(
            "found multiple Environments in {} matching {}. Provide a more specific name that matches a single one: \n - {list}",
            go_quote(path),
            go_quote(n)
        ),
        None => format!(
            "found multiple Environments in {}. Use `--name` to select a single one: \n - {list}",
            go_quote(path)
        ),
    }
}
