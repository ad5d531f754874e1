// Entry point of the k8s-libsonnet-like fixture library (Kubernetes 1.21 flavour).
// `_gen/` is produced by testdata/tools/gen_k8s_lib.py; `_custom/` holds the
// hand-written convenience constructors layered on top, as in the real library.
(import '_gen/main.libsonnet')
+ (import '_custom/apps.libsonnet')
+ (import '_custom/core.libsonnet')
+ (import '_custom/rbac.libsonnet')
