//! What makes a plan well-formed, whether it comes from a plan file, the built-in plans or a
//! library caller: [`validate_component`] for the plan name, step ids and step names, and
//! [`Step::validate`] / [`Plan::validate`] for whole steps and plans.
//!
//! Ids and names end up in file and folder names (`NN-<id>-<name>.libsonnet`, `export`'s
//! `NN-<name>/`) and in overlay comments (`// step <id> <name>`). So each must be non-empty, at
//! most [`MAX_COMPONENT_BYTES`] bytes, and free of path separators (`/`, `\`), `..`, NUL and
//! other control characters: a name like `../../x` would otherwise write outside `--out`, and a
//! line break would end the comment and turn the rest of the name into Jsonnet code.

use std::collections::HashMap;
use std::fmt;

use super::{Plan, PlanError, Step};

/// The longest plan name, step id or step name, in bytes: `NN-<id>-<name>.libsonnet` must stay
/// well below the 255 bytes most file systems allow in a file name.
pub const MAX_COMPONENT_BYTES: usize = 100;

/// Why a text cannot be a plan name, step id or step name (see [`validate_component`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvalidComponent {
    /// Empty, or only white space.
    Empty,
    /// Contains a path separator (`/` or `\`).
    Separator(char),
    /// Contains `..`.
    DotDot,
    /// Contains NUL, a line break or another control character.
    Control(char),
    /// Longer than [`MAX_COMPONENT_BYTES`] (the length in bytes).
    TooLong(usize),
}

impl fmt::Display for InvalidComponent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InvalidComponent::Empty => f.write_str("must not be empty"),
            InvalidComponent::Separator(c) => write!(
                f,
                "must not contain '{c}' (it becomes part of file and folder names)"
            ),
            InvalidComponent::DotDot => {
                f.write_str("must not contain '..' (it becomes part of file and folder names)")
            }
            InvalidComponent::Control(c) => write!(
                f,
                "must be one line without control characters (found {})",
                c.escape_default()
            ),
            InvalidComponent::TooLong(n) => write!(
                f,
                "is {n} bytes long; at most {MAX_COMPONENT_BYTES} are allowed (it becomes part \
                 of file names)"
            ),
        }
    }
}

impl std::error::Error for InvalidComponent {}

/// Check that `text` can be a plan name, step id or step name: non-empty, at most
/// [`MAX_COMPONENT_BYTES`] bytes, without `/`, `\`, `..`, NUL or other control characters
/// (line breaks included).
///
/// ```
/// use tkstep::plan::{InvalidComponent, validate_component};
///
/// assert!(validate_component("scale-up-read").is_ok());
/// assert!(validate_component("7.2a").is_ok());
/// assert_eq!(validate_component("../x"), Err(InvalidComponent::Separator('/')));
/// assert_eq!(validate_component(""), Err(InvalidComponent::Empty));
/// ```
pub fn validate_component(text: &str) -> Result<(), InvalidComponent> {
    if text.trim().is_empty() {
        return Err(InvalidComponent::Empty);
    }
    if let Some(c) = text.chars().find(|c| matches!(c, '/' | '\\')) {
        return Err(InvalidComponent::Separator(c));
    }
    if let Some(c) = text.chars().find(|c| c.is_control()) {
        return Err(InvalidComponent::Control(c));
    }
    if text.contains("..") {
        return Err(InvalidComponent::DotDot);
    }
    if text.len() > MAX_COMPONENT_BYTES {
        return Err(InvalidComponent::TooLong(text.len()));
    }
    Ok(())
}

/// `what` (`a step id`, …) and the text, for messages: `a step name "../x" must not contain
/// '/' …`.
pub(super) fn describe(what: &str, text: &str, why: &InvalidComponent) -> String {
    format!("{what} {} {why}", quoted(text))
}

/// `text` quoted for a message, control characters escaped, cut after 60 characters.
pub(super) fn quoted(text: &str) -> String {
    let shown: String = text.chars().take(60).collect();
    let more = if shown.len() < text.len() { "…" } else { "" };
    format!("{shown:?}{more}")
}

impl Step {
    /// Check the step's id and name ([`validate_component`]) and that only a config step
    /// changes Jsonnet. The error names the step and the field.
    pub fn validate(&self) -> Result<(), String> {
        for (what, text) in [("step id", &self.id), ("step name", &self.name)] {
            validate_component(text).map_err(|why| describe(what, text, &why))?;
        }
        if !self.is_config() && !self.change.is_empty() {
            return Err(format!(
                "step '{}': a {} step cannot change Jsonnet (config, args, replicas, jsonnet \
                 and remove_* belong to config steps)",
                self.id, self.kind
            ));
        }
        Ok(())
    }
}

impl Plan {
    /// Check the plan: a valid name ([`validate_component`]), at least one step, every step
    /// valid ([`Step::validate`]) and step ids unique. Every plan passes through this before
    /// it is adapted to an environment; plan files are checked as they load, with the file,
    /// line and column of the problem.
    pub fn validate(&self) -> Result<(), PlanError> {
        let invalid = |message: String| PlanError::Invalid {
            plan: self.name.clone(),
            message,
        };
        validate_component(&self.name)
            .map_err(|why| invalid(describe("plan name", &self.name, &why)))?;
        if self.steps.is_empty() {
            return Err(invalid("the plan has no steps".into()));
        }
        let mut seen = HashMap::with_capacity(self.steps.len());
        for (i, step) in self.steps.iter().enumerate() {
            step.validate()
                .map_err(|m| invalid(format!("steps[{i}]: {m}")))?;
            if let Some(first) = seen.insert(step.id.as_str(), i) {
                return Err(invalid(format!(
                    "step id '{}' is used twice (steps[{first}] and steps[{i}])",
                    step.id
                )));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{BUILTIN_PLANS, Params, StepKind};

    #[test]
    fn unsafe_components_are_refused() {
        for (text, why) in [
            ("", InvalidComponent::Empty),
            ("  ", InvalidComponent::Empty),
            ("../../../ESCAPED", InvalidComponent::Separator('/')),
            ("a\\b", InvalidComponent::Separator('\\')),
            ("..", InvalidComponent::DotDot),
            ("a..b", InvalidComponent::DotDot),
            ("a\0b", InvalidComponent::Control('\0')),
            ("a\nb", InvalidComponent::Control('\n')),
            ("a\u{85}b", InvalidComponent::Control('\u{85}')),
        ] {
            assert_eq!(validate_component(text), Err(why), "{text:?}");
        }
        assert_eq!(
            validate_component(&"x".repeat(101)),
            Err(InvalidComponent::TooLong(101))
        );
        for ok in [
            "1",
            "7.2a",
            "7.2-east-2",
            "scale-up-read",
            "Übergang",
            ".hidden",
        ] {
            assert_eq!(validate_component(ok), Ok(()), "{ok:?}");
        }
    }

    #[test]
    fn builtin_plans_are_valid() {
        let params = Params {
            zones: vec!["a".into(), "east-2".into()],
            ..Params::default()
        };
        for name in BUILTIN_PLANS {
            for p in [&Params::default(), &params] {
                Plan::builtin(name, p).unwrap().validate().unwrap();
            }
        }
    }

    #[test]
    fn duplicate_ids_and_empty_plans_are_refused() {
        let mut plan = Plan::builtin(BUILTIN_PLANS[0], &Params::default()).unwrap();
        plan.steps[3].id = plan.steps[1].id.clone();
        let err = plan.validate().unwrap_err().to_string();
        assert!(
            err.contains("is used twice (steps[1] and steps[3])"),
            "{err}"
        );
        plan.steps.clear();
        let err = plan.validate().unwrap_err().to_string();
        assert!(err.contains("has no steps"), "{err}");
    }

    #[test]
    fn only_config_steps_change_jsonnet() {
        let step = Step::new("1", "look", StepKind::Verify, "").set("x", 1);
        let err = step.validate().unwrap_err();
        assert!(err.contains("verify step cannot change Jsonnet"), "{err}");
    }
}
