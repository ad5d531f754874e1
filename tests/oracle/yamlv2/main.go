// Oracle for tkstep's YAML parity tests: Go's gopkg.in/yaml.v2 (what `tk show` uses).
//
// Reads a JSON array from stdin, decodes it like Tanka (encoding/json into interface{}, so
// every number is a float64) and writes, for every element, one frame:
//
//	<decimal byte length> ("ok" | "err") "\n" <bytes>
//
// holding yaml.Marshal's output (or its error). One process serves a whole batch.
//
// Built by the test harness (tests/common/oracle.rs) with the module in tests/oracle.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"gopkg.in/yaml.v2"
)

func main() {
	data, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var values []interface{}
	if err := json.Unmarshal(data, &values); err != nil {
		fmt.Fprintln(os.Stderr, "decoding input:", err)
		os.Exit(2)
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	for _, v := range values {
		out, err := yaml.Marshal(v)
		if err != nil {
			fmt.Fprintf(w, "%d err\n%s", len(err.Error()), err.Error())
			continue
		}
		fmt.Fprintf(w, "%d ok\n%s", len(out), out)
	}
}
