package cext

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"goflit/internal/diag"
	"goflit/internal/testutil"
	"goflit/pyproject"
)

// TestStableABIEmbedded checks facts of the embedded data against
// CPython's Misc/stable_abi.toml.
func TestStableABIEmbedded(t *testing.T) {
	abi, err := StableABI()
	if err != nil {
		t.Fatal(err)
	}
	if len(abi) < 900 {
		t.Errorf("%d symbols, want the whole stable ABI (over 900)", len(abi))
	}
	if !strings.Contains(stableABIText, "at commit f74e4cad2c0413aadb6724a382f19a9e876bb408") {
		t.Errorf("the header does not name the CPython commit")
	}
	for _, want := range []StableSymbol{
		{Name: "PyType_FromSpec", Minor: 2},
		{Name: "PyArg_ParseTuple", Minor: 2},
		{Name: "_PyArg_ParseTuple_SizeT", Minor: 3, ABIOnly: true},
		{Name: "_Py_Dealloc", Minor: 2, ABIOnly: true},
		{Name: "_Py_NoneStruct", Minor: 2, ABIOnly: true},
		{Name: "PyExc_ValueError", Minor: 2},
		{Name: "PyModuleDef_Init", Minor: 5},
		{Name: "PyExc_WindowsError", Minor: 7, Ifdef: "MS_WINDOWS"},
		{Name: "PyOS_AfterFork_Child", Minor: 7, Ifdef: "HAVE_FORK"},
		{Name: "PyUnicode_AsUTF8AndSize", Minor: 10},
		{Name: "_Py_RefTotal", Minor: 10, ABIOnly: true, Ifdef: "Py_REF_DEBUG"},
		{Name: "PyErr_DisplayException", Minor: 12},
		{Name: "PyObject_Vectorcall", Minor: 12},
		{Name: "PyType_GetModuleByDef", Minor: 13},
		{Name: "Py_TYPE", Minor: 14},
	} {
		if got := abi[want.Name]; got != want {
			t.Errorf("%s = %+v, want %+v", want.Name, got, want)
		}
	}
	// Types, constants and macros are not symbols.
	for _, name := range []string{"PyObject", "Py_tp_dealloc", "Py_ssize_t", "Py_BEGIN_ALLOW_THREADS", "METH_VARARGS"} {
		if _, ok := abi[name]; ok {
			t.Errorf("%s is in the symbol list", name)
		}
	}
}

func TestParseStableABIErrors(t *testing.T) {
	for text, want := range map[string]string{
		"PyFoo\n":                      `embedded stableabi.txt:1: want NAME 3.N [abi-only] [ifdef=MACRO]: "PyFoo"`,
		"# c\nPyFoo 2.7\n":             `embedded stableabi.txt:2: version is not 3.N: "PyFoo 2.7"`,
		"PyFoo 3.x\n":                  `embedded stableabi.txt:1: version is not 3.N: "PyFoo 3.x"`,
		"PyFoo 3.2 weird\n":            `embedded stableabi.txt:1: unknown flag weird: "PyFoo 3.2 weird"`,
		"PyFoo 3.2 ifdef=\n":           `embedded stableabi.txt:1: unknown flag ifdef=: "PyFoo 3.2 ifdef="`,
		"PyFoo 3.2\nPyFoo 3.3\n":       `embedded stableabi.txt:2: duplicate symbol: "PyFoo 3.3"`,
		"# only a comment\n":           `embedded stableabi.txt: no symbols`,
		"PyFoo 3.2 abi-only ifdef=X\n": "",
	} {
		_, err := parseStableABI(text)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("parseStableABI(%q) error = %q, want %q", text, got, want)
		}
	}
}

func TestCheckStableABI(t *testing.T) {
	cases := []struct {
		name  string
		syms  []string
		minor int
		want  []string // StableABIProblem.String() of each problem, in order
	}{
		{"clean cp38", []string{"PyArg_ParseTuple", "_Py_Dealloc", "_Py_NoneStruct", "PyModule_Create2", "PyLong_FromLong", "PyExc_TypeError"}, 8, nil},
		{"non-Python symbols are ignored", []string{"memcpy", "__cxa_finalize", "strlen", "pthread_create"}, 8, nil},
		{"fork hooks exist on Linux", []string{"PyOS_AfterFork_Child", "PyThread_get_thread_native_id"}, 8, nil},
		{"added later", []string{"PyUnicode_AsUTF8AndSize", "PyLong_FromLong"}, 8, []string{"PyUnicode_AsUTF8AndSize (added in 3.10)"}},
		{"exactly its version", []string{"PyUnicode_AsUTF8AndSize"}, 10, nil},
		{"one minor short", []string{"PyUnicode_AsUTF8AndSize"}, 9, []string{"PyUnicode_AsUTF8AndSize (added in 3.10)"}},
		{"not stable at all", []string{"PyUnicode_AsUTF8", "_PyObject_GetState", "PyLong_FromLong"}, 12,
			[]string{"PyUnicode_AsUTF8 (not in the stable ABI)", "_PyObject_GetState (not in the stable ABI)"}},
		{"platform-only", []string{"PyErr_SetFromWindowsErr", "_Py_NegativeRefcount", "PyOS_CheckStack"}, 12,
			[]string{"PyErr_SetFromWindowsErr (stable ABI only on Windows)", "PyOS_CheckStack (stable ABI only with USE_STACKCHECK)", "_Py_NegativeRefcount (stable ABI only with Py_REF_DEBUG)"}},
		{"order: unfixable, newest, name; duplicates once",
			[]string{"PyObject_Vectorcall", "Py_NewRef", "PyIter_Send", "Py_TYPE", "PyFoo_Private", "Py_NewRef"}, 8,
			[]string{"PyFoo_Private (not in the stable ABI)", "Py_TYPE (added in 3.14)", "PyObject_Vectorcall (added in 3.12)", "PyIter_Send (added in 3.10)", "Py_NewRef (added in 3.10)"}},
		{"Py prefix is case-sensitive", []string{"py_helper", "PYTHON_thing", "Pyx_private"}, 8, []string{"Pyx_private (not in the stable ABI)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			probs, err := CheckStableABI(c.syms, c.minor)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range probs {
				got = append(got, p.String())
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("CheckStableABI(%v, %d) = %q, want %q", c.syms, c.minor, got, c.want)
			}
		})
	}
}

func TestStableABIMessage(t *testing.T) {
	check := func(syms []string, minor int) []StableABIProblem {
		t.Helper()
		probs, err := CheckStableABI(syms, minor)
		if err != nil {
			t.Fatal(err)
		}
		return probs
	}
	cases := []struct {
		syms      []string
		limited   string
		msg, hint string
	}{
		{[]string{"PyUnicode_AsUTF8AndSize"}, "cp38",
			`extension "pkg._x" (py-limited-api = "cp38") uses symbols outside the stable ABI of Python 3.8: PyUnicode_AsUTF8AndSize (added in 3.10)`,
			`raise py-limited-api to "cp310", or stop using it`},
		{[]string{"PyUnicode_AsUTF8AndSize", "PyObject_Vectorcall"}, "cp39",
			`extension "pkg._x" (py-limited-api = "cp39") uses symbols outside the stable ABI of Python 3.9: PyObject_Vectorcall (added in 3.12), PyUnicode_AsUTF8AndSize (added in 3.10)`,
			`raise py-limited-api to "cp312", or stop using them`},
		{[]string{"PyUnicode_AsUTF8"}, "cp312",
			`extension "pkg._x" (py-limited-api = "cp312") uses symbols outside the stable ABI of Python 3.12: PyUnicode_AsUTF8 (not in the stable ABI)`,
			`stop using it, or drop py-limited-api`},
		{[]string{"PyUnicode_AsUTF8", "Py_NewRef", "PyIter_Send", "PyObject_Vectorcall", "Py_TYPE", "PyType_GetName"}, "cp38",
			`extension "pkg._x" (py-limited-api = "cp38") uses symbols outside the stable ABI of Python 3.8: PyUnicode_AsUTF8 (not in the stable ABI), Py_TYPE (added in 3.14), PyObject_Vectorcall (added in 3.12), PyType_GetName (added in 3.11) and 2 more`,
			`stop using those not in the stable ABI and raise py-limited-api to "cp314", or drop py-limited-api`},
	}
	for _, c := range cases {
		msg, hint := stableABIMessage("pkg._x", c.limited, check(c.syms, limitedMinor(c.limited)))
		if msg != c.msg {
			t.Errorf("message for %v:\n got %s\nwant %s", c.syms, msg, c.msg)
		}
		if hint != c.hint {
			t.Errorf("hint for %v:\n got %s\nwant %s", c.syms, hint, c.hint)
		}
	}
}

// utf8Source is module u8._u calling PyUnicode_AsUTF8AndSize, in the stable
// ABI only from 3.10, declared by hand so that it compiles under any
// Py_LIMITED_API (the headers hide it below 3.10).
func utf8Source() string {
	return modSource("_u", "utf8len()", `PyAPI_FUNC(const char *) PyUnicode_AsUTF8AndSize(PyObject *, Py_ssize_t *);
static long utf8len(void) {
    Py_ssize_t n = -1;
    PyObject *s = PyUnicode_FromString("h\xc3\xa9");
    if (s != NULL && PyUnicode_AsUTF8AndSize(s, &n) == NULL) n = -2;
    Py_XDECREF(s);
    return (long)n;
}
`)
}

// TestStableABIAuditBuild: built with gcc, the module tagged cp38-abi3 that
// links PyUnicode_AsUTF8AndSize fails with the audit's error and writes
// nothing; the same project with cp310 builds, imports and runs.
func TestStableABIAuditBuild(t *testing.T) {
	t.Parallel()
	needGCC(t)
	py := debianPython(t)
	cache := t.TempDir() // shared: the cp38 module is linked once, then audited from the cache
	load := func(limited string) *pyproject.Project {
		t.Helper()
		dir := oneExtProject(t, "u8", "_u", `, py-limited-api = "`+limited+`"`, utf8Source(), nil)
		return loadProject(t, dir)
	}
	const want = `pyproject.toml:6:54: extension "u8._u" (py-limited-api = "cp38") uses symbols outside the stable ABI of Python 3.8: ` +
		`PyUnicode_AsUTF8AndSize (added in 3.10) (raise py-limited-api to "cp310", or stop using it)`

	for _, inPlace := range []bool{false, true} {
		p := load("cp38")
		opts := gccOptions(t, py, nil)
		opts.CacheDir, opts.InPlace = cache, inPlace
		res, err := Build(p, opts)
		if err == nil {
			t.Fatalf("in place %v: cp38 build succeeded: %+v", inPlace, res)
		}
		list, ok := diag.AsList(err)
		if !ok || len(list) != 1 {
			t.Fatalf("in place %v: error is not one diagnostic: %v", inPlace, err)
		}
		d := list[0]
		d.File = filepath.Base(d.File)
		if got := d.Error(); got != want {
			t.Errorf("in place %v: error\n got %s\nwant %s", inPlace, got, want)
		}
		if entries, _ := os.ReadDir(opts.OutDir); len(entries) != 0 {
			t.Errorf("in place %v: the failed build wrote %d entries to OutDir", inPlace, len(entries))
		}
		if built, _ := filepath.Glob(filepath.Join(p.Root, "u8", "*.so")); len(built) != 0 {
			t.Errorf("in place %v: the failed build wrote %v", inPlace, built)
		}
	}

	// optional = true: the audit failure skips the module with a warning.
	{
		dir := oneExtProject(t, "u8", "_u", `, py-limited-api = "cp38", optional = true`, utf8Source(), nil)
		log := &testutil.Log{}
		opts := gccOptions(t, py, nil)
		opts.CacheDir, opts.Log = cache, log
		p := loadProject(t, dir)
		res, err := Build(p, opts)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Files) != 0 || res.Tag != "" {
			t.Errorf("optional module built anyway: %+v", res)
		}
		warned := false
		for _, l := range linesWith(log, "warning: optional extension u8._u skipped: ") {
			warned = warned || strings.Contains(l, "PyUnicode_AsUTF8AndSize (added in 3.10)")
			// The project may be a temporary copy (the unpacked sdist):
			// the warning names its pyproject.toml relative to it.
			if !strings.Contains(l, "skipped: pyproject.toml:6:54: ") || strings.Contains(l, dir) {
				t.Errorf("warning does not name pyproject.toml relative to the project: %q", l)
			}
		}
		if !warned {
			t.Errorf("no warning naming the symbol: %q", log.Lines())
		}
		if info := infoLines(log); len(info) != 1 || !strings.HasPrefix(info[0], "Built no extension module (") || strings.Contains(info[0], "tag") {
			t.Errorf("summary = %q, want one 'Built no extension module (...)' line without a tag", info)
		}
	}

	p := load("cp310")
	opts := gccOptions(t, py, nil)
	opts.CacheDir, opts.InPlace = cache, true
	res, err := Build(p, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.Tag, "cp310-abi3-manylinux_") {
		t.Errorf("tag = %s, want cp310-abi3-manylinux_*", res.Tag)
	}
	if got := pyRun(t, py, p.Root, "import u8._u as m; print(m.value(), m.__file__.endswith('.abi3.so'))"); got != "3 True" {
		t.Errorf("python says %q, want \"3 True\"", got)
	}
}

// FuzzParseStableABI: the parser never panics, and what it accepts has a
// name, a non-negative minor version and no stray flag text.
func FuzzParseStableABI(f *testing.F) {
	f.Add(stableABIText[:2000])
	f.Add("PyFoo 3.2 abi-only ifdef=MS_WINDOWS\n# comment\nPyBar 3.10\n")
	f.Add("PyFoo 3.-1\n")
	f.Fuzz(func(t *testing.T, text string) {
		abi, err := parseStableABI(text)
		if err != nil {
			return
		}
		for name, s := range abi {
			if name == "" || s.Name != name || s.Minor < 0 || strings.ContainsAny(s.Ifdef, " \t") {
				t.Errorf("parseStableABI(%q) gave %+v", text, s)
			}
		}
	})
}
