// Mirrors the scenario of Mimir's own `test-defaults` environment: the library's
// defaults with only the mandatory settings.
local mimir = import 'mimir/mimir.libsonnet';

mimir {
  _config+:: {
    namespace: 'default',
    external_url: 'http://test',

    storage_backend: 'gcs',
    blocks_storage_bucket_name: 'blocks-bucket',
  },
}
