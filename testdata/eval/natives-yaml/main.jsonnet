// The YAML natives (parseYaml always returns an array of documents).
local n(name) = std.native(name);
{
  parseYamlEmpty: n('parseYaml')(''),
  parseYaml: n('parseYaml')('a: 47'),
  parseYamlMulti: n('parseYaml')('a: 1\n---\nb: [x, y]\n'),
  manifestYamlList: n('manifestYamlFromJson')('{"list":["a","b","c"]}'),
  manifestYamlEmpty: n('manifestYamlFromJson')('{}'),
  manifestYaml: n('manifestYamlFromJson')('{"a":47}'),
}
