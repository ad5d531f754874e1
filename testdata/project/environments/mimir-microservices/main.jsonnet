// The example environment for the microservices -> read-write migration plan:
// a production-like microservices Mimir with the ruler on remote evaluation,
// alertmanager, overrides-exporter, KEDA autoscaling of the queriers, and
// zone-aware ingesters and store-gateways already on (so the plan's step 1 is a no-op).
local mimir = import 'mimir/mimir.libsonnet';

mimir {
  _config+:: {
    namespace: 'mimir',
    external_url: 'https://mimir.example.com',

    storage_backend: 'gcs',
    blocks_storage_bucket_name: 'example-mimir-blocks',

    ruler_enabled: true,
    ruler_storage_bucket_name: 'example-mimir-ruler',
    ruler_remote_evaluation_enabled: true,

    alertmanager_enabled: true,
    alertmanager_storage_bucket_name: 'example-mimir-alertmanager',

    overrides_exporter_enabled: true,

    autoscaling_querier_enabled: true,
    autoscaling_querier_min_replicas: 3,
    autoscaling_querier_max_replicas: 20,
    autoscaling_ruler_querier_enabled: true,
    autoscaling_ruler_querier_min_replicas: 2,
    autoscaling_ruler_querier_max_replicas: 10,

    multi_zone_ingester_enabled: true,
    multi_zone_ingester_replicas: 3,
    multi_zone_store_gateway_enabled: true,
    multi_zone_store_gateway_replicas: 3,

    memberlist_ring_enabled: true,
  },

  // Local tuning: queriers only read data older than 12h from the store-gateways.
  querier_args+:: {
    'querier.query-store-after': '12h',
  },
}
