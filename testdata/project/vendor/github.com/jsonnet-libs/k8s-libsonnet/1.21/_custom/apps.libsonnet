// Workload constructors that take replicas, containers and pod labels in one call.
{
  apps+: {
    v1+: {
      deployment+: {
        new(name, replicas=1, containers=error 'containers unset', podLabels={ app: name })::
          super.new(name)
          + super.spec.withReplicas(replicas)
          + super.spec.template.spec.withContainers(containers)
          + super.spec.selector.withMatchLabels(podLabels)
          + super.spec.template.metadata.withLabels(podLabels),
      },
      statefulSet+: {
        new(name, replicas=1, containers=error 'containers unset', volumeClaims=[], podLabels={ app: name })::
          super.new(name)
          + super.spec.withReplicas(replicas)
          + super.spec.template.spec.withContainers(containers)
          + super.spec.selector.withMatchLabels(podLabels)
          + super.spec.template.metadata.withLabels(podLabels)
          + (if std.length(volumeClaims) > 0 then super.spec.withVolumeClaimTemplates(volumeClaims) else {}),
      },
      daemonSet+: {
        new(name, containers=error 'containers unset', podLabels={ app: name })::
          super.new(name)
          + super.spec.template.spec.withContainers(containers)
          + super.spec.selector.withMatchLabels(podLabels)
          + super.spec.template.metadata.withLabels(podLabels),
      },
    },
  },
}
