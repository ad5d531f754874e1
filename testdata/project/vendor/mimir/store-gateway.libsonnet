// Store-gateway: serves blocks from object storage to queriers and rulers.
local k = import 'ksonnet-util/kausal.libsonnet';

{
  local container = k.core.v1.container,
  local statefulSet = k.apps.v1.statefulSet,
  local volumeMount = k.core.v1.volumeMount,

  local cacheClient(prefix, host, maxItemSizeMb) = {
    ['%s.backend' % prefix]: 'memcached',
    ['%s.memcached.addresses' % prefix]: 'dnssrvnoa+%s.%s.svc.cluster.local:11211' % [host, $._config.namespace],
    ['%s.memcached.max-async-concurrency' % prefix]: 50,
    ['%s.memcached.max-get-multi-concurrency' % prefix]: 100,
    ['%s.memcached.max-idle-connections' % prefix]: 150,
    ['%s.memcached.max-item-size' % prefix]: maxItemSizeMb * 1024 * 1024,
  },

  blocks_chunks_caching_config::
    if !$._config.cache_chunks_enabled then {} else
      cacheClient('blocks-storage.bucket-store.chunks-cache', 'memcached', $._config.cache_chunks_max_item_size_mb)
      + { 'blocks-storage.bucket-store.chunks-cache.memcached.timeout': '450ms' },

  blocks_index_caching_config::
    if !$._config.cache_index_queries_enabled then {} else
      cacheClient('blocks-storage.bucket-store.index-cache', 'memcached-index-queries', $._config.cache_index_queries_max_item_size_mb),

  blocks_metadata_caching_config::
    if !$._config.cache_metadata_enabled then {} else
      cacheClient('blocks-storage.bucket-store.metadata-cache', 'memcached-metadata', $._config.cache_metadata_max_item_size_mb),

  store_gateway_args::
    $._config.usageStatsConfig
    + $._config.grpcConfig
    + $._config.blocksStorageConfig
    + $._config.queryBlocksStorageConfig
    + $.blocks_chunks_caching_config
    + $.blocks_index_caching_config
    + $.blocks_metadata_caching_config
    + $.mimirRuntimeConfigFile
    + {
      target: 'store-gateway',
      'server.http-listen-port': $._config.server_http_port,

      'store-gateway.sharding-ring.tokens-file-path': '/data/tokens',
      'store-gateway.sharding-ring.wait-stability-min-duration': '1m',

      'blocks-storage.bucket-store.index-header-lazy-loading-enabled': true,
      'blocks-storage.bucket-store.index-header-lazy-loading-idle-timeout': '60m',
      'blocks-storage.bucket-store.max-chunk-pool-bytes': 12 * 1024 * 1024 * 1024,
    },

  store_gateway_ports:: $.util.defaultPorts,

  store_gateway_data_pvc::
    $.newMimirPVC('store-gateway-data', '50Gi', 'standard'),

  store_gateway_container::
    container.new('store-gateway', $._images.store_gateway)
    + container.withPorts($.store_gateway_ports)
    + container.withArgsMixin($.util.mapToFlags($.store_gateway_args))
    + container.withVolumeMountsMixin([volumeMount.new('store-gateway-data', '/data')])
    + $.util.resourcesRequests('1', '12Gi')
    + $.util.resourcesLimits(null, '18Gi')
    + $.util.readinessProbe
    + $.jaeger_mixin,

  newStoreGatewayStatefulSet(name, container, with_anti_affinity=true)::
    $.newMimirStatefulSet(name, 3, container, $.store_gateway_data_pvc)
    + statefulSet.spec.template.spec.withTerminationGracePeriodSeconds(120)
    + (if with_anti_affinity then $.util.antiAffinity else {}),

  store_gateway_statefulset: if !$._config.is_microservices_deployment_mode then null else
    $.newStoreGatewayStatefulSet('store-gateway', $.store_gateway_container, !$._config.store_gateway_allow_multiple_replicas_on_same_node),

  store_gateway_service: if !$._config.is_microservices_deployment_mode then null else
    $.util.serviceFor($.store_gateway_statefulset, $._config.service_ignored_labels),

  // Losing more than RF-1 store-gateways at once makes some blocks unqueryable.
  store_gateway_pdb: if !$._config.is_microservices_deployment_mode then null else
    $.newMimirPdb('store-gateway', $._config.store_gateway_replication_factor - 1),
}
