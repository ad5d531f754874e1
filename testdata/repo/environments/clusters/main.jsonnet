// An inline environment file holding one Mimir per cluster (no spec.json): each
// Environment object carries its own `data`. Select one with `--name`.
local mimir = import 'mimir/mimir.libsonnet';

local cluster(name, ingesters) = {
  apiVersion: 'tanka.dev/v1alpha1',
  kind: 'Environment',
  metadata: { name: name },
  spec: {
    apiServer: 'https://%s.k8s.example.com:6443' % name,
    namespace: 'mimir',
  },
  data: mimir {
    _config+:: {
      namespace: 'mimir',
      storage_backend: 'gcs',
      blocks_storage_bucket_name: '%s-blocks' % name,
      ruler_storage_bucket_name: '%s-ruler' % name,
      multi_zone_ingester_enabled: true,
      multi_zone_ingester_replicas: ingesters,
      multi_zone_store_gateway_enabled: true,
      multi_zone_store_gateway_replicas: 3,
    },
  },
};

{
  'cluster-a': cluster('mimir-cluster-a', 3),
  'cluster-b': cluster('mimir-cluster-b', 6),
}
