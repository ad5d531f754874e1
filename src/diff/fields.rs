//! Small read-only accessors on a manifest's JSON map (private to the diff module).

use crate::manifest::ObjectId;
use serde_json::{Map, Value};

/// The value at a path of object keys, if every step is an object holding the key.
pub(crate) fn value_at<'a>(obj: &'a Map<String, Value>, path: &[&str]) -> Option<&'a Value> {
    let (last, parents) = path.split_last()?;
    let mut map = obj;
    for key in parents {
        map = map.get(*key)?.as_object()?;
    }
    map.get(*last)
}

/// The string at a path, if present and a string.
pub(crate) fn str_at<'a>(obj: &'a Map<String, Value>, path: &[&str]) -> Option<&'a str> {
    value_at(obj, path)?.as_str()
}

/// The object's identity; missing or non-string fields become empty strings.
/// `name` falls back to `metadata.generateName`, as for Tanka's sort and export names.
pub(crate) fn object_id(obj: &Map<String, Value>) -> ObjectId {
    let name = str_at(obj, &["metadata", "name"])
        .or_else(|| str_at(obj, &["metadata", "generateName"]))
        .unwrap_or_default();
    ObjectId {
        api_version: str_at(obj, &["apiVersion"]).unwrap_or_default().to_owned(),
        kind: str_at(obj, &["kind"]).unwrap_or_default().to_owned(),
        namespace: str_at(obj, &["metadata", "namespace"])
            .unwrap_or_default()
            .to_owned(),
        name: name.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn id_uses_generate_name_and_tolerates_missing_fields() {
        let Value::Object(m) = json!({"kind": "Job", "metadata": {"generateName": "x-"}}) else {
            unreachable!()
        };
        let id = object_id(&m);
        assert_eq!(id.api_version, "");
        assert_eq!(id.kind, "Job");
        assert_eq!(id.name, "x-");
        assert_eq!(value_at(&m, &[]), None);
        assert_eq!(str_at(&m, &["metadata", "generateName", "deeper"]), None);
    }
}
