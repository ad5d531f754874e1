// Querier: evaluates PromQL over ingesters (recent data) and store-gateways (blocks).
local k = import 'ksonnet-util/kausal.libsonnet';

{
  local container = k.core.v1.container,
  local deployment = k.apps.v1.deployment,

  querier_args::
    $._config.usageStatsConfig
    + $._config.grpcConfig
    + $._config.blocksStorageConfig
    + $._config.queryConfig
    + $._config.queryBlocksStorageConfig
    + $._config.ingesterRingClientConfig
    + $.mimirRuntimeConfigFile
    + {
      target: 'querier',
      'server.http-listen-port': $._config.server_http_port,

      'querier.max-concurrent': $._config.querier.concurrency,
      'querier.frontend-client.grpc-max-send-msg-size': 100 << 20,

      // Where to pull queries from: the query-frontend when there is no scheduler,
      // else the scheduler (found through DNS, or through its ring).
      'querier.frontend-address':
        if !$._config.query_scheduler_enabled
        then 'query-frontend-discovery.%(namespace)s.svc.cluster.local:9095' % $._config
        else null,
      'querier.scheduler-address':
        if $._config.query_scheduler_enabled && !$.querySchedulerRingClients
        then 'query-scheduler-discovery.%(namespace)s.svc.cluster.local:9095' % $._config
        else null,

      'mem-ballast-size-bytes': 1 << 28,  // 256MiB
    }
    + (
      if $._config.query_scheduler_enabled && $.querySchedulerRingClients
      then $._config.querySchedulerRingClientConfig
      else {}
    ),

  querier_ports:: $.util.defaultPorts,

  querier_env_map:: {
    JAEGER_REPORTER_MAX_QUEUE_SIZE: '1024',  // Default is 100.
  },

  newQuerierContainer(name, args, envmap={})::
    container.new(name, $._images.querier)
    + container.withPorts($.querier_ports)
    + container.withArgsMixin($.util.mapToFlags(args))
    + $.jaeger_mixin
    + $.util.readinessProbe
    + (if std.length(envmap) > 0 then container.withEnvMap(std.prune(envmap)) else {})
    + $.util.resourcesRequests('1', '12Gi')
    + $.util.resourcesLimits(null, '24Gi'),

  querier_container::
    $.newQuerierContainer('querier', $.querier_args, $.querier_env_map),

  newQuerierDeployment(name, container)::
    deployment.new(name, $._config.querier.replicas, [container])
    + $.newMimirSpreadTopology(name, $._config.querier_topology_spread_max_skew)
    + $.mimirVolumeMounts
    + $.newMimirNodeSelector(deployment)
    + deployment.spec.strategy.rollingUpdate.withMaxSurge(5)
    + deployment.spec.strategy.rollingUpdate.withMaxUnavailable(1),

  querier_deployment: if !$._config.is_microservices_deployment_mode then null else
    $.newQuerierDeployment('querier', $.querier_container),

  querier_service: if !$._config.is_microservices_deployment_mode then null else
    $.util.serviceFor($.querier_deployment, $._config.service_ignored_labels),
}
