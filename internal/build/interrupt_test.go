//go:build unix

package build_test

import (
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"goflit/internal/build"
	"goflit/internal/testutil"
)

// TestDistOnAnotherFileSystem: dist/ is a symlink to a directory on
// another file system (/dev/shm); the artifacts are staged there, so the
// final renames do not fail with "invalid cross-device link".
func TestDistOnAnotherFileSystem(t *testing.T) {
	dir := t.TempDir()
	var shmStat, dirStat syscall.Stat_t
	if syscall.Stat("/dev/shm", &shmStat) != nil || syscall.Stat(dir, &dirStat) != nil || shmStat.Dev == dirStat.Dev {
		t.Skip("needs /dev/shm on another file system than the temporary directory")
	}
	target, err := os.MkdirTemp("/dev/shm", "goflit-test-dist-")
	if err != nil {
		t.Skip(err)
	}
	t.Cleanup(func() { os.RemoveAll(target) })
	testutil.WriteFiles(t, dir, map[string]string{
		"pyproject.toml": "[project]\nname = \"shm\"\nversion = \"1\"\ndescription = \"x\"\n",
		"shm.py":         "x = 1\n",
	})
	if err := os.Symlink(target, filepath.Join(dir, "dist")); err != nil {
		t.Fatal(err)
	}
	arts, err := build.Run(build.Request{ProjectFile: filepath.Join(dir, "pyproject.toml"), Getenv: envWith()})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range arts {
		if filepath.Dir(a.Path) != filepath.Join(dir, "dist") {
			t.Errorf("artifact path %s is not in %s/dist", a.Path, dir)
		}
	}
	entries, _ := os.ReadDir(target)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if got, want := strings.Join(names, " "), "shm-1-py2.py3-none-any.whl shm-1.tar.gz"; got != want {
		t.Errorf("%s holds %q; want %q", target, got, want)
	}
}

// TestInterruptRemovesStaging runs the flit binary on a big project and
// sends SIGINT (then, in a second run, SIGTERM) once the staging
// directory exists: it exits 130 (143), and neither dist/ (which the
// build created) nor an unpacked sdist is left behind.
func TestInterruptRemovesStaging(t *testing.T) {
	flit := testutil.FlitBinary(t)
	dir := t.TempDir()
	testutil.WriteFile(t, filepath.Join(dir, "pyproject.toml"), "[project]\nname = \"big\"\nversion = \"1\"\ndescription = \"x\"\n")
	// 48 MiB of incompressible data: seconds of work to interrupt.
	blob := make([]byte, 256<<10)
	for i := range 192 {
		rand.Read(blob)
		testutil.WriteFile(t, filepath.Join(dir, "big", fmt.Sprintf("data%03d.bin", i)), string(blob))
	}
	testutil.WriteFile(t, filepath.Join(dir, "big", "__init__.py"), "x = 1\n")
	for _, c := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		tmp := t.TempDir()
		cmd := exec.Command(flit, "build")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "TMPDIR="+tmp, "FLIT_INSTALL_PYTHON=/nonexistent")
		out, err := os.Create(filepath.Join(tmp, "..", "out-"+c.sig.String()))
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		waited := make(chan error, 1)
		go func() { waited <- cmd.Wait() }()
		var finished error
		finishedEarly := false
	poll:
		for {
			select {
			case finished = <-waited:
				finishedEarly = true
				break poll
			default:
			}
			if m, _ := filepath.Glob(filepath.Join(dir, "dist", ".goflit-build-*")); len(m) > 0 {
				break
			}
			time.Sleep(time.Millisecond)
		}
		if finishedEarly {
			out.Close()
			log, _ := os.ReadFile(out.Name())
			t.Fatalf("%v: flit build finished (%v) before its staging directory was seen:\n%s", c.sig, finished, log)
		}
		cmd.Process.Signal(c.sig)
		err = <-waited
		out.Close()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != c.code {
			log, _ := os.ReadFile(out.Name())
			t.Errorf("%v: flit build ended with %v; want exit status %d\n%s", c.sig, err, c.code, log)
		}
		if _, err := os.Stat(filepath.Join(dir, "dist")); !errors.Is(err, os.ErrNotExist) {
			left, _ := filepath.Glob(filepath.Join(dir, "dist", "*"))
			hidden, _ := filepath.Glob(filepath.Join(dir, "dist", ".*"))
			t.Errorf("%v: dist/ is left behind (stat: %v) with %v", c.sig, err, append(left, hidden...))
		}
		if left, _ := os.ReadDir(tmp); len(left) > 0 {
			t.Errorf("%v: %s holds %d entries, e.g. %s", c.sig, tmp, len(left), left[0].Name())
		}
	}
}
