// Ingester: holds recent samples in memory / local TSDB and ships blocks to storage.
local k = import 'ksonnet-util/kausal.libsonnet';

{
  local container = k.core.v1.container,
  local statefulSet = k.apps.v1.statefulSet,
  local volumeMount = k.core.v1.volumeMount,

  ingester_args::
    $._config.usageStatsConfig
    + $._config.grpcConfig
    + $._config.ingesterRingClientConfig
    + $._config.blocksStorageConfig
    + $.mimirRuntimeConfigFile
    + {
      target: 'ingester',
      'server.http-listen-port': $._config.server_http_port,
      'server.grpc-max-concurrent-streams': 10000,

      // Ring.
      'ingester.ring.num-tokens': 512,
      'ingester.ring.tokens-file-path': '/data/tokens',
      'ingester.ring.unregister-on-shutdown': $._config.unregister_ingesters_on_shutdown,

      // Local TSDB: head compacted into 2h blocks, shipped every minute.
      'blocks-storage.tsdb.dir': '/data/tsdb',
      'blocks-storage.tsdb.block-ranges-period': '2h',
      'blocks-storage.tsdb.ship-interval': '1m',

      'ingester.max-global-series-per-user': $._config.limitsConfig['ingester.max-global-series-per-user'],
      'ingester.max-global-metadata-per-user': $._config.limitsConfig['ingester.max-global-metadata-per-user'],
      'ingester.max-global-metadata-per-metric': $._config.limitsConfig['ingester.max-global-metadata-per-metric'],
    },

  ingester_ports:: $.util.defaultPorts,

  ingester_env_map:: {},

  ingester_data_pvc::
    $.newMimirPVC('ingester-data', '100Gi', 'fast'),

  ingester_container::
    container.new('ingester', $._images.ingester)
    + container.withPorts($.ingester_ports)
    + container.withArgsMixin($.util.mapToFlags($.ingester_args))
    + (if std.length($.ingester_env_map) > 0 then container.withEnvMap(std.prune($.ingester_env_map)) else {})
    + $.util.resourcesRequests('4', '15Gi')
    + $.util.resourcesLimits(null, '25Gi')
    + $.util.readinessProbe
    + container.withVolumeMountsMixin([volumeMount.new('ingester-data', '/data')])
    + $.jaeger_mixin,

  newIngesterStatefulSet(name, container, with_anti_affinity=true)::
    $.newMimirStatefulSet(name, 3, container, $.ingester_data_pvc)
    + statefulSet.spec.template.spec.withTerminationGracePeriodSeconds(1200)
    + $.util.podPriority('high')
    + (if with_anti_affinity then $.util.antiAffinity else {}),

  ingester_statefulset: if !$._config.is_microservices_deployment_mode then null else
    $.newIngesterStatefulSet('ingester', $.ingester_container, !$._config.ingester_allow_multiple_replicas_on_same_node),

  ingester_service: if !$._config.is_microservices_deployment_mode then null else
    $.util.serviceFor($.ingester_statefulset, $._config.service_ignored_labels),

  ingester_pdb: if !$._config.is_microservices_deployment_mode then null else
    $.newMimirPdb('ingester'),
}
