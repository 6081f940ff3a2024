package backend

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"goflit/internal/testutil"
	"goflit/pyproject"
)

func TestParseConfigSettings(t *testing.T) {
	tests := []struct {
		in      string
		want    map[string]string
		wantErr string
	}{
		{"", nil, ""},
		{`{}`, map[string]string{}, ""},
		{`{"compiler": "zig cc", "jobs": "2"}`, map[string]string{"compiler": "zig cc", "jobs": "2"}, ""},
		// pip and build turn a repeated -C key into a list.
		{`{"jobs": ["1", "2"], "--opt": null}`, map[string]string{"jobs": "1 2", "--opt": ""}, ""},
		{`{"k": []}`, map[string]string{"k": ""}, ""},
		{`{"caf\u00e9": "\u2603 \"q\""}`, map[string]string{"café": "☃ \"q\""}, ""},
		{`[]`, nil, "config_settings is not a JSON object"},
		{`{"jobs": 2}`, nil, `config_settings["jobs"] must be a string or a list of strings`},
		{`{"jobs": ["1", 2]}`, nil, `config_settings["jobs"] must be a string or a list of strings`},
		{`{"a": {"b": "c"}}`, nil, `config_settings["a"] must be a string or a list of strings`},
		{`{"a": `, nil, "config_settings is not a JSON object"},
	}
	for _, tc := range tests {
		got, err := ParseConfigSettings(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseConfigSettings(%q) error = %v, want %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseConfigSettings(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func FuzzParseConfigSettings(f *testing.F) {
	for _, s := range []string{"", "{}", `{"a": "b"}`, `{"a": ["b", "c"]}`, `{"a": null}`, `{"a": 1}`, `[1]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseConfigSettings(s)
		if err != nil {
			return
		}
		// Every accepted object of plain strings round-trips.
		var raw map[string]any
		if s == "" || json.Unmarshal([]byte(s), &raw) != nil {
			if s != "" {
				t.Fatalf("accepted %q, which is not a JSON object", s)
			}
			return
		}
		if len(got) != len(raw) {
			t.Fatalf("%q: %d settings, want %d", s, len(got), len(raw))
		}
		for k, v := range raw {
			if str, ok := v.(string); ok && got[k] != str {
				t.Fatalf("%q: %q = %q, want %q", s, k, got[k], str)
			}
		}
	})
}

// TestRunErrors: the hook-level errors name the hook and what is missing.
func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "pyproject.toml"), []byte("[project]\nname = \"x\"\nversion = \"1\"\ndescription = \"d\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "x.py"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	env := func(string) string { return "" }
	tests := []struct{ hook, dir, want string }{
		{"build_wheel", "", "build_wheel needs the output directory"},
		{"build_sdist", "", "build_sdist needs the output directory"},
		{"prepare_metadata_for_build_wheel", "", "prepare_metadata_for_build_wheel needs the metadata directory"},
		{"build_whee", "out", `unknown backend hook "build_whee" (known: get_requires_for_build_wheel, `},
	}
	for _, tc := range tests {
		_, err := Run(Request{Hook: tc.hook, ProjectDir: dir, Dir: tc.dir, Getenv: env})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.hook, err, tc.want)
		}
	}
	got, err := Run(Request{Hook: "get_requires_for_build_sdist", ProjectDir: dir, Getenv: env})
	if err != nil || got != "[]" {
		t.Errorf("get_requires_for_build_sdist = %q, %v; want []", got, err)
	}
}

// TestPrepareMetadataWheelFile: prepare_metadata_* writes a WHEEL file that
// does not contradict the wheel build_* makes: a pure project's says
// py3-none-any; an extension project's says Root-Is-Purelib: false and
// names no tag (the tag is known only after compiling). For the extension
// project build_wheel then accepts the prepared folder (its METADATA is the
// built wheel's) and makes a platform-tagged, non-purelib wheel.
func TestPrepareMetadataWheelFile(t *testing.T) {
	pure := t.TempDir()
	testutil.WriteFiles(t, pure, map[string]string{
		"pyproject.toml": "[project]\nname = \"x\"\nversion = \"1\"\ndescription = \"d\"\nrequires-python = \">=3.8\"\n",
		"x.py":           "",
	})
	ext := filepath.Join(t.TempDir(), "ext-c")
	testutil.CopyDir(t, filepath.Join(testutil.ModuleRoot(), "examples", "ext-c"), ext)
	env := func(string) string { return "" }
	gen := "Generator: " + pyprojectGenerator(t, pure) + "\n"
	tests := []struct{ project, hook, distInfo, want string }{
		{pure, "prepare_metadata_for_build_wheel", "x-1.dist-info",
			"Wheel-Version: 1.0\n" + gen + "Root-Is-Purelib: true\nTag: py3-none-any\n"},
		{pure, "prepare_metadata_for_build_editable", "x-1.dist-info",
			"Wheel-Version: 1.0\n" + gen + "Root-Is-Purelib: true\nTag: py3-none-any\n"},
		{ext, "prepare_metadata_for_build_wheel", "goflit_ext_c-1.0.0.dist-info",
			"Wheel-Version: 1.0\n" + gen + "Root-Is-Purelib: false\n"},
		{ext, "prepare_metadata_for_build_editable", "goflit_ext_c-1.0.0.dist-info",
			"Wheel-Version: 1.0\n" + gen + "Root-Is-Purelib: false\n"},
	}
	for _, tc := range tests {
		md := t.TempDir()
		name, err := Run(Request{Hook: tc.hook, ProjectDir: tc.project, Dir: md, Getenv: env})
		if err != nil || name != tc.distInfo {
			t.Errorf("%s %s = %q, %v; want %q", filepath.Base(tc.project), tc.hook, name, err, tc.distInfo)
			continue
		}
		if got := testutil.ReadFile(t, filepath.Join(md, name, "WHEEL")); got != tc.want {
			t.Errorf("%s %s: WHEEL =\n%s\nwant\n%s", filepath.Base(tc.project), tc.hook, got, tc.want)
		}
	}

	// The prepared folder of the extension project fits the wheel built with it.
	testutil.NeedCommand(t, "gcc", "apt-get install gcc")
	py := testutil.PythonWith(t)
	_, err := os.Stat("/usr/include/python3.11/Python.h")
	testutil.NeedPeer(t, err == nil, "Python.h", "apt-get install python3-dev")
	md := t.TempDir()
	name, err := Run(Request{Hook: "prepare_metadata_for_build_wheel", ProjectDir: ext, Dir: md, Getenv: env})
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	buildEnv := func(k string) string {
		switch k {
		case "FLIT_INSTALL_PYTHON":
			return py
		case "GOFLIT_EXT_CACHE":
			return filepath.Join(out, "cache")
		case "SOURCE_DATE_EPOCH":
			return "1700000000"
		case "PATH", "HOME":
			return os.Getenv(k)
		}
		return ""
	}
	whl, err := Run(Request{Hook: "build_wheel", ProjectDir: ext, Dir: out, MetadataDir: filepath.Join(md, name),
		ConfigSettings: map[string]string{"compiler": "gcc"}, Getenv: buildEnv})
	if err != nil {
		t.Fatalf("build_wheel with the prepared metadata: %v", err)
	}
	if strings.HasSuffix(whl, "-py3-none-any.whl") || !strings.HasPrefix(whl, "goflit_ext_c-1.0.0-cp311-cp311-") {
		t.Errorf("build_wheel made %s, want a cp311 platform wheel", whl)
	}
	files, err := readDistInfo(filepath.Join(out, whl))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(files["WHEEL"]), "Root-Is-Purelib: false\n") {
		t.Errorf("built WHEEL:\n%s", files["WHEEL"])
	}
}

// pyprojectGenerator is the Generator line goflit writes for the project in dir.
func pyprojectGenerator(t *testing.T, dir string) string {
	t.Helper()
	p, err := pyproject.Load(filepath.Join(dir, "pyproject.toml"), pyproject.Options{Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	return p.Profile.Generator
}
