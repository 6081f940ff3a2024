package cext

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"goflit/internal/testutil"
)

func examplesDir(name string) string {
	return filepath.Join(testutil.ModuleRoot(), "examples", name)
}

// TestExamplesGCC builds every example with gcc in place and calls the
// built functions from Debian's python3.
func TestExamplesGCC(t *testing.T) {
	t.Parallel()
	needGCC(t)
	py := debianPython(t)
	cases := []struct {
		example, srcdir, code, want, tag string
		files                            []string
	}{
		{"ext-c", "", "import extc; print(extc.add(2, 40), extc.fib(10), extc.scaled(5))", "42 55 15",
			"cp311-cp311-manylinux_2_5_x86_64.manylinux1_x86_64", []string{"extc/_speed.cpython-311-x86_64-linux-gnu.so"}},
		{"ext-cpp", "src", "import extcpp; print(extcpp.join('-', ['a', 'b', 'c']), extcpp.sum_squares([1, 2, 3]))", "a-b-c 14",
			"", []string{"extcpp/_vec.cpython-311-x86_64-linux-gnu.so"}},
		{"ext-abi3", "", "import extabi3, extabi3._limited as m; print(extabi3.mul(6, 7), m.__file__.endswith('.abi3.so'))", "42 True",
			"cp38-abi3-manylinux_2_5_x86_64.manylinux1_x86_64", []string{"extabi3/_limited.abi3.so"}},
		{"ext-zlig", "src", "import demo; print(demo.add(1, 2))", "3",
			"cp311-cp311-manylinux_2_5_x86_64.manylinux1_x86_64", []string{"demo/demo.cpython-311-x86_64-linux-gnu.so"}},
	}
	cache := t.TempDir()
	for _, c := range cases {
		t.Run(c.example, func(t *testing.T) {
			t.Parallel() // the examples share only the (concurrency-safe) cache
			p := project(t, examplesDir(c.example))
			res, err := Build(p, Options{ConfigSettings: map[string]string{"compiler": "gcc"}, Getenv: cleanEnv(nil),
				InPlace: true, Python: py, CacheDir: cache})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range res.Files {
				got = append(got, f.ArchivePath)
				if _, err := os.Stat(f.DiskPath); err != nil {
					t.Errorf("built file missing: %v", err)
				}
			}
			if !slices.Equal(got, c.files) {
				t.Errorf("files = %v, want %v", got, c.files)
			}
			if c.tag != "" && res.Tag != c.tag {
				t.Errorf("tag = %s, want %s", res.Tag, c.tag)
			}
			if !strings.HasPrefix(res.Tag, "cp3") || !strings.Contains(res.Tag, "manylinux_") {
				t.Errorf("tag = %s, want a verified manylinux tag", res.Tag)
			}
			info, err := ReadELF(res.Files[0].DiskPath)
			if err != nil {
				t.Fatal(err)
			}
			leaf := strings.SplitN(filepath.Base(c.files[0]), ".", 2)[0]
			if !slices.Equal(info.Exported, []string{"PyInit_" + leaf}) {
				t.Errorf("exported symbols = %v, want only PyInit_%s", info.Exported, leaf)
			}
			for _, lib := range info.Needed {
				if strings.Contains(lib, "python") || strings.Contains(lib, "stdc++") {
					t.Errorf("module needs %s", lib)
				}
			}
			if got := pyRun(t, py, filepath.Join(p.Root, c.srcdir), c.code); got != c.want {
				t.Errorf("python says %q, want %q", got, c.want)
			}
			// Sources stay out of the wheel; the modules' own stale copies too.
			for _, s := range res.SdistExtra {
				if rel, ok := relToSource(p, s); ok && !res.ExcludeFromWheel(rel) {
					t.Errorf("source %s would be in the wheel", rel)
				}
			}
			if !res.ExcludeFromWheel(c.files[0]) {
				t.Errorf("in-tree build output %s not excluded from the wheel", c.files[0])
			}
		})
	}
}

// cacheProject is a three-unit extension: mod.c includes common.h, one.c
// includes one.h, two.c includes two.h.
func cacheProject(t *testing.T) string {
	return writeTree(t, map[string]string{
		"pyproject.toml": `[project]
name = "cachepkg"
version = "1"
description = "x"
[tool.goflit]
extensions = [{name = "cachepkg._m", sources = ["cachepkg/*.c"], include-dirs = ["cachepkg/include"]}]
`,
		"cachepkg/__init__.py":        "",
		"cachepkg/include/common.h":   "#define COMMON 1\n",
		"cachepkg/include/one.h":      "int one(void);\n",
		"cachepkg/include/two.h":      "int two(void);\n",
		"cachepkg/one.c":              "#include \"one.h\"\nint one(void) { return 1; }\n",
		"cachepkg/two.c":              "#include \"two.h\"\nint two(void) { return 2; }\n",
		"cachepkg/mod.c":              modSource("_m", "one() + two() + COMMON", "#include \"common.h\"\n#include \"one.h\"\n#include \"two.h\"\n"),
		"cachepkg/include/unused.txt": "not a header\n",
	})
}

func modSource(leaf, expr, includes string) string {
	return `#define PY_SSIZE_T_CLEAN
#include <Python.h>
` + includes + `
static PyObject *value(PyObject *self, PyObject *noargs) { return PyLong_FromLong(` + expr + `); }
static PyMethodDef methods[] = {{"value", value, METH_NOARGS, ""}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, "` + leaf + `", NULL, -1, methods};
PyMODINIT_FUNC PyInit_` + leaf + `(void) { return PyModule_Create(&def); }
`
}

// oneExtProject writes a project NAME with one extension NAME.LEAF built
// from NAME/SRC.c (SRC is LEAF without its leading underscores) holding
// csrc; extKeys is added to the extension's inline table (", key = value"),
// files are more files of the project.
func oneExtProject(t *testing.T, name, leaf, extKeys, csrc string, files map[string]string) string {
	t.Helper()
	src := name + "/" + strings.TrimLeft(leaf, "_") + ".c"
	tree := map[string]string{
		"pyproject.toml": "[project]\nname = \"" + name + "\"\nversion = \"1\"\ndescription = \"x\"\n" +
			"[tool.goflit]\nextensions = [{name = \"" + name + "." + leaf + "\", sources = [\"" + src + "\"]" + extKeys + "}]\n",
		name + "/__init__.py": "",
		src:                   csrc,
	}
	maps.Copy(tree, files)
	return writeTree(t, tree)
}

// getrandomProject is rnd._r calling getrandom, a GLIBC_2.25 symbol.
func getrandomProject(t *testing.T) string {
	return oneExtProject(t, "rnd", "_r", "", modSource("_r", "(long)getrandom(buf, sizeof buf, 0)", "#include <sys/random.h>\nstatic char buf[4];\n"), nil)
}

// gccOptions are the Options of an out-of-tree build with gcc (settings
// added to compiler = "gcc"), py, a compiler-free environment and a fresh
// cache.
func gccOptions(t *testing.T, py string, settings map[string]string) Options {
	cs := map[string]string{"compiler": "gcc"}
	maps.Copy(cs, settings)
	return Options{ConfigSettings: cs, Getenv: cleanEnv(nil), OutDir: t.TempDir(), Python: py, CacheDir: t.TempDir()}
}

func compiledFiles(l *testutil.Log) []string {
	var out []string
	for _, line := range linesWith(l, "debug: compile: ") {
		f := strings.Fields(line)
		for i, w := range f {
			if w == "-c" && i+1 < len(f) {
				out = append(out, f[i+1])
			}
		}
	}
	slices.Sort(out)
	return out
}

func TestCache(t *testing.T) {
	t.Parallel()
	needGCC(t)
	py := debianPython(t)
	cache := t.TempDir()
	src := cacheProject(t)
	build := func() (*Result, *testutil.Log) {
		t.Helper()
		p := project(t, src) // a fresh directory every time, as pip uses
		log := &testutil.Log{}
		res, err := Build(p, Options{ConfigSettings: map[string]string{"compiler": "gcc"}, Getenv: cleanEnv(nil),
			OutDir: t.TempDir(), Python: py, CacheDir: cache, Log: log})
		if err != nil {
			t.Fatal(err)
		}
		return res, log
	}
	res, log := build()
	if got := compiledFiles(log); !slices.Equal(got, []string{"cachepkg/mod.c", "cachepkg/one.c", "cachepkg/two.c"}) {
		t.Fatalf("cold build compiled %v", got)
	}
	if res.Compiled != 3 || res.Cached != 0 || res.Linked != 1 {
		t.Errorf("cold build: compiled %d, cached %d, linked %d", res.Compiled, res.Cached, res.Linked)
	}
	first, _ := os.ReadFile(res.Files[0].DiskPath)

	res, log = build()
	if got := compiledFiles(log); len(got) != 0 || len(linesWith(log, "debug: link: ")) != 0 {
		t.Fatalf("warm build ran the compiler: %v", linesWith(log, "debug: "))
	}
	if res.Cached != 3 || res.Linked != 0 {
		t.Errorf("warm build: compiled %d, cached %d, linked %d", res.Compiled, res.Cached, res.Linked)
	}
	second, _ := os.ReadFile(res.Files[0].DiskPath)
	if string(first) != string(second) {
		t.Error("warm build produced a different module")
	}

	// A header change recompiles exactly the units that include it.
	if err := os.WriteFile(filepath.Join(src, "cachepkg/include/one.h"), []byte("int one(void); /* changed */\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, log = build()
	if got := compiledFiles(log); !slices.Equal(got, []string{"cachepkg/mod.c", "cachepkg/one.c"}) {
		t.Errorf("after editing one.h compiled %v, want mod.c and one.c", got)
	}
	// Only a timestamp change: nothing to do (the cache is content-addressed).
	now := filepath.Join(src, "cachepkg/include/two.h")
	if err := os.Chtimes(now, testTime, testTime); err != nil {
		t.Fatal(err)
	}
	_, log = build()
	if got := compiledFiles(log); len(got) != 0 {
		t.Errorf("touching two.h recompiled %v", got)
	}
	// A flag change is a different key.
	p := project(t, src)
	log = &testutil.Log{}
	if _, err := Build(p, Options{ConfigSettings: map[string]string{"compiler": "gcc", "build-type": "size"}, Getenv: cleanEnv(nil),
		OutDir: t.TempDir(), Python: py, CacheDir: cache, Log: log}); err != nil {
		t.Fatal(err)
	}
	if got := compiledFiles(log); len(got) != 3 {
		t.Errorf("build-type change compiled %v, want all three", got)
	}
}

func TestInPlaceStale(t *testing.T) {
	t.Parallel()
	needGCC(t)
	py := debianPython(t)
	p := project(t, examplesDir("ext-c"))
	stale := filepath.Join(p.Root, "extc", "_speed.cpython-310-x86_64-linux-gnu.so")
	if err := os.WriteFile(stale, []byte("old"), 0o755); err != nil {
		t.Fatal(err)
	}
	old := `{"python": "/old/python", "files": [{"path": "extc/_speed.cpython-310-x86_64-linux-gnu.so", "extension": "extc._speed"}]}`
	if err := os.WriteFile(filepath.Join(p.Root, ManifestName), []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	log := &testutil.Log{}
	res, err := Build(p, Options{ConfigSettings: map[string]string{"compiler": "gcc"}, Getenv: cleanEnv(nil),
		InPlace: true, Python: py, CacheDir: t.TempDir(), Log: log})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale module still there (%v)", err)
	}
	want := filepath.Join(p.Root, "extc", "_speed.cpython-311-x86_64-linux-gnu.so")
	if res.Files[0].DiskPath != want {
		t.Errorf("built %s, want %s", res.Files[0].DiskPath, want)
	}
	data, err := os.ReadFile(filepath.Join(p.Root, ManifestName))
	if err != nil || !strings.Contains(string(data), `"path": "extc/_speed.cpython-311-x86_64-linux-gnu.so"`) ||
		!strings.Contains(string(data), `"extc/csrc/speed.c"`) {
		t.Errorf("manifest = %s (%v)", data, err)
	}
	if got := pyRun(t, py, p.Root, "import extc; print(extc.fib(20))"); got != "6765" {
		t.Errorf("fib(20) = %s", got)
	}
	removed, err := CleanInplace(p)
	if err != nil || !slices.Equal(removed, []string{"extc/_speed.cpython-311-x86_64-linux-gnu.so"}) {
		t.Errorf("CleanInplace = %v, %v", removed, err)
	}
	for _, f := range []string{want, filepath.Join(p.Root, ManifestName)} {
		if _, err := os.Stat(f); !os.IsNotExist(err) {
			t.Errorf("%s still there after CleanInplace", f)
		}
	}
	if _, err := os.Stat(filepath.Join(p.Root, "extc", "csrc", "speed.c")); err != nil {
		t.Errorf("CleanInplace touched a source: %v", err)
	}
}

func TestCompileErrorShowsCompilerOutput(t *testing.T) {
	t.Parallel()
	needGCC(t)
	py := debianPython(t)
	dir := oneExtProject(t, "bad", "_b", "", "int main(void) { return undefined_thing; }\n", nil)
	_, err := Build(projectAt(t, dir), gccOptions(t, py, nil))
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, `compiling bad/b.c (extension "bad._b") failed`) || !strings.Contains(msg, "undefined_thing") {
		t.Errorf("error = %s", msg)
	}
}

func TestGlibcTags(t *testing.T) {
	t.Parallel()
	needGCC(t)
	py := debianPython(t)
	// getrandom is GLIBC_2.25: gcc links getrandom@GLIBC_2.25, so the
	// wheel must not claim manylinux_2_17.
	dir := getrandomProject(t)
	res, err := Build(projectAt(t, dir), gccOptions(t, py, nil))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(res.Tag, "manylinux_2_17") || strings.Contains(res.Tag, "manylinux2014") {
		t.Errorf("getrandom module tagged %s", res.Tag)
	}
	if res.Tag != "cp311-cp311-manylinux_2_26_x86_64" {
		t.Errorf("tag = %s, want cp311-cp311-manylinux_2_26_x86_64 (getrandom@GLIBC_2.25)", res.Tag)
	}
	// Requiring 2_17 fails with the reason: the policy met and the symbols
	// that keep the module from manylinux_2_17.
	_, err = Build(projectAt(t, dir), gccOptions(t, py, map[string]string{"manylinux": "2_17"}))
	const want = `manylinux = "2_17" is not met: extension rnd._r needs manylinux_2_26: getrandom@GLIBC_2.25 is newer than manylinux_2_17 allows ` +
		`(build with zig and target = "x86_64-linux-gnu.2.17", or set manylinux = "auto")`
	if err == nil || err.Error() != want {
		t.Errorf("manylinux=2_17 error:\n got %v\nwant %s", err, want)
	}
	// manylinux = off gives the honest linux tag.
	res, err = Build(projectAt(t, dir), gccOptions(t, py, map[string]string{"manylinux": "off"}))
	if err != nil || res.Tag != "cp311-cp311-linux_x86_64" {
		t.Errorf("manylinux=off: tag %v, err %v", res, err)
	}
}

var testTime = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// TestOptionsAndFlags: an optional extension that fails is skipped with a
// warning; mixed C/C++ links with the C++ driver and static libstdc++;
// CFLAGS/CXXFLAGS/CPPFLAGS/LDFLAGS reach the commands; cross targets
// without zig or for another architecture are refused.
func TestOptionsAndFlags(t *testing.T) {
	t.Parallel()
	needGCC(t)
	py := debianPython(t)
	dir := writeTree(t, map[string]string{
		"pyproject.toml": "[project]\nname = \"mix\"\nversion = \"1\"\ndescription = \"x\"\n" +
			"[[tool.goflit.extension]]\nname = \"mix._mixed\"\nsources = [\"mix/m.c\", \"mix/helper.cpp\"]\n" +
			"[[tool.goflit.extension]]\nname = \"mix._broken\"\nsources = [\"mix/broken.c\"]\noptional = true\n",
		"mix/__init__.py": "",
		"mix/m.c":         modSource("_mixed", "helper(20)", "long helper(long);\n"),
		"mix/helper.cpp":  "#include <vector>\n#include <numeric>\nextern \"C\" long helper(long n) { std::vector<long> v(n, 1); return std::accumulate(v.begin(), v.end(), 0L) + 1; }\n",
		"mix/broken.c":    "#error this extension does not build here\n",
	})
	env := cleanEnv(map[string]string{"CFLAGS": "-DFROM_CFLAGS", "CXXFLAGS": "-DFROM_CXXFLAGS", "CPPFLAGS": "-DFROM_CPPFLAGS", "LDFLAGS": "-Wl,-O1"})
	log := &testutil.Log{}
	p := projectAt(t, dir)
	res, err := Build(p, Options{ConfigSettings: map[string]string{"compiler": "gcc", "jobs": "1"}, Getenv: env, InPlace: true, Python: py, CacheDir: t.TempDir(), Log: log})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) != 1 || res.Files[0].ArchivePath != "mix/_mixed.cpython-311-x86_64-linux-gnu.so" {
		t.Fatalf("files = %+v", res.Files)
	}
	if w := linesWith(log, "warning: "); len(w) != 1 || !strings.Contains(w[0], "optional extension mix._broken skipped") || !strings.Contains(w[0], "does not build here") {
		t.Errorf("warnings = %q", w)
	}
	for _, line := range linesWith(log, "debug: compile: ") {
		switch {
		case strings.Contains(line, "helper.cpp"):
			if !strings.Contains(line, "/g++ ") || !strings.Contains(line, "-DFROM_CPPFLAGS -DFROM_CXXFLAGS") || strings.Contains(line, "FROM_CFLAGS") {
				t.Errorf("C++ compile line: %s", line)
			}
		case strings.Contains(line, "m.c"):
			if !strings.Contains(line, "/gcc ") || !strings.Contains(line, "-DFROM_CPPFLAGS -DFROM_CFLAGS") {
				t.Errorf("C compile line: %s", line)
			}
		}
	}
	links := linesWith(log, "debug: link: ")
	if len(links) != 1 || !strings.Contains(links[0], "/g++ -shared -s -static-libstdc++ -static-libgcc -Wl,-O1 -Wl,--version-script=") {
		t.Errorf("link lines = %q", links)
	}
	info, err := ReadELF(res.Files[0].DiskPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, lib := range info.Needed {
		if strings.Contains(lib, "stdc++") || strings.Contains(lib, "gcc_s") {
			t.Errorf("needs %s despite static libstdc++", lib)
		}
	}
	if got := pyRun(t, py, dir, "import mix._mixed as m; print(m.value())"); got != "21" {
		t.Errorf("value() = %s", got)
	}

	for settings, want := range map[[2]string]string{
		{"gcc", "x86_64-linux-gnu.2.17"}:  `target "x86_64-linux-gnu.2.17" needs zig`,
		{zigPath(t), "aarch64-linux-gnu"}: `cross-compiling for aarch64 is not supported yet`,
	} {
		_, err := Build(projectAt(t, dir), Options{ConfigSettings: map[string]string{"compiler": settings[0], "target": settings[1]}, Getenv: env,
			OutDir: t.TempDir(), Python: py, CacheDir: t.TempDir()})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%v: error = %v, want %q", settings, err, want)
		}
	}
}

// TestReproducible: cold builds of the same project in two directories,
// with two empty caches, give byte-identical modules.
func TestReproducible(t *testing.T) {
	t.Parallel()
	needGCC(t)
	py := debianPython(t)
	var mods [][]byte
	for range 2 {
		p := project(t, examplesDir("ext-c"))
		res, err := Build(p, Options{ConfigSettings: map[string]string{"compiler": "gcc", "strip": "false"}, Getenv: cleanEnv(nil),
			OutDir: t.TempDir(), Python: py, CacheDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(res.Files[0].DiskPath)
		if err != nil {
			t.Fatal(err)
		}
		mods = append(mods, data)
	}
	if string(mods[0]) != string(mods[1]) {
		t.Error("two cold builds in different directories differ")
	}
}

// TestDependsInKey: a change to a depends file that no unit includes still
// recompiles the extension's units.
func TestDependsInKey(t *testing.T) {
	t.Parallel()
	needGCC(t)
	py := debianPython(t)
	dir := oneExtProject(t, "dep", "_d", `, depends = ["dep/data/*.txt"]`, modSource("_d", "1", ""),
		map[string]string{"dep/data/table.txt": "1 2 3\n"})
	cache := t.TempDir()
	build := func() int {
		log := &testutil.Log{}
		opts := gccOptions(t, py, nil)
		opts.CacheDir, opts.Log = cache, log
		if _, err := Build(projectAt(t, dir), opts); err != nil {
			t.Fatal(err)
		}
		return len(compiledFiles(log))
	}
	if n := build(); n != 1 {
		t.Fatalf("cold build compiled %d units", n)
	}
	if n := build(); n != 0 {
		t.Fatalf("warm build compiled %d units", n)
	}
	os.WriteFile(filepath.Join(dir, "dep/data/table.txt"), []byte("4 5 6\n"), 0o644)
	if n := build(); n != 1 {
		t.Errorf("after editing a depends file compiled %d units, want 1", n)
	}
}

// TestCompilerWarningsShown: a successful compile's diagnostics reach the log.
func TestCompilerWarningsShown(t *testing.T) {
	t.Parallel()
	needGCC(t)
	py := debianPython(t)
	dir := oneExtProject(t, "warn", "_w", `, extra-compile-args = ["-Wall"]`,
		modSource("_w", "1", "static int unused_thing(void) { return 0; }\n"), nil)
	log := &testutil.Log{}
	opts := gccOptions(t, py, nil)
	opts.Log = log
	if _, err := Build(projectAt(t, dir), opts); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, l := range infoLines(log) {
		found = found || (strings.Contains(l, "warn/w.c") && strings.Contains(l, "unused_thing"))
	}
	if !found {
		t.Errorf("the -Wall warning is not in the log: %q", infoLines(log))
	}
}

// TestLimitedAPIEnforced: an abi3 (cp38) extension calling a function outside
// the 3.8 limited API fails to compile instead of linking a symbol that
// older interpreters lack.
func TestLimitedAPIEnforced(t *testing.T) {
	t.Parallel()
	needGCC(t)
	py := debianPython(t)
	dir := oneExtProject(t, "lim", "_l", `, py-limited-api = "cp38"`, modSource("_l", "(long)PyUnicode_AsUTF8(Py_None)[0]", ""), nil)
	_, err := Build(projectAt(t, dir), gccOptions(t, py, nil))
	if err == nil || !strings.Contains(err.Error(), "PyUnicode_AsUTF8") || !strings.Contains(err.Error(), "implicit") {
		t.Errorf("error = %v, want an implicit-declaration error for PyUnicode_AsUTF8", err)
	}
}

// TestCacheUnwritable: a cache directory that cannot be created (Debian's
// sbuild sets HOME=/nonexistent; here GOFLIT_EXT_CACHE names a file) is
// not a build failure: the build warns, names the way out and compiles
// without a persistent cache, leaving nothing behind.
func TestCacheUnwritable(t *testing.T) {
	t.Parallel()
	needGCC(t)
	py := debianPython(t)
	notDir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notDir, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, opts := range []Options{
		{CacheDir: filepath.Join(notDir, "ext")},
		{Getenv: cleanEnv(map[string]string{"GOFLIT_EXT_CACHE": notDir})},
	} {
		p := project(t, examplesDir("ext-c"))
		log := &testutil.Log{}
		opts.ConfigSettings = map[string]string{"compiler": "gcc"}
		if opts.Getenv == nil {
			opts.Getenv = cleanEnv(nil)
		}
		opts.OutDir, opts.Python, opts.Log = t.TempDir(), py, log
		res, err := Build(p, opts)
		if err != nil {
			t.Fatalf("Build with an unwritable cache: %v", err)
		}
		if len(res.Files) != 1 || res.Compiled == 0 {
			t.Errorf("built %d module(s), compiled %d", len(res.Files), res.Compiled)
		}
		warn := linesWith(log, "warning: ")
		if len(warn) != 1 || !strings.Contains(warn[0], notDir) || !strings.Contains(warn[0], "GOFLIT_EXT_CACHE") {
			t.Errorf("warnings = %q, want one naming %s and GOFLIT_EXT_CACHE", warn, notDir)
		}
		if out := pyRun(t, py, opts.OutDir, "import extc._speed as s; print(s.__name__)"); strings.TrimSpace(out) != "extc._speed" {
			t.Errorf("import: %q", out)
		}
	}
}

// TestUnknownConfigSetting: a config setting cext does not read (a typo
// such as -C compilr=zig through python -m build) is named in a warning
// with the closest key; it is not an error, since frontends pass settings
// meant for other tools.
func TestUnknownConfigSetting(t *testing.T) {
	t.Parallel()
	needGCC(t)
	py := debianPython(t)
	log := &testutil.Log{}
	opts := gccOptions(t, py, map[string]string{"compilr": "zig", "--build-option": "x"})
	opts.Log = log
	if _, err := Build(project(t, examplesDir("ext-c")), opts); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`warning: config setting "--build-option" is not read by goflit (it reads compiler, jobs, target, build-type, strip, manylinux, python); ignored`,
		`warning: config setting "compilr" is not read by goflit (did you mean "compiler"?); ignored`,
	}
	if got := linesWith(log, "warning: "); !slices.Equal(got, want) {
		t.Errorf("warnings:\n got %q\nwant %q", got, want)
	}
}

// TestUndefinedSymbolWarning: a module calling a function that no listed
// source or library defines (a source file left out of sources) links,
// as shared objects may, but cannot be imported; the build says so with
// the symbol and the fix. A module that loads gets no such warning.
func TestUndefinedSymbolWarning(t *testing.T) {
	t.Parallel()
	needGCC(t)
	py := debianPython(t)
	dir := oneExtProject(t, "und", "_u", "", modSource("_u", "helper_from_other_file()", "long helper_from_other_file(void);"), nil)
	log := &testutil.Log{}
	opts := gccOptions(t, py, nil)
	opts.Log = log
	if _, err := Build(projectAt(t, dir), opts); err != nil {
		t.Fatal(err)
	}
	want := []string{`warning: extension und._u will not import: undefined symbol helper_from_other_file ` +
		`(no file in its sources and no library in its libraries defines it: add the missing source file to sources, or the library to libraries)`}
	if got := linesWith(log, "warning: "); !slices.Equal(got, want) {
		t.Errorf("warnings:\n got %q\nwant %q", got, want)
	}

	ok := oneExtProject(t, "und", "_u", "", modSource("_u", "42", ""), nil)
	log = &testutil.Log{}
	opts = gccOptions(t, py, nil)
	opts.Log = log
	if _, err := Build(projectAt(t, ok), opts); err != nil {
		t.Fatal(err)
	}
	if got := linesWith(log, "warning: "); len(got) != 0 {
		t.Errorf("a module that loads: warnings %q", got)
	}
}

// TestRelativeCacheDir: GOFLIT_EXT_CACHE=relcache is relative to the
// current directory, not to the project the compiler and linker run in
// (for flit build, the unpacked sdist): the link found no objects.
func TestRelativeCacheDir(t *testing.T) {
	needGCC(t)
	py := debianPython(t)
	cwd := t.TempDir()
	t.Chdir(cwd)
	p := project(t, examplesDir("ext-c")) // elsewhere, like the unpacked sdist
	opts := gccOptions(t, py, nil)
	opts.CacheDir = ""
	opts.Getenv = cleanEnv(map[string]string{"GOFLIT_EXT_CACHE": "relcache"})
	res, err := Build(p, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) != 1 {
		t.Errorf("built %v", res.Files)
	}
	if objs, _ := filepath.Glob(filepath.Join(cwd, "relcache", "obj", "*", "*.o")); len(objs) == 0 {
		t.Errorf("no objects cached under %s", filepath.Join(cwd, "relcache"))
	}
}
