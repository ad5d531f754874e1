// Query-frontend: splits, caches and queues queries (through the query-scheduler).
local k = import 'ksonnet-util/kausal.libsonnet';

{
  local container = k.core.v1.container,
  local deployment = k.apps.v1.deployment,
  local service = k.core.v1.service,

  query_frontend_caching_config:: if $._config.cache_frontend_enabled then {
    'query-frontend.cache-results': true,
    'query-frontend.results-cache.backend': $._config.cache_frontend_backend,
    'query-frontend.results-cache.memcached.addresses':
      'dnssrvnoa+memcached-frontend.%(namespace)s.svc.cluster.local:11211' % $._config,
    'query-frontend.results-cache.memcached.max-item-size': $._config.cache_frontend_max_item_size_mb * 1024 * 1024,
    'query-frontend.results-cache.memcached.timeout': '500ms',
  } else {},

  query_frontend_args::
    $._config.usageStatsConfig
    + $._config.grpcConfig
    + $.mimirRuntimeConfigFile
    + $.query_frontend_caching_config
    + {
      target: 'query-frontend',
      'server.http-listen-port': $._config.server_http_port,

      'query-frontend.align-queries-with-step': false,
      'query-frontend.max-cache-freshness': '10m',
      'query-frontend.max-total-query-length': '12000h',

      'query-frontend.scheduler-address':
        if $._config.query_scheduler_enabled && !$.querySchedulerRingClients
        then 'query-scheduler-discovery.%(namespace)s.svc.cluster.local:9095' % $._config
        else null,
    }
    + (
      if $._config.query_scheduler_enabled && $.querySchedulerRingClients
      then $._config.querySchedulerRingClientConfig
      else {}
    ),

  query_frontend_ports:: $.util.defaultPorts,

  newQueryFrontendContainer(name, args)::
    container.new(name, $._images.query_frontend)
    + container.withPorts($.query_frontend_ports)
    + container.withArgsMixin($.util.mapToFlags(args))
    + $.jaeger_mixin
    + $.util.readinessProbe
    + $.util.resourcesRequests('2', '600Mi')
    + $.util.resourcesLimits(null, '1200Mi'),

  query_frontend_container::
    $.newQueryFrontendContainer('query-frontend', $.query_frontend_args),

  newQueryFrontendDeployment(name, container)::
    deployment.new(name, $._config.queryFrontend.replicas, [container])
    + $.newMimirSpreadTopology(name, $._config.query_frontend_topology_spread_max_skew)
    + $.mimirVolumeMounts
    + $.newMimirNodeSelector(deployment)
    + deployment.spec.strategy.rollingUpdate.withMaxSurge(1)
    + deployment.spec.strategy.rollingUpdate.withMaxUnavailable(1),

  query_frontend_deployment: if !$._config.is_microservices_deployment_mode then null else
    $.newQueryFrontendDeployment('query-frontend', $.query_frontend_container),

  query_frontend_service: if !$._config.is_microservices_deployment_mode then null else
    $.util.serviceFor($.query_frontend_deployment, $._config.service_ignored_labels),

  // Queriers connect to every query-frontend directly when there is no scheduler.
  query_frontend_discovery_service:
    if !$._config.is_microservices_deployment_mode || $._config.query_scheduler_enabled then null else
      $.util.serviceFor($.query_frontend_deployment, $._config.service_ignored_labels)
      + service.metadata.withName('query-frontend-discovery')
      + service.spec.withClusterIp('None')
      + service.spec.withPublishNotReadyAddresses(true),
}
