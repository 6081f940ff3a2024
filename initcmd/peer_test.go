package initcmd_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"goflit/internal/testutil"
)

// pyTOML parses a TOML file with Python's tomllib (the real peer) and
// returns the document.
func pyTOML(t *testing.T, path string) map[string]any {
	t.Helper()
	py := testutil.PythonWith(t, "tomllib")
	out, err := exec.Command(py, "-c", `import sys, json, tomllib
print(json.dumps(tomllib.load(open(sys.argv[1], "rb"))))`, path).CombinedOutput()
	if err != nil {
		t.Fatalf("tomllib rejects %s: %v\n%s", path, err, out)
	}
	var doc map[string]any
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// buildWithDebianFlit builds a wheel of the project in dir with Debian's
// flit_core 3.8 and returns its path. flit_core 3.8 predates PEP 639
// (license = "SPDX", license-files), so those two lines are dropped from a
// copy first; everything else is built unchanged.
func buildWithDebianFlit(t *testing.T, dir string) string {
	t.Helper()
	py := testutil.PythonWith(t, "flit_core")
	work := filepath.Join(t.TempDir(), "proj")
	testutil.CopyDir(t, dir, work)
	pp := filepath.Join(work, "pyproject.toml")
	data, err := os.ReadFile(pp)
	if err != nil {
		t.Fatal(err)
	}
	// The PEP 639 keys that Debian's flit_core 3.8 predates.
	pep639Lines := regexp.MustCompile(`(?m)^license(-files)? = [^\n]*\n`)
	data = pep639Lines.ReplaceAll(data, nil)
	if err := os.WriteFile(pp, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return debianWheel(t, py, work)
}

// debianWheel runs flit_core.wheel in dir and returns the wheel built.
func debianWheel(t *testing.T, py, dir string) string {
	t.Helper()
	cmd := exec.Command(py, "-m", "flit_core.wheel")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "SOURCE_DATE_EPOCH=1700000000")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("Debian flit_core cannot build %s: %v\n%s", dir, err, out)
	}
	whls, _ := filepath.Glob(filepath.Join(dir, "dist", "*.whl"))
	if len(whls) != 1 {
		t.Fatalf("expected one wheel in %s/dist, got %v\n%s", dir, whls, out)
	}
	return whls[0]
}

// wheelMetadata returns the METADATA of a wheel, read with Python's zipfile.
func wheelMetadata(t *testing.T, whl string) string {
	t.Helper()
	out, err := exec.Command(testutil.DebianPython, "-c", `import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
n = [n for n in z.namelist() if n.endswith(".dist-info/METADATA")][0]
sys.stdout.write(z.read(n).decode())`, whl).CombinedOutput()
	if err != nil {
		t.Fatalf("reading %s: %v\n%s", whl, err, out)
	}
	return string(out)
}

// artifactDiff runs the shared artifact_diff.py; it returns its last line.
func artifactDiff(t *testing.T, ref, cand string) (string, string) {
	t.Helper()
	tool := filepath.Join("testdata", "artifact_diff.py") // copy of ../shared/tools/artifact_diff.py
	out, _ := exec.Command(testutil.DebianPython, tool, ref, cand).CombinedOutput()
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return lines[len(lines)-1], string(out)
}
