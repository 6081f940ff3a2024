// Package pep440 parses, normalises and compares Python version numbers and
// version specifiers as defined by PEP 440 (now the "Version specifiers"
// specification of the PyPA), behaving like the reference implementation in
// the packaging library.
//
// Version grammar (permissive, case-insensitive, as accepted by packaging and
// by flit_core's versionno module):
//
//	\s* v?
//	( [0-9]+ ! )?                                        epoch
//	[0-9]+ ( \. [0-9]+ )*                                release
//	( [-_.]? (a|b|c|rc|alpha|beta|pre|preview) [-_.]? [0-9]* )?   pre-release
//	( -[0-9]+ | [-_.]? (post|rev|r) [-_.]? [0-9]* )?     post-release
//	( [-_.]? dev [-_.]? [0-9]* )?                        development release
//	( \+ [a-z0-9]+ ( [-_.] [a-z0-9]+ )* )?               local version
//	\s*
//
// Alternate spellings are normalised (alpha->a, beta->b, c/pre/preview->rc,
// rev/r/-N->post), implicit numbers are 0, and numbers lose leading zeros.
// Numbers of any size are handled exactly (they are kept as decimal strings).
//
// Specifiers follow packaging 23's rules, including ==X.*, ~=, === (arbitrary
// string equality), local-version handling and the pre-release exclusion
// rules (a pre-release only matches when asked for, or when a specifier
// itself names a pre-release).
//
// The package does no I/O and depends only on the standard library (and
// goflit/internal/pystr, which is stdlib-only).
package pep440

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"goflit/internal/pystr"
)

// Version is a parsed PEP 440 version. The zero value is not a valid version;
// obtain one with Parse.
type Version struct {
	epoch    string   // canonical decimal; "0" when absent
	hasEpoch bool     // an epoch was written ("0!1.0" keeps it in Normalize)
	release  []string // canonical decimals
	preL     string   // "a", "b", "rc" or ""
	preN     string
	hasPost  bool
	post     string
	hasDev   bool
	dev      string
	local    []string // lowercased; numeric parts canonical decimals
}

// InvalidVersionError reports a string that is not a PEP 440 version.
type InvalidVersionError struct {
	Input string
}

func (e *InvalidVersionError) Error() string {
	return "Version number " + pystr.Repr(e.Input) + " does not match PEP 440 rules"
}

// captures is what the grammar matcher records, as raw (lowercased) text.
type captures struct {
	epoch         string
	hasEpoch      bool
	release       []string
	preL, preN    string
	postN1        string
	postL, postN2 string
	hasPost1      bool
	devL, devN    string
	local         string
	hasLocal      bool
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isSep(c byte) bool   { return c == '-' || c == '_' || c == '.' }
func isLowerAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z'
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

// digits returns the end of the run of ASCII digits starting at i.
func digits(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// matchVersion matches s (already lowercased) against the whole permissive
// grammar, with the same choices Python's backtracking regex makes.
func matchVersion(s string) (captures, bool) {
	var c captures
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !pystr.IsSpace(r) {
			break
		}
		i += n
	}
	if i < len(s) && s[i] == 'v' {
		i++
	}
	tail := len(strings.TrimRightFunc(s, pystr.IsSpace)) // s[tail:] is the trailing whitespace
	ok := matchBody(s, i, &c, func(j int) bool { return j >= tail })
	return c, ok
}

// matchBody matches epoch, release, pre, post, dev and local at i and calls
// k with the end position; it backtracks through the optional parts in the
// regex's order when k fails.
func matchBody(s string, i int, c *captures, k func(int) bool) bool {
	// Epoch: only a maximal digit run can be followed by "!".
	if j := digits(s, i); j > i && j < len(s) && s[j] == '!' {
		c.epoch, c.hasEpoch = s[i:j], true
		i = j + 1
	}
	// Release: giving back a ".N" never helps, as nothing else starts with a digit.
	j := digits(s, i)
	if j == i {
		return false
	}
	c.release = append(c.release[:0], s[i:j])
	for j+1 < len(s) && s[j] == '.' && isDigit(s[j+1]) {
		e := digits(s, j+1)
		c.release = append(c.release, s[j+1:e])
		j = e
	}
	return matchPre(s, j, c, func(p int) bool {
		return matchPost(s, p, c, func(q int) bool {
			return matchDev(s, q, c, func(r int) bool {
				return matchLocal(s, r, c, k)
			})
		})
	})
}

var preLabels = []string{"a", "b", "c", "rc", "alpha", "beta", "pre", "preview"}

// withSep calls try with i advanced past an optional separator (greedy first).
func withSep(s string, i int, try func(int) bool) bool {
	if i < len(s) && isSep(s[i]) && try(i+1) {
		return true
	}
	return try(i)
}

func matchPre(s string, i int, c *captures, k func(int) bool) bool {
	found := withSep(s, i, func(p int) bool {
		for _, l := range preLabels {
			if !strings.HasPrefix(s[p:], l) {
				continue
			}
			q := p + len(l)
			if withSep(s, q, func(r int) bool {
				e := digits(s, r)
				c.preL, c.preN = l, s[r:e]
				return k(e)
			}) {
				return true
			}
		}
		return false
	})
	if found {
		return true
	}
	c.preL, c.preN = "", ""
	return k(i)
}

var postLabels = []string{"post", "rev", "r"}

func matchPost(s string, i int, c *captures, k func(int) bool) bool {
	if i < len(s) && s[i] == '-' {
		if e := digits(s, i+1); e > i+1 {
			c.postN1, c.hasPost1 = s[i+1:e], true
			if k(e) {
				return true
			}
			c.postN1, c.hasPost1 = "", false
		}
	}
	found := withSep(s, i, func(p int) bool {
		for _, l := range postLabels {
			if !strings.HasPrefix(s[p:], l) {
				continue
			}
			if withSep(s, p+len(l), func(r int) bool {
				e := digits(s, r)
				c.postL, c.postN2 = l, s[r:e]
				return k(e)
			}) {
				return true
			}
		}
		return false
	})
	if found {
		return true
	}
	c.postL, c.postN2 = "", ""
	return k(i)
}

func matchDev(s string, i int, c *captures, k func(int) bool) bool {
	found := withSep(s, i, func(p int) bool {
		if !strings.HasPrefix(s[p:], "dev") {
			return false
		}
		return withSep(s, p+3, func(r int) bool {
			e := digits(s, r)
			c.devL, c.devN = "dev", s[r:e]
			return k(e)
		})
	})
	if found {
		return true
	}
	c.devL, c.devN = "", ""
	return k(i)
}

func matchLocal(s string, i int, c *captures, k func(int) bool) bool {
	if i < len(s) && s[i] == '+' {
		j := i + 1
		for j < len(s) && isLowerAlnum(s[j]) {
			j++
		}
		if j > i+1 {
			for j+1 < len(s) && isSep(s[j]) && isLowerAlnum(s[j+1]) {
				j += 2
				for j < len(s) && isLowerAlnum(s[j]) {
					j++
				}
			}
			c.local, c.hasLocal = s[i+1:j], true
			if k(j) {
				return true
			}
			c.local, c.hasLocal = "", false
		}
	}
	return k(i)
}

// canonNum strips leading zeros from a run of digits ("" and "000" give "0").
func canonNum(d string) string {
	d = strings.TrimLeft(d, "0")
	if d == "" {
		return "0"
	}
	return d
}

func numCmp(a, b string) int {
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func splitLocal(local string) []string {
	parts := strings.FieldsFunc(local, func(r rune) bool { return r == '-' || r == '_' || r == '.' })
	for i, p := range parts {
		if allDigits(p) {
			parts[i] = canonNum(p)
		}
	}
	return parts
}

var preSpelling = map[string]string{
	"a": "a", "alpha": "a", "b": "b", "beta": "b",
	"c": "rc", "rc": "rc", "pre": "rc", "preview": "rc",
}

func fromCaptures(c captures) Version {
	v := Version{epoch: "0", hasEpoch: c.hasEpoch}
	if c.hasEpoch {
		v.epoch = canonNum(c.epoch)
	}
	for _, r := range c.release {
		v.release = append(v.release, canonNum(r))
	}
	if c.preL != "" {
		v.preL, v.preN = preSpelling[c.preL], canonNum(c.preN)
	}
	switch {
	case c.hasPost1:
		v.hasPost, v.post = true, canonNum(c.postN1)
	case c.postL != "":
		v.hasPost, v.post = true, canonNum(c.postN2)
	}
	if c.devL != "" {
		v.hasDev, v.dev = true, canonNum(c.devN)
	}
	if c.hasLocal {
		v.local = splitLocal(c.local)
	}
	return v
}

// Parse parses a version string with the permissive grammar described in the
// package documentation. The error is an *InvalidVersionError.
func Parse(s string) (Version, error) {
	c, ok := matchVersion(asciiLower(s))
	if !ok {
		return Version{}, &InvalidVersionError{Input: s}
	}
	return fromCaptures(c), nil
}

// MustParse is like Parse but panics on error; for tests and constants.
func MustParse(s string) Version {
	v, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return v
}

// Normalize returns flit_core's normalised form of a version string
// (versionno.normalise_version): like Version.String, except that an epoch
// that was written is kept even when it is 0. The error text is flit's:
// "Version number 'abc' does not match PEP 440 rules".
func Normalize(s string) (string, error) {
	c, ok := matchVersion(pystr.Lower(s))
	if !ok {
		return "", &InvalidVersionError{Input: s}
	}
	v := fromCaptures(c)
	return v.format(v.hasEpoch, true), nil
}

// String returns the canonical normalised form, as packaging's str(Version):
// the epoch is omitted when it is 0.
func (v Version) String() string { return v.format(v.epoch != "0", true) }

// Public returns the canonical form without the local version label.
func (v Version) Public() string { return v.format(v.epoch != "0", false) }

// BaseVersion returns the epoch and release only ("1!2.0" for "1!2.0rc1+x").
func (v Version) BaseVersion() string {
	var b strings.Builder
	if v.epoch != "0" {
		b.WriteString(v.epoch + "!")
	}
	b.WriteString(strings.Join(v.release, "."))
	return b.String()
}

func (v Version) format(epoch, local bool) string {
	if v.release == nil {
		return ""
	}
	var b strings.Builder
	if epoch {
		b.WriteString(v.epoch + "!")
	}
	b.WriteString(strings.Join(v.release, "."))
	if v.preL != "" {
		b.WriteString(v.preL + v.preN)
	}
	if v.hasPost {
		b.WriteString(".post" + v.post)
	}
	if v.hasDev {
		b.WriteString(".dev" + v.dev)
	}
	if local && v.local != nil {
		b.WriteString("+" + strings.Join(v.local, "."))
	}
	return b.String()
}

// Local returns the local version label ("ubuntu.1"), or "" if there is none.
func (v Version) Local() string { return strings.Join(v.local, ".") }

// HasLocal reports whether the version has a local label.
func (v Version) HasLocal() bool { return v.local != nil }

// IsPrerelease reports whether v is a pre-release or a development release.
func (v Version) IsPrerelease() bool { return v.preL != "" || v.hasDev }

// IsDevrelease reports whether v is a development release.
func (v Version) IsDevrelease() bool { return v.hasDev }

// IsPostrelease reports whether v is a post-release.
func (v Version) IsPostrelease() bool { return v.hasPost }

// Pre returns the normalised pre-release label ("a", "b", "rc") and number,
// or ("", 0) for a final release.
func (v Version) Pre() (string, int) {
	if v.preL == "" {
		return "", 0
	}
	return v.preL, atoiSat(v.preN)
}

func atoiSat(d string) int {
	n, err := strconv.Atoi(d)
	if err != nil {
		return math.MaxInt
	}
	return n
}

// Release returns the release segment as integers (numbers too large for an
// int saturate at math.MaxInt).
func (v Version) Release() []int {
	out := make([]int, len(v.release))
	for i, r := range v.release {
		out[i] = atoiSat(r)
	}
	return out
}

// Epoch returns the epoch (0 when absent).
func (v Version) Epoch() int { return atoiSat(v.epoch) }

// Compare returns -1, 0 or +1 as a sorts before, equal to or after b in PEP
// 440 order. Trailing zeros in the release do not matter ("1.0" == "1").
func Compare(a, b Version) int {
	if c := numCmp(a.epoch, b.epoch); c != 0 {
		return c
	}
	if c := cmpRelease(a.release, b.release); c != 0 {
		return c
	}
	if c := cmpPre(a, b); c != 0 {
		return c
	}
	if c := cmpOpt(a.hasPost, a.post, b.hasPost, b.post, -1); c != 0 {
		return c
	}
	if c := cmpOpt(a.hasDev, a.dev, b.hasDev, b.dev, +1); c != 0 {
		return c
	}
	return cmpLocal(a.local, b.local)
}

func trimZeros(r []string) []string {
	n := len(r)
	for n > 0 && r[n-1] == "0" {
		n--
	}
	return r[:n]
}

func cmpRelease(a, b []string) int {
	a, b = trimZeros(a), trimZeros(b)
	for i := 0; i < len(a) && i < len(b); i++ {
		if c := numCmp(a[i], b[i]); c != 0 {
			return c
		}
	}
	return cmpInt(len(a), len(b))
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// preRank places a bare dev release below every pre-release and a final
// release above them.
func preRank(v Version) int {
	switch {
	case v.preL == "" && !v.hasPost && v.hasDev:
		return -1
	case v.preL == "":
		return 1
	}
	return 0
}

func cmpPre(a, b Version) int {
	ra, rb := preRank(a), preRank(b)
	if ra != rb || ra != 0 {
		return cmpInt(ra, rb)
	}
	if c := strings.Compare(a.preL, b.preL); c != 0 {
		return c
	}
	return numCmp(a.preN, b.preN)
}

// cmpOpt compares optional numbers; missing sorts as missing (-1 = below
// every number, +1 = above).
func cmpOpt(ha bool, a string, hb bool, b string, missing int) int {
	switch {
	case ha && hb:
		return numCmp(a, b)
	case ha:
		return -missing
	case hb:
		return missing
	}
	return 0
}

func cmpLocal(a, b []string) int {
	if a == nil || b == nil {
		return cmpInt(boolInt(a != nil), boolInt(b != nil))
	}
	for i := 0; i < len(a) && i < len(b); i++ {
		an, bn := allDigits(a[i]), allDigits(b[i])
		var c int
		switch {
		case an && bn:
			c = numCmp(a[i], b[i])
		case an:
			c = 1
		case bn:
			c = -1
		default:
			c = strings.Compare(a[i], b[i])
		}
		if c != 0 {
			return c
		}
	}
	return cmpInt(len(a), len(b))
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Equal reports whether a and b are the same version in PEP 440 order.
func (v Version) Equal(o Version) bool { return Compare(v, o) == 0 }

// GoString helps test failure messages.
func (v Version) GoString() string { return fmt.Sprintf("pep440.MustParse(%q)", v.String()) }
