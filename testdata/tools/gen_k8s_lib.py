#!/usr/bin/env python3
"""Generate the k8s-libsonnet-like test library under testdata/project/vendor.

The real k8s-libsonnet is generated from the Kubernetes OpenAPI schema; this fixture
imitates its *shape* (one file per kind, `new`, `withX` / `withXMixin` setters, nested
setters that build `{spec+: {template+: ...}}` patches, a `mixin: self` alias) from the
small hand-written schema below. Run from anywhere:

    python3 testdata/tools/gen_k8s_lib.py
"""
import os

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'project', 'vendor',
                    'github.com', 'jsonnet-libs', 'k8s-libsonnet', '1.21')

S, O, A = 's', 'o', 'a'   # scalar, map (object of strings), array

META = {
    'annotations': O, 'clusterName': S, 'creationTimestamp': S, 'deletionGracePeriodSeconds': S,
    'finalizers': A, 'generateName': S, 'generation': S, 'labels': O, 'managedFields': A,
    'name': S, 'namespace': S, 'ownerReferences': A, 'resourceVersion': S, 'selfLink': S, 'uid': S,
}
SELECTOR = {'matchExpressions': A, 'matchLabels': O}
POD_AFFINITY_TERMS = {'preferredDuringSchedulingIgnoredDuringExecution': A,
                      'requiredDuringSchedulingIgnoredDuringExecution': A}
PROBE = {
    'exec': {'command': A}, 'failureThreshold': S,
    'httpGet': {'host': S, 'httpHeaders': A, 'path': S, 'port': S, 'scheme': S},
    'initialDelaySeconds': S, 'periodSeconds': S, 'successThreshold': S,
    'tcpSocket': {'host': S, 'port': S}, 'terminationGracePeriodSeconds': S, 'timeoutSeconds': S,
}
SEC_CTX = {
    'allowPrivilegeEscalation': S, 'capabilities': {'add': A, 'drop': A}, 'privileged': S,
    'procMount': S, 'readOnlyRootFilesystem': S, 'runAsGroup': S, 'runAsNonRoot': S,
    'runAsUser': S, 'seccompProfile': {'localhostProfile': S, 'type': S},
}
CONTAINER = {
    'args': A, 'command': A, 'env': A, 'envFrom': A, 'image': S, 'imagePullPolicy': S,
    'lifecycle': {'postStart': {'exec': {'command': A}}, 'preStop': {'exec': {'command': A}}},
    'livenessProbe': PROBE, 'name': S, 'ports': A, 'readinessProbe': PROBE,
    'resources': {'limits': O, 'requests': O}, 'securityContext': SEC_CTX, 'startupProbe': PROBE,
    'stdin': S, 'stdinOnce': S, 'terminationMessagePath': S, 'terminationMessagePolicy': S,
    'tty': S, 'volumeDevices': A, 'volumeMounts': A, 'workingDir': S,
}
POD_SPEC = {
    'activeDeadlineSeconds': S,
    'affinity': {
        'nodeAffinity': {'preferredDuringSchedulingIgnoredDuringExecution': A,
                         'requiredDuringSchedulingIgnoredDuringExecution': {'nodeSelectorTerms': A}},
        'podAffinity': POD_AFFINITY_TERMS, 'podAntiAffinity': POD_AFFINITY_TERMS,
    },
    'automountServiceAccountToken': S, 'containers': A, 'dnsConfig': {'nameservers': A, 'options': A, 'searches': A},
    'dnsPolicy': S, 'enableServiceLinks': S, 'ephemeralContainers': A, 'hostAliases': A, 'hostIPC': S,
    'hostNetwork': S, 'hostPID': S, 'hostname': S, 'imagePullSecrets': A, 'initContainers': A,
    'nodeName': S, 'nodeSelector': O, 'overhead': O, 'preemptionPolicy': S, 'priority': S,
    'priorityClassName': S, 'readinessGates': A, 'restartPolicy': S, 'runtimeClassName': S,
    'schedulerName': S,
    'securityContext': {'fsGroup': S, 'fsGroupChangePolicy': S, 'runAsGroup': S, 'runAsNonRoot': S,
                        'runAsUser': S, 'supplementalGroups': A, 'sysctls': A},
    'serviceAccount': S, 'serviceAccountName': S, 'setHostnameAsFQDN': S, 'shareProcessNamespace': S,
    'subdomain': S, 'terminationGracePeriodSeconds': S, 'tolerations': A,
    'topologySpreadConstraints': A, 'volumes': A,
}
POD_TEMPLATE = {'metadata': META, 'spec': POD_SPEC}
PVC_SPEC = {'accessModes': A, 'dataSource': {'apiGroup': S, 'kind': S, 'name': S},
            'resources': {'limits': O, 'requests': O}, 'selector': SELECTOR,
            'storageClassName': S, 'volumeMode': S, 'volumeName': S}

# kind name -> (apiVersion, Kind or None for non-resources, fields)
GROUPS = {
    ('apps', 'v1'): {
        'deployment': ('apps/v1', 'Deployment', {
            'metadata': META,
            'spec': {'minReadySeconds': S, 'paused': S, 'progressDeadlineSeconds': S, 'replicas': S,
                     'revisionHistoryLimit': S, 'selector': SELECTOR,
                     'strategy': {'rollingUpdate': {'maxSurge': S, 'maxUnavailable': S}, 'type': S},
                     'template': POD_TEMPLATE}}),
        'statefulSet': ('apps/v1', 'StatefulSet', {
            'metadata': META,
            'spec': {'minReadySeconds': S, 'podManagementPolicy': S, 'replicas': S,
                     'revisionHistoryLimit': S, 'selector': SELECTOR, 'serviceName': S,
                     'template': POD_TEMPLATE,
                     'updateStrategy': {'rollingUpdate': {'partition': S}, 'type': S},
                     'volumeClaimTemplates': A}}),
        'daemonSet': ('apps/v1', 'DaemonSet', {
            'metadata': META,
            'spec': {'minReadySeconds': S, 'revisionHistoryLimit': S, 'selector': SELECTOR,
                     'template': POD_TEMPLATE,
                     'updateStrategy': {'rollingUpdate': {'maxSurge': S, 'maxUnavailable': S}, 'type': S}}}),
    },
    ('core', 'v1'): {
        'configMap': ('v1', 'ConfigMap', {'binaryData': O, 'data': O, 'immutable': S, 'metadata': META}),
        'secret': ('v1', 'Secret', {'data': O, 'immutable': S, 'metadata': META, 'stringData': O, 'type': S}),
        'namespace': ('v1', 'Namespace', {'metadata': META, 'spec': {'finalizers': A}}),
        'serviceAccount': ('v1', 'ServiceAccount', {'automountServiceAccountToken': S,
                                                    'imagePullSecrets': A, 'metadata': META, 'secrets': A}),
        'service': ('v1', 'Service', {
            'metadata': META,
            'spec': {'allocateLoadBalancerNodePorts': S, 'clusterIP': S, 'clusterIPs': A, 'externalIPs': A,
                     'externalName': S, 'externalTrafficPolicy': S, 'healthCheckNodePort': S,
                     'ipFamilies': A, 'ipFamilyPolicy': S, 'loadBalancerIP': S,
                     'loadBalancerSourceRanges': A, 'ports': A, 'publishNotReadyAddresses': S,
                     'selector': O, 'sessionAffinity': S, 'type': S}}),
        'persistentVolumeClaim': ('v1', 'PersistentVolumeClaim', {'metadata': META, 'spec': PVC_SPEC}),
        'pod': ('v1', 'Pod', {'metadata': META, 'spec': POD_SPEC}),
        'container': (None, None, CONTAINER),
        'containerPort': (None, None, {'containerPort': S, 'hostIP': S, 'hostPort': S, 'name': S, 'protocol': S}),
        'servicePort': (None, None, {'appProtocol': S, 'name': S, 'nodePort': S, 'port': S,
                                     'protocol': S, 'targetPort': S}),
        'envVar': (None, None, {'name': S, 'value': S, 'valueFrom': {
            'configMapKeyRef': {'key': S, 'name': S, 'optional': S},
            'fieldRef': {'apiVersion': S, 'fieldPath': S},
            'resourceFieldRef': {'containerName': S, 'divisor': S, 'resource': S},
            'secretKeyRef': {'key': S, 'name': S, 'optional': S}}}),
        'volumeMount': (None, None, {'mountPath': S, 'mountPropagation': S, 'name': S, 'readOnly': S,
                                     'subPath': S, 'subPathExpr': S}),
        'volume': (None, None, {
            'configMap': {'defaultMode': S, 'items': A, 'name': S, 'optional': S},
            'emptyDir': {'medium': S, 'sizeLimit': S},
            'hostPath': {'path': S, 'type': S}, 'name': S,
            'persistentVolumeClaim': {'claimName': S, 'readOnly': S},
            'secret': {'defaultMode': S, 'items': A, 'optional': S, 'secretName': S}}),
        'toleration': (None, None, {'effect': S, 'key': S, 'operator': S, 'tolerationSeconds': S, 'value': S}),
    },
    ('policy', 'v1'): {
        'podDisruptionBudget': ('policy/v1', 'PodDisruptionBudget', {
            'metadata': META, 'spec': {'maxUnavailable': S, 'minAvailable': S, 'selector': SELECTOR}}),
    },
    ('rbac', 'v1'): {
        'role': ('rbac.authorization.k8s.io/v1', 'Role', {'metadata': META, 'rules': A}),
        'roleBinding': ('rbac.authorization.k8s.io/v1', 'RoleBinding', {
            'metadata': META, 'roleRef': {'apiGroup': S, 'kind': S, 'name': S}, 'subjects': A}),
        'clusterRole': ('rbac.authorization.k8s.io/v1', 'ClusterRole', {
            'aggregationRule': {'clusterRoleSelectors': A}, 'metadata': META, 'rules': A}),
        'clusterRoleBinding': ('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', {
            'metadata': META, 'roleRef': {'apiGroup': S, 'kind': S, 'name': S}, 'subjects': A}),
        'policyRule': (None, None, {'apiGroups': A, 'nonResourceURLs': A, 'resourceNames': A,
                                    'resources': A, 'verbs': A}),
        'subject': (None, None, {'apiGroup': S, 'kind': S, 'name': S, 'namespace': S}),
    },
}


def cap(name):
    return name[0].upper() + name[1:]


def wrap(path, inner):
    """Build `{a+: {b+: inner}}` for path [a, b]."""
    out = inner
    for seg in reversed(path):
        out = '{ %s+: %s }' % (seg, out)
    return out


def setters(fields, path, indent):
    pad = '  ' * indent
    lines = []
    for name in sorted(fields):
        kind = fields[name]
        if isinstance(kind, dict):
            lines.append('%s%s: {' % (pad, name))
            lines.extend(setters(kind, path + [name], indent + 1))
            lines.append('%s},' % pad)
            continue
        setter = 'with' + cap(name)
        if kind == A:
            val = 'if std.isArray(v=%s) then %s else [%s]' % (name, name, name)
        else:
            val = name
        lines.append('%s%s(%s): %s,' % (pad, setter, name, wrap(path, '{ %s: %s }' % (name, val))))
        if kind in (A, O):
            lines.append('%s%sMixin(%s): %s,' % (pad, setter, name, wrap(path, '{ %s+: %s }' % (name, val))))
    return lines


def kind_file(api_version, kind, fields):
    out = ['// Generated by testdata/tools/gen_k8s_lib.py. Do not edit.', '{']
    if kind is not None:
        out.append("  new(name): { apiVersion: '%s', kind: '%s' } + self.metadata.withName(name=name)," % (api_version, kind))
    out.extend(setters(fields, [], 1))
    out.append("  '#mixin': 'ignore',")
    out.append('  mixin: self,')
    out.append('}')
    return '\n'.join(out) + '\n'


def main():
    gen = os.path.join(ROOT, '_gen')
    groups = {}
    for (group, version), kinds in GROUPS.items():
        vdir = os.path.join(gen, group, version)
        os.makedirs(vdir, exist_ok=True)
        idx = ['// Generated by testdata/tools/gen_k8s_lib.py. Do not edit.', '{']
        for name, (api_version, kind, fields) in sorted(kinds.items()):
            with open(os.path.join(vdir, name + '.libsonnet'), 'w') as f:
                f.write(kind_file(api_version, kind, fields))
            idx.append("  %s: (import '%s.libsonnet')," % (name, name))
        idx.append('}')
        with open(os.path.join(vdir, 'main.libsonnet'), 'w') as f:
            f.write('\n'.join(idx) + '\n')
        groups.setdefault(group, []).append(version)
    for group, versions in groups.items():
        with open(os.path.join(gen, group, 'main.libsonnet'), 'w') as f:
            f.write('// Generated by testdata/tools/gen_k8s_lib.py. Do not edit.\n{\n')
            for v in sorted(versions):
                f.write("  %s: (import '%s/main.libsonnet'),\n" % (v, v))
            f.write('}\n')
    with open(os.path.join(gen, 'main.libsonnet'), 'w') as f:
        f.write('// Generated by testdata/tools/gen_k8s_lib.py. Do not edit.\n{\n')
        for group in sorted(groups):
            f.write("  %s:: (import '%s/main.libsonnet'),\n" % (group, group))
        f.write('}\n')


if __name__ == '__main__':
    main()
