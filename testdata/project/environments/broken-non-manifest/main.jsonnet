// Evaluates fine, but `note` is a plain string where a Kubernetes object is expected.
{
  service: {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web' },
    spec: { ports: [{ port: 80 }] },
  },
  extra: { note: 'not a Kubernetes object' },
}
