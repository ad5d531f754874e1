// Legitimate recursion 450 calls deep: fits in Tanka's stack depth of 500.
local sum(n) = if n == 0 then 0 else n + sum(n - 1);
{ sum: sum(450) }
