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

// TestInstallManySmallModules: hundreds of tiny modules fill the compile
// workers' queue of sources in flight before their input buffer is full;
// the sources must still reach the interpreter (this once deadlocked:
// flit install hung forever, and Ctrl-C/SIGTERM could not end it).
func TestInstallManySmallModules(t *testing.T) {
	t.Parallel()
	work := t.TempDir()
	proj := filepath.Join(work, "many")
	files := map[string]string{
		"pyproject.toml":   "[project]\nname = \"many\"\nversion = \"1\"\ndescription = \"many modules\"\n",
		"many/__init__.py": "",
	}
	for i := 0; i < 1500; i++ {
		files[fmt.Sprintf("many/m%d.py", i)] = fmt.Sprintf("X = %d\n", i)
	}
	testutil.WriteFiles(t, proj, files)
	venv := filepath.Join(work, "venv")
	newVenv(t, venv)

	cmd := exec.Command(testutil.FlitBinary(t), "install", "--deps", "none", "--python", venv)
	cmd.Dir = proj
	cmd.Env = append(os.Environ(), rootOK...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
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
