// A minimal microservices Mimir (like the library's test defaults): no ruler, no
// alertmanager, no overrides-exporter, no autoscaling. The migration doc's step 5
// overlay overrides `ruler_deployment` and `overrides_exporter_deployment`, which are
// null here: applied as written it fails to evaluate.
local mimir = import 'mimir/mimir.libsonnet';

mimir {
  _config+:: {
    namespace: 'default',
    storage_backend: 'gcs',
    blocks_storage_bucket_name: 'blocks-bucket',
    // Unused while the ruler is off, but migration / read-write modes need it: the
    // mimir-backend embeds the ruler. (Without it, the migration's step 2 fails with
    // "must specify the ruler storage bucket name", as golden-defaults shows.)
    ruler_storage_bucket_name: 'rules-bucket',
  },
}
