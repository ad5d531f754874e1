// mimir-read: query-frontend + querier in one stateless Deployment.
local k = import 'ksonnet-util/kausal.libsonnet';

{
  local container = k.core.v1.container,
  local deployment = k.apps.v1.deployment,
  local service = k.core.v1.service,

  local enabled = $._config.is_read_write_deployment_mode,

  mimir_read_args::
    $._config.grpcIngressConfig
    + $.querier_args
    + $.query_frontend_args
    + {
      target: 'read',
      // Each read pod talks to at most two schedulers (they run in mimir-backend).
      'query-scheduler.max-used-instances': 2,
    },

  mimir_read_ports:: $.mimirReadWritePorts([$.querier_ports, $.ruler_ports]),

  mimir_read_env_map:: $.querier_env_map,

  mimir_read_container:: if !enabled then null else
    container.new('mimir-read', $._images.mimir_read)
    + container.withPorts($.mimir_read_ports)
    + container.withArgsMixin($.util.mapToFlags($.mimir_read_args))
    + container.withEnvMap(std.prune($.mimir_read_env_map))
    + $.util.resourcesRequests('1', '12Gi')
    + $.util.resourcesLimits(null, '24Gi')
    + $.util.readinessProbe
    + $.jaeger_mixin,

  mimir_read_deployment: if !enabled then null else
    deployment.new('mimir-read', $._config.mimir_read_replicas, [$.mimir_read_container])
    + $.newMimirSpreadTopology('mimir-read', $._config.mimir_read_topology_spread_max_skew)
    + $.mimirVolumeMounts
    + $.newMimirNodeSelector(deployment)
    + $.memberlistGossipMember
    + deployment.spec.strategy.rollingUpdate.withMaxSurge(5)
    + deployment.spec.strategy.rollingUpdate.withMaxUnavailable(1)
    + $.util.podPriority('high'),

  mimir_read_service: if !enabled then null else
    $.util.serviceFor($.mimir_read_deployment, $._config.service_ignored_labels),

  // mimir-backend's rulers evaluate rules remotely through this one (every read pod).
  mimir_read_headless_service: if !enabled then null else
    $.util.serviceFor($.mimir_read_deployment, $._config.service_ignored_labels)
    + service.metadata.withName('mimir-read-headless')
    + service.spec.withClusterIp('None'),
}
