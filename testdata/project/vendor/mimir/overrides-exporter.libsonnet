// Overrides-exporter: exposes the per-tenant limits as metrics.
local k = import 'ksonnet-util/kausal.libsonnet';

{
  local container = k.core.v1.container,
  local deployment = k.apps.v1.deployment,

  overrides_exporter_args::
    $._config.usageStatsConfig
    + $._config.grpcConfig
    + $.mimirRuntimeConfigFile
    + {
      target: 'overrides-exporter',
      'server.http-listen-port': $._config.server_http_port,
    }
    + (if $._config.overrides_exporter_ring_enabled then {
         // Only one replica exports at a time, elected through this ring.
         'overrides-exporter.ring.enabled': true,
         'overrides-exporter.ring.store': 'consul',
         'overrides-exporter.ring.consul.hostname': 'consul.%s.svc.cluster.local:8500' % $._config.namespace,
         'overrides-exporter.ring.wait-stability-min-duration': '1m',
       } else {}),

  overrides_exporter_ports:: $.util.defaultPorts,

  overrides_exporter_container::
    container.new('overrides-exporter', $._images.overrides_exporter)
    + container.withPorts($.overrides_exporter_ports)
    + container.withArgsMixin($.util.mapToFlags($.overrides_exporter_args))
    + $.util.resourcesRequests('0.5', '0.5Gi')
    + $.util.resourcesLimits(null, '0.5Gi')
    + $.util.readinessProbe,

  overrides_exporter_deployment: if !$._config.overrides_exporter_enabled then null else
    deployment.new('overrides-exporter', 1, [$.overrides_exporter_container])
    + $.mimirVolumeMounts
    + $.newMimirNodeSelector(deployment),

  overrides_exporter_service: if !$._config.overrides_exporter_enabled then null else
    $.util.serviceFor($.overrides_exporter_deployment, $._config.service_ignored_labels),
}
