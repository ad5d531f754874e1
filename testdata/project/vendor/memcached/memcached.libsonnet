// Memcached as a StatefulSet + headless Service, with a Prometheus exporter sidecar.
// Note: it merges ksonnet-util at the root again (so its `_config` defaults apply anew).
local k = import 'ksonnet-util/kausal.libsonnet';

k {
  local container = k.core.v1.container,
  local containerPort = k.core.v1.containerPort,
  local service = k.core.v1.service,
  local statefulSet = k.apps.v1.statefulSet,

  _images+:: {
    memcached: 'memcached:1.5.17-alpine',
    memcachedExporter: 'prom/memcached-exporter:v0.6.0',
  },

  // Template: override the hidden settings, e.g. `$.memcached { name:: 'x' }`.
  memcached:: {
    name:: error 'must set memcached name',
    max_item_size:: '1m',
    memory_limit_mb:: 1024,
    overprovision_factor:: 1.2,
    memory_request_overhead_mb:: 100,
    cpu_requests:: '500m',
    cpu_limits:: null,
    connection_limit:: 1024,
    replicas:: 3,

    memory_request_bytes::
      std.ceil((self.memory_limit_mb * self.overprovision_factor) + self.memory_request_overhead_mb) * 1024 * 1024,
    memory_limits_bytes::
      std.max(self.memory_limit_mb * 1.5 * 1024 * 1024, self.memory_request_bytes),

    memcached_container::
      container.new('memcached', $._images.memcached)
      + container.withPorts([containerPort.new('client', 11211)])
      + container.withArgs([
        '-m %(memory_limit_mb)s' % self,
        '-I %(max_item_size)s' % self,
        '-c %(connection_limit)s' % self,
        '-v',
      ])
      + $.util.resourcesRequests(self.cpu_requests, $.util.bytesToK8sQuantity(self.memory_request_bytes))
      + $.util.resourcesLimits(self.cpu_limits, $.util.bytesToK8sQuantity(self.memory_limits_bytes)),

    memcached_exporter::
      container.new('exporter', $._images.memcachedExporter)
      + container.withPorts([containerPort.new('http-metrics', 9150)])
      + container.withArgs([
        '--memcached.address=localhost:11211',
        '--web.listen-address=0.0.0.0:9150',
      ]),

    statefulSet:
      statefulSet.new(self.name, self.replicas, [self.memcached_container, self.memcached_exporter], [])
      + statefulSet.spec.withServiceName(self.name)
      + $.util.antiAffinity,

    service:
      $.util.serviceFor(self.statefulSet)
      + service.spec.withClusterIp('None'),
  },
}
