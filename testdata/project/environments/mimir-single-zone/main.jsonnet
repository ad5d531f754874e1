// Like mimir-microservices, but ingesters and store-gateways are still single-zone
// StatefulSets. The migration's step 1 (turn zone-awareness on) would REPLACE them by
// zone StatefulSets: without Mimir's own zone migration first, ingester data is lost.
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

    // Zone-awareness off (the library default).
    multi_zone_ingester_enabled: false,
    multi_zone_store_gateway_enabled: false,
  },
}
