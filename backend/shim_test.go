package backend_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"goflit/internal/testutil"
)

// TestShimUnit runs python/tests (the shim against a fake binary: every
// hook's argv and result, log forwarding, BackendError, config_settings,
// GOFLIT_BIN, _find's search order, python -m goflit) with Debian's python3.
func TestShimUnit(t *testing.T) {
	t.Parallel()
	py := testutil.PythonWith(t)
	root := testutil.ModuleRoot()
	out, err := testutil.Run(t, "", []string{"PYTHONPATH=" + filepath.Join(root, "python"), "PYTHONDONTWRITEBYTECODE=1"},
		py, "-m", "unittest", "discover", "-s", filepath.Join(root, "python", "tests"), "-v")
	if err != nil {
		t.Fatalf("python unittest of the shim failed: %v\n%s", err, out)
	}
	if !strings.Contains(out, "\nOK") {
		t.Fatalf("unexpected unittest output:\n%s", out)
	}
}

// shimPython runs a Python script in dir with the repository's shim on
// sys.path and GOFLIT_BIN pointing at the freshly built binary, and decodes
// the JSON the script prints.
func shimPython(t *testing.T, dir, script string, result any) {
	t.Helper()
	py := testutil.PythonWith(t)
	cmd := exec.Command(py, "-c", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PYTHONPATH="+filepath.Join(testutil.ModuleRoot(), "python"),
		"GOFLIT_BIN="+testutil.FlitBinary(t), "PYTHONDONTWRITEBYTECODE=1", "SOURCE_DATE_EPOCH=1700000000")
	res := testutil.Capture(t, cmd)
	if res.Code != 0 {
		t.Fatalf("python script failed: exit %d\nstdout:\n%s\nstderr:\n%s", res.Code, res.Stdout, res.Stderr)
	}
	lines := strings.Split(strings.TrimSpace(res.Stdout), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), result); err != nil {
		t.Fatalf("decoding the script's result: %v\nstdout:\n%s\nstderr:\n%s", err, res.Stdout, res.Stderr)
	}
}

const getRequiresScript = `
import json, goflit.buildapi as g, flit_core.buildapi as f
hooks = ["get_requires_for_build_wheel", "get_requires_for_build_sdist", "get_requires_for_build_editable"]
print(json.dumps({"goflit": {h: getattr(g, h)() for h in hooks}, "flit_core": {h: getattr(f, h)() for h in hooks}}))
`

// TestShimGetRequires: through the shim and the real binary, get_requires_*
// return [] when the version and description are static or readable from
// the source, and the runtime requirements (extras included) when the
// module must be imported, as flit_core does (checked against Debian's
// flit_core on the same project).
func TestShimGetRequires(t *testing.T) {
	t.Parallel()
	testutil.PythonWith(t, "flit_core")
	const head = "[build-system]\nrequires = [\"goflit\"]\nbuild-backend = \"goflit.buildapi\"\n\n[project]\nname = \"pkg\"\n"
	const deps = "dependencies = [\"requests >=2.0\", \"tomli; python_version < '3.11'\"]\n\n" +
		"[project.optional-dependencies]\ntest = [\"pytest >=7\"]\n"
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"static", map[string]string{
			"pyproject.toml":  head + "version = \"1.0\"\ndescription = \"Static.\"\n" + deps,
			"pkg/__init__.py": "import requests\n",
		}, []string{}},
		{"readable from source", map[string]string{
			"pyproject.toml":  head + "dynamic = [\"version\", \"description\"]\n" + deps,
			"pkg/__init__.py": "\"\"\"Docstring.\"\"\"\nimport requests\n__version__ = \"1.0\"\n",
		}, []string{}},
		{"needs import", map[string]string{
			"pyproject.toml": head + "dynamic = [\"version\", \"description\"]\n" + deps,
			"pkg/__init__.py": "\"\"\"Version from a file.\"\"\"\nimport os\nimport requests\n\n" +
				"with open(os.path.join(os.path.dirname(__file__), \"VERSION\")) as f:\n    __version__ = f.read().strip()\n",
			"pkg/VERSION": "1.2.3\n",
		}, []string{"requests >=2.0", "tomli; python_version < '3.11'", "pytest >=7 ; extra == \"test\""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			testutil.WriteFiles(t, dir, tc.files)
			var got map[string]map[string][]string
			shimPython(t, dir, getRequiresScript, &got)
			for _, who := range []string{"goflit", "flit_core"} {
				for hook, reqs := range got[who] {
					if !reflect.DeepEqual(reqs, tc.want) {
						t.Errorf("%s %s = %q, want %q", who, hook, reqs, tc.want)
					}
				}
				if len(got[who]) != 3 {
					t.Errorf("%s: %d results, want 3", who, len(got[who]))
				}
			}
		})
	}
}

const hooksScript = `
import json, os, zipfile, goflit.buildapi as g
out = {}
def meta(whl):
    with zipfile.ZipFile(os.path.join("wd", whl)) as z:
        names = z.namelist()
        md = [n for n in names if n.endswith(".dist-info/METADATA")][0]
        return names, z.read(md).decode()
def prepared(md, name):
    with open(os.path.join(md, name, "METADATA")) as f:
        return f.read()
for kind in ("editable", "wheel"):
    md = "md-" + kind
    name = getattr(g, "prepare_metadata_for_build_" + kind)(md)
    whl = getattr(g, "build_" + kind)("wd", metadata_directory=os.path.join(md, name))
    names, m = meta(whl)
    pth = [n for n in names if n.endswith(".pth")]
    out[kind] = {"dist_info": name, "wheel": whl, "same_metadata": m == prepared(md, name),
                 "pth": zipfile.ZipFile(os.path.join("wd", whl)).read(pth[0]).decode() if pth else None,
                 "has_module": "srcpkg/__init__.py" in names}
    # A prepared folder that no longer matches the project is refused.
    with open(os.path.join(md, name, "METADATA"), "a") as f:
        f.write("Requires-Dist: extra-thing\n")
    os.rename(os.path.join("wd", whl), os.path.join("wd", whl + ".good"))
    try:
        getattr(g, "build_" + kind)("wd", metadata_directory=os.path.join(md, name))
        out[kind]["mismatch"] = None
    except g.BackendError as e:
        out[kind]["mismatch"] = str(e)
out["wd"] = sorted(os.listdir("wd"))
out["sdist"] = g.build_sdist("sd")
with open("pyproject.toml") as f:
    text = f.read()
with open("pyproject.toml", "w") as f:
    f.write(text.replace("readme =", "reedme ="))
try:
    g.build_wheel("wd")
    out["broken"] = None
except g.BackendError as e:
    out["broken"] = str(e)
print(json.dumps(out))
`

// TestShimHooks drives the build hooks through the shim with the real
// binary on a src-layout project: build_editable and build_wheel honour the
// metadata_directory that prepare_metadata_* returned, refuse one that no
// longer matches (and leave no wheel behind), and a broken pyproject.toml
// becomes a BackendError carrying goflit's one-line message.
func TestShimHooks(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	testutil.WriteFiles(t, dir, map[string]string{
		"pyproject.toml": "[build-system]\nrequires = [\"goflit\"]\nbuild-backend = \"goflit.buildapi\"\n\n" +
			"[project]\nname = \"srcpkg\"\nrequires-python = \">=3.8\"\ndynamic = [\"version\", \"description\"]\nreadme = \"README.md\"\n",
		"README.md":              "# srcpkg\n",
		"src/srcpkg/__init__.py": "\"\"\"A src-layout package.\"\"\"\n__version__ = \"2.0\"\n",
	})
	type hookResult struct {
		DistInfo     string  `json:"dist_info"`
		Wheel        string  `json:"wheel"`
		SameMetadata bool    `json:"same_metadata"`
		Pth          *string `json:"pth"`
		HasModule    bool    `json:"has_module"`
		Mismatch     *string `json:"mismatch"`
	}
	var got struct {
		Editable, Wheel hookResult
		WD              []string `json:"wd"`
		Sdist           string
		Broken          *string
	}
	shimPython(t, dir, hooksScript, &got)

	for kind, r := range map[string]hookResult{"editable": got.Editable, "wheel": got.Wheel} {
		if r.DistInfo != "srcpkg-2.0.dist-info" || r.Wheel != "srcpkg-2.0-py3-none-any.whl" || !r.SameMetadata {
			t.Errorf("%s: dist-info %q, wheel %q, same METADATA %v", kind, r.DistInfo, r.Wheel, r.SameMetadata)
		}
		if r.Mismatch == nil || !strings.Contains(*r.Mismatch, "METADATA differ from the prepared metadata") {
			t.Errorf("%s with a stale metadata_directory: error %q", kind, deref(r.Mismatch))
		}
	}
	wantPth := filepath.Join(dir, "src")
	if p := got.Editable.Pth; p == nil || strings.TrimSpace(*p) != wantPth || got.Editable.HasModule {
		t.Errorf("editable wheel: pth %q (want %q), module included %v", deref(p), wantPth, got.Editable.HasModule)
	}
	if got.Wheel.Pth != nil || !got.Wheel.HasModule {
		t.Errorf("wheel: pth %q, module included %v", deref(got.Wheel.Pth), got.Wheel.HasModule)
	}
	if want := []string{"srcpkg-2.0-py3-none-any.whl.good"}; !reflect.DeepEqual(got.WD, want) {
		// Both good wheels have the same name; the second rename replaced the first.
		t.Errorf("wheel directory after the refused builds: %q, want %q", got.WD, want)
	}
	if got.Sdist != "srcpkg-2.0.tar.gz" {
		t.Errorf("build_sdist returned %q", got.Sdist)
	}
	// One line naming the file, position, key and fix (the wording is
	// package pyproject's).
	if b := deref(got.Broken); !strings.HasPrefix(b, "pyproject.toml:9:1: ") || !strings.Contains(b, `reedme`) ||
		!strings.Contains(b, `"readme"`) || strings.Contains(b, "\n") {
		t.Errorf("broken project: BackendError %q, want one line at pyproject.toml:9:1 naming reedme and readme", b)
	}
}

func deref(p *string) string {
	if p == nil {
		return "<none>"
	}
	return *p
}

// TestShimImportsWithHookInterpreter: the import fallback runs the module in
// the interpreter running the hook (the frontend's, where get_requires'
// dependencies were installed), as flit_core does, not in the python3 on
// PATH. Here the dependency exists only in a venv that runs the hooks, and
// python3 on PATH is Debian's python, which lacks it.
func TestShimImportsWithHookInterpreter(t *testing.T) {
	venvPy := testutil.Venv(t)
	purelib := strings.TrimSpace(testutil.MustRun(t, "", nil, venvPy, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"))
	if err := os.WriteFile(filepath.Join(purelib, "onlyinvenv.py"), []byte("VERSION = '3.4'\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	pathDir := t.TempDir()
	if err := os.Symlink(testutil.PythonWith(t), filepath.Join(pathDir, "python3")); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	testutil.WriteFiles(t, dir, map[string]string{
		"pyproject.toml": "[build-system]\nrequires = [\"goflit\"]\nbuild-backend = \"goflit.buildapi\"\n[project]\nname = \"needsdep\"\ndynamic = [\"version\", \"description\"]\ndependencies = [\"onlyinvenv\"]\n",
		"needsdep.py":    "\"\"\"Needs a dependency to import.\"\"\"\nimport onlyinvenv\n__version__ = onlyinvenv.VERSION\n",
	})
	out := filepath.Join(t.TempDir(), "out")
	cmd := exec.Command(venvPy, "-c", `
import json, os, sys, tempfile, goflit.buildapi as g
md = tempfile.mkdtemp()
print(json.dumps([g.get_requires_for_build_wheel(), g.prepare_metadata_for_build_wheel(md), g.build_wheel(sys.argv[1]), g.build_sdist(sys.argv[1])]))
`, out)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PYTHONPATH="+filepath.Join(testutil.ModuleRoot(), "python"),
		"GOFLIT_BIN="+testutil.FlitBinary(t), "PYTHONDONTWRITEBYTECODE=1", "FLIT_INSTALL_PYTHON=",
		"PATH="+pathDir+string(os.PathListSeparator)+os.Getenv("PATH"))
	res := testutil.Capture(t, cmd)
	if res.Code != 0 {
		t.Fatalf("hooks failed: exit %d\nstdout:\n%s\nstderr:\n%s", res.Code, res.Stdout, res.Stderr)
	}
	want := `[["onlyinvenv"], "needsdep-3.4.dist-info", "needsdep-3.4-py2.py3-none-any.whl", "needsdep-3.4.tar.gz"]`
	if got := strings.TrimSpace(res.Stdout); got != want {
		t.Errorf("hook results = %s, want %s", got, want)
	}
}
