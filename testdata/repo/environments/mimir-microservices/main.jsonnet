// A static microservices Mimir with zone-aware ingesters and store-gateways.
local mimir = import 'mimir/mimir.libsonnet';

mimir {
  _config+:: {
    namespace: 'mimir',
    storage_backend: 'gcs',
    blocks_storage_bucket_name: 'repo-mimir-blocks',
    ruler_enabled: true,
    ruler_storage_bucket_name: 'repo-mimir-ruler',

    multi_zone_ingester_enabled: true,
    multi_zone_ingester_replicas: 3,
    multi_zone_store_gateway_enabled: true,
    multi_zone_store_gateway_replicas: 3,
  },
}
