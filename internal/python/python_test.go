package python

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"goflit/internal/pysrc"
	"goflit/internal/testutil"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestFind(t *testing.T) {
	sys := testutil.PythonWith(t)
	venv := filepath.Dir(filepath.Dir(testutil.Venv(t)))
	c := &Client{CacheDir: t.TempDir()}
	venvPy := filepath.Join(venv, "bin", "python")

	notPython := filepath.Join(t.TempDir(), "bin")
	if err := os.MkdirAll(notPython, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(notPython, "fakepy"), []byte("#!/bin/sh\necho 'fakepy: broken' >&2\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	emptyDir := t.TempDir()
	notExec := filepath.Join(t.TempDir(), "pyproject.toml")
	if err := os.WriteFile(notExec, []byte("[project]\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name, spec string
		env        map[string]string
		want       string // exact path, or "" when an error is expected
		wantErr    string // error prefix
	}{
		{"absolute", sys, nil, sys, ""},
		{"venv dir", venv, nil, venvPy, ""},
		{"env var", "", map[string]string{"FLIT_INSTALL_PYTHON": venv}, venvPy, ""},
		{"spec wins over env", sys, map[string]string{"FLIT_INSTALL_PYTHON": venv}, sys, ""},
		{"PATH lookup", "python3", map[string]string{"PATH": filepath.Join(venv, "bin") + ":/usr/bin"}, filepath.Join(venv, "bin", "python3"), ""},
		{"default python3 on PATH", "", map[string]string{"PATH": "/usr/bin"}, sys, ""},
		{"versioned name", "python3.11", map[string]string{"PATH": "/usr/bin"}, "/usr/bin/python3.11", ""},
		{"bad name", "no-such-python-xyz", map[string]string{"PATH": "/usr/bin"}, "", "Unable to resolve Python executable 'no-such-python-xyz': not found on PATH"},
		{"nothing on PATH", "", map[string]string{"PATH": emptyDir}, "", "Unable to resolve Python executable 'python3'"},
		{"bad absolute", "/no/such/python", nil, "", "Unable to resolve Python executable '/no/such/python': no such file"},
		{"absolute, not executable", notExec, nil, "", "Unable to resolve Python executable '" + notExec + "': not an executable file"},
		{"dir without python", emptyDir, nil, "", "Unable to resolve Python executable '" + emptyDir + "': the directory has no bin/python"},
		{"not a python", "fakepy", map[string]string{"PATH": notPython}, "", "error occurred trying to find the absolute filepath of Python executable 'fakepy'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.Find(tc.spec, env(tc.env))
			if tc.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.wantErr) {
					t.Fatalf("Find(%q) = %q, %v; want error %q", tc.spec, got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Find(%q) = %q, %v; want %q", tc.spec, got, err, tc.want)
			}
		})
	}

	t.Run("relative venv dir", func(t *testing.T) {
		t.Chdir(filepath.Dir(venv))
		got, err := c.Find("venv", env(nil))
		if err != nil || got != venvPy {
			t.Fatalf("Find(venv) = %q, %v; want %q", got, err, venvPy)
		}
	})
	t.Run("not-python error names the failure", func(t *testing.T) {
		_, err := c.Find("fakepy", env(map[string]string{"PATH": notPython}))
		if err == nil || !strings.Contains(err.Error(), "fakepy: broken") {
			t.Fatalf("error %v does not carry the interpreter's stderr", err)
		}
	})
}

func TestQuery(t *testing.T) {
	sys := testutil.PythonWith(t)
	venv := filepath.Dir(filepath.Dir(testutil.Venv(t)))
	cache := t.TempDir()
	log := &testutil.Log{}
	c := &Client{CacheDir: cache, Log: log}

	si, err := c.Query(sys)
	if err != nil {
		t.Fatal(err)
	}
	ref := testutil.MustRun(t, "", nil, sys, "-c", `import sys, sysconfig, site, importlib.machinery as m
print(sys.executable); print('%d.%d.%d' % sys.version_info[:3]); print(sysconfig.get_paths()['purelib'])
print(sysconfig.get_config_var('EXT_SUFFIX')); print(site.ENABLE_USER_SITE); print(' '.join(m.EXTENSION_SUFFIXES))
print(sysconfig.get_paths('posix_user')['scripts']); print(sysconfig.get_platform())`)
	want := strings.Split(strings.TrimSpace(ref), "\n")
	got := []string{si.Executable, si.Version, si.Paths.Purelib, si.ExtSuffix, pyBool(si.UserSiteEnabled),
		strings.Join(si.ExtensionSuffixes, " "), si.UserPaths.Scripts, si.Platform}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("system interpreter:\n got %q\nwant %q", got, want)
	}
	if si.InVenv || si.Implementation != "cpython" || si.VersionInfo[0] != 3 || si.PointerSize == 0 ||
		si.SOABI == "" || si.IncludePy == "" || si.Paths.Headers != si.Paths.Include {
		t.Errorf("system interpreter: unexpected %+v", si)
	}
	if fmt.Sprintf("%d.%d.%d", si.VersionInfo[0], si.VersionInfo[1], si.VersionInfo[2]) != si.Version {
		t.Errorf("VersionInfo %v does not match Version %s", si.VersionInfo, si.Version)
	}
	if _, err := os.Stat(filepath.Join(si.IncludePy, "Python.h")); err != nil {
		testutil.NeedPeer(t, false, "Python.h", "apt-get install python3-dev")
	}

	vpy := filepath.Join(venv, "bin", "python")
	vi, err := c.Query(vpy)
	if err != nil {
		t.Fatal(err)
	}
	xy := fmt.Sprintf("python%d.%d", si.VersionInfo[0], si.VersionInfo[1])
	if !vi.InVenv || vi.UserSiteEnabled || vi.Prefix != venv || vi.BasePrefix != si.Prefix ||
		vi.Executable != vpy || vi.Paths.Purelib != filepath.Join(venv, "lib", xy, "site-packages") ||
		vi.Paths.Scripts != filepath.Join(venv, "bin") ||
		vi.Paths.Headers != filepath.Join(venv, "include", "site", xy) {
		t.Errorf("venv interpreter: unexpected %+v", vi)
	}
	if p, err := vi.Scheme(false); err != nil || p.Purelib != vi.Paths.Purelib {
		t.Errorf("Scheme(false) = %v, %v", p, err)
	}

	// A second client (a new CLI run) reads the disk cache and does not
	// start Python.
	log2 := &testutil.Log{}
	c2 := &Client{CacheDir: cache, Log: log2}
	vi2, err := c2.Query(vpy)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(vi, vi2) {
		t.Errorf("cached description differs:\n%+v\n%+v", vi, vi2)
	}
	if strings.Contains(log2.String(), "running") || !strings.Contains(log2.String(), "described by cache") {
		t.Errorf("second client ran Python:\n%s", log2.String())
	}
	if !strings.Contains(log.String(), "running "+vpy) {
		t.Errorf("first client did not show the command:\n%s", log.String())
	}
	// Memory cache: the same client does not ask twice.
	before := log.Len()
	if _, err := c.Query(vpy); err != nil {
		t.Fatal(err)
	}
	if log.Len() != before {
		t.Errorf("memory cache missed: %s", log.String())
	}
	// Touching the interpreter's venv config invalidates the entry.
	cfg := filepath.Join(venv, "pyvenv.cfg")
	data, _ := os.ReadFile(cfg)
	if err := os.WriteFile(cfg, append(data, "\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	log3 := &testutil.Log{}
	if _, err := (&Client{CacheDir: cache, Log: log3}).Query(vpy); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log3.String(), "running") {
		t.Errorf("changed pyvenv.cfg did not invalidate the cache:\n%s", log3.String())
	}
	// Disabled disk cache.
	dir := t.TempDir()
	if _, err := (&Client{CacheDir: "-"}).Query(vpy); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("cache written while disabled")
	}
	if _, err := c.Query("/no/such/python"); err == nil {
		t.Error("Query of a missing interpreter succeeded")
	}
}

func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

// TestImportInfo runs the import fallback with Debian's python3 (which
// sees flit_core) and with a virtual environment made from it without
// system site packages, where flit_core is not importable, as for a
// goflit user's python3.
func TestImportInfo(t *testing.T) {
	pythons := map[string]string{"debian": testutil.PythonWith(t), "venv": testutil.Venv(t)}
	if _, err := testutil.Run(t, "", nil, pythons["venv"], "-c", "import flit_core"); err == nil {
		t.Fatalf("%s can import flit_core; the test needs an interpreter that cannot", pythons["venv"])
	}
	for _, which := range []string{"debian", "venv"} {
		t.Run(which, func(t *testing.T) { testImportInfo(t, pythons[which]) })
	}
}

func testImportInfo(t *testing.T, py string) {
	c := &Client{CacheDir: "-"}
	for _, tc := range []struct {
		name    string
		module  string
		files   map[string]string
		doc     string
		version any
		err     string // substring of the expected error
	}{
		{
			name: "version from a VERSION file", module: "vpkg",
			files: map[string]string{
				"src/vpkg/__init__.py": "\"\"\"Reads its version from a file.\"\"\"\nimport os\n" +
					"__version__ = open(os.path.join(os.path.dirname(__file__), \"VERSION\")).read().strip()\n",
				"src/vpkg/VERSION": "2.5.1\n",
			},
			doc: "Reads its version from a file.", version: "2.5.1",
		},
		{
			name: "relative import", module: "rel",
			files: map[string]string{
				"rel/__init__.py": "\"\"\"Relative.\"\"\"\nfrom ._version import __version__\nfrom .sub import helper\nprint('noise on stdout')\n",
				"rel/_version.py": "__version__ = '.'.join(['1', '2'])\n",
				"rel/sub.py":      "def helper(): pass\n",
			},
			doc: "Relative.", version: "1.2",
		},
		{
			name: "absolute import of itself via sys.path", module: "selfimp",
			files: map[string]string{
				"selfimp/__init__.py": "from selfimp.meta import V as __version__\n",
				"selfimp/meta.py":     "V = '3.0'\n",
			},
			doc: "", version: "3.0",
		},
		{
			name: "import error", module: "broken",
			files: map[string]string{
				"broken.py": "\"\"\"Broken.\"\"\"\nimport a_package_that_doesnt_exist_xyz\n__version__ = '1'\n",
			},
			err: "ModuleNotFoundError: No module named 'a_package_that_doesnt_exist_xyz'",
		},
		{
			name: "raise", module: "raiser",
			files: map[string]string{"raiser.py": "raise ImportError('nope')\n"},
			err:   "ImportError: nope (at ",
		},
		{
			name: "sys.exit", module: "quitter",
			files: map[string]string{"quitter.py": "import sys\nsys.exit(2)\n"},
			err:   "SystemExit: 2",
		},
		{
			name: "float version", module: "fl",
			files: map[string]string{"fl.py": "'doc'\nv = 0.1\n__version__ = v\n"},
			doc:   "doc", version: 0.1,
		},
		{
			name: "tuple version", module: "tu",
			files:   map[string]string{"tu.py": "__version__ = (1, 'a', b'x', None)\n"},
			version: []any{int64(1), "a", []byte("x"), nil},
		},
		{
			name: "complex version", module: "cx",
			files:   map[string]string{"cx.py": "__version__ = 1j\n"},
			version: Object{Type: "complex", Repr: "1j", Truthy: true},
		},
		{
			name: "project files do not shadow the helper's imports", module: "shadow",
			files: map[string]string{
				"shadow.py":    "'Doc.'\n__version__ = '1'\n",
				"json.py":      "raise RuntimeError('shadowed json imported')\n",
				"traceback.py": "raise RuntimeError('shadowed traceback imported')\n",
			},
			doc: "Doc.", version: "1",
		},
		{
			name: "no version", module: "nov",
			files: map[string]string{"nov.py": "'''Only a doc.'''\n"},
			doc:   "Only a doc.", version: nil,
		},
		{
			name: "namespace package", module: "ns1.pkg",
			files: map[string]string{"ns1/pkg/__init__.py": "'NS'\nfrom . import _v\n__version__ = _v.V\n", "ns1/pkg/_v.py": "V = '9'\n"},
			doc:   "NS", version: "9",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			testutil.WriteFiles(t, root, tc.files)
			m, err := pysrc.FindModule(tc.module, root, true)
			if err != nil {
				t.Fatal(err)
			}
			doc, version, err := c.ImportInfo(py, m)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), m.File()) || strings.Contains(err.Error(), "\n") {
					t.Fatalf("error = %v; want one line naming %s and containing %q", err, m.File(), tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if doc != tc.doc || !reflect.DeepEqual(version, tc.version) {
				t.Errorf("got doc %q version %#v; want %q %#v", doc, version, tc.doc, tc.version)
			}
		})
	}

	t.Run("missing interpreter", func(t *testing.T) {
		root := t.TempDir()
		testutil.WriteFile(t, filepath.Join(root, "m.py"), "x = 1\n")
		m, err := pysrc.FindModule("m", root, true)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = c.ImportInfo("/no/such/python3", m)
		if err == nil || !strings.Contains(err.Error(), "/no/such/python3 not found; "+hint) {
			t.Fatalf("error = %v", err)
		}
	})
}

// TestFindHint: flit build has no --python, so the way out every command
// shares, FLIT_INSTALL_PYTHON, comes first.
func TestFindHint(t *testing.T) {
	if !strings.HasPrefix(hint, "set FLIT_INSTALL_PYTHON") {
		t.Errorf("hint = %q; want it to start with FLIT_INSTALL_PYTHON", hint)
	}
	c := &Client{CacheDir: "-"}
	for _, spec := range []string{"/no/such/python3", t.TempDir(), "no-such-python-xyz"} {
		_, err := c.Find(spec, func(string) string { return "" })
		if err == nil || !strings.HasSuffix(err.Error(), "("+hint+")") {
			t.Errorf("Find(%q) error = %v; want it to end with (%s)", spec, err, hint)
		}
	}
}
