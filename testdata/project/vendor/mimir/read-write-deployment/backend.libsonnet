// mimir-backend: store-gateway + compactor + query-scheduler + ruler + overrides-exporter
// in one process, one StatefulSet per zone.
local k = import 'ksonnet-util/kausal.libsonnet';

{
  local container = k.core.v1.container,
  local statefulSet = k.apps.v1.statefulSet,
  local volumeMount = k.core.v1.volumeMount,

  local enabled = $._config.is_read_write_deployment_mode,

  mimir_backend_args::
    $.store_gateway_args
    + $.compactor_args
    + $.query_scheduler_args
    + $.ruler_args
    + $.overrides_exporter_args
    + {
      target: 'backend',
      'compactor.data-dir': '/data/compactor',
      // No alertmanager in this mode: the ruler's notifier config needs some storage.
      'alertmanager-storage.backend': 'filesystem',
      'querier.frontend-address': null,
      // The embedded ruler always evaluates rules remotely, through mimir-read.
      'ruler.query-frontend.address': 'dns:///mimir-read-headless.%(namespace)s.svc.cluster.local:9095' % $._config,
      'query-scheduler.max-used-instances': 2,
    },

  // Per-zone hooks: by default, the same extra flags as the store-gateways of that zone.
  mimir_backend_zone_a_args:: $.store_gateway_zone_a_args,
  mimir_backend_zone_b_args:: $.store_gateway_zone_b_args,
  mimir_backend_zone_c_args:: $.store_gateway_zone_c_args,

  mimir_backend_ports:: $.mimirReadWritePorts([$.store_gateway_ports, $.compactor_ports]),

  mimir_backend_data_pvc::
    $.newMimirPVC('mimir-backend-data', $._config.mimir_backend_data_disk_size, $._config.mimir_backend_data_disk_class),

  mimir_backend_container:: if !enabled then null else
    container.new('mimir-backend', $._images.mimir_backend)
    + container.withPorts($.mimir_backend_ports)
    + container.withArgsMixin($.util.mapToFlags($.mimir_backend_args))
    + $.util.resourcesRequests('1', '12Gi')
    + $.util.resourcesLimits(null, '18Gi')
    + $.util.readinessProbe
    + container.withVolumeMountsMixin([volumeMount.new('mimir-backend-data', '/data')])
    + $.jaeger_mixin,

  newMimirBackendZoneContainer(zone, zone_args)::
    $.mimir_backend_container
    + container.withArgs($.util.mapToFlags(
      // First, so that mimir_backend_args / zone args can override it.
      { 'store-gateway.sharding-ring.unregister-on-shutdown': false }
      + $.mimir_backend_args
      + zone_args
      + {
        'store-gateway.sharding-ring.instance-availability-zone': 'zone-%s' % zone,
        'store-gateway.sharding-ring.zone-awareness-enabled': 'true',
        'store-gateway.sharding-ring.prefix': 'multi-zone/',
      },
    )),

  newMimirBackendZoneStatefulSet(zone, container)::
    $.newMimirZoneStatefulSet(
      'mimir-backend-zone-%s' % zone,
      'mimir-backend',
      $._config.mimir_backend_replicas,
      container,
      $.mimir_backend_data_pvc,
      $._config.mimir_backend_max_unavailable,
      $._config.mimir_backend_allow_multiple_replicas_on_same_node,
    )
    + statefulSet.spec.template.spec.withTerminationGracePeriodSeconds(900)
    + $.memberlistGossipMember
    + $.util.podPriority('high'),

  mimir_backend_zone_a_container:: if !enabled then null else $.newMimirBackendZoneContainer('a', $.mimir_backend_zone_a_args),
  mimir_backend_zone_b_container:: if !enabled then null else $.newMimirBackendZoneContainer('b', $.mimir_backend_zone_b_args),
  mimir_backend_zone_c_container:: if !enabled then null else $.newMimirBackendZoneContainer('c', $.mimir_backend_zone_c_args),

  mimir_backend_zone_a_statefulset: if !enabled then null else $.newMimirBackendZoneStatefulSet('a', $.mimir_backend_zone_a_container),
  mimir_backend_zone_b_statefulset: if !enabled then null else $.newMimirBackendZoneStatefulSet('b', $.mimir_backend_zone_b_container),
  mimir_backend_zone_c_statefulset: if !enabled then null else $.newMimirBackendZoneStatefulSet('c', $.mimir_backend_zone_c_container),

  mimir_backend_zone_a_service: if !enabled then null else $.newMimirZoneService($.mimir_backend_zone_a_statefulset),
  mimir_backend_zone_b_service: if !enabled then null else $.newMimirZoneService($.mimir_backend_zone_b_statefulset),
  mimir_backend_zone_c_service: if !enabled then null else $.newMimirZoneService($.mimir_backend_zone_c_statefulset),

  // Not headless: ruler and compactor HTTP endpoints are reached through it.
  mimir_backend_service: if !enabled then null else
    $.newMimirRolloutGroupService('mimir-backend', [
      $.mimir_backend_zone_a_statefulset,
      $.mimir_backend_zone_b_statefulset,
      $.mimir_backend_zone_c_statefulset,
    ], $._config.service_ignored_labels),

  mimir_backend_rollout_pdb: if !enabled then null else
    $.newMimirRolloutGroupPDB('mimir-backend', 1),
}
