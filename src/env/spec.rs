//! Tanka's `Environment` object (`tanka.dev/v1alpha1`) and how `spec.json` / inline objects
//! are parsed into it (`pkg/spec`, `pkg/spec/v1alpha1`).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::EnvError;
use super::decode::decode_environment;
use super::paths::ProjectPaths;
use crate::input::{MAX_SMALL_FILE_BYTES, read_regular};

/// The only `apiVersion` Tanka knows.
pub const API_VERSION: &str = "tanka.dev/v1alpha1";
/// The `kind` of an environment object.
pub const KIND: &str = "Environment";

/// A Tanka `Environment` (`tanka.dev/v1alpha1`), without `data`.
///
/// Field order is Go's struct order, so serializing it (see [`Environment::to_ext_code`])
/// gives the JSON Tanka produces. [`Environment::default`] is Tanka's `v1alpha1.New()`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Environment {
    /// Always `tanka.dev/v1alpha1`.
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    /// Always `Environment`.
    pub kind: String,
    /// Name, "namespace" (entrypoint path) and labels.
    pub metadata: Metadata,
    /// The spec.
    pub spec: Spec,
}

/// `metadata` of an [`Environment`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Metadata {
    /// Environment name (`None` when empty).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The entrypoint path relative to the root (not a Kubernetes namespace).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Labels.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
}

/// `spec` of an [`Environment`].
///
/// String fields mirror Go's zero values: an empty string means "not set" and is left out
/// when serializing (Go's `omitempty`), except `namespace`, which is always written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Spec {
    /// Kubernetes API server URL (`https://` is prefixed when it has no scheme).
    #[serde(rename = "apiServer", skip_serializing_if = "String::is_empty")]
    pub api_server: String,
    /// kubectl context names (alternative to `apiServer`).
    #[serde(rename = "contextNames", skip_serializing_if = "Vec::is_empty")]
    pub context_names: Vec<String>,
    /// Kubernetes namespace objects default to (`default` unless set; empty = no defaulting).
    pub namespace: String,
    /// `tk diff` strategy.
    #[serde(rename = "diffStrategy", skip_serializing_if = "String::is_empty")]
    pub diff_strategy: String,
    /// `tk apply` strategy.
    #[serde(rename = "applyStrategy", skip_serializing_if = "String::is_empty")]
    pub apply_strategy: String,
    /// Whether to inject the `tanka.dev/environment` label.
    #[serde(rename = "injectLabels", skip_serializing_if = "not_true")]
    pub inject_labels: Option<bool>,
    /// Environment fields whose values make up the environment label
    /// (default `.metadata.name`, `.metadata.namespace`).
    #[serde(
        rename = "tankaEnvLabelFromFields",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub tanka_env_label_from_fields: Vec<String>,
    /// Labels and annotations every object gets unless it sets them itself.
    #[serde(rename = "resourceDefaults")]
    pub resource_defaults: ResourceDefaults,
    /// Version constraints (`tanka`).
    #[serde(rename = "expectVersions")]
    pub expect_versions: ExpectVersions,
    /// Evaluator to use for `tk export` (e.g. `binary:/usr/bin/jrsonnet`).
    #[serde(
        rename = "exportJsonnetImplementation",
        skip_serializing_if = "String::is_empty"
    )]
    pub export_jsonnet_implementation: String,
}

/// `spec.resourceDefaults` of an [`Environment`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ResourceDefaults {
    /// Annotations added to objects that do not set them.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    /// Labels added to objects that do not set them.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
}

/// `spec.expectVersions` of an [`Environment`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ExpectVersions {
    /// Semver constraint on the Tanka version.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub tanka: String,
}

fn not_true(v: &Option<bool>) -> bool {
    *v != Some(true)
}

impl Default for Spec {
    fn default() -> Self {
        Spec {
            api_server: String::new(),
            context_names: Vec::new(),
            namespace: "default".to_string(),
            diff_strategy: String::new(),
            apply_strategy: String::new(),
            inject_labels: None,
            tanka_env_label_from_fields: Vec::new(),
            resource_defaults: ResourceDefaults::default(),
            expect_versions: ExpectVersions::default(),
            export_jsonnet_implementation: String::new(),
        }
    }
}

impl Default for Environment {
    fn default() -> Self {
        Environment {
            api_version: API_VERSION.to_string(),
            kind: KIND.to_string(),
            metadata: Metadata::default(),
            spec: Spec::default(),
        }
    }
}

impl Environment {
    /// Read `<base>/spec.json` as Tanka's static loader does (name/namespace derived from paths).
    ///
    /// `metadata.name` is the base directory relative to the root, overwriting whatever
    /// `spec.json` says; `metadata.namespace` is the entrypoint relative to the root. A missing
    /// `spec.json` gives the defaults with those two fields (such an environment is not static,
    /// see [`ProjectPaths::is_static`]). Deprecation warnings are dropped; use
    /// [`Environment::load_static_with_warnings`] to get them.
    pub fn load_static(paths: &ProjectPaths) -> Result<Self, EnvError> {
        Self::load_static_with_warnings(paths).map(|(env, _)| env)
    }

    /// [`Environment::load_static`], also returning Tanka's warnings about deprecated
    /// top-level fields (`namespace`, `server`, `team`).
    pub fn load_static_with_warnings(
        paths: &ProjectPaths,
    ) -> Result<(Self, Vec<String>), EnvError> {
        let file = paths.spec_file();
        // Tanka's wording, after the file's path (Tanka names no file).
        let spec_err = |message: String| EnvError::Spec {
            message: format!("{}: {message}", super::display_path(&file)),
            path: file.clone(),
        };
        let (mut env, warnings) = match read_regular(&file, MAX_SMALL_FILE_BYTES) {
            Ok(bytes) => {
                let value: Value = serde_json::from_slice(&bytes)
                    .map_err(|e| spec_err(format!("parsing spec.json: {e}")))?;
                parse(&value, paths.entrypoint_rel(), &file).map_err(|e| match e {
                    EnvError::Spec { message, .. } => spec_err(message),
                    other => other,
                })?
            }
            Err(e) if e.is_not_found() => {
                let mut env = Environment::default();
                env.metadata.namespace = Some(paths.entrypoint_rel());
                (env, Vec::new())
            }
            Err(e) => {
                return Err(EnvError::Unreadable {
                    path: file,
                    reason: e.to_string(),
                });
            }
        };
        // Tanka's "legacy behavior": the name always comes from the directory.
        env.metadata.name = Some(paths.env_name());
        Ok((env, warnings))
    }

    /// Parse an inline `Environment` object (its `data` ignored).
    ///
    /// Parsed like `spec.json` (same defaults, same errors); `metadata.namespace` is set to the
    /// entrypoint relative to the root, the name is the object's own.
    pub fn from_inline(value: &Value, paths: &ProjectPaths) -> Result<Self, EnvError> {
        parse(value, paths.entrypoint_rel(), &paths.entrypoint).map(|(env, _)| env)
    }

    /// `metadata.name`, or `""` when it has none.
    pub fn name(&self) -> &str {
        self.metadata.name.as_deref().unwrap_or("")
    }

    /// Whether `spec.injectLabels` is true.
    pub fn injects_labels(&self) -> bool {
        self.spec.inject_labels == Some(true)
    }

    /// The environment as compact JSON, as Go's `json.Marshal` writes it (struct field order,
    /// empty optional fields left out, `<`, `>`, `&` escaped). This is `tk env list --json`'s
    /// element shape.
    pub fn to_json(&self) -> String {
        let text = serde_json::to_string(self).unwrap_or_default();
        go_html_escape(&text)
    }

    /// The JSON Tanka passes as ext code `tanka.dev/environment` (the environment without `data`).
    pub fn to_ext_code(&self) -> String {
        self.to_json()
    }
}

/// Go's `encoding/json` escapes `<`, `>`, `&`, U+2028 and U+2029 inside strings. They can only
/// occur inside strings in JSON text, so a plain replacement is exact.
fn go_html_escape(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// Tanka's `spec.Parse`: decode over the defaults, map deprecated top-level fields, default the
/// API server scheme, set `metadata.namespace`.
fn parse(
    value: &Value,
    namespace: String,
    path: &Path,
) -> Result<(Environment, Vec<String>), EnvError> {
    let spec_err = |message: String| EnvError::Spec {
        path: path.to_path_buf(),
        message,
    };
    let mut env = Environment::default();
    decode_environment(value, &mut env).map_err(|e| spec_err(format!("parsing spec.json: {e}")))?;
    let warnings = deprecated(value, &mut env).map_err(spec_err)?;
    if !env.spec.api_server.is_empty() && !has_scheme(&env.spec.api_server) {
        env.spec.api_server = format!("https://{}", env.spec.api_server);
    }
    env.metadata.namespace = Some(namespace);
    Ok((env, warnings))
}

/// Whether `url` matches `^.+://`.
fn has_scheme(url: &str) -> bool {
    url.match_indices("://")
        .any(|(i, _)| i > 0 && !url[..i].contains('\n'))
}

/// Deprecated top-level fields: `namespace` -> `spec.namespace`, `server` -> `spec.apiServer`,
/// `team` -> `metadata.labels.team`. Returns one warning per field used; a non-string value is
/// an error worded as Tanka's (`` `server` is of type float64 but should be string ``).
fn deprecated(value: &Value, env: &mut Environment) -> Result<Vec<String>, String> {
    let Value::Object(obj) = value else {
        return Ok(Vec::new());
    };
    let mut warnings = Vec::new();
    for (old, new) in [
        ("namespace", "spec.namespace"),
        ("server", "spec.apiServer"),
        ("team", "metadata.labels.team"),
    ] {
        let Some(v) = obj.get(old) else { continue };
        let Value::String(s) = v else {
            return Err(format!(
                "`{old}` is of type {} but should be string",
                go_type_name(v)
            ));
        };
        match old {
            "namespace" => env.spec.namespace = s.clone(),
            "server" => env.spec.api_server = s.clone(),
            _ => {
                env.metadata.labels.insert("team".to_string(), s.clone());
            }
        }
        warnings.push(format!(
            "spec.json uses the deprecated field `{old}`, use `{new}` instead"
        ));
    }
    Ok(warnings)
}

/// What Go's `fmt.Sprintf("%s", reflect.TypeOf(v))` prints for a value decoded from JSON into
/// `interface{}` (like `%T`, except for `null`).
fn go_type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "%!s(<nil>)",
        other => super::go_type(other),
    }
}
