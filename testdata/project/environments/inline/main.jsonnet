// An inline environment: no spec.json; the file returns Environment objects whose
// `data` holds the manifests (select one with `--name`).
local k = import 'k.libsonnet';

local configMap = k.core.v1.configMap;
local container = k.core.v1.container;
local deployment = k.apps.v1.deployment;
local service = k.core.v1.service;
local servicePort = k.core.v1.servicePort;

local app(stage, replicas) = {
  local name = 'echo',
  local labels = { app: name, stage: stage },

  config: configMap.new(name + '-config', { STAGE: stage, LOG_LEVEL: if stage == 'prod' then 'warn' else 'debug' }),
  deployment:
    deployment.new(name, replicas, [
      container.new(name, 'hashicorp/http-echo:1.0')
      + container.withArgs(['-text=%s' % stage, '-listen=:5678']),
    ], labels),
  service: service.new(name, labels, [servicePort.newNamed('http', 80, 5678)]),
};

local environment(name, namespace, data) = {
  apiVersion: 'tanka.dev/v1alpha1',
  kind: 'Environment',
  metadata: { name: name },
  spec: {
    apiServer: 'https://%s.k8s.example.com:6443' % name,
    namespace: namespace,
  },
  data: data,
};

{
  dev: environment('inline-dev', 'echo-dev', app('dev', 1)),
  prod: environment('inline-prod', 'echo-prod', app('prod', 3)),
}
