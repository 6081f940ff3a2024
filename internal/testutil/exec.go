package testutil

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Run runs name with args in dir (the test's working directory when dir is
// "") with env added to the test process's environment, and returns stdout
// and stderr interleaved as the command wrote them.
func Run(t testing.TB, dir string, env []string, name string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// MustRun is Run that fails the test, showing the output, unless the command
// succeeds; it returns the output.
func MustRun(t testing.TB, dir string, env []string, name string, args ...string) string {
	t.Helper()
	out, err := Run(t, dir, env, name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

// Result is what a finished command printed and its exit status.
type Result struct {
	Stdout, Stderr string
	Code           int
}

// Capture runs a prepared command (its Dir, Env and Stdin are the caller's)
// with stdout and stderr captured separately. A non-zero exit is reported in
// Code; a command that cannot be started fails the test.
func Capture(t testing.TB, cmd *exec.Cmd) Result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s: %v", strings.Join(cmd.Args, " "), err)
	}
	return Result{Stdout: stdout.String(), Stderr: stderr.String(), Code: code}
}

// PythonJSON runs `py -c script` with in encoded as JSON on stdin (nothing
// when in is nil) and env added to the environment, and decodes what the
// script prints on stdout as JSON into out. A failing script or output that
// is not JSON fails the test, showing stderr or the output.
func PythonJSON(t testing.TB, py, script string, in, out any, env ...string) {
	t.Helper()
	cmd := exec.Command(py, "-c", script)
	cmd.Env = append(os.Environ(), env...)
	if in != nil {
		data, err := json.Marshal(in)
		if err != nil {
			t.Fatalf("encoding the input of %s: %v", py, err)
		}
		cmd.Stdin = bytes.NewReader(data)
	}
	res := Capture(t, cmd)
	if res.Code != 0 {
		t.Fatalf("%s -c script: exit %d\n%s", py, res.Code, res.Stderr)
	}
	if err := json.Unmarshal([]byte(res.Stdout), out); err != nil {
		t.Fatalf("%s -c script printed no JSON (%v):\n%.2000s", py, err, res.Stdout)
	}
}

// Venv creates a virtual environment without pip (seeding pip takes seconds)
// in a fresh temporary directory with Debian's python3 (see PythonWith), and
// returns the path of its interpreter, VENV/bin/python. flags are extra
// `python3 -m venv` options such as --system-site-packages.
func Venv(t testing.TB, flags ...string) string {
	t.Helper()
	py := PythonWith(t, "venv")
	dir := filepath.Join(t.TempDir(), "venv")
	args := append([]string{"-m", "venv", "--without-pip"}, flags...)
	MustRun(t, "", nil, py, append(args, dir)...)
	return filepath.Join(dir, "bin", "python")
}
