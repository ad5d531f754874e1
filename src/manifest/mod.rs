//! Kubernetes manifests extracted from evaluated Jsonnet, processed as Tanka does
//! (`pkg/process`, `pkg/kubernetes/manifest`).
//!
//! [`process`] runs Tanka's pipeline on an environment's data: extract every object that has
//! `apiVersion` and `kind` (erroring on anything else with its JSON path), unwrap Lists,
//! default namespaces, inject labels and resource defaults, and sort. The result prints as
//! `tk show` prints it with [`to_yaml_stream`].

mod duplicates;
mod error;
mod extract;
mod filter;
mod id;
mod namespace;
mod sort;
mod verify;

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::env::Environment;

pub use duplicates::{Duplicate, duplicates, new_duplicates};
pub use error::{ExtractError, InvalidObjectError, ManifestError, SchemaError};
pub use filter::{Targets, filter_targets};
pub use id::ObjectId;
pub use namespace::{ANNOTATION_NAMESPACED, LABEL_ENVIRONMENT};

/// One Kubernetes object, and the JSON path it was extracted from when it came from an
/// evaluation ([`Manifest::path`]).
///
/// Two manifests are equal when their objects are; the path is not part of the object (it is
/// not serialized either).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Manifest(pub Map<String, Value>, #[serde(skip)] Option<Arc<str>>);

impl PartialEq for Manifest {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl From<Map<String, Value>> for Manifest {
    fn from(object: Map<String, Value>) -> Self {
        Manifest::new(object)
    }
}

impl Manifest {
    /// `object`, with no known path.
    pub fn new(object: Map<String, Value>) -> Self {
        Manifest(object, None)
    }

    /// `object`, found at JSON path `path` of the evaluated output.
    pub fn at(object: Map<String, Value>, path: &str) -> Self {
        Manifest(object, Some(path.into()))
    }

    /// Where the object was found in the evaluated output, as Tanka writes JSON paths
    /// (`.mimir.ingester_statefulset`, `.[0]`, `.list.items[2]`); `None` for an object that
    /// was not extracted from an evaluation.
    pub fn path(&self) -> Option<&str> {
        self.1.as_deref()
    }

    /// `apiVersion` (`""` when not a string).
    pub fn api_version(&self) -> &str {
        str_field(&self.0, "apiVersion")
    }

    /// `kind` (`""` when not a string).
    pub fn kind(&self) -> &str {
        str_field(&self.0, "kind")
    }

    /// `metadata`, when it is an object.
    pub fn metadata(&self) -> Option<&Map<String, Value>> {
        self.0.get("metadata").and_then(Value::as_object)
    }

    /// `metadata.name` (`""` when not a string).
    pub fn name(&self) -> &str {
        self.metadata().map_or("", |m| str_field(m, "name"))
    }

    /// `metadata.generateName` (`""` when not a string).
    pub fn generate_name(&self) -> &str {
        self.metadata().map_or("", |m| str_field(m, "generateName"))
    }

    /// `metadata.namespace` (`""` when not a string, e.g. for cluster-wide objects).
    pub fn namespace(&self) -> &str {
        self.metadata().map_or("", |m| str_field(m, "namespace"))
    }

    /// `<kind>/<metadata.name>`, what `-t/--target` expressions are matched against.
    pub fn kind_name(&self) -> String {
        format!("{}/{}", self.kind(), self.name())
    }

    /// The object's identity.
    pub fn id(&self) -> ObjectId {
        ObjectId::of(self)
    }

    /// The object as a JSON value.
    pub fn to_value(&self) -> Value {
        Value::Object(self.0.clone())
    }

    /// The object as one YAML document, as `tk show`/`tk export` write it (yaml.v2).
    pub fn to_yaml(&self) -> String {
        let mut out = String::with_capacity(256);
        crate::yaml::write_map_yaml_v2(&mut out, &self.0);
        out
    }
}

impl From<Manifest> for Value {
    fn from(m: Manifest) -> Self {
        Value::Object(m.0)
    }
}

/// `obj[key]` when it is a string, else `""` (Go's `m[key].(string)` ignoring `ok`).
fn str_field<'a>(obj: &'a Map<String, Value>, key: &str) -> &'a str {
    obj.get(key).and_then(Value::as_str).unwrap_or("")
}

/// Extract, unwrap lists, default namespaces, inject labels/defaults and sort, as `tk show` does.
///
/// `data` is what Tanka extracts from: the whole output of a static environment, the `data`
/// of an inline one. `null` gives no manifests. Errors are Tanka's, word for word (see
/// [`ManifestError`]).
pub fn process(data: &Value, env: &Environment) -> Result<Vec<Manifest>, ManifestError> {
    process_owned(data.clone(), env)
}

/// [`process`], taking `data` by value: the objects are moved out of it instead of copied.
pub fn process_owned(data: Value, env: &Environment) -> Result<Vec<Manifest>, ManifestError> {
    if data.is_null() {
        return Ok(Vec::new());
    }
    let extracted = extract::extract(data).map_err(|inner| ManifestError::Extract {
        env: env.name().to_string(),
        inner,
    })?;
    let objects = extract::unwrap_lists(extracted)?;
    let label = if env.injects_labels() && !objects.is_empty() {
        Some(env.name_label().map_err(ManifestError::Label)?)
    } else {
        None
    };
    let mut out: Vec<Manifest> = objects
        .into_iter()
        .map(|(path, mut obj)| {
            namespace::default_namespace(&mut obj, &env.spec.namespace);
            if let Some(label) = &label {
                namespace::inject_label(&mut obj, label);
            }
            namespace::resource_defaults(&mut obj, &env.spec.resource_defaults);
            Manifest::at(obj, &path)
        })
        .collect();
    sort::sort(&mut out);
    Ok(out)
}

/// The YAML stream `tk show` prints: every manifest as a yaml.v2 document, documents joined
/// with `---\n` (no `---` before the first). No manifests give `""`.
pub fn to_yaml_stream(manifests: &[Manifest]) -> String {
    let mut out = String::new();
    for (i, manifest) in manifests.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        crate::yaml::write_map_yaml_v2(&mut out, &manifest.0);
    }
    out
}

/// The manifests as a pretty-printed JSON array (2-space indent, keys sorted, no trailing
/// newline).
pub fn to_json_array(manifests: &[Manifest]) -> serde_json::Result<String> {
    let objects: Vec<&Map<String, Value>> = manifests.iter().map(|m| &m.0).collect();
    serde_json::to_string_pretty(&objects)
}
