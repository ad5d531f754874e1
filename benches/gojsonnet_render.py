#!/usr/bin/env python3
"""Time go-jsonnet (PyPI `gojsonnet`, the evaluator Tanka embeds) rendering a Tanka environment.

    gojsonnet_render.py [--runs N] ENV_DIR

Evaluates ENV_DIR/main.jsonnet the way Tanka does (import path [root/vendor, base/vendor,
root/lib, base], last wins; ext code `tanka.dev/environment` from spec.json; Tanka's native
functions; max stack 500) N times and prints one JSON line:

    {"seconds": [...], "sha256": "<hex of the JSON output>", "bytes": <length of the output>}

Only the `evaluate_file` call is timed (no interpreter start-up, no JSON parsing). Every call
builds a fresh go-jsonnet VM, as every `tk` invocation does. The natives are Python stand-ins
(Tanka's are Go); the Mimir-like environments call one of them (manifestYamlFromJson) once.
Exit code 3 when the `gojsonnet` module is missing.
"""

import argparse
import hashlib
import json
import os
import re
import sys
import time

try:
    import _gojsonnet
except ImportError:
    sys.stderr.write("gojsonnet_render.py: python3 module `_gojsonnet` missing: pip install gojsonnet\n")
    sys.exit(3)

try:
    import yaml
except ImportError:  # the output differs only inside one ConfigMap string; timing is unaffected
    yaml = None


def manifest_yaml_from_json(text):
    value = json.loads(text)
    if yaml is None:
        return json.dumps(value, indent=4, sort_keys=True) + "\n"

    class Dumper(yaml.SafeDumper):
        def increase_indent(self, flow=False, indentless=False):
            return super().increase_indent(flow, False)

    return yaml.dump(value, Dumper=Dumper, indent=4, sort_keys=True, default_flow_style=False,
                     allow_unicode=True, width=1 << 30)


NATIVES = {
    "parseJson": (("json",), json.loads),
    "parseYaml": (("yaml",), lambda s: [d for d in yaml.safe_load_all(s) if d is not None]),
    "manifestJsonFromJson": (("json", "indent"),
                             lambda s, n: json.dumps(json.loads(s), indent=int(n)) + "\n"),
    "manifestYamlFromJson": (("json",), manifest_yaml_from_json),
    "sha256": (("str",), lambda s: hashlib.sha256(s.encode()).hexdigest()),
    "escapeStringRegex": (("str",), lambda s: re.sub(r"([\\.+*?()|\[\]{}^$])", r"\\\1", s)),
    "regexMatch": (("regex", "string"), lambda r, s: re.search(r, s) is not None),
    "regexSubst": (("regex", "src", "repl"), lambda r, s, p: re.sub(r, p, s)),
}


def find_root(base):
    """Tanka's project root: the nearest directory up from base (inclusive) holding tkrc.yaml,
    or, only if there is none, the nearest holding jsonnetfile.json."""
    for marker in ("tkrc.yaml", "jsonnetfile.json"):
        d = base
        while True:
            if os.path.exists(os.path.join(d, marker)):
                return d
            parent = os.path.dirname(d)
            if parent == d:
                break
            d = parent
    sys.exit("gojsonnet_render.py: no tkrc.yaml or jsonnetfile.json above %s" % base)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("env")
    args = parser.parse_args()

    base = os.path.abspath(args.env)
    root = find_root(base)
    rel = os.path.relpath(base, root)
    spec = json.load(open(os.path.join(base, "spec.json")))
    spec.setdefault("metadata", {})
    spec["metadata"]["name"] = rel
    spec["metadata"]["namespace"] = os.path.join(rel, "main.jsonnet")
    options = dict(
        jpathdir=[os.path.join(root, "vendor"), os.path.join(base, "vendor"),
                  os.path.join(root, "lib"), base],
        ext_codes={"tanka.dev/environment": json.dumps(spec)},
        native_callbacks=NATIVES,
        max_stack=500,
    )
    entry = os.path.join(base, "main.jsonnet")
    seconds, out = [], ""
    for _ in range(args.runs):
        start = time.perf_counter()
        out = _gojsonnet.evaluate_file(entry, **options)
        seconds.append(time.perf_counter() - start)
    print(json.dumps({
        "seconds": seconds,
        "sha256": hashlib.sha256(out.encode()).hexdigest(),
        "bytes": len(out),
    }))


if __name__ == "__main__":
    main()
