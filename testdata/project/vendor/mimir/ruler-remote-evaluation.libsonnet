// Ruler remote evaluation: the ruler sends its queries to a dedicated read path
// (ruler-query-frontend -> ruler-query-scheduler -> ruler-querier) instead of
// evaluating them in-process.
local k = import 'ksonnet-util/kausal.libsonnet';

{
  local service = k.core.v1.service,

  _config+:: {
    ruler_remote_evaluation_enabled: false,
    // Deploy the remote read path, but keep the ruler evaluating locally for now.
    ruler_remote_evaluation_migration_enabled: false,
  },

  local enabled = $._config.ruler_remote_evaluation_enabled,
  local deployObjects = enabled && $._config.is_microservices_deployment_mode,
  // The ruler's schedulers join a ring of their own in 'ring' mode; their clients use it
  // once the read path discovers schedulers through rings too.
  local schedulerRing = $._config.query_scheduler_service_discovery_mode == 'ring',
  local dnsDiscovery = !$.querySchedulerRingClients,

  ruler_args+:: if enabled && !$._config.ruler_remote_evaluation_migration_enabled then {
    'ruler.query-frontend.address': 'dns:///ruler-query-frontend.%(namespace)s.svc.cluster.local:9095' % $._config,
  } else {},

  // The remote read path uses its own schedulers: through their Service, or through
  // a ring of their own (separate prefix) when schedulers are discovered by ring.
  local rulerSchedulerDiscovery(addressFlag) =
    if dnsDiscovery then {
      [addressFlag]: 'ruler-query-scheduler-discovery.%(namespace)s.svc.cluster.local:9095' % $._config,
    } else {
      'query-scheduler.ring.prefix': 'ruler-query-scheduler/',
    },

  //
  // ruler-querier
  //

  ruler_querier_args::
    $.querier_args
    + rulerSchedulerDiscovery('querier.scheduler-address'),

  ruler_querier_env_map:: $.querier_env_map,

  ruler_querier_container::
    $.newQuerierContainer('ruler-querier', $.ruler_querier_args, $.ruler_querier_env_map)
    + $.util.resourcesRequests('0.2', '1Gi'),

  ruler_querier_deployment: if !deployObjects then {} else
    $.newQuerierDeployment('ruler-querier', $.ruler_querier_container),

  ruler_querier_service: if !enabled then {} else
    $.util.serviceFor($.ruler_querier_deployment, $._config.service_ignored_labels),

  //
  // ruler-query-frontend
  //

  ruler_query_frontend_args::
    $.query_frontend_args
    + $._config.grpcIngressConfig
    + {
      // Rule queries are evaluated once: no point caching their results.
      'query-frontend.cache-results': false,
    }
    + rulerSchedulerDiscovery('query-frontend.scheduler-address'),

  ruler_query_frontend_container::
    $.newQueryFrontendContainer('ruler-query-frontend', $.ruler_query_frontend_args),

  ruler_query_frontend_deployment: if !deployObjects then {} else
    $.newQueryFrontendDeployment('ruler-query-frontend', $.ruler_query_frontend_container),

  // Headless: the ruler balances its gRPC connections over every frontend itself.
  ruler_query_frontend_service: if !enabled then {} else
    $.util.serviceFor($.ruler_query_frontend_deployment, $._config.service_ignored_labels)
    + service.spec.withClusterIp('None'),

  //
  // ruler-query-scheduler
  //

  ruler_query_scheduler_args::
    $.query_scheduler_args
    + (if schedulerRing then { 'query-scheduler.ring.prefix': 'ruler-query-scheduler/' } else {}),

  ruler_query_scheduler_container::
    $.newQuerySchedulerContainer('ruler-query-scheduler', $.ruler_query_scheduler_args),

  ruler_query_scheduler_deployment: if !deployObjects then {} else
    $.newQuerySchedulerDeployment('ruler-query-scheduler', $.ruler_query_scheduler_container),

  ruler_query_scheduler_service: if !enabled then {} else
    $.newQuerySchedulerService($.ruler_query_scheduler_deployment),

  ruler_query_scheduler_discovery_service: if !enabled then {} else
    $.newQuerySchedulerDiscoveryService($.ruler_query_scheduler_deployment),
}
