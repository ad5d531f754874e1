// Every Tanka native function except the YAML ones, with the values from Tanka's own tests.
local n(name) = std.native(name);
{
  parseJson: n('parseJson')('{"a": 47, "b": [1, 2.5, "x", null, true], "big": 1e20}'),
  parseJsonScalar: n('parseJson')('"s"'),
  manifestJsonEmpty: n('manifestJsonFromJson')('{}', 4),
  manifestJson: n('manifestJsonFromJson')('{ "a": 47}', 4),
  manifestJsonOrder: n('manifestJsonFromJson')(' {"z": [1.50, {}], "a": []} ', 2),
  sha256: n('sha256')('foo'),
  escape: n('escapeStringRegex')('([0-9]+).*\\s'),
  escapeEmpty: n('escapeStringRegex')(''),
  matchEmpty: n('regexMatch')('', 'a'),
  matchUnanchored: n('regexMatch')('b+', 'abbc'),
  matchAnchored: n('regexMatch')('^b', 'abc'),
  subst: n('regexSubst')('p[^m]*', 'pm', 'poe'),
  substGroups: n('regexSubst')('(\\w+)@(\\w+)', 'me@host you@there', '${2}.$1'),
  substDollar: n('regexSubst')('x', 'axb', '$$'),
}
