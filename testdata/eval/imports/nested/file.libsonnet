// Relative imports resolve from this file's directory first.
{ where: 'nested', up: (import '../sibling.libsonnet').where }
