package pysrc

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"goflit/internal/diag"
)

// TestNewerSyntax covers Python 3.12+ syntax that Debian's 3.11 cannot
// check for us: PEP 701 f-strings, PEP 695 type aliases, PEP 750
// t-strings.
func TestNewerSyntax(t *testing.T) {
	for name, src := range map[string]string{
		"pep701 same quotes": "'d'\nx = f\"{d[\"k\"]:>{w}} {'a' + \"b\"}\"\n__version__ = '1'\n",
		"pep701 multiline":   "'d'\nx = f'{\n  1 +\n  2}'\n__version__ = '1'\n",
		"pep701 comment":     "'d'\nx = f\"\"\"{ # it's a comment\n  1}\"\"\"\n__version__ = '1'\n",
		"pep701 backslash":   "'d'\nx = f\"{'\\n'.join(y)}\"\n__version__ = '1'\n",
		"type alias":         "'d'\ntype Alias[T] = list[T]\n__version__ = '1'\n",
		"t-string":           "'d'\nx = t\"{a[\"b\"]}\"\n__version__ = '1'\n",
		"t-string version":   "'d'\n__version__ = t'0'\n__version__ = '1'\n",
	} {
		info, err := ReadSource(name, []byte(src))
		if err != nil || info.Version != "1" || info.Doc != "d" {
			t.Errorf("%s: got %+v, %v", name, info, err)
		}
	}
}

// TestSyntaxErrors pins the messages and positions of errors.
func TestSyntaxErrors(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"x = 'abc\n", "f.py:1:5: invalid Python syntax: unterminated string literal (detected at line 1)"},
		{"x = '''abc\n\n", "f.py:1:5: invalid Python syntax: unterminated triple-quoted string literal (detected at line 3)"},
		{"x = (1,\n2\n", "f.py:1:5: invalid Python syntax: '(' was never closed"},
		{"x = [1)\n", "f.py:1:7: invalid Python syntax: closing parenthesis ')' does not match opening parenthesis '['"},
		{"  x = 1\n", "f.py:1:3: invalid Python syntax: unexpected indent"},
		{"if x:\nb = 2\n", "f.py:2:1: invalid Python syntax: expected an indented block after 'if' statement on line 1"},
		{"x = 1 $ 2\n", "f.py:1:7: invalid Python syntax: invalid character '$' (U+0024)"},
		{"x = '\\N{NOPE}'\n", `f.py:1:5: invalid Python syntax: (unicode error) 'unicodeescape' codec can't decode bytes: unknown Unicode character name "NOPE"`},
		{"# coding: klingon\n", `f.py: unsupported source encoding "klingon"`},
		{"'a' \xff\n", "f.py:1:5: invalid Python syntax: (unicode error) 'utf-8' codec can't decode byte 0xff"},
	} {
		_, err := ReadSource("f.py", []byte(c.src))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%q: error %v, want prefix %q", c.src, err, c.want)
			continue
		}
		var d diag.Diagnostic
		if errors.As(err, &d) && d.Line > 0 && d.Col > 0 && d.Caret() == "" {
			t.Errorf("%q: diagnostic without source line", c.src)
		}
	}
	if _, err := ReadSource("f.py", []byte("# coding: klingon\n")); !errors.Is(err, ErrUnsupportedEncoding) {
		t.Errorf("unknown encoding: %v is not ErrUnsupportedEncoding", err)
	}
}

func BenchmarkReadSource(b *testing.B) {
	data, err := os.ReadFile("/usr/lib/python3.11/typing.py")
	if err != nil {
		data, err = os.ReadFile(filepath.Join("read.go"))
		if err != nil {
			b.Skip(err)
		}
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		_, _ = ReadSource("typing.py", data)
	}
}
