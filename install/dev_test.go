package install

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"goflit/internal/testutil"
	"goflit/pyproject"
)

func loadProject(t *testing.T, dir string) *pyproject.Project {
	t.Helper()
	p, err := pyproject.Load(filepath.Join(dir, "pyproject.toml"), pyproject.Options{NoImport: true})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func appendFile(t *testing.T, p, text string) {
	t.Helper()
	f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(text)
	f.Close()
}

// TestDevInstalls: --symlink and --pth-file installs of a flat project and
// of a namespace package in a src layout, in one venv. Edits to the source
// are live; replacing a dev install by a normal one (and back) never
// touches the source; pip show and pip uninstall handle them.
func TestDevInstalls(t *testing.T) {
	t.Parallel()
	work := t.TempDir()
	demo := filepath.Join(work, "demo")
	srcns := filepath.Join(work, "srcns")
	testutil.CopyDir(t, "testdata/demo", demo)
	testutil.CopyDir(t, "testdata/srcns", srcns)
	venv := filepath.Join(work, "venv")
	py := newVenv(t, venv)
	target := venvTarget(t, py)
	fresh := tree(t, venv)
	sources := tree(t, work)
	delete(sources, "venv")
	for k := range sources {
		if strings.HasPrefix(k, "venv/") {
			delete(sources, k)
		}
	}
	checkSources := func(stage string) {
		t.Helper()
		now := tree(t, work)
		for k, v := range sources {
			if now[k] != v && !strings.HasSuffix(k, ".py") {
				t.Errorf("%s: source file %s changed or vanished (%q -> %q)", stage, k, v, now[k])
			}
		}
	}

	// demo --symlink: package linked, data files linked, scripts written.
	pd := loadProject(t, demo)
	res, err := DevInstall(pd, target, Symlink, Options{})
	if err != nil {
		t.Fatal(err)
	}
	link, err := os.Readlink(filepath.Join(target.Scheme.Purelib, "demo_pkg"))
	if err != nil || link != filepath.Join(demo, "demo_pkg") {
		t.Errorf("purelib/demo_pkg -> %q, %v", link, err)
	}
	if l, err := os.Readlink(filepath.Join(venv, "share", "demo", "readme.txt")); err != nil || l != filepath.Join(demo, "data", "share", "demo", "readme.txt") {
		t.Errorf("data file link -> %q, %v", l, err)
	}
	du, _ := os.ReadFile(filepath.Join(res.DistInfo, "direct_url.json"))
	if want := `{"dir_info": {"editable": true}, "url": "` + FileURL(demo) + `"}`; string(du) != want {
		t.Errorf("direct_url.json = %s, want %s", du, want)
	}
	if out := run(t, filepath.Join(venv, "bin", "demo-cli")); out != "demo main ran\n" {
		t.Errorf("demo-cli: %q", out)
	}
	appendFile(t, filepath.Join(demo, "demo_pkg", "__init__.py"), "EDITED = 'symlink'\n")
	if out := run(t, py, "-c", "import demo_pkg; print(demo_pkg.EDITED)"); out != "symlink\n" {
		t.Errorf("edit not visible through the symlink: %q", out)
	}

	// srcns --pth-file: the namespace package from src/.
	pn := loadProject(t, srcns)
	if _, err := DevInstall(pn, target, PthFile, Options{}); err != nil {
		t.Fatal(err)
	}
	pthData, _ := os.ReadFile(filepath.Join(target.Scheme.Purelib, "ns1.pkg.pth"))
	if string(pthData) != filepath.Join(srcns, "src") {
		t.Errorf("ns1.pkg.pth = %q", pthData)
	}
	appendFile(t, filepath.Join(srcns, "src", "ns1", "pkg", "__init__.py"), "EDITED = 'pth'\n")
	if out := run(t, py, "-c", "import ns1.pkg; print(ns1.pkg.EDITED)"); out != "pth\n" {
		t.Errorf("edit not visible through the .pth file: %q", out)
	}
	if out := run(t, filepath.Join(venv, "bin", "ns1-hello")); out != "hello from ns1.pkg\n" {
		t.Errorf("ns1-hello: %q", out)
	}

	// srcns --symlink replaces the .pth install: ns1/ is a real directory,
	// ns1/pkg the link.
	if _, err := DevInstall(pn, target, Symlink, Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(target.Scheme.Purelib, "ns1.pkg.pth")); err == nil {
		t.Error("the .pth file of the replaced install is still there")
	}
	if fi, err := os.Lstat(filepath.Join(target.Scheme.Purelib, "ns1")); err != nil || !fi.IsDir() {
		t.Errorf("ns1 is not a plain directory: %v", err)
	}
	appendFile(t, filepath.Join(srcns, "src", "ns1", "pkg", "__init__.py"), "EDITED = 'ns-symlink'\n")
	if out := run(t, py, "-c", "import ns1.pkg; print(ns1.pkg.EDITED)"); out != "ns-symlink\n" {
		t.Errorf("edit not visible through the namespace symlink: %q", out)
	}

	// A normal install over the symlinked demo replaces the link by real
	// files and leaves the source alone; then back to --symlink.
	whl := flitWheel(t, demo)
	if _, err := InstallWheel(whl, target, Options{}); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(filepath.Join(target.Scheme.Purelib, "demo_pkg")); err != nil || !fi.IsDir() {
		t.Errorf("demo_pkg is not a real directory after the normal install: %v", err)
	}
	checkSources("after normal install over --symlink")
	if _, err := DevInstall(pd, target, Symlink, Options{}); err != nil {
		t.Fatal(err)
	}
	checkSources("after --symlink over a normal install")
	if out := run(t, py, "-c", "import demo_pkg; print(demo_pkg.EDITED)"); out != "symlink\n" {
		t.Errorf("after re-linking: %q", out)
	}

	// pip sees both and removes them without touching the sources.
	show := pip(t, py, "show", "-f", "demo.pkg", "ns1.pkg")
	for _, want := range []string{"Name: Demo.Pkg", "Name: ns1.pkg", "Version: 0.3", "ns1/pkg", "demo_pkg", "../../../bin/ns1-hello"} {
		if !strings.Contains(show, want) {
			t.Errorf("pip show lacks %q:\n%s", want, show)
		}
	}
	pip(t, py, "uninstall", "-y", "demo.pkg", "ns1.pkg")
	checkSources("after pip uninstall")
	// pip never removes a symlink whose target is outside the environment
	// ("Not removing ... outside environment": it resolves links before its
	// safety check), so flit's --symlink links stay; everything else goes.
	var left []string
	after := tree(t, venv)
	for k, v := range after {
		if _, ok := fresh[k]; !ok && v != "dir" && !strings.HasPrefix(v, "link -> "+work+"/") {
			left = append(left, k+" ("+v+")")
		}
	}
	if len(left) > 0 {
		t.Errorf("pip uninstall left files behind:\n%s", strings.Join(left, "\n"))
	}
}
