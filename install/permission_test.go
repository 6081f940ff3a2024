package install

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoPermissionNamesTheFix: an environment the user may not write to
// (a system Python's site-packages without root, an immutable directory)
// fails with the path and what to do instead, on one line.
func TestNoPermissionNamesTheFix(t *testing.T) {
	// Root can write almost anywhere; sysfs refuses new directories to
	// everyone with EPERM.
	probe := filepath.Join("/sys", "goflit-permission-probe")
	if err := os.Mkdir(probe, 0o755); err == nil {
		os.Remove(probe)
		t.Skip("/sys accepts new directories here")
	} else if !errors.Is(err, fs.ErrPermission) {
		t.Skipf("no directory that refuses writes: %v", err)
	}
	root := t.TempDir()
	target := fakeTarget(t, root)
	target.Scheme.Purelib = filepath.Join("/sys", "goflit-site")
	target.Scheme.Platlib = target.Scheme.Purelib
	whl := makeWheel(t, t.TempDir(), "demo-1.0-py3-none-any.whl", []wheelFile{{name: "demo/__init__.py", data: "x = 1\n"}}, nil)
	_, err := InstallWheel(whl, target, Options{})
	if err == nil {
		t.Fatal("installed into /sys")
	}
	msg := err.Error()
	if !strings.Contains(msg, "/sys") || !strings.Contains(msg, "--user") || !strings.Contains(msg, "virtual environment") || strings.Contains(msg, "\n") {
		t.Errorf("error %q: want one line naming the directory and the fix (--user or a virtual environment)", msg)
	}
}
