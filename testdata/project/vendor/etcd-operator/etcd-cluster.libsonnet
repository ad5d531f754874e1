// An EtcdCluster custom resource (managed by the etcd-operator, not deployed here).
{
  etcd_cluster(name, size=3, version='3.3.13', env=[]):: {
    apiVersion: 'etcd.database.coreos.com/v1beta2',
    kind: 'EtcdCluster',
    metadata: {
      name: name,
      annotations: {
        'etcd.database.coreos.com/scope': 'clusterwide',
      },
    },
    spec: {
      size: size,
      version: version,
      pod: {
        affinity: {
          podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [{
              labelSelector: { matchLabels: { etcd_cluster: name } },
              topologyKey: 'kubernetes.io/hostname',
            }],
          },
        },
        annotations: {
          'prometheus.io/scrape': 'true',
          'prometheus.io/port': '2379',
        },
        etcdEnv: env,
        labels: { name: 'etcd' },
        resources: {
          limits: { memory: '512Mi' },
          requests: { cpu: '500m', memory: '512Mi' },
        },
      },
    },
  },
}
