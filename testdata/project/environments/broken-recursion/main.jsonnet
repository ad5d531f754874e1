// Two fields defined in terms of each other: infinite recursion.
{
  config: {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'loop' },
    data: { a: self.b, b: self.a },
  },
}
