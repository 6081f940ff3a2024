package build

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"goflit/archive"
)

func tarGz(t testing.TB, entries ...*archive.Entry) []byte {
	var buf bytes.Buffer
	w := archive.NewTarGz(&buf, archive.TarOptions{GzipName: "x.tar"})
	for _, e := range entries {
		if err := w.Add(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestUnpackRefusesUnsafeMembers(t *testing.T) {
	ts := time.Unix(1700000000, 0)
	for name, e := range map[string]*archive.Entry{
		"absolute":       {Name: "/etc/x", Data: []byte("x"), ModTime: ts},
		"dotdot":         {Name: "p-1/../../x", Data: []byte("x"), ModTime: ts},
		"link out":       {Name: "p-1/l", Linkname: "../../etc/passwd", ModTime: ts},
		"absolute link":  {Name: "p-1/l", Linkname: "/etc/passwd", ModTime: ts},
		"two top levels": {Name: "q-1/x", Data: []byte("x"), ModTime: ts},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			sd := filepath.Join(dir, "s.tar.gz")
			entries := []*archive.Entry{{Name: "p-1/ok", Data: []byte("ok"), ModTime: ts}, e}
			os.WriteFile(sd, tarGz(t, entries...), 0o644)
			dest := filepath.Join(dir, "dest")
			if _, err := Unpack(sd, dest); err == nil {
				t.Fatalf("Unpack accepted %s", e.Name)
			}
		})
	}
}

// A chain of symlinks, each harmless on its face, must not let a file land
// outside dest.
func TestUnpackRefusesSymlinkChains(t *testing.T) {
	ts := time.Unix(1700000000, 0)
	dir := t.TempDir()
	sd := filepath.Join(dir, "s.tar.gz")
	os.WriteFile(sd, tarGz(t,
		&archive.Entry{Name: "p-1/b/x", Data: []byte("x"), ModTime: ts},
		&archive.Entry{Name: "p-1/a", Linkname: "b/../..", ModTime: ts},
		&archive.Entry{Name: "p-1/c", Linkname: "a/..", ModTime: ts},
		&archive.Entry{Name: "p-1/c/evil", Data: []byte("x"), ModTime: ts},
	), 0o644)
	dest := filepath.Join(dir, "dest")
	if _, err := Unpack(sd, dest); err == nil {
		t.Error("Unpack followed a symlink chain out of dest")
	}
	if _, err := os.Stat(filepath.Join(dir, "evil")); err == nil {
		t.Error("evil written outside dest")
	}
}

func TestUnpackRestoresModesAndTimes(t *testing.T) {
	dir := t.TempDir()
	sd := filepath.Join(dir, "s.tar.gz")
	mt := time.Unix(1600000000, 250_000_000)
	big := bytes.Repeat([]byte("x"), 2<<20)
	os.WriteFile(sd, tarGz(t,
		&archive.Entry{Name: "p-1/a/run", Mode: 0o755, Data: []byte("#!"), ModTime: mt, FloatTime: true},
		&archive.Entry{Name: "p-1/big", Mode: 0o644, Data: big, ModTime: mt, FloatTime: true},
		&archive.Entry{Name: "p-1/a/link", Linkname: "run", ModTime: mt},
	), 0o644)
	top, err := Unpack(sd, filepath.Join(dir, "d"))
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(top, "a", "run"))
	if err != nil || fi.Mode().Perm() != 0o755 || !fi.ModTime().Equal(mt) {
		t.Errorf("a/run: %v %v %v", fi.Mode(), fi.ModTime(), err)
	}
	if fi, err := os.Stat(filepath.Join(top, "big")); err != nil || fi.Size() != int64(len(big)) {
		t.Errorf("big: %v", err)
	}
	if l, err := os.Readlink(filepath.Join(top, "a", "link")); err != nil || l != "run" {
		t.Errorf("link: %q %v", l, err)
	}
}

// FuzzUnpack: whatever the archive holds, Unpack writes nothing outside dest.
func FuzzUnpack(f *testing.F) {
	ts := time.Unix(1700000000, 0)
	f.Add(tarGz(f, &archive.Entry{Name: "p-1/a.py", Data: []byte("x"), ModTime: ts}, &archive.Entry{Name: "p-1/l", Linkname: "a.py", ModTime: ts}))
	f.Add(tarGz(f, &archive.Entry{Name: "p-1/../x", Data: []byte("x"), ModTime: ts}))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		sd := filepath.Join(dir, "s.tar.gz")
		os.WriteFile(sd, data, 0o644)
		dest := filepath.Join(dir, "dest")
		os.MkdirAll(dest, 0o755)
		Unpack(sd, dest)
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if e.Name() != "s.tar.gz" && e.Name() != "dest" {
				t.Fatalf("Unpack wrote %s outside dest", e.Name())
			}
		}
		filepath.Walk(dest, func(p string, info os.FileInfo, err error) error {
			if err == nil && info.Mode()&os.ModeSymlink != 0 {
				l, _ := os.Readlink(p)
				r := filepath.Clean(filepath.Join(filepath.Dir(p), l))
				if filepath.IsAbs(l) || !strings.HasPrefix(r, dest) {
					t.Fatalf("symlink %s -> %s escapes dest", p, l)
				}
			}
			return nil
		})
	})
}
