// Mimir-like Jsonnet library (fixture modelled on the Mimir 2.7 era library, the one whose
// `_config.deployment_mode` is 'microservices' | 'migration' | 'read-write').
//
// One object built by chaining mixins; later files patch earlier ones through `super`,
// so the ORDER below matters (autoscaling must come after the components it wraps,
// read-write after everything it derives its arguments from).
(import 'ksonnet-util/kausal.libsonnet')
+ (import 'jaeger-agent-mixin/jaeger.libsonnet')
+ (import 'images.libsonnet')
+ (import 'common.libsonnet')
+ (import 'config.libsonnet')
+ (import 'consul.libsonnet')

// Microservices.
+ (import 'distributor.libsonnet')
+ (import 'ingester.libsonnet')
+ (import 'querier.libsonnet')
+ (import 'query-frontend.libsonnet')
+ (import 'ruler.libsonnet')
+ (import 'alertmanager.libsonnet')
+ (import 'query-scheduler.libsonnet')
+ (import 'compactor.libsonnet')
+ (import 'store-gateway.libsonnet')
+ (import 'overrides-exporter.libsonnet')

// Supporting services.
+ (import 'etcd.libsonnet')
+ (import 'memcached.libsonnet')

// Features.
+ (import 'shuffle-sharding.libsonnet')
+ (import 'query-sharding.libsonnet')
+ (import 'multi-zone.libsonnet')
+ (import 'ruler-remote-evaluation.libsonnet')
+ (import 'memberlist.libsonnet')
+ (import 'continuous-test.libsonnet')

// Patches deployments defined above, so it comes late.
+ (import 'autoscaling.libsonnet')

// Read-write deployment mode (mimir-write / mimir-read / mimir-backend).
+ (import 'read-write-deployment/main.libsonnet')
