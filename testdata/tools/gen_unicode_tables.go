// Generates src/yaml/unicode_tables.rs: the Unicode letter and decimal-digit ranges of Go's
// unicode.IsLetter / unicode.IsDigit (Go 1.19: Unicode 13.0.0) for code points >= 0x80.
//
//	go run testdata/tools/gen_unicode_tables.go > src/yaml/unicode_tables.rs
//
// Run it with Go 1.19 (the version whose tables go-yaml's key sorting used for tk show's
// output); a newer Go has a newer Unicode and different tables.
package main

import (
	"fmt"
	"strings"
	"unicode"
)

const header = `//! Unicode letter and decimal-digit ranges exactly as Go 1.19's ` + "`unicode.IsLetter`" + ` /
//! ` + "`unicode.IsDigit`" + ` classify them (Unicode 13.0.0), for code points >= 0x80.
//!
//! Generated, not hand-edited: ` + "`go run testdata/tools/gen_unicode_tables.go > src/yaml/unicode_tables.rs`" + `
//! with Go 1.19 walks every code point and prints the inclusive ranges for which the predicate
//! holds. Key sorting must use Go's tables, not Rust's (newer Unicode, different property:
//! ` + "`char::is_alphabetic`" + ` is not ` + "`IsLetter`" + `).
`

// ranges returns the inclusive ranges of code points >= 0x80 for which pred holds.
func ranges(pred func(rune) bool) [][2]rune {
	var out [][2]rune
	for r := rune(0x80); r <= unicode.MaxRune; r++ {
		if !pred(r) {
			continue
		}
		if n := len(out); n > 0 && out[n-1][1] == r-1 {
			out[n-1][1] = r
		} else {
			out = append(out, [2]rune{r, r})
		}
	}
	return out
}

// table prints one Rust static: six ranges per line.
func table(name string, rs [][2]rune) string {
	var b strings.Builder
	fmt.Fprintf(&b, "#[rustfmt::skip]\npub(super) static %s: &[(u32, u32)] = &[\n", name)
	for i, r := range rs {
		fmt.Fprintf(&b, "(0x%X, 0x%X),", r[0], r[1])
		if (i+1)%6 == 0 {
			b.WriteString("\n")
		}
	}
	b.WriteString("\n];\n")
	return b.String()
}

func main() {
	fmt.Print(header + "\n" + table("LETTER", ranges(unicode.IsLetter)) + table("DIGIT", ranges(unicode.IsDigit)))
}
