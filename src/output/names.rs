//! Containment: every path tkstep writes is a directory the caller named joined with a
//! relative path whose every component is a plain, safe file name.

use std::path::{Component, Path};

/// The longest file name (one path component) most filesystems accept, in bytes.
pub const NAME_MAX: usize = 255;

/// Why `name` is not a plain file name tkstep will write, or `None` when it is one: not empty,
/// not `.` or `..`, no `/`, `\`, NUL or other control character, at most [`NAME_MAX`] bytes.
pub fn unsafe_reason(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        Some("a path component is empty")
    } else if name == "." || name == ".." {
        Some("a path component is '.' or '..'")
    } else if name.contains('/') || name.contains('\\') {
        Some("a file name contains '/' or '\\'")
    } else if name.contains('\0') {
        Some("a file name contains a NUL character")
    } else if name.chars().any(char::is_control) {
        Some("a file name contains a control character")
    } else if name.len() > NAME_MAX {
        Some("a file name is longer than 255 bytes")
    } else {
        None
    }
}

/// Check that `rel` is a relative path made only of plain file names (see [`unsafe_reason`]),
/// so that `dir.join(rel)` stays inside `dir` whatever `dir` is.
pub fn check_relative(rel: &Path) -> Result<(), &'static str> {
    if rel.as_os_str().is_empty() {
        return Err("the path is empty");
    }
    for component in rel.components() {
        match component {
            Component::Normal(name) => {
                let name = name.to_str().ok_or("a file name is not valid UTF-8")?;
                if let Some(reason) = unsafe_reason(name) {
                    return Err(reason);
                }
            }
            Component::CurDir | Component::ParentDir => {
                return Err("a path component is '.' or '..'");
            }
            Component::RootDir | Component::Prefix(_) => return Err("the path is absolute"),
        }
    }
    // `Path::components` drops `.` and repeated separators silently: compare with the text.
    let text = rel.to_str().ok_or("a file name is not valid UTF-8")?;
    if text.split('/').any(|part| part.is_empty() || part == ".") {
        return Err("a path component is empty or '.'");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_pass_and_escapes_do_not() {
        assert_eq!(
            check_relative(Path::new("00-before/v1.ConfigMap-a.yaml")),
            Ok(())
        );
        for bad in [
            "",
            "..",
            "../x",
            "a/../b",
            "/etc/passwd",
            "a//b",
            "./a",
            "a/",
            "a\\b",
            "a\nb",
            "a\0b",
        ] {
            assert!(check_relative(Path::new(bad)).is_err(), "{bad:?}");
        }
        assert!(check_relative(Path::new(&"x".repeat(256))).is_err());
        assert!(check_relative(Path::new(&"x".repeat(255))).is_ok());
    }
}
