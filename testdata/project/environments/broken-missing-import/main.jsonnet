// Imports a library that does not exist anywhere on the import path.
local missing = import 'does-not-exist/lib.libsonnet';
{
  app: missing.new('app'),
}
