package pep440

import (
	"math/rand"
	"testing"
	"unicode/utf8"

	"goflit/internal/testutil"
)

// TestMutantsAgainstPackaging mutates the version and specifier corpora at
// random (fixed seed) and checks that parsing, printing, ordering against a
// few anchors and matching agree with python3-packaging.
func TestMutantsAgainstPackaging(t *testing.T) {
	py := testutil.PythonWith(t, "packaging")
	rng := rand.New(rand.NewSource(2))
	alpha := []string{" ", "\t", ".", "-", "_", "+", "!", "*", "=", "<", ">", "~", ",", "0", "1", "9", "00", "a", "b", "c", "rc",
		"alpha", "pre", "post", "rev", "r", "dev", "v", "V", "A", "x", "local", "\n"}
	mutate := func(s string) string { return testutil.Mutate(rng, s, alpha) }
	var versions, specs []string
	for len(versions) < 3000 {
		if s := mutate(versionCorpus[rng.Intn(len(versionCorpus))]); utf8.ValidString(s) {
			versions = append(versions, s)
		}
	}
	for len(specs) < 1500 {
		if s := mutate(specCorpus[rng.Intn(len(specCorpus))]); utf8.ValidString(s) {
			specs = append(specs, s)
		}
	}
	anchors := []string{"1.0", "1.0a1", "1.0.post1", "1.0+local", "2!0.1", "1.0.dev0", "0.9.9"}
	script := `
import json, sys
from packaging.version import Version, InvalidVersion
from packaging.specifiers import SpecifierSet, InvalidSpecifier
d = json.loads(sys.stdin.read())
anchors = [Version(a) for a in d["anchors"]]
vs, out = [], {"versions": [], "specs": []}
for s in d["versions"]:
    try:
        v = Version(s)
    except InvalidVersion:
        out["versions"].append(None)
        continue
    vs.append(v)
    out["versions"].append([str(v)] + [(v > a) - (v < a) for a in anchors])
for s in d["specs"]:
    try:
        ss = SpecifierSet(s)
    except InvalidSpecifier:
        out["specs"].append(None)
        continue
    res = [str(ss)]
    for a in anchors:
        try:
            res.append([ss.contains(a), ss.contains(a, prereleases=True)])
        except InvalidVersion:
            res.append(None)
    out["specs"].append(res)
print(json.dumps(out))
`
	var out struct {
		Versions [][]any
		Specs    [][]any
	}
	testutil.PythonJSON(t, py, script, map[string]any{"versions": versions, "specs": specs, "anchors": anchors}, &out)
	bad := 0
	report := func(format string, args ...any) {
		if bad++; bad <= 30 {
			t.Errorf(format, args...)
		}
	}
	var av []Version
	for _, a := range anchors {
		av = append(av, MustParse(a))
	}
	for i, s := range versions {
		w := out.Versions[i]
		v, err := Parse(s)
		if (err == nil) != (w != nil) {
			report("Parse(%q) error = %v, packaging %v", s, err, w)
			continue
		}
		if err != nil {
			continue
		}
		if v.String() != w[0].(string) {
			report("Parse(%q) = %q, packaging %q", s, v.String(), w[0])
		}
		for j, a := range av {
			if c := Compare(v, a); float64(c) != w[j+1].(float64) {
				report("Compare(%q, %q) = %d, packaging %v", s, anchors[j], c, w[j+1])
			}
		}
	}
	for i, s := range specs {
		w := out.Specs[i]
		ss, err := ParseSpecifierSet(s)
		if (err == nil) != (w != nil) {
			report("ParseSpecifierSet(%q) error = %v, packaging %v", s, err, w)
			continue
		}
		if err != nil {
			continue
		}
		if ss.String() != w[0].(string) {
			report("ParseSpecifierSet(%q) = %q, packaging %q", s, ss.String(), w[0])
		}
		for j, a := range av {
			r, _ := w[j+1].([]any)
			if r == nil {
				continue
			}
			if ss.Contains(a, false) != r[0].(bool) || ss.Contains(a, true) != r[1].(bool) {
				report("%q contains %q: %v/%v, packaging %v", s, anchors[j], ss.Contains(a, false), ss.Contains(a, true), r)
			}
		}
	}
	validV, validS := 0, 0
	for _, w := range out.Versions {
		if w != nil {
			validV++
		}
	}
	for _, w := range out.Specs {
		if w != nil {
			validS++
		}
	}
	if validV < 300 || validS < 150 {
		t.Errorf("corpus too degenerate: %d valid versions, %d valid specifier sets", validV, validS)
	}
	t.Logf("%d/%d valid versions, %d/%d valid specifier sets", validV, len(versions), validS, len(specs))
	if bad > 0 {
		t.Errorf("%d mismatches", bad)
	}
}
