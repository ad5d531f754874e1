// The four caches: results (frontend), index queries, chunks and metadata.
(import 'memcached/memcached.libsonnet') + {
  _images+:: {
    memcached: 'memcached:1.6.19-alpine',
    memcachedExporter: 'prom/memcached-exporter:v0.11.2',
  },

  memcached+:: {
    cpu_limits:: null,
    statefulSet+: $.newMimirNodeSelector($.apps.v1.statefulSet),
  },

  memcached_frontend: if !$._config.cache_frontend_enabled then {} else
    $.memcached {
      name: 'memcached-frontend',
      max_item_size: '%dm' % $._config.cache_frontend_max_item_size_mb,
      connection_limit: 16384,
    },

  memcached_index_queries: if !$._config.cache_index_queries_enabled then {} else
    $.memcached {
      name: 'memcached-index-queries',
      max_item_size: '%dm' % $._config.cache_index_queries_max_item_size_mb,
      connection_limit: 16384,
    },

  memcached_chunks: if !$._config.cache_chunks_enabled then {} else
    $.memcached {
      name: 'memcached',
      max_item_size: '%dm' % $._config.cache_chunks_max_item_size_mb,
      // Chunks are big and numerous: give them 6GB and little overhead.
      memory_limit_mb: 6 * 1024,
      overprovision_factor: 1.05,
      connection_limit: 16384,
    },

  memcached_metadata: if !$._config.cache_metadata_enabled then {} else
    $.memcached {
      name: 'memcached-metadata',
      max_item_size: '%dm' % $._config.cache_metadata_max_item_size_mb,
      memory_limit_mb: 512,
      connection_limit: 16384,
      // Metadata is small: one replica is enough.
      replicas: 1,
    },
}
