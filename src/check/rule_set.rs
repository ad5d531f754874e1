//! Which invariants a plan is checked against: each plan brings its own rule set.
//!
//! The set is chosen from what the plan's steps *do* (like the adaptation rules), so plan files
//! get the right rules without saying anything:
//! - a plan with a `direction`, or whose steps set `deployment_mode`, moves between
//!   microservices and read-write mode: the read-write invariants ([`RuleSet::ReadWrite`], every
//!   rule of [`super::run_refs`]);
//! - a plan whose steps set `multikv_*` keys moves hash rings between KV stores: the
//!   consul-to-memberlist invariants ([`RuleSet::ConsulToMemberlist`], see
//!   [`super::consul_rules`]) and the general ones;
//! - any other plan (query-scheduler discovery, ruler remote evaluation, memberlist cluster
//!   label, your own): the general invariants only ([`RuleSet::General`]): no StatefulSet holding
//!   data disappears, no duplicate objects, no invalid replica counts.

use super::view::StepView;
use super::{Direction, Finding, Findings, Rule, StepRef, join_names};
use crate::plan::Plan;

/// The invariants a plan is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleSet {
    /// The read-write migration's invariants, run for the plan's direction.
    ReadWrite(Direction),
    /// [`RuleSet::ReadWrite`] and the consul-to-memberlist invariants: a read-write plan with
    /// `consul-to-memberlist` chained in front.
    ReadWriteAfterConsul(Direction),
    /// Hash rings from Consul to memberlist through a multi KV store, plus [`RuleSet::General`].
    ConsulToMemberlist,
    /// Only the invariants every plan keeps (`stateful-removed`, `duplicate-objects`,
    /// `invalid-replicas`).
    General,
}

impl RuleSet {
    /// The rule set of `plan`, from what its steps change.
    pub fn for_plan(plan: &Plan) -> RuleSet {
        let sets = |pred: &dyn Fn(&str) -> bool| {
            plan.steps.iter().any(|s| s.change.config.keys().any(pred))
        };
        let multikv = sets(&|k| k.starts_with("multikv_"));
        if plan.direction.is_some() || sets(&|k| k == "deployment_mode") {
            if multikv {
                RuleSet::ReadWriteAfterConsul(plan.direction())
            } else {
                RuleSet::ReadWrite(plan.direction())
            }
        } else if multikv {
            RuleSet::ConsulToMemberlist
        } else {
            RuleSet::General
        }
    }

    /// A short name: `read-write`, `consul-to-memberlist` or `general`.
    pub fn label(self) -> &'static str {
        match self {
            RuleSet::ReadWrite(_) => "read-write",
            RuleSet::ReadWriteAfterConsul(_) => "read-write after consul-to-memberlist",
            RuleSet::ConsulToMemberlist => "consul-to-memberlist",
            RuleSet::General => "general",
        }
    }

    /// The rules this set runs, in report order.
    pub fn rules(self) -> Vec<Rule> {
        match self {
            RuleSet::ReadWrite(_) => Rule::ALL
                .into_iter()
                .filter(|r| !super::consul_rules::RULES.contains(r))
                .collect(),
            RuleSet::ReadWriteAfterConsul(_) => Rule::ALL.to_vec(),
            RuleSet::ConsulToMemberlist => {
                let mut rules = super::consul_rules::RULES.to_vec();
                rules.extend(GENERAL);
                rules
            }
            RuleSet::General => GENERAL.to_vec(),
        }
    }

    /// Run the set on `steps` (index 0 = before any step). `final_overlay` is the final step's
    /// overlay source (read by the read-write set).
    pub fn run(self, steps: &[StepRef<'_>], final_overlay: Option<&str>) -> Findings {
        let views: Vec<StepView<'_>> = steps
            .iter()
            .enumerate()
            .map(|(i, s)| StepView::new(i, *s))
            .collect();
        if let RuleSet::ReadWrite(direction) | RuleSet::ReadWriteAfterConsul(direction) = self {
            let read_write = super::run_refs(steps, &direction.sides(), final_overlay);
            let mut all = read_write.findings;
            if matches!(self, RuleSet::ReadWriteAfterConsul(_)) {
                // Consul going away is the prerequisite's purpose; consul-still-used guards it.
                all.retain(|f| {
                    !(f.rule == Rule::SilentRemoval && f.objects == ["Deployment/consul"])
                });
                super::consul_rules::check(steps, &views, &mut all);
            }
            let mut findings = Findings::new(read_write.steps, all);
            findings.rules_run = Some(self.rules().len());
            return findings;
        }
        let mut out = Vec::new();
        if self == RuleSet::ConsulToMemberlist {
            super::consul_rules::check(steps, &views, &mut out);
        }
        stateful_removed(&views, &mut out);
        let sides = Direction::ToReadWrite.sides();
        let ctx = super::Ctx {
            steps: views,
            sides: &sides,
            final_overlay: None,
        };
        super::duplicates::check(&ctx, &mut out);
        super::replica_counts::check(&ctx, &mut out);
        let mut findings = super::findings_of(steps, out);
        findings.rules_run = Some(self.rules().len());
        findings
    }
}

/// The rules every plan is checked against, whatever it changes (they read objects only).
const GENERAL: [Rule; 3] = [
    Rule::StatefulRemoved,
    Rule::DuplicateObjects,
    Rule::InvalidReplicas,
];

/// A finding of `rule` at `step`.
pub(crate) fn finding(
    rule: Rule,
    step: &StepView<'_>,
    objects: Vec<String>,
    reason: String,
) -> Finding {
    Finding {
        rule,
        severity: rule.severity(),
        step: step.id.to_string(),
        step_name: step.name.to_string(),
        objects,
        reason,
    }
}

/// `stateful-removed` outside a read-write plan: no step may delete a StatefulSet that has
/// volume claim templates (there is no final clean-up that would hand its role over).
fn stateful_removed(steps: &[StepView<'_>], out: &mut Vec<Finding>) {
    for pair in steps.windows(2) {
        let (prev, cur) = (&pair[0], &pair[1]);
        let gone: Vec<String> = prev
            .workloads
            .values()
            .filter(|w| w.kind == "StatefulSet" && !w.claims.is_empty() && !cur.has(w.name))
            .map(|w| w.label())
            .collect();
        if gone.is_empty() {
            continue;
        }
        out.push(finding(
            Rule::StatefulRemoved,
            cur,
            gone.clone(),
            format!(
                "this step deletes {}, whose volumes hold data: nothing in this plan takes it \
                 over; move the data first or keep the StatefulSet",
                join_names(&gone)
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{CONSUL_TO_MEMBERLIST, Params, QUERY_SCHEDULER_RING, TO_MICROSERVICES};

    #[test]
    fn rule_sets_follow_what_the_steps_change() {
        let params = Params::default();
        let of = |name: &str| RuleSet::for_plan(&Plan::builtin(name, &params).unwrap());
        assert_eq!(
            of("to-read-write"),
            RuleSet::ReadWrite(Direction::ToReadWrite)
        );
        assert_eq!(
            of(TO_MICROSERVICES),
            RuleSet::ReadWrite(Direction::ToMicroservices)
        );
        assert_eq!(of(CONSUL_TO_MEMBERLIST), RuleSet::ConsulToMemberlist);
        assert_eq!(of(QUERY_SCHEDULER_RING), RuleSet::General);
        assert!(!RuleSet::General.rules().contains(&Rule::FinalOldWorkloads));
        assert!(
            !RuleSet::ReadWrite(Direction::ToReadWrite)
                .rules()
                .contains(&Rule::ConsulStillUsed)
        );
        assert!(
            RuleSet::ConsulToMemberlist
                .rules()
                .contains(&Rule::ConsulStillUsed)
        );
    }
}
