// etcd cluster for the distributors' HA tracker.
(import 'etcd-operator/etcd-cluster.libsonnet') + {
  etcd:
    $.etcd_cluster('etcd', env=[{
      name: 'ETCD_AUTO_COMPACTION_RETENTION',
      value: '1h',
    }]),
}
