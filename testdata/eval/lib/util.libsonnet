// Project library: found through the import paths.
local k = import 'kube/kube.libsonnet';
{
  serviceFor(deployment):: k.core.v1.service.new(
    deployment.metadata.name,
    deployment.spec.selector.matchLabels,
    8080,
  ),
  where:: 'lib',
}
