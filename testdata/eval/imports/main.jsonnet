// Import resolution: relative to the importing file, then the import paths in order.
local util = import 'util.libsonnet';
{
  sibling: (import 'sibling.libsonnet').where,
  nested: import 'nested/file.libsonnet',
  lib: util.where,
  vendored: std.objectFieldsAll((import 'kube/kube.libsonnet').core.v1),
  text: importstr 'sibling.libsonnet',
  env: (import 'tk').env.metadata.name,
  extVar: std.extVar('tanka.dev/environment').spec.namespace,
  thisFileEnds: std.endsWith(std.thisFile, 'testdata/eval/imports/main.jsonnet'),
}
