// Zone-aware replication: ingesters and store-gateways as three StatefulSets (zones
// a, b, c) rolled out zone by zone by the rollout-operator.
local k = import 'ksonnet-util/kausal.libsonnet';

{
  local container = k.core.v1.container,
  local containerPort = k.core.v1.containerPort,
  local deployment = k.apps.v1.deployment,
  local policyRule = k.rbac.v1.policyRule,
  local podDisruptionBudget = k.policy.v1.podDisruptionBudget,
  local role = k.rbac.v1.role,
  local roleBinding = k.rbac.v1.roleBinding,
  local service = k.core.v1.service,
  local servicePort = k.core.v1.servicePort,
  local serviceAccount = k.core.v1.serviceAccount,
  local statefulSet = k.apps.v1.statefulSet,

  _config+:: {
    multi_zone_ingester_enabled: false,
    // Keep the single-zone `ingester` StatefulSet while moving data to the zones.
    multi_zone_ingester_migration_enabled: false,
    multi_zone_ingester_replication_write_path_enabled: true,
    multi_zone_ingester_replication_read_path_enabled: true,
    // Total over the three zones; each zone runs ceil(replicas / 3).
    multi_zone_ingester_replicas: 0,
    multi_zone_ingester_max_unavailable: 25,

    multi_zone_store_gateway_enabled: false,
    multi_zone_store_gateway_read_path_enabled: self.multi_zone_store_gateway_enabled,
    multi_zone_store_gateway_migration_enabled: false,
    multi_zone_store_gateway_replicas: 0,
    multi_zone_store_gateway_max_unavailable: 10,

    // Zone-aware store-gateway ring for every reader (unless migrating to it).
    queryBlocksStorageConfig+:: if !self.multi_zone_store_gateway_enabled
                                   || !self.multi_zone_store_gateway_read_path_enabled
                                   || self.multi_zone_store_gateway_migration_enabled then {} else {
      'store-gateway.sharding-ring.zone-awareness-enabled': 'true',
      'store-gateway.sharding-ring.prefix': 'multi-zone/',
    },
  },

  local isMultiZoneIngester = $._config.multi_zone_ingester_enabled,
  local isMultiZoneStoreGateway = $._config.multi_zone_store_gateway_enabled,
  local isMicroservices = $._config.is_microservices_deployment_mode,

  local ingesterZoneAwareness = { 'ingester.ring.zone-awareness-enabled': 'true' },
  local storeGatewayZoneAwareness = {
    'store-gateway.sharding-ring.zone-awareness-enabled': 'true',
    'store-gateway.sharding-ring.prefix': 'multi-zone/',
  },

  //
  // Clients of the zone-aware rings.
  //

  distributor_args+:: if isMultiZoneIngester && $._config.multi_zone_ingester_replication_write_path_enabled
  then ingesterZoneAwareness else {},

  local readPathArgs =
    (if isMultiZoneIngester && $._config.multi_zone_ingester_replication_read_path_enabled
     then ingesterZoneAwareness else {})
    + (if isMultiZoneStoreGateway && $._config.multi_zone_store_gateway_read_path_enabled
          && $._config.multi_zone_store_gateway_migration_enabled
       then storeGatewayZoneAwareness else {}),

  querier_args+:: readPathArgs,
  ruler_args+:: readPathArgs,

  //
  // Generic zone StatefulSet helpers (also used by the read-write components).
  //

  newMimirMultiZoneAntiAffinity(rolloutGroup, name)::
    statefulSet.spec.template.spec.affinity.podAntiAffinity.withRequiredDuringSchedulingIgnoredDuringExecution([{
      labelSelector: {
        matchExpressions: [
          { key: 'rollout-group', operator: 'In', values: [rolloutGroup] },
          { key: 'name', operator: 'NotIn', values: [name] },
        ],
      },
      topologyKey: 'kubernetes.io/hostname',
    }]),

  newMimirZoneStatefulSet(name, rolloutGroup, totalReplicas, container, pvc, maxUnavailable, allowMultipleOnSameNode)::
    $.newMimirStatefulSet(name, std.ceil(totalReplicas / 3), container, pvc)
    + {
      metadata+: {
        labels: { 'rollout-group': rolloutGroup },
        annotations+: { 'rollout-max-unavailable': std.toString(maxUnavailable) },
      },
    }
    + statefulSet.spec.template.metadata.withLabelsMixin({ 'rollout-group': rolloutGroup })
    + statefulSet.spec.selector.withMatchLabelsMixin({ 'rollout-group': rolloutGroup })
    + statefulSet.spec.updateStrategy.withType('OnDelete')
    + (if allowMultipleOnSameNode then {} else $.newMimirMultiZoneAntiAffinity(rolloutGroup, name)),

  newMimirZoneService(sts)::
    $.util.serviceFor(sts, $._config.service_ignored_labels)
    + service.spec.withClusterIp('None'),

  // One Service over all zones of a group; ports de-duplicated by number.
  newMimirRolloutGroupService(rolloutGroup, statefulSets, ignored_labels=[])::
    local ports = std.uniq(
      std.sort(
        std.flattenArrays([$.util.serviceFor(sts, ignored_labels).spec.ports for sts in statefulSets]),
        function(p) p.port,
      ),
      function(p) p.port,
    );
    service.new(rolloutGroup, { 'rollout-group': rolloutGroup }, ports)
    + service.metadata.withLabels({ name: rolloutGroup }),

  newMimirRolloutGroupPDB(rolloutGroup, maxUnavailable)::
    podDisruptionBudget.new('%s-rollout-pdb' % rolloutGroup)
    + podDisruptionBudget.metadata.withLabels({ name: '%s-rollout-pdb' % rolloutGroup })
    + podDisruptionBudget.spec.selector.withMatchLabels({ 'rollout-group': rolloutGroup })
    + podDisruptionBudget.spec.withMaxUnavailable(maxUnavailable),

  //
  // Ingesters.
  //

  ingester_zone_a_args:: {},
  ingester_zone_b_args:: {},
  ingester_zone_c_args:: {},

  newIngesterZoneContainer(zone, zone_args)::
    $.ingester_container
    + container.withArgs($.util.mapToFlags(
      $.ingester_args + zone_args + {
        'ingester.ring.zone-awareness-enabled': 'true',
        'ingester.ring.instance-availability-zone': 'zone-%s' % zone,
      },
    )),

  newIngesterZoneStatefulSet(zone, container)::
    $.newMimirZoneStatefulSet(
      'ingester-zone-%s' % zone,
      'ingester',
      $._config.multi_zone_ingester_replicas,
      container,
      $.ingester_data_pvc,
      $._config.multi_zone_ingester_max_unavailable,
      $._config.ingester_allow_multiple_replicas_on_same_node,
    )
    + statefulSet.spec.template.spec.withTerminationGracePeriodSeconds(1200)
    + $.util.podPriority('high'),

  ingester_zone_a_container:: if !isMultiZoneIngester then null else
    $.newIngesterZoneContainer('a', $.ingester_zone_a_args),
  ingester_zone_b_container:: if !isMultiZoneIngester then null else
    $.newIngesterZoneContainer('b', $.ingester_zone_b_args),
  ingester_zone_c_container:: if !isMultiZoneIngester then null else
    $.newIngesterZoneContainer('c', $.ingester_zone_c_args),

  ingester_zone_a_statefulset: if !isMicroservices || !isMultiZoneIngester then null else
    $.newIngesterZoneStatefulSet('a', $.ingester_zone_a_container),
  ingester_zone_b_statefulset: if !isMicroservices || !isMultiZoneIngester then null else
    $.newIngesterZoneStatefulSet('b', $.ingester_zone_b_container),
  ingester_zone_c_statefulset: if !isMicroservices || !isMultiZoneIngester then null else
    $.newIngesterZoneStatefulSet('c', $.ingester_zone_c_container),

  ingester_zone_a_service: if !isMicroservices || !isMultiZoneIngester then null else
    $.newMimirZoneService($.ingester_zone_a_statefulset),
  ingester_zone_b_service: if !isMicroservices || !isMultiZoneIngester then null else
    $.newMimirZoneService($.ingester_zone_b_statefulset),
  ingester_zone_c_service: if !isMicroservices || !isMultiZoneIngester then null else
    $.newMimirZoneService($.ingester_zone_c_statefulset),

  ingester_rollout_pdb: if !isMicroservices || !isMultiZoneIngester then null else
    $.newMimirRolloutGroupPDB('ingester', 1),

  // The single-zone ingesters go away once zones are on, unless migrating.
  local keepSingleZoneIngester = !isMultiZoneIngester || $._config.multi_zone_ingester_migration_enabled,

  ingester_statefulset: if keepSingleZoneIngester then super.ingester_statefulset else null,
  ingester_service: if keepSingleZoneIngester then super.ingester_service else null,
  // While migrating, no single-zone ingester may be disrupted.
  ingester_pdb:
    if !keepSingleZoneIngester then null
    else if isMultiZoneIngester && super.ingester_pdb != null
    then super.ingester_pdb + podDisruptionBudget.spec.withMaxUnavailable(0)
    else super.ingester_pdb,

  //
  // Store-gateways.
  //

  store_gateway_zone_a_args:: {},
  store_gateway_zone_b_args:: {},
  store_gateway_zone_c_args:: {},

  newStoreGatewayZoneContainer(zone, zone_args)::
    $.store_gateway_container
    + container.withArgs($.util.mapToFlags(
      // First, so that store_gateway_args / zone args can override it.
      { 'store-gateway.sharding-ring.unregister-on-shutdown': false }
      + $.store_gateway_args
      + zone_args
      + {
        'store-gateway.sharding-ring.instance-availability-zone': 'zone-%s' % zone,
        'store-gateway.sharding-ring.zone-awareness-enabled': 'true',
        // Distinct ring, so that single-zone and zone-aware store-gateways can coexist.
        'store-gateway.sharding-ring.prefix': 'multi-zone/',
      },
    )),

  // Zone-aware store-gateways need no retained disks: 'fast' becomes 'fast-dont-retain'.
  store_gateway_zone_data_pvc::
    $.store_gateway_data_pvc + {
      spec+: if std.objectHas(super.spec, 'storageClassName') && super.spec.storageClassName == 'fast'
      then { storageClassName: 'fast-dont-retain' } else {},
    },

  newStoreGatewayZoneStatefulSet(zone, container)::
    $.newMimirZoneStatefulSet(
      'store-gateway-zone-%s' % zone,
      'store-gateway',
      $._config.multi_zone_store_gateway_replicas,
      container,
      $.store_gateway_zone_data_pvc,
      $._config.multi_zone_store_gateway_max_unavailable,
      $._config.store_gateway_allow_multiple_replicas_on_same_node,
    )
    + statefulSet.spec.template.spec.withTerminationGracePeriodSeconds(120),

  store_gateway_zone_a_container:: if !isMultiZoneStoreGateway then null else
    $.newStoreGatewayZoneContainer('a', $.store_gateway_zone_a_args),
  store_gateway_zone_b_container:: if !isMultiZoneStoreGateway then null else
    $.newStoreGatewayZoneContainer('b', $.store_gateway_zone_b_args),
  store_gateway_zone_c_container:: if !isMultiZoneStoreGateway then null else
    $.newStoreGatewayZoneContainer('c', $.store_gateway_zone_c_args),

  store_gateway_zone_a_statefulset: if !isMicroservices || !isMultiZoneStoreGateway then null else
    $.newStoreGatewayZoneStatefulSet('a', $.store_gateway_zone_a_container),
  store_gateway_zone_b_statefulset: if !isMicroservices || !isMultiZoneStoreGateway then null else
    $.newStoreGatewayZoneStatefulSet('b', $.store_gateway_zone_b_container),
  store_gateway_zone_c_statefulset: if !isMicroservices || !isMultiZoneStoreGateway then null else
    $.newStoreGatewayZoneStatefulSet('c', $.store_gateway_zone_c_container),

  store_gateway_zone_a_service: if !isMicroservices || !isMultiZoneStoreGateway then null else
    $.newMimirZoneService($.store_gateway_zone_a_statefulset),
  store_gateway_zone_b_service: if !isMicroservices || !isMultiZoneStoreGateway then null else
    $.newMimirZoneService($.store_gateway_zone_b_statefulset),
  store_gateway_zone_c_service: if !isMicroservices || !isMultiZoneStoreGateway then null else
    $.newMimirZoneService($.store_gateway_zone_c_statefulset),

  // Entry point for the store-gateway admin/status pages over all zones.
  store_gateway_multi_zone_service: if !isMicroservices || !isMultiZoneStoreGateway then null else
    service.new('store-gateway-multi-zone', { 'rollout-group': 'store-gateway' }, [
      servicePort.newNamed('store-gateway-http-metrics', 80, 80)
      + servicePort.withProtocol('TCP'),
    ])
    + service.metadata.withLabels({ name: 'store-gateway-multi-zone' }),

  store_gateway_rollout_pdb: if !isMicroservices || !isMultiZoneStoreGateway then null else
    $.newMimirRolloutGroupPDB('store-gateway', 1),

  local keepSingleZoneStoreGateway = !isMultiZoneStoreGateway || $._config.multi_zone_store_gateway_migration_enabled,

  store_gateway_statefulset: if keepSingleZoneStoreGateway then super.store_gateway_statefulset else null,
  store_gateway_service: if keepSingleZoneStoreGateway then super.store_gateway_service else null,
  store_gateway_pdb: if keepSingleZoneStoreGateway then super.store_gateway_pdb else null,

  //
  // Rollout-operator: present whenever anything is zone-aware, in every mode.
  //

  local rolloutOperatorEnabled = isMultiZoneIngester || isMultiZoneStoreGateway,

  rollout_operator_args:: {
    'kubernetes.namespace': $._config.namespace,
  },

  rollout_operator_container::
    container.new('rollout-operator', $._images.rollout_operator)
    + container.withArgsMixin($.util.mapToFlags($.rollout_operator_args))
    + container.withPorts([containerPort.new('http-metrics', 8001)])
    + $.util.resourcesRequests('100m', '100Mi')
    + $.util.resourcesLimits('1', '200Mi')
    + container.readinessProbe.httpGet.withPath('/ready')
    + container.readinessProbe.httpGet.withPort(8001)
    + container.readinessProbe.withInitialDelaySeconds(5)
    + container.readinessProbe.withTimeoutSeconds(1),

  rollout_operator_deployment: if !rolloutOperatorEnabled then null else
    deployment.new('rollout-operator', 1, [$.rollout_operator_container])
    + deployment.spec.template.spec.withServiceAccountName('rollout-operator')
    // Never two operators at once.
    + deployment.spec.strategy.rollingUpdate.withMaxSurge(0)
    + deployment.spec.strategy.rollingUpdate.withMaxUnavailable(1),

  rollout_operator_role: if !rolloutOperatorEnabled then null else
    role.new('rollout-operator-role')
    + role.metadata.withNamespace($._config.namespace)
    + role.withRules([
      policyRule.withApiGroups('')
      + policyRule.withResources(['pods'])
      + policyRule.withVerbs(['list', 'get', 'watch', 'delete']),
      policyRule.withApiGroups('apps')
      + policyRule.withResources(['statefulsets'])
      + policyRule.withVerbs(['list', 'get', 'watch']),
      policyRule.withApiGroups('apps')
      + policyRule.withResources(['statefulsets/status'])
      + policyRule.withVerbs(['update']),
    ]),

  rollout_operator_rolebinding: if !rolloutOperatorEnabled then null else
    roleBinding.new('rollout-operator-rolebinding')
    + roleBinding.metadata.withNamespace($._config.namespace)
    + roleBinding.bindRole($.rollout_operator_role)
    + roleBinding.withSubjects([{
      kind: 'ServiceAccount',
      name: 'rollout-operator',
      namespace: $._config.namespace,
    }]),

  rollout_operator_service_account: if !rolloutOperatorEnabled then null else
    serviceAccount.new('rollout-operator'),
}
