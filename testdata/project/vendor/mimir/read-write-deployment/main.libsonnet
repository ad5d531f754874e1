// Read-write deployment mode: three components instead of the microservices.
//   mimir-write   (distributor + ingester)                   StatefulSets per zone
//   mimir-read    (query-frontend + querier)                 Deployment
//   mimir-backend (store-gateway + compactor + ruler + query-scheduler + overrides-exporter)
//                                                            StatefulSets per zone
// Their flags are derived from the microservices' `*_args`, so tuning a microservice's
// args tunes its read-write counterpart too.
(import 'config.libsonnet')
+ (import 'utils.libsonnet')
+ (import 'write.libsonnet')
+ (import 'read.libsonnet')
+ (import 'backend.libsonnet')
+ (import 'autoscaling.libsonnet')
