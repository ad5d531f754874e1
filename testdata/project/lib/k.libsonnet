// Project-wide alias for the Kubernetes library (what `tk init` writes): libraries
// such as ksonnet-util import 'k.libsonnet' and find this file through <root>/lib.
import 'github.com/jsonnet-libs/k8s-libsonnet/1.21/main.libsonnet'
