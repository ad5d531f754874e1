// Building blocks shared by every component: default ports, readiness probe, the
// overrides volume, spread/anti-affinity helpers, StatefulSet/PDB constructors, and
// the Namespace object itself.
local k = import 'ksonnet-util/kausal.libsonnet';

{
  local container = k.core.v1.container,
  local containerPort = k.core.v1.containerPort,
  local deployment = k.apps.v1.deployment,
  local statefulSet = k.apps.v1.statefulSet,
  local pvc = k.core.v1.persistentVolumeClaim,
  local podDisruptionBudget = k.policy.v1.podDisruptionBudget,

  namespace: k.core.v1.namespace.new($._config.namespace),

  util+:: {
    defaultPorts:: [
      containerPort.new(name='http-metrics', port=$._config.server_http_port),
      containerPort.new(name='grpc', port=$._config.server_grpc_port),
    ],

    readinessProbe::
      container.readinessProbe.httpGet.withPath('/ready')
      + container.readinessProbe.httpGet.withPort($._config.server_http_port)
      + container.readinessProbe.withInitialDelaySeconds(15)
      + container.readinessProbe.withTimeoutSeconds(1),

    // Ports of several containers merged: sorted by port number, one entry per number.
    uniquePorts(ports)::
      std.uniq(std.sort(ports, function(p) p.containerPort), function(p) p.containerPort),

    // Parse a CPU quantity ('500m', '2', 2, '0.2') into millicores.
    cpuToMilliCPUInt(cpu)::
      local s = std.toString(cpu);
      if std.endsWith(s, 'm') then std.parseInt(std.substr(s, 0, std.length(s) - 1))
      else std.floor(std.parseJson(s) * 1000),

    // Parse a memory quantity ('600Mi', '3.2Gi', '1G', 1024) into bytes.
    siToBytes(str)::
      local s = std.toString(str);
      local suffixes = [['Ki', 1024], ['Mi', 1024 * 1024], ['Gi', 1024 * 1024 * 1024],
                        ['K', 1000], ['M', 1000 * 1000], ['G', 1000 * 1000 * 1000]];
      local matching = [x for x in suffixes if std.endsWith(s, x[0])];
      if std.length(matching) == 0 then std.parseJson(s)
      else std.parseJson(std.substr(s, 0, std.length(s) - std.length(matching[0][0]))) * matching[0][1],
  },

  // Every component reads the runtime overrides from the mounted ConfigMap.
  mimirRuntimeConfigFile:: {
    'runtime-config.file': '%s/overrides.yaml' % $._config.overrides_configmap_mountpoint,
  },

  mimirVolumeMounts::
    $.util.configVolumeMount($._config.overrides_configmap, $._config.overrides_configmap_mountpoint),

  newMimirNodeSelector(workload)::
    if $._config.node_selector == null then {}
    else workload.spec.template.spec.withNodeSelectorMixin($._config.node_selector),

  newMimirSpreadTopology(name, maxSkew)::
    deployment.spec.template.spec.withTopologySpreadConstraints([{
      labelSelector: { matchLabels: { name: name } },
      maxSkew: maxSkew,
      topologyKey: 'kubernetes.io/hostname',
      whenUnsatisfiable: 'ScheduleAnyway',
    }]),

  newMimirPVC(name, size, storageClass)::
    pvc.new(name)
    + pvc.spec.resources.withRequests({ storage: size })
    + pvc.spec.withAccessModes(['ReadWriteOnce'])
    + (if storageClass != null then pvc.spec.withStorageClassName(storageClass) else {}),

  newMimirStatefulSet(name, replicas, container, pvc, podManagementPolicy='Parallel')::
    statefulSet.new(name, replicas, [container], if pvc == null then [] else [pvc])
    + statefulSet.spec.withServiceName(name)
    + statefulSet.metadata.withNamespace($._config.namespace)
    + statefulSet.metadata.withLabels({ name: name })
    + statefulSet.spec.template.metadata.withLabels({ name: name })
    + statefulSet.spec.selector.withMatchLabels({ name: name })
    + statefulSet.spec.template.spec.securityContext.withRunAsUser(0)
    + statefulSet.spec.updateStrategy.withType('RollingUpdate')
    + (if podManagementPolicy != null then statefulSet.spec.withPodManagementPolicy(podManagementPolicy) else {})
    + $.mimirVolumeMounts
    + $.newMimirNodeSelector(statefulSet),

  // PodDisruptionBudget '<name>-pdb' over the pods labelled name=<name>.
  newMimirPdb(name, maxUnavailable=1)::
    podDisruptionBudget.new('%s-pdb' % name)
    + podDisruptionBudget.metadata.withLabels({ name: '%s-pdb' % name })
    + podDisruptionBudget.spec.selector.withMatchLabels({ name: name })
    + podDisruptionBudget.spec.withMaxUnavailable(maxUnavailable),

  // The Kubernetes object named `name`, or null if the field is absent, null or {}.
  // Feature files use it to patch workloads without resurrecting disabled ones.
  isDefined(value):: value != null && value != {},
}
