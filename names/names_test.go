package names

import (
	"strings"
	"testing"

	"goflit/internal/testutil"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, norm, esc string }{
		{"Ex.Pkg", "ex-pkg", "ex_pkg"},
		{"my-python-module", "my-python-module", "my_python_module"},
		{"Foo__Bar", "foo-bar", "foo_bar"},
		{"a-_.-b", "a-b", "a_b"},
		{"cus__Tom", "cus-tom", "cus_tom"},
		{"ns1.pkg", "ns1-pkg", "ns1_pkg"},
		{"--x--", "-x-", "_x_"},
		{"", "", ""},
		{"ALLCAPS", "allcaps", "allcaps"},
		{"Ünï.Code", "ünï-code", "ünï_code"},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.norm {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.norm)
		}
		if got := NormalizeExtra(tt.in); got != tt.norm {
			t.Errorf("NormalizeExtra(%q) = %q, want %q", tt.in, got, tt.norm)
		}
		if got := Escape(tt.in); got != tt.esc {
			t.Errorf("Escape(%q) = %q, want %q", tt.in, got, tt.esc)
		}
	}
}

func TestValidProjectName(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"a", true}, {"A", true}, {"0", true}, {"flit", true}, {"Ex.Pkg", true},
		{"foo-bar_baz.qux", true}, {"a--b", true}, {"", false}, {"-a", false},
		{"a-", false}, {"a.", false}, {"_a", false}, {"a b", false}, {"a+b", false},
		{"ünicode", false}, {"a/b", false}, {"1.0", true},
	}
	for _, tt := range tests {
		if got := ValidProjectName(tt.in); got != tt.want {
			t.Errorf("ValidProjectName(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

var identCorpus = []string{
	"a", "_", "_a1", "A_b", "1a", "", "a-b", "a.b", "é", "über", "naïve", "a b", "_x1", "日本語", "x²", "℘", "℮x",
	"a\u0301", "\u0301a", "ⅰ", "a·b", "·a", "a b", "class", "None", "a$", "ǅ", "ʰ", "٣", "a٣",
	"\u2160", "a\u200d", "a\u00b7", "＿", "a‿b", "‿", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "ab\x00", "a\ufeff", "a🙂",
	"\u037a", "ﮱ", "\u309b", "a\u309b", "a\u0e33", "\u0e33", "\ufe70", "a\ufe71", "\u1885", "a\u1885", "\u2118",
}

func TestIsIdentifier(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"a", true}, {"_", true}, {"_a1", true}, {"1a", false}, {"", false},
		{"a-b", false}, {"a.b", false}, {"über", true}, {"日本語", true},
		{"a\u0301", true}, {"\u0301a", false}, {"a b", false}, {"class", true},
		{"a🙂", false}, {"\xff", false},
	}
	for _, tt := range tests {
		if got := IsIdentifier(tt.in); got != tt.want {
			t.Errorf("IsIdentifier(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
	dotted := []struct {
		in   string
		want bool
	}{
		{"a.b.c", true}, {"a", true}, {"a..b", false}, {".a", false}, {"a.", false},
		{"pkg.mod_1", true}, {"pkg.1mod", false}, {"", false},
	}
	for _, tt := range dotted {
		if got := IsDottedIdentifier(tt.in); got != tt.want {
			t.Errorf("IsDottedIdentifier(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// TestAgainstPython compares IsIdentifier with str.isidentifier() and
// Normalize with PEP 503's regex in Debian's Python.
func TestAgainstPython(t *testing.T) {
	py := testutil.PythonWith(t)
	script := `import json, re, sys
words = json.loads(sys.stdin.read())
print(json.dumps([[w.isidentifier(), re.sub(r"[-_.]+", "-", w).lower()] for w in words]))`
	var want [][2]any
	testutil.PythonJSON(t, py, script, identCorpus, &want)
	for i, w := range identCorpus {
		if got := IsIdentifier(w); got != want[i][0].(bool) {
			t.Errorf("IsIdentifier(%q) = %v, Python says %v", w, got, want[i][0])
		}
		if got := Normalize(w); got != want[i][1].(string) {
			t.Errorf("Normalize(%q) = %q, Python says %q", w, got, want[i][1])
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range identCorpus {
		f.Add(s)
	}
	f.Add("Foo.-_Bar")
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if Normalize(n) != n {
			t.Errorf("Normalize not idempotent: %q -> %q -> %q", s, n, Normalize(n))
		}
		e := Escape(s)
		if strings.ContainsAny(e, "-.") || strings.Contains(e, "__") {
			t.Errorf("Escape(%q) = %q still has separators", s, e)
		}
		if ValidProjectName(s) && !ValidProjectName(n) {
			t.Errorf("valid name %q normalises to invalid %q", s, n)
		}
		if IsDottedIdentifier(s) && !IsIdentifier(strings.ReplaceAll(s, ".", "_")) {
			t.Errorf("dotted identifier %q inconsistent", s)
		}
	})
}
