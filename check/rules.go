package check

import (
	"regexp"
	"strings"
	"sync"
)

// The standards packages (names, pep440, pep508, tags) are written in
// parallel; the small subset PyPI's upload checks need lives here so that
// check has no moving dependencies.

var (
	nameRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$`)
	})
	normRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[-_.]+`) })
	// PEP 440 "VERSION_PATTERN" (the spec's own grammar), anchored.
	versionRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)^\s*v?(?:(?:[0-9]+)!)?[0-9]+(?:\.[0-9]+)*` +
			`(?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?[0-9]*)?` +
			`(?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?` +
			`(?:[-_.]?dev[-_.]?[0-9]*)?` +
			`(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?\s*$`)
	})
	specRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^\s*(~=|===|==|!=|<=|>=|<|>)\s*([A-Za-z0-9_.*+!-]+)\s*$`)
	})
	reqRE = sync.OnceValue(func() *regexp.Regexp {
		// name [extras] (specifiers | @ url) (; marker)
		return regexp.MustCompile(`^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*` +
			`(\[\s*(?:[A-Za-z0-9][A-Za-z0-9._-]*\s*(?:,\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*)*)?\])?\s*` +
			`(@\s*\S+\s*|\(?[^;@()]*\)?)?` +
			`(;.*)?$`)
	})
)

// normalize is PEP 503 name normalisation.
func normalize(name string) string { return strings.ToLower(normRE().ReplaceAllString(name, "-")) }

// wheelName is the PEP 427/625 escaped, normalised name: "foo_bar".
func wheelName(name string) string { return strings.ReplaceAll(normalize(name), "-", "_") }

func validName(name string) bool { return nameRE().MatchString(name) }

func validVersion(v string) bool { return versionRE().MatchString(v) }

// canonicalVersion is a light normalisation for comparing versions (case,
// leading v, separators around pre/post/dev), enough for file names.
func canonicalVersion(v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	v = strings.TrimPrefix(v, "v")
	return v
}

// validSpecifiers checks a PEP 440 specifier set ("", ">=3.8", ">=3.8,!=3.9.*").
func validSpecifiers(s string) bool {
	if strings.TrimSpace(s) == "" {
		return true
	}
	for _, part := range strings.Split(s, ",") {
		m := specRE().FindStringSubmatch(part)
		if m == nil {
			return false
		}
		op, v := m[1], m[2]
		switch {
		case op == "===":
		case strings.HasSuffix(v, ".*"):
			if op != "==" && op != "!=" || !validVersion(strings.TrimSuffix(v, ".*")) || strings.Contains(v, "+") {
				return false
			}
		default:
			if !validVersion(v) {
				return false
			}
			if op == "~=" && !strings.Contains(strings.SplitN(v, "+", 2)[0], ".") {
				return false
			}
		}
	}
	return true
}

// requirement is the part of a PEP 508 requirement the checks need.
type requirement struct {
	Name   string
	URL    bool // "name @ url"
	Marker string
}

// parseRequirement checks the shape of a PEP 508 requirement: a name,
// optional extras, a specifier set (optionally in parentheses, as Metadata
// 1.2 allowed) or a direct URL, and an optional marker. It returns ok=false
// with a reason when the string does not parse.
func parseRequirement(s string) (requirement, string) {
	m := reqRE().FindStringSubmatch(s)
	if m == nil {
		return requirement{}, "not a PEP 508 requirement"
	}
	r := requirement{Name: m[1], Marker: strings.TrimSpace(strings.TrimPrefix(m[4], ";"))}
	spec := strings.TrimSpace(m[3])
	if strings.HasPrefix(spec, "@") {
		r.URL = true
	} else {
		if strings.HasPrefix(spec, "(") != strings.HasSuffix(spec, ")") {
			return r, "unbalanced parentheses around the version specifier"
		}
		if spec != "" && !strings.ContainsAny(spec[:1], "(<>=!~") {
			return r, "expected a version specifier, URL or marker after the name, found " + quote(spec)
		}
		spec = strings.TrimSuffix(strings.TrimPrefix(spec, "("), ")")
		if !validSpecifiers(spec) {
			return r, "invalid version specifier " + quote(strings.TrimSpace(spec))
		}
	}
	if m[4] != "" && r.Marker == "" {
		return r, "empty environment marker"
	}
	if r.Marker != "" && !balanced(r.Marker) {
		return r, "invalid environment marker " + quote(r.Marker)
	}
	return r, ""
}

func balanced(s string) bool {
	depth := 0
	var q byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case q != 0:
			if c == q {
				q = 0
			}
		case c == '"' || c == '\'':
			q = c
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth < 0 {
				return false
			}
		}
	}
	return depth == 0 && q == 0
}

func quote(s string) string { return `"` + s + `"` }

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

var platRE = sync.OnceValue(func() map[string]*regexp.Regexp {
	arch := `(x86_64|i686|aarch64|armv7l|ppc64le|s390x|riscv64|ppc64)`
	return map[string]*regexp.Regexp{
		"manylinux": regexp.MustCompile(`^manylinux_[0-9]+_[0-9]+_` + arch + `$`),
		"musllinux": regexp.MustCompile(`^musllinux_[0-9]+_[0-9]+_(x86_64|i686|aarch64|armv7l|ppc64le|s390x|riscv64)$`),
		"macosx": regexp.MustCompile(`^macosx_(10_[0-9]+|(11|12|13|14|15|26)_0)_` +
			`(x86_64|arm64|universal2|intel|fat|fat3|fat64|i386|ppc|ppc64|universal)$`),
		"ios":     regexp.MustCompile(`^ios_[0-9]+_[0-9]+_(arm64|x86_64)_(iphoneos|iphonesimulator)$`),
		"android": regexp.MustCompile(`^android_[0-9]+_(arm64_v8a|armeabi_v7a|x86|x86_64)$`),
		"emscr":   regexp.MustCompile(`^pyemscripten_[0-9]+_[0-9]+_wasm32$`),
	}
})

// platformOK reports whether PyPI accepts a wheel platform tag
// (Warehouse's _valid_platform_tag, peers.md §3.2).
func platformOK(tag string) bool {
	switch tag {
	case "any", "win32", "win_amd64", "win_arm64", "win_ia64", "linux_armv6l", "linux_armv7l":
		return true
	}
	for _, legacy := range []string{"manylinux1_", "manylinux2010_", "manylinux2014_"} {
		if arch, ok := strings.CutPrefix(tag, legacy); ok {
			switch arch {
			case "x86_64", "i686":
				return true
			case "aarch64", "armv7l", "ppc64", "ppc64le", "s390x":
				return legacy == "manylinux2014_"
			}
			return false
		}
	}
	for _, re := range platRE() {
		if re.MatchString(tag) {
			return true
		}
	}
	return false
}

// Normalize is PEP 503 name normalisation ("Foo.Bar_baz" -> "foo-bar-baz").
func Normalize(name string) string { return normalize(name) }
