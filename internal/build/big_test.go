package build_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"testing"

	"goflit/internal/build"
	"goflit/internal/testutil"
)

// TestBigProjectArchivesReadBack builds a project whose sdist spans several
// parallel-gzip blocks, then the wheel in the same process (as flit build
// does), and reads every member of both back: the wheel's entries must
// decompress to the source files. A pooled deflate writer that kept the
// gzip's block dictionary once made every such wheel unreadable.
func TestBigProjectArchivesReadBack(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"pyproject.toml":     "[build-system]\nrequires = [\"flit_core >=3.11,<5\"]\nbuild-backend = \"flit_core.buildapi\"\n\n[project]\nname = \"bigpkg\"\nversion = \"1.0\"\ndescription = \"big\"\n",
		"bigpkg/__init__.py": "\"\"\"big\"\"\"\n",
	}
	for i := 0; i < 60; i++ { // 60 modules of ~80 KiB: ~5 MiB, several gzip blocks
		var b bytes.Buffer
		for j := 0; b.Len() < 80<<10; j++ {
			fmt.Fprintf(&b, "def f_%d_%d(x):\n    return x * %d + %d\n\n", i, j, j, i)
		}
		files[fmt.Sprintf("bigpkg/m%02d.py", i)] = b.String()
	}
	testutil.WriteFiles(t, root, files)
	for round := 0; round < 2; round++ { // the second round reuses the pooled writers
		out := filepath.Join(root, fmt.Sprintf("dist%d", round))
		arts, err := build.Run(build.Request{ProjectFile: filepath.Join(root, "pyproject.toml"), OutDir: out,
			Getenv: func(k string) string {
				if k == "SOURCE_DATE_EPOCH" {
					return "1700000000"
				}
				return ""
			}})
		if err != nil {
			t.Fatal(err)
		}
		if len(arts) != 2 {
			t.Fatalf("built %d artifacts, want sdist and wheel", len(arts))
		}
		for _, a := range arts {
			members, err := readArchive(a.Path)
			if err != nil {
				t.Fatalf("round %d: %s does not read back: %v", round, a.Filename, err)
			}
			prefix := ""
			if filepath.Ext(a.Filename) == ".gz" {
				prefix = "bigpkg-1.0/"
			}
			for name, want := range files {
				if name == "pyproject.toml" && prefix == "" {
					continue
				}
				if got, ok := members[prefix+name]; !ok || string(got) != want {
					t.Errorf("round %d: %s: %s differs from the source (present: %v)", round, a.Filename, prefix+name, ok)
				}
			}
		}
	}
}
