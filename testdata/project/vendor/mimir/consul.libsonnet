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
  },

  consul: if !$._config.consul_enabled then null else {
    local name = 'consul',

    consul_config_map:
      configMap.new(name)
      + configMap.withData({
        'consul-config.json': std.manifestJsonEx({
          leave_on_terminate: true,
          raft_snapshot_threshold: 128,
          raft_trailing_logs: 10000,
          telemetry: { dogstatsd_addr: '127.0.0.1:9125' },
        }, '  '),
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
      ])
      + container.withPorts([
        containerPort.new('server', 8300),
        containerPort.new('serf', 8301),
        containerPort.new('client', 8400),
        containerPort.new('api', 8500),
      ])
      + $.util.resourcesRequests('100m', '500Mi'),

    consul_sidekick_container::
      container.new('sidekick', $._images.consulSidekick)
      + container.withArgs(['--namespace=%s' % $._config.namespace, '--pod-ip=$(POD_IP)'])
      + container.withEnv([k.core.v1.envVar.fromFieldPath('POD_IP', 'status.podIP')]),

    consul_exporter_container::
      container.new('consul-exporter', $._images.consulExporter)
      + container.withArgs(['--consul.server=localhost:8500'])
      + container.withPorts([containerPort.new('http-metrics', 9107)]),

    consul_deployment:
      deployment.new(name, $._config.consul_replicas, [
        self.consul_container,
        self.consul_sidekick_container,
        self.consul_exporter_container,
      ])
      + deployment.spec.template.spec.withServiceAccountName('consul-sidekick')
      + $.util.configVolumeMount(name, '/etc/config')
      + $.util.antiAffinity,

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
