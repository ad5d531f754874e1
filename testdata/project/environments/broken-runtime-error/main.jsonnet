// A runtime error raised by the Jsonnet `error` expression.
local replicas(n) = if n > 3 then error 'replicas must be at most 3, got %d' % n else n;
{
  deployment: {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: { replicas: replicas(5) },
  },
}
