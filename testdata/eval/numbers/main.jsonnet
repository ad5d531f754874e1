// Numbers that break naive conversions: beyond i64, fractions, exponents.
{
  big: 1e20,
  huge: 12345678901234567890,
  max_safe: 9007199254740993,
  frac: 0.1 + 0.2,
  tiny: 1e-7,
  neg: -0.5,
  int: 1000000,
  str: std.toString(42),
}
