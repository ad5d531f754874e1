// Ruler: evaluates recording and alerting rules.
local k = import 'ksonnet-util/kausal.libsonnet';

{
  local container = k.core.v1.container,
  local deployment = k.apps.v1.deployment,

  ruler_args::
    $._config.usageStatsConfig
    + $._config.grpcConfig
    + $._config.blocksStorageConfig
    + $._config.queryConfig
    + $._config.queryBlocksStorageConfig
    + $._config.ingesterRingClientConfig
    + $._config.rulerStorageConfig
    + $.mimirRuntimeConfigFile
    + {
      target: 'ruler',
      'server.http-listen-port': $._config.server_http_port,

      'ruler.rule-path': '/rules',
      'ruler.alertmanager-url': 'http://alertmanager.%s.svc.cluster.local/alertmanager' % $._config.namespace,

      'ruler.ring.store': 'consul',
      'ruler.ring.consul.hostname': 'consul.%s.svc.cluster.local:8500' % $._config.namespace,

      'ruler.max-rules-per-rule-group': $._config.limitsConfig['ruler.max-rules-per-rule-group'],
      'ruler.max-rule-groups-per-tenant': $._config.limitsConfig['ruler.max-rule-groups-per-tenant'],
    },

  ruler_ports:: $.util.defaultPorts,

  ruler_env_map:: {},

  ruler_container::
    if !$._config.ruler_enabled then null else
      container.new('ruler', $._images.ruler)
      + container.withPorts($.ruler_ports)
      + container.withArgsMixin($.util.mapToFlags($.ruler_args))
      + (if std.length($.ruler_env_map) > 0 then container.withEnvMap(std.prune($.ruler_env_map)) else {})
      + $.util.resourcesRequests('1', '6Gi')
      + $.util.resourcesLimits('16', '16Gi')
      + $.util.readinessProbe
      + $.jaeger_mixin,

  ruler_deployment:
    if !$._config.is_microservices_deployment_mode || !$._config.ruler_enabled then null else
      deployment.new('ruler', 2, [$.ruler_container])
      + $.newMimirSpreadTopology('ruler', $._config.ruler_topology_spread_max_skew)
      + $.mimirVolumeMounts
      + $.newMimirNodeSelector(deployment)
      + deployment.spec.strategy.rollingUpdate.withMaxSurge('50%')
      + deployment.spec.strategy.rollingUpdate.withMaxUnavailable(0)
      + deployment.spec.template.spec.withTerminationGracePeriodSeconds(600),

  ruler_service:
    if !$._config.is_microservices_deployment_mode || !$._config.ruler_enabled then null else
      $.util.serviceFor($.ruler_deployment, $._config.service_ignored_labels),
}
