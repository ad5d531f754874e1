// Defaults of the web app (found next to main.jsonnet: the environment's base dir).
{
  defaults:: {
    name: 'hello-web',
    image: 'nginx:1.25-alpine',
    replicas: 1,
  },
}
