// The Go oracles of tkstep's reference tier: Go's yaml.v2 (what `tk show` writes with), yaml.v3
// and the libraries behind Tanka's native functions. Built by the test harness
// (tests/common/oracle.rs) offline, in vendor mode: it copies the two yaml modules' sources from
// $TKSTEP_GOPATH (or what it finds by probing: `go env GOMODCACHE`, `go env GOPATH`, the
// distribution's package) into a vendor/ directory next to a copy of this module.
module tkstep.test/oracle

go 1.19

require (
	gopkg.in/yaml.v2 v2.4.0
	gopkg.in/yaml.v3 v3.0.1
)
