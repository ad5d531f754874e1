// Consul, the key-value store for hash rings when memberlist is not used
// (or while migrating between the two with multi-KV).
local k = import 'ksonnet-util/kausal.libsonnet';

{
  local configMap = k.core.v1.configMap,
  local container = k.core.v1.container,
  local containerPort = k.core.v1.containerPort,
  local deployment = k.apps.v1.deployment,
  local policyRule = k.rbac.v1.policyRule,
  local role = k.rbac.v1.role,
  local roleBinding = k.rbac.v1.roleBinding,
  local service = k.core.v1.service,
  local serviceAccount = k.core.v1.serviceAccount,

  _config+:: {
    consul_replicas: 1,
    consul_enabled: !self.memberlist_ring_enabled || self.multikv_migration_enabled,
  },

  _images+:: {
    consul: 'consul:1.5.3',
    consulSidekick: 'weaveworks/consul-sidekick:master-f18ad13',
    consulExporter: 'prom/consul-exporter:v0.5.0',
    statsdExporter: 'prom/statsd-exporter:v0.12.2',
  },

  consul: if !$._config.consul_enabled then null else {
    local name = 'consul',
    local envVar = k.core.v1.envVar,
    local consul = self,

    consul_config_map:
      configMap.new(name)
      + configMap.withData({
        // One line, the way std.toString writes an object.
        'consul-config.json': std.toString({
          leave_on_terminate: true,
          raft_snapshot_threshold: 128,
          raft_trailing_logs: 10000,
          // Consul's own metrics go to the statsd-exporter sidecar.
          telemetry: { dogstatsd_addr: '127.0.0.1:9125' },
        }),
        // How the statsd-exporter names what Consul sends it (a few series only).
        mapping: |||
          mappings:
          - match: consul.raft.leader.lastContact
            name: consul_raft_leader_last_contact
            labels: {}
          - match: consul.raft.commitTime
            name: consul_raft_commit_time
            labels: {}
          - match: consul.http.*.*
            name: consul_http_request
            labels:
              method: $1
              path: /$2
        |||,
      }),

    consul_container::
      container.new('consul', $._images.consul)
      + container.withArgs([
        'agent',
        '-ui',
        '-server',
        '-client=0.0.0.0',
        '-config-file=/etc/config/consul-config.json',
        '-bootstrap-expect=%d' % $._config.consul_replicas,
        '-ui-content-path=/%s/consul/' % $._config.namespace,
      ])
      + container.withEnv([envVar.new('CHECKPOINT_DISABLE', '1')])
      + container.withPorts([
        containerPort.new('server', 8300),
        containerPort.new('serf', 8301),
        containerPort.new('client', 8400),
        containerPort.new('api', 8500),
      ])
      + $.util.resourcesRequests('4', '4Gi'),

    consul_sidekick_container::
      container.new('sidekick', $._images.consulSidekick)
      + container.withArgs(['--namespace=$(POD_NAMESPACE)', '--pod-name=$(POD_NAME)'])
      + container.withEnv([
        envVar.fromFieldPath('POD_NAMESPACE', 'metadata.namespace'),
        envVar.fromFieldPath('POD_NAME', 'metadata.name'),
      ]),

    consul_statsd_exporter_container::
      container.new('statsd-exporter', $._images.statsdExporter)
      + container.withArgs([
        '--web.listen-address=:8000',
        '--statsd.mapping-config=/etc/config/mapping',
      ])
      + container.withPorts([containerPort.new('http-metrics', 8000)]),

    consul_exporter_container::
      container.new('consul-exporter', $._images.consulExporter)
      + container.withArgs([
        '--consul.server=localhost:8500',
        '--web.listen-address=:9107',
        '--consul.timeout=1s',
        '--no-consul.health-summary',
        '--consul.allow_stale',
      ])
      + container.withPorts([containerPort.new('http-metrics', 9107)]),

    consul_deployment:
      deployment.new(name, $._config.consul_replicas, [
        self.consul_container,
        self.consul_sidekick_container,
        self.consul_statsd_exporter_container,
        self.consul_exporter_container,
      ])
      // Pods restart when the configuration changes.
      + deployment.spec.template.metadata.withAnnotationsMixin({
        'consul-hash': std.md5(std.toString(consul.consul_config_map)),
      })
      + deployment.spec.template.spec.withServiceAccount('consul-sidekick')
      + $.util.configVolumeMount(name, '/etc/config')
      // Consul's data lives in memory: a restarted pod rejoins empty.
      + $.util.emptyVolumeMount('data', '/consul/data/', volumeMixin={ emptyDir: { medium: 'Memory' } })
      + $.util.antiAffinity
      // Keep Consul off the ingesters' nodes too.
      + {
        spec+: { template+: { spec+: { affinity+: { podAntiAffinity+: {
          requiredDuringSchedulingIgnoredDuringExecution+: [{
            labelSelector: { matchLabels: { name: 'ingester' } },
            namespaces: [$._config.namespace],
            topologyKey: 'kubernetes.io/hostname',
          }],
        } } } } },
      },

    consul_service:
      $.util.serviceFor(self.consul_deployment),

    consul_sidekick_service_account:
      serviceAccount.new('consul-sidekick'),

    consul_sidekick_role:
      role.new('consul-sidekick')
      + role.withRules([
        policyRule.withApiGroups(['', 'extensions', 'apps'])
        + policyRule.withResources(['pods', 'replicasets'])
        + policyRule.withVerbs(['get', 'list', 'watch']),
      ]),

    consul_sidekick_rolebinding:
      roleBinding.new('consul-sidekick')
      + roleBinding.bindRole(self.consul_sidekick_role)
      + roleBinding.withSubjects([{
        kind: 'ServiceAccount',
        name: 'consul-sidekick',
        namespace: $._config.namespace,
      }]),
  },
}
