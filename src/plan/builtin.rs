//! The built-in `to-read-write` plan (Mimir microservices → read-write mode), as data.
//!
//! One declarative listing per step, in procedure order, following `../shared/procedure.md`
//! (ids and names exactly as there). [`Params`] fill in replica counts, the read scaling mode and
//! the ingester zones (one `7.2<zone>` step per zone). The final step removes every replica
//! override earlier steps made: those are all microservice objects, which read-write mode no
//! longer renders (overriding a `null` field fails to evaluate).

use serde_json::Value;

use crate::mimir::Direction;

use super::{
    FlagTerm, Params, Plan, ReadScaling, Step, StepCheck, StepKind, Wait, WaitDuration,
    WorkloadKind,
};

/// Name of the built-in microservices → read-write plan.
pub const TO_READ_WRITE: &str = "to-read-write";

/// Name of the built-in read-write → microservices plan (the reverse migration).
pub const TO_MICROSERVICES: &str = "to-microservices";

/// Names of the built-in plans.
pub const BUILTIN_PLANS: &[&str] = &[
    TO_READ_WRITE,
    TO_MICROSERVICES,
    super::CONSUL_TO_MEMBERLIST,
    super::QUERY_SCHEDULER_RING,
    super::RULER_REMOTE_EVALUATION,
    super::MEMBERLIST_CLUSTER_LABEL,
];

pub(super) const UNREGISTER_ON_SHUTDOWN: &str =
    "store-gateway.sharding-ring.unregister-on-shutdown";

const READ_QUERIES_PROMQL: &str = r#"sum by (pod) (rate(cortex_querier_request_duration_seconds_count{job=~".*mimir-read.*", route=~"(prometheus|api_prom)_api_v1_.+"}[1m]))"#;
const QUERY_FRONTEND_PROMQL: &str =
    r#"sum by(pod) (rate(cortex_query_frontend_queries_total{pod!~"ruler-query-frontend.*"}[1m]))"#;
const DISTRIBUTOR_PROMQL: &str = r#"sum by (job) (rate(cortex_request_duration_seconds_count{job=~".*distributor.*", route=~"/distributor.Distributor/Push|/httpgrpc.*|api_(v1|prom)_push|otlp_v1_metrics"}[1m]))"#;

use StepKind::{Config, Route, Verify};
use WorkloadKind::{Deployment, StatefulSet};

impl Plan {
    /// The built-in plan called `name` (see [`BUILTIN_PLANS`]).
    pub fn builtin(name: &str, params: &Params) -> Result<Plan, super::PlanError> {
        match name {
            TO_READ_WRITE => Ok(Plan::to_read_write(params)),
            TO_MICROSERVICES => Ok(Plan::to_microservices(params)),
            _ => super::catalogue::data_plan(name, params).unwrap_or_else(|| {
                Err(super::PlanError::UnknownPlan {
                    name: name.to_string(),
                    known: BUILTIN_PLANS.iter().map(|s| s.to_string()).collect(),
                })
            }),
        }
    }

    /// The built-in `to-read-write` plan for `params` (call [`Params::validate`] first: invalid
    /// parameters give a plan that the environment or the checks reject).
    pub fn to_read_write(params: &Params) -> Plan {
        let mut steps = vec![
            Step::new(
                "1",
                "zone-awareness",
                Config,
                "Enable multi-zone ingesters and store-gateways, which read-write mode requires: \
                 each becomes one StatefulSet per zone. Ruler remote evaluation must go too, but \
                 that happens later (step 5.3).",
            )
            .set("multi_zone_ingester_enabled", true)
            .set("multi_zone_store_gateway_enabled", true)
            .requires(
                "If the environment still runs the single-zone ingester and store-gateway \
                 StatefulSets, move them to zones with Mimir's zone-aware migration first \
                 (multi_zone_ingester_migration_enabled, multi_zone_store_gateway_migration_enabled): \
                 this step alone replaces them with new per-zone StatefulSets.",
            )
            .check(StepCheck::manual(
                "The per-zone ingester and store-gateway StatefulSets are running and ready.",
            )),
            Step::new(
                "2",
                "deploy-rw-at-zero",
                Config,
                "Switch to migration mode: the read-write components (mimir-read, mimir-write, \
                 mimir-backend) are deployed next to the microservices and join the same rings, \
                 all at zero replicas. Read-path microservices restart because the \
                 query-scheduler switches to ring-based discovery.",
            )
            .set("deployment_mode", "migration")
            .set("mimir_write_replicas", 0)
            .set("mimir_read_replicas", 0)
            .set("mimir_backend_replicas", 0)
            .set("autoscaling_mimir_read_enabled", false)
            .check(StepCheck::manual(
                "Optional: compare each microservice's spec with its read-write counterpart \
                 (tkstep compare).",
            )),
            read_scale_up(params.read_scaling),
            Step::new(
                "3.2",
                "check-read",
                Verify,
                "Check that mimir-read serves queries: run a test query through a port-forward \
                 to mimir-read.",
            )
            .check(StepCheck::promql(
                READ_QUERIES_PROMQL,
                "a rate above zero for the mimir-read pods",
            )),
            Step::new(
                "3.3",
                "route-read",
                Route,
                "Route read requests to mimir-read in the load balancer.",
            )
            .check(StepCheck::promql(
                QUERY_FRONTEND_PROMQL,
                "drops to zero: the query-frontend microservice gets no more queries",
            )),
            Step::new(
                "4.1",
                "scale-up-backend",
                Config,
                &format!(
                    "Scale mimir-backend up to {} replicas, spread over the zones.",
                    params.backend_replicas
                ),
            )
            .set("mimir_backend_replicas", params.backend_replicas),
            backend_ring_checks(Step::new(
                "4.2",
                "check-backend",
                Verify,
                "Check that mimir-backend joined the backend rings and serves long-term data.",
            )),
            Step::new(
                "4.3",
                "route-backend",
                Route,
                "Route the compactor and ruler endpoints to mimir-backend in the load balancer.",
            ),
            Step::new(
                "5.1",
                "store-gateway-leave-ring",
                Config,
                "Make the microservice store-gateways leave the ring when they shut down (the \
                 library keeps zone store-gateways registered), while mimir-backend keeps its \
                 store-gateways registered across restarts.",
            )
            .flag("store_gateway_args", UNREGISTER_ON_SHUTDOWN, true)
            .flag("mimir_backend_args", UNREGISTER_ON_SHUTDOWN, false)
            .check(StepCheck::manual(
                "Roll this change out completely: every store-gateway-zone-* pod runs with \
                 -store-gateway.sharding-ring.unregister-on-shutdown=true before step 5.2 scales \
                 them to zero.",
            )),
            Step::new(
                "5.2",
                "scale-down-read-backend",
                Config,
                "Scale the microservice read and backend components to zero: the store-gateway \
                 zones (through their replica total), query-frontend, query-scheduler, querier \
                 (its autoscaling off), ruler, overrides-exporter and compactor.",
            )
            .requires("Step 5.1 is rolled out, so store-gateways leave the ring as they stop.")
            .set("multi_zone_store_gateway_replicas", 0)
            .set("autoscaling_querier_enabled", false)
            .replicas("query_frontend_deployment", Deployment, "query-frontend", 0)
            .replicas("query_scheduler_deployment", Deployment, "query-scheduler", 0)
            .replicas("querier_deployment", Deployment, "querier", 0)
            .replicas("ruler_deployment", Deployment, "ruler", 0)
            .replicas("overrides_exporter_deployment", Deployment, "overrides-exporter", 0)
            .replicas("compactor_statefulset", StatefulSet, "compactor", 0)
            .check(StepCheck::rings(
                &["query-scheduler", "compactor", "ruler", "store-gateway"],
                "the microservice members have left; only mimir-backend members remain",
            )),
            Step::new(
                "5.3",
                "disable-ruler-remote-eval",
                Config,
                "Turn off ruler remote evaluation and ruler-querier autoscaling, which read-write \
                 mode refuses: ruler-querier, ruler-query-frontend and ruler-query-scheduler go \
                 away.",
            )
            .requires(
                "The microservice ruler is at zero (step 5.2 rolled out); otherwise its rule \
                 evaluations fail.",
            )
            .set("ruler_remote_evaluation_enabled", false)
            .set("autoscaling_ruler_querier_enabled", false),
            Step::new(
                "6.1",
                "scale-up-write",
                Config,
                &format!(
                    "Scale mimir-write up to {} replicas, spread over the zones; they join the \
                     ingester ring next to the microservice ingesters.",
                    params.write_replicas
                ),
            )
            .set("mimir_write_replicas", params.write_replicas)
            .check(StepCheck::rings(
                &["ingester"],
                "lists the mimir-write-zone-* members as ACTIVE",
            )),
            Step::new(
                "6.2",
                "route-write",
                Route,
                "Route write requests to mimir-write in the load balancer.",
            )
            .check(StepCheck::promql(
                DISTRIBUTOR_PROMQL,
                "drops to zero: the distributor microservice gets no more writes",
            )),
            Step::new(
                "7.1",
                "scale-down-distributor",
                Config,
                "Scale the microservice distributor to zero.",
            )
            .replicas("distributor_deployment", Deployment, "distributor", 0)
            .wait(head_compaction_wait()),
        ];
        steps.extend(zone_scale_downs(
            &params.zones,
            "ingester",
            "Stopping the pods",
            "ingester",
        ));

        // Step 8 removes every replica override made before: all of them target microservice
        // objects, which are null in read-write mode.
        let overridden: Vec<String> = override_fields(&steps).collect();
        let mut cleanup = Step::new(
            "8",
            "cleanup-read-write",
            Config,
            "Switch to read-write mode, which removes every microservice object, and drop the \
             replica overrides of microservice objects (those fields no longer hold objects, and \
             overriding them fails to evaluate).",
        )
        .set("deployment_mode", "read-write")
        .check(StepCheck::manual(
            "Release the volumes the microservices left behind: the PersistentVolumeClaims of \
             the ingester, store-gateway and compactor StatefulSets.",
        ));
        cleanup.change.remove_overrides = overridden;
        steps.push(cleanup);

        Plan {
            name: TO_READ_WRITE.to_string(),
            direction: Some(Direction::ToReadWrite),
            description: "Move a Mimir environment from microservices to read-write mode without \
                          downtime: run both side by side in migration mode, move the read path, \
                          the backend and the write path one at a time, then remove the \
                          microservices."
                .to_string(),
            steps,
            resume_after: None,
        }
    }
}

/// Step 3.1 for the chosen read scaling.
fn read_scale_up(scaling: ReadScaling) -> Step {
    let keep = "The microservices keep their replicas and autoscaling; mimir-read's queriers \
                start taking queries from the query-schedulers, whose ring they share.";
    let step = match scaling {
        ReadScaling::Fixed(n) => Step::new(
            "3.1",
            "scale-up-read",
            Config,
            &format!("Scale mimir-read up to {n} replicas. {keep}"),
        )
        .set("mimir_read_replicas", n),
        ReadScaling::Autoscaling { min, max } => Step::new(
            "3.1",
            "scale-up-read",
            Config,
            &format!(
                "Autoscale mimir-read between {min} and {max} replicas (KEDA), with no fixed \
                 replica count. {keep}"
            ),
        )
        .set("mimir_read_replicas", Value::Null)
        .set("autoscaling_mimir_read_enabled", true)
        .set("autoscaling_mimir_read_min_replicas", min)
        .set("autoscaling_mimir_read_max_replicas", max),
    };
    step.check(StepCheck::manual(
        "The mimir-read pods are running and ready.",
    ))
}

/// The wait after an ingester zone went down: until the blocks it uploaded are queryable.
fn blocks_queryable_wait(object: &str, last: bool) -> Wait {
    Wait {
        reason: format!(
            "the blocks {object} uploaded to become queryable, before {}",
            if last {
                "the clean-up"
            } else {
                "the next zone goes down"
            }
        ),
        duration: None,
        computed_from: vec![
            FlagTerm {
                flag: "querier.query-store-after".to_string(),
                factor: 1,
                default: WaitDuration::hours(12),
                read_from: vec!["querier".into(), "mimir-read".into()],
            },
            FlagTerm {
                flag: "blocks-storage.bucket-store.sync-interval".to_string(),
                factor: 2,
                default: WaitDuration::minutes(15),
                read_from: vec!["store-gateway-zone-*".into(), "mimir-backend-zone-*".into()],
            },
            FlagTerm {
                flag: "compactor.cleanup-interval".to_string(),
                factor: 2,
                default: WaitDuration::minutes(15),
                read_from: vec!["compactor".into(), "mimir-backend-zone-*".into()],
            },
        ],
    }
}

/// The wait for the ingesters' next TSDB head compaction.
/// The checks of step 4.2 (both directions): the backend rings list members of both modes, and
/// long-term data is served.
pub(super) fn backend_ring_checks(step: Step) -> Step {
    step.check(StepCheck::rings(
        &["query-scheduler", "store-gateway", "compactor", "ruler"],
        "lists both microservice and mimir-backend members",
    ))
    .check(StepCheck::manual(
        "A few test queries over long-term data (served by store-gateways) succeed.",
    ))
}

pub(super) fn head_compaction_wait() -> Wait {
    Wait {
        reason: "the ingesters' next TSDB head compaction".to_string(),
        duration: None,
        computed_from: vec![FlagTerm {
            flag: "blocks-storage.tsdb.block-ranges-period".to_string(),
            factor: 1,
            default: WaitDuration::hours(2),
            read_from: vec!["ingester-zone-*".into(), "mimir-write-zone-*".into()],
        }],
    }
}

/// The fields of every replica override `steps` make, in step order.
pub(super) fn override_fields(steps: &[Step]) -> impl Iterator<Item = String> + '_ {
    steps
        .iter()
        .flat_map(|s| s.change.overrides.iter().map(|o| o.field.clone()))
}

/// Steps 7.2<zone>, one per zone: the `<workload>-zone-<zone>` StatefulSet (whose pods run
/// ingesters) to zero, after Mimir's ingester shutdown procedure. `stopping` opens the sentence
/// saying that stopping the pods is part of that procedure; `member` names what to call the
/// shutdown endpoint of (`ingester`, `pod`).
pub(super) fn zone_scale_downs<'a>(
    zones: &'a [String],
    workload: &'a str,
    stopping: &'a str,
    member: &'a str,
) -> impl Iterator<Item = Step> + 'a {
    zones.iter().enumerate().map(move |(i, zone)| {
        let object = format!("{workload}-zone-{zone}");
        let field = format!("{}_zone_{zone}_statefulset", workload).replace('-', "_");
        Step::new(
            &Params::zone_step_id(zone),
            &format!("scale-down-{object}"),
            Config,
            &format!(
                "Scale {object} to zero, one zone per step. {stopping} is part of Mimir's \
                 ingester shutdown procedure; skipping that procedure loses data."
            ),
        )
        .requires(&format!(
            "Mimir's procedure for shutting down ingesters in multiple zones, for {object}: call \
             the /ingester/shutdown endpoint of every {member} of the zone and wait until each \
             call returned and the ingester logged that its TSDB blocks are flushed and shipped."
        ))
        .replicas(&field, StatefulSet, &object, 0)
        .wait(blocks_queryable_wait(&object, i + 1 == zones.len()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_drive_the_ingester_steps() {
        let params = Params {
            zones: vec!["a".into(), "east-2".into()],
            ..Params::default()
        };
        let plan = Plan::to_read_write(&params);
        let ids: Vec<&str> = plan.steps.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(&ids[ids.len() - 3..], ["7.2a", "7.2-east-2", "8"]);
        let east = &plan.steps[ids.len() - 2];
        assert_eq!(east.name, "scale-down-ingester-zone-east-2");
        assert_eq!(
            east.change.overrides[0].field,
            "ingester_zone_east_2_statefulset"
        );
        assert_eq!(east.change.overrides[0].object, "ingester-zone-east-2");
        let last = plan.steps.last().unwrap();
        assert!(
            last.change
                .remove_overrides
                .contains(&"ingester_zone_east_2_statefulset".to_string())
        );
    }

    #[test]
    fn replica_params_fill_the_scale_up_steps() {
        let params = Params {
            write_replicas: 6,
            backend_replicas: 9,
            read_scaling: ReadScaling::Fixed(4),
            ..Params::default()
        };
        let plan = Plan::to_read_write(&params);
        let value = |id: &str, key: &str| {
            let step = plan.steps.iter().find(|s| s.id == id).unwrap();
            step.change.config.get(key).cloned()
        };
        assert_eq!(value("3.1", "mimir_read_replicas"), Some(4.into()));
        assert_eq!(value("4.1", "mimir_backend_replicas"), Some(9.into()));
        assert_eq!(value("6.1", "mimir_write_replicas"), Some(6.into()));
    }

    #[test]
    fn unknown_builtin_plan_is_an_error() {
        let err = Plan::builtin("to-nowhere", &Params::default()).unwrap_err();
        assert!(err.to_string().contains("to-read-write"));
    }

    #[test]
    fn computed_ingester_wait_is_12h_with_defaults() {
        let plan = Plan::to_read_write(&Params::default());
        let step = plan.steps.iter().find(|s| s.id == "7.2b").unwrap();
        assert_eq!(
            step.waits[0].default_duration(),
            Some(WaitDuration::hours(12))
        );
        let step = plan.steps.iter().find(|s| s.id == "7.1").unwrap();
        assert_eq!(
            step.waits[0].default_duration(),
            Some(WaitDuration::hours(2))
        );
    }
}
