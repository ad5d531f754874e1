// Shuffle sharding: spread each tenant over a subset of the instances.
{
  _config+:: {
    shuffle_sharding:: {
      ingester_write_path_enabled: false,
      ingester_read_path_enabled: false,
      querier_enabled: false,
      ruler_enabled: false,
      store_gateway_enabled: false,
      ingester_shard_size: 3,
      querier_shard_size: 10,
      store_gateway_shard_size: 3,
      ruler_shard_size: 2,
    },
  },

  local ss = $._config.shuffle_sharding,

  distributor_args+:: if !ss.ingester_write_path_enabled then {} else {
    'distributor.ingestion-tenant-shard-size': ss.ingester_shard_size,
  },

  querier_args+:: (
    if !ss.ingester_read_path_enabled then {} else {
      'querier.shuffle-sharding-ingesters-enabled': true,
    }
  ) + (
    if !ss.store_gateway_enabled then {} else {
      'store-gateway.tenant-shard-size': ss.store_gateway_shard_size,
    }
  ),

  query_frontend_args+:: if !ss.querier_enabled then {} else {
    'query-frontend.max-queriers-per-tenant': ss.querier_shard_size,
  },

  ruler_args+:: if !ss.ruler_enabled then {} else {
    'ruler.tenant-shard-size': ss.ruler_shard_size,
  },
}
