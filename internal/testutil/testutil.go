// Package testutil holds helpers shared by tests: golden files with an
// -update switch, access to the real peers (Debian's python3 and its
// packages), and a flit binary built once per test process; running commands
// (Run, MustRun, Capture), Python scripts that answer in JSON (PythonJSON) and
// fresh venvs (Venv); file trees (WriteFile, WriteFiles, ReadFile); a
// recording diag.Logger (Log); and differential-test corpora (Mutate,
// ReplayCases).
//
// Peers: when CI=true a missing peer fails the test loudly; elsewhere the
// test is skipped with a message saying what to install (scripts/test.sh
// installs everything).
package testutil

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Update is the -update flag: rewrite golden files instead of comparing.
var Update = flag.Bool("update", false, "rewrite golden files")

// Golden compares got with the file at path, or rewrites it under -update.
func Golden(t testing.TB, path string, got []byte) {
	t.Helper()
	if *Update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden file missing (run go test -update): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run go test -update to accept):\n%s", path, Diff(string(want), string(got)))
	}
}

// Diff is a small line diff for test failure messages.
func Diff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	n := max(len(wl), len(gl))
	shown := 0
	for i := 0; i < n && shown < 40; i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			b.WriteString("  line " + itoa(i+1) + ":\n    - " + w + "\n    + " + g + "\n")
			shown++
		}
	}
	return b.String()
}

func itoa(i int) string { return strconv.Itoa(i) }

// InCI reports whether the tests run in CI (CI=true), where peers must exist.
func InCI() bool { return os.Getenv("CI") == "true" }

// NeedPeer fails (CI) or skips (elsewhere) the test when ok is false.
func NeedPeer(t testing.TB, ok bool, what, install string) {
	t.Helper()
	if ok {
		return
	}
	if InCI() {
		t.Fatalf("peer missing in CI: %s (install: %s; scripts/test.sh does this)", what, install)
	}
	t.Skipf("peer missing: %s (install: %s, or run scripts/test.sh)", what, install)
}

// DebianPython is the path of Debian's python3, the interpreter that sees the
// Debian packages flit, build, twine, installer, packaging and pip.
const DebianPython = "/usr/bin/python3"

var modCache sync.Map

// PythonWith returns DebianPython after checking that it can import every
// named module (e.g. "flit_core", "build", "twine"); see NeedPeer.
func PythonWith(t testing.TB, modules ...string) string {
	t.Helper()
	_, err := os.Stat(DebianPython)
	NeedPeer(t, err == nil, DebianPython, "apt-get install python3")
	for _, m := range modules {
		ok, seen := modCache.Load(m)
		if !seen {
			err := exec.Command(DebianPython, "-c", "import "+m).Run()
			ok = err == nil
			modCache.Store(m, ok)
		}
		NeedPeer(t, ok.(bool), "python3 module "+m, "apt-get install "+debianPackage(m))
	}
	return DebianPython
}

func debianPackage(module string) string {
	switch module {
	case "flit_core", "flit":
		return "flit"
	case "venv", "ensurepip":
		return "python3-venv"
	case "pip":
		return "python3-pip"
	case "twine":
		return "twine"
	default:
		return "python3-" + module
	}
}

// NeedCommand returns the path of an executable, see NeedPeer.
func NeedCommand(t testing.TB, name, install string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	NeedPeer(t, err == nil, name, install)
	return p
}

// ModuleRoot is the absolute path of the goflit repository.
func ModuleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	buildOut  []byte
)

// FlitBinary builds cmd/flit once per test process and returns its path.
func FlitBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "goflit-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "flit")
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/flit")
		cmd.Dir = ModuleRoot()
		buildOut, buildErr = cmd.CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("building flit: %v\n%s", buildErr, buildOut)
	}
	return binPath
}

// CopyDir copies a directory tree (files and dirs; symlinks are recreated).
func CopyDir(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		switch {
		case info.Mode()&os.ModeSymlink != 0:
			l, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(l, target)
		case info.IsDir():
			return os.MkdirAll(target, 0o755)
		default:
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(target, data, info.Mode().Perm())
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}
