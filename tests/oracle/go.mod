// The Go oracles of tkstep's reference tier: Go's yaml.v2 (what `tk show` writes with), yaml.v3,
// the libraries behind Tanka's native functions, and text/template with sprig (what
// `tk export --format` names files with). Built by the test harness (tests/common/oracle.rs)
// offline, in vendor mode: it copies the required modules' sources from $TKSTEP_GOPATH (or what
// it finds by probing: `go env GOMODCACHE`, `go env GOPATH`, the distribution's packages) into a
// vendor/ directory next to a copy of this module. The versions below are the ones the
// recordings name (Debian bookworm's packages); the indirect ones are sprig's dependency tree
// (reflectwalk: v1.0.2 is what copystructure v1.2.0 asks for; Debian ships 1.0.1, which the
// functions the oracles call do not use).
module tkstep.test/oracle

go 1.19

require (
	github.com/Masterminds/sprig/v3 v3.2.3
	gopkg.in/yaml.v2 v2.4.0
	gopkg.in/yaml.v3 v3.0.1
)

require (
	github.com/Masterminds/goutils v1.1.1 // indirect
	github.com/Masterminds/semver/v3 v3.2.0 // indirect
	github.com/google/uuid v1.3.0 // indirect
	github.com/huandu/xstrings v1.3.3 // indirect
	github.com/imdario/mergo v0.3.12 // indirect
	github.com/mitchellh/copystructure v1.2.0 // indirect
	github.com/mitchellh/reflectwalk v1.0.2 // indirect
	github.com/shopspring/decimal v1.2.0 // indirect
	github.com/spf13/cast v1.5.0 // indirect
	golang.org/x/crypto v0.4.0 // indirect
)
