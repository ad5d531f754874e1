// Query sharding: the query-frontend splits queries by series shards; needs more
// querier concurrency and bigger frontends.
local k = import 'ksonnet-util/kausal.libsonnet';

{
  local container = k.core.v1.container,

  _config+:: {
    query_sharding_enabled: false,
    query_sharding_total_shards: 16,
    query_sharding_max_sharded_queries: 128,
  },

  local enabled = $._config.query_sharding_enabled,

  local overrideSuperIfExists(name, override) =
    if !(name in super) || super[name] == null || super[name] == {} then null
    else super[name] + override,

  query_frontend_args+:: if !enabled then {} else {
    'query-frontend.parallelize-shardable-queries': true,
    'query-frontend.query-sharding-total-shards': $._config.query_sharding_total_shards,
    'query-frontend.query-sharding-max-sharded-queries': $._config.query_sharding_max_sharded_queries,
  },

  querier_args+:: if !enabled then {} else {
    'querier.max-concurrent': $._config.querier.concurrency * 2,
  },

  query_frontend_deployment: overrideSuperIfExists(
    'query_frontend_deployment',
    if !enabled then {} else k.apps.v1.deployment.mapContainers(
      function(c) c + $.util.resourcesRequests('2', '1Gi') + $.util.resourcesLimits(null, '3Gi')
    ),
  ),
}
