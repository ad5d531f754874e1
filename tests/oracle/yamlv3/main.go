// Oracle for tkstep's YAML parity tests: Go's gopkg.in/yaml.v3, as Tanka's native functions
// use it.
//
// Usage: yamlv3 marshal|parse < input.json
//
// The input is a JSON array. In "marshal" mode every element is decoded like Tanka does
// (encoding/json into interface{}) and written with yaml.Marshal (manifestYamlFromJson). In
// "parse" mode every element is a string holding a YAML stream, decoded document by document
// with yaml.NewDecoder and round-tripped through JSON exactly like Tanka's parseYaml; the frame
// holds the resulting JSON array or the error text Tanka would report. To compare numbers
// exactly, every float64 in that array is replaced by the string "#f64:" + its IEEE bits in hex.
//
// Output: one frame per element, "<decimal byte length> (ok|err)\n<bytes>".
//
// Built by the test harness (tests/common/oracle.rs) with the module in tests/oracle.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"gopkg.in/yaml.v3"
)

func parseYaml(text string) (out []byte, err error) {
	ret := []interface{}{}
	d := yaml.NewDecoder(bytes.NewReader([]byte(text)))
	for {
		var doc, jsonDoc interface{}
		if err := d.Decode(&doc); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, fmt.Errorf("parsing yaml: %w", err)
		}
		jsonRaw, err := json.Marshal(doc)
		if err != nil {
			return nil, fmt.Errorf("converting yaml to json: %w", err)
		}
		if err := json.Unmarshal(jsonRaw, &jsonDoc); err != nil {
			return nil, fmt.Errorf("converting yaml to json: %w", err)
		}
		ret = append(ret, exactNumbers(jsonDoc))
	}
	return json.Marshal(ret)
}

// exactNumbers replaces every float64 by "#f64:<bits>" so the reader need not parse floats.
func exactNumbers(v interface{}) interface{} {
	switch v := v.(type) {
	case float64:
		return fmt.Sprintf("#f64:%016x", math.Float64bits(v))
	case []interface{}:
		for i := range v {
			v[i] = exactNumbers(v[i])
		}
	case map[string]interface{}:
		for k := range v {
			v[k] = exactNumbers(v[k])
		}
	}
	return v
}

func main() {
	if len(os.Args) != 2 || (os.Args[1] != "marshal" && os.Args[1] != "parse") {
		fmt.Fprintln(os.Stderr, "usage: yamlv3 marshal|parse < input.json")
		os.Exit(2)
	}
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
		var out []byte
		var err error
		if os.Args[1] == "marshal" {
			out, err = yaml.Marshal(v)
		} else {
			text, _ := v.(string)
			out, err = parseYaml(text)
		}
		if err != nil {
			fmt.Fprintf(w, "%d err\n%s", len(err.Error()), err.Error())
			continue
		}
		fmt.Fprintf(w, "%d ok\n%s", len(out), out)
	}
}
