package pystr

import (
	"strings"
	"testing"
	"unicode/utf8"

	"goflit/internal/testutil"
)

// reprCases holds Python's repr() of each input, as printed by CPython 3.11.
var reprCases = []struct{ in, want string }{
	{"", "''"},
	{"abc", "'abc'"},
	{"it's", `"it's"`},
	{`say "hi"`, `'say "hi"'`},
	{`a'b"c`, `'a\'b"c'`},
	{`C:\x`, `'C:\\x'`},
	{"a\nb\rc\td", `'a\nb\rc\td'`},
	{"a\nb\x01", `'a\nb\x01'`},
	{"\x00\x01\x1f\x7f", `'\x00\x01\x1f\x7f'`},
	{"\u0085\u00a0\u00ad", `'\x85\xa0\xad'`},
	{"é ü ß ÿ", "'é ü ß ÿ'"},
	{"\u200b\u2028\ufeff", `'\u200b\u2028\ufeff'`},
	{"日本語 λ", "'日本語 λ'"},
	{"\U0001F600", "'\U0001F600'"},
	{"\U000e0001\U000f0000", `'\U000e0001\U000f0000'`},
	{"\v\f", `'\x0b\x0c'`},
	{"\\'\"", `'\\\'"'`},
}

func TestRepr(t *testing.T) {
	for _, tt := range reprCases {
		if got := Repr(tt.in); got != tt.want {
			t.Errorf("Repr(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// TestReprInvalidUTF8 covers what Python cannot express: each byte that is
// not UTF-8 is shown as \xNN, and valid runes around it are kept.
func TestReprInvalidUTF8(t *testing.T) {
	tests := []struct{ in, want string }{
		{"\xff", `'\xff'`},
		{"a\xc3(b", `'a\xc3(b'`},
		{"é\x80", `'é\x80'`},
	}
	for _, tt := range tests {
		if got := Repr(tt.in); got != tt.want {
			t.Errorf("Repr(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

var lowerCases = []struct{ in, want string }{
	{"", ""},
	{"MIT", "mit"},
	{"Apache-2.0", "apache-2.0"},
	{"ÀÉÎ", "àéî"},
	{"\u0130stanbul", "i\u0307stanbul"},
	{"ǅ", "ǆ"},
	{"ẞ", "ß"},
	{"K", "k"}, // Kelvin sign
}

func TestLower(t *testing.T) {
	for _, tt := range lowerCases {
		if got := Lower(tt.in); got != tt.want {
			t.Errorf("Lower(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestIsSpace(t *testing.T) {
	for _, r := range " \t\n\v\f\r\x1c\x1d\x1e\x1f\u0085\u00a0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000" {
		if !IsSpace(r) {
			t.Errorf("IsSpace(%U) = false, want true", r)
		}
	}
	for _, r := range "a0_\x00\x1b\u200b\ufeff\u180e" {
		if IsSpace(r) {
			t.Errorf("IsSpace(%U) = true, want false", r)
		}
	}
	if got := TrimSpace("\x1c\u3000 x y\t\n"); got != "x y" {
		t.Errorf("TrimSpace = %q, want %q", got, "x y")
	}
}

// TestAgainstPython asks Debian's python3 for repr(), lower() and isspace()
// of the table inputs plus every code point below U+3100, and compares.
func TestAgainstPython(t *testing.T) {
	py := testutil.PythonWith(t)
	var inputs []string
	for _, tt := range reprCases {
		inputs = append(inputs, tt.in)
	}
	for _, tt := range lowerCases {
		inputs = append(inputs, tt.in)
	}
	// Single characters only: Python's lower() has a context-dependent final
	// sigma rule that Lower (like every caller's use) does not need.
	for r := rune(0); r < 0x3100; r++ {
		if utf8.ValidRune(r) {
			inputs = append(inputs, string(r))
		}
	}
	const script = `import json, sys
print(json.dumps([[repr(s), s.lower(), s.isspace()] for s in json.load(sys.stdin)]))`
	var rows [][]any
	testutil.PythonJSON(t, py, script, inputs, &rows)
	if len(rows) != len(inputs) {
		t.Fatalf("python answered %d rows for %d inputs", len(rows), len(inputs))
	}
	bad := 0
	for i, row := range rows {
		if len(row) != 3 {
			t.Fatalf("python row %d: %v", i, row)
		}
		repr, _ := row[0].(string)
		lower, _ := row[1].(string)
		space, _ := row[2].(bool)
		s := inputs[i]
		if r := Repr(s); r != repr && !unicodeVersionGap(s) {
			t.Errorf("Repr(%q) = %s, Python gives %s", s, r, repr)
			bad++
		}
		if l := Lower(s); l != lower && !unicodeVersionGap(s) {
			t.Errorf("Lower(%q) = %q, Python gives %q", s, l, lower)
			bad++
		}
		if utf8.RuneCountInString(s) == 1 {
			r, _ := utf8.DecodeRuneInString(s)
			if IsSpace(r) != space {
				t.Errorf("IsSpace(%U) = %v, Python gives %v", r, IsSpace(r), space)
				bad++
			}
		}
		if bad > 20 {
			t.Fatal("too many differences")
		}
	}
}

// unicodeVersionGap reports characters whose Unicode data changed between
// Python 3.11's database (Unicode 14.0) and Go's; there repr() and lower()
// legitimately differ.
func unicodeVersionGap(s string) bool {
	return s == "\u0cf3" || s == "\u0ece" // assigned in Unicode 15.0
}

// FuzzRepr checks what any repr() output satisfies: valid UTF-8, quoted with
// one quote character at both ends, no raw control characters, and every
// backslash starting a known escape.
func FuzzRepr(f *testing.F) {
	for _, tt := range reprCases {
		f.Add(tt.in)
	}
	f.Add("a\xffb")
	f.Fuzz(func(t *testing.T, s string) {
		r := Repr(s)
		if !utf8.ValidString(r) || len(r) < 2 || r[0] != r[len(r)-1] || (r[0] != '\'' && r[0] != '"') {
			t.Fatalf("Repr(%q) = %q: not a quoted UTF-8 string", s, r)
		}
		body := r[1 : len(r)-1]
		for i := 0; i < len(body); i++ {
			c := body[i]
			if c < 0x20 || c == 0x7f {
				t.Fatalf("Repr(%q) = %q: raw control byte", s, r)
			}
			if c == r[0] {
				t.Fatalf("Repr(%q) = %q: unescaped quote", s, r)
			}
			if c == '\\' {
				i++
				if i == len(body) || !strings.ContainsRune("\\'\"nrtxuU", rune(body[i])) {
					t.Fatalf("Repr(%q) = %q: bad escape", s, r)
				}
			}
		}
	})
}
