package validate

import (
	_ "embed"
	"sort"
	"strings"
	"sync"

	"goflit/internal/textdist"
)

// classifiersTxt is the trove classifier list of pypa/trove-classifiers
// (version in its header): one classifier a line, sorted; a deprecated one
// is followed by "\tdeprecated" and its replacements, tab-separated.
//
//go:embed classifiers.txt
var classifiersTxt string

// privateClassifier is always accepted (PyPI refuses to upload it, which is
// the point: https://github.com/pypa/warehouse/pull/5440).
const privateClassifier = "Private :: Do Not Upload"

type classifierTable struct {
	valid      []string            // sorted, not deprecated
	deprecated map[string][]string // deprecated -> replacements
}

var table = sync.OnceValue(func() *classifierTable {
	t := &classifierTable{deprecated: map[string][]string{}}
	for _, line := range strings.Split(classifiersTxt, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, "\t")
		if len(fields) >= 2 && fields[1] == "deprecated" {
			t.deprecated[fields[0]] = append([]string{}, fields[2:]...)
			continue
		}
		t.valid = append(t.valid, fields[0])
	}
	sort.Strings(t.valid)
	return t
})

// Classifiers returns the valid (non-deprecated) trove classifiers, sorted.
// The slice is a copy.
func Classifiers() []string {
	return append([]string(nil), table().valid...)
}

// IsValidClassifier reports whether s is a known trove classifier, and
// whether it is deprecated (PyPI rejects deprecated classifiers). "Private
// :: Do Not Upload" is always valid.
func IsValidClassifier(s string) (ok, deprecated bool) {
	if s == privateClassifier {
		return true, false
	}
	t := table()
	if _, dep := t.deprecated[s]; dep {
		return true, true
	}
	i := sort.SearchStrings(t.valid, s)
	return i < len(t.valid) && t.valid[i] == s, false
}

// Replacements returns the classifiers that replace a deprecated one (none
// when it should just be removed).
func Replacements(s string) []string {
	return append([]string(nil), table().deprecated[s]...)
}

// SuggestClassifier returns the known classifier closest to s when it is
// close enough to be a likely typo (or differs only in case or spacing),
// else "".
func SuggestClassifier(s string) string {
	key := squash(s)
	best, bestD := "", 1<<30
	for _, c := range table().valid {
		ck := squash(c)
		if ck == key {
			return c
		}
		// Edit distance is at least the length difference: skip early.
		if abs(len(ck)-len(key)) >= bestD {
			continue
		}
		if d := textdist.Levenshtein(key, ck, bestD); d < bestD {
			best, bestD = c, d
		}
	}
	if best != "" && bestD <= max(2, len(key)/6) {
		return best
	}
	return ""
}

// squash lowercases s and normalises the spacing around "::".
func squash(s string) string {
	parts := strings.Split(s, "::")
	for i, p := range parts {
		parts[i] = strings.Join(strings.Fields(strings.ToLower(p)), " ")
	}
	return strings.Join(parts, " :: ")
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}
