//! Tanka's native functions (`std.native(name)`), with Go semantics where they differ from Rust's.
//!
//! The Go behaviour lives in [`super::json_indent`] and [`super::re2`]; the `#[builtin]` wrappers
//! here only convert arguments and errors.

use jrsonnet_evaluator::function::builtin;
use jrsonnet_evaluator::{IStr, Result, Val, error};
use jrsonnet_stdlib::ContextInitializer;
use sha2::Digest;

use super::json::json_to_val;
use super::json_indent::json_indent;
use super::re2::{quote_meta, regex_match, regex_subst};

/// Register every native on the stdlib context.
pub(crate) fn register(ctx: &ContextInitializer) {
    ctx.add_native("parseJson", native_parse_json {});
    ctx.add_native("parseYaml", native_parse_yaml {});
    ctx.add_native("manifestJsonFromJson", native_manifest_json_from_json {});
    ctx.add_native("manifestYamlFromJson", native_manifest_yaml_from_json {});
    ctx.add_native("escapeStringRegex", native_escape_string_regex {});
    ctx.add_native("regexMatch", native_regex_match {});
    ctx.add_native("regexSubst", native_regex_subst {});
    ctx.add_native("sha256", native_sha256 {});
    ctx.add_native("helmTemplate", native_helm_template {});
    ctx.add_native("kustomizeBuild", native_kustomize_build {});
}

#[builtin]
fn native_parse_json(json: IStr) -> Result<Val> {
    let value: serde_json::Value =
        serde_json::from_str(&json).map_err(|e| error!("parseJson: {e}"))?;
    Ok(json_to_val(&value))
}

#[builtin]
fn native_parse_yaml(yaml: IStr) -> Result<Val> {
    let docs = crate::yaml::parse_stream(&yaml).map_err(|e| error!("parsing yaml: {e}"))?;
    Ok(Val::arr(docs.iter().map(json_to_val).collect::<Vec<_>>()))
}

#[builtin]
fn native_manifest_json_from_json(json: IStr, indent: f64) -> Result<String> {
    if !(0.0..=1e6).contains(&indent) {
        return Err(error!(
            "manifestJsonFromJson: indent must be between 0 and 1000000, got {indent}"
        ));
    }
    // Go converts the float64 with int(): truncation towards zero.
    let indent = " ".repeat(indent as usize);
    json_indent(&json, &indent).map_err(|e| error!("manifestJsonFromJson: {e}"))
}

#[builtin]
fn native_manifest_yaml_from_json(json: IStr) -> Result<String> {
    let value: serde_json::Value =
        serde_json::from_str(&json).map_err(|e| error!("manifestYamlFromJson: {e}"))?;
    Ok(crate::yaml::to_yaml_v3(&value))
}

#[builtin]
fn native_escape_string_regex(str: IStr) -> String {
    quote_meta(&str)
}

#[builtin]
fn native_regex_match(regex: IStr, string: IStr) -> Result<bool> {
    regex_match(&regex, &string).map_err(|e| error!("regexMatch: {e}"))
}

#[builtin]
fn native_regex_subst(regex: IStr, src: IStr, repl: IStr) -> Result<String> {
    regex_subst(&regex, &src, &repl).map_err(|e| error!("regexSubst: {e}"))
}

#[builtin]
fn native_sha256(str: IStr) -> String {
    hex::encode(sha2::Sha256::digest(str.as_bytes()))
}

#[builtin]
fn native_helm_template(name: IStr, chart: IStr, opts: Val) -> Result<Val> {
    let _ = (opts, chart);
    Err(error!(
        "helmTemplate (release {name}): Helm charts are not supported by tkstep"
    ))
}

#[builtin]
fn native_kustomize_build(path: IStr, opts: Val) -> Result<Val> {
    let _ = opts;
    Err(error!(
        "kustomizeBuild ({path}): Kustomize is not supported by tkstep"
    ))
}
