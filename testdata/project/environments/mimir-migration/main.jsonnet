// mimir-microservices half-way through the microservices -> read-write migration: in
// migration mode (both sides deployed), mimir-read and mimir-backend scaled up, mimir-write
// still at zero -- where `to-read-write` leaves it after step 4.1.
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

    deployment_mode: 'migration',
    mimir_write_replicas: 0,
    mimir_read_replicas: 3,
    mimir_backend_replicas: 3,
    autoscaling_mimir_read_enabled: false,
  },

  querier_args+:: {
    'querier.query-store-after': '12h',
  },
}
