//! The `tanka.dev/environment` label value (`v1alpha1.Environment.NameLabel`).

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use super::{EnvError, Environment};

/// The fields hashed when `spec.tankaEnvLabelFromFields` is empty.
const DEFAULT_LABEL_FIELDS: [&str; 2] = [".metadata.name", ".metadata.namespace"];

/// A view of the environment's Go struct for field lookups by JSON name.
enum Node<'a> {
    Struct(Vec<(&'static str, Node<'a>)>),
    Map(&'a BTreeMap<String, String>),
    Str(&'a str),
    Bool(bool),
    List,
}

impl Environment {
    /// The value Tanka gives the `tanka.dev/environment` label: the first 48 hex digits of
    /// the SHA-256 of the values of `spec.tankaEnvLabelFromFields` (default
    /// `.metadata.name`, `.metadata.namespace`) joined with `:`.
    ///
    /// Fields are looked up by their JSON names in the environment (`.spec.namespace`,
    /// `.metadata.labels.team`, ...); strings are taken as is, booleans as `true`/`false`.
    /// For a path through a map Tanka takes an arbitrary entry's value; this takes the entry
    /// named by the path if there is one, else the first (one of Go's possible outcomes).
    pub fn name_label(&self) -> Result<String, EnvError> {
        let fields: Vec<&str> = if self.spec.tanka_env_label_from_fields.is_empty() {
            DEFAULT_LABEL_FIELDS.to_vec()
        } else {
            self.spec
                .tanka_env_label_from_fields
                .iter()
                .map(String::as_str)
                .collect()
        };
        let tree = self.node();
        let mut values = Vec::with_capacity(fields.len());
        for field in fields {
            let path: Vec<&str> = field
                .strip_prefix('.')
                .unwrap_or(field)
                .split('.')
                .collect();
            let value = lookup(&tree, &path)
                .map_err(|e| EnvError::Label(format!("could not get struct value at path: {e}")))?;
            values.push(value);
        }
        let digest = Sha256::digest(values.join(":").as_bytes());
        let mut hex = hex::encode(digest);
        hex.truncate(48);
        Ok(hex)
    }

    fn node(&self) -> Node<'_> {
        let m = &self.metadata;
        let s = &self.spec;
        Node::Struct(vec![
            ("apiVersion", Node::Str(&self.api_version)),
            ("kind", Node::Str(&self.kind)),
            (
                "metadata",
                Node::Struct(vec![
                    ("name", Node::Str(m.name.as_deref().unwrap_or(""))),
                    ("namespace", Node::Str(m.namespace.as_deref().unwrap_or(""))),
                    ("labels", Node::Map(&m.labels)),
                ]),
            ),
            (
                "spec",
                Node::Struct(vec![
                    ("apiServer", Node::Str(&s.api_server)),
                    ("contextNames", Node::List),
                    ("namespace", Node::Str(&s.namespace)),
                    ("diffStrategy", Node::Str(&s.diff_strategy)),
                    ("applyStrategy", Node::Str(&s.apply_strategy)),
                    ("injectLabels", Node::Bool(s.inject_labels == Some(true))),
                    ("tankaEnvLabelFromFields", Node::List),
                    (
                        "resourceDefaults",
                        Node::Struct(vec![
                            ("annotations", Node::Map(&s.resource_defaults.annotations)),
                            ("labels", Node::Map(&s.resource_defaults.labels)),
                        ]),
                    ),
                    (
                        "expectVersions",
                        Node::Struct(vec![("tanka", Node::Str(&s.expect_versions.tanka))]),
                    ),
                    (
                        "exportJsonnetImplementation",
                        Node::Str(&s.export_jsonnet_implementation),
                    ),
                ]),
            ),
        ])
    }
}

fn lookup(tree: &Node<'_>, path: &[&str]) -> Result<String, String> {
    let mut node = tree;
    for (i, segment) in path.iter().enumerate() {
        match node {
            Node::Struct(fields) => match fields.iter().find(|(name, _)| name == segment) {
                Some((_, next)) => node = next,
                None => return Err(format!("field {segment:?} not found")),
            },
            Node::Map(map) => {
                let Some(value) = map.get(*segment).or_else(|| map.values().next()) else {
                    return Err(format!("no value for {segment:?}: the map is empty"));
                };
                if i + 1 < path.len() {
                    return Err("intermediary objects must be object types".to_string());
                }
                return Ok(value.clone());
            }
            _ => return Err("intermediary objects must be object types".to_string()),
        }
    }
    match node {
        Node::Str(s) => Ok((*s).to_string()),
        Node::Bool(b) => Ok(b.to_string()),
        _ => Err("unsupported value type".to_string()),
    }
}
