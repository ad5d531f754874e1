// Imported by overlays relative to the entrypoint's directory.
{ _config+:: { replicas: 5 } }
