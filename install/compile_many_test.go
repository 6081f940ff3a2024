package install

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"goflit/internal/testutil"
)

// manyModules writes project NAME into DIR/NAME: a package of n one-line
// modules, and returns the project folder.
func manyModules(t *testing.T, dir, name string, n int) string {
	t.Helper()
	files := map[string]string{
		"pyproject.toml":      "[project]\nname = \"" + name + "\"\nversion = \"1\"\ndescription = \"many modules\"\n",
		name + "/__init__.py": "",
	}
	for i := 0; i < n; i++ {
		files[fmt.Sprintf("%s/m%d.py", name, i)] = fmt.Sprintf("X = %d\n", i)
	}
	proj := filepath.Join(dir, name)
	testutil.WriteFiles(t, proj, files)
	return proj
}

// startInstall starts `flit install --deps none` of proj into venv; done
// receives its exit once it ends, out collects its output.
func startInstall(t *testing.T, proj, venv string) (*exec.Cmd, *bytes.Buffer, <-chan error) {
	t.Helper()
	cmd := exec.Command(testutil.FlitBinary(t), "install", "--deps", "none", "--python", venv)
	cmd.Dir = proj
	cmd.Env = append(os.Environ(), rootOK...)
	out := &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	return cmd, out, done
}

// TestInstallManySmallModules: hundreds of tiny modules fill the compile
// workers' queue of sources in flight before their input buffer is full;
// the sources must still reach the interpreter (this once deadlocked:
// flit install hung forever, and Ctrl-C/SIGTERM could not end it).
func TestInstallManySmallModules(t *testing.T) {
	t.Parallel()
	work := t.TempDir()
	proj := manyModules(t, work, "many", 1500)
	venv := filepath.Join(work, "venv")
	newVenv(t, venv)

	cmd, out, done := startInstall(t, proj, venv)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("flit install: %v\n%s", err, out.String())
		}
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		<-done
		t.Fatalf("flit install of 1500 small modules did not finish in a minute (hung)\n%s", out.String())
	}
	site := venvTarget(t, filepath.Join(venv, "bin", "python")).Scheme.Purelib
	pycs, _ := filepath.Glob(filepath.Join(site, "many", "__pycache__", "*.pyc"))
	if len(pycs) != 1501 {
		t.Errorf("%d .pyc files, want 1501", len(pycs))
	}
}
