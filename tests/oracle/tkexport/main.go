// Oracle for tkstep's `tk export` layout: the files `tk export` writes for environments,
// built from Tanka's documented rules with the real Go libraries Tanka uses: text/template
// with sprig's functions and `env` for the names (a `/` of the template text outside actions
// is a folder, a `/` of a value is `-`), gopkg.in/yaml.v2 for the contents, and
// encoding/json's MarshalIndent (4 spaces) for manifest.json. (There is no `tk` binary here.)
//
// Reads a JSON array of cases {"format", "extension", "envs": [{"env": {...}, "manifests":
// [...]}]} from stdin (values decoded like Tanka: numbers are float64) and writes one frame per
// case:
//
//	<decimal byte length> ("ok" | "err") "\n" <bytes>
//
// holding a JSON object {"<relative path>": "<content>"} (manifest.json included) or the error.
//
// Built by the test harness (tests/common/oracle.rs) with the module in tests/oracle (yaml.v2,
// sprig and sprig's dependencies vendored from the sources it finds, e.g. Debian's
// golang-gopkg-yaml.v2-dev and golang-github-masterminds-sprig-dev).
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig/v3"
	"gopkg.in/yaml.v2"
)

type envCase struct {
	Env       map[string]interface{}   `json:"env"`
	Manifests []map[string]interface{} `json:"manifests"`
}

type testCase struct {
	Format    string    `json:"format"`
	Extension string    `json:"extension"`
	Envs      []envCase `json:"envs"`
}

const bel = "\u0007"

// The template text outside `{{ … }}` (scanning from each `{{` to the next `}}`) gets its
// `/` replaced by BEL.
func slashesOutsideActions(s string) string {
	var parts []string
	l := strings.Index(s, "{{")
	r := strings.Index(s, "}}") + 2
	for l != -1 && l < r {
		parts = append(parts, strings.ReplaceAll(s[:l], "/", bel), s[l:r])
		s = s[r:]
		l = strings.Index(s, "{{")
		r = strings.Index(s, "}}") + 2
	}
	parts = append(parts, strings.ReplaceAll(s, "/", bel))
	return strings.Join(parts, "")
}

func run(c testCase) (map[string]string, error) {
	files := map[string]string{}
	fileToEnv := map[string]string{}
	for _, e := range c.Envs {
		env := e.Env
		funcs := template.FuncMap{"env": func() map[string]interface{} { return env }}
		tmpl, err := template.New("").Funcs(sprig.TxtFuncMap()).Funcs(funcs).Parse(slashesOutsideActions(c.Format))
		if err != nil {
			return nil, fmt.Errorf("parsing format: %s", err)
		}
		namespace, _ := env["metadata"].(map[string]interface{})["namespace"].(string)
		for _, m := range e.Manifests {
			var buf bytes.Buffer
			if err := tmpl.Execute(&buf, m); err != nil {
				return nil, fmt.Errorf("executing name template: %w", err)
			}
			name := strings.ReplaceAll(buf.String(), "/", "-")
			name = strings.ReplaceAll(name, bel, "/")
			rel := name + "." + c.Extension
			path := filepath.Clean(rel)
			if _, ok := files[path]; ok {
				return nil, fmt.Errorf("file '%s' already exists. Aborting", path)
			}
			data, err := yaml.Marshal(m)
			if err != nil {
				return nil, err
			}
			files[path] = string(data)
			fileToEnv[rel] = namespace
		}
	}
	data, err := json.MarshalIndent(fileToEnv, "", "    ")
	if err != nil {
		return nil, err
	}
	files["manifest.json"] = string(data)
	return files, nil
}

func main() {
	input, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var cases []testCase
	if err := json.Unmarshal(input, &cases); err != nil {
		fmt.Fprintln(os.Stderr, "decoding input:", err)
		os.Exit(2)
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	for _, c := range cases {
		files, err := run(c)
		if err != nil {
			fmt.Fprintf(w, "%d err\n%s", len(err.Error()), err.Error())
			continue
		}
		out, _ := json.Marshal(files)
		fmt.Fprintf(w, "%d ok\n%s", len(out), out)
	}
}
