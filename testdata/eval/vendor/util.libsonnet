// Shadowed by lib/util.libsonnet: lib comes before vendor in the import paths.
{ where:: 'vendor' }
