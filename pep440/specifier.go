package pep440

import (
	"regexp"
	"slices"
	"strings"
	"sync"

	"goflit/internal/pystr"
)

// Specifier is one version clause such as ">=1.0", "==2.*" or "~=1.4.5".
type Specifier struct {
	Op      string // one of ~= == != <= >= < > ===
	Version string // as written, without surrounding whitespace

	cache *specCache // filled by ParseSpecifier; recomputed when nil
}

// specCache holds what matching needs, computed once per parsed clause.
type specCache struct {
	ver    Version // Version parsed (without ".*"); zero if it does not parse
	verOK  bool
	pre    bool     // Prereleases()
	prefix []string // ==X.*: the split, canonical prefix
	compat string   // ~=: the "X.Y.*" prefix
}

func (s Specifier) cached() *specCache {
	if s.cache != nil {
		return s.cache
	}
	c := &specCache{}
	v, err := Parse(strings.TrimSuffix(s.Version, ".*"))
	if s.Op == "===" || (s.Op != "==" && s.Op != "!=") {
		v, err = Parse(s.Version)
	}
	c.ver, c.verOK = v, err == nil
	switch s.Op {
	case "==", ">=", "<=", "~=", "===":
		c.pre = c.verOK && v.IsPrerelease()
	}
	if p, ok := strings.CutSuffix(s.Version, ".*"); ok && (s.Op == "==" || s.Op == "!=") {
		c.prefix = versionSplit(canonicalize(p, false))
	}
	if s.Op == "~=" {
		c.compat = compatiblePrefix(s.Version)
	}
	return c
}

// InvalidSpecifierError reports a clause that is not a PEP 440 specifier.
type InvalidSpecifierError struct {
	Input string
}

func (e *InvalidSpecifierError) Error() string {
	return "Invalid specifier: '" + e.Input + "'"
}

// operators in the order packaging's regex tries them.
var operators = []string{"~=", "==", "!=", "<=", ">=", "<", ">", "==="}

// ParseSpecifier parses one clause. Whitespace is allowed around the operator
// and version; the accepted version forms depend on the operator as in
// packaging: ==/!= allow a local label or a trailing ".*", ~= needs at least
// two release numbers, === takes any string without whitespace, ";" or ")".
func ParseSpecifier(s string) (Specifier, error) {
	rest := strings.TrimLeftFunc(s, pystr.IsSpace)
	for _, op := range operators {
		if !strings.HasPrefix(rest, op) {
			continue
		}
		ver := pystr.TrimSpace(rest[len(op):])
		if validFor(op, ver) {
			sp := Specifier{Op: op, Version: ver}
			sp.cache = sp.cached()
			return sp, nil
		}
	}
	return Specifier{}, &InvalidSpecifierError{Input: s}
}

func validFor(op, ver string) bool {
	if op == "===" {
		return !strings.ContainsFunc(ver, func(r rune) bool { return r == ';' || r == ')' || pystr.IsSpace(r) })
	}
	lv := asciiLower(ver)
	if (op == "==" || op == "!=") && strings.HasSuffix(lv, ".*") {
		c, ok := matchVersion(lv[:len(lv)-2])
		base := lv[:len(lv)-2]
		return ok && c.preL == "" && !c.hasPost1 && c.postL == "" && c.devL == "" && !c.hasLocal &&
			base == pystr.TrimSpace(base)
	}
	c, ok := matchVersion(lv)
	if !ok || pystr.TrimSpace(lv) != lv {
		return false
	}
	switch op {
	case "==", "!=":
		return true
	case "~=":
		return !c.hasLocal && len(c.release) >= 2
	}
	return !c.hasLocal
}

// String returns the clause as op + version, as written ("" for the zero value).
func (s Specifier) String() string { return s.Op + s.Version }

// Prereleases reports whether the clause itself admits pre-releases: ==, >=,
// <=, ~= and === with a pre-release version.
func (s Specifier) Prereleases() bool { return s.cached().pre }

// Contains reports whether v satisfies the clause, excluding pre-releases
// unless the clause names one (packaging's Specifier.contains(v)).
func (s Specifier) Contains(v Version) bool { return s.ContainsPre(v, s.Prereleases()) }

// ContainsPre is Contains with an explicit choice about pre-releases.
func (s Specifier) ContainsPre(v Version, prereleases bool) bool {
	if v.release == nil {
		return false
	}
	if v.IsPrerelease() && !prereleases {
		return false
	}
	return s.match(v, s.Op, s.Version, s.cached())
}

func (s Specifier) match(v Version, op, spec string, c *specCache) bool {
	switch op {
	case "~=":
		return s.match(v, ">=", spec, c) && matchEqual(v, c.compat, nil, Version{}, false)
	case "==":
		return matchEqual(v, spec, c.prefix, c.ver, c.verOK)
	case "!=":
		return !matchEqual(v, spec, c.prefix, c.ver, c.verOK)
	case "===":
		return pystr.Lower(v.String()) == pystr.Lower(spec)
	}
	sv := c.ver
	if !c.verOK {
		return false
	}
	pub := v
	pub.local = nil
	switch op {
	case "<=":
		return Compare(pub, sv) <= 0
	case ">=":
		return Compare(pub, sv) >= 0
	case "<":
		if Compare(v, sv) >= 0 {
			return false
		}
		return sv.IsPrerelease() || !v.IsPrerelease() || !sameBase(v, sv)
	case ">":
		if Compare(v, sv) <= 0 {
			return false
		}
		if !sv.IsPostrelease() && v.IsPostrelease() && sameBase(v, sv) {
			return false
		}
		return v.local == nil || !sameBase(v, sv)
	}
	return false
}

func sameBase(a, b Version) bool {
	return numCmp(a.epoch, b.epoch) == 0 && cmpRelease(a.release, b.release) == 0
}

// matchEqual implements == (spec may end in ".*"); specSplit and sv are the
// precomputed prefix split and parsed version when known.
func matchEqual(v Version, spec string, specSplit []string, sv Version, svOK bool) bool {
	if prefix, ok := strings.CutSuffix(spec, ".*"); ok {
		pv := v
		pv.local = nil
		if specSplit == nil {
			specSplit = versionSplit(canonicalize(prefix, false))
		}
		prosp := padVersion(versionSplit(canonicalize(pv.String(), true)), specSplit)
		if len(prosp) > len(specSplit) {
			prosp = prosp[:len(specSplit)]
		}
		return slices.Equal(prosp, specSplit)
	}
	if !svOK {
		var err error
		if sv, err = Parse(spec); err != nil {
			return false
		}
	}
	if sv.local == nil {
		v.local = nil
	}
	return Compare(v, sv) == 0
}

// canonicalize mirrors packaging.utils.canonicalize_version: the normalised
// form, optionally without trailing ".0" release parts; unparsable input is
// returned unchanged.
func canonicalize(s string, stripTrailingZero bool) string {
	v, err := Parse(s)
	if err != nil {
		return s
	}
	if stripTrailingZero {
		r := trimZeros(v.release)
		if len(r) == 0 {
			r = v.release[:1]
		}
		v.release = r
	}
	return v.String()
}

var prefixRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^([0-9]+)((?:a|b|c|rc)[0-9]+)$`)
})

// versionSplit splits on "." and separates a pre-release suffix glued to a
// number ("5a4" -> "5", "a4"), as packaging's _version_split.
func versionSplit(s string) []string {
	var out []string
	for item := range strings.SplitSeq(s, ".") {
		if m := prefixRe().FindStringSubmatch(item); m != nil {
			out = append(out, m[1], m[2])
		} else {
			out = append(out, item)
		}
	}
	return out
}

func isSuffix(seg string) bool {
	for _, p := range []string{"dev", "a", "b", "rc", "post"} {
		if strings.HasPrefix(seg, p) {
			return true
		}
	}
	return false
}

// compatiblePrefix turns "1.4.5a4" into "1.4.*" for ~=.
func compatiblePrefix(spec string) string {
	var keep []string
	for _, seg := range versionSplit(spec) {
		if isSuffix(seg) {
			break
		}
		keep = append(keep, seg)
	}
	if len(keep) > 0 {
		keep = keep[:len(keep)-1]
	}
	return strings.Join(keep, ".") + ".*"
}

func pyIsDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func numericPrefix(x []string) int {
	n := 0
	for n < len(x) && pyIsDigits(x[n]) {
		n++
	}
	return n
}

// padVersion pads left's numeric prefix with "0"s to the length of right's.
func padVersion(left, right []string) []string {
	ln, rn := numericPrefix(left), numericPrefix(right)
	out := append([]string(nil), left[:ln]...)
	for i := ln; i < rn; i++ {
		out = append(out, "0")
	}
	return append(out, left[ln:]...)
}

// SpecifierSet is a comma-separated list of clauses, all of which must hold.
type SpecifierSet struct {
	Specs []Specifier // deduplicated, in input order
}

// ParseSpecifierSet parses a comma-separated list of clauses; empty clauses
// are ignored and "" is the empty set, which every final release satisfies.
func ParseSpecifierSet(s string) (SpecifierSet, error) {
	var set SpecifierSet
	seen := map[[2]string]bool{}
	for part := range strings.SplitSeq(s, ",") {
		part = pystr.TrimSpace(part)
		if part == "" {
			continue
		}
		sp, err := ParseSpecifier(part)
		if err != nil {
			return SpecifierSet{}, err
		}
		key := sp.canonicalKey()
		if seen[key] {
			continue
		}
		seen[key] = true
		set.Specs = append(set.Specs, sp)
	}
	return set, nil
}

func (s Specifier) canonicalKey() [2]string {
	return [2]string{s.Op, canonicalize(s.Version, s.Op != "~=")}
}

// String returns the clauses sorted and joined by "," (packaging's str()).
func (ss SpecifierSet) String() string {
	parts := make([]string, len(ss.Specs))
	for i, s := range ss.Specs {
		parts[i] = s.String()
	}
	slices.Sort(parts)
	return strings.Join(parts, ",")
}

// Prereleases reports whether any clause names a pre-release.
func (ss SpecifierSet) Prereleases() bool {
	for _, s := range ss.Specs {
		if s.Prereleases() {
			return true
		}
	}
	return false
}

// Contains reports whether v satisfies every clause. With prereleases false
// the default rule applies (packaging's contains(v)): a pre-release matches
// only if some clause names a pre-release; with true pre-releases are
// always considered.
func (ss SpecifierSet) Contains(v Version, prereleases bool) bool {
	pre := prereleases || ss.Prereleases()
	if v.release == nil || !pre && v.IsPrerelease() {
		return false
	}
	for _, s := range ss.Specs {
		if !s.ContainsPre(v, pre) {
			return false
		}
	}
	return true
}
