// Tracing: point containers at a Jaeger agent when `_config.jaeger_agent_host` is set.
local k = import 'ksonnet-util/kausal.libsonnet';

{
  local container = k.core.v1.container,
  local envVar = k.core.v1.envVar,

  _config+:: {
    jaeger_agent_host: null,
  },

  jaeger_mixin::
    if $._config.jaeger_agent_host == null then {} else
      container.withEnvMixin([
        envVar.new('JAEGER_AGENT_HOST', $._config.jaeger_agent_host),
        envVar.new('JAEGER_TAGS', 'namespace=%s' % $._config.namespace),
        envVar.new('JAEGER_SAMPLER_MANAGER_HOST_PORT', 'http://%s:5778/sampling' % $._config.jaeger_agent_host),
      ]),
}
