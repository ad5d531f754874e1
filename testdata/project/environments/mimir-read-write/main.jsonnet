// A Mimir already in read-write mode: mimir-write / mimir-read / mimir-backend only
// (the starting point of the reverse migration, back to microservices).
local mimir = import 'mimir/mimir.libsonnet';

mimir {
  _config+:: {
    namespace: 'mimir-rw',
    external_url: 'https://mimir-rw.example.com',

    storage_backend: 's3',
    aws_region: 'eu-west-1',
    blocks_storage_bucket_name: 'example-rw-blocks',
    // mimir-backend embeds the ruler, so its bucket is needed even with ruler_enabled false.
    ruler_storage_bucket_name: 'example-rw-ruler',

    deployment_mode: 'read-write',
    multi_zone_ingester_enabled: true,
    multi_zone_store_gateway_enabled: true,

    mimir_write_replicas: 6,
    mimir_backend_replicas: 3,

    autoscaling_mimir_read_enabled: true,
    autoscaling_mimir_read_min_replicas: 3,
    autoscaling_mimir_read_max_replicas: 30,
  },
}
