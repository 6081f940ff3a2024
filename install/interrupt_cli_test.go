package install

import (
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestCLIInterruptExitCode: Ctrl-C (SIGINT) or SIGTERM during flit install
// rolls back and exits as a shell reports a process killed by that signal
// (130, 143), like every other goflit command; the environment is as it
// was.
func TestCLIInterruptExitCode(t *testing.T) {
	t.Parallel()
	work := t.TempDir()
	proj := manyModules(t, work, "slow", 3000)
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		venv := filepath.Join(work, "venv-"+tc.sig.String())
		newVenv(t, venv)
		before := tree(t, venv)
		cmd, out, done := startInstall(t, proj, venv)
		// Signal once files are being staged (the handler is installed by
		// then; earlier, the default action would simply kill flit).
		site := filepath.Join(venv, "lib", "python3*", "site-packages", ".goflit-stage-*")
		var err error
		finished := false
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
			if m, _ := filepath.Glob(site); len(m) > 0 {
				break
			}
			select {
			case err = <-done:
				finished = true
			default:
			}
			if finished {
				break
			}
		}
		if finished {
			t.Skipf("the install finished before staging was seen (%v):\n%s", err, out.String())
		}
		cmd.Process.Signal(tc.sig)
		select {
		case err = <-done:
		case <-time.After(time.Minute):
			cmd.Process.Kill()
			<-done
			t.Fatalf("%v: flit install did not stop\n%s", tc.sig, out.String())
		}
		if err == nil {
			t.Skipf("the install finished before the signal arrived:\n%s", out.String())
		}
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != tc.code {
			t.Errorf("%v: %v, want exit status %d\n%s", tc.sig, err, tc.code, out.String())
		}
		if !strings.Contains(out.String(), "nothing was installed") {
			t.Errorf("%v: output %q does not say nothing was installed", tc.sig, out.String())
		}
		if d := treeDiff(before, tree(t, venv)); d != "" {
			t.Errorf("%v: the environment changed:\n%s", tc.sig, d)
		}
	}
}
