package install

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"goflit/internal/python"
	"goflit/internal/testutil"
)

// flitWheel builds the project in src with Debian's flit_core and returns
// the wheel path.
func flitWheel(t *testing.T, src string) string {
	t.Helper()
	py := testutil.PythonWith(t, "flit_core")
	out := t.TempDir()
	cmd := exec.Command(py, "-m", "flit_core.wheel", "-o", out, src)
	cmd.Env = append(os.Environ(), "SOURCE_DATE_EPOCH=1700000000")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("flit_core.wheel: %v\n%s", err, b)
	}
	m, _ := filepath.Glob(filepath.Join(out, "*.whl"))
	if len(m) != 1 {
		t.Fatalf("expected one wheel in %s, got %v", out, m)
	}
	return m[0]
}

// newVenv makes a venv without pip (fast) at dir and returns its python.
func newVenv(t *testing.T, dir string, flags ...string) string {
	t.Helper()
	py := testutil.PythonWith(t, "venv")
	args := append([]string{"-m", "venv", "--without-pip"}, flags...)
	if b, err := exec.Command(py, append(args, dir)...).CombinedOutput(); err != nil {
		t.Fatalf("venv: %v\n%s", err, b)
	}
	return filepath.Join(dir, "bin", "python")
}

// venvTarget is the environment install target of py.
func venvTarget(t *testing.T, py string) *Target {
	t.Helper()
	info, err := python.Query(py)
	if err != nil {
		t.Fatal(err)
	}
	target, err := NewTarget(info, false)
	if err != nil {
		t.Fatal(err)
	}
	return target
}

// pip runs Debian's pip against the interpreter py (pip --python).
func pip(t *testing.T, py string, args ...string) string {
	t.Helper()
	deb := testutil.PythonWith(t, "pip")
	cmd := exec.Command(deb, append([]string{"-m", "pip", "--python", py, "--disable-pip-version-check", "--no-input"}, args...)...)
	cmd.Env = append(os.Environ(), "PIP_NO_INDEX=1")
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("pip %s: %v\n%s", strings.Join(args, " "), err, b)
	}
	return string(b)
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	return testutil.MustRun(t, "", nil, name, args...)
}

// tree lists dir: relative path -> "dir", "link -> target" or
// "file <mode> <sha256 prefix>".
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == "." {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			l, _ := os.Readlink(p)
			out[rel] = "link -> " + l
		case info.IsDir():
			out[rel] = "dir"
		default:
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			s := sha256.Sum256(data)
			out[rel] = fmt.Sprintf("file %v %s", info.Mode().Perm(), hex.EncodeToString(s[:8]))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// treeDiff describes the differences between two trees ("" if equal).
func treeDiff(a, b map[string]string) string {
	var lines []string
	for k, v := range a {
		if w, ok := b[k]; !ok {
			lines = append(lines, "- "+k+" ("+v+")")
		} else if w != v {
			lines = append(lines, "~ "+k+": "+v+" -> "+w)
		}
	}
	for k, v := range b {
		if _, ok := a[k]; !ok {
			lines = append(lines, "+ "+k+" ("+v+")")
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// wheelFile is one member of a hand-made wheel.
type wheelFile struct {
	name string
	data string
	mode fs.FileMode // 0 = 0644 regular file; fs.ModeSymlink for a symlink
}

// makeWheel writes a wheel to dir/name with the given members plus WHEEL,
// METADATA and a correct RECORD (unless the members include them).
// record, if non-nil, rewrites the RECORD text before it is stored.
func makeWheel(t *testing.T, dir, name string, files []wheelFile, record func(string) string) string {
	t.Helper()
	wn, err := ParseWheelName(name)
	if err != nil {
		t.Fatal(err)
	}
	di := wn.Distribution + "-" + wn.Version + ".dist-info"
	have := map[string]bool{}
	for _, f := range files {
		have[f.name] = true
	}
	if !have[di+"/WHEEL"] {
		files = append(files, wheelFile{name: di + "/WHEEL", data: "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"})
	}
	if !have[di+"/METADATA"] {
		files = append(files, wheelFile{name: di + "/METADATA", data: "Metadata-Version: 2.1\nName: " + wn.Distribution + "\nVersion: " + wn.Version + "\n"})
	}
	var rows []RecordRow
	for _, f := range files {
		rows = append(rows, RecordRow{Path: f.name, Hash: HashBytes([]byte(f.data)), Size: fmt.Sprint(len(f.data))})
	}
	rows = append(rows, RecordRow{Path: di + "/RECORD"})
	rec := string(WriteRecord(rows))
	if record != nil {
		rec = record(rec)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range append(files, wheelFile{name: di + "/RECORD", data: rec}) {
		h := &zip.FileHeader{Name: f.name, Method: zip.Deflate, CreatorVersion: 3 << 8}
		mode := f.mode
		if mode == 0 {
			mode = 0o644
		}
		h.SetMode(mode)
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(f.data))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
