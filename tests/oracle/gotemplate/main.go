// Oracle for tkstep's Go template engine: Go's text/template with sprig's functions and an
// `env` function, as `tk export --format` runs them (Tanka registers sprig.TxtFuncMap() and
// `env`, then executes the template with the manifest, a map[string]interface{}, as dot).
//
// Reads a JSON array of cases {"template": "...", "data": {...}, "env": {...}} from stdin,
// decodes values like Tanka (encoding/json into interface{}: every number is a float64) and
// writes, for every case, one frame:
//
//	<decimal byte length> ("ok" | "err") "\n" <bytes>
//
// holding the executed template (or the parse/execution error). One process serves a batch.
//
// Built by the test harness (tests/common/oracle.rs) with the module in tests/oracle (sprig
// and its dependencies vendored from the sources it finds, e.g. Debian's
// golang-github-masterminds-sprig-dev).
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"text/template"

	"github.com/Masterminds/sprig/v3"
)

type testCase struct {
	Template string                 `json:"template"`
	Data     map[string]interface{} `json:"data"`
	Env      map[string]interface{} `json:"env"`
}

func run(c testCase) (string, error) {
	env := c.Env
	funcs := template.FuncMap{"env": func() map[string]interface{} { return env }}
	tmpl, err := template.New("").Funcs(sprig.TxtFuncMap()).Funcs(funcs).Parse(c.Template)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, c.Data); err != nil {
		return "", err
	}
	return buf.String(), nil
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
		out, err := run(c)
		if err != nil {
			fmt.Fprintf(w, "%d err\n%s", len(err.Error()), err.Error())
			continue
		}
		fmt.Fprintf(w, "%d ok\n%s", len(out), out)
	}
}
