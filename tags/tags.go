// Package tags handles wheel compatibility tags (PEP 425, the PyPA
// "Platform compatibility tags" specification) and wheel file names (the
// binary distribution format specification).
//
// A tag is interpreter-abi-platform, e.g. "py3-none-any" or
// "cp312-cp312-manylinux_2_17_x86_64". A compressed tag set joins
// alternatives with "." inside each part and stands for their product:
// "py2.py3-none-any" is {py2-none-any, py3-none-any}. Tags are lowercased, as
// packaging does.
//
// A wheel file name is
//
//	{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl
//
// where name uses only letters, digits, "_" and "." (no "__"), and a build
// tag starts with a digit.
//
// PyPIPlatformOK implements the platform tags PyPI's upload endpoint accepts
// (warehouse's platform checks: a fixed list, macosx_10_N and
// macosx_{11..15,26}_0 with known arches, PEP 600 manylinux_X_Y and PEP 656
// musllinux_X_Y with known arches, ios, android and pyemscripten).
// ManylinuxTag builds PEP 600 tags with their legacy aliases.
//
// The package does no I/O and depends only on the standard library.
package tags

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Tag is one interpreter-abi-platform triple.
type Tag struct {
	Interpreter, ABI, Platform string
}

// String returns "interpreter-abi-platform".
func (t Tag) String() string { return t.Interpreter + "-" + t.ABI + "-" + t.Platform }

func validPart(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// ParseTagSet expands a (possibly compressed) tag set such as
// "py2.py3-none-any" into its tags, in product order without duplicates.
func ParseTagSet(s string) ([]Tag, error) {
	parts := strings.Split(strings.ToLower(s), "-")
	if len(parts) != 3 {
		return nil, fmt.Errorf("tag set %q: want interpreter-abi-platform (three parts separated by '-')", s)
	}
	var alts [3][]string
	for i, p := range parts {
		alts[i] = strings.Split(p, ".")
		for _, a := range alts[i] {
			if !validPart(a) {
				return nil, fmt.Errorf("tag set %q: %q is not a valid tag part (use letters, digits and '_', with '.' between alternatives)", s, a)
			}
		}
	}
	var out []Tag
	seen := map[Tag]bool{}
	for _, in := range alts[0] {
		for _, abi := range alts[1] {
			for _, plat := range alts[2] {
				t := Tag{in, abi, plat}
				if !seen[t] {
					seen[t] = true
					out = append(out, t)
				}
			}
		}
	}
	return out, nil
}

// Compress returns the compressed form of a tag set: the sorted distinct
// values of each part joined by ".". Tag sets in wheel names are products of
// their parts; for any other set the result is the smallest product set that
// contains it. It returns "" for no tags.
func Compress(tags []Tag) string {
	if len(tags) == 0 {
		return ""
	}
	var in, abi, plat []string
	for _, t := range tags {
		in, abi, plat = append(in, t.Interpreter), append(abi, t.ABI), append(plat, t.Platform)
	}
	join := func(s []string) string {
		slices.Sort(s)
		return strings.Join(slices.Compact(s), ".")
	}
	return join(in) + "-" + join(abi) + "-" + join(plat)
}

// WheelName is a parsed wheel file name.
type WheelName struct {
	Name    string // as in the file name (escaped form, e.g. "my_pkg")
	Version string // as in the file name
	Build   string // "" when absent
	Tags    []Tag
}

// String returns the file name, with the tags compressed.
func (w WheelName) String() string {
	parts := []string{w.Name, w.Version}
	if w.Build != "" {
		parts = append(parts, w.Build)
	}
	return strings.Join(append(parts, Compress(w.Tags)), "-") + ".whl"
}

// ParseWheelFilename splits a wheel file name into its parts. The version is
// only checked for characters; use pep440.Parse for the full grammar.
func ParseWheelFilename(fn string) (WheelName, error) {
	invalid := func(why string) error {
		return fmt.Errorf("invalid wheel filename %q: %s", fn, why)
	}
	base, ok := strings.CutSuffix(fn, ".whl")
	if !ok {
		return WheelName{}, invalid("the extension must be .whl")
	}
	parts := strings.Split(base, "-")
	if len(parts) != 5 && len(parts) != 6 {
		return WheelName{}, invalid("want name-version[-build]-python-abi-platform.whl")
	}
	w := WheelName{Name: parts[0], Version: parts[1]}
	if !validName(w.Name) {
		return WheelName{}, invalid(fmt.Sprintf("project name %q may only hold letters, digits, '_' and '.' (no '__')", w.Name))
	}
	if !validVersion(w.Version) {
		return WheelName{}, invalid(fmt.Sprintf("version %q is not a normalised version", w.Version))
	}
	if len(parts) == 6 {
		w.Build = parts[2]
		if w.Build == "" || w.Build[0] < '0' || w.Build[0] > '9' {
			return WheelName{}, invalid(fmt.Sprintf("build tag %q must start with a digit", w.Build))
		}
	}
	tags, err := ParseTagSet(strings.Join(parts[len(parts)-3:], "-"))
	if err != nil {
		return WheelName{}, invalid(err.Error())
	}
	w.Tags = tags
	return w, nil
}

func validName(s string) bool {
	if s == "" || strings.Contains(s, "__") {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r == '.' || unicode.IsLetter(r) || unicode.IsNumber(r)) {
			return false
		}
	}
	return true
}

func validVersion(s string) bool {
	if s == "" || s[0] < '0' || s[0] > '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '!' || c == '+' || c == '_') {
			return false
		}
	}
	return true
}

// BuildNumber returns the leading number of a build tag and the rest
// ("1abc" -> 1, "abc"), as installers sort builds.
func BuildNumber(build string) (int, string, error) {
	i := 0
	for i < len(build) && build[i] >= '0' && build[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, "", errors.New("build tag " + strconv.Quote(build) + " must start with a digit")
	}
	n, err := strconv.Atoi(build[:i])
	if err != nil {
		return 0, "", fmt.Errorf("build tag %q: number too large", build)
	}
	return n, build[i:], nil
}
