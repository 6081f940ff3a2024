package pyproject

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to Load as pyproject.toml (next to a small
// module) and requires that it never panics and always returns either a
// project or diagnostics.
func FuzzLoad(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/bad/*.toml")
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("[project]\nname = \"pkg\"\ndynamic = [\"version\", \"description\"]\n"))
	f.Add([]byte("[build-system]\nrequires = [\"flit_core<4\"]\n[tool.flit.metadata]\nmodule = \"pkg\"\nauthor = \"x\"\n[tool.flit.entrypoints.a.b]\nc = \"d\"\n"))
	f.Add([]byte("[[a.b]]\n[[a.b.c]]\nx = [1, [2, {y = 3}]]\n[[a.b]]\n"))
	dir := f.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "pkg.py"), []byte("\"\"\"Doc.\"\"\"\n__version__ = '1.0'\n"), 0o644); err != nil {
		f.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "LICENSE"), []byte("x"), 0o644); err != nil {
		f.Fatal(err)
	}
	path := filepath.Join(dir, "pyproject.toml")
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		p, err := Load(path, Options{NoImport: true, Getenv: func(string) string { return "" }})
		if (p == nil) == (err == nil) {
			t.Fatalf("Load returned project %v and error %v", p != nil, err)
		}
		if p != nil {
			_ = p.Metadata.Bytes()
		}
	})
}
