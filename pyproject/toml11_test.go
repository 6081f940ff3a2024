package pyproject

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"

	"goflit/internal/testutil"
)

// toml11Cases are documents the TOML decoder accepts: want is "" when the
// document is TOML 1.0, else "line:col what".
var toml11Cases = []struct{ doc, want string }{
	{"a = {x = 1}\n", ""},
	{"a = {x = 1,}\n", "1:11 a trailing comma in an inline table"},
	{"a = {x = 1, }\n", "1:11 a trailing comma in an inline table"},
	{"a = {x = [1,], y = 2}\n", ""},
	{"a = {x = 1,\n y = 2}\n", "1:12 a line break inside an inline table"},
	{"a = {\nx = 1}\n", "1:6 a line break inside an inline table"},
	{"a = {x = 1, # c\n}\n", "1:16 a line break inside an inline table"},
	{"a = {x = [1,\n2], y = \"\"\"a\nb\"\"\"}\n", ""},
	{"h = [ {x=1}, # c\n {y=2},\n]\n", ""},
	{`a = "\e"` + "\n", `1:6 the \e escape`},
	{`a = "x\x41"` + "\n", `1:7 a \x escape`},
	{`a = """` + "\n" + `\x41"""` + "\n", `2:1 a \x escape`},
	{`a = "\\e"` + "\n", ""},
	{`a = 'a\e'` + "\n", ""},
	{"a = '''\\x'''\n", ""},
	{"a = 1979-05-27T07:32Z\n", "1:16 a time without seconds"},
	{"a = 1979-05-27 07:32\n", "1:16 a time without seconds"},
	{"a = 07:32\n", "1:5 a time without seconds"},
	{"a = 1979-05-27T07:32:00Z\nb = 00:00:00.5\nc = 1979-05-27\n", ""},
	{"a = 1979-05-27T07:32:00-07:00\nb = 1979-05-27T00:32:00.999999+07:00\nc = [1979-05-27 07:32:00+01:30]\n", ""},
	{"a = 1979-05-27T07:32-07:00\n", "1:16 a time without seconds"},
	{"a = \"07:32\" # 07:32 {\n", ""},
	{"a = \"\"\"x\\\n  y\"\"\"\nb = {c = 1,}\n", "3:11 a trailing comma in an inline table"},
	{"e = \"\"\"a\"\"\"\"\nf = '''a''''\ng = {x = 1}\n", ""},
	{"[a]\nb = 1_000\n[[c]]\nd = [\n  1,\n]\n", ""},
	{"[\"a]{\"]\nb = 1\n", ""},
}

func TestTOML11Syntax(t *testing.T) {
	for _, c := range toml11Cases {
		var m map[string]any
		if err := toml.Unmarshal([]byte(c.doc), &m); err != nil {
			t.Fatalf("decoder refuses %q: %v", c.doc, err)
		}
		got := ""
		if f := toml11Syntax([]byte(c.doc)); f != nil {
			got = fmt.Sprintf("%d:%d %s", f.Line, f.Col, f.What)
		}
		if got != c.want {
			t.Errorf("toml11Syntax(%q) = %q, want %q", c.doc, got, c.want)
		}
	}
}

// TestTOML11SyntaxPython checks the verdicts against Python's tomllib, which
// flit_core, pip and build use: a document is refused exactly when tomllib
// refuses it.
func TestTOML11SyntaxPython(t *testing.T) {
	py := testutil.PythonWith(t)
	var docs []string
	for _, c := range toml11Cases {
		docs = append(docs, c.doc)
	}
	var verdicts []bool
	testutil.PythonJSON(t, py, `
import json, sys, tomllib
out = []
for d in json.load(sys.stdin):
    try:
        tomllib.loads(d)
        out.append(True)
    except tomllib.TOMLDecodeError:
        out.append(False)
json.dump(out, sys.stdout)
`, docs, &verdicts)
	for i, c := range toml11Cases {
		if ours := toml11Syntax([]byte(c.doc)) == nil; ours != verdicts[i] {
			t.Errorf("%q: TOML 1.0 = %v here, tomllib says %v", c.doc, ours, verdicts[i])
		}
	}
}

// FuzzTOML11Syntax: on every document the decoder accepts, the scan never
// panics and points inside the document.
func FuzzTOML11Syntax(f *testing.F) {
	for _, c := range toml11Cases {
		f.Add([]byte(c.doc))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var m map[string]any
		if toml.Unmarshal(data, &m) != nil {
			return
		}
		fd := toml11Syntax(data)
		if fd == nil {
			return
		}
		lines := strings.Split(string(data), "\n")
		if fd.Line < 1 || fd.Line > len(lines) || fd.Col < 1 || fd.Col > len(lines[fd.Line-1])+1 {
			t.Fatalf("position %d:%d outside the document %q", fd.Line, fd.Col, data)
		}
	})
}
