// Query-scheduler: the queue between query-frontends and queriers.
local k = import 'ksonnet-util/kausal.libsonnet';

{
  local container = k.core.v1.container,
  local deployment = k.apps.v1.deployment,
  local service = k.core.v1.service,

  // Whether query-frontends and queriers find the schedulers through the query-scheduler
  // ring (the schedulers join it whenever the discovery mode is 'ring').
  querySchedulerRingClients::
    $._config.query_scheduler_service_discovery_mode == 'ring'
    && $._config.query_scheduler_service_discovery_ring_read_path_enabled,

  query_scheduler_args::
    $._config.usageStatsConfig
    + $._config.grpcConfig
    + {
      target: 'query-scheduler',
      'server.http-listen-port': $._config.server_http_port,
      'query-scheduler.max-outstanding-requests-per-tenant': 100,
    }
    + (
      if $._config.query_scheduler_service_discovery_mode == 'ring'
      then $._config.querySchedulerRingLifecyclerConfig
      else {}
    ),

  query_scheduler_ports:: $.util.defaultPorts,

  newQuerySchedulerContainer(name, args)::
    container.new(name, $._images.query_scheduler)
    + container.withPorts($.query_scheduler_ports)
    + container.withArgsMixin($.util.mapToFlags(args))
    + $.jaeger_mixin
    + $.util.readinessProbe
    + $.util.resourcesRequests('2', '1Gi')
    + $.util.resourcesLimits(null, '2Gi'),

  query_scheduler_container::
    $.newQuerySchedulerContainer('query-scheduler', $.query_scheduler_args),

  newQuerySchedulerDeployment(name, container)::
    deployment.new(name, 2, [container])
    + $.mimirVolumeMounts
    + $.newMimirNodeSelector(deployment)
    + $.util.antiAffinity
    // Do not run two schedulers at once: queriers would pick up only one of them.
    + deployment.spec.strategy.rollingUpdate.withMaxSurge(0)
    + deployment.spec.strategy.rollingUpdate.withMaxUnavailable(1),

  query_scheduler_deployment:
    if !$._config.is_microservices_deployment_mode || !$._config.query_scheduler_enabled then null else
      $.newQuerySchedulerDeployment('query-scheduler', $.query_scheduler_container),

  newQuerySchedulerService(deployment)::
    $.util.serviceFor(deployment, $._config.service_ignored_labels),

  // Headless, and including not-ready pods, so that clients connect to every replica.
  newQuerySchedulerDiscoveryService(deployment)::
    $.newQuerySchedulerService(deployment)
    + service.metadata.withName(deployment.metadata.name + '-discovery')
    + service.spec.withClusterIp('None')
    + service.spec.withPublishNotReadyAddresses(true),

  query_scheduler_service:
    if !$._config.is_microservices_deployment_mode || !$._config.query_scheduler_enabled then {} else
      $.newQuerySchedulerService($.query_scheduler_deployment),

  query_scheduler_discovery_service:
    if !$._config.is_microservices_deployment_mode || !$._config.query_scheduler_enabled then {} else
      $.newQuerySchedulerDiscoveryService($.query_scheduler_deployment),
}
