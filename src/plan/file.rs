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
//!     plan: consul-to-memberlist  # optional: the plan a chained prerequisite step comes from
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
//! Errors name the file, the line and column, and the field by its path (`steps[2].config`:
//! `unknown field `chnage`, expected one of …`, `invalid type: …`, `duplicate key 'x'`). Step
//! ids must be unique; the plan name, step ids and step names must be safe in file names and
//! overlay comments ([`validate_component`](super::validate_component)). A plan file is a
//! regular file of at most 16 MiB; YAML aliases (`*name`) are not allowed, and a YAML plan
//! holds at most 250 000 values nested at most 64 deep.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use serde::de::{Error as _, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::validate::{quoted, validate_component};
use super::{
    Change, OrderedMap, Plan, PlanError, ReplicaOverride, Step, StepCheck, StepKind, Wait,
    WorkloadKind,
};
use crate::mimir::Direction;

/// Nodes (values, keys, lists and maps) a YAML plan may hold: serde-saphyr's default budget.
const MAX_YAML_NODES: usize = 250_000;
/// How deep a YAML plan may nest: serde-saphyr's default budget.
const MAX_YAML_DEPTH: usize = 64;

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

/// A plan as written to a file.
#[derive(Debug, Serialize)]
struct PlanDoc {
    name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    direction: Option<Direction>,
    steps: Vec<StepDoc>,
}

/// A plan as read from a file: every step checked as it is read, so that errors carry the
/// location of the step.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LoadDoc {
    #[serde(deserialize_with = "component")]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    direction: Option<Direction>,
    #[serde(deserialize_with = "checked_steps")]
    steps: Vec<Step>,
}

fn config_kind() -> StepKind {
    StepKind::Config
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StepDoc {
    #[serde(deserialize_with = "id_text")]
    id: String,
    #[serde(deserialize_with = "component")]
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    plan: Option<String>,
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

/// A step id written as a string or as a YAML/JSON number (`3.1`, `2`), checked by
/// [`validate_component`].
fn id_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        Text(String),
        Int(u64),
        Float(f64),
    }
    let id = match Id::deserialize(deserializer)? {
        Id::Text(s) => s,
        Id::Int(n) => n.to_string(),
        Id::Float(f) => f.to_string(),
    };
    checked(id)
}

/// A plan name or step name, checked by [`validate_component`].
fn component<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    checked(String::deserialize(deserializer)?)
}

fn checked<E: serde::de::Error>(text: String) -> Result<String, E> {
    match validate_component(&text) {
        Ok(()) => Ok(text),
        Err(why) => Err(E::custom(format_args!("{} {why}", quoted(&text)))),
    }
}

/// The steps of a plan file, each converted and checked as it is read ([`Step::validate`]);
/// ids unique, at least one step.
fn checked_steps<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Step>, D::Error> {
    struct Checked(Step);

    impl<'de> Deserialize<'de> for Checked {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let step = StepDoc::deserialize(deserializer)?
                .into_step()
                .map_err(D::Error::custom)?;
            Ok(Checked(step))
        }
    }

    struct Steps;

    impl<'de> Visitor<'de> for Steps {
        type Value = Vec<Step>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of steps")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Step>, A::Error> {
            let mut steps: Vec<Step> = Vec::new();
            let mut seen: HashMap<String, usize> = HashMap::new();
            while let Some(Checked(step)) = seq.next_element()? {
                let i = steps.len();
                if let Some(first) = seen.insert(step.id.clone(), i) {
                    return Err(A::Error::custom(format_args!(
                        "step id '{}' is used twice (steps[{first}] and steps[{i}])",
                        step.id
                    )));
                }
                steps.push(step);
            }
            if steps.is_empty() {
                return Err(A::Error::custom("the plan has no steps"));
            }
            Ok(steps)
        }
    }

    deserializer.deserialize_seq(Steps)
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
        let step = Step {
            id: self.id,
            name: self.name,
            plan: self.plan,
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
        };
        step.validate()?;
        Ok(step)
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
            plan: step.plan.clone(),
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

impl LoadDoc {
    fn into_plan(self) -> Plan {
        Plan {
            name: self.name,
            description: self.description,
            direction: self.direction,
            steps: self.steps,
            resume_after: None,
        }
    }
}

impl Plan {
    /// Parse a plan file's text in `format`. `source` names the file in errors.
    ///
    /// The plan is checked as it is read ([`Plan::validate`]): errors name the file, the line
    /// and column, and the field by its path (`steps[3].name`).
    pub fn from_text(text: &str, format: PlanFormat, source: &str) -> Result<Plan, PlanError> {
        let loaded = match format {
            PlanFormat::Json => load_json(text),
            PlanFormat::Yaml => load_yaml(text),
        };
        let doc = loaded.map_err(|(line, column, message)| PlanError::File {
            path: source.to_string(),
            line,
            column,
            message,
        })?;
        let plan = doc.into_plan();
        plan.validate()?;
        Ok(plan)
    }

    /// Read a plan file (YAML or JSON, see [`PlanFormat::detect`]).
    ///
    /// Only a regular file (symlinks followed) of at most 16 MiB is read: a FIFO or a device
    /// such as `/dev/zero` would block or never end. Text that is not UTF-8 is refused with the
    /// line, column and byte offset of the first bad byte.
    pub fn from_file(path: &Path) -> Result<Plan, PlanError> {
        let file_err = |line: Option<u64>, column: Option<u64>, message: String| PlanError::File {
            path: path.display().to_string(),
            line,
            column,
            message,
        };
        let bytes =
            crate::input::read_regular(path, crate::input::MAX_SMALL_FILE_BYTES).map_err(|e| {
                match e {
                    crate::input::ReadError::Io(_) => {
                        file_err(None, None, format!("cannot read it: {e}"))
                    }
                    _ => file_err(None, None, format!("the plan file {e}")),
                }
            })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            let before = &e.as_bytes()[..at];
            let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            let line_start = before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            file_err(
                Some(line),
                Some((at - line_start) as u64 + 1),
                format!("not valid UTF-8 (invalid byte at byte offset {at})"),
            )
        })?;
        let format = PlanFormat::detect(path, &text);
        Plan::from_text(&text, format, &path.display().to_string())
    }
}

/// Parse JSON, keeping the path of the field an error is about.
fn load_json(text: &str) -> Result<LoadDoc, Located> {
    let located = |path: &str, e: serde_json::Error| {
        let message = at_path(path, json_message(&e));
        match e.line() {
            0 => (None, None, message),
            line => (Some(line as u64), Some(e.column() as u64), message),
        }
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let doc = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| located(&e.path().to_string(), e.into_inner()))?;
    de.end().map_err(|e| located("", e))?;
    Ok(doc)
}

/// Parse YAML without aliases and within serde-saphyr's default size budget, keeping the path
/// of the field an error is about.
fn load_yaml(text: &str) -> Result<LoadDoc, Located> {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_aliases = 0;
    budget.max_nodes = MAX_YAML_NODES;
    budget.max_depth = MAX_YAML_DEPTH;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    let mut path = String::new();
    let doc = serde_saphyr::with_deserializer_from_str_with_options(text, options, |de| {
        serde_path_to_error::deserialize(de).map_err(|e| {
            path = e.path().to_string();
            e.into_inner()
        })
    });
    doc.map_err(|e| {
        let message = at_path(&path, yaml_message(&e));
        match e.location() {
            Some(l) if l.line() > 0 => (Some(l.line()), Some(l.column()), message),
            _ => (None, None, message),
        }
    })
}

/// A load error: line and column (1-based, when known) and the message.
type Located = (Option<u64>, Option<u64>, String);

/// `message` prefixed with the path of the field it is about (`steps[2].config: …`), unless the
/// error is about the whole file.
fn at_path(path: &str, message: String) -> String {
    // `?` stands for a map key that was being read (a duplicate key, say): name the map.
    let path = path.strip_suffix(".?").unwrap_or(path);
    if path.is_empty() || path == "." || path == "?" {
        message
    } else {
        format!("{path}: {message}")
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

/// serde_json's message in the user's terms, without the location it appends.
fn json_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let message = match text.rfind(" at line ") {
        Some(i) => &text[..i],
        None => &text,
    };
    if message == "recursion limit exceeded" {
        return "the plan nests too deeply (JSON allows at most 128 levels)".into();
    }
    match message
        .strip_prefix("duplicate field `")
        .and_then(|rest| rest.strip_suffix('`'))
    {
        Some(key) => format!("duplicate key '{key}'"),
        None => message.to_string(),
    }
}

/// serde-saphyr's message in the user's terms, on one line, without the location it appends.
fn yaml_message(e: &serde_saphyr::Error) -> String {
    use serde_saphyr::Error as E;
    use serde_saphyr::budget::BudgetBreach as B;
    match e {
        E::DuplicateMappingKey { key: Some(key), .. } => format!("duplicate key '{key}'"),
        E::DuplicateMappingKey { key: None, .. } => "duplicate key".into(),
        E::RecursiveReferencesRequireWeakTypes { .. }
        | E::AliasReplayCounterOverflow { .. }
        | E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. }
        | E::UnknownAnchor { .. }
        | E::Budget {
            breach: B::Aliases { .. },
            ..
        } => "YAML aliases (*name) are not allowed in plan files".into(),
        E::AliasError { error, .. } | E::WithSnippet { error, .. } => yaml_message(error),
        E::Budget {
            breach: B::Depth { .. },
            ..
        } => format!("the plan nests too deeply (at most {MAX_YAML_DEPTH} levels)"),
        E::Budget {
            breach: B::Nodes { .. },
            ..
        } => format!("the plan file is too large (at most {MAX_YAML_NODES} YAML values)"),
        E::Budget { .. } => "the plan file is too large or too deeply nested".into(),
        E::MultipleDocuments { .. } => {
            "a plan file holds one YAML document (found a second one after '---')".into()
        }
        _ => {
            let options = serde_saphyr::render_options! {
                snippets: serde_saphyr::SnippetMode::Off,
            };
            let text = e.render_with_options(options);
            let first = text.lines().next().unwrap_or("").trim();
            let message = match first.rfind(" at line ") {
                Some(i) => &first[..i],
                None => first,
            };
            if message == "recursion limit exceeded" {
                // The YAML parser's limit on nested flow collections (`[[[…]]]`).
                return "the plan nests too deeply".into();
            }
            message.to_string()
        }
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
