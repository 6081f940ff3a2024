package testutil

import (
	"encoding/json"
	"math/rand"
	"os"
	"testing"
)

// Mutate applies one to three random edits to s, each inserting, deleting or
// replacing at a random byte offset with a piece drawn from alphabet. With a
// seeded rng the result is reproducible; differential tests use it to grow a
// corpus of near-valid inputs. The result may not be valid UTF-8.
func Mutate(rng *rand.Rand, s string, alphabet []string) string {
	for k := rng.Intn(3) + 1; k > 0; k-- {
		p := rng.Intn(len(s) + 1)
		switch rng.Intn(3) {
		case 0:
			s = s[:p] + alphabet[rng.Intn(len(alphabet))] + s[p:]
		case 1:
			if p < len(s) {
				s = s[:p] + s[p+1:]
			}
		case 2:
			if p < len(s) {
				s = s[:p] + alphabet[rng.Intn(len(alphabet))] + s[p+1:]
			}
		}
	}
	return s
}

// ReplayCases checks the function called name against recorded results: path
// holds a JSON list of {"In": input, "Out": result, "Err": error message}
// objects (Err set when the recorded tool refused the input), at least
// minCases of them.
func ReplayCases(t testing.TB, path string, minCases int, name string, f func(string) (string, error)) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct{ In, Out, Err string }
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(cases) < minCases {
		t.Fatalf("%s: only %d cases, want at least %d", path, len(cases), minCases)
	}
	for _, c := range cases {
		got, err := f(c.In)
		switch {
		case c.Err != "" && (err == nil || err.Error() != c.Err):
			t.Errorf("%s(%q) = %q, %v; recorded error %q", name, c.In, got, err, c.Err)
		case c.Err == "" && (err != nil || got != c.Out):
			t.Errorf("%s(%q) = %q, %v; recorded %q", name, c.In, got, err, c.Out)
		}
	}
}
