// A tiny Kubernetes helper library, shaped like ksonnet-util.
{
  local container(name, image) = {
    name: name,
    image: image,
    args:: {},
    withArgs(args):: self + { args+:: args },
  },
  core:: {
    v1:: {
      container:: { new:: container },
      service:: {
        new(name, selector, port):: {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: name },
          spec: { selector: selector, ports: [{ port: port }] },
        },
      },
      configMap:: {
        new(name, data):: {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: name },
          data: data,
        },
      },
    },
  },
  apps:: {
    v1:: {
      deployment:: {
        new(name, replicas, containers):: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: name, labels: { name: name } },
          spec: {
            replicas: replicas,
            selector: { matchLabels: { name: name } },
            template: {
              metadata: { labels: { name: name } },
              spec: {
                containers: [
                  c { args::: ['-%s=%s' % [k, c.args[k]] for k in std.objectFields(c.args)] }
                  for c in containers
                ],
              },
            },
          },
        },
        mixin:: { spec:: { withReplicas(n):: { spec+: { replicas: n } } } },
      },
    },
  },
}
