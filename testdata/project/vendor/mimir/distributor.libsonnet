// Distributor: receives writes and forwards them to the ingesters.
local k = import 'ksonnet-util/kausal.libsonnet';

{
  local container = k.core.v1.container,
  local deployment = k.apps.v1.deployment,
  local service = k.core.v1.service,

  distributor_args::
    $._config.usageStatsConfig
    + $._config.grpcConfig
    + $._config.grpcIngressConfig
    + $._config.ingesterRingClientConfig
    + $.mimirRuntimeConfigFile
    + {
      target: 'distributor',
      'server.http-listen-port': $._config.server_http_port,

      'distributor.ring.store': 'consul',
      'distributor.ring.consul.hostname': 'consul.%s.svc.cluster.local:8500' % $._config.namespace,
      'distributor.ring.prefix': '',

      // HA tracker (deduplicates HA Prometheus pairs) backed by etcd.
      'distributor.ha-tracker.enable': true,
      'distributor.ha-tracker.enable-for-all-users': true,
      'distributor.ha-tracker.store': 'etcd',
      'distributor.ha-tracker.etcd.endpoints': 'etcd-client.%s.svc.cluster.local.:2379' % $._config.namespace,
      'distributor.ha-tracker.prefix': 'prom_ha/',

      'distributor.ingestion-rate-limit': $._config.limitsConfig['distributor.ingestion-rate-limit'],
      'distributor.ingestion-burst-size': $._config.limitsConfig['distributor.ingestion-burst-size'],

      // Lower GC pressure on small heaps.
      'mem-ballast-size-bytes': 1 << 30,  // 1GiB
    },

  distributor_env_map:: {},

  distributor_ports:: $.util.defaultPorts,

  distributor_container::
    container.new('distributor', $._images.distributor)
    + container.withPorts($.distributor_ports)
    + container.withArgsMixin($.util.mapToFlags($.distributor_args))
    + (if std.length($.distributor_env_map) > 0 then container.withEnvMap(std.prune($.distributor_env_map)) else {})
    + $.util.resourcesRequests('2', '2Gi')
    + $.util.resourcesLimits(null, '4Gi')
    + $.util.readinessProbe
    + $.jaeger_mixin,

  newDistributorDeployment(name, container)::
    deployment.new(name, 3, [container])
    + $.newMimirSpreadTopology(name, $._config.distributor_topology_spread_max_skew)
    + $.mimirVolumeMounts
    + $.newMimirNodeSelector(deployment)
    + deployment.spec.strategy.rollingUpdate.withMaxSurge(5)
    + deployment.spec.strategy.rollingUpdate.withMaxUnavailable(1),

  distributor_deployment: if !$._config.is_microservices_deployment_mode then null else
    $.newDistributorDeployment('distributor', $.distributor_container),

  distributor_service: if !$._config.is_microservices_deployment_mode then null else
    $.util.serviceFor($.distributor_deployment, $._config.service_ignored_labels)
    + service.spec.withClusterIp('None'),
}
