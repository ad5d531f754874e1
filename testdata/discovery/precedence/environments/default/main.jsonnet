// Each file exists in several of: this dir, <root>/lib, ./vendor, <root>/vendor.
// Tanka resolves them to: baseDir, /lib, baseDir-vendor, /vendor.
{
  baseDir: (import 'baseDir.jsonnet').value,
  lib: (import 'lib.jsonnet').value,
  'baseDir-vendor': (import 'baseDir-vendor.jsonnet').value,
  vendor: (import 'vendor.jsonnet').value,
}
