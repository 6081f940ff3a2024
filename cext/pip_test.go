package cext_test

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"goflit/cext"
	"goflit/internal/build"
	"goflit/internal/cli"
	"goflit/internal/diag"
	"goflit/internal/selfdist"
	"goflit/internal/testutil"
	"goflit/wheel"
)

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// TestPipInstall builds each example's sdist and wheel through
// internal/build (the wheel from the unpacked sdist, as flit build does),
// (ext-c and ext-cpp with gcc, ext-abi3 and the zlig-shaped one with zig
// for glibc 2.17), installs the wheels with pip into a fresh venv and calls the extension
// functions from Python.
func TestPipInstall(t *testing.T) {
	t.Parallel()
	testutil.NeedCommand(t, "gcc", "apt-get install gcc")
	testutil.NeedCommand(t, "g++", "apt-get install g++")
	py := testutil.PythonWith(t, "venv", "pip")
	if _, err := os.Stat("/usr/include/python3.11/Python.h"); err != nil {
		testutil.NeedPeer(t, false, "Python.h", "apt-get install python3-dev")
	}
	cache := t.TempDir()
	getenv := func(k string) string {
		switch k {
		case "FLIT_INSTALL_PYTHON":
			return py
		case "GOFLIT_EXT_CACHE":
			return cache
		case "CC", "CXX", "CFLAGS", "CXXFLAGS", "CPPFLAGS", "LDFLAGS", "ZIG":
			return ""
		case "SOURCE_DATE_EPOCH":
			return "1700000000"
		}
		return os.Getenv(k)
	}
	zig := cext.ZigPath(t)
	gcc := map[string]string{"compiler": "gcc"}
	zig217 := map[string]string{"compiler": zig, "target": "x86_64-linux-gnu.2.17"}
	examples := []struct {
		name, wheel string
		entries     []string
		settings    map[string]string
	}{
		{"ext-c", "goflit_ext_c-1.0.0-cp311-cp311-manylinux_2_5_x86_64.manylinux1_x86_64.whl",
			[]string{"extc/__init__.py", "extc/_speed.cpython-311-x86_64-linux-gnu.so"}, gcc},
		{"ext-cpp", "", []string{"extcpp/__init__.py", "extcpp/_vec.cpython-311-x86_64-linux-gnu.so"}, gcc},
		{"ext-abi3", "goflit_ext_abi3-1.0.0-cp38-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
			[]string{"extabi3/__init__.py", "extabi3/_limited.abi3.so"}, zig217},
		{"ext-zlig", "demo-0.1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
			[]string{"demo/__init__.py", "demo/demo.cpython-311-x86_64-linux-gnu.so"}, zig217},
	}
	dist := t.TempDir()
	var wheels []string
	for _, ex := range examples {
		dir := filepath.Join(t.TempDir(), ex.name)
		testutil.CopyDir(t, filepath.Join(testutil.ModuleRoot(), "examples", ex.name), dir)
		arts, err := build.Run(build.Request{ProjectFile: filepath.Join(dir, "pyproject.toml"), OutDir: dist, Getenv: getenv,
			ConfigSettings: ex.settings})
		if err != nil {
			t.Fatalf("%s: %v", ex.name, err)
		}
		for _, a := range arts {
			switch a.Format {
			case "wheel":
				if ex.wheel != "" && a.Filename != ex.wheel {
					t.Errorf("%s: wheel %s, want %s", ex.name, a.Filename, ex.wheel)
				}
				wheels = append(wheels, a.Path)
				got := wheelEntries(t, a.Path)
				var mod []string
				for _, e := range got {
					if !strings.Contains(e, ".dist-info/") {
						mod = append(mod, e)
					}
				}
				if !slices.Equal(mod, ex.entries) {
					t.Errorf("%s: wheel holds %v, want %v", ex.name, mod, ex.entries)
				}
				wheelFile := readEntry(t, a.Path, "WHEEL")
				if !strings.Contains(wheelFile, "Root-Is-Purelib: false\n") {
					t.Errorf("%s: WHEEL = %s", ex.name, wheelFile)
				}
			case "sdist":
				if n := sdistHasSources(t, a.Path); n == 0 {
					t.Errorf("%s: sdist has no C/C++ sources", ex.name)
				}
			}
		}
	}
	vpy := testutil.Venv(t) // no pip in it: Debian's pip installs into it
	run(t, py, "-m", "pip", "--python", vpy, "install", "--no-index", "--no-deps", "--disable-pip-version-check", "-q", wheels[0], wheels[1], wheels[2], wheels[3])
	got := run(t, vpy, "-c", `import extc, extcpp, extabi3, demo
print(extc.add(2, 3), extc.fib(30), extc.scaled(7), extcpp.join(",", ["a", "b"]), extcpp.sum_squares([1, 2, 2]), extabi3.mul(-3, 5), demo.add(40, 2))`)
	if want := "5 832040 21 a,b 9 -15 42"; got != want {
		t.Errorf("python says %q, want %q", got, want)
	}

	// An editable wheel (PEP 660 build_editable goes through build.Run with
	// Editable): the module is built in place and the .pth points at it.
	edit := devProject(t, "editpkg", "7")
	arts, err := build.Run(build.Request{ProjectFile: filepath.Join(edit, "pyproject.toml"), OutDir: dist, Getenv: getenv,
		Formats: []string{"wheel"}, ConfigSettings: gcc, Wheel: wheel.Options{Editable: true}})
	if err != nil {
		t.Fatal(err)
	}
	if want := "editpkg-1.0-cp311-cp311-manylinux_2_5_x86_64.manylinux1_x86_64.whl"; arts[0].Filename != want {
		t.Errorf("editable wheel %s, want %s", arts[0].Filename, want)
	}
	if !fileExists(filepath.Join(edit, "editpkg", "_native.cpython-311-x86_64-linux-gnu.so")) || !fileExists(filepath.Join(edit, ".goflit-ext.json")) {
		t.Error("editable build did not put the module and manifest in the tree")
	}
	run(t, py, "-m", "pip", "--python", vpy, "install", "--no-index", "--no-deps", "--disable-pip-version-check", "-q", arts[0].Path)
	if got := run(t, vpy, "-c", "import editpkg._native as m; print(m.value())"); got != "7" {
		t.Errorf("editable install: value() = %s", got)
	}

	// flit install (a normal install) compiles for the target interpreter and
	// installs the module, not its source.
	inst := devProject(t, "instpkg", "5")
	flit(t, inst, cache, "install", "--deps", "none", "--python", vpy)
	if got := run(t, vpy, "-c", "import instpkg._native as m, os; print(m.value(), sorted(os.listdir(os.path.dirname(m.__file__))))"); got != "5 ['__init__.py', '__pycache__', '_native.cpython-311-x86_64-linux-gnu.so']" && got != "5 ['__init__.py', '_native.cpython-311-x86_64-linux-gnu.so']" {
		t.Errorf("flit install: %s", got)
	}

	// flit install --symlink builds in place for the target interpreter.
	sym := devProject(t, "sympkg", "11")
	flit(t, sym, cache, "install", "--symlink", "--deps", "none", "--python", vpy)
	if got := run(t, vpy, "-c", "import sympkg._native as m; print(m.value())"); got != "11" {
		t.Errorf("symlink install: value() = %s", got)
	}
	// Edit the source; flit build-ext --inplace rebuilds what the symlink serves.
	src := filepath.Join(sym, "sympkg", "native.c")
	data, _ := os.ReadFile(src)
	os.WriteFile(src, []byte(strings.Replace(string(data), "PyLong_FromLong(11)", "PyLong_FromLong(12)", 1)), 0o644)
	flit(t, sym, cache, "-v", "build-ext", "--inplace", "--python", vpy)
	if got := run(t, vpy, "-c", "import sympkg._native as m; print(m.value())"); got != "12" {
		t.Errorf("after build-ext --inplace: value() = %s", got)
	}
}

// flit runs the command line in-process in dir.
func flit(t *testing.T, dir, cache string, args ...string) {
	t.Helper()
	var out bytes.Buffer
	env := &cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &out, Dir: dir, IsTerminal: func() bool { return false },
		Getenv: func(k string) string {
			switch k {
			case "CC":
				return "gcc"
			case "CXX":
				return "g++"
			case "FLIT_ROOT_INSTALL":
				return "1"
			case "GOFLIT_EXT_CACHE":
				return cache
			}
			return os.Getenv(k)
		}}
	if code := cli.Main(args, env); code != 0 {
		t.Fatalf("flit %s: exit %d\n%s", strings.Join(args, " "), code, out.String())
	}
}

// devProject writes a one-extension project whose value() returns v.
func devProject(t *testing.T, name, v string) string {
	dir := filepath.Join(t.TempDir(), name)
	files := map[string]string{
		"pyproject.toml": "[build-system]\nrequires = [\"goflit\"]\nbuild-backend = \"goflit.buildapi\"\n" +
			"[project]\nname = \"" + name + "\"\nversion = \"1.0\"\ndescription = \"dev install test\"\n" +
			"[tool.goflit]\nextensions = [{name = \"" + name + "._native\", sources = [\"" + name + "/native.c\"]}]\n",
		name + "/__init__.py": "",
		name + "/native.c": "#include <Python.h>\n" +
			"static PyObject *value(PyObject *s, PyObject *a) { return PyLong_FromLong(" + v + "); }\n" +
			"static PyMethodDef m[] = {{\"value\", value, METH_NOARGS, \"\"}, {NULL, NULL, 0, NULL}};\n" +
			"static struct PyModuleDef d = {PyModuleDef_HEAD_INIT, \"_native\", NULL, -1, m};\n" +
			"PyMODINIT_FUNC PyInit__native(void) { return PyModule_Create(&d); }\n",
	}
	testutil.WriteFiles(t, dir, files)
	return dir
}

// run runs a command in a fresh directory (no .pyc files, no index) and
// returns its trimmed output, failing the test if it fails.
func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	return strings.TrimSpace(testutil.MustRun(t, t.TempDir(), []string{"PYTHONDONTWRITEBYTECODE=1", "PIP_NO_INDEX=1"}, name, args...))
}

func wheelEntries(t *testing.T, path string) []string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var out []string
	for _, f := range zr.File {
		out = append(out, f.Name)
	}
	return out
}

func readEntry(t *testing.T, path, suffix string) string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, ".dist-info/"+suffix) {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(rc)
			rc.Close()
			return string(data)
		}
	}
	t.Fatalf("%s has no %s", path, suffix)
	return ""
}

func sdistHasSources(t *testing.T, path string) int {
	t.Helper()
	out := run(t, "tar", "tzf", path)
	n := 0
	for _, l := range strings.Split(out, "\n") {
		if strings.HasSuffix(l, ".c") || strings.HasSuffix(l, ".cpp") {
			n++
		}
		if strings.HasSuffix(l, ".so") || strings.HasSuffix(l, ".goflit-ext.json") {
			t.Errorf("%s holds build output %s", path, l)
		}
	}
	return n
}

// TestPipIsolatedBuild: pip installs the C example from its source folder
// through the PEP 517 shim with build isolation (goflit comes from a local
// wheel of this checkout): the extension is compiled for the interpreter
// pip builds for, and imports.
func TestPipIsolatedBuild(t *testing.T) {
	t.Parallel()
	testutil.NeedCommand(t, "gcc", "apt-get install gcc")
	py := testutil.PythonWith(t, "venv", "pip")
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skip("installs goflit's linux/amd64 wheel")
	}
	target, _ := selfdist.Find("linux", "amd64")
	wheels := t.TempDir()
	if _, err := selfdist.BuildWheel(filepath.Join(testutil.ModuleRoot(), "python"), testutil.FlitBinary(t), target, wheels, "1700000000", diag.Discard); err != nil {
		t.Fatal(err)
	}
	vpy := testutil.Venv(t)
	src := filepath.Join(t.TempDir(), "ext-c")
	testutil.CopyDir(t, filepath.Join(testutil.ModuleRoot(), "examples", "ext-c"), src)
	testutil.MustRun(t, "", []string{"CC=gcc", "CXX=g++", "GOFLIT_BIN=", "GOFLIT_EXT_CACHE=" + t.TempDir(), "FLIT_INSTALL_PYTHON=/nonexistent/python"},
		py, "-m", "pip", "--python", vpy, "install", "--no-index", "--find-links", wheels, "--disable-pip-version-check", src)
	if got := run(t, vpy, "-c", "import extc; print(extc.add(4, 5), extc.fib(15))"); got != "9 610" {
		t.Errorf("python says %q", got)
	}
}
