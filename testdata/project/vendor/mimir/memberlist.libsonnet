// Memberlist: hash rings gossiped between the pods instead of stored in Consul.
// Every ring member gets the gossip pod label (selected by the `gossip-ring` Service)
// and the gossip port.
local k = import 'ksonnet-util/kausal.libsonnet';

{
  local containerPort = k.core.v1.containerPort,
  local service = k.core.v1.service,
  local servicePort = k.core.v1.servicePort,
  local deployment = k.apps.v1.deployment,

  _config+:: {
    memberlist_ring_enabled: true,
    gossip_member_label: 'gossip_ring_member',
    service_ignored_labels+: if self.memberlist_ring_enabled then [self.gossip_member_label] else [],

    // Consul -> memberlist without downtime: every ring runs on a "multi" KV store (Consul
    // primary, memberlist secondary) while the migration is on; the runtime configuration
    // then turns mirroring on, switches the primary, and turns mirroring off again.
    multikv_migration_enabled: false,
    multikv_mirror_enabled: false,
    multikv_switch_primary_secondary: false,
    // Keeps the runtime multi-KV settings while the rings go back to a single store.
    multikv_migration_teardown: false,
    multikv_primary: 'consul',
    multikv_secondary: 'memberlist',

    multi_kv_config:
      if self.multikv_migration_enabled || self.multikv_migration_teardown then {
        primary: if $._config.multikv_switch_primary_secondary
        then $._config.multikv_secondary else $._config.multikv_primary,
        mirror_enabled: $._config.multikv_mirror_enabled,
      } else super.multi_kv_config,

    // A cluster label keeps two Mimir clusters that can reach each other from merging their
    // gossip; '' means none. Verification can be switched off while the label is rolled out.
    memberlist_cluster_label: '',
    memberlist_cluster_label_verification_disabled: false,

    ingesterRingClientConfig+:: ringStore('ingester.ring'),
    queryBlocksStorageConfig+:: ringStore('store-gateway.sharding-ring'),
    querySchedulerRingLifecyclerConfig+:: ringStore('query-scheduler.ring'),
    querySchedulerRingClientConfig+:: ringStore('query-scheduler.ring'),
  },

  local enabled = $._config.memberlist_ring_enabled,
  local ringMode = $._config.query_scheduler_service_discovery_mode == 'ring',
  local ringClients = $.querySchedulerRingClients,

  local memberlistConfig = if !enabled then {} else {
    'memberlist.bind-port': 7946,
    'memberlist.join': 'dns+gossip-ring.%s.svc.cluster.local:7946' % $._config.namespace,
  } + (
    if $._config.memberlist_cluster_label == '' then {} else {
      'memberlist.cluster-label': $._config.memberlist_cluster_label,
    }
  ) + (
    if !$._config.memberlist_cluster_label_verification_disabled then {} else {
      'memberlist.cluster-label-verification-disabled': true,
    }
  ),

  // The KV store flags of one ring: memberlist, or both stores during the migration (the
  // Consul address stays until the migration is off).
  local ringStore(prefix) =
    if !enabled then {}
    else if $._config.multikv_migration_enabled then {
      ['%s.store' % prefix]: 'multi',
      ['%s.multi.primary' % prefix]: $._config.multikv_primary,
      ['%s.multi.secondary' % prefix]: $._config.multikv_secondary,
    } else {
      ['%s.store' % prefix]: 'memberlist',
      ['%s.consul.hostname' % prefix]: null,
    },

  local gossipPort = if !enabled then [] else [containerPort.new('gossip-ring', 7946)],

  // The patch making a workload a ring member (also used by the read-write components).
  memberlistGossipMember:: if !enabled then {} else
    deployment.spec.template.metadata.withLabelsMixin({ [$._config.gossip_member_label]: 'true' }),

  local overrideSuperIfExists(name, override) =
    if !(name in super) || super[name] == null || super[name] == {} then null
    else super[name] + override,

  //
  // Flags.
  //

  distributor_args+:: memberlistConfig + ringStore('distributor.ring'),
  ingester_args+:: memberlistConfig,
  querier_args+:: memberlistConfig,
  ruler_args+:: memberlistConfig + ringStore('ruler.ring'),
  compactor_args+:: memberlistConfig + ringStore('compactor.ring'),
  store_gateway_args+:: memberlistConfig,
  alertmanager_args+:: memberlistConfig + ringStore('alertmanager.sharding-ring'),
  query_frontend_args+:: if ringClients then memberlistConfig else {},
  query_scheduler_args+:: if ringMode then memberlistConfig else {},
  overrides_exporter_args+:: if $._config.overrides_exporter_ring_enabled
  then memberlistConfig + ringStore('overrides-exporter.ring') else {},

  //
  // Ports. The ruler gossips but is not reachable on the gossip port.
  //

  distributor_ports+:: gossipPort,
  ingester_ports+:: gossipPort,
  querier_ports+:: gossipPort,
  compactor_ports+:: gossipPort,
  store_gateway_ports+:: gossipPort,
  alertmanager_ports+:: gossipPort,
  query_frontend_ports+:: if ringClients then gossipPort else [],
  query_scheduler_ports+:: if ringMode then gossipPort else [],

  //
  // Workloads: add the gossip label to every ring member that exists.
  //

  local member = $.memberlistGossipMember,
  local memberIf(cond) = if cond then member else {},

  distributor_deployment: overrideSuperIfExists('distributor_deployment', member),
  ingester_statefulset: overrideSuperIfExists('ingester_statefulset', member),
  ingester_zone_a_statefulset: overrideSuperIfExists('ingester_zone_a_statefulset', member),
  ingester_zone_b_statefulset: overrideSuperIfExists('ingester_zone_b_statefulset', member),
  ingester_zone_c_statefulset: overrideSuperIfExists('ingester_zone_c_statefulset', member),
  querier_deployment: overrideSuperIfExists('querier_deployment', member),
  ruler_deployment: overrideSuperIfExists('ruler_deployment', member),
  ruler_querier_deployment: overrideSuperIfExists('ruler_querier_deployment', member),
  compactor_statefulset: overrideSuperIfExists('compactor_statefulset', member),
  store_gateway_statefulset: overrideSuperIfExists('store_gateway_statefulset', member),
  store_gateway_zone_a_statefulset: overrideSuperIfExists('store_gateway_zone_a_statefulset', member),
  store_gateway_zone_b_statefulset: overrideSuperIfExists('store_gateway_zone_b_statefulset', member),
  store_gateway_zone_c_statefulset: overrideSuperIfExists('store_gateway_zone_c_statefulset', member),
  alertmanager_statefulset: overrideSuperIfExists('alertmanager_statefulset', member),

  // Members only when they use the query-scheduler ring (schedulers: in 'ring' mode;
  // frontends: once they discover the schedulers through it).
  query_frontend_deployment: overrideSuperIfExists('query_frontend_deployment', memberIf(ringClients)),
  query_scheduler_deployment: overrideSuperIfExists('query_scheduler_deployment', memberIf(ringMode)),
  ruler_query_frontend_deployment: overrideSuperIfExists('ruler_query_frontend_deployment', memberIf(ringClients)),
  ruler_query_scheduler_deployment: overrideSuperIfExists('ruler_query_scheduler_deployment', memberIf(ringMode)),
  overrides_exporter_deployment: overrideSuperIfExists('overrides_exporter_deployment', memberIf($._config.overrides_exporter_ring_enabled)),

  // Headless Service every member joins through.
  gossip_ring_service: if !enabled then null else
    service.new('gossip-ring', { [$._config.gossip_member_label]: 'true' }, [
      servicePort.newNamed('gossip-ring', 7946, 7946)
      + servicePort.withProtocol('TCP'),
    ])
    + service.spec.withClusterIp('None'),
}
