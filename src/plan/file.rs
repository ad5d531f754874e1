//! Plan files: a [`Plan`] written by hand in YAML or JSON, and the export of any plan in that
//! format (`tkstep plan --export yaml`).
//!
//! The file schema is flat and delta-based: each step lists only its own changes, and the
//! cumulative overlay after a step is computed from the steps before it ([`Plan::cumulative`]),
//! so deleting or reordering a step in the file changes the plan the way a reader expects.
//!
//! ```yaml
//! name: my-migration
//! description: What the plan does.
//! direction: to-read-write        # optional; inferred from the last deployment_mode set
//! steps:
//!   - id: '2'                     # quote ids: 3.10 would read as the number 3.1
//!     name: deploy-rw-at-zero
//!     kind: config                # config (default), verify, route or wait
//!     description: Switch to migration mode.
//!     prerequisites: [text, …]
//!     config:                     # _config keys; null removes a key set by an earlier step
//!       deployment_mode: migration
//!     args:                       # hidden flag maps: <field>+:: { '<flag>': value }
//!       store_gateway_args:
//!         store-gateway.sharding-ring.unregister-on-shutdown: true
//!     remove_args: [field, …]     # drop earlier patches of these flag maps
//!     replicas:                   # withReplicas overrides, by object field
//!       querier_deployment: 0     # kind and object name from the field name
//!       my_custom_field: {kind: StatefulSet, object: my-sts, replicas: 0}
//!     remove_replicas: [field, …] # drop earlier overrides
//!     jsonnet: |                  # raw Jsonnet object added after the generated overlay
//!       { querier_args+:: { 'querier.max-concurrent': 16 } }
//!     remove_jsonnet: [step id, …]
//!     checks: [{type: promql, query: …, expect: …}, {type: ring, rings: […], expect: …},
//!              {type: manual, text: …}]
//!     waits: [{reason: …, duration: 2h}]
//! ```
//!
//! Errors name the file, the line and column, and the field (serde's messages: `unknown field
//! `chnage`, expected one of …`, `invalid type: …`). Step ids must be unique; the plan name,
//! step ids and step names must be one line (they are written into overlay comments).

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::{
    Change, OrderedMap, Plan, PlanError, ReplicaOverride, Step, StepCheck, StepKind, Wait,
    WorkloadKind,
};
use crate::mimir::Direction;

/// The format of a plan file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlanFormat {
    /// YAML (`.yaml`, `.yml`).
    Yaml,
    /// JSON (`.json`).
    Json,
}

impl PlanFormat {
    /// The format of `path` by its extension, else by its first non-blank character (`{` is
    /// JSON, anything else YAML).
    pub fn detect(path: &Path, text: &str) -> PlanFormat {
        match path.extension().and_then(|e| e.to_str()) {
            Some("yaml" | "yml") => PlanFormat::Yaml,
            Some("json") => PlanFormat::Json,
            _ if text.trim_start().starts_with('{') => PlanFormat::Json,
            _ => PlanFormat::Yaml,
        }
    }

    /// `yaml` or `json`.
    pub fn as_str(self) -> &'static str {
        match self {
            PlanFormat::Yaml => "yaml",
            PlanFormat::Json => "json",
        }
    }
}

impl fmt::Display for PlanFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for PlanFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "yaml" | "yml" => Ok(PlanFormat::Yaml),
            "json" => Ok(PlanFormat::Json),
            other => Err(format!("unknown plan format '{other}' (yaml or json)")),
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanDoc {
    name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    direction: Option<Direction>,
    steps: Vec<StepDoc>,
}

fn config_kind() -> StepKind {
    StepKind::Config
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StepDoc {
    #[serde(deserialize_with = "id_text")]
    id: String,
    name: String,
    #[serde(default = "config_kind")]
    kind: StepKind,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    description: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    prerequisites: Vec<String>,
    #[serde(default, skip_serializing_if = "OrderedMap::is_empty")]
    config: OrderedMap<Value>,
    #[serde(
        default,
        alias = "hidden",
        skip_serializing_if = "OrderedMap::is_empty"
    )]
    args: OrderedMap<OrderedMap<Value>>,
    #[serde(
        default,
        alias = "remove_hidden",
        skip_serializing_if = "Vec::is_empty"
    )]
    remove_args: Vec<String>,
    #[serde(
        default,
        alias = "overrides",
        skip_serializing_if = "OrderedMap::is_empty"
    )]
    replicas: OrderedMap<ReplicasDoc>,
    #[serde(
        default,
        alias = "remove_overrides",
        skip_serializing_if = "Vec::is_empty"
    )]
    remove_replicas: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    jsonnet: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    remove_jsonnet: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    checks: Vec<StepCheck>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    waits: Vec<Wait>,
}

/// A replica override in a file: a bare count (kind and object from the field name) or the
/// full form.
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum ReplicasDoc {
    Count(u32),
    Full(FullOverride),
}

impl<'de> Deserialize<'de> for ReplicasDoc {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = ReplicasDoc;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a replica count, or {kind: Deployment|StatefulSet, object, replicas}")
            }

            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<ReplicasDoc, E> {
                u32::try_from(n)
                    .map(ReplicasDoc::Count)
                    .map_err(|_| E::custom(format!("replica count {n} is too large")))
            }

            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<ReplicasDoc, E> {
                match u64::try_from(n) {
                    Ok(n) => self.visit_u64(n),
                    Err(_) => Err(E::custom(format!("replica count {n} is negative"))),
                }
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<ReplicasDoc, A::Error> {
                FullOverride::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(ReplicasDoc::Full)
            }
        }
        deserializer.deserialize_any(V)
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FullOverride {
    kind: WorkloadKind,
    object: String,
    replicas: u32,
}

/// A step id written as a string or as a YAML/JSON number (`3.1`, `2`).
fn id_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        Text(String),
        Int(u64),
        Float(f64),
    }
    Ok(match Id::deserialize(deserializer)? {
        Id::Text(s) => s,
        Id::Int(n) => n.to_string(),
        Id::Float(f) => f.to_string(),
    })
}

/// The kind and object name a field name implies: `query_frontend_deployment` →
/// `Deployment query-frontend`, `ingester_zone_a_statefulset` → `StatefulSet ingester-zone-a`.
pub fn infer_override_target(field: &str) -> Option<(WorkloadKind, String)> {
    let (base, kind) = if let Some(base) = field.strip_suffix("_deployment") {
        (base, WorkloadKind::Deployment)
    } else if let Some(base) = field.strip_suffix("_statefulset") {
        (base, WorkloadKind::StatefulSet)
    } else {
        return None;
    };
    (!base.is_empty()).then(|| (kind, base.replace('_', "-")))
}

impl StepDoc {
    fn into_step(self) -> Result<Step, String> {
        let mut overrides = Vec::with_capacity(self.replicas.len());
        for (field, doc) in self.replicas.iter() {
            let o = match doc {
                ReplicasDoc::Count(n) => {
                    let (kind, object) = infer_override_target(field).ok_or_else(|| {
                        format!(
                            "step '{}': replicas.{field}: cannot tell the object from the field \
                             name (it does not end in _deployment or _statefulset); write \
                             {{kind: Deployment|StatefulSet, object: <name>, replicas: {n}}}",
                            self.id
                        )
                    })?;
                    ReplicaOverride {
                        field: field.to_string(),
                        kind,
                        object,
                        replicas: *n,
                    }
                }
                ReplicasDoc::Full(f) => ReplicaOverride {
                    field: field.to_string(),
                    kind: f.kind,
                    object: f.object.clone(),
                    replicas: f.replicas,
                },
            };
            overrides.push(o);
        }
        if !self.kind.eq(&StepKind::Config) {
            let has_change = !self.config.is_empty()
                || !self.args.is_empty()
                || !overrides.is_empty()
                || self.jsonnet.is_some()
                || !self.remove_args.is_empty()
                || !self.remove_replicas.is_empty()
                || !self.remove_jsonnet.is_empty();
            if has_change {
                return Err(format!(
                    "step '{}': a {} step cannot change Jsonnet (config, args, replicas, jsonnet \
                     and remove_* belong to config steps)",
                    self.id, self.kind
                ));
            }
        }
        Ok(Step {
            id: self.id,
            name: self.name,
            kind: self.kind,
            description: self.description,
            prerequisites: self.prerequisites,
            change: Change {
                config: self.config,
                hidden: self.args,
                remove_hidden: self.remove_args,
                overrides,
                remove_overrides: self.remove_replicas,
                jsonnet: self.jsonnet,
                remove_jsonnet: self.remove_jsonnet,
            },
            checks: self.checks,
            waits: self.waits,
        })
    }

    fn from_step(step: &Step) -> StepDoc {
        let c = &step.change;
        let replicas = c
            .overrides
            .iter()
            .map(|o| {
                let doc = match infer_override_target(&o.field) {
                    Some((kind, object)) if kind == o.kind && object == o.object => {
                        ReplicasDoc::Count(o.replicas)
                    }
                    _ => ReplicasDoc::Full(FullOverride {
                        kind: o.kind,
                        object: o.object.clone(),
                        replicas: o.replicas,
                    }),
                };
                (o.field.clone(), doc)
            })
            .collect();
        StepDoc {
            id: step.id.clone(),
            name: step.name.clone(),
            kind: step.kind,
            description: step.description.clone(),
            prerequisites: step.prerequisites.clone(),
            config: c.config.clone(),
            args: c.hidden.clone(),
            remove_args: c.remove_hidden.clone(),
            replicas,
            remove_replicas: c.remove_overrides.clone(),
            jsonnet: c.jsonnet.clone(),
            remove_jsonnet: c.remove_jsonnet.clone(),
            checks: step.checks.clone(),
            waits: step.waits.clone(),
        }
    }
}

impl PlanDoc {
    fn into_plan(self) -> Result<Plan, String> {
        if self.steps.is_empty() {
            return Err("the plan has no steps".to_string());
        }
        one_line("the plan name", &self.name)?;
        let mut steps: Vec<Step> = Vec::with_capacity(self.steps.len());
        for doc in self.steps {
            let step = doc.into_step()?;
            one_line("a step id", &step.id)?;
            one_line("a step name", &step.name)?;
            if steps.iter().any(|s| s.id == step.id) {
                return Err(format!("step id '{}' is used twice", step.id));
            }
            steps.push(step);
        }
        Ok(Plan {
            name: self.name,
            description: self.description,
            direction: self.direction,
            steps,
        })
    }
}

/// Ids and names are written into overlay comments (`// step <id>`) as they are: a line break
/// or other control character would end the comment and turn the rest into Jsonnet code.
fn one_line(what: &str, text: &str) -> Result<(), String> {
    if text.chars().any(char::is_control) {
        return Err(format!(
            "{what} must be one line without control characters (got {text:?})"
        ));
    }
    Ok(())
}

impl Plan {
    /// Parse a plan file's text in `format`. `source` names the file in errors.
    pub fn from_text(text: &str, format: PlanFormat, source: &str) -> Result<Plan, PlanError> {
        let err = |line: Option<u64>, column: Option<u64>, message: String| PlanError::File {
            path: source.to_string(),
            line,
            column,
            message,
        };
        let doc: PlanDoc = match format {
            PlanFormat::Json => serde_json::from_str(text).map_err(|e| {
                let (line, column) = (e.line() as u64, e.column() as u64);
                let message = with_field(text, line, column, strip_json_location(&e.to_string()));
                err(Some(line), Some(column), message)
            })?,
            PlanFormat::Yaml => serde_saphyr::from_str(text).map_err(|e| match e.location() {
                Some(l) if l.line() > 0 => {
                    let message = with_field(text, l.line(), l.column(), yaml_message(&e));
                    err(Some(l.line()), Some(l.column()), message)
                }
                _ => err(None, None, yaml_message(&e)),
            })?,
        };
        doc.into_plan().map_err(|m| err(None, None, m))
    }

    /// Read a plan file (YAML or JSON, see [`PlanFormat::detect`]).
    ///
    /// Only a regular file (symlinks followed) of at most 16 MiB is read: a FIFO or a device
    /// such as `/dev/zero` would block or never end.
    pub fn from_file(path: &Path) -> Result<Plan, PlanError> {
        let file_err = |message: String| PlanError::File {
            path: path.display().to_string(),
            line: None,
            column: None,
            message,
        };
        let bytes =
            crate::input::read_regular(path, crate::input::MAX_SMALL_FILE_BYTES).map_err(|e| {
                match e {
                    crate::input::ReadError::Io(_) => file_err(format!("cannot read it: {e}")),
                    _ => file_err(format!("the plan file {e}")),
                }
            })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            file_err(format!(
                "not valid UTF-8 (invalid byte at byte offset {at})"
            ))
        })?;
        let format = PlanFormat::detect(path, &text);
        Plan::from_text(&text, format, &path.display().to_string())
    }
}

/// The plan in the plan-file schema, as YAML or JSON text (ends with a newline).
pub fn write_plan(plan: &Plan, format: PlanFormat) -> Result<String, PlanError> {
    let doc = PlanDoc {
        name: plan.name.clone(),
        description: plan.description.clone(),
        direction: plan.direction,
        steps: plan.steps.iter().map(StepDoc::from_step).collect(),
    };
    let fail = |message: String| PlanError::File {
        path: format!("<{format} export>"),
        line: None,
        column: None,
        message,
    };
    match format {
        PlanFormat::Json => serde_json::to_string_pretty(&doc)
            .map(|s| s + "\n")
            .map_err(|e| fail(e.to_string())),
        PlanFormat::Yaml => {
            let mut text = serde_saphyr::to_string(&doc).map_err(|e| fail(e.to_string()))?;
            if !text.ends_with('\n') {
                text.push('\n');
            }
            Ok(text)
        }
    }
}

/// `message`, prefixed with `field \`<key>\`: ` for the key written last before `column` on
/// line `line` of `text` (serde's type errors do not name the field), unless the message
/// already quotes a field name.
fn with_field(text: &str, line: u64, column: u64, message: String) -> String {
    if message.contains("field `") {
        return message;
    }
    let Some(line_text) = usize::try_from(line.saturating_sub(1))
        .ok()
        .and_then(|i| text.lines().nth(i))
    else {
        return message;
    };
    let end = line_text
        .char_indices()
        .nth(usize::try_from(column).unwrap_or(usize::MAX))
        .map_or(line_text.len(), |(i, _)| i);
    let Ok(re) = regex::Regex::new(r#"(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_.\-]+))\s*:"#) else {
        return message;
    };
    let key_in = |part: &str| {
        re.captures_iter(part)
            .last()
            .and_then(|c| c.get(1).or_else(|| c.get(2)).or_else(|| c.get(3)))
            .map(|m| m.as_str().to_string())
    };
    // The last key before the error; when the error points at the start of a line, that
    // line's key.
    let key = key_in(&line_text[..end]).or_else(|| key_in(line_text));
    match key {
        Some(key) => format!("field `{key}`: {message}"),
        None => message,
    }
}

/// serde_json's message without its trailing ` at line L column C`.
fn strip_json_location(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// serde-saphyr's message, on one line, without the location it appends.
fn yaml_message(e: &serde_saphyr::Error) -> String {
    let options = serde_saphyr::render_options! {
        snippets: serde_saphyr::SnippetMode::Off,
    };
    let text = e.render_with_options(options);
    let first = text.lines().next().unwrap_or("").trim();
    match first.rfind(" at line ") {
        Some(i) => first[..i].to_string(),
        None => first.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn override_targets_from_field_names() {
        assert_eq!(
            infer_override_target("query_frontend_deployment"),
            Some((WorkloadKind::Deployment, "query-frontend".into()))
        );
        assert_eq!(
            infer_override_target("mimir_write_zone_b_statefulset"),
            Some((WorkloadKind::StatefulSet, "mimir-write-zone-b".into()))
        );
        assert_eq!(infer_override_target("read_scaled_object"), None);
        assert_eq!(infer_override_target("_deployment"), None);
    }

    #[test]
    fn format_by_extension_or_content() {
        assert_eq!(
            PlanFormat::detect(Path::new("p.yml"), "{}"),
            PlanFormat::Yaml
        );
        assert_eq!(
            PlanFormat::detect(Path::new("p.json"), "name: x"),
            PlanFormat::Json
        );
        assert_eq!(
            PlanFormat::detect(Path::new("plan"), "  {\"name\": 1}"),
            PlanFormat::Json
        );
        assert_eq!(
            PlanFormat::detect(Path::new("plan"), "name: x"),
            PlanFormat::Yaml
        );
    }

    #[test]
    fn numeric_ids_and_default_kind() {
        let plan = Plan::from_text(
            "name: p\nsteps:\n  - id: 3.1\n    name: a\n    replicas: {querier_deployment: 0}\n",
            PlanFormat::Yaml,
            "p.yaml",
        )
        .unwrap();
        assert_eq!(plan.steps[0].id, "3.1");
        assert_eq!(plan.steps[0].kind, StepKind::Config);
        assert_eq!(plan.steps[0].change.overrides[0].object, "querier");
    }

    #[test]
    fn yaml_errors_name_line_and_field() {
        let err = Plan::from_text(
            "name: p\nsteps:\n  - id: '1'\n    name: a\n    chnage: {}\n",
            PlanFormat::Yaml,
            "p.yaml",
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("p.yaml:5:"), "{err}");
        assert!(err.contains("chnage"), "{err}");
    }

    #[test]
    fn json_errors_name_line_and_field() {
        let err = Plan::from_text(
            "{\"name\": \"p\",\n \"steps\": [{\"id\": \"1\", \"name\": \"a\",\n \"config\": 3}]}",
            PlanFormat::Json,
            "p.json",
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("p.json:3:"), "{err}");
        assert!(err.contains("invalid type"), "{err}");
    }

    #[test]
    fn direction_is_explicit_or_inferred_from_the_last_mode() {
        let text = |mode: &str, direction: &str| {
            format!(
                "name: p\n{direction}steps:\n  - {{id: '1', name: a, config: {{deployment_mode: {mode}}}}}\n"
            )
        };
        let load = |t: String| Plan::from_text(&t, PlanFormat::Yaml, "p.yaml").unwrap();
        assert_eq!(
            load(text("microservices", "")).direction(),
            Direction::ToMicroservices
        );
        assert_eq!(
            load(text("read-write", "")).direction(),
            Direction::ToReadWrite
        );
        assert_eq!(
            load(text("read-write", "direction: to-microservices\n")).direction(),
            Direction::ToMicroservices
        );
    }

    #[test]
    fn ids_and_names_must_be_one_line() {
        for doc in [
            "name: p\nsteps:\n  - {id: \"1\\n}\", name: a}\n",
            "name: p\nsteps:\n  - {id: '1', name: \"a\\tb\"}\n",
            "name: \"p\\n\"\nsteps:\n  - {id: '1', name: a}\n",
        ] {
            let err = Plan::from_text(doc, PlanFormat::Yaml, "p.yaml")
                .unwrap_err()
                .to_string();
            assert!(err.contains("must be one line"), "{doc}: {err}");
        }
    }

    #[test]
    fn verify_steps_cannot_change_jsonnet() {
        let err = Plan::from_text(
            "name: p\nsteps:\n  - {id: '1', name: a, kind: verify, config: {x: 1}}\n",
            PlanFormat::Yaml,
            "p.yaml",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("verify step cannot change Jsonnet"), "{err}");
    }
}
