package textdist

import (
	"math/rand"
	"testing"
)

func TestTable(t *testing.T) {
	tests := []struct {
		a, b     string
		lev, osa int
	}{
		{"", "", 0, 0},
		{"", "abc", 3, 3},
		{"abc", "", 3, 3},
		{"same", "same", 0, 0},
		{"kitten", "sitting", 3, 3},
		{"jbos", "jobs", 2, 1},
		{"reedme", "readme", 1, 1},
		{"descripton", "description", 1, 1},
		{"ca", "abc", 3, 3}, // OSA edits no substring twice (true Damerau gives 2)
		{"abcd", "badc", 3, 2},
	}
	for _, tt := range tests {
		if got := Levenshtein(tt.a, tt.b, 0); got != tt.lev {
			t.Errorf("Levenshtein(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.lev)
		}
		if got := OSA(tt.a, tt.b); got != tt.osa {
			t.Errorf("OSA(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.osa)
		}
	}
}

func TestLimit(t *testing.T) {
	if got := Levenshtein("kitten", "sitting", 2); got != 2 {
		t.Errorf("Levenshtein with limit 2 = %d, want 2 (capped)", got)
	}
	if got := Levenshtein("kitten", "sitting", 10); got != 3 {
		t.Errorf("Levenshtein with limit 10 = %d, want 3", got)
	}
	if got := Levenshtein("zzzzzzzzzz", "aaaaaaaaaa", 5); got != 5 {
		t.Errorf("early exit = %d, want 5", got)
	}
	if got := Levenshtein("a", "zzzzzzzzzzzzzzzzzzzz", 5); got < 5 {
		t.Errorf("Levenshtein over the limit = %d, want >= 5", got)
	}
}

// naive computes both distances by their recursive definitions.
func naive(a, b string, transpose bool) int {
	switch {
	case a == "":
		return len(b)
	case b == "":
		return len(a)
	}
	cost := 1
	if a[len(a)-1] == b[len(b)-1] {
		cost = 0
	}
	d := min(naive(a[:len(a)-1], b, transpose)+1, naive(a, b[:len(b)-1], transpose)+1,
		naive(a[:len(a)-1], b[:len(b)-1], transpose)+cost)
	if transpose && len(a) > 1 && len(b) > 1 && a[len(a)-1] == b[len(b)-2] && a[len(a)-2] == b[len(b)-1] {
		d = min(d, naive(a[:len(a)-2], b[:len(b)-2], transpose)+1)
	}
	return d
}

func TestAgainstDefinition(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	word := func() string {
		b := make([]byte, rng.Intn(7))
		for i := range b {
			b[i] = "abc"[rng.Intn(3)]
		}
		return string(b)
	}
	for range 2000 {
		a, b := word(), word()
		if got, want := Levenshtein(a, b, 0), naive(a, b, false); got != want {
			t.Fatalf("Levenshtein(%q, %q) = %d, want %d", a, b, got, want)
		}
		if got, want := OSA(a, b), naive(a, b, true); got != want {
			t.Fatalf("OSA(%q, %q) = %d, want %d", a, b, got, want)
		}
		for limit := 1; limit < 5; limit++ {
			full := Levenshtein(a, b, 0)
			got := Levenshtein(a, b, limit)
			if full < limit && got != full || full >= limit && got < limit {
				t.Fatalf("Levenshtein(%q, %q, %d) = %d; full distance %d", a, b, limit, got, full)
			}
		}
	}
}
