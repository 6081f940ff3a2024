package install

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"goflit/internal/testutil"
)

// flit runs the goflit binary in dir with extra environment variables and
// returns stdout, stderr and the exit code.
func flit(t *testing.T, dir string, env []string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(testutil.FlitBinary(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	res := testutil.Capture(t, cmd)
	return res.Stdout, res.Stderr, res.Code
}

func mustFlit(t *testing.T, dir string, env []string, args ...string) string {
	t.Helper()
	out, errOut, code := flit(t, dir, env, args...)
	if code != 0 {
		t.Fatalf("flit %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	return errOut
}

var rootOK = []string{"FLIT_ROOT_INSTALL=1"}

// TestCLIInstallModes: `flit install` (built natively), then --pth-file,
// then --symlink, each replacing the previous install, into one venv.
func TestCLIInstallModes(t *testing.T) {
	t.Parallel()
	work := t.TempDir()
	proj := filepath.Join(work, "demo")
	testutil.CopyDir(t, "testdata/demo", proj)
	venv := filepath.Join(work, "venv")
	py := newVenv(t, venv)
	site := venvTarget(t, py).Scheme.Purelib

	mustFlit(t, proj, rootOK, "install", "--deps", "none", "--python", venv)
	if out := run(t, filepath.Join(venv, "bin", "demo-cli")); out != "demo main ran\n" {
		t.Errorf("demo-cli: %q", out)
	}
	du, _ := os.ReadFile(filepath.Join(site, "demo_pkg-1.2.0.dist-info", "direct_url.json"))
	if want := `{"dir_info": {"editable": false}, "url": "` + FileURL(proj) + `"}`; string(du) != want {
		t.Errorf("direct_url.json = %s, want %s", du, want)
	}
	if m, _ := filepath.Glob(filepath.Join(site, "demo_pkg", "__pycache__", "*.pyc")); len(m) != 1 {
		t.Errorf("bytecode: %v", m)
	}
	if _, err := os.Stat(filepath.Join(venv, "share", "demo", "readme.txt")); err != nil {
		t.Errorf("data file: %v", err)
	}

	mustFlit(t, proj, rootOK, "install", "--pth-file", "--deps", "none", "--python", py)
	if _, err := os.Stat(filepath.Join(site, "demo_pkg")); err == nil {
		t.Error("--pth-file left the copied package in place")
	}
	appendFile(t, filepath.Join(proj, "demo_pkg", "__init__.py"), "EDITED = 1\n")
	if out := run(t, py, "-c", "import demo_pkg; print(demo_pkg.EDITED)"); out != "1\n" {
		t.Errorf("pth install: %q", out)
	}

	// FLIT_INSTALL_PYTHON (a venv directory) stands for --python.
	errOut := mustFlit(t, proj, append([]string{"FLIT_INSTALL_PYTHON=" + venv}, rootOK...), "-v", "install", "-s", "--deps", "none")
	if !strings.Contains(errOut, "Replacing Demo.Pkg 1.2.0") && !strings.Contains(errOut, "Replacing demo_pkg 1.2.0") {
		t.Errorf("no replacement message:\n%s", errOut)
	}
	if _, err := os.Stat(filepath.Join(site, "demo_pkg.pth")); err == nil {
		t.Error("--symlink left the .pth file in place")
	}
	if l, err := os.Readlink(filepath.Join(site, "demo_pkg")); err != nil || l != filepath.Join(proj, "demo_pkg") {
		t.Errorf("symlink: %q %v", l, err)
	}
}

// TestCLIDeps installs dependencies through the target's pip from a local
// folder of wheels (PyPI is not reachable; PIP_NO_INDEX=1).
func TestCLIDeps(t *testing.T) {
	t.Parallel()
	testutil.PythonWith(t, "pip")
	work := t.TempDir()
	wheels := filepath.Join(work, "wheels")
	os.MkdirAll(wheels, 0o755)
	makeWheel(t, wheels, "depa-1.0-py3-none-any.whl", []wheelFile{{name: "depa/__init__.py", data: "A = 'a'\n"}}, nil)
	makeWheel(t, wheels, "depb-2.0-py3-none-any.whl", []wheelFile{{name: "depb/__init__.py", data: "B = 'b'\n"}}, nil)
	proj := filepath.Join(work, "proj")
	os.MkdirAll(filepath.Join(proj, "withdeps"), 0o755)
	// The version can only be read by importing the module, which imports
	// its dependency: flit install must install depa first.
	os.WriteFile(filepath.Join(proj, "withdeps", "__init__.py"), []byte("\"\"\"Has deps.\"\"\"\nimport depa\n__version__ = '.'.join(['0', '1'])\n"), 0o644)
	os.WriteFile(filepath.Join(proj, "pyproject.toml"), []byte(`[build-system]
requires = ["flit_core >=3.11,<5"]
build-backend = "flit_core.buildapi"

[project]
name = "withdeps"
dynamic = ["version", "description"]
dependencies = ["depa"]

[project.optional-dependencies]
test = ["depb >=2"]
`), 0o644)
	env := append([]string{"PIP_NO_INDEX=1", "PIP_FIND_LINKS=" + wheels, "PIP_DISABLE_PIP_VERSION_CHECK=1"}, rootOK...)

	// A venv that sees Debian's pip (system site-packages) but gets its own
	// installs.
	venv := filepath.Join(work, "venv")
	py := newVenv(t, venv, "--system-site-packages")
	importable := func(mod string) bool {
		return exec.Command(py, "-c", "import "+mod).Run() == nil
	}

	errOut := mustFlit(t, proj, env, "-v", "install", "--deps", "production", "--python", py)
	if !importable("depa") || importable("depb") || !importable("withdeps") {
		t.Errorf("--deps production: depa %t depb %t withdeps %t", importable("depa"), importable("depb"), importable("withdeps"))
	}
	if !strings.Contains(errOut, "-m pip install -r ") {
		t.Errorf("-v does not show the pip command:\n%s", errOut)
	}
	mustFlit(t, proj, env, "install", "--only-deps", "--extras", "test", "--python", py)
	if !importable("depb") {
		t.Error("--only-deps --extras test did not install depb")
	}

	// FLIT_NO_NETWORK forces --deps none, with a warning.
	_, errOut, code := flit(t, proj, append(env, "FLIT_NO_NETWORK=1"), "install", "--python", py)
	if code != 0 || !strings.Contains(errOut, "FLIT_NO_NETWORK") {
		t.Errorf("FLIT_NO_NETWORK: exit %d\n%s", code, errOut)
	}

	// A target without pip: a clear error saying how to fix it.
	bare := newVenv(t, filepath.Join(work, "bare"))
	_, errOut, code = flit(t, proj, env, "install", "--python", bare)
	if code != 1 || !strings.Contains(errOut, "has no pip") || !strings.Contains(errOut, "-m ensurepip") || !strings.Contains(errOut, "--deps none") {
		t.Errorf("no pip: exit %d\n%s", code, errOut)
	}
	if strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
		t.Errorf("the no-pip error is not one line:\n%s", errOut)
	}
}

func TestCLIErrors(t *testing.T) {
	proj := t.TempDir()
	testutil.CopyDir(t, "testdata/demo", proj)
	type cliCase struct {
		name string
		env  []string
		args []string
		code int
		want string
	}
	tests := []cliCase{
		{"extras-with-deps-none", rootOK, []string{"install", "--deps", "none", "--extras", "test"}, 2,
			"flit install: To install dependencies for extras, you cannot set deps=none.\nusage: flit install "},
		{"symlink-and-pth", rootOK, []string{"install", "-s", "--pth-file"}, 2,
			"flit install: --symlink and --pth-file cannot be used together\n"},
		{"bad-deps", rootOK, []string{"install", "--deps", "some"}, 2,
			`flit install: --deps "some": choose from all, production, develop, none` + "\n"},
		{"bad-python", rootOK, []string{"install", "--python", "no-such-python-xyz"}, 1,
			"error: Unable to resolve Python executable 'no-such-python-xyz'"},
	}
	if _, err := os.Stat("/usr/lib/python3.11/EXTERNALLY-MANAGED"); err == nil {
		tests = append(tests, cliCase{"externally-managed", rootOK, []string{"install", "--deps", "none", "--python", testutil.DebianPython}, 1,
			"error: /usr/bin/python3 is externally managed (PEP 668, /usr/lib/python3.11/EXTERNALLY-MANAGED): install into a virtual environment"})
	}
	if os.Geteuid() == 0 {
		tests = append(tests, cliCase{"root", []string{"FLIT_ROOT_INSTALL="}, []string{"install"}, 1,
			"error: Installing packages as root is not recommended. To allow this, set FLIT_ROOT_INSTALL=1 and try again.\n"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := flit(t, proj, tt.env, tt.args...)
			if code != tt.code || !strings.HasPrefix(errOut, tt.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d and a stderr starting with:\n%s", code, errOut, tt.code, tt.want)
			}
		})
	}
}

// TestCLIUserInstall: --user with Debian's python3 (not a venv) and
// PYTHONUSERBASE pointing at a temporary directory: the user scheme's
// directories are created, and the script and module work from there.
func TestCLIUserInstall(t *testing.T) {
	t.Parallel()
	py := testutil.PythonWith(t)
	work := t.TempDir()
	proj := filepath.Join(work, "demo")
	testutil.CopyDir(t, "testdata/demo", proj)
	base := filepath.Join(work, "userbase")
	env := append([]string{"PYTHONUSERBASE=" + base, "PIP_BREAK_SYSTEM_PACKAGES=1"}, rootOK...)
	mustFlit(t, proj, env, "install", "--user", "--deps", "none", "--python", py)
	site, _ := filepath.Glob(filepath.Join(base, "lib", "python3*", "site-packages", "demo_pkg", "__init__.py"))
	if len(site) != 1 {
		t.Fatalf("no demo_pkg in the user site under %s", base)
	}
	cmd := exec.Command(filepath.Join(base, "bin", "demo-cli"))
	cmd.Env = append(os.Environ(), "PYTHONUSERBASE="+base)
	if out, err := cmd.CombinedOutput(); err != nil || string(out) != "demo main ran\n" {
		t.Errorf("demo-cli from the user base: %q %v", out, err)
	}
	if _, err := os.Stat(filepath.Join(base, "share", "demo", "readme.txt")); err != nil {
		t.Error(err)
	}
	// Nothing was left behind next to the user base (stage directories).
	ents, _ := os.ReadDir(work)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".goflit") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

// TestCLIInstallExtension: a project with a C extension (examples/ext-c)
// installs with its module compiled for the target interpreter, into
// platlib, and imports.
func TestCLIInstallExtension(t *testing.T) {
	t.Parallel()
	testutil.NeedCommand(t, "gcc", "apt-get install gcc")
	if _, err := os.Stat("/usr/include/python3.11/Python.h"); err != nil {
		testutil.NeedPeer(t, false, "Python.h", "apt-get install python3-dev")
	}
	work := t.TempDir()
	proj := filepath.Join(work, "ext-c")
	testutil.CopyDir(t, filepath.Join(testutil.ModuleRoot(), "examples", "ext-c"), proj)
	py := newVenv(t, filepath.Join(work, "venv"))
	mustFlit(t, proj, append([]string{"XDG_CACHE_HOME=" + filepath.Join(work, "cache")}, rootOK...), "install", "--deps", "none", "--python", py)
	out := run(t, py, "-c", "import extc; print(extc.add(2, 3)); print(extc._speed.__file__)")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || lines[0] != "5" || !strings.HasPrefix(lines[1], filepath.Join(work, "venv", "lib")) || !strings.HasSuffix(lines[1], ".so") {
		t.Errorf("the extension is not installed in the venv: %q", out)
	}
}
