// Not Mimir: a small web application built directly with the Kubernetes library.
local k = import 'k.libsonnet';

local configMap = k.core.v1.configMap;
local container = k.core.v1.container;
local containerPort = k.core.v1.containerPort;
local deployment = k.apps.v1.deployment;
local service = k.core.v1.service;
local servicePort = k.core.v1.servicePort;
local volume = k.core.v1.volume;
local volumeMount = k.core.v1.volumeMount;

local app = import 'app.libsonnet';

{
  _config:: app.defaults {
    replicas: 2,
  },

  local labels = { app: $._config.name },

  web: {
    config:
      configMap.new($._config.name + '-config', {
        'nginx.conf': importstr 'nginx.conf',
        'greeting.txt': 'Hello from %s (%s)!\n' % [$._config.name, std.extVar('tanka.dev/environment').spec.namespace],
      }),

    deployment:
      deployment.new($._config.name, $._config.replicas, [
        container.new('nginx', $._config.image)
        + container.withPorts([containerPort.newNamed(8080, 'http')])
        + container.withVolumeMounts([volumeMount.new('config', '/etc/nginx/conf.d', readOnly=true)])
        + container.resources.withRequests({ cpu: '50m', memory: '64Mi' })
        + container.readinessProbe.httpGet.withPath('/healthz')
        + container.readinessProbe.httpGet.withPort('http'),
      ], labels)
      + deployment.spec.template.spec.withVolumes([volume.fromConfigMap('config', $._config.name + '-config')])
      + deployment.metadata.withAnnotations({
        // Roll the pods when the config changes.
        'config-hash': std.native('sha256')(std.manifestJson($.web.config.data)),
      }),


    service:
      service.new($._config.name, labels, [servicePort.newNamed('http', 80, 'http')]),
  },
}
