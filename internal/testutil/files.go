package testutil

import (
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// WriteFile writes content to path (mode 644), creating missing parent
// directories.
func WriteFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// WriteFiles writes a file tree under root: keys are slash-separated paths
// relative to root, values the contents.
func WriteFiles(t testing.TB, root string, files map[string]string) {
	t.Helper()
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		WriteFile(t, filepath.Join(root, filepath.FromSlash(name)), files[name])
	}
}

// ReadFile returns the content of path, failing the test if it cannot be read.
func ReadFile(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
