//! Warnings for objects rendered twice (same apiVersion, kind, namespace and name): `render`,
//! `diff`, `export` and `runbook` print them on stderr and go on, as `tk show` prints both
//! objects; `check` reports them as `duplicate-objects` errors.

use tkstep::manifest::{Manifest, new_duplicates};
use tkstep::steps::{self, RenderedStep};

/// Warn about the duplicates of each state, once, at the state that introduces them.
/// `states` are (what the state is, e.g. `step 5.2 (scale-down-read-backend)`, its objects).
pub fn warn<'a>(states: impl IntoIterator<Item = (String, &'a [Manifest])>) {
    let (labels, manifests): (Vec<String>, Vec<&[Manifest]>) = states.into_iter().unzip();
    for (i, dup) in new_duplicates(manifests) {
        eprintln!(
            "warning: {}: {dup}; on a cluster the copy applied last silently replaces the other",
            labels[i]
        );
    }
}

/// Warn about the duplicates of rendered plan states ([`steps::duplicate_warnings`]).
pub fn warn_steps<'a>(steps: impl IntoIterator<Item = &'a RenderedStep>) {
    for line in steps::duplicate_warnings(steps) {
        eprintln!("warning: {line}");
    }
}
