package pyproject

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkLoad loads a static project with a large [tool.goflit] table
// (positions for every key and array element).
func BenchmarkLoad(b *testing.B) {
	dir := b.TempDir()
	var sb strings.Builder
	sb.WriteString("[project]\nname = \"big\"\nversion = \"1.0\"\ndescription = \"Big\"\ndependencies = [\n")
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&sb, "  \"dep%d >=1.%d\",\n", i, i)
	}
	sb.WriteString("]\n")
	for i := 0; i < 500; i++ {
		fmt.Fprintf(&sb, "[[tool.goflit.extension]]\nname = \"big.ext%d\"\nsources = [\"src/a%d.c\", \"src/b%d.c\"]\n", i, i, i)
	}
	if err := os.WriteFile(filepath.Join(dir, "pyproject.toml"), []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "big.py"), nil, 0o644); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, "pyproject.toml")
	b.ResetTimer()
	for b.Loop() {
		if _, err := Load(path, Options{NoImport: true}); err != nil {
			b.Fatal(err)
		}
	}
}
