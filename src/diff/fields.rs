//! Small read-only accessors on a manifest's JSON map (private to the diff module).

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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_through_objects_only() {
        let Value::Object(m) = json!({"spec": {"a": {"b": 1}, "s": "x"}}) else {
            unreachable!()
        };
        assert_eq!(value_at(&m, &["spec", "a", "b"]), Some(&json!(1)));
        assert_eq!(value_at(&m, &[]), None);
        assert_eq!(str_at(&m, &["spec", "s"]), Some("x"));
        assert_eq!(str_at(&m, &["spec", "s", "deeper"]), None);
        assert_eq!(str_at(&m, &["spec", "a"]), None);
    }
}
