// Alertmanager (multi-tenant). Microservices mode only: the read-write mode of this
// library version deploys no alertmanager at all.
local k = import 'ksonnet-util/kausal.libsonnet';

{
  local configMap = k.core.v1.configMap,
  local container = k.core.v1.container,
  local envVar = k.core.v1.envVar,
  local service = k.core.v1.service,
  local statefulSet = k.apps.v1.statefulSet,
  local volumeMount = k.core.v1.volumeMount,

  local hasFallbackConfig = std.length($._config.alertmanager.fallback_config) > 0,

  alertmanager_args::
    $._config.usageStatsConfig
    + $._config.grpcConfig
    + $._config.storageConfig
    + $._config.alertmanagerStorageConfig
    + $.mimirRuntimeConfigFile
    + {
      target: 'alertmanager',
      'server.http-listen-port': $._config.server_http_port,

      'alertmanager.storage.path': '/data',
      'alertmanager.web.external-url': '%s/alertmanager' % $._config.external_url,

      'alertmanager.sharding-ring.replication-factor': $._config.replication_factor,
      'alertmanager.sharding-ring.store': 'consul',
      'alertmanager.sharding-ring.consul.hostname': 'consul.%s.svc.cluster.local:8500' % $._config.namespace,
    }
    + (if hasFallbackConfig then {
         'alertmanager.configs.fallback': '/configs/alertmanager_fallback_config.yaml',
       } else {}),

  alertmanager_ports:: $.util.defaultPorts,

  alertmanager_fallback_config_map:
    if hasFallbackConfig then
      configMap.new('alertmanager-fallback-config')
      + configMap.withData({
        'alertmanager_fallback_config.yaml': $.util.manifestYaml($._config.alertmanager.fallback_config),
      })
    else {},

  alertmanager_pvc::
    $.newMimirPVC('alertmanager-data', '100Gi', null),

  alertmanager_container::
    if !$._config.alertmanager_enabled then null else
      container.new('alertmanager', $._images.alertmanager)
      + container.withPorts($.alertmanager_ports)
      + container.withEnvMixin([envVar.fromFieldPath('POD_IP', 'status.podIP')])
      + container.withArgsMixin($.util.mapToFlags($.alertmanager_args))
      + container.withVolumeMountsMixin(
        [volumeMount.new('alertmanager-data', '/data')]
        + (if hasFallbackConfig then [volumeMount.new('alertmanager-fallback-config', '/configs')] else [])
      )
      + $.util.resourcesRequests('2', '10Gi')
      + $.util.resourcesLimits(null, '15Gi')
      + $.util.readinessProbe
      + $.jaeger_mixin,

  alertmanager_statefulset:
    if !$._config.is_microservices_deployment_mode || !$._config.alertmanager_enabled then null else
      $.newMimirStatefulSet('alertmanager', $._config.alertmanager.replicas, $.alertmanager_container, $.alertmanager_pvc, podManagementPolicy=null)
      + statefulSet.spec.template.spec.withTerminationGracePeriodSeconds(900)
      + (if hasFallbackConfig then $.util.configVolumeMount('alertmanager-fallback-config', '/configs') else {}),

  alertmanager_service:
    if !$._config.is_microservices_deployment_mode || !$._config.alertmanager_enabled then {} else
      $.util.serviceFor($.alertmanager_statefulset, $._config.service_ignored_labels)
      + service.spec.withClusterIp('None'),

  alertmanager_pdb:
    if !$._config.is_microservices_deployment_mode || !$._config.alertmanager_enabled then null else
      $.newMimirPdb('alertmanager'),
}
