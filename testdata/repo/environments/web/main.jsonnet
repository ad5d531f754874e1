// Not Mimir: a plain web application. `--recursive` skips it with a note.
local k = import 'k.libsonnet';

local container = k.core.v1.container;
local deployment = k.apps.v1.deployment;
local service = k.core.v1.service;
local servicePort = k.core.v1.servicePort;

{
  _config:: { name: 'web', replicas: 2 },

  local labels = { app: $._config.name },

  deployment: deployment.new($._config.name, $._config.replicas, [
    container.new('nginx', 'nginx:1.27'),
  ], labels),
  service: service.new($._config.name, labels, [servicePort.newNamed('http', 80, 8080)]),
}
