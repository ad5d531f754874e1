//! File names as `tk export --format … --extension …` gives them.
//!
//! Tanka's rules: the format is a Go template executed with the manifest as dot and `env`
//! returning the environment (without `data`). A `/` written in the template text outside
//! `{{ }}` makes sub-folders; a `/` that comes out of a value (`apps/v1`) becomes `-`. Tanka
//! does that by replacing the text's `/` with a BEL character before parsing, replacing every
//! `/` of the output with `-`, then every BEL with `/`. The scan for "outside `{{ }}`" is
//! Tanka's simple one: from each `{{` to the next `}}`.

use serde_json::Value;

use crate::gotemplate::{Template, TemplateError};
use crate::manifest::Manifest;

/// `tk export`'s default `--format`.
pub const DEFAULT_FORMAT: &str =
    "{{.apiVersion}}.{{.kind}}-{{or .metadata.name .metadata.generateName}}";

/// `tk export`'s default `--extension`.
pub const DEFAULT_EXTENSION: &str = "yaml";

/// Stands for a `/` of the template text while the template runs.
const BEL: char = '\u{7}';

/// Names manifests' files like `tk export`.
#[derive(Debug, Clone)]
pub struct FileNamer {
    template: Template,
    extension: String,
    env: Value,
}

impl FileNamer {
    /// A namer for `format` and `extension` (without the dot), with `env` (the environment as
    /// JSON, without `data`) for the template's `env` function.
    pub fn new(format: &str, extension: &str, env: Value) -> Result<Self, TemplateError> {
        let template = Template::parse(&slashes_outside_actions(format))?;
        Ok(FileNamer {
            template,
            extension: extension.to_string(),
            env,
        })
    }

    /// The default namer (`{{.apiVersion}}.{{.kind}}-{{or .metadata.name
    /// .metadata.generateName}}`, `.yaml`), which does not use `env`.
    pub fn tk_default() -> Self {
        Self::new(DEFAULT_FORMAT, DEFAULT_EXTENSION, Value::Null)
            .expect("the default format parses")
    }

    /// The relative path `tk export` writes `manifest` to, `/`-separated, as Tanka records it
    /// in `manifest.json` (e.g. `apps-v1.Deployment-grafana.yaml`).
    pub fn file_name(&self, manifest: &Manifest) -> Result<String, TemplateError> {
        let text = self.template.execute(&manifest.0, &self.env)?;
        let mut name: String = text
            .chars()
            .map(|c| match c {
                '/' => '-',
                BEL => '/',
                c => c,
            })
            .collect();
        name.push('.');
        name.push_str(&self.extension);
        Ok(name)
    }
}

/// Tanka's `replaceTmplText`: `/` → BEL in the text before each `{{` up to the next `}}`, and
/// after the last action.
fn slashes_outside_actions(format: &str) -> String {
    let replace = |s: &str| s.replace('/', &BEL.to_string());
    let mut out = String::with_capacity(format.len());
    let mut rest = format;
    loop {
        let left = rest.find("{{");
        let right = rest.find("}}").map(|r| r + 2);
        match (left, right) {
            (Some(l), Some(r)) if l < r => {
                out.push_str(&replace(&rest[..l]));
                out.push_str(&rest[l..r]);
                rest = &rest[r..];
            }
            _ => break,
        }
    }
    out.push_str(&replace(rest));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(v: Value) -> Manifest {
        Manifest::new(v.as_object().unwrap().clone())
    }

    #[test]
    fn default_names_replace_slashes_from_values() {
        let m = manifest(
            serde_json::json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "grafana"}}),
        );
        assert_eq!(
            FileNamer::tk_default().file_name(&m).unwrap(),
            "apps-v1.Deployment-grafana.yaml"
        );
        assert_eq!(
            FileNamer::tk_default().file_name(&m).unwrap(),
            m.export_file_name()
        );
    }

    #[test]
    fn template_text_slashes_make_folders() {
        let m = manifest(
            serde_json::json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "a/b", "namespace": "mon"}}),
        );
        let env = serde_json::json!({"metadata": {"name": "environments/prod"}});
        let namer = FileNamer::new(
            "{{env.metadata.name}}/{{.metadata.namespace}}/{{.kind}}-{{.metadata.name}}",
            "yml",
            env,
        )
        .unwrap();
        assert_eq!(
            namer.file_name(&m).unwrap(),
            "environments-prod/mon/Deployment-a-b.yml"
        );
        // A `/` inside an action (here in a string constant) is a value's.
        let namer = FileNamer::new(
            "{{print .kind \"/\" .metadata.namespace}}",
            "yaml",
            Value::Null,
        )
        .unwrap();
        assert_eq!(namer.file_name(&m).unwrap(), "Deployment-mon.yaml");
    }

    #[test]
    fn replace_outside_actions_follows_tanka_scan() {
        assert_eq!(slashes_outside_actions("a/{{.x}}/b"), "a\u{7}{{.x}}\u{7}b");
        assert_eq!(slashes_outside_actions("{{\"/\"}}/"), "{{\"/\"}}\u{7}");
        assert_eq!(slashes_outside_actions("no/actions"), "no\u{7}actions");
        // An unclosed action: everything is text.
        assert_eq!(slashes_outside_actions("a/{{b/"), "a\u{7}{{b\u{7}");
    }
}
