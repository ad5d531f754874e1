// Compactor: merges and deduplicates blocks in object storage, applies retention.
local k = import 'ksonnet-util/kausal.libsonnet';

{
  local container = k.core.v1.container,
  local service = k.core.v1.service,
  local statefulSet = k.apps.v1.statefulSet,
  local volumeMount = k.core.v1.volumeMount,

  compactor_args::
    $._config.usageStatsConfig
    + $._config.grpcConfig
    + $._config.blocksStorageConfig
    + $.mimirRuntimeConfigFile
    + {
      target: 'compactor',
      'server.http-listen-port': $._config.server_http_port,

      'compactor.block-ranges': '2h,12h,24h',
      'compactor.data-dir': '/data',
      'compactor.compaction-interval': '30m',
      'compactor.compaction-concurrency': $._config.compactor_max_concurrency,
      'compactor.cleanup-interval': '15m',
      'compactor.deletion-delay': '2h',
      'compactor.blocks-retention-period': 0,
      'compactor.max-opening-blocks-concurrency': 4,
      'compactor.max-closing-blocks-concurrency': 2,
      'compactor.symbols-flushers-concurrency': 4,

      // Split-and-merge compaction (off: one shard, one group).
      'compactor.split-and-merge-shards': 0,
      'compactor.split-groups': 1,
      'compactor.compactor-tenant-shard-size': 1,

      'compactor.ring.store': 'consul',
      'compactor.ring.consul.hostname': 'consul.%s.svc.cluster.local:8500' % $._config.namespace,
      'compactor.ring.prefix': '',
      'compactor.ring.wait-stability-min-duration': '1m',
    },

  compactor_ports:: $.util.defaultPorts,

  compactor_data_pvc::
    $.newMimirPVC('compactor-data', '250Gi', 'standard'),

  compactor_container::
    container.new('compactor', $._images.compactor)
    + container.withPorts($.compactor_ports)
    + container.withArgsMixin($.util.mapToFlags($.compactor_args))
    + container.withVolumeMountsMixin([volumeMount.new('compactor-data', '/data')])
    + $.util.resourcesRequests(1, '6Gi')
    + $.util.resourcesLimits(null, '6Gi')
    + $.util.readinessProbe
    + $.jaeger_mixin,

  newCompactorStatefulSet(name, container)::
    $.newMimirStatefulSet(name, 1, container, $.compactor_data_pvc)
    + statefulSet.spec.template.spec.withTerminationGracePeriodSeconds(900),

  compactor_statefulset: if !$._config.is_microservices_deployment_mode then null else
    $.newCompactorStatefulSet('compactor', $.compactor_container),

  compactor_service: if !$._config.is_microservices_deployment_mode then null else
    $.util.serviceFor($.compactor_statefulset, $._config.service_ignored_labels)
    + service.spec.withClusterIp('None'),
}
