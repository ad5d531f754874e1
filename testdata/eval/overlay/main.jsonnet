// An environment built from a library with a _config, the usual Tanka shape.
local k = import 'kube/kube.libsonnet';
local util = import 'util.libsonnet';
{
  _config:: { replicas: 2, name: 'web', image: 'nginx:1.25', flags: { 'log.level': 'info' } },
  web: {
    deployment: k.apps.v1.deployment.new($._config.name, $._config.replicas, [
      k.core.v1.container.new($._config.name, $._config.image).withArgs($._config.flags),
    ]),
    service: util.serviceFor(self.deployment),
  },
  config: k.core.v1.configMap.new('settings', { hash: std.native('sha256')($._config.name) }),
}
