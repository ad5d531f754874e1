// Configuration of the whole library: `_config` defaults, the deployment mode and its
// sanity checks, and the flag fragments that component `*_args` are assembled from.
local k = import 'ksonnet-util/kausal.libsonnet';

{
  local configMap = k.core.v1.configMap,

  // Root-object asserts: they fire on any evaluation of an environment using the library.
  assert std.member(['microservices', 'read-write', 'migration'], $._config.deployment_mode) :
         'unsupported deployment mode "%s"' % $._config.deployment_mode,
  assert $._config.deployment_mode == 'migration'
         || $._config.is_microservices_deployment_mode != $._config.is_read_write_deployment_mode :
         'is_microservices_deployment_mode and is_read_write_deployment_mode are derived from deployment_mode: do not set them yourself, set the deployment_mode option instead',

  _config+:: {
    namespace: error 'must define namespace',
    cluster: error 'must define cluster',
    external_url: error 'must define external url for cluster',

    // 'microservices' (default), 'read-write', or 'migration' (both at once).
    deployment_mode: 'microservices',
    is_microservices_deployment_mode: self.deployment_mode == 'microservices' || self.deployment_mode == 'migration',
    is_read_write_deployment_mode: self.deployment_mode == 'read-write' || self.deployment_mode == 'migration',

    node_selector: null,
    // Pod labels that Services must not select on (memberlist adds its gossip label).
    service_ignored_labels: [],
    replication_factor: 3,
    server_http_port: 8080,
    server_grpc_port: 9095,

    // Replicas of the microservices whose count lives in _config (others are fixed).
    querier: {
      replicas: 6,
      concurrency: 8,
    },
    queryFrontend: {
      replicas: 2,
    },
    alertmanager: {
      replicas: 3,
      fallback_config: {},
    },

    // Optional components.
    ruler_enabled: false,
    alertmanager_enabled: false,
    overrides_exporter_enabled: false,
    overrides_exporter_ring_enabled: false,
    query_scheduler_enabled: true,
    // 'dns' (query-frontends/queriers find schedulers through a headless Service) or 'ring'.
    query_scheduler_service_discovery_mode: 'dns',
    // In 'ring' mode: whether query-frontends and queriers (the read path) also find the
    // schedulers through the ring. Turning it off first lets the schedulers join their ring
    // while their clients still use DNS (the two-step DNS -> ring migration).
    query_scheduler_service_discovery_ring_read_path_enabled: true,
    unregister_ingesters_on_shutdown: true,
    usage_stats_enabled: true,
    compactor_max_concurrency: 1,
    store_gateway_replication_factor: 3,
    ingester_allow_multiple_replicas_on_same_node: false,
    store_gateway_allow_multiple_replicas_on_same_node: false,

    distributor_topology_spread_max_skew: 1,
    querier_topology_spread_max_skew: 1,
    query_frontend_topology_spread_max_skew: 1,
    ruler_topology_spread_max_skew: 1,

    // Storage.
    storage_backend: error 'should specify storage backend',
    blocks_storage_backend: self.storage_backend,
    blocks_storage_bucket_name: error 'must specify blocks storage bucket name',
    ruler_storage_backend: self.storage_backend,
    ruler_storage_bucket_name: error 'must specify the ruler storage bucket name',
    alertmanager_storage_backend: self.storage_backend,
    alertmanager_storage_bucket_name: error 'must specify the alertmanager storage bucket name',
    aws_region: error 'must specify AWS region',
    storage_s3_endpoint: 's3.dualstack.%s.amazonaws.com' % self.aws_region,
    storage_azure_account_name: error 'must specify Azure account name',
    storage_azure_account_key: error 'must specify Azure account key',

    // Caches (memcached).
    cache_frontend_enabled: true,
    cache_frontend_backend: 'memcached',
    cache_frontend_max_item_size_mb: 5,
    cache_index_queries_enabled: true,
    cache_index_queries_backend: 'memcached',
    cache_index_queries_max_item_size_mb: 5,
    cache_chunks_enabled: true,
    cache_chunks_backend: 'memcached',
    cache_chunks_max_item_size_mb: 1,
    cache_metadata_enabled: true,
    cache_metadata_backend: 'memcached',
    cache_metadata_max_item_size_mb: 1,

    // Runtime overrides, published in the `overrides` ConfigMap.
    overrides_configmap: 'overrides',
    overrides_configmap_mountpoint: '/etc/mimir',
    overrides: {
      // Tenant classes to copy into per-tenant overrides; hidden, so not published.
      extra_small_user:: {
        max_global_series_per_user: 1e6,
        ingestion_rate: 1e4,
        ingestion_burst_size: 2e5,
      },
      medium_small_user:: {
        max_global_series_per_user: 1e6,
        ingestion_rate: 1e5,
        ingestion_burst_size: 1e6,
      },
      mega_user:: {
        max_global_series_per_user: 1.6e7,
        ingestion_rate: 1.5e6,
        ingestion_burst_size: 1.5e7,
      },
    },
    multi_kv_config: {},

    // Flag fragments.
    grpcConfig:: {
      'server.grpc.keepalive.min-time-between-pings': '10s',
      'server.grpc.keepalive.ping-without-stream-allowed': true,
    },

    // Servers that receive traffic through a load balancer recycle connections.
    grpcIngressConfig:: {
      'server.grpc.keepalive.max-connection-age': '2m',
      'server.grpc.keepalive.max-connection-age-grace': '5m',
      'server.grpc.keepalive.max-connection-idle': '1m',
    },

    usageStatsConfig:: if self.usage_stats_enabled then {
      'usage-stats.installation-mode': 'jsonnet',
    } else {},

    local bucketFlag(backend) = if backend == 'azure' then 'container-name' else 'bucket-name',

    storageConfig:: {
      'common.storage.backend': $._config.storage_backend,
    } + (
      if $._config.storage_backend == 's3' then {
        'common.storage.s3.endpoint': $._config.storage_s3_endpoint,
      } else if $._config.storage_backend == 'azure' then {
        'common.storage.azure.account-name': $._config.storage_azure_account_name,
        'common.storage.azure.account-key': $._config.storage_azure_account_key,
      } else {}
    ),

    blocksStorageConfig:: self.storageConfig {
      ['blocks-storage.%s.%s' % [$._config.blocks_storage_backend, bucketFlag($._config.blocks_storage_backend)]]:
        $._config.blocks_storage_bucket_name,
    },

    rulerStorageConfig:: {
      ['ruler-storage.%s.%s' % [$._config.ruler_storage_backend, bucketFlag($._config.ruler_storage_backend)]]:
        $._config.ruler_storage_bucket_name,
    },

    alertmanagerStorageConfig:: {
      ['alertmanager-storage.%s.%s' % [$._config.alertmanager_storage_backend, bucketFlag($._config.alertmanager_storage_backend)]]:
        $._config.alertmanager_storage_bucket_name,
    },

    // How clients find the ingesters' hash ring (Consul unless memberlist replaces it).
    ingesterRingClientConfig:: {
      'ingester.ring.store': 'consul',
      'ingester.ring.consul.hostname': 'consul.%s.svc.cluster.local:8500' % $._config.namespace,
      'ingester.ring.prefix': '',
      'ingester.ring.replication-factor': $._config.replication_factor,
      'ingester.ring.heartbeat-timeout': '10m',
      'distributor.health-check-ingesters': true,
    },

    queryConfig:: {
      'querier.max-partial-query-length': '768h',
    },

    blocksMetadataCachingConfig:: if self.cache_metadata_enabled then {
      'blocks-storage.bucket-store.metadata-cache.backend': $._config.cache_metadata_backend,
      'blocks-storage.bucket-store.metadata-cache.memcached.addresses':
        'dnssrvnoa+memcached-metadata.%s.svc.cluster.local:11211' % $._config.namespace,
      'blocks-storage.bucket-store.metadata-cache.memcached.max-async-concurrency': 50,
      'blocks-storage.bucket-store.metadata-cache.memcached.max-item-size': $._config.cache_metadata_max_item_size_mb * 1024 * 1024,
    } else {},

    // Shared by everything that reads blocks through the store-gateways
    // (querier, ruler) and by the store-gateways themselves.
    queryBlocksStorageConfig:: self.blocksMetadataCachingConfig {
      'blocks-storage.bucket-store.sync-dir': '/data/tsdb',
      'blocks-storage.bucket-store.sync-interval': '15m',

      'store-gateway.sharding-ring.store': 'consul',
      'store-gateway.sharding-ring.consul.hostname': 'consul.%s.svc.cluster.local:8500' % $._config.namespace,
      'store-gateway.sharding-ring.prefix': '',
      'store-gateway.sharding-ring.replication-factor': $._config.store_gateway_replication_factor,
    },

    // What a query-scheduler needs to register itself in the query-scheduler ring.
    querySchedulerRingLifecyclerConfig:: {
      'query-scheduler.service-discovery-mode': 'ring',
      'query-scheduler.ring.store': 'consul',
      'query-scheduler.ring.consul.hostname': 'consul.%s.svc.cluster.local:8500' % $._config.namespace,
    },

    // What query-frontends and queriers need to find the schedulers through that ring.
    querySchedulerRingClientConfig:: {
      'query-scheduler.service-discovery-mode': 'ring',
      'query-scheduler.ring.store': 'consul',
      'query-scheduler.ring.consul.hostname': 'consul.%s.svc.cluster.local:8500' % $._config.namespace,
    },

    // Per-tenant limits passed as flags (defaults for tenants without overrides).
    limitsConfig:: {
      'distributor.ingestion-rate-limit': 10000,
      'distributor.ingestion-burst-size': 200000,
      'ingester.max-global-series-per-user': 150000,
      'ingester.max-global-metadata-per-user': 30000,
      'ingester.max-global-metadata-per-metric': 10,
      'ruler.max-rules-per-rule-group': 20,
      'ruler.max-rule-groups-per-tenant': 35,
    },
  },

  // Runtime configuration: per-tenant overrides (+ optional multi-KV switch).
  overrides_config:
    configMap.new($._config.overrides_configmap)
    + configMap.withData({
      'overrides.yaml': $.util.manifestYaml(
        { overrides: $._config.overrides }
        + (if $._config.multi_kv_config != {} then { multi_kv_config: $._config.multi_kv_config } else {})
      ),
    }),
}
