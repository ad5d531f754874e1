//! Object-level comparison of two manifest lists: which objects were added, removed or modified.

use super::redact::redact_secret;
use crate::manifest::{Manifest, ObjectId};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::fmt;

/// What happened to one object between two manifest lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// Present only in the `after` list.
    Added,
    /// Present only in the `before` list.
    Removed,
    /// Present in both, with different content.
    Modified,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Modified => "modified",
        })
    }
}

/// One changed object, with its content on each side (Secrets already redacted unless the
/// diff was made with `show_secrets`).
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectChange {
    /// The object's identity.
    pub id: ObjectId,
    /// Added, removed or modified.
    pub change: Change,
    /// The object before (`None` when added).
    pub before: Option<Value>,
    /// The object after (`None` when removed).
    pub after: Option<Value>,
}

/// Number of added, modified and removed objects. Displays as `+A ~M -R`, e.g. `+3 ~2 -0`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Objects added.
    pub added: usize,
    /// Objects modified.
    pub modified: usize,
    /// Objects removed.
    pub removed: usize,
}

impl Counts {
    /// Whether nothing was added, modified or removed.
    pub fn is_empty(&self) -> bool {
        self.added == 0 && self.modified == 0 && self.removed == 0
    }
}

impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "+{} ~{} -{}", self.added, self.modified, self.removed)
    }
}

/// The object-level difference between two manifest lists (no text yet).
///
/// Objects are matched by [`ObjectId`] (apiVersion, kind, namespace, name). If a list holds the
/// same id more than once, the n-th occurrence in `before` is matched with the n-th in `after`.
/// Matched objects are compared as JSON values (`==` on the maps, no text is produced), so
/// unchanged objects cost one equality check each.
///
/// # Order
///
/// Changes come in the order of the `after` list (normally Tanka's sort order). Each removed
/// object is placed directly after the nearest object that precedes it in `before` and still
/// exists in `after` (several removed objects behind the same anchor keep their `before` order);
/// removed objects with no such predecessor come first. The result is deterministic and, when
/// both lists are sorted the way Tanka sorts, usually the sorted position.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectDiff {
    pub(crate) changes: Vec<ObjectChange>,
    pub(crate) unchanged: usize,
}

impl ObjectDiff {
    /// The changed objects, in output order (see [Ordering](crate::diff#ordering)).
    pub fn changes(&self) -> &[ObjectChange] {
        &self.changes
    }

    /// How many objects are identical on both sides.
    pub fn unchanged(&self) -> usize {
        self.unchanged
    }

    /// Added / modified / removed counts.
    pub fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for c in &self.changes {
            match c.change {
                Change::Added => counts.added += 1,
                Change::Modified => counts.modified += 1,
                Change::Removed => counts.removed += 1,
            }
        }
        counts
    }

    /// Whether any object was added, removed or modified.
    pub fn has_changes(&self) -> bool {
        !self.changes.is_empty()
    }
}

/// Key of an object within one list: its id and which occurrence of that id it is.
type Key = (ObjectId, usize);

fn keys(list: &[Manifest]) -> Vec<Key> {
    let mut seen: HashMap<ObjectId, usize> = HashMap::new();
    list.iter()
        .map(|m| {
            let id = m.id();
            let n = seen.entry(id.clone()).or_insert(0);
            *n += 1;
            (id, *n - 1)
        })
        .collect()
}

fn content(map: &Map<String, Value>, redact: bool) -> Value {
    let mut map = map.clone();
    if redact {
        redact_secret(&mut map);
    }
    Value::Object(map)
}

/// Compare two lists; see [`ObjectDiff`] for matching and ordering rules.
pub(crate) fn classify(before: &[Manifest], after: &[Manifest], redact: bool) -> ObjectDiff {
    let before_keys = keys(before);
    let after_keys = keys(after);
    let before_index: HashMap<&Key, usize> = before_keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k, i))
        .collect();

    // Position in `after` of every `before` object that still exists.
    let mut after_pos: Vec<Option<usize>> = vec![None; before.len()];
    // Per `after` object: the change, if any.
    let mut after_changes: Vec<Option<ObjectChange>> = Vec::with_capacity(after.len());
    let mut unchanged = 0;
    for (i, key) in after_keys.iter().enumerate() {
        match before_index.get(key) {
            Some(&j) => {
                after_pos[j] = Some(i);
                if before[j].0 == after[i].0 {
                    unchanged += 1;
                    after_changes.push(None);
                } else {
                    after_changes.push(Some(ObjectChange {
                        id: key.0.clone(),
                        change: Change::Modified,
                        before: Some(content(&before[j].0, redact)),
                        after: Some(content(&after[i].0, redact)),
                    }));
                }
            }
            None => after_changes.push(Some(ObjectChange {
                id: key.0.clone(),
                change: Change::Added,
                before: None,
                after: Some(content(&after[i].0, redact)),
            })),
        }
    }

    // Removed objects, grouped by anchor: the `after` position of the nearest preceding
    // `before` object that survived (None = before everything).
    let mut removed_at: HashMap<Option<usize>, Vec<ObjectChange>> = HashMap::new();
    let mut anchor = None;
    for (j, key) in before_keys.iter().enumerate() {
        match after_pos[j] {
            Some(pos) => anchor = Some(pos),
            None => removed_at.entry(anchor).or_default().push(ObjectChange {
                id: key.0.clone(),
                change: Change::Removed,
                before: Some(content(&before[j].0, redact)),
                after: None,
            }),
        }
    }

    let mut changes = removed_at.remove(&None).unwrap_or_default();
    for (i, change) in after_changes.into_iter().enumerate() {
        changes.extend(change);
        if let Some(removed) = removed_at.remove(&Some(i)) {
            changes.extend(removed);
        }
    }
    ObjectDiff { changes, unchanged }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn m(kind: &str, name: &str, extra: Value) -> Manifest {
        let mut v = json!({"apiVersion": "v1", "kind": kind, "metadata": {"name": name}});
        if let (Value::Object(o), Value::Object(e)) = (&mut v, extra) {
            o.extend(e);
        }
        match v {
            Value::Object(map) => Manifest::new(map),
            _ => unreachable!(),
        }
    }

    fn order(d: &ObjectDiff) -> Vec<String> {
        d.changes
            .iter()
            .map(|c| format!("{}{}", &c.change.to_string()[..1], c.id.name))
            .collect()
    }

    #[test]
    fn removed_objects_follow_their_before_predecessor() {
        let a = m("ConfigMap", "a", json!({}));
        let b = m("ConfigMap", "b", json!({}));
        let c = m("ConfigMap", "c", json!({}));
        let d = m("ConfigMap", "d", json!({}));
        let x = m("ConfigMap", "x", json!({}));
        // a and d removed, x added, b and c unchanged.
        let diff = classify(
            &[a.clone(), b.clone(), c.clone(), d.clone()],
            &[b.clone(), x.clone(), c.clone()],
            true,
        );
        assert_eq!(order(&diff), ["ra", "ax", "rd"]);
        assert_eq!(diff.unchanged(), 2);
        assert_eq!(diff.counts().to_string(), "+1 ~0 -2");
    }

    #[test]
    fn duplicate_ids_pair_by_occurrence() {
        let a1 = m("ConfigMap", "a", json!({"data": {"k": "1"}}));
        let a2 = m("ConfigMap", "a", json!({"data": {"k": "2"}}));
        let diff = classify(&[a1.clone(), a2.clone()], std::slice::from_ref(&a1), true);
        assert_eq!(order(&diff), ["ra"]);
        assert_eq!(diff.changes[0].before.as_ref().unwrap()["data"]["k"], "2");
    }
}
