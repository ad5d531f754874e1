// Autoscaling of mimir-read (the only autoscalable read-write component).
{
  _config+:: {
    autoscaling_mimir_read_enabled: false,
    autoscaling_mimir_read_min_replicas: error 'you must set autoscaling_mimir_read_min_replicas in the _config',
    autoscaling_mimir_read_max_replicas: error 'you must set autoscaling_mimir_read_max_replicas in the _config',
    autoscaling_mimir_read_target_utilization: 0.75,
  },

  local overrideSuperIfExists(name, override) =
    if !(name in super) || super[name] == null || super[name] == {} then null
    else super[name] + override,

  // The schedulers run inside mimir-backend, hence the container in the query.
  read_scaled_object: if !$._config.autoscaling_mimir_read_enabled then null else
    $.newQuerierScaledObject(
      name='mimir-read',
      query_scheduler_container='mimir-backend',
      querier_max_concurrent=$.querier_args['querier.max-concurrent'],
      min_replicas=$._config.autoscaling_mimir_read_min_replicas,
      max_replicas=$._config.autoscaling_mimir_read_max_replicas,
      target_utilization=$._config.autoscaling_mimir_read_target_utilization,
    ),

  mimir_read_deployment: overrideSuperIfExists(
    'mimir_read_deployment',
    if !$._config.autoscaling_mimir_read_enabled then {} else $.removeReplicasFromSpec
  ),
}
