{
  nested: import 'nestedDir/file.jsonnet',
}
