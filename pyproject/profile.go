package pyproject

import (
	"strconv"
	"strings"

	"goflit/names"
)

// GoflitVersion is goflit's own version, used in the WHEEL Generator line
// and by `flit --version`. It lives here so that every package can import it
// without cycles.
const GoflitVersion = "0.1.0"

// Flit4 is flit_core 4.x behaviour, the default.
var Flit4 = Profile{
	Name:                "flit_core 4",
	Generator:           "goflit " + GoflitVersion,
	MetadataVersion:     "2.5",
	OldStyleMetadata:    false,
	UnknownKeysAreError: true,
	ImportNames:         true,
	RecordCRLF:          true,
	UseVCSByDefault:     false,
	StubsPackages:       true,
	LicenseGlobs:        []string{"COPYING*", "LICEN[CS]E*", "NOTICE*", "AUTHORS*"},
}

// Flit3 is flit_core 3.12 behaviour, for projects that require flit_core<4.
var Flit3 = Profile{
	Name:                "flit_core 3",
	Generator:           "goflit " + GoflitVersion,
	MetadataVersion:     "2.4",
	OldStyleMetadata:    true,
	UnknownKeysAreError: false,
	ImportNames:         false,
	RecordCRLF:          false,
	UseVCSByDefault:     true,
	StubsPackages:       false,
	LicenseGlobs:        []string{"COPYING*", "LICEN[CS]E*"},
}

// ProfileFor picks the compatibility profile from [build-system] requires:
// Flit3 when a flit_core (or flit) requirement's specifiers exclude every
// 4.x version (e.g. "flit_core >=2,<4", "flit_core ~=3.2"), else Flit4.
func ProfileFor(buildRequires []string) Profile {
	for _, r := range buildRequires {
		name, specs, ok := splitRequirement(r)
		if !ok || (name != "flit-core" && name != "flit") {
			continue
		}
		if len(specs) > 0 && !allows4x(specs) {
			return Flit3
		}
	}
	return Flit4
}

// splitRequirement extracts the normalised name and the version clauses
// ("op version") of a PEP 508 requirement string. URL requirements and
// unparsable strings report ok=false.
func splitRequirement(r string) (name string, specs []string, ok bool) {
	if i := strings.IndexByte(r, ';'); i >= 0 {
		r = r[:i]
	}
	r = strings.TrimSpace(r)
	i := 0
	for i < len(r) && (isAlnum(r[i]) || r[i] == '-' || r[i] == '_' || r[i] == '.') {
		i++
	}
	if i == 0 {
		return "", nil, false
	}
	name = names.Normalize(r[:i])
	rest := strings.TrimSpace(r[i:])
	if strings.HasPrefix(rest, "[") {
		j := strings.IndexByte(rest, ']')
		if j < 0 {
			return "", nil, false
		}
		rest = strings.TrimSpace(rest[j+1:])
	}
	if strings.HasPrefix(rest, "@") {
		return name, nil, true
	}
	rest = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(rest, "("), ")"))
	if rest == "" {
		return name, nil, true
	}
	for _, c := range strings.Split(rest, ",") {
		if c = strings.TrimSpace(c); c != "" {
			specs = append(specs, c)
		}
	}
	return name, specs, true
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// allows4x reports whether some version in [4, 5) satisfies every clause.
// Versions are compared by their release segments; the clause set is only
// constant between the versions it mentions, so testing each mentioned
// version, a point just above it, and the ends of the range is exact for
// release versions.
func allows4x(specs []string) bool {
	type clause struct {
		op       string
		v        []int
		wildcard bool
	}
	var cs []clause
	cands := [][]int{{4}, {4, 999999}}
	for _, s := range specs {
		op := ""
		for _, o := range []string{"===", "~=", "==", "!=", "<=", ">=", "<", ">"} {
			if strings.HasPrefix(s, o) {
				op = o
				break
			}
		}
		if op == "" {
			return true // unparsable: do not guess an old profile
		}
		vs := strings.TrimSpace(s[len(op):])
		wild := strings.HasSuffix(vs, ".*")
		vs = strings.TrimSuffix(vs, ".*")
		v, ok := releaseOf(vs)
		if !ok {
			return true
		}
		cs = append(cs, clause{op, v, wild})
		cands = append(cands, v, append(append([]int{}, v...), 0, 0, 0, 1))
	}
	match := func(c clause, x []int) bool {
		cmp := cmpRelease(x, c.v)
		switch c.op {
		case "==", "===":
			if c.wildcard {
				return hasPrefix(x, c.v)
			}
			return cmp == 0
		case "!=":
			if c.wildcard {
				return !hasPrefix(x, c.v)
			}
			return cmp != 0
		case "<":
			return cmp < 0
		case "<=":
			return cmp <= 0
		case ">":
			return cmp > 0
		case ">=":
			return cmp >= 0
		case "~=":
			if len(c.v) < 2 {
				return cmp >= 0
			}
			return cmp >= 0 && hasPrefix(x, c.v[:len(c.v)-1])
		}
		return true
	}
	for _, x := range cands {
		if cmpRelease(x, []int{4}) < 0 || cmpRelease(x, []int{5}) >= 0 {
			continue
		}
		all := true
		for _, c := range cs {
			if !match(c, x) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

// releaseOf parses the release segment of a version ("3.2", "v4.0rc1" ->
// [4 0]); suffixes after the release are ignored.
func releaseOf(s string) ([]int, bool) {
	s = strings.TrimPrefix(strings.ToLower(s), "v")
	if i := strings.IndexByte(s, '!'); i >= 0 {
		s = s[i+1:]
	}
	var out []int
	for s != "" {
		j := 0
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == 0 {
			break
		}
		n, err := strconv.Atoi(s[:j])
		if err != nil {
			return nil, false
		}
		out = append(out, n)
		s = s[j:]
		if !strings.HasPrefix(s, ".") || len(s) < 2 || s[1] < '0' || s[1] > '9' {
			break
		}
		s = s[1:]
	}
	return out, len(out) > 0
}

func cmpRelease(a, b []int) int {
	for i := 0; i < max(len(a), len(b)); i++ {
		var x, y int
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

func hasPrefix(x, prefix []int) bool {
	for i, p := range prefix {
		v := 0
		if i < len(x) {
			v = x[i]
		}
		if v != p {
			return false
		}
	}
	return true
}
