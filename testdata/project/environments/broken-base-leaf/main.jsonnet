// A Mimir-like environment that does not render as it is: `release` is a plain string at the
// top level, where Tanka expects only Kubernetes objects. The error is the environment's own,
// not one of a plan step, and its quoted object (the whole environment) is cut.
local mimir = import 'mimir/mimir.libsonnet';

mimir {
  _config+:: {
    namespace: 'default',
    storage_backend: 'gcs',
    blocks_storage_bucket_name: 'blocks-bucket',
    ruler_storage_bucket_name: 'rules-bucket',
  },
  release: '2.7.1',
}
