//! The built-in `to-microservices` plan (Mimir read-write → microservices mode), as data.
//!
//! The procedure says its steps "can be applied vice-versa"; this plan mirrors the forward
//! order with the same step ids: migration mode with every microservice at zero (the
//! read-write side keeps its capacity), then the microservices scale up and take traffic path
//! by path (read, backend, write), then the read-write side goes away — mimir-backend's
//! store-gateways roll out `unregister-on-shutdown=true` before mimir-backend (and mimir-read)
//! go to zero, and mimir-write goes down one zone per step after the ingester shutdown
//! procedure. The last step switches to `deployment_mode: 'microservices'` and drops every
//! read-write override.
//!
//! How the microservices start at zero: objects with a replica count fixed by the library
//! (distributor, query-frontend, querier, query-scheduler, ruler, compactor) get `withReplicas(0)`
//! overrides, removed again when their path scales up; the zone StatefulSets follow their
//! replica totals (`multi_zone_ingester_replicas`, `multi_zone_store_gateway_replicas`), which
//! read-write environments usually leave at the library default of 0 — the plan sets them to
//! [`Params::ingester_replicas`] / [`Params::store_gateway_replicas`] (the read-write side's
//! capacity by default).

use serde_json::Value;

use super::builtin::{
    UNREGISTER_ON_SHUTDOWN, backend_ring_checks, head_compaction_wait, override_fields,
    zone_scale_downs,
};
use super::{
    DEFAULT_READ_WRITE_REPLICAS, Params, Plan, Step, StepCheck, StepKind, TO_MICROSERVICES,
    WorkloadKind,
};
use crate::mimir::Direction;

use StepKind::{Config, Route, Verify, Wait};
use WorkloadKind::{Deployment, StatefulSet};

const QUERIER_PROMQL: &str = r#"sum by (pod) (rate(cortex_querier_request_duration_seconds_count{job=~".+/querier", route=~"(prometheus|api_prom)_api_v1_.+"}[1m]))"#;
const MIMIR_READ_FRONTEND_PROMQL: &str =
    r#"sum by(pod) (rate(cortex_query_frontend_queries_total{pod=~"mimir-read.*"}[1m]))"#;
const MIMIR_WRITE_PUSH_PROMQL: &str = r#"sum by (job) (rate(cortex_request_duration_seconds_count{job=~".*mimir-write.*", route=~"/distributor.Distributor/Push|/httpgrpc.*|api_(v1|prom)_push|otlp_v1_metrics"}[1m]))"#;

/// Read-path microservices with a library-fixed replica count, held at 0 until step 3.1.
const READ_OBJECTS: &[(&str, WorkloadKind, &str)] = &[
    ("query_frontend_deployment", Deployment, "query-frontend"),
    ("querier_deployment", Deployment, "querier"),
];
/// Backend microservices held at 0 until step 4.1 (the ruler only when the environment
/// enables it; the adaptation drops overrides of objects that are not rendered).
const BACKEND_OBJECTS: &[(&str, WorkloadKind, &str)] = &[
    ("query_scheduler_deployment", Deployment, "query-scheduler"),
    ("ruler_deployment", Deployment, "ruler"),
    ("compactor_statefulset", StatefulSet, "compactor"),
];
/// Write-path microservices held at 0 until step 6.1.
const WRITE_OBJECTS: &[(&str, WorkloadKind, &str)] =
    &[("distributor_deployment", Deployment, "distributor")];

/// `_config` keys of the read-write side that the final step removes again.
pub(super) const READ_WRITE_KEYS: &[&str] = &[
    "mimir_write_replicas",
    "mimir_read_replicas",
    "mimir_backend_replicas",
    "autoscaling_mimir_read_enabled",
];

fn fields(objects: &[(&str, WorkloadKind, &str)]) -> Vec<String> {
    objects.iter().map(|(f, _, _)| f.to_string()).collect()
}

impl Plan {
    /// The built-in `to-microservices` plan for `params`: the forward steps mirrored (same
    /// ids). Migration mode with every microservice at zero (replica overrides for components
    /// the library gives a fixed count, zero zone totals for ingesters and store-gateways), the
    /// read-write side at its current capacity; read, backend, then write microservices scale
    /// up and take traffic; mimir-backend's store-gateways roll out unregister-on-shutdown
    /// before mimir-backend and mimir-read go to zero; mimir-write goes down one zone per step
    /// (`7.2<zone>`, zones from [`Params::zones`]); the last step switches to
    /// `deployment_mode: 'microservices'` and drops every read-write setting.
    ///
    /// The zone replica totals come from [`Params::ingester_replicas`] and
    /// [`Params::store_gateway_replicas`], [`DEFAULT_READ_WRITE_REPLICAS`] when unset (resolve
    /// them from the environment first with [`crate::steps::resolve_params`]).
    pub fn to_microservices(params: &Params) -> Plan {
        let ingesters = params
            .ingester_replicas
            .unwrap_or(DEFAULT_READ_WRITE_REPLICAS);
        let store_gateways = params
            .store_gateway_replicas
            .unwrap_or(DEFAULT_READ_WRITE_REPLICAS);
        let mut at_zero = Step::new(
            "2",
            "deploy-microservices-at-zero",
            Config,
            "Switch to migration mode: the microservices are deployed next to mimir-read, \
             mimir-write and mimir-backend and join the same rings, all at zero replicas (replica \
             overrides for the components whose count the library fixes, zero zone totals for \
             ingesters and store-gateways). The read-write side keeps its current capacity.",
        )
        .set("deployment_mode", "migration")
        .set("multi_zone_ingester_replicas", 0)
        .set("multi_zone_store_gateway_replicas", 0)
        .check(StepCheck::manual(
            "Optional: compare each microservice's spec with its read-write counterpart \
             (tkstep compare).",
        ));
        for (field, kind, object) in READ_OBJECTS
            .iter()
            .chain(BACKEND_OBJECTS)
            .chain(WRITE_OBJECTS)
        {
            at_zero = at_zero.replicas(field, *kind, object, 0);
        }

        let mut scale_up_read = Step::new(
            "3.1",
            "scale-up-read",
            Config,
            "Scale the read-path microservices up to the library's replica counts (drop their \
             zero overrides): query-frontend and querier start taking queries from the \
             query-schedulers, whose ring they share with mimir-read. mimir-read keeps its \
             replicas or autoscaling.",
        )
        .check(StepCheck::manual(
            "The query-frontend and querier pods are running and ready.",
        ));
        scale_up_read.change.remove_overrides = fields(READ_OBJECTS);

        let mut scale_up_backend = Step::new(
            "4.1",
            "scale-up-backend",
            Config,
            &format!(
                "Scale the backend microservices up: query-scheduler, compactor and ruler to the \
                 library's replica counts, and the store-gateway zones to {store_gateways} \
                 replicas in total."
            ),
        )
        .set("multi_zone_store_gateway_replicas", store_gateways);
        scale_up_backend.change.remove_overrides = fields(BACKEND_OBJECTS);

        let mut scale_up_write = Step::new(
            "6.1",
            "scale-up-write",
            Config,
            &format!(
                "Scale the write-path microservices up: the distributor to the library's replica \
                 count and the ingester zones to {ingesters} replicas in total; the ingesters \
                 join the ring next to mimir-write."
            ),
        )
        .set("multi_zone_ingester_replicas", ingesters)
        .check(StepCheck::rings(
            &["ingester"],
            "lists the ingester-zone-* members as ACTIVE",
        ));
        scale_up_write.change.remove_overrides = fields(WRITE_OBJECTS);

        let mut steps = vec![
            Step::new(
                "1",
                "zone-awareness",
                Config,
                "Keep multi-zone ingesters and store-gateways on. Read-write mode already \
                 requires them, so the rendered manifests do not change; the microservices must \
                 come up zone-aware next to mimir-write and mimir-backend, and the overlay keeps \
                 both keys so it stands on its own.",
            )
            .set("multi_zone_ingester_enabled", true)
            .set("multi_zone_store_gateway_enabled", true),
            at_zero,
            scale_up_read,
            Step::new(
                "3.2",
                "check-read",
                Verify,
                "Check that the querier microservice serves queries: run a test query through a \
                 port-forward to query-frontend.",
            )
            .check(StepCheck::promql(
                QUERIER_PROMQL,
                "a rate above zero for the querier pods",
            )),
            Step::new(
                "3.3",
                "route-read",
                Route,
                "Route read requests to query-frontend in the load balancer.",
            )
            .check(StepCheck::promql(
                MIMIR_READ_FRONTEND_PROMQL,
                "drops to zero: mimir-read gets no more queries",
            )),
            scale_up_backend,
            backend_ring_checks(Step::new(
                "4.2",
                "check-backend",
                Verify,
                "Check that the backend microservices joined the backend rings and serve \
                 long-term data.",
            )),
            Step::new(
                "4.3",
                "route-backend",
                Route,
                "Route the compactor and ruler endpoints to the compactor and ruler \
                 microservices in the load balancer.",
            ),
            Step::new(
                "5.1",
                "store-gateway-leave-ring",
                Config,
                "Make mimir-backend's store-gateways leave the ring when they shut down (the \
                 library keeps them registered), while the microservice store-gateways keep \
                 their registration across restarts.",
            )
            .flag("mimir_backend_args", UNREGISTER_ON_SHUTDOWN, true)
            .flag("store_gateway_args", UNREGISTER_ON_SHUTDOWN, false)
            .check(StepCheck::manual(
                "Roll this change out completely: every mimir-backend-zone-* pod runs with \
                 -store-gateway.sharding-ring.unregister-on-shutdown=true before step 5.2 scales \
                 them to zero.",
            )),
            Step::new(
                "5.2",
                "scale-down-read-backend",
                Config,
                "Scale mimir-backend and mimir-read to zero (mimir-read's autoscaling off). \
                 mimir-backend's ruler evaluates rules through mimir-read, so both go in the \
                 same step.",
            )
            .requires("Step 5.1 is rolled out, so mimir-backend's store-gateways leave the ring as they stop.")
            .set("mimir_backend_replicas", 0)
            .set("mimir_read_replicas", 0)
            .set("autoscaling_mimir_read_enabled", false)
            .check(StepCheck::rings(
                &["query-scheduler", "compactor", "ruler", "store-gateway"],
                "the mimir-backend members have left; only microservice members remain",
            )),
            scale_up_write,
            Step::new(
                "6.2",
                "route-write",
                Route,
                "Route write requests to the distributor in the load balancer.",
            )
            .check(StepCheck::promql(
                MIMIR_WRITE_PUSH_PROMQL,
                "drops to zero: mimir-write gets no more writes",
            )),
            Step::new(
                "7.1",
                "wait-head-compaction",
                Wait,
                "mimir-write has no separate distributor to scale down: once writes are routed \
                 away, wait for the ingesters' next TSDB head compaction before taking mimir-write \
                 zones down.",
            )
            .wait(head_compaction_wait()),
        ];
        steps.extend(zone_scale_downs(
            &params.zones,
            "mimir-write",
            "Its pods run ingesters: stopping them",
            "pod",
        ));

        let overridden: Vec<String> = override_fields(&steps)
            .filter(|f| f.starts_with("mimir_"))
            .collect();
        let mut cleanup = Step::new(
            "8",
            "cleanup-microservices",
            Config,
            "Switch to microservices mode, which removes every read-write object, and drop the \
             read-write settings: the replica overrides of mimir-write zones (those fields no \
             longer hold objects, and overriding them fails to evaluate), mimir-backend's flag \
             patch and the mimir_* replica keys.",
        )
        .set("deployment_mode", "microservices")
        .check(StepCheck::manual(
            "Release the volumes the read-write side left behind: the PersistentVolumeClaims of \
             the mimir-write and mimir-backend StatefulSets.",
        ));
        for key in READ_WRITE_KEYS {
            cleanup.change.config.insert(*key, Value::Null);
        }
        cleanup.change.remove_overrides = overridden;
        cleanup.change.remove_hidden = vec!["mimir_backend_args".to_string()];
        steps.push(cleanup);

        Plan {
            name: TO_MICROSERVICES.to_string(),
            description: "Move a Mimir environment from read-write back to microservices mode \
                          without downtime: run both side by side in migration mode, move the \
                          read path, the backend and the write path to the microservices one at \
                          a time, then remove the read-write components."
                .to_string(),
            direction: Some(Direction::ToMicroservices),
            steps,
            resume_after: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(plan: &Plan) -> Vec<&str> {
        plan.steps.iter().map(|s| s.id.as_str()).collect()
    }

    #[test]
    fn mirrors_the_forward_step_ids() {
        let plan = Plan::to_microservices(&Params::default());
        assert_eq!(
            ids(&plan),
            [
                "1", "2", "3.1", "3.2", "3.3", "4.1", "4.2", "4.3", "5.1", "5.2", "6.1", "6.2",
                "7.1", "7.2a", "7.2b", "7.2c", "8"
            ]
        );
        assert_eq!(plan.direction(), Direction::ToMicroservices);
    }

    #[test]
    fn final_state_is_microservices_without_read_write_leftovers() {
        let params = Params {
            ingester_replicas: Some(6),
            store_gateway_replicas: Some(9),
            ..Params::default()
        };
        let plan = Plan::to_microservices(&params);
        let end = plan.cumulative(plan.steps.len());
        assert_eq!(
            end.config_value("deployment_mode"),
            Some(&"microservices".into())
        );
        assert_eq!(
            end.config_value("multi_zone_ingester_replicas"),
            Some(&6.into())
        );
        assert_eq!(
            end.config_value("multi_zone_store_gateway_replicas"),
            Some(&9.into())
        );
        for key in READ_WRITE_KEYS {
            assert_eq!(end.config_value(key), None, "{key}");
        }
        assert!(end.overrides.is_empty(), "{:?}", end.overrides);
        assert!(end.hidden.get("mimir_backend_args").is_none());
        // Before the write path scales up, the distributor is held at zero.
        let before_write = plan.cumulative(plan.index_of("5.2").unwrap());
        assert_eq!(
            before_write
                .override_for("distributor_deployment")
                .map(|o| o.replicas),
            Some(0)
        );
        assert!(before_write.override_for("querier_deployment").is_none());
    }

    #[test]
    fn one_write_zone_per_step() {
        let plan = Plan::to_microservices(&Params {
            zones: vec!["a".into(), "east-2".into()],
            ..Params::default()
        });
        let east = plan.step("7.2-east-2").unwrap();
        assert_eq!(east.name, "scale-down-mimir-write-zone-east-2");
        assert_eq!(
            east.change.overrides[0].field,
            "mimir_write_zone_east_2_statefulset"
        );
        let cleanup = plan.steps.last().unwrap();
        assert_eq!(
            cleanup.change.remove_overrides,
            [
                "mimir_write_zone_a_statefulset",
                "mimir_write_zone_east_2_statefulset"
            ]
        );
    }
}
