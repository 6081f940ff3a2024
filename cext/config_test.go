package cext

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	toml "github.com/pelletier/go-toml/v2"

	"goflit/internal/diag"
	"goflit/internal/testutil"
	"goflit/pyproject"
)

const configHeader = `[project]
name = "pkg"
version = "1.0"
description = "Config test"

`

// loadConfigFixture writes header + the fixture as pyproject.toml next to a
// package "pkg", loads it with pyproject.Load and returns the project.
func loadConfigFixture(t *testing.T, body string) *pyproject.Project {
	t.Helper()
	return loadProject(t, writeTree(t, map[string]string{"pyproject.toml": configHeader + body, "pkg/__init__.py": ""}))
}

// loadProject loads dir/pyproject.toml with pyproject.Load (no import).
func loadProject(t *testing.T, dir string) *pyproject.Project {
	t.Helper()
	p, err := pyproject.Load(filepath.Join(dir, "pyproject.toml"), pyproject.Options{NoImport: true})
	if err != nil {
		t.Fatalf("pyproject.Load: %v", err)
	}
	return p
}

// planTree writes files to a new directory, loads its project and
// configuration, and returns plan's error.
func planTree(t *testing.T, files map[string]string) error {
	t.Helper()
	p := loadProject(t, writeTree(t, files))
	cfg, err := LoadConfig(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = plan(p, cfg)
	return err
}

// TestConfigGolden loads each testdata/config/*.toml and compares the
// decoded configuration (or every error, with positions) with its golden file.
func TestConfigGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/config/*.toml")
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".toml")
		t.Run(name, func(t *testing.T) {
			body, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			p := loadConfigFixture(t, string(body))
			if !Configured(p) {
				t.Errorf("Configured = false")
			}
			cfg, err := LoadConfig(p, nil)
			var got string
			if err != nil {
				got = diagText(t, err)
			} else {
				got = dumpConfig(cfg)
			}
			testutil.Golden(t, strings.TrimSuffix(f, ".toml")+".golden", []byte(got))
		})
	}
}

func dumpConfig(cfg *Config) string {
	type ext struct {
		Extension
		Macros []string
	}
	out := struct {
		Table      string
		Extensions []ext
		Build      Settings
	}{Table: cfg.Table, Build: cfg.Build}
	for _, e := range cfg.Extensions {
		x := ext{Extension: e}
		for _, m := range e.DefineMacros {
			if m.Value == nil {
				x.Macros = append(x.Macros, m.Name)
			} else {
				x.Macros = append(x.Macros, m.Name+"="+*m.Value)
			}
		}
		x.DefineMacros = nil
		out.Extensions = append(out.Extensions, x)
	}
	data, _ := json.MarshalIndent(out, "", "  ")
	return string(data) + "\n"
}

func TestConfigSettings(t *testing.T) {
	p := loadConfigFixture(t, "[tool.goflit]\nextensions = [{name = \"pkg._a\", sources = [\"pkg/a.c\"]}]\n[tool.goflit.build]\njobs = 4\ncompiler = \"gcc\"\n")
	cases := []struct {
		settings map[string]string
		want     Settings
		err      string
	}{
		{nil, Settings{Compiler: "gcc", BuildType: "release", Jobs: 4, Strip: true, Manylinux: "auto"}, ""},
		{map[string]string{"compiler": "zig", "jobs": "2", "target": "aarch64-linux-gnu.2.28", "build-type": "debug", "strip": "false", "manylinux": "manylinux_2_28"},
			Settings{Compiler: "zig", BuildType: "debug", Jobs: 2, Target: "aarch64-linux-gnu.2.28", Strip: false, Manylinux: "2_28"}, ""},
		{map[string]string{"compiler": "auto", "target": "native", "python": "/usr/bin/python3"},
			Settings{BuildType: "release", Jobs: 4, Strip: true, Manylinux: "auto", Python: "/usr/bin/python3"}, ""},
		{map[string]string{"jobs": "many", "build-type": "fast"}, Settings{},
			"config setting build-type: build-type=\"fast\" is not valid (use \"release\", \"debug\" or \"size\")\nconfig setting jobs: jobs=\"many\" is not a non-negative integer"},
	}
	for _, c := range cases {
		cfg, err := LoadConfig(p, c.settings)
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("%v: error = %v, want %s", c.settings, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%v: %v", c.settings, err)
			continue
		}
		if cfg.Build != c.want {
			t.Errorf("%v: settings = %+v, want %+v", c.settings, cfg.Build, c.want)
		}
	}
}

func TestNotConfigured(t *testing.T) {
	for _, body := range []string{"", "[tool.goflit]\n", "[tool.goflit]\nextensions = []\n", "[tool.other]\nextensions = [{name = \"x\"}]\n"} {
		if p := loadConfigFixture(t, body); Configured(p) {
			t.Errorf("Configured(%q) = true", body)
		}
	}
}

// TestPlanErrors checks the name/glob rules that need the project tree.
func TestPlanErrors(t *testing.T) {
	err := planTree(t, map[string]string{
		"pyproject.toml": configHeader + `[tool.goflit]
extensions = [
  {name = "other._x", sources = ["pkg/a.c"]},
  {name = "pkg.missing._x", sources = ["pkg/a.c"]},
  {name = "pkg.mod", sources = ["pkg/a.c"]},
  {name = "pkg._none", sources = ["pkg/*.cpp"]},
  {name = "pkg._txt", sources = ["pkg/*.txt"]},
  {name = "pkg._up", sources = ["../x.c"]},
  {name = "pkg._dep", sources = ["pkg/a.c"], depends = ["pkg/a.h", "pkg/*.hpp"]},
]
`,
		"pkg/__init__.py": "", "pkg/mod.py": "", "pkg/a.c": "", "pkg/a.h": "", "pkg/notes.txt": "",
	})
	testutil.Golden(t, "testdata/plan-errors.golden", []byte(diagText(t, err)))
}

// diagText is err's diagnostics, one a line, with file names made relative;
// err must be a diag.List.
func diagText(t *testing.T, err error) string {
	t.Helper()
	list, ok := diag.AsList(err)
	if !ok {
		t.Fatalf("error is not a diagnostic list: %v", err)
	}
	var b strings.Builder
	for _, d := range list {
		d.File = filepath.Base(d.File)
		b.WriteString(d.Error() + "\n")
	}
	return b.String()
}

func TestDisplayKey(t *testing.T) {
	for in, want := range map[string]string{
		"tool.goflit.build":          "[tool.goflit.build]",
		"tool.goflit.extension.0":    "[tool.goflit.extension][0]",
		"tool.goflit.extensions.2.x": "[tool.goflit.extensions][2].x",
		"tool.zlig.extensions":       "[tool.zlig.extensions]",
	} {
		if got := displayKey(in); got != want {
			t.Errorf("displayKey(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"tool.goflit.build.strip":           "tool.goflit.build.strip",
		"tool.goflit.extension.0.sources.1": "tool.goflit.extension[0].sources[1]",
	} {
		if got := valueKey(in); got != want {
			t.Errorf("valueKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClosest(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"sorces", "sources"}, {"jbos", "jobs"}, {"langauge", "language"}, {"compiller", "compiler"},
		{"extra-compile-arg", "extra-compile-args"}, {"flags", ""}, {"zzzzzz", ""},
	} {
		all := append(append([]string{}, extKeys...), buildKeys...)
		if got := closest(c.in, all); got != c.want {
			t.Errorf("closest(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// FuzzLoadConfig feeds arbitrary TOML to the [tool.goflit]/[tool.zlig]
// reader: it must never panic, and an accepted configuration has named
// extensions with sources.
func FuzzLoadConfig(f *testing.F) {
	files, _ := filepath.Glob("testdata/config/*.toml")
	for _, file := range files {
		data, _ := os.ReadFile(file)
		f.Add(string(data))
	}
	f.Add("[tool.goflit]\nextensions = [{name = \"a.b\", sources = [\"x.c\"], define-macros = [[\"A\", 1]]}]\n")
	f.Fuzz(func(t *testing.T, text string) {
		var doc map[string]any
		if toml.Unmarshal([]byte(text), &doc) != nil {
			return
		}
		p := &pyproject.Project{Doc: doc}
		Configured(p)
		cfg, err := LoadConfig(p, map[string]string{"jobs": "1"})
		if err != nil {
			if _, ok := diag.AsList(err); !ok {
				t.Fatalf("error is not a diagnostic list: %v", err)
			}
			return
		}
		for _, e := range cfg.Extensions {
			if e.Name == "" || len(e.Sources) == 0 {
				t.Fatalf("accepted extension without name or sources: %+v", e)
			}
		}
	})
}

// TestPlanSingleFileModule: a project whose module is one file (mod.py)
// cannot hold extension modules; the error says so and how to fix it
// instead of suggesting the name the user already wrote.
func TestPlanSingleFileModule(t *testing.T) {
	err := planTree(t, map[string]string{
		"pyproject.toml": "[project]\nname = \"sm\"\nversion = \"1\"\ndescription = \"x\"\n" +
			"[tool.goflit]\nextensions = [{name = \"sm._c\", sources = [\"csrc/c.c\"]}]\n",
		"sm.py": "", "csrc/c.c": "",
	})
	const want = `pyproject.toml:6:16: extension "sm._c" needs a package, but the module sm is the single file sm.py ` +
		"(make it a package: move sm.py to sm/__init__.py)\n"
	if got := diagText(t, err); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
