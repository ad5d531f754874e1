// Mimir-like, but it does not evaluate: the ingester args refer to a `_config` key that
// does not exist (a typo). Its row must say "failed" without stopping the others.
local mimir = import 'mimir/mimir.libsonnet';

mimir {
  _config+:: {
    namespace: 'mimir',
    storage_backend: 'gcs',
    blocks_storage_bucket_name: 'broken-blocks',
    ruler_storage_bucket_name: 'broken-ruler',
  },

  ingester_args+:: {
    'ingester.ring.replication-factor': $._config.replication_factr,
  },
}
