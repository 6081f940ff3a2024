package initcmd_test

import (
	"archive/zip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"goflit/internal/build"
	"goflit/internal/diag"
	"goflit/internal/testutil"
)

// goflitWheel builds a wheel of the project in dir with goflit's own build
// (what `flit build` runs, with the CLI's extra validation) and returns its
// path.
func goflitWheel(t *testing.T, dir string) string {
	t.Helper()
	getenv := func(k string) string {
		if k == "SOURCE_DATE_EPOCH" {
			return "1700000000"
		}
		return os.Getenv(k)
	}
	arts, err := build.Run(build.Request{ProjectFile: filepath.Join(dir, "pyproject.toml"), Formats: []string{"wheel"},
		OutDir: t.TempDir(), Getenv: getenv, Log: diag.Discard, Validate: true})
	if err != nil {
		t.Fatalf("goflit cannot build %s: %v", dir, err)
	}
	if len(arts) != 1 {
		t.Fatalf("goflit built %v", arts)
	}
	return arts[0].Path
}

// pyTOML parses a TOML file with Python's tomllib (the real peer) and
// returns the document.
func pyTOML(t *testing.T, path string) map[string]any {
	t.Helper()
	py := testutil.PythonWith(t, "tomllib")
	var doc map[string]any
	testutil.PythonJSON(t, py, `import sys, json, tomllib
print(json.dumps(tomllib.load(open(json.load(sys.stdin), "rb"))))`, path, &doc)
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
	out, err := testutil.Run(t, dir, []string{"SOURCE_DATE_EPOCH=1700000000"}, py, "-m", "flit_core.wheel")
	if err != nil {
		t.Fatalf("Debian flit_core cannot build %s: %v\n%s", dir, err, out)
	}
	whls, _ := filepath.Glob(filepath.Join(dir, "dist", "*.whl"))
	if len(whls) != 1 {
		t.Fatalf("expected one wheel in %s/dist, got %v\n%s", dir, whls, out)
	}
	return whls[0]
}

// debianWheels builds wheels of many projects with Debian's flit_core in
// one Python process (flit_core.wheel.make_wheel_in for each directory)
// and returns their paths, in order.
func debianWheels(t *testing.T, py string, dirs []string) []string {
	t.Helper()
	script := `import sys, os
from pathlib import Path
from flit_core.wheel import make_wheel_in
for d in sys.argv[1:]:
    os.chdir(d)
    os.makedirs(Path(d, "dist"), exist_ok=True)
    info = make_wheel_in(Path(d, "pyproject.toml"), Path(d, "dist"))
    print(Path(d, "dist", info.file.name))
`
	cmd := exec.Command(py, append([]string{"-c", script}, dirs...)...)
	cmd.Env = append(os.Environ(), "SOURCE_DATE_EPOCH=1700000000")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("Debian flit_core: %v\n%s", err, stderr.String())
	}
	whls := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(whls) != len(dirs) {
		t.Fatalf("Debian flit_core built %d wheels for %d projects:\n%s", len(whls), len(dirs), out)
	}
	return whls
}

// wheelMetadata returns the METADATA of a wheel.
func wheelMetadata(t *testing.T, whl string) string {
	t.Helper()
	for name, data := range zipEntries(t, whl) {
		if strings.HasSuffix(name, ".dist-info/METADATA") && strings.Count(name, "/") == 1 {
			return data
		}
	}
	t.Fatalf("%s has no METADATA", whl)
	return ""
}

// artifactDiffs runs testdata/artifact_diff.py (a copy of
// ../shared/tools/artifact_diff.py) on each (reference, candidate) pair in
// one Python process and returns its output for each pair.
func artifactDiffs(t *testing.T, pairs [][2]string) []string {
	t.Helper()
	tool, err := filepath.Abs(filepath.Join("testdata", "artifact_diff.py"))
	if err != nil {
		t.Fatal(err)
	}
	script := `import sys
tool = sys.argv[1]
code = compile(open(tool).read(), tool, "exec")
args = sys.argv[2:]
for a, b in zip(args[::2], args[1::2]):
    sys.argv = [tool, a, b]
    try:
        exec(code, {"__name__": "__main__"})
    except SystemExit:
        pass
    print("\x00END", flush=True)
`
	args := []string{"-c", script, tool}
	for _, p := range pairs {
		args = append(args, p[0], p[1])
	}
	out, err := testutil.Run(t, "", nil, testutil.DebianPython, args...)
	if err != nil {
		t.Fatalf("artifact_diff.py: %v\n%s", err, out)
	}
	res := strings.Split(out, "\x00END\n")
	if len(res) != len(pairs)+1 {
		t.Fatalf("artifact_diff.py gave %d results for %d pairs:\n%s", len(res)-1, len(pairs), out)
	}
	return res[:len(pairs)]
}

// zipEntries returns the names and contents of a wheel's entries.
func zipEntries(t *testing.T, whl string) map[string]string {
	t.Helper()
	z, err := zip.OpenReader(whl)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	out := map[string]string{}
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = string(data)
	}
	return out
}

// checkGoflitBuild builds the project in dir with goflit, unchanged, and
// checks the wheel's METADATA holds want and that LICENSE is under
// dist-info/licenses when licensed.
func checkGoflitBuild(t *testing.T, dir, distInfo string, licensed bool, want ...string) {
	t.Helper()
	files := zipEntries(t, goflitWheel(t, dir))
	md := files[distInfo+"/METADATA"]
	for _, w := range want {
		if !strings.Contains(md, w) {
			t.Errorf("goflit METADATA lacks %q:\n%s", w, md)
		}
	}
	if _, ok := files[distInfo+"/licenses/LICENSE"]; ok != licensed {
		t.Errorf("licenses/LICENSE in wheel: %v, want %v", ok, licensed)
	}
}
