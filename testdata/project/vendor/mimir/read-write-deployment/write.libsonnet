// mimir-write: distributor + ingester in one process, one StatefulSet per zone.
local k = import 'ksonnet-util/kausal.libsonnet';

{
  local container = k.core.v1.container,
  local service = k.core.v1.service,
  local statefulSet = k.apps.v1.statefulSet,
  local volumeMount = k.core.v1.volumeMount,

  local enabled = $._config.is_read_write_deployment_mode,

  mimir_write_args::
    $.distributor_args
    + $.ingester_args
    + {
      target: 'write',
      // No ballast: the ingester part has a large heap anyway.
      'mem-ballast-size-bytes': null,
    },

  // Per-zone hooks: by default, the same extra flags as the ingesters of that zone.
  mimir_write_zone_a_args:: $.ingester_zone_a_args,
  mimir_write_zone_b_args:: $.ingester_zone_b_args,
  mimir_write_zone_c_args:: $.ingester_zone_c_args,

  mimir_write_ports:: $.mimirReadWritePorts([$.distributor_ports, $.ingester_ports]),

  mimir_write_data_pvc::
    $.newMimirPVC('mimir-write-data', $._config.mimir_write_data_disk_size, $._config.mimir_write_data_disk_class),

  mimir_write_container:: if !enabled then null else
    container.new('mimir-write', $._images.mimir_write)
    + container.withPorts($.mimir_write_ports)
    + container.withArgsMixin($.util.mapToFlags($.mimir_write_args))
    + $.util.resourcesRequests('4', '15Gi')
    + $.util.resourcesLimits(null, '25Gi')
    + $.util.readinessProbe
    + container.withVolumeMountsMixin([volumeMount.new('mimir-write-data', '/data')])
    + $.jaeger_mixin,

  newMimirWriteZoneContainer(zone, zone_args)::
    $.mimir_write_container
    + container.withArgs($.util.mapToFlags(
      $.mimir_write_args + zone_args + {
        'ingester.ring.zone-awareness-enabled': 'true',
        'ingester.ring.instance-availability-zone': 'zone-%s' % zone,
      },
    )),

  newMimirWriteZoneStatefulSet(zone, container)::
    $.newMimirZoneStatefulSet(
      'mimir-write-zone-%s' % zone,
      'mimir-write',
      $._config.mimir_write_replicas,
      container,
      $.mimir_write_data_pvc,
      $._config.mimir_write_max_unavailable,
      $._config.mimir_write_allow_multiple_replicas_on_same_node,
    )
    + statefulSet.spec.template.spec.withTerminationGracePeriodSeconds(1200)
    + $.memberlistGossipMember
    + $.util.podPriority('high'),

  mimir_write_zone_a_container:: if !enabled then null else $.newMimirWriteZoneContainer('a', $.mimir_write_zone_a_args),
  mimir_write_zone_b_container:: if !enabled then null else $.newMimirWriteZoneContainer('b', $.mimir_write_zone_b_args),
  mimir_write_zone_c_container:: if !enabled then null else $.newMimirWriteZoneContainer('c', $.mimir_write_zone_c_args),

  mimir_write_zone_a_statefulset: if !enabled then null else $.newMimirWriteZoneStatefulSet('a', $.mimir_write_zone_a_container),
  mimir_write_zone_b_statefulset: if !enabled then null else $.newMimirWriteZoneStatefulSet('b', $.mimir_write_zone_b_container),
  mimir_write_zone_c_statefulset: if !enabled then null else $.newMimirWriteZoneStatefulSet('c', $.mimir_write_zone_c_container),

  mimir_write_zone_a_service: if !enabled then null else $.newMimirZoneService($.mimir_write_zone_a_statefulset),
  mimir_write_zone_b_service: if !enabled then null else $.newMimirZoneService($.mimir_write_zone_b_statefulset),
  mimir_write_zone_c_service: if !enabled then null else $.newMimirZoneService($.mimir_write_zone_c_statefulset),

  // What writers (Prometheus remote-write through the gateway) connect to.
  mimir_write_service: if !enabled then null else
    $.newMimirRolloutGroupService('mimir-write', [
      $.mimir_write_zone_a_statefulset,
      $.mimir_write_zone_b_statefulset,
      $.mimir_write_zone_c_statefulset,
    ], $._config.service_ignored_labels)
    + service.spec.withClusterIp('None'),

  mimir_write_rollout_pdb: if !enabled then null else
    $.newMimirRolloutGroupPDB('mimir-write', 1),
}
