// Helpers exposed as `$.util` by kausal.libsonnet.
{
  withK(k):: {
    local container = k.core.v1.container,
    local service = k.core.v1.service,
    local servicePort = k.core.v1.servicePort,
    local volume = k.core.v1.volume,
    local volumeMount = k.core.v1.volumeMount,

    // {flag: value} -> ['-flag=value', ...], keys sorted, null values dropped.
    mapToFlags(map, prefix='-'):: [
      '%s%s=%s' % [prefix, key, map[key]]
      for key in std.objectFields(map)
      if map[key] != null
    ],

    // A Service selecting the workload's pods and exposing every container port
    // (named '<container>-<port>'); labels listed in ignored_labels are not selected on.
    serviceFor(workload, ignored_labels=[], nameFormat='%(container)s-%(port)s')::
      local podLabels = workload.spec.template.metadata.labels;
      local selector = {
        [key]: podLabels[key]
        for key in std.objectFields(podLabels)
        if !std.member(ignored_labels, key)
      };
      local ports = [
        servicePort.newNamed(
          name=(nameFormat % { container: c.name, port: port.name }),
          port=port.containerPort,
          targetPort=port.containerPort,
        )
        + (if std.objectHas(port, 'protocol') then servicePort.withProtocol(port.protocol) else {})
        for c in workload.spec.template.spec.containers
        for port in (if std.objectHas(c, 'ports') then c.ports else [])
      ];
      service.new(workload.metadata.name, selector, ports)
      + service.metadata.withLabels({ name: workload.metadata.name }),

    resourcesRequests(cpu, memory)::
      container.resources.withRequests(
        (if cpu != null then { cpu: cpu } else {})
        + (if memory != null then { memory: memory } else {})
      ),

    resourcesLimits(cpu, memory)::
      container.resources.withLimits(
        (if cpu != null then { cpu: cpu } else {})
        + (if memory != null then { memory: memory } else {})
      ),

    // Mount ConfigMap `name` at `path` in every container of a workload, and add the volume.
    configVolumeMount(name, path, volumeMountMixin={})::
      local addMount(c) = c + container.withVolumeMountsMixin([volumeMount.new(name, path) + volumeMountMixin]);
      {
        local podContainers = super.spec.template.spec.containers,
        spec+: {
          template+: {
            spec+: {
              containers: std.map(addMount, podContainers),
              volumes+: [volume.fromConfigMap(name, name)],
            },
          },
        },
      },

    // Same for a PersistentVolumeClaim.
    pvcVolumeMount(pvcName, path, readOnly=false, volumeMountMixin={})::
      local addMount(c) = c + container.withVolumeMountsMixin([volumeMount.new(pvcName, path, readOnly) + volumeMountMixin]);
      {
        local podContainers = super.spec.template.spec.containers,
        spec+: {
          template+: {
            spec+: {
              containers: std.map(addMount, podContainers),
              volumes+: [volume.fromPersistentVolumeClaim(pvcName, pvcName, readOnly)],
            },
          },
        },
      },

    emptyVolumeMount(name, path, volumeMountMixin={}, volumeMixin={})::
      local addMount(c) = c + container.withVolumeMountsMixin([volumeMount.new(name, path) + volumeMountMixin]);
      {
        local podContainers = super.spec.template.spec.containers,
        spec+: {
          template+: {
            spec+: {
              containers: std.map(addMount, podContainers),
              volumes+: [volume.fromEmptyDir(name) + volumeMixin],
            },
          },
        },
      },

    // Forbid two pods of the workload (same pod labels) on one node.
    antiAffinity:: {
      local podLabels = super.spec.template.metadata.labels,
      spec+: {
        template+: {
          spec+: {
            affinity: {
              podAntiAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: [{
                  labelSelector: { matchLabels: podLabels },
                  topologyKey: 'kubernetes.io/hostname',
                }],
              },
            },
          },
        },
      },
    },
    antiAffinityStatefulSet:: self.antiAffinity,

    // YAML text of a value, the way Tanka's native emitter writes it (yaml.v3, 4-space
    // indent). Falls back to std.manifestYamlDoc when the native is not provided.
    manifestYaml(value)::
      local native = std.native('manifestYamlFromJson');
      if native != null then native(std.manifestJson(value)) else std.manifestYamlDoc(value),

    // '<n>Gi' / '<n>Mi' / '<n>Ki' / '<n>' for a byte count, largest unit that divides evenly.
    bytesToK8sQuantity(bytes)::
      local b = std.floor(bytes);
      local units = [['Gi', 1024 * 1024 * 1024], ['Mi', 1024 * 1024], ['Ki', 1024]];
      local fits = [u for u in units if b % u[1] == 0];
      if std.length(fits) > 0 then '%d%s' % [b / fits[0][1], fits[0][0]] else '%d' % b,
  },
}
