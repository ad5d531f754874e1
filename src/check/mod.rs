//! Migration safety checks on the rendered manifests of every step.
//!
//! The input is the plan as rendered: [`StepRender`]s in order, index 0 being the environment
//! before any step (id `before`). Because the rules read Kubernetes objects only (replicas,
//! container args, volume claim templates, KEDA ScaledObjects), they work on any plan,
//! including hand-written ones. Each rule ([`Rule`]) has a stable id and a severity; see
//! [`Rule::description`] for the list.
//!
//! Rules are written against the *roles* of the two modes ([`crate::mimir::Sides`]: the side being
//! decommissioned and the side taking over), so the reverse migration (read-write →
//! microservices) runs the same code with the sides swapped
//! ([`Direction::sides`](crate::mimir::Direction::sides)).
//!
//! ```
//! use tkstep::check::{self, StepRender};
//! use tkstep::mimir::Direction;
//! let steps = vec![StepRender { id: "before".into(), name: "before".into(), manifests: vec![] }];
//! let findings = check::run(&steps, Direction::ToReadWrite, None);
//! assert!(!findings.has_errors());
//! ```
//!
//! Objects are identified by kind and name (namespaces are ignored: a plan renders one
//! environment). Routing (which side the load balancer sends traffic to) is not visible in
//! manifests and is not checked.

mod capacity;
mod consul_rules;
mod duplicates;
mod final_state;
mod removals;
mod replica_counts;
mod report;
mod rule_set;
mod ruler;
mod rules;
mod store_gateway;
mod view;
mod write_path;
mod zones;

pub use report::{Finding, Findings, StepLabel, Summary};
pub use rule_set::RuleSet;
pub use rules::{Rule, Severity};

use crate::manifest::Manifest;
use crate::mimir::{Direction, Mode, Sides, WorkloadSet};
use view::StepView;

/// One step of a plan, rendered.
#[derive(Debug, Clone, PartialEq)]
pub struct StepRender {
    /// Step id (`before` for the environment before any step, then `1`, `2`, `3.1`, ...).
    pub id: String,
    /// Step name (`zone-awareness`, ...).
    pub name: String,
    /// The step's rendered objects.
    pub manifests: Vec<Manifest>,
}

/// A rendered step, borrowed: what the rules read. [`StepRender::as_ref`] gives one; callers
/// that keep their manifests elsewhere (e.g. [`crate::steps::PlanRun`]) build them directly
/// instead of copying every manifest.
#[derive(Debug, Clone, Copy)]
pub struct StepRef<'a> {
    /// Step id.
    pub id: &'a str,
    /// Step name.
    pub name: &'a str,
    /// The step's rendered objects.
    pub manifests: &'a [Manifest],
}

impl StepRender {
    /// This step, borrowed.
    pub fn as_ref(&self) -> StepRef<'_> {
        StepRef {
            id: &self.id,
            name: &self.name,
            manifests: &self.manifests,
        }
    }
}

/// Run every rule on `steps` (index 0 = before any step; the last step is the final state)
/// for a migration in `direction`. `final_overlay` is the Jsonnet source of the final step's
/// overlay, searched for leftover patches of old-mode objects.
pub fn run(steps: &[StepRender], direction: Direction, final_overlay: Option<&str>) -> Findings {
    run_with_sides(steps, &direction.sides(), final_overlay)
}

/// [`run`] with explicit [`Sides`] (e.g. for a library whose object names differ).
pub fn run_with_sides(
    steps: &[StepRender],
    sides: &Sides,
    final_overlay: Option<&str>,
) -> Findings {
    let steps: Vec<StepRef<'_>> = steps.iter().map(StepRender::as_ref).collect();
    run_refs(&steps, sides, final_overlay)
}

/// [`run_with_sides`] on borrowed steps.
pub fn run_refs(steps: &[StepRef<'_>], sides: &Sides, final_overlay: Option<&str>) -> Findings {
    let views: Vec<StepView<'_>> = steps
        .iter()
        .enumerate()
        .map(|(i, s)| StepView::new(i, *s))
        .collect();
    let ctx = Ctx {
        steps: views,
        sides,
        final_overlay,
    };
    let mut out = Vec::new();
    capacity::check(&ctx, &mut out);
    store_gateway::check(&ctx, &mut out);
    ruler::check(&ctx, &mut out);
    write_path::check(&ctx, &mut out);
    zones::check(&ctx, &mut out);
    removals::check(&ctx, &mut out);
    final_state::check(&ctx, &mut out);
    duplicates::check(&ctx, &mut out);
    replica_counts::check(&ctx, &mut out);
    findings_of(steps, out)
}

/// The findings of `steps`, labelled with each step's id and name.
fn findings_of(steps: &[StepRef<'_>], found: Vec<Finding>) -> Findings {
    let labels = steps
        .iter()
        .map(|s| StepLabel {
            id: s.id.to_string(),
            name: s.name.to_string(),
        })
        .collect();
    Findings::new(labels, found)
}

/// What every rule gets.
pub(crate) struct Ctx<'a> {
    pub steps: Vec<StepView<'a>>,
    pub sides: &'a Sides,
    pub final_overlay: Option<&'a str>,
}

impl Ctx<'_> {
    /// A finding of `rule` at step `index`.
    pub fn finding(
        &self,
        rule: Rule,
        index: usize,
        objects: Vec<String>,
        reason: String,
    ) -> Finding {
        rule_set::finding(rule, &self.steps[index], objects, reason)
    }

    /// Consecutive pairs `(previous, current)`.
    pub fn transitions(&self) -> impl Iterator<Item = (&StepView<'_>, &StepView<'_>)> {
        self.steps.windows(2).map(|w| (&w[0], &w[1]))
    }

    /// `hint` (a pointer into the documented procedure, e.g. ` (step 5.1)`) when the plan
    /// goes microservices → read-write, which is the direction those step numbers describe.
    pub fn hint(&self, hint: &'static str) -> &'static str {
        if self.sides.old.mode == Mode::Microservices {
            hint
        } else {
            ""
        }
    }

    /// The last step, when the plan has at least one step after `before`.
    pub fn final_step(&self) -> Option<&StepView<'_>> {
        if self.steps.len() >= 2 {
            self.steps.last()
        } else {
            None
        }
    }
}

/// The names joined with `, `.
pub(crate) fn join_names<S: AsRef<str>>(names: &[S]) -> String {
    names
        .iter()
        .map(|s| s.as_ref())
        .collect::<Vec<_>>()
        .join(", ")
}
