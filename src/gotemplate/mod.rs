//! A small subset of Go's `text/template`, exact to the byte for what it supports: the
//! templates `tk export --format` users write to name files.
//!
//! Hand-written on purpose: the names must be byte-identical to Go's, and the one Rust crate
//! for Go templates (`gtmpl` 0.7) prints maps in hash order and floats the Rust way, and has
//! no sprig functions. What is supported is executed as Go does it (checked against Go's
//! `text/template` with sprig in the reference tests); anything else is an error naming it,
//! never a silently different result:
//!
//! - syntax: text, `{{ }}` actions with `{{-`/`-}}` trimming, comments, pipelines (`|`),
//!   field chains (`.metadata.name`, `$.kind`, `(…).x`, `env.metadata.name`), parentheses,
//!   string/number/character/`true`/`false`/`nil` literals, `if`/`else if`/`else`/`with`/
//!   `end`;
//! - Go's functions `and`, `or`, `not`, `len`, `index`, `eq`, `ne`, `print`, `printf`,
//!   `println` (`printf` with the verbs `%v %s %d %q %t %f %e %g %x`, width and `-`/`0`/`+`
//!   flags where names need them);
//! - sprig's `lower`, `upper`, `replace`, `snakecase`, `kebabcase`, `camelcase`, `default`,
//!   `trunc`, `trim`, `trimPrefix`, `trimSuffix`, `trimAll`, `contains`, `hasPrefix`,
//!   `hasSuffix`, `substr`, `repeat`, `nospace`, `quote`, `squote`, `toString`, `empty`,
//!   `coalesce`;
//! - `env`: the environment, as `tk export` defines it.
//!
//! Values print as Go's `fmt` prints decoded JSON: a missing key is `<no value>`, `nil` is
//! `<nil>` inside `print`, numbers are `float64` (`1e+06`), maps are `map[k:v]`.
//!
//! ```
//! use tkstep::gotemplate::Template;
//!
//! let t = Template::parse("{{.kind | lower}}-{{or .metadata.name .metadata.generateName}}")?;
//! let manifest = serde_json::json!({"kind": "Deployment", "metadata": {"generateName": "job-"}});
//! let name = t.execute(manifest.as_object().unwrap(), &serde_json::Value::Null)?;
//! assert_eq!(name, "deployment-job-");
//! # Ok::<(), tkstep::gotemplate::TemplateError>(())
//! ```

mod exec;
mod parse;
mod sprig;
mod value;

use serde_json::{Map, Value};

/// Why a template cannot be parsed or executed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// Bad template syntax.
    #[error("template: {0}")]
    Syntax(String),
    /// A function neither Go, sprig nor tk defines.
    #[error("template: function {0:?} not defined")]
    UnknownFunction(String),
    /// A Go built-in or sprig function tkstep does not implement.
    #[error(
        "template: function {0:?} is not supported by tkstep (it implements Go's and, or, not, \
         len, index, eq, ne, print, printf, println; sprig's lower, upper, replace, snakecase, \
         kebabcase, camelcase, default, trunc, trim, trimPrefix, trimSuffix, trimAll, contains, \
         hasPrefix, hasSuffix, substr, repeat, nospace, quote, squote, toString, empty, \
         coalesce; and env)"
    )]
    UnsupportedFunction(String),
    /// A construct tkstep does not implement (it would not give Go's result).
    #[error("template: {0} is not supported by tkstep")]
    Unsupported(String),
    /// Go would fail executing the template.
    #[error("template: {0}")]
    Exec(String),
}

/// A parsed template.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    nodes: parse::List,
}

impl Template {
    /// Parse `text`. Unknown functions are errors here, as in Go (which checks them at parse
    /// time).
    pub fn parse(text: &str) -> Result<Self, TemplateError> {
        let nodes = parse::parse(text, &exec::is_function).map_err(|e| match e {
            TemplateError::UnknownFunction(name) if exec::is_known_unimplemented(&name) => {
                TemplateError::UnsupportedFunction(name)
            }
            other => other,
        })?;
        Ok(Template { nodes })
    }

    /// Execute the template with `data` (a decoded JSON object, such as a manifest) as dot;
    /// `env` is what the `env` function returns.
    pub fn execute(&self, data: &Map<String, Value>, env: &Value) -> Result<String, TemplateError> {
        let mut state = exec::State {
            root: data,
            env,
            out: String::new(),
        };
        state.run(&self.nodes)?;
        Ok(state.out)
    }
}
