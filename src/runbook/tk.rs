//! The `tk` commands an operator types for an environment.

use serde::Serialize;

use crate::render::Renderer;

/// How `tk` names the environment: its directory relative to the project root, plus `--name`
/// for inline environments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TkTarget {
    /// The environment directory relative to the project root, e.g.
    /// `environments/mimir-microservices` (`.` for the root itself).
    pub path: String,
    /// For inline environments, the environment's name (`tk … --name <name>`).
    pub name: Option<String>,
}

/// Quote `word` for a POSIX shell when it holds anything but safe characters.
pub fn shell_quote(word: &str) -> String {
    let safe = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/' | ':' | '='));
    if safe {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

impl TkTarget {
    /// The target of the environment behind `renderer`.
    pub fn of(renderer: &Renderer) -> Self {
        let paths = renderer.paths();
        let path = paths
            .base
            .strip_prefix(&paths.root)
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_else(|_| paths.base.to_string_lossy().into_owned());
        let path = if path.is_empty() {
            ".".to_string()
        } else {
            path
        };
        let name = if paths.is_static() {
            None
        } else {
            renderer.environment().metadata.name.clone()
        };
        Self { path, name }
    }

    /// `command` followed by ` --name <name>` for an inline environment.
    pub fn with_name(&self, mut command: String) -> String {
        if let Some(name) = &self.name {
            command.push_str(" --name ");
            command.push_str(&shell_quote(name));
        }
        command
    }

    fn command(&self, verb: &str) -> String {
        self.with_name(format!("tk {verb} {}", shell_quote(&self.path)))
    }

    /// `tk diff <path> [--name <name>]`.
    pub fn diff(&self) -> String {
        self.command("diff")
    }

    /// `tk apply <path> [--name <name>]`.
    pub fn apply(&self) -> String {
        self.command("apply")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_quote_and_name() {
        let t = TkTarget {
            path: "environments/my env".into(),
            name: Some("prod".into()),
        };
        assert_eq!(t.diff(), "tk diff 'environments/my env' --name prod");
        let t = TkTarget {
            path: "environments/mimir".into(),
            name: None,
        };
        assert_eq!(t.apply(), "tk apply environments/mimir");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }
}
