package build_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"goflit/internal/build"
	"goflit/internal/testutil"
	"goflit/names"
	"goflit/pyproject"
)

const rebuildScript = `
import sys, json, os, io, contextlib
import build
out = {}
for j in json.load(sys.stdin):
    try:
        b = build.ProjectBuilder(j['src'])
        missing = b.check_dependencies('wheel')
        if missing:
            raise RuntimeError('missing build dependencies: %r' % (missing,))
        with contextlib.redirect_stdout(io.StringIO()):
            out[j['name']] = b.build('wheel', j['out'])
    except Exception as e:
        out['error:' + j['name']] = '%s: %s' % (type(e).__name__, e)
json.dump(out, sys.stdout)
`

const wheelDiffScript = `
import sys, os, json, io, contextlib, runpy, zipfile
tool = os.path.join(os.environ['GOFLIT_TOOLS'], 'artifact_diff.py')
out = {}
for j in json.load(sys.stdin):
    buf = io.StringIO()
    sys.argv = ['artifact_diff', j['ref'], j['ours'], '--known']
    with contextlib.redirect_stdout(buf):
        try:
            runpy.run_path(tool, run_name='__main__')
        except SystemExit:
            pass
    lines = buf.getvalue().splitlines()
    with zipfile.ZipFile(j['ref']) as z:
        meta = [z.read(n).decode() for n in z.namelist() if n.endswith('.dist-info/METADATA')][0]
    out[j['name']] = {'diff': lines[:-1], 'metadata': meta}
json.dump(out, sys.stdout)
`

// TestInstallAndRebuild: every wheel we build installs with pip into one
// fresh venv and imports; every sdist builds again with
// `python3 -m build --no-isolation --wheel` (Debian's flit_core 3.8 as the
// backend) into a wheel equal to ours up to knownDifferences.
func TestInstallAndRebuild(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("creates a venv and runs pip and python -m build")
	}
	py := testutil.PythonWith(t, "venv", "pip", "build", "flit_core")
	tools := filepath.Join(testutil.ModuleRoot(), "..", "shared", "tools")
	base := t.TempDir()
	var wheels, modules []string
	type rebuild struct {
		name, sdist, wheel string
	}
	var rebuilds []rebuild
	for _, name := range sampleNames(t) {
		s := setupSample(t, name, filepath.Join(base, "src"))
		if s.wantErr {
			continue
		}
		arts, err := buildSample(s, filepath.Join(base, "out", name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var rb rebuild
		for _, a := range arts {
			if a.Format == "wheel" {
				wheels = append(wheels, a.Path)
				rb.wheel = a.Path
			} else {
				rb.sdist = a.Path
			}
		}
		if rb.wheel != "" {
			p, err := pyproject.Load(filepath.Join(s.dir, "pyproject.toml"), pyproject.Options{Getenv: envWith("FLIT_INSTALL_PYTHON", testutil.DebianPython)})
			if err != nil {
				t.Fatal(err)
			}
			if names.IsDottedIdentifier(p.Module.Name) && s.noImport == "" {
				modules = append(modules, p.Module.Name)
			}
		}
		if rb.sdist != "" && rb.wheel != "" && s.noRebuild == "" {
			rb.name = name
			rebuilds = append(rebuilds, rb)
		}
	}

	// A venv without its own pip (ensurepip is slow); Debian's pip installs
	// into it with --python.
	vpy := testutil.Venv(t)
	venv := filepath.Dir(filepath.Dir(vpy))
	args := append([]string{"-m", "pip", "--python", vpy, "install", "--no-index", "--no-deps", "--quiet", "--disable-pip-version-check"}, wheels...)
	if out, err := exec.Command(py, args...).CombinedOutput(); err != nil {
		t.Fatalf("pip install: %v\n%s", err, out)
	}
	imp := "import importlib\nfor m in " + pyList(modules) + ":\n    importlib.import_module(m)\nprint('ok')\n"
	if out, err := exec.Command(vpy, "-c", imp).CombinedOutput(); err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Fatalf("importing %v: %v\n%s", modules, err, out)
	}
	for _, f := range []string{"bin/alpha", "bin/zeta", "bin/eps-gui", "share/man/man1/foo.1"} {
		if _, err := os.Stat(filepath.Join(venv, f)); err != nil {
			t.Errorf("installed wheels lack %s: %v", f, err)
		}
	}
	if out, err := exec.Command(filepath.Join(venv, "bin", "alpha")).CombinedOutput(); err != nil {
		t.Errorf("console script alpha: %v\n%s", err, out)
	}

	// Rebuild each sdist as `python3 -m build --no-isolation --wheel` does
	// (build.ProjectBuilder in the current interpreter, after checking the
	// build dependencies), all in one Python process to keep the test fast.
	type pair struct {
		Name string `json:"name"`
		Ref  string `json:"ref"`
		Ours string `json:"ours"`
		Src  string `json:"src"`
		Out  string `json:"out"`
	}
	var pairs []pair
	for _, rb := range rebuilds {
		dir := filepath.Join(base, "rebuild", rb.name)
		top, err := build.Unpack(rb.sdist, dir)
		if err != nil {
			t.Fatalf("%s: %v", rb.name, err)
		}
		pairs = append(pairs, pair{Name: rb.name, Ours: rb.wheel, Src: top, Out: filepath.Join(dir, "out")})
	}
	built := map[string]string{}
	testutil.PythonJSON(t, py, rebuildScript, pairs, &built, "SOURCE_DATE_EPOCH="+sampleEpoch)
	for i := range pairs {
		p := &pairs[i]
		if msg, ok := built["error:"+p.Name]; ok {
			t.Fatalf("%s: python -m build failed on our sdist: %s", p.Name, msg)
		}
		p.Ref = built[p.Name]
	}
	if len(pairs) < 20 {
		t.Fatalf("only %d sdists rebuilt", len(pairs))
	}
	var res map[string]struct {
		Diff     []string `json:"diff"`
		Metadata string   `json:"metadata"`
	}
	testutil.PythonJSON(t, py, wheelDiffScript, pairs, &res, "GOFLIT_TOOLS="+tools)
	for _, p := range pairs {
		files, err := readArchive(p.Ours)
		if err != nil {
			t.Fatal(err)
		}
		var ours string
		for n, d := range files {
			if strings.HasSuffix(n, ".dist-info/METADATA") {
				ours = string(d)
			}
		}
		r := res[p.Name]
		items := append(r.Diff, metadataItems(r.Metadata, ours)...)
		for _, it := range unexplained(items, &diffCtx{}) {
			t.Errorf("%s: the wheel rebuilt from our sdist by flit_core 3.8 differs: %s", p.Name, it)
		}
	}
}

func pyList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
