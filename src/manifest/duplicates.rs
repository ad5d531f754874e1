//! Objects rendered twice: the same apiVersion, kind, namespace and name at two JSON paths of
//! the evaluated output. `tk show` prints both, and on a cluster the one applied last silently
//! replaces the other; tkstep names both paths (a `duplicate-objects` finding in `check`, a
//! warning elsewhere).

use std::collections::HashMap;
use std::fmt;

use super::{Manifest, ObjectId};

/// One object identity rendered more than once.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Duplicate {
    /// The identity the objects share.
    pub id: ObjectId,
    /// The JSON path of each copy ([`Manifest::path`]), in output order (`?` when unknown).
    pub paths: Vec<String>,
}

impl fmt::Display for Duplicate {
    /// `mimir/Deployment/querier (apps/v1) is rendered 2 times, at .a.querier and .b.querier`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}) is rendered {} times, at {}",
            self.id,
            self.id.api_version,
            self.paths.len(),
            self.paths.join(" and ")
        )
    }
}

/// The identities that more than one of `manifests` has, in order of first appearance.
/// Objects without a `metadata.name` (only a `generateName`) are never duplicates: each
/// creates a new object.
pub fn duplicates(manifests: &[Manifest]) -> Vec<Duplicate> {
    use std::collections::hash_map::Entry;
    let path = |m: &Manifest| m.path().unwrap_or("?").to_string();
    // Identity → (first manifest, index in `found` once it is a duplicate).
    let mut seen: HashMap<ObjectId, (usize, Option<usize>)> = HashMap::new();
    let mut found: Vec<Duplicate> = Vec::new();
    for (i, m) in manifests.iter().enumerate() {
        if m.name().is_empty() {
            continue;
        }
        match seen.entry(m.id()) {
            Entry::Vacant(e) => {
                e.insert((i, None));
            }
            Entry::Occupied(mut e) => match e.get().1 {
                Some(d) => found[d].paths.push(path(m)),
                None => {
                    let first = e.get().0;
                    e.get_mut().1 = Some(found.len());
                    found.push(Duplicate {
                        id: e.key().clone(),
                        paths: vec![path(&manifests[first]), path(m)],
                    });
                }
            },
        }
    }
    found
}

/// The duplicates of each state of a plan that the state before it did not have, with the
/// state's index: what to report once, at the step that introduces it.
pub fn new_duplicates<'a>(
    states: impl IntoIterator<Item = &'a [Manifest]>,
) -> Vec<(usize, Duplicate)> {
    let mut out = Vec::new();
    let mut before: Vec<Duplicate> = Vec::new();
    for (i, manifests) in states.into_iter().enumerate() {
        let now = duplicates(manifests);
        out.extend(
            now.iter()
                .filter(|d| !before.contains(d))
                .map(|d| (i, d.clone())),
        );
        before = now;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn at(path: &str, v: serde_json::Value) -> Manifest {
        Manifest::at(v.as_object().cloned().unwrap_or_default(), path)
    }

    fn deploy(name: &str) -> serde_json::Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
               "metadata": {"name": name, "namespace": "ns"}})
    }

    #[test]
    fn same_identity_twice_names_both_paths() {
        let ms = [
            at(".a.x", deploy("x")),
            at(".a.y", deploy("y")),
            at(".b.x", deploy("x")),
            at(".c.x", deploy("x")),
        ];
        let found = duplicates(&ms);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].paths, [".a.x", ".b.x", ".c.x"]);
        assert_eq!(
            found[0].to_string(),
            "ns/Deployment/x (apps/v1) is rendered 3 times, at .a.x and .b.x and .c.x"
        );
    }

    #[test]
    fn other_api_version_namespace_or_generate_name_is_not_a_duplicate() {
        let mut other_ns = deploy("x");
        other_ns["metadata"]["namespace"] = json!("other");
        let mut other_api = deploy("x");
        other_api["apiVersion"] = json!("apps/v1beta1");
        let job =
            json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"generateName": "j-"}});
        let ms = [
            at(".a", deploy("x")),
            at(".b", other_ns),
            at(".c", other_api),
            at(".d", job.clone()),
            at(".e", job),
        ];
        assert!(duplicates(&ms).is_empty());
    }

    #[test]
    fn a_duplicate_is_new_only_at_the_step_that_introduces_it() {
        let one = [at(".a", deploy("x"))];
        let two = [at(".a", deploy("x")), at(".b", deploy("x"))];
        let found = new_duplicates([&one[..], &two[..], &two[..], &one[..], &two[..]]);
        let steps: Vec<usize> = found.iter().map(|(i, _)| *i).collect();
        assert_eq!(steps, [1, 4]);
    }
}
