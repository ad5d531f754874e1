// Oracle for tkstep's native functions: Go's own regexp, QuoteMeta and json.Indent, called the
// way Tanka's natives call them. Reads a JSON array of {"fn": name, "args": [...]} from stdin and
// writes a JSON array of {"ok": result} or {"err": message}.
//
// Run: GO111MODULE=off go run tests/conformance/natives_oracle.go < cases.json
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
)

type call struct {
	Fn   string        `json:"fn"`
	Args []interface{} `json:"args"`
}

type result struct {
	Ok  interface{} `json:"ok,omitempty"`
	Err string      `json:"err,omitempty"`
}

func run(c call) (interface{}, error) {
	str := func(i int) string { return c.Args[i].(string) }
	switch c.Fn {
	case "escapeStringRegex":
		return regexp.QuoteMeta(str(0)), nil
	case "regexMatch":
		return regexp.MatchString(str(0), str(1))
	case "regexSubst":
		re, err := regexp.Compile(str(0))
		if err != nil {
			return nil, err
		}
		return re.ReplaceAllString(str(1), str(2)), nil
	case "manifestJsonFromJson":
		var out bytes.Buffer
		src := bytes.TrimSpace([]byte(str(0)))
		indent := strings.Repeat(" ", int(c.Args[1].(float64)))
		if err := json.Indent(&out, src, "", indent); err != nil {
			return nil, err
		}
		out.WriteString("\n")
		return out.String(), nil
	}
	return nil, fmt.Errorf("unknown function %q", c.Fn)
}

func main() {
	var calls []call
	if err := json.NewDecoder(os.Stdin).Decode(&calls); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	results := make([]result, len(calls))
	for i, c := range calls {
		v, err := run(c)
		if err != nil {
			results[i] = result{Err: err.Error()}
		} else {
			results[i] = result{Ok: v}
		}
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(results); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}
