// A function that never stops calling itself: exceeds the maximum stack depth.
local countdown(n) = 1 + countdown(n - 1);
{
  config: {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'overflow' },
    data: { n: std.toString(countdown(10)) },
  },
}
