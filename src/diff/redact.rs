//! Hiding `Secret` values before they reach a diff or JSON output.

use super::fields::str_at;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// Marker text for one Secret value, e.g. `<redacted sha256:2c26b46b>`.
pub fn redaction_marker(value: &Value) -> String {
    let digest = match value {
        Value::String(s) => Sha256::digest(s.as_bytes()),
        other => Sha256::digest(other.to_string().as_bytes()),
    };
    format!("<redacted sha256:{}>", &hex::encode(digest)[..8])
}

/// Whether an object is a Secret (its `kind` is `Secret`).
pub fn is_secret(obj: &Map<String, Value>) -> bool {
    str_at(obj, &["kind"]) == Some("Secret")
}

/// Replace the values of `data` and `stringData` in a Secret by [`redaction_marker`]s.
/// Other objects are left untouched. `null` values stay `null`.
///
/// Every value under a Secret's `data` and `stringData` is replaced by a marker
/// `<redacted sha256:XXXXXXXX>`, where `XXXXXXXX` is the first 8 hex digits of the SHA-256 of the
/// value as written in the manifest (for `data` that is the base64 text, for `stringData` the
/// plain text; a non-string value is hashed as its compact JSON). Keys stay visible, so a diff
/// shows *which* key was added, removed or changed, and two equal values give equal markers
/// while a changed value gives a different marker.
///
/// The hash is a change detector, not encryption: a short unsalted hash of a low-entropy value
/// (a short password) can be confirmed by guessing. Use it to review, not to publish secrets.
///
/// Objects of any `apiVersion` whose `kind` is `Secret` are redacted. A `data`/`stringData`
/// field that is not an object (invalid in Kubernetes) is replaced by a single marker.
pub fn redact_secret(obj: &mut Map<String, Value>) {
    if !is_secret(obj) {
        return;
    }
    for field in ["data", "stringData"] {
        match obj.get_mut(field) {
            None | Some(Value::Null) => {}
            Some(Value::Object(values)) => {
                for value in values.values_mut() {
                    if !value.is_null() {
                        *value = Value::String(redaction_marker(value));
                    }
                }
            }
            Some(other) => *other = Value::String(redaction_marker(other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => unreachable!(),
        }
    }

    #[test]
    fn marker_is_sha256_prefix() {
        // sha256("foo") = 2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae
        assert_eq!(
            redaction_marker(&json!("foo")),
            "<redacted sha256:2c26b46b>"
        );
    }

    #[test]
    fn redacts_data_and_string_data_only_in_secrets() {
        let mut s = map(json!({"kind": "Secret", "metadata": {"name": "s"},
            "data": {"a": "Zm9v", "n": null}, "stringData": {"b": "foo"}, "type": "Opaque"}));
        redact_secret(&mut s);
        assert_eq!(s["data"]["a"], json!(redaction_marker(&json!("Zm9v"))));
        assert_eq!(s["data"]["n"], Value::Null);
        assert_eq!(s["stringData"]["b"], json!("<redacted sha256:2c26b46b>"));
        assert_eq!(s["type"], json!("Opaque"));

        let mut bad = map(json!({"kind": "Secret", "data": "oops"}));
        redact_secret(&mut bad);
        assert!(
            bad["data"]
                .as_str()
                .unwrap()
                .starts_with("<redacted sha256:")
        );

        let cm = map(json!({"kind": "ConfigMap", "data": {"a": "foo"}}));
        let mut cm2 = cm.clone();
        redact_secret(&mut cm2);
        assert_eq!(cm, cm2);
    }
}
