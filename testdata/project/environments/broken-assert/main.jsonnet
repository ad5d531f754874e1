// A failed object assertion, the way libraries validate their _config.
{
  _config:: { replicas: -1 },
  assert self._config.replicas >= 0 : 'replicas must be >= 0, got %d' % self._config.replicas,
  deployment: {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: { replicas: $._config.replicas },
  },
}
