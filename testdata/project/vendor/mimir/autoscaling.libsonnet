// Autoscaling with KEDA: one ScaledObject (keda.sh/v1alpha1) per autoscaled component,
// driven by Prometheus queries. KEDA creates the HorizontalPodAutoscaler itself. An
// autoscaled Deployment stops declaring spec.replicas (KEDA owns the count).
local k = import 'ksonnet-util/kausal.libsonnet';

{
  local container = k.core.v1.container,
  local deployment = k.apps.v1.deployment,

  _config+:: {
    autoscaling_prometheus_url: 'http://prometheus.default:9090/prometheus',

    autoscaling_querier_enabled: false,
    autoscaling_querier_min_replicas: error 'you must set autoscaling_querier_min_replicas in the _config',
    autoscaling_querier_max_replicas: error 'you must set autoscaling_querier_max_replicas in the _config',
    // Scale up when the schedulers' queue of inflight requests reaches this share of capacity.
    autoscaling_querier_target_utilization: 0.75,

    autoscaling_ruler_querier_enabled: false,
    autoscaling_ruler_querier_min_replicas: error 'you must set autoscaling_ruler_querier_min_replicas in the _config',
    autoscaling_ruler_querier_max_replicas: error 'you must set autoscaling_ruler_querier_max_replicas in the _config',
    autoscaling_ruler_querier_cpu_target_utilization: 1,

    autoscaling_distributor_enabled: false,
    autoscaling_distributor_min_replicas: error 'you must set autoscaling_distributor_min_replicas in the _config',
    autoscaling_distributor_max_replicas: error 'you must set autoscaling_distributor_max_replicas in the _config',
    autoscaling_distributor_cpu_target_utilization: 1,
    autoscaling_distributor_memory_target_utilization: 1,

    autoscaling_ruler_enabled: false,
    autoscaling_ruler_min_replicas: error 'you must set autoscaling_ruler_min_replicas in the _config',
    autoscaling_ruler_max_replicas: error 'you must set autoscaling_ruler_max_replicas in the _config',
    autoscaling_ruler_cpu_target_utilization: 1,
    autoscaling_ruler_memory_target_utilization: 1,

    autoscaling_query_frontend_enabled: false,
    autoscaling_query_frontend_min_replicas: error 'you must set autoscaling_query_frontend_min_replicas in the _config',
    autoscaling_query_frontend_max_replicas: error 'you must set autoscaling_query_frontend_max_replicas in the _config',
    autoscaling_query_frontend_cpu_target_utilization: 1,
    autoscaling_query_frontend_memory_target_utilization: 1,

    autoscaling_ruler_query_frontend_enabled: false,
    autoscaling_ruler_query_frontend_min_replicas: error 'you must set autoscaling_ruler_query_frontend_min_replicas in the _config',
    autoscaling_ruler_query_frontend_max_replicas: error 'you must set autoscaling_ruler_query_frontend_max_replicas in the _config',
    autoscaling_ruler_query_frontend_cpu_target_utilization: 1,
    autoscaling_ruler_query_frontend_memory_target_utilization: 1,
  },

  assert !$._config.autoscaling_querier_enabled || $._config.query_scheduler_enabled :
         'you must enable query-scheduler in order to use querier autoscaling',

  //
  // ScaledObject constructors.
  //

  newScaledObject(name, namespace, config):: {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: {
      name: name,
      namespace: namespace,
    },
    spec: {
      scaleTargetRef: { name: config.target_name }
                      + (if std.objectHas(config, 'target_kind') then {
                           apiVersion: config.target_api_version,
                           kind: config.target_kind,
                         } else {}),
      pollingInterval: 10,
      minReplicaCount: config.min_replica_count,
      maxReplicaCount: config.max_replica_count,
      // Scale down slowly: at most 10% of the replicas per minute.
      advanced: {
        horizontalPodAutoscalerConfig: {
          behavior: {
            scaleDown: {
              policies: [{ periodSeconds: 60, type: 'Percent', value: 10 }],
            },
          },
        },
      },
      triggers: [
        {
          type: 'prometheus',
          metadata: {
            serverAddress: $._config.autoscaling_prometheus_url,
            query: trigger.query,
            metricName: trigger.metric_name,
            // KEDA wants a string.
            threshold: std.toString(trigger.threshold),
          },
        }
        for trigger in config.triggers
      ],
    },
  },

  // Queriers scale on the schedulers' inflight queue compared to querier concurrency.
  newQuerierScaledObject(name, query_scheduler_container, querier_max_concurrent, min_replicas, max_replicas, target_utilization)::
    $.newScaledObject(name, $._config.namespace, {
      target_name: name,
      min_replica_count: min_replicas,
      max_replica_count: max_replicas,
      triggers: [{
        metric_name: 'cortex_%s_hpa_%s' % [std.strReplace(name, '-', '_'), $._config.namespace],
        query: 'sum(max_over_time(cortex_query_scheduler_inflight_requests{container="%s",namespace="%s",quantile="0.75"}[5m]))'
               % [query_scheduler_container, $._config.namespace],
        threshold: std.floor(querier_max_concurrent * target_utilization),
      }],
    }),

  local cpuQuery(containerName) =
    'max_over_time(sum(rate(container_cpu_usage_seconds_total{container="%s",namespace="%s"}[5m]))[15m:]) * 1000'
    % [containerName, $._config.namespace],
  local memoryQuery(containerName) =
    'max_over_time(sum(container_memory_working_set_bytes{container="%s",namespace="%s"})[15m:])'
    % [containerName, $._config.namespace],

  // CPU (and optionally memory) based: thresholds are the container's requests.
  newResourceScaledObject(name, container_name, cpu_requests, memory_requests, min_replicas, max_replicas,
                          cpu_target_utilization, memory_target_utilization, metric_prefix='')::
    local metricBase = metric_prefix + std.strReplace(name, '-', '_');
    $.newScaledObject(name, $._config.namespace, {
      target_name: name,
      min_replica_count: min_replicas,
      max_replica_count: max_replicas,
      triggers: [
        {
          metric_name: '%s_cpu_hpa_%s' % [metricBase, $._config.namespace],
          query: cpuQuery(container_name),
          threshold: std.floor($.util.cpuToMilliCPUInt(cpu_requests) * cpu_target_utilization),
        },
      ] + (if memory_requests == null then [] else [
             {
               metric_name: '%s_memory_hpa_%s' % [metricBase, $._config.namespace],
               query: memoryQuery(container_name),
               threshold: std.floor($.util.siToBytes(memory_requests) * memory_target_utilization),
             },
           ]),
    }),

  // The Deployment no longer declares replicas (hidden, so `+:` patches stay hidden too).
  removeReplicasFromSpec:: {
    spec+: { replicas:: null },
  },

  local overrideSuperIfExists(name, override) =
    if !(name in super) || super[name] == null || super[name] == {} then null
    else super[name] + override,

  local micro = $._config.is_microservices_deployment_mode,

  //
  // querier
  //

  querier_scaled_object: if !$._config.autoscaling_querier_enabled || !micro then null else
    $.newQuerierScaledObject(
      name='querier',
      query_scheduler_container='query-scheduler',
      querier_max_concurrent=$.querier_args['querier.max-concurrent'],
      min_replicas=$._config.autoscaling_querier_min_replicas,
      max_replicas=$._config.autoscaling_querier_max_replicas,
      target_utilization=$._config.autoscaling_querier_target_utilization,
    ),

  querier_deployment: overrideSuperIfExists(
    'querier_deployment',
    if !$._config.autoscaling_querier_enabled then {} else $.removeReplicasFromSpec
  ),

  //
  // ruler-querier (CPU based: it serves no scheduler queue of its own size).
  //

  ruler_querier_scaled_object: if !$._config.autoscaling_ruler_querier_enabled || !micro then null else
    $.newScaledObject('ruler-querier', $._config.namespace, {
      target_name: 'ruler-querier',
      min_replica_count: $._config.autoscaling_ruler_querier_min_replicas,
      max_replica_count: $._config.autoscaling_ruler_querier_max_replicas,
      triggers: [{
        metric_name: 'cortex_ruler_querier_hpa_%s' % $._config.namespace,
        query: cpuQuery('ruler-querier'),
        threshold: std.floor(
          $.util.cpuToMilliCPUInt($.ruler_querier_container.resources.requests.cpu)
          * $._config.autoscaling_ruler_querier_cpu_target_utilization
        ),
      }],
    }),

  ruler_querier_deployment: overrideSuperIfExists(
    'ruler_querier_deployment',
    if !$._config.autoscaling_ruler_querier_enabled then {} else $.removeReplicasFromSpec
  ),

  //
  // distributor: when autoscaled, smaller pods (and more of them).
  //

  distributor_container+::
    if !$._config.autoscaling_distributor_enabled then {} else
      $.util.resourcesRequests(2, '3.2Gi')
      + $.util.resourcesLimits(null, '6Gi'),

  distributor_scaled_object: if !$._config.autoscaling_distributor_enabled || !micro then null else
    $.newResourceScaledObject(
      name='distributor',
      container_name='distributor',
      cpu_requests=$.distributor_container.resources.requests.cpu,
      memory_requests=$.distributor_container.resources.requests.memory,
      min_replicas=$._config.autoscaling_distributor_min_replicas,
      max_replicas=$._config.autoscaling_distributor_max_replicas,
      cpu_target_utilization=$._config.autoscaling_distributor_cpu_target_utilization,
      memory_target_utilization=$._config.autoscaling_distributor_memory_target_utilization,
      metric_prefix='cortex_',
    ),

  distributor_deployment: overrideSuperIfExists(
    'distributor_deployment',
    if !$._config.autoscaling_distributor_enabled then {} else $.removeReplicasFromSpec
  ),

  //
  // ruler
  //

  ruler_scaled_object: if !$._config.autoscaling_ruler_enabled || !micro then null else
    $.newResourceScaledObject(
      name='ruler',
      container_name='ruler',
      cpu_requests=$.ruler_container.resources.requests.cpu,
      memory_requests=$.ruler_container.resources.requests.memory,
      min_replicas=$._config.autoscaling_ruler_min_replicas,
      max_replicas=$._config.autoscaling_ruler_max_replicas,
      cpu_target_utilization=$._config.autoscaling_ruler_cpu_target_utilization,
      memory_target_utilization=$._config.autoscaling_ruler_memory_target_utilization,
    ),

  ruler_deployment: overrideSuperIfExists(
    'ruler_deployment',
    if !$._config.autoscaling_ruler_enabled then {} else $.removeReplicasFromSpec
  ),

  //
  // query-frontend
  //

  query_frontend_scaled_object: if !$._config.autoscaling_query_frontend_enabled || !micro then null else
    $.newResourceScaledObject(
      name='query-frontend',
      container_name='query-frontend',
      cpu_requests=$.query_frontend_container.resources.requests.cpu,
      memory_requests=$.query_frontend_container.resources.requests.memory,
      min_replicas=$._config.autoscaling_query_frontend_min_replicas,
      max_replicas=$._config.autoscaling_query_frontend_max_replicas,
      cpu_target_utilization=$._config.autoscaling_query_frontend_cpu_target_utilization,
      memory_target_utilization=$._config.autoscaling_query_frontend_memory_target_utilization,
    ),

  query_frontend_deployment: overrideSuperIfExists(
    'query_frontend_deployment',
    if !$._config.autoscaling_query_frontend_enabled then {} else $.removeReplicasFromSpec
  ),

  //
  // ruler-query-frontend
  //

  ruler_query_frontend_scaled_object: if !$._config.autoscaling_ruler_query_frontend_enabled || !micro then null else
    $.newResourceScaledObject(
      name='ruler-query-frontend',
      container_name='ruler-query-frontend',
      cpu_requests=$.ruler_query_frontend_container.resources.requests.cpu,
      memory_requests=$.ruler_query_frontend_container.resources.requests.memory,
      min_replicas=$._config.autoscaling_ruler_query_frontend_min_replicas,
      max_replicas=$._config.autoscaling_ruler_query_frontend_max_replicas,
      cpu_target_utilization=$._config.autoscaling_ruler_query_frontend_cpu_target_utilization,
      memory_target_utilization=$._config.autoscaling_ruler_query_frontend_memory_target_utilization,
    ),

  ruler_query_frontend_deployment: overrideSuperIfExists(
    'ruler_query_frontend_deployment',
    if !$._config.autoscaling_ruler_query_frontend_enabled then {} else $.removeReplicasFromSpec
  ),
}
