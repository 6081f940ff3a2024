package check

import (
	"errors"
	"fmt"
	"strings"

	"goflit/names"
	"goflit/pep440"
	"goflit/pep508"
)

// The rules come from the standards packages (names, pep440, pep508, tags);
// these small wrappers give them the shape the checks need.

func validVersion(v string) bool {
	_, err := pep440.Parse(v)
	return err == nil
}

func hasLocal(v string) bool {
	pv, err := pep440.Parse(v)
	return err == nil && pv.HasLocal()
}

// sameVersion compares two versions as PEP 440 does (1.0 == 1.0.0).
func sameVersion(a, b string) bool {
	va, err1 := pep440.Parse(a)
	vb, err2 := pep440.Parse(b)
	if err1 != nil || err2 != nil {
		return a == b
	}
	return va.Equal(vb)
}

// validSpecifiers checks a PEP 440 specifier set ("", ">=3.8", ">=3.8,!=3.9.*").
func validSpecifiers(s string) bool {
	if strings.TrimSpace(s) == "" {
		return true
	}
	_, err := pep440.ParseSpecifierSet(s)
	return err == nil
}

// requirement is the part of a PEP 508 requirement the checks need.
type requirement struct {
	Name string
	URL  bool // "name @ url"
}

// parseRequirement parses a PEP 508 requirement; the second result is why
// it does not parse (packaging's wording), or "".
func parseRequirement(s string) (requirement, string) {
	r, err := pep508.ParseRequirement(s)
	if err != nil {
		var pe *pep508.ParseError
		if errors.As(err, &pe) {
			return requirement{}, fmt.Sprintf("%s (at offset %d)", pe.Msg, pe.Offset)
		}
		return requirement{}, err.Error()
	}
	return requirement{Name: r.Name, URL: r.URL != ""}, ""
}

// wheelFile is a parsed wheel filename (PEP 427):
// {name}-{version}(-{build})?-{python}-{abi}-{platform}.whl
type wheelFile struct {
	Name, Version, Build string
	Python, ABI, Plat    []string
}

func parseWheelFilename(fn string) (wheelFile, bool) {
	base, ok := strings.CutSuffix(fn, ".whl")
	if !ok {
		return wheelFile{}, false
	}
	parts := strings.Split(base, "-")
	var w wheelFile
	switch len(parts) {
	case 5:
		w = wheelFile{Name: parts[0], Version: parts[1]}
	case 6:
		w = wheelFile{Name: parts[0], Version: parts[1], Build: parts[2]}
		if w.Build == "" || w.Build[0] < '0' || w.Build[0] > '9' {
			return wheelFile{}, false
		}
	default:
		return wheelFile{}, false
	}
	n := len(parts)
	for _, p := range parts[n-3:] {
		if p == "" {
			return wheelFile{}, false
		}
	}
	w.Python = strings.Split(parts[n-3], ".")
	w.ABI = strings.Split(parts[n-2], ".")
	w.Plat = strings.Split(parts[n-1], ".")
	return w, w.Name != "" && w.Version != ""
}

// Normalize is PEP 503 name normalisation ("Foo.Bar_baz" -> "foo-bar-baz").
func Normalize(name string) string { return names.Normalize(name) }
