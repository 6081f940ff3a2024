package backend

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
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
