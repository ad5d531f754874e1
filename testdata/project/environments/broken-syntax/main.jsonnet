// A syntax error: the array is never closed.
{
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'broken' },
  data: { list: [1, 2 },
}
