// Oracle for Tanka's native functions, implemented the way Tanka implements them: Go's
// encoding/json, regexp, crypto/sha256 and gopkg.in/yaml.v3.
//
// Batch mode (default): reads a JSON array of {"fn": name, "args": [...]} from stdin and writes
// a JSON array of {"ok": result} or {"err": message}.
// Serve mode (-serve): the same, one JSON object per line in, one per line out, until EOF
// (used by tests/conformance/gojsonnet_eval.py to give go-jsonnet Tanka's natives).
//
// Built by the test harness (tests/common/oracle.rs) with the module in tests/oracle.
package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	yaml "gopkg.in/yaml.v3"
)

type call struct {
	Fn   string        `json:"fn"`
	Args []interface{} `json:"args"`
}

type result struct {
	Ok  interface{} `json:"ok"`
	Err string      `json:"err,omitempty"`
}

func str(c call, i int) (string, error) {
	if i >= len(c.Args) {
		return "", fmt.Errorf("%s: missing argument %d", c.Fn, i)
	}
	s, ok := c.Args[i].(string)
	if !ok {
		return "", fmt.Errorf("%s: argument %d is not a string", c.Fn, i)
	}
	return s, nil
}

func run(c call) (interface{}, error) {
	var args []string
	for i := range c.Args {
		if s, ok := c.Args[i].(string); ok {
			args = append(args, s)
		} else {
			args = append(args, "")
		}
	}
	if _, err := str(c, 0); err != nil {
		return nil, err
	}
	switch c.Fn {
	case "parseJson":
		var v interface{}
		err := json.Unmarshal([]byte(args[0]), &v)
		return v, err
	case "parseYaml":
		ret := []interface{}{}
		d := yaml.NewDecoder(strings.NewReader(args[0]))
		for {
			var doc, jsonDoc interface{}
			if err := d.Decode(&doc); err != nil {
				if err == io.EOF {
					break
				}
				return nil, fmt.Errorf("parsing yaml: %w", err)
			}
			raw, err := json.Marshal(doc)
			if err != nil {
				return nil, fmt.Errorf("parsing yaml: %w", err)
			}
			if err := json.Unmarshal(raw, &jsonDoc); err != nil {
				return nil, fmt.Errorf("parsing yaml: %w", err)
			}
			ret = append(ret, jsonDoc)
		}
		return ret, nil
	case "manifestJsonFromJson":
		indent, ok := c.Args[1].(float64)
		if !ok || indent < 0 {
			return nil, fmt.Errorf("manifestJsonFromJson: bad indent")
		}
		var out bytes.Buffer
		src := bytes.TrimSpace([]byte(args[0]))
		if err := json.Indent(&out, src, "", strings.Repeat(" ", int(indent))); err != nil {
			return nil, err
		}
		out.WriteString("\n")
		return out.String(), nil
	case "manifestYamlFromJson":
		var v interface{}
		if err := json.Unmarshal([]byte(args[0]), &v); err != nil {
			return nil, err
		}
		out, err := yaml.Marshal(v)
		return string(out), err
	case "escapeStringRegex":
		return regexp.QuoteMeta(args[0]), nil
	case "regexMatch":
		if _, err := str(c, 1); err != nil {
			return nil, err
		}
		return regexp.MatchString(args[0], args[1])
	case "regexSubst":
		if _, err := str(c, 2); err != nil {
			return nil, err
		}
		re, err := regexp.Compile(args[0])
		if err != nil {
			return nil, err
		}
		return re.ReplaceAllString(args[1], args[2]), nil
	case "sha256":
		sum := sha256.Sum256([]byte(args[0]))
		return hex.EncodeToString(sum[:]), nil
	}
	return nil, fmt.Errorf("unknown function %q", c.Fn)
}

func answer(c call) result {
	v, err := run(c)
	if err != nil {
		return result{Err: err.Error()}
	}
	return result{Ok: v}
}

func encoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "-serve" {
		in := bufio.NewReader(os.Stdin)
		out := bufio.NewWriter(os.Stdout)
		enc := encoder(out)
		for {
			line, err := in.ReadBytes('\n')
			if len(bytes.TrimSpace(line)) > 0 {
				var c call
				if jerr := json.Unmarshal(line, &c); jerr != nil {
					enc.Encode(result{Err: jerr.Error()})
				} else {
					enc.Encode(answer(c))
				}
				out.Flush()
			}
			if err != nil {
				return
			}
		}
	}
	var calls []call
	if err := json.NewDecoder(os.Stdin).Decode(&calls); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	results := make([]result, len(calls))
	for i, c := range calls {
		results[i] = answer(c)
	}
	if err := encoder(os.Stdout).Encode(results); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}
