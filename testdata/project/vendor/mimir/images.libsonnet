// Container images of every component.
{
  _images+:: {
    // Every Mimir component runs the same image.
    mimir: 'grafana/mimir:2.7.1',

    alertmanager: self.mimir,
    distributor: self.mimir,
    ingester: self.mimir,
    querier: self.mimir,
    query_frontend: self.mimir,
    query_scheduler: self.mimir,
    ruler: self.mimir,
    store_gateway: self.mimir,
    compactor: self.mimir,
    overrides_exporter: self.mimir,
    mimir_write: self.mimir,
    mimir_read: self.mimir,
    mimir_backend: self.mimir,

    rollout_operator: 'grafana/rollout-operator:v0.4.0',
    continuous_test: 'grafana/mimir-continuous-test:2.7.1',
  },
}
