package pyproject

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestPositions checks the key paths and line:col recorded for tables,
// dotted keys, inline tables, arrays and arrays of tables.
func TestPositions(t *testing.T) {
	src := `[project]
name = "pkg"
urls.Home = "https://example.com"
authors = [{name = "A"}, {name = "B", email = "b@example.com"}]
dependencies = [
  "a",   # comment
  "b",
]

[[tool.goflit.extension]]
name = "one"
sources = ["a.c"]

[[tool.goflit.extension]]
name = "two"

[[tool.goflit.extension.macro]]
define = "X"

[tool."quoted.key"]
"a.b" = 1
`
	doc, d := decodeTOML("pyproject.toml", []byte(src))
	if d != nil {
		t.Fatal(d.Error())
	}
	var lines []string
	for k, l := range doc.locs {
		lines = append(lines, fmt.Sprintf("%s key=%d:%d val=%d:%d", k, l.key.Line, l.key.Col, l.val.Line, l.val.Col))
	}
	sort.Strings(lines)
	got := strings.Join(lines, "\n")
	want := `project key=1:2 val=0:0
project.authors key=4:1 val=4:11
project.authors.0 key=4:12 val=4:12
project.authors.0.name key=4:13 val=4:20
project.authors.1 key=4:26 val=4:26
project.authors.1.email key=4:39 val=4:47
project.authors.1.name key=4:27 val=4:34
project.dependencies key=5:1 val=5:16
project.dependencies.0 key=6:3 val=6:3
project.dependencies.1 key=7:3 val=7:3
project.name key=2:1 val=2:8
project.urls key=3:1 val=0:0
project.urls.Home key=3:6 val=3:13
tool key=10:3 val=0:0
tool.goflit key=10:8 val=0:0
tool.goflit.extension key=10:15 val=0:0
tool.goflit.extension.0 key=10:15 val=10:15
tool.goflit.extension.0.name key=11:1 val=11:8
tool.goflit.extension.0.sources key=12:1 val=12:11
tool.goflit.extension.0.sources.0 key=12:12 val=12:12
tool.goflit.extension.1 key=14:15 val=14:15
tool.goflit.extension.1.macro key=17:25 val=0:0
tool.goflit.extension.1.macro.0 key=17:25 val=17:25
tool.goflit.extension.1.macro.0.define key=18:1 val=18:10
tool.goflit.extension.1.name key=15:1 val=15:8
tool.quoted.key key=20:7 val=0:0
tool.quoted.key.a.b key=21:1 val=21:9`
	if got != want {
		t.Errorf("positions:\n%s", got)
	}
}

// TestLoadFromSubdirectory checks that paths in messages are shown relative
// to the working directory, as the user named pyproject.toml.
func TestLoadFromSubdirectory(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "proj")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	toml := "[project]\nname = \"pkg\"\nversion = \"1\"\ndescription = \"x\"\nreadme = \"README.md\"\n"
	if err := os.WriteFile(filepath.Join(sub, "pyproject.toml"), []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	_, err := Load("proj/pyproject.toml", Options{})
	want := "proj/pyproject.toml:5:10: Description file proj/README.md does not exist\n    readme = \"README.md\"\n             ^\n"
	if err == nil || render(err) != want {
		t.Errorf("got:\n%v\nwant:\n%s", err, want)
	}
}
