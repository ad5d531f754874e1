// Constructors for the core/v1 helper types (containers, ports, env vars, volumes).
{
  core+: {
    v1+: {
      container+: {
        new(name, image):: super.withName(name) + super.withImage(image),
      },
      containerPort+: {
        new(containerPort):: super.withContainerPort(containerPort),
        newNamed(containerPort, name):: super.withContainerPort(containerPort) + super.withName(name),
        newUDP(containerPort):: super.withContainerPort(containerPort) + super.withProtocol('UDP'),
      },
      envVar+: {
        new(name, value):: super.withName(name) + super.withValue(value),
        fromFieldPath(name, fieldPath):: super.withName(name) + super.valueFrom.fieldRef.withFieldPath(fieldPath),
        fromSecretRef(name, secretRefName, secretRefKey)::
          super.withName(name)
          + super.valueFrom.secretKeyRef.withName(secretRefName)
          + super.valueFrom.secretKeyRef.withKey(secretRefKey),
      },
      servicePort+: {
        new(port, targetPort):: super.withPort(port) + super.withTargetPort(targetPort),
        newNamed(name, port, targetPort):: super.withPort(port) + super.withTargetPort(targetPort) + super.withName(name),
      },
      service+: {
        new(name, selector, ports)::
          super.new(name)
          + super.spec.withSelector(selector)
          + super.spec.withPorts(ports),
      },
      configMap+: {
        new(name, data={})::
          super.new(name) + (if data != {} then super.withData(data) else {}),
      },
      secret+: {
        new(name, data, type='Opaque')::
          super.new(name) + super.withData(data) + super.withType(type),
      },
      volumeMount+: {
        new(name, mountPath, readOnly=false)::
          super.withName(name)
          + super.withMountPath(mountPath)
          + (if readOnly then super.withReadOnly(readOnly) else {}),
      },
      volume+: {
        fromConfigMap(name, configMapName, configMapItems=[])::
          super.withName(name)
          + super.configMap.withName(configMapName)
          + (if configMapItems != [] then super.configMap.withItems(configMapItems) else {}),
        fromEmptyDir(name, emptyDir={})::
          super.withName(name) + { emptyDir: emptyDir },
        fromPersistentVolumeClaim(name, claimName, readOnly=false)::
          super.withName(name)
          + super.persistentVolumeClaim.withClaimName(claimName)
          + (if readOnly then super.persistentVolumeClaim.withReadOnly(readOnly) else {}),
        fromSecret(name, secretName)::
          super.withName(name) + super.secret.withSecretName(secretName),
        fromHostPath(name, hostPath)::
          super.withName(name) + super.hostPath.withPath(hostPath),
      },
    },
  },
}
