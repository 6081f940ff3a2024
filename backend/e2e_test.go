package backend_test

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"goflit/internal/diag"
	"goflit/internal/selfdist"
	"goflit/internal/testutil"
)

var selfWheel struct {
	once sync.Once
	dir  string
	err  error
}

// TestMain removes the shared self-wheel folder after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if selfWheel.dir != "" {
		os.RemoveAll(selfWheel.dir)
	}
	os.Exit(code)
}

// selfWheelDir builds goflit's own linux wheel (with the test binary inside)
// once per test binary, as `make wheels` would, and returns its folder. The
// tests only read the folder (pip --find-links).
func selfWheelDir(t *testing.T) string {
	t.Helper()
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skip("the end-to-end backend test installs the linux/amd64 wheel")
	}
	bin := testutil.FlitBinary(t)
	selfWheel.once.Do(func() {
		target, _ := selfdist.Find("linux", "amd64")
		selfWheel.dir, selfWheel.err = os.MkdirTemp("", "goflit-selfwheel-")
		if selfWheel.err == nil {
			_, selfWheel.err = selfdist.BuildWheel(filepath.Join(testutil.ModuleRoot(), "python"), bin, target, selfWheel.dir, "1700000000", diag.Discard)
		}
	})
	if selfWheel.err != nil {
		t.Fatalf("building goflit's own wheel: %v", selfWheel.err)
	}
	return selfWheel.dir
}

// newVenv creates a virtual environment without pip (testutil.Venv) and
// returns its folder, its python, and the arguments that make Debian's pip
// install into it: py -m pip --python VENV/bin/python.
func newVenv(t *testing.T, opts ...string) (venv, vpy string, pip func(...string) []string) {
	t.Helper()
	vpy = testutil.Venv(t, opts...)
	return filepath.Dir(filepath.Dir(vpy)), vpy, func(args ...string) []string {
		return append([]string{"-m", "pip", "--python", vpy}, args...)
	}
}

const samplePyproject = `[build-system]
requires = ["goflit"]
build-backend = "goflit.buildapi"

[project]
name = "sample-backend"
dynamic = ["version", "description"]
readme = "README.md"
license = "MIT"
requires-python = ">=3.8"
dependencies = []

[project.scripts]
sample-backend = "sample_backend:main"
`

func sampleProject(t *testing.T) string {
	dir := filepath.Join(t.TempDir(), "sample")
	testutil.WriteFiles(t, dir, map[string]string{
		"pyproject.toml":             samplePyproject,
		"README.md":                  "# sample\n",
		"LICENSE":                    "MIT\n",
		"sample_backend/__init__.py": "\"\"\"A sample built by goflit's backend.\"\"\"\n__version__ = \"0.3.0\"\n\ndef main():\n    print('answer', VALUE)\n\nVALUE = 1\n",
	})
	return dir
}

// TestPipInstallsWithIsolation: pip, with build isolation and no index,
// installs goflit from a local folder into the isolated build environment
// and builds the sample through goflit.buildapi; then an editable install
// shows edits without reinstalling; an editable src-layout project points
// its .pth at src/; a broken pyproject.toml makes pip fail with goflit's
// one-line message in its output. The three cases use their own venvs and
// run in parallel (each isolated pip build costs seconds).
func TestPipInstallsWithIsolation(t *testing.T) {
	t.Parallel()
	py := testutil.PythonWith(t, "venv", "pip")
	wheels := selfWheelDir(t)
	env := []string{"PIP_NO_INDEX=1", "PIP_FIND_LINKS=" + wheels, "PIP_DISABLE_PIP_VERSION_CHECK=1", "GOFLIT_BIN="}

	t.Run("install then editable", func(t *testing.T) {
		t.Parallel()
		venv, vpy, pip := newVenv(t)
		sample := sampleProject(t)
		testutil.MustRun(t, "", env, py, pip("install", sample)...)
		if out := testutil.MustRun(t, "", nil, filepath.Join(venv, "bin", "sample-backend")); out != "answer 1\n" {
			t.Fatalf("console script printed %q", out)
		}
		out := testutil.MustRun(t, "", nil, vpy, "-c", "import importlib.metadata as m; print(m.version('sample-backend'), m.metadata('sample-backend')['Summary'])")
		if out != "0.3.0 A sample built by goflit's backend.\n" {
			t.Fatalf("installed metadata: %q", out)
		}

		// Editable install over it: an edit is visible without reinstalling.
		testutil.MustRun(t, "", env, py, pip("install", "-e", sample)...)
		initPy := filepath.Join(sample, "sample_backend", "__init__.py")
		src, _ := os.ReadFile(initPy)
		os.WriteFile(initPy, bytes.Replace(src, []byte("VALUE = 1"), []byte("VALUE = 2"), 1), 0o644)
		if out := testutil.MustRun(t, "", nil, filepath.Join(venv, "bin", "sample-backend")); out != "answer 2\n" {
			t.Fatalf("after editing an editable install the script printed %q", out)
		}
	})

	// Editable install of a src-layout project: the .pth points at src/.
	t.Run("editable src layout", func(t *testing.T) {
		t.Parallel()
		_, vpy, pip := newVenv(t)
		srcProject := filepath.Join(t.TempDir(), "srcproj")
		testutil.WriteFiles(t, srcProject, map[string]string{
			"pyproject.toml": "[build-system]\nrequires = [\"goflit\"]\nbuild-backend = \"goflit.buildapi\"\n\n" +
				"[project]\nname = \"src-layout-pkg\"\nversion = \"1.0\"\ndescription = \"src layout\"\n",
			"src/src_layout_pkg/__init__.py": "VALUE = 'one'\n",
		})
		testutil.MustRun(t, "", env, py, pip("install", "-e", srcProject)...)
		check := []string{"-c", "import src_layout_pkg as m; print(m.VALUE, m.__file__)"}
		want := filepath.Join(srcProject, "src", "src_layout_pkg", "__init__.py")
		if out := testutil.MustRun(t, "", nil, vpy, check...); out != "one "+want+"\n" {
			t.Fatalf("src-layout editable import printed %q, want from %s", out, want)
		}
		os.WriteFile(want, []byte("VALUE = 'two'\n"), 0o644)
		if out := testutil.MustRun(t, "", nil, vpy, check...); out != "two "+want+"\n" {
			t.Fatalf("after editing the src-layout editable install: %q", out)
		}
	})

	// The error path: goflit's message reaches pip's output.
	t.Run("broken project", func(t *testing.T) {
		t.Parallel()
		_, _, pip := newVenv(t)
		broken := sampleProject(t)
		pp := filepath.Join(broken, "pyproject.toml")
		os.WriteFile(pp, []byte(strings.Replace(samplePyproject, "readme =", "reedme =", 1)), 0o644)
		out, err := testutil.Run(t, "", env, py, pip("install", broken)...)
		if err == nil {
			t.Fatalf("pip install of a broken project succeeded:\n%s", out)
		}
		if !strings.Contains(out, `pyproject.toml:8:1:`) || !strings.Contains(out, `reedme`) || !strings.Contains(out, `readme`) {
			t.Fatalf("pip output lacks goflit's message naming the key and the fix:\n%s", out)
		}
	})
}

// TestBuildNoIsolationMatchesFlitBuild: python -m build --no-isolation with
// goflit installed produces the same wheel and sdist as `flit build`.
func TestBuildNoIsolationMatchesFlitBuild(t *testing.T) {
	t.Parallel()
	py := testutil.PythonWith(t, "venv", "build", "pip")
	wheels := selfWheelDir(t)
	venv, vpy, pip := newVenv(t, "--system-site-packages")
	env := []string{"PIP_NO_INDEX=1", "PIP_FIND_LINKS=" + wheels, "PIP_DISABLE_PIP_VERSION_CHECK=1", "SOURCE_DATE_EPOCH=1700000000", "GOFLIT_BIN="}
	testutil.MustRun(t, "", env, py, pip("install", "goflit")...)

	sample := sampleProject(t)
	viaBuild := t.TempDir()
	testutil.MustRun(t, sample, env, vpy, "-m", "build", "--no-isolation", "--outdir", viaBuild, ".")
	viaFlit := filepath.Join(sample, "dist")
	testutil.MustRun(t, sample, env, testutil.FlitBinary(t), "build")
	for _, name := range []string{"sample_backend-0.3.0-py3-none-any.whl", "sample_backend-0.3.0.tar.gz"} {
		a, err := os.ReadFile(filepath.Join(viaBuild, name))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(viaFlit, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s from python -m build differs from flit build's", name)
		}
	}

	// python -m goflit runs the binary installed in the venv's scripts
	// folder, found without PATH's help.
	bare := []string{"PATH=/usr/bin:/bin", "GOFLIT_BIN="}
	if out := testutil.MustRun(t, "", bare, vpy, "-m", "goflit", "-V"); !strings.HasPrefix(out, "Flit ") || !strings.Contains(out, "goflit") {
		t.Errorf("python -m goflit -V printed %q", out)
	}
	if out := testutil.MustRun(t, "", bare, filepath.Join(venv, "bin", "goflit"), "--version"); !strings.HasPrefix(out, "Flit ") {
		t.Errorf("the installed goflit script printed %q", out)
	}
	// pip install --target DIR: the shim finds DIR/bin/goflit.
	target := filepath.Join(t.TempDir(), "target")
	testutil.MustRun(t, "", env, py, "-m", "pip", "install", "--no-deps", "--target", target, "goflit")
	out, err := testutil.Run(t, "", append(bare, "PYTHONPATH="+target), py, "-c", "from goflit._find import find_goflit_bin as f; print(f())")
	if want := filepath.Join(target, "bin", "goflit") + "\n"; err != nil || out != want {
		t.Errorf("with pip install --target the shim found %q, want %q", out, want)
	}

	// config_settings from the frontend (-C) arrive in the binary unchanged:
	// the C extension builder rejects this jobs value, quoting it.
	ext := filepath.Join(t.TempDir(), "ext-c")
	testutil.CopyDir(t, filepath.Join(testutil.ModuleRoot(), "examples", "ext-c"), ext)
	out, err = testutil.Run(t, ext, env, vpy, "-m", "build", "--no-isolation", "--wheel", "-C", "jobs=x y", "-C", "compiler=gcc", ".")
	if err == nil {
		t.Fatalf("python -m build -C jobs='x y' succeeded:\n%s", out)
	}
	if !strings.Contains(out, `jobs="x y" is not a non-negative integer`) {
		t.Fatalf("python -m build -C jobs='x y': goflit's message about the setting is missing:\n%s", out)
	}
}
