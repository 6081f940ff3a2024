package pep508

import (
	"math/rand"
	"strings"
	"testing"
	"unicode/utf8"

	"goflit/internal/testutil"
)

// TestMutantsAgainstPackaging mutates the corpus at random (fixed seed) and
// checks that validity, printing and evaluation agree with python3-packaging.
// Skipped mutants: backslashes (packaging runs ast.literal_eval on quoted
// strings) and values holding a double quote (packaging prints them inside
// double quotes, which cannot be parsed back; we use single quotes).
func TestMutantsAgainstPackaging(t *testing.T) {
	py := testutil.PythonWith(t, "packaging")
	rng := rand.New(rand.NewSource(1))
	alpha := []string{" ", "\t", "(", ")", "[", "]", ",", ";", "'", "\"", "=", "<", ">", "~", "!", "*", ".", "-", "_", "+", "@", "a", "1", "0", "v", "rc", "post", "dev", " and ", " or ", " in ", " not ", "extra", "os_name", "é", "\n", ":", "/", "#"}
	var cs []string
	for i := 0; i < 5000; i++ {
		s := testutil.Mutate(rng, requirementCorpus[rng.Intn(len(requirementCorpus))], alpha)
		if strings.Contains(s, "\\") || strings.Contains(s, "\"") || !utf8.ValidString(s) {
			continue
		}
		cs = append(cs, s)
	}
	var out []struct {
		Valid bool
		Str   string
		Eval  []string
	}
	testutil.PythonJSON(t, py, pyScript, map[string]any{"reqs": cs, "envs": markerEnvs}, &out)
	n := 0
	for i, s := range cs {
		r, err := ParseRequirement(s)
		if (err == nil) != out[i].Valid {
			n++
			if n < 40 {
				t.Errorf("%q: go err=%v, py valid=%v %q", s, err, out[i].Valid, out[i].Str)
			}
			continue
		}
		if err == nil && r.String() != out[i].Str {
			n++
			if n < 40 {
				t.Errorf("%q: go %q py %q", s, r.String(), out[i].Str)
			}
		}
		if err == nil && r.Marker != nil {
			for j, env := range markerEnvs {
				w := out[i].Eval[j]
				if w == "error" {
					continue
				}
				got, err := r.Marker.Evaluate(env)
				if err != nil || (map[bool]string{true: "true", false: "false"})[got] != w {
					n++
					if n < 40 {
						t.Errorf("%q env %d: go %v %v py %s", s, j, got, err, w)
					}
				}
			}
		}
	}
	if n > 0 {
		t.Errorf("%d mismatches in %d mutants", n, len(cs))
	}
}
