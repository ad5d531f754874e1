#!/usr/bin/env python3
"""Evaluate a Tanka entrypoint with go-jsonnet (PyPI `gojsonnet`, the evaluator Tanka embeds)
the way Tanka sets it up, and print the result as JSON. The conformance oracle for tkstep.

    gojsonnet_eval.py ENTRYPOINT [-J DIR]... [--ext-code NAME=CODE]... [--tla-code NAME=CODE]...
                      [--overlay CODE]
                      [--overlay-name NAME] [--max-stack 500] [--natives go|python]
                      [--natives-oracle BIN]

-J DIR      library path in go-jsonnet order: the LAST one wins, so pass Tanka's list
            [root/vendor, base/vendor, root/lib, base] (tkstep's import_paths reversed).
--overlay   Jsonnet applied on top: `(import '<entrypoint>') + (<overlay>)`, evaluated as a
            snippet named <entrypoint dir>/<overlay name> so that its relative imports resolve
            from the entrypoint's directory, like tkstep's overlays.
--natives   where Tanka's native functions come from:
            go      (default) the natives oracle (tests/oracle/natives, built by the test
                    harness; pass its binary with --natives-oracle): Go's encoding/json, regexp,
                    crypto/sha256 and gopkg.in/yaml.v3, i.e. exactly the libraries Tanka uses;
            python  approximations in Python, see the notes on each function below.

`import "tk"` is served by a file named `tk` in a temporary directory added as the lowest-priority
library path (Tanka serves it from memory before looking at the file system; the difference only
shows if a directory on the path holds a file named exactly `tk`).
"""

import argparse
import atexit
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

import _gojsonnet

TK_CODE = '{ env: std.extVar("tanka.dev/environment") }\n'

# Parameter names as Tanka registers them.
SIGNATURES = {
    "parseJson": ("json",),
    "parseYaml": ("yaml",),
    "manifestJsonFromJson": ("json", "indent"),
    "manifestYamlFromJson": ("json",),
    "escapeStringRegex": ("str",),
    "regexMatch": ("regex", "string"),
    "regexSubst": ("regex", "src", "repl"),
    "sha256": ("str",),
}


def loads(text):
    """JSON as go-jsonnet wants it back from a native: every number a float (Go's float64;
    Python ints beyond 64 bits would also overflow the binding)."""
    return json.loads(text, parse_int=float)


# ---------------------------------------------------------------------------- Go natives


class GoNatives:
    """Forwards every call to natives_oracle.go -serve (one JSON line per call)."""

    def __init__(self, binary):
        if not binary:
            sys.exit("gojsonnet_eval.py: --natives go needs --natives-oracle BIN (the test "
                     "harness builds it from tests/oracle/natives), or use --natives python")
        try:
            self.proc = subprocess.Popen(
                [binary, "-serve"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
        except FileNotFoundError:
            sys.exit(f"gojsonnet_eval.py: natives oracle {binary} not found")
        atexit.register(self.close)

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait()

    def call(self, name, args):
        self.proc.stdin.write(json.dumps({"fn": name, "args": list(args)}) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("natives oracle exited")
        answer = json.loads(line)
        if answer.get("err"):
            raise RuntimeError(answer["err"])
        # Re-decode so numbers become floats.
        return loads(json.dumps(answer["ok"]))

    def callbacks(self):
        def make(name):
            return lambda *args: self.call(name, args)

        return {name: (params, make(name)) for name, params in SIGNATURES.items()}


# ------------------------------------------------------------------------ Python natives


def go_json_indent(text, indent):
    """Go's json.Indent(bytes.TrimSpace(text), "", indent) + "\\n": token text kept as written."""
    json.loads(text)  # validity (Go's scanner and Python's parser agree on valid JSON)
    out, depth, pending, i = [], 0, False, 0
    text = text.strip()
    token = re.compile(r'"(?:[^"\\]|\\.)*"|[^\s{}\[\],:"]+|[{}\[\],:]|\s+')
    for m in token.finditer(text):
        t = m.group(0)
        if t.isspace():
            continue
        if pending and t not in ("}", "]"):
            out.append("\n" + indent * depth)
        was_pending, pending = pending, False
        if t in ("{", "["):
            out.append(t)
            depth += 1
            pending = True
        elif t in ("}", "]"):
            depth -= 1
            if not was_pending:
                out.append("\n" + indent * depth)
            out.append(t)
        elif t == ",":
            out.append(",\n" + indent * depth)
        elif t == ":":
            out.append(": ")
        else:
            out.append(t)
    return "".join(out) + "\n"


def go_quote_meta(s):
    """Go's regexp.QuoteMeta."""
    return "".join("\\" + c if c in "\\.+*?()|[]{}^$" else c for c in s)


def re2_to_python(pattern):
    """Approximate an RE2 pattern with Python's `re`. Handled: ASCII-only \\d \\w \\s \\b (Go)
    outside brackets, \\z, `$` = end of text (without (?m)), \\Q...\\E, (?<name>...).
    NOT handled (differences remain): \\p{...} classes, POSIX [[:alpha:]], (?U), stacked
    repetitions and counts > 1000 (errors in Go), \\D \\W \\S inside brackets, `[` as a literal
    inside brackets, Unicode case folding details."""
    classes = {
        "d": "[0-9]", "D": "[^0-9]", "w": "[0-9A-Za-z_]", "W": "[^0-9A-Za-z_]",
        "s": "[\\t\\n\\f\\r ]", "S": "[^\\t\\n\\f\\r ]",
    }
    in_class_repl = {"d": "0-9", "w": "0-9A-Za-z_", "s": "\\t\\n\\f\\r "}
    word = "[0-9A-Za-z_]"
    multiline = "(?m" in pattern or re.search(r"\(\?[a-zA-Z]*m", pattern)
    out, i, in_class = [], 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            n = pattern[i + 1]
            if n == "Q" and not in_class:
                end = pattern.find("\\E", i + 2)
                end = len(pattern) if end < 0 else end
                out.append(re.escape(pattern[i + 2:end]))
                i = end + 2
                continue
            if in_class and n in in_class_repl:
                out.append(in_class_repl[n])
            elif not in_class and n in classes:
                out.append(classes[n])
            elif not in_class and n == "b":
                out.append(f"(?:(?<={word})(?!{word})|(?<!{word})(?={word}))")
            elif not in_class and n == "B":
                out.append(f"(?:(?<={word})(?={word})|(?<!{word})(?!{word}))")
            elif n == "z":
                out.append("\\Z")
            else:
                out.append(c + n)
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
            out.append(c)
        elif c == "[":
            in_class = True
            out.append(c)
            if pattern[i + 1:i + 2] == "^":
                out.append("^")
                i += 1
            if pattern[i + 1:i + 2] == "]":
                out.append("\\]")
                i += 1
        elif c == "$" and not multiline:
            out.append("\\Z")
        elif pattern.startswith("(?<", i) and pattern[i + 3:i + 4] not in ("=", "!"):
            out.append("(?P<")
            i += 3
            continue
        else:
            out.append(c)
        i += 1
    return re.compile("".join(out))


def go_expand(template, m):
    """Go's Regexp.Expand for `$1`, `${1}`, `$name`, `${name}`, `$$`."""
    out, i = [], 0
    while i < len(template):
        c = template[i]
        if c != "$":
            out.append(c)
            i += 1
            continue
        if template[i + 1:i + 2] == "$":
            out.append("$")
            i += 2
            continue
        brace = template[i + 1:i + 2] == "{"
        j = i + 2 if brace else i + 1
        k = j
        while k < len(template) and (template[k].isalnum() or template[k] == "_"):
            k += 1
        name = template[j:k]
        if not name or (brace and template[k:k + 1] != "}"):
            out.append("$")
            i += 1
            continue
        i = k + 1 if brace else k
        if name.isdigit() and not (len(name) > 1 and name[0] == "0"):
            num = int(name)
            if num <= (m.re.groups or 0) and m.group(num) is not None:
                out.append(m.group(num))
        elif name in m.re.groupindex and m.group(name) is not None:
            out.append(m.group(name))
    return "".join(out)


def go_replace_all(pattern, src, repl):
    """Go's ReplaceAllString: an empty match right after the previous match is skipped."""
    rx = re2_to_python(pattern)
    out, last, prev_end = [], 0, -1
    for m in rx.finditer(src):
        if m.start() == m.end() and m.start() == prev_end:
            continue
        out.append(src[last:m.start()])
        out.append(go_expand(repl, m))
        last = prev_end = m.end()
    out.append(src[last:])
    return "".join(out)


def python_callbacks():
    """Python approximations. Exact: parseJson, manifestJsonFromJson, escapeStringRegex, sha256.
    Approximate: regexMatch/regexSubst (see re2_to_python); parseYaml (PyYAML is YAML 1.1: yes/no
    and on/off become booleans, 1e3 stays a string, timestamps become strings, while yaml.v3 keeps
    yes/no as strings, reads 1e3 as 1000 and turns timestamps into RFC 3339 strings);
    manifestYamlFromJson (PyYAML quotes with single quotes, yaml.v3 with double quotes; yaml.v3
    quotes keys like `n`/`y`; numbers are printed like Go's %g here, 1e+06)."""
    import yaml  # PyYAML, only needed for the Python natives

    def parse_yaml(text):
        return [loads(json.dumps(doc, default=str)) for doc in yaml.safe_load_all(text)]

    go_number = re.compile(r"^-?[0-9]+(\.[0-9]+)?(e[-+][0-9]+)?$")

    class Dumper(yaml.SafeDumper):
        def increase_indent(self, flow=False, indentless=False):
            return super().increase_indent(flow, False)

        def resolve(self, kind, value, implicit):
            # Numbers printed Go-style (47, 1e+06) are plain floats, not tagged strings.
            if kind is yaml.ScalarNode and implicit[0] and go_number.match(value):
                return "tag:yaml.org,2002:float"
            return super().resolve(kind, value, implicit)

    def go_float(dumper, f):
        text = "%.17g" % f
        for digits in range(1, 18):
            if float("%.*g" % (digits, f)) == f:
                text = "%.*g" % (digits, f)
                break
        if "e" in text:
            mant, exp = text.split("e")
            text = "%se%s%02d" % (mant, exp[0], int(exp[1:]))
        elif f == int(f) and abs(f) >= 1e21:
            text = "%e" % f
        return dumper.represent_scalar("tag:yaml.org,2002:float", text)

    def literal_str(dumper, s):
        style = "|" if "\n" in s else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", s, style=style)

    Dumper.add_representer(float, go_float)
    Dumper.add_representer(str, literal_str)

    def manifest_yaml(text):
        return yaml.dump(loads(text), Dumper=Dumper, indent=4, sort_keys=True,
                         default_flow_style=False, allow_unicode=True, width=float("inf"))

    impl = {
        "parseJson": lambda s: loads(s),
        "parseYaml": parse_yaml,
        "manifestJsonFromJson": lambda s, n: go_json_indent(s, " " * int(n)),
        "manifestYamlFromJson": manifest_yaml,
        "escapeStringRegex": go_quote_meta,
        "regexMatch": lambda r, s: re2_to_python(r).search(s) is not None,
        "regexSubst": go_replace_all,
        "sha256": lambda s: hashlib.sha256(s.encode()).hexdigest(),
    }
    return {name: (SIGNATURES[name], impl[name]) for name in SIGNATURES}


# --------------------------------------------------------------------------------- main


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("entrypoint")
    parser.add_argument("-J", "--jpath", action="append", default=[],
                        help="library path, go-jsonnet order (last wins)")
    parser.add_argument("--ext-code", action="append", default=[], metavar="NAME=CODE")
    parser.add_argument("--tla-code", action="append", default=[], metavar="NAME=CODE")
    parser.add_argument("--overlay", help="Jsonnet applied on top of the entrypoint's value")
    parser.add_argument("--overlay-name", default="overlay")
    parser.add_argument("--max-stack", type=int, default=500)
    parser.add_argument("--natives", choices=["go", "python"], default="go")
    parser.add_argument("--natives-oracle", metavar="BIN",
                        help="binary of tests/oracle/natives (for --natives go)")
    args = parser.parse_args()

    entry = os.path.abspath(args.entrypoint)
    def codes(flag, items):
        out = {}
        for item in items:
            name, sep, code = item.partition("=")
            if not sep:
                parser.error(f"{flag} needs NAME=CODE, got {item!r}")
            out[name] = code
        return out

    ext_codes = codes("--ext-code", args.ext_code)
    tla_codes = codes("--tla-code", args.tla_code)

    tk_dir = tempfile.mkdtemp(prefix="tk-lib-")
    with open(os.path.join(tk_dir, "tk"), "w") as f:
        f.write(TK_CODE)
    jpath = [tk_dir] + [os.path.abspath(p) for p in args.jpath]

    natives = GoNatives(args.natives_oracle).callbacks() if args.natives == "go" else python_callbacks()
    options = dict(jpathdir=jpath, ext_codes=ext_codes, tla_codes=tla_codes,
                   native_callbacks=natives, max_stack=args.max_stack)
    try:
        if args.overlay is None:
            out = _gojsonnet.evaluate_file(entry, **options)
        else:
            snippet = "(import %s) + (\n%s\n)" % (json.dumps(entry), args.overlay)
            name = os.path.join(os.path.dirname(entry), args.overlay_name)
            out = _gojsonnet.evaluate_snippet(name, snippet, **options)
    except RuntimeError as e:
        sys.stderr.write(str(e) + "\n")
        sys.exit(1)
    finally:
        os.remove(os.path.join(tk_dir, "tk"))
        os.rmdir(tk_dir)
    sys.stdout.write(out)


if __name__ == "__main__":
    main()
