// Inline environments: found without evaluating their data.
local env(name, ns) = {
  apiVersion: 'tanka.dev/v1alpha1',
  kind: 'Environment',
  metadata: { name: name },
  spec: { namespace: ns },
  data: error 'boom: data of ' + name + ' was evaluated',
};
{
  a: env('env-a', 'ns-a'),
  nested: { deeper: [env('env-b', 'ns-b'), { plain: 'not a manifest' }] },
  other: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, env: env('hidden', 'x') },
  list: { apiVersion: 'v1', kind: 'List', items: [env('env-c', 'ns-c')] },
  ignored: null,
  hidden:: env('hidden-field', 'x'),
  __ksonnet: env('ksonnet', 'x'),
}
