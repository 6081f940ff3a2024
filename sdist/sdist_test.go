package sdist

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"goflit/internal/pyglob"
	"goflit/internal/testutil"
	"goflit/pyproject"
)

var globTree = []string{
	"a.py", "b.pyc", ".hidden.py", "README.md", "doc/index.rst", "doc/x.pyc", "doc/.dot/y.txt",
	"doc/sub/page.md", "doc/sub/deep/p.md", "pkg/__init__.py", "pkg/__pycache__/m.cpython-311.pyc",
	"pkg/data/[x].txt", "tests/test_a.py", "tests/.h/test_b.py", "LICENSE-MIT", "LICENCE.txt",
}

var globPatterns = []string{
	"*", "*.py", "**", "**/*.py", "**.pyc", "**/__pycache__", "doc", "doc/*", "doc/**", "doc/**/*.md",
	"doc/*.txt", ".*", "*/.*", "LICEN[CS]E*", "LICEN[!C]E*", "[a-c].py", "?.py", "pkg/data/[[]x].txt",
	"pkg/*/", "tests/**/test_*.py", "**/deep", "nothing/*", "doc/sub/../index.rst", "[", "pkg/data/[x]*",
	"**/", "*/*/", "doc/**/", "a.py/x",
}

func makeTree(t *testing.T) string {
	dir := t.TempDir()
	for _, f := range globTree {
		p := filepath.Join(dir, filepath.FromSlash(f))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, nil, 0o644)
	}
	return dir
}

// Glob matches Python's glob.glob(..., recursive=True) on a fixture tree.
func TestGlobMatchesPython(t *testing.T) {
	py := testutil.PythonWith(t)
	dir := makeTree(t)
	script := `
import glob, json, os, sys
root = sys.argv[1]
out = {}
for p in json.loads(sys.argv[2]):
    res = set()
    for m in glob.glob(os.path.join(root, p), recursive=True):
        r = os.path.relpath(m, root)
        res.add(r)
    out[p] = sorted(res)
print(json.dumps(out))
`
	js, _ := json.Marshal(globPatterns)
	out, err := exec.Command(py, "-c", script, dir, string(js)).Output()
	if err != nil {
		t.Fatal(err)
	}
	var want map[string][]string
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	for _, p := range globPatterns {
		got := Glob(dir, p)
		if strings.Join(got, " ") != strings.Join(want[p], " ") {
			t.Errorf("Glob(%q)\n got %q\nwant %q", p, got, want[p])
		}
	}
}

func TestFnmatch(t *testing.T) {
	for _, c := range []struct {
		pat, name string
		want      bool
	}{
		{"*.py", "a.py", true}, {"*.py", "a.pyc", false}, {"a?c", "abc", true}, {"[a-c]x", "bx", true},
		{"[!a-c]x", "bx", false}, {"[!a-c]x", "dx", true}, {"[]]", "]", true}, {"[", "[", true},
		{"[a", "[a", true}, {"**.pyc", "x.pyc", true}, {"*", "", true}, {"?", "", false}, {"[é]", "é", true},
	} {
		if got := pyglob.Fnmatch(c.pat, c.name); got != c.want {
			t.Errorf("fnmatch(%q, %q) = %v", c.pat, c.name, got)
		}
	}
}

// FuzzGlob: any pattern terminates, and every result exists under root
// and is a clean relative path.
func FuzzGlob(f *testing.F) {
	for _, p := range globPatterns {
		f.Add(p)
	}
	root, err := os.MkdirTemp("", "goflit-fuzzglob-")
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { os.RemoveAll(root) })
	for _, n := range globTree {
		p := filepath.Join(root, filepath.FromSlash(n))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, nil, 0o644)
	}
	f.Fuzz(func(t *testing.T, pat string) {
		if strings.HasPrefix(pat, "/") || strings.Contains(pat, "..") || strings.ContainsRune(pat, 0) || len(pat) > 64 {
			return
		}
		for _, m := range Glob(root, pat) {
			if filepath.IsAbs(m) || strings.HasPrefix(m, "../") || m != filepath.ToSlash(filepath.Clean(m)) {
				t.Fatalf("Glob(%q) gave %q", pat, m)
			}
			// Python's glob yields "dir/" for "dir/**" even when dir does not
			// exist; Glob does the same, so only other results must exist.
			if _, err := os.Lstat(filepath.Join(root, m)); err != nil && !strings.Contains(pat, "**") {
				t.Fatalf("Glob(%q) gave %q, which does not exist", pat, m)
			}
		}
	})
}

func load(t *testing.T, toml string, files ...string) *pyproject.Project {
	t.Helper()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "pyproject.toml"), []byte(toml), 0o644)
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(f), 0o644)
	}
	p, err := pyproject.Load(filepath.Join(dir, "pyproject.toml"), pyproject.Options{NoImport: true})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The selection report says why each file is in and which pattern
// excluded the others.
func TestSelectReasons(t *testing.T) {
	p := load(t, `[project]
name = "sel"
version = "1"
description = "x"
[tool.flit.sdist]
include = ["docs"]
exclude = ["docs/*.tmp"]
`, "sel/__init__.py", "docs/a.rst", "docs/b.tmp", "x.pyc")
	sel, err := Select(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range sel.Files {
		got = append(got, f+" <- "+sel.Reason[f])
	}
	want := "docs/a.rst <- include docs|pyproject.toml <- referenced by pyproject.toml|sel/__init__.py <- module"
	if strings.Join(got, "|") != want {
		t.Errorf("selection\n got %s\nwant %s", strings.Join(got, "|"), want)
	}
	if sel.Dropped["docs/b.tmp"] != "docs/*.tmp" {
		t.Errorf("Dropped = %v", sel.Dropped)
	}
}

// The crucial-files error lists every missing file, sorted, in flit's words.
func TestCrucialFiles(t *testing.T) {
	p := load(t, `[project]
name = "cru"
version = "1"
description = "x"
readme = "README.md"
license = {file = "LICENSE"}
[tool.flit.sdist]
exclude = ["LICENSE", "README.md", "cru/__init__.py"]
`, "cru/__init__.py", "README.md", "LICENSE")
	_, err := Select(p, Options{})
	var ce *CrucialError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v", err)
	}
	if want := "Crucial files were excluded from the sdist: LICENSE, README.md, cru/__init__.py (" +
		"LICENSE matches the [tool.flit.sdist] exclude pattern 'LICENSE': remove that pattern; " +
		"README.md matches the [tool.flit.sdist] exclude pattern 'README.md': remove that pattern; " +
		"cru/__init__.py matches the [tool.flit.sdist] exclude pattern 'cru/__init__.py': remove that pattern)"; err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
}

// A package folder without __init__.py: flit says the module file was
// "excluded"; goflit says it does not exist.
func TestCrucialFileAbsent(t *testing.T) {
	p := load(t, `[project]
name = "cru"
version = "1"
description = "x"
`, "cru/data.txt")
	_, err := Select(p, Options{})
	if want := "Crucial files were excluded from the sdist: cru/__init__.py (cru/__init__.py does not exist: create it)"; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
}

// --use-vcs in a git checkout without a git command says so and how to
// get on, instead of Go's "exec: \"git\": executable file not found".
func TestUseVCSWithoutGit(t *testing.T) {
	p := load(t, `[project]
name = "novcs"
version = "1"
description = "x"
`, "novcs.py", ".git/HEAD")
	t.Setenv("PATH", t.TempDir())
	_, err := Select(p, Options{UseVCS: true})
	want := "--use-vcs: " + p.Root + " is in a git checkout, but there is no git command on PATH: install git, or build without --use-vcs"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
}
