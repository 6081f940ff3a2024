package pyglob

import (
	"strings"
	"testing"

	"goflit/internal/testutil"
)

var cases = []struct {
	pat, name string
	want      bool
}{
	{"*", "", true},
	{"*", ".hidden", true},
	{"*.py", "a.py", true},
	{"*.py", "a.pyc", false},
	{"a*b*c", "axxbyyc", true},
	{"a*b*c", "axxbyy", false},
	{"a**", "a", true},
	{"?", "", false},
	{"?", "é", true},
	{"[ab]x", "bx", true},
	{"[!ab]x", "bx", false},
	{"[!ab]x", "cx", true},
	{"[a-c]", "b", true},
	{"[a-c]", "d", false},
	{"[]]", "]", true},
	{"[!]]", "]", false},
	{"[", "[", true},
	{"[abc", "[abc", true},
	{"[abc", "a", false},
	{"*[", "x[", true},
	{"LICEN[CS]E*", "LICENSE.txt", true},
	{"LICEN[CS]E*", "license", false},
	{"*a*a*a*a*a*a*a*a*b", strings.Repeat("a", 60), false},
}

func TestFnmatch(t *testing.T) {
	for _, c := range cases {
		if got := Fnmatch(c.pat, c.name); got != c.want {
			t.Errorf("Fnmatch(%q, %q) = %v; want %v", c.pat, c.name, got, c.want)
		}
	}
}

// TestFnmatchAgreesWithPython runs the table through Debian's
// fnmatch.fnmatchcase.
func TestFnmatchAgreesWithPython(t *testing.T) {
	py := testutil.PythonWith(t)
	var in [][2]string
	for _, c := range cases {
		in = append(in, [2]string{c.pat, c.name})
	}
	var out []bool
	testutil.PythonJSON(t, py, "import fnmatch, json, sys\nprint(json.dumps([fnmatch.fnmatchcase(n, p) for p, n in json.load(sys.stdin)]))", in, &out)
	if len(out) != len(cases) {
		t.Fatalf("Python answered %d of %d cases", len(out), len(cases))
	}
	for i, c := range cases {
		if out[i] != c.want {
			t.Errorf("Python: fnmatchcase(%q, %q) = %v; the table says %v", c.name, c.pat, out[i], c.want)
		}
	}
}

// reference is the plain recursive matcher (exponential in the number of
// stars) that the linear one replaced.
func reference(p, n []rune) bool {
	for len(p) > 0 {
		switch p[0] {
		case '*':
			for len(p) > 0 && p[0] == '*' {
				p = p[1:]
			}
			if len(p) == 0 {
				return true
			}
			for i := 0; i <= len(n); i++ {
				if reference(p, n[i:]) {
					return true
				}
			}
			return false
		case '?':
			if len(n) == 0 {
				return false
			}
			p, n = p[1:], n[1:]
		case '[':
			end, ok := classEnd(p, 0)
			if !ok {
				if len(n) == 0 || n[0] != '[' {
					return false
				}
				p, n = p[1:], n[1:]
				continue
			}
			if len(n) == 0 || !inClass(p[1:end], n[0]) {
				return false
			}
			p, n = p[end+1:], n[1:]
		default:
			if len(n) == 0 || n[0] != p[0] {
				return false
			}
			p, n = p[1:], n[1:]
		}
	}
	return len(n) == 0
}

func FuzzFnmatch(f *testing.F) {
	for _, c := range cases {
		f.Add(c.pat, c.name)
	}
	f.Fuzz(func(t *testing.T, pat, name string) {
		if strings.Count(pat, "*") > 6 || len(pat) > 64 || len(name) > 64 {
			return // the reference is exponential
		}
		if got, want := Fnmatch(pat, name), reference([]rune(pat), []rune(name)); got != want {
			t.Fatalf("Fnmatch(%q, %q) = %v; reference %v", pat, name, got, want)
		}
	})
}
