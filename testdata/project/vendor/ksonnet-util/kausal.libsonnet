// ksonnet-util-like layer over the Kubernetes library: opinionated constructors
// (deployment/statefulSet labels, imagePullPolicy), ksonnet-compat helpers and `util`.
// Merge it at the root of your object (`(import 'ksonnet-util/kausal.libsonnet') + {...}`).
local k = import 'k.libsonnet';

local mapContainers = {
  // Apply `f` to every container of a workload (used as a mixin: `x + w.mapContainers(f)`).
  mapContainers(f):: {
    local podContainers = super.spec.template.spec.containers,
    spec+: { template+: { spec+: { containers: std.map(f, podContainers) } } },
  },
  mapContainersWithName(names, f)::
    local nameSet = if std.isArray(names) then names else [names];
    self.mapContainers(function(c) if std.member(nameSet, c.name) then f(c) else c),
};

k
+ {
  _config+:: {
    // Pod priorities need PriorityClass objects in the cluster; off unless asked for.
    enable_pod_priorities: false,
  },

  core+: {
    v1+: {
      container+: {
        new(name, image)::
          super.new(name, image) + super.withImagePullPolicy('IfNotPresent'),
        // Environment from a {NAME: value} map, sorted by name.
        withEnvMap(env)::
          self.withEnv([k.core.v1.envVar.new(name, env[name]) for name in std.objectFields(env)]),
      },
      // ksonnet-compat spelling used by older libraries.
      service+: {
        spec+: {
          withClusterIp(clusterIP):: self.withClusterIP(clusterIP),
        },
      },
      // ksonnet-style port constructor: name first.
      containerPort+: {
        new(name, port):: super.newNamed(name=name, containerPort=port),
      },
    },
  },

  apps+: {
    v1+: {
      deployment+: mapContainers {
        new(name, replicas=1, containers=error 'containers unset', podLabels={})::
          local labels = podLabels { name: name };
          super.new(name, replicas, containers, labels)
          + super.spec.withMinReadySeconds(10)
          + super.spec.withRevisionHistoryLimit(10),
      },
      statefulSet+: mapContainers {
        new(name, replicas=1, containers=error 'containers unset', volumeClaims=[], podLabels={})::
          local labels = podLabels { name: name };
          super.new(name, replicas, containers, volumeClaims, labels)
          + super.spec.updateStrategy.withType('RollingUpdate'),
      },
      daemonSet+: mapContainers {
        new(name, containers=error 'containers unset', podLabels={})::
          local labels = podLabels { name: name };
          super.new(name, containers, labels),
      },
    },
  },

  util+:: (import 'util.libsonnet').withK(k) {
    // A priorityClassName for the pod template, only when pod priorities are enabled.
    podPriority(p)::
      if $._config.enable_pod_priorities
      then k.apps.v1.deployment.spec.template.spec.withPriorityClassName(p)
      else {},
  },
}
