// A microservices Mimir ready for read-write mode in every way but one: it runs no ruler and
// names no ruler storage bucket. Migration mode runs a ruler inside mimir-backend whatever
// ruler_enabled says, so `to-read-write` must ask for `ruler_storage_bucket_name` first.
local mimir = import 'mimir/mimir.libsonnet';

mimir {
  _config+:: {
    namespace: 'mimir-nrb',

    storage_backend: 'gcs',
    blocks_storage_bucket_name: 'nrb-mimir-blocks',

    multi_zone_ingester_enabled: true,
    multi_zone_ingester_replicas: 3,
    multi_zone_store_gateway_enabled: true,
    multi_zone_store_gateway_replicas: 3,
  },
}
