package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		perm os.FileMode
		data string
	}{
		{"new.txt", 0o644, "hello\n"},
		{"new.txt", 0o600, "replaced, private"},
		{"empty", 0o755, ""},
	}
	for _, tt := range tests {
		p := filepath.Join(dir, tt.name)
		if err := WriteFile(p, []byte(tt.data), tt.perm); err != nil {
			t.Fatalf("WriteFile(%s): %v", tt.name, err)
		}
		got, err := os.ReadFile(p)
		if err != nil || string(got) != tt.data {
			t.Errorf("%s = %q, %v; want %q", tt.name, got, err, tt.data)
		}
		if fi, _ := os.Stat(p); fi.Mode().Perm() != tt.perm {
			t.Errorf("%s mode %v, want %v", tt.name, fi.Mode().Perm(), tt.perm)
		}
	}
	assertOnly(t, dir, "empty", "new.txt")
}

func TestWriteFailureLeavesTarget(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "keep.txt")
	if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := Write(p, 0o644, func(w io.Writer) error {
		io.WriteString(w, "half of the new con")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Write = %v, want the writer's error", err)
	}
	if got, _ := os.ReadFile(p); string(got) != "old" {
		t.Errorf("target changed to %q", got)
	}
	assertOnly(t, dir, "keep.txt")
}

func TestWriteMissingDir(t *testing.T) {
	p := filepath.Join(t.TempDir(), "no", "such", "f")
	err := WriteFile(p, []byte("x"), 0o644)
	if err == nil || !strings.Contains(err.Error(), filepath.Dir(p)) {
		t.Errorf("WriteFile into a missing directory: %v (want an error naming it)", err)
	}
}

func TestWriteOverDirectory(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "sub")
	if err := os.MkdirAll(filepath.Join(p, "child"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(p, []byte("x"), 0o644); err == nil {
		t.Fatal("WriteFile over a non-empty directory succeeded")
	}
	assertOnly(t, dir, "sub")
}

// assertOnly checks that dir holds exactly the named entries (no temporary
// files left behind).
func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if strings.Join(got, " ") != strings.Join(names, " ") {
		t.Errorf("%s holds %v, want %v", dir, got, names)
	}
}
