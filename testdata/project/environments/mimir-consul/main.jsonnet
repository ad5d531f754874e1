// A microservices Mimir whose hash rings still live in Consul (memberlist off) and whose
// query-frontends and queriers find the query-schedulers through DNS (the 2.7 default).
// The ruler evaluates rules itself (no remote evaluation); zone-aware ingesters and
// store-gateways are on. Read-write mode needs memberlist rings: `to-read-write` has to
// run `consul-to-memberlist` (and `query-scheduler-ring`) first.
local mimir = import 'mimir/mimir.libsonnet';

mimir {
  _config+:: {
    namespace: 'mimir-consul',
    external_url: 'https://mimir-consul.example.com',

    storage_backend: 'gcs',
    blocks_storage_bucket_name: 'consul-mimir-blocks',

    ruler_enabled: true,
    ruler_storage_bucket_name: 'consul-mimir-ruler',

    alertmanager_enabled: true,
    alertmanager_storage_bucket_name: 'consul-mimir-alertmanager',

    multi_zone_ingester_enabled: true,
    multi_zone_ingester_replicas: 3,
    multi_zone_store_gateway_enabled: true,
    multi_zone_store_gateway_replicas: 3,

    memberlist_ring_enabled: false,
  },
}
