//! Object identity, `tk diff` names and `tk export` file names.

use serde_json::Value;

use super::Manifest;

/// Identity of an object: apiVersion, kind, namespace, name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectId {
    /// `apiVersion`.
    pub api_version: String,
    /// `kind`.
    pub kind: String,
    /// `metadata.namespace` (empty when cluster-wide).
    pub namespace: String,
    /// `metadata.name` (or `generateName` when there is no name).
    pub name: String,
}

impl ObjectId {
    /// The identity of `manifest`.
    pub fn of(manifest: &Manifest) -> Self {
        let name = match manifest.name() {
            "" => manifest.generate_name(),
            name => name,
        };
        ObjectId {
            api_version: manifest.api_version().to_string(),
            kind: manifest.kind().to_string(),
            namespace: manifest.namespace().to_string(),
            name: name.to_string(),
        }
    }

    /// The name `tk diff` gives the object's files: `<apiVersion>.<kind>.<namespace>.<name>`
    /// with every `/` replaced by `-` (e.g. `apps-v1.Deployment.default.grafana`). Control
    /// characters are escaped (`\n`, `\0`, `\u{1b}`): the name heads a line of diff output.
    pub fn diff_name(&self) -> String {
        let name = format!(
            "{}.{}.{}.{}",
            self.api_version, self.kind, self.namespace, self.name
        )
        .replace('/', "-");
        crate::escape::control(&name).into_owned()
    }
}

impl std::fmt::Display for ObjectId {
    /// `<kind>/<name>`, with the namespace in front when there is one (`ns/Kind/name`);
    /// control characters escaped (see [`ObjectId::diff_name`]).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::escape::control;
        let (kind, name) = (control(&self.kind), control(&self.name));
        if self.namespace.is_empty() {
            write!(f, "{kind}/{name}")
        } else {
            write!(f, "{}/{kind}/{name}", control(&self.namespace))
        }
    }
}

impl Manifest {
    /// The file `tk export` writes this object to with its default `--format` and
    /// `--extension`: `{{.apiVersion}}.{{.kind}}-{{or .metadata.name .metadata.generateName}}`
    /// with `/` in the values replaced by `-`, plus `.yaml`
    /// (e.g. `apps-v1.Deployment-grafana.yaml`).
    pub fn export_file_name(&self) -> String {
        let metadata = self.metadata();
        let field = |key: &str| metadata.and_then(|m| m.get(key));
        // Go template `or`: the name if it is "truthy", else generateName as it is.
        let name = match field("name") {
            Some(v) if truthy(v) => go_print(v),
            _ => field("generateName").map_or_else(|| "<no value>".to_string(), go_print),
        };
        let stem = format!(
            "{}.{}-{}",
            go_print_opt(self.0.get("apiVersion")),
            go_print_opt(self.0.get("kind")),
            name
        );
        format!("{}.yaml", stem.replace('/', "-"))
    }
}

/// Go template truthiness.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// How a Go template prints a value (strings as they are; other values as JSON, which Go
/// would print differently; they do not occur in verified manifests' names).
fn go_print(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "<nil>".to_string(),
        other => other.to_string(),
    }
}

fn go_print_opt(v: Option<&Value>) -> String {
    v.map_or_else(|| "<no value>".to_string(), go_print)
}
