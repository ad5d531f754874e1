// A Mimir-like environment with an object whose name holds control characters (a newline, a
// NUL, a terminal escape). Its data follows the deployment mode, so the plan's steps change
// it and diff headers name it: the characters must come out escaped.
local mimir = import 'mimir/mimir.libsonnet';

mimir {
  _config+:: {
    namespace: 'default',
    storage_backend: 'gcs',
    blocks_storage_bucket_name: 'blocks-bucket',
    ruler_storage_bucket_name: 'rules-bucket',
  },
  odd_config_map: {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'odd\nname\u0000with\u001b[31mcontrols' },
    data: { mode: $._config.deployment_mode },
  },
}
