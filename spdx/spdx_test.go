package spdx

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"goflit/internal/testutil"
)

func TestNormalizeTable(t *testing.T) {
	tests := []struct{ in, want, err string }{
		{in: "mit  AND  ( apache-2.0+  OR  mpl-2.0+ )", want: "MIT AND (Apache-2.0+ OR MPL-2.0+)"},
		{in: "LiceNseref-Public-DoMain", want: "LicenseRef-Public-DoMain"},
		{in: "MIT OR(mit)", want: "MIT OR (MIT)"},
		{in: "GPL-3.0", err: "'GPL-3.0' is not a recognised SPDX license ID"},
		{in: "MIT and MIT", err: "'MIT and MIT' is not a valid SPDX license expression: operators must be uppercase, not 'and'"},
		{in: "MIT WITH x", err: "The SPDX 'WITH' operator is not yet supported!"},
		{in: " \t", err: "The SPDX license expression must not be empty"},
		{in: "MIT AND", err: "'MIT AND' is not a valid SPDX license expression: a license ID or expression should follow 'AND'"},
		{in: "AND MIT", err: "'AND MIT' is not a valid SPDX license expression: a license ID is missing before 'AND'"},
		{in: "MIT (MIT)", err: "'MIT (MIT)' is not a valid SPDX license expression: '(' must follow either AND, OR, or '('"},
		{in: "MIT MIT", err: "'MIT MIT' is not a valid SPDX license expression: a license ID must follow either AND, OR, or '('"},
		{in: "(MIT", err: "'(MIT' is not a valid SPDX license expression: unbalanced brackets"},
		{in: "LicenseRef-a_b", err: "LicenseRef- license expression can only contain ASCII letters & digits, - and ."},
		{in: "MIT\tOR", err: `'MIT\tOR' is not a recognised SPDX license ID`},
	}
	for _, tt := range tests {
		got, err := Normalize(tt.in)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("Normalize(%q) error = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Normalize(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

// TestFlit40 replays the results flit_core 4.0.0 itself produced for
// testdata/corpus.json (flit's own test cases plus edge cases), recorded by
// testdata/gen_flit40.py.
func TestFlit40(t *testing.T) {
	testutil.ReplayCases(t, "testdata/flit40.json", 100, "Normalize", Normalize)
}

func TestIsKnownID(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"mit", "MIT", true}, {"APACHE-2.0", "Apache-2.0", true}, {"0bsd", "0BSD", true},
		{"GPL-3.0", "", false}, {"MIT+", "", false}, {"", "", false}, {"LicenseRef-x", "", false},
	}
	for _, tt := range tests {
		got, ok := IsKnownID(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("IsKnownID(%q) = %q, %v", tt.in, got, ok)
		}
	}
	if n := len(table()); n != 648 {
		t.Errorf("license table has %d IDs, want 648", n)
	}
}

func FuzzNormalize(f *testing.F) {
	data, _ := os.ReadFile("testdata/corpus.json")
	var corpus []string
	_ = json.Unmarshal(data, &corpus)
	for _, s := range corpus {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := Normalize(s)
		if err != nil {
			if strings.Contains(err.Error(), "\n") && !strings.Contains(s, "\n") {
				t.Fatalf("multi-line error for %q: %v", s, err)
			}
			return
		}
		again, err := Normalize(out)
		if err != nil || again != out {
			t.Fatalf("Normalize(%q) = %q, which re-normalises to %q, %v", s, out, again, err)
		}
	})
}
