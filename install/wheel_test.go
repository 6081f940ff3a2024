package install

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// pipDifferences are the documented, intended differences between what
// goflit installs and what pip 23 installs from the same wheel:
//   - INSTALLER says "flit" (no newline) instead of "pip\n" (and so its
//     RECORD hash and size differ);
//   - RECORD differs only in that INSTALLER row (compared separately);
//   - .pyc bytes embed the source file's mtime, which is the time of
//     extraction for both installers: only their presence is compared.
func pipDifferences(rel string) bool {
	return strings.HasSuffix(rel, ".dist-info/INSTALLER") || strings.HasSuffix(rel, ".dist-info/RECORD") || strings.HasSuffix(rel, ".pyc")
}

func TestInstallMatchesPip(t *testing.T) {
	t.Parallel()
	whl := flitWheel(t, "testdata/demo")
	venv := filepath.Join(t.TempDir(), "venv")

	// pip first, into a fresh venv.
	py := newVenv(t, venv)
	pip(t, py, "install", "--no-deps", whl)
	pipTree := tree(t, venv)
	pipRecord := readRecord(t, venv)
	// What pip's own install + uninstall leaves (pip keeps the emptied
	// share/ directory of data files).
	pip(t, py, "uninstall", "-y", "demo-pkg")
	pipCycle := tree(t, venv)

	// Then goflit, into a fresh venv at the same path (so shebangs match).
	if err := os.RemoveAll(venv); err != nil {
		t.Fatal(err)
	}
	py = newVenv(t, venv)
	target := venvTarget(t, py)
	res, err := InstallWheel(whl, target, Options{DirectURL: &DirectURL{URL: FileURL(whl), Archive: true}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Name != "demo_pkg" || res.Version != "1.2.0" {
		t.Errorf("result = %s %s", res.Name, res.Version)
	}
	ourTree := tree(t, venv)
	for rel, v := range pipTree {
		if pipDifferences(rel) {
			if _, ok := ourTree[rel]; !ok {
				t.Errorf("missing %s", rel)
			}
			delete(pipTree, rel)
			delete(ourTree, rel)
			continue
		}
		_ = v
	}
	for rel := range ourTree {
		if pipDifferences(rel) {
			t.Errorf("extra %s", rel)
		}
	}
	if d := treeDiff(pipTree, ourTree); d != "" {
		t.Errorf("installed tree differs from pip's (- pip, + goflit):\n%s", d)
	}
	ourRecord := readRecord(t, venv)
	norm := func(rec string) string {
		var out []string
		for _, line := range strings.Split(rec, "\r\n") {
			if strings.Contains(line, ".dist-info/INSTALLER,") {
				line = "INSTALLER"
			}
			out = append(out, line)
		}
		return strings.Join(out, "\r\n")
	}
	if norm(pipRecord) != norm(ourRecord) {
		t.Errorf("RECORD differs from pip's:\npip:\n%s\ngoflit:\n%s", pipRecord, ourRecord)
	}
	if got, _ := os.ReadFile(filepath.Join(res.DistInfo, "INSTALLER")); string(got) != "flit" {
		t.Errorf("INSTALLER = %q", got)
	}

	// The bytecode is valid and used (python -v says where each code object
	// came from) and names the final source path.
	cmd := exec.Command(py, "-v", "-c", "import demo_pkg; print(demo_pkg.main.__code__.co_filename)")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	pkgDir := filepath.Join(filepath.Dir(res.DistInfo), "demo_pkg")
	if want := filepath.Join(pkgDir, "__init__.py") + "\n"; string(out) != want {
		t.Errorf("co_filename = %q, want %q", out, want)
	}
	if want := "code object from '" + filepath.Join(pkgDir, "__pycache__", "__init__.cpython-311.pyc") + "'"; !strings.Contains(stderr.String(), want) {
		t.Errorf("python -v does not show %s:\n%s", want, stderr.String())
	}

	// It works: import, console script, pip show, pip uninstall.
	if out := run(t, py, "-c", "import demo_pkg.sub.mod as m; print(m.VALUE)"); out != "42\n" {
		t.Errorf("import: %q", out)
	}
	if out := run(t, filepath.Join(venv, "bin", "demo-cli")); out != "demo main ran\n" {
		t.Errorf("demo-cli: %q", out)
	}
	show := pip(t, py, "show", "-f", "Demo.Pkg")
	for _, want := range []string{"Name: Demo.Pkg", "Version: 1.2.0", "demo_pkg/sub/mod.py", "../../../bin/demo-cli"} {
		if !strings.Contains(show, want) {
			t.Errorf("pip show lacks %q:\n%s", want, show)
		}
	}
	pip(t, py, "uninstall", "-y", "demo-pkg")
	if d := treeDiff(pipCycle, tree(t, venv)); d != "" {
		t.Errorf("pip uninstall left the venv different from pip's own install+uninstall:\n%s", d)
	}
}

func readRecord(t *testing.T, venv string) string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(venv, "lib", "python*", "site-packages", "demo_pkg-*.dist-info", "RECORD"))
	if len(m) != 1 {
		t.Fatalf("RECORD: %v", m)
	}
	b, err := os.ReadFile(m[0])
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
