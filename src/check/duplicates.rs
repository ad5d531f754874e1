//! `duplicate-objects`: two rendered objects with the same apiVersion, kind, namespace and
//! name. `tk show` prints both; on a cluster the one applied last silently replaces the other.
//! Reported once, at the step that introduces the duplicate, naming the JSON path of each copy.

use super::rules::Rule;
use super::{Ctx, Finding};
use crate::manifest::new_duplicates;

pub(crate) fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for (index, dup) in new_duplicates(ctx.steps.iter().map(|s| s.manifests)) {
        let object = format!("{}/{}", dup.id.kind, dup.id.name);
        let reason = format!(
            "{dup}: on a cluster the copy applied last silently replaces the other (remove one, \
             or give them different names)"
        );
        out.push(ctx.finding(Rule::DuplicateObjects, index, vec![object], reason));
    }
}
