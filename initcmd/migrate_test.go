package initcmd_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pelletier/go-toml/v2"

	"goflit/initcmd"
	"goflit/internal/testutil"
)

func TestMigrateFlitCoreRequirement(t *testing.T) {
	tests := []struct{ in, want string }{
		{"flit_core >=2,<4", "flit_core >=3.11,<5"},
		{"flit_core>=3.2,<4", "flit_core >=3.11,<5"},
		{"flit_core >=3.12,<4", "flit_core >=3.12,<5"},
		{"flit-core ~=3.9", "flit_core >=3.11,<5"},
		{"Flit_Core", "flit_core >=3.11,<5"},
		{"flit_core >=3.11.1", "flit_core >=3.11.1,<5"},
		{"flit_core (>=3.20,<4)", "flit_core >=3.20,<5"},
		{"flit_core >=2,<4 ; python_version >= '3'", "flit_core >=3.11,<5 ; python_version >= '3'"},
		{"flit_core==3.12.*", "flit_core >=3.12,<5"},
	}
	for _, tt := range tests {
		got, ok := initcmd.MigrateFlitCoreRequirement(tt.in)
		if !ok || got != tt.want {
			t.Errorf("MigrateFlitCoreRequirement(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
	for _, other := range []string{"setuptools", "flit", "flit_core_ext >=1", "wheel"} {
		if got, ok := initcmd.MigrateFlitCoreRequirement(other); ok || got != other {
			t.Errorf("MigrateFlitCoreRequirement(%q) = %q, %v; want unchanged", other, got, ok)
		}
	}
}

func TestSplitKeywords(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"a b  c", "a|b|c"},
		{"a, b,c", "a|b|c"},
		{"two words, other", "two words|other"},
		{"", ""},
		{" , ", ""},
	}
	for _, tt := range tests {
		if got := strings.Join(initcmd.SplitKeywords(tt.in), "|"); got != tt.want {
			t.Errorf("SplitKeywords(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMigrateErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"nothing", "[project]\nname = \"x\"\n", "nothing to migrate"},
		{"syntax", "[tool.flit.metadata\nmodule = 1\n", "pyproject.toml:1:"},
		{"both", "[project]\nname = \"x\"\n[tool.flit.metadata]\nmodule = \"x\"\n", "both [project] and old-style"},
		{"module table", "[tool.flit.metadata]\nmodule = \"x\"\n[tool.flit.module]\nname = \"y\"\n", "[tool.flit.module] cannot be combined"},
		{"scripts only", "[tool.flit.scripts]\nx = \"y:z\"\n", "without [tool.flit.metadata]"},
		{"dotted", "[tool.flit]\nmetadata.module = \"x\"\n[tool.flit.scripts]\na = \"b:c\"\n", "tool.flit.metadata.module is not written under its own table header"},
		{"unknown key", "[tool.flit.metadata]\nmodule = \"x\"\nreqires = []\n", `unrecognised metadata key "reqires" (did you mean "requires"?)`},
		{"types", "[tool.flit.metadata]\nmodule = 1\nrequires = \"x\"\n[tool.flit.scripts]\na = 2\n",
			"module should be a string, not a number\npyproject.toml: [tool.flit.metadata]: requires should be a list of strings, not a string\npyproject.toml: [tool.flit.scripts]: a should be a string, not a number"},
		{"dev twice", "[tool.flit.metadata]\nmodule = \"x\"\ndev-requires = []\nrequires-extra = {dev = []}\n", "dev-requires occurs together"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := initcmd.Migrate([]byte(tt.src), "pyproject.toml")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestMigrateLayout(t *testing.T) {
	// Old tables at the end of the file, no [build-system], scripts before
	// metadata: the new table goes where [tool.flit.metadata] was.
	src := `[tool.black]
line-length = 88

[tool.flit.scripts]
go = "pkg:go"

# Attached to metadata.
[tool.flit.metadata]
module = "pkg"
author = "A"
`
	res, err := initcmd.Migrate([]byte(src), "pyproject.toml")
	if err != nil {
		t.Fatal(err)
	}
	want := `[tool.black]
line-length = 88

[build-system]
requires = ["flit_core >=3.11,<5"]
build-backend = "flit_core.buildapi"

# Attached to metadata.
[project]
name = "pkg"
authors = [{name = "A"}]
dynamic = ["version", "description"]

[project.scripts]
go = "pkg:go"
`
	if res.New != want {
		t.Errorf("got:\n%s", testutil.Diff(want, res.New))
	}
}

func TestMigrateCRLF(t *testing.T) {
	src := "[build-system]\r\nrequires = [\"flit_core >=2,<4\"]\r\n\r\n[tool.flit.metadata]\r\nmodule = \"m\"\r\n\r\n[tool.other]\r\nx = 1\r\n"
	res, err := initcmd.Migrate([]byte(src), "pyproject.toml")
	if err != nil {
		t.Fatal(err)
	}
	want := "[build-system]\r\nrequires = [\"flit_core >=3.11,<5\"]\r\n\r\n[project]\r\nname = \"m\"\r\ndynamic = [\"version\", \"description\"]\r\n\r\n[tool.other]\r\nx = 1\r\n"
	if res.New != want {
		t.Errorf("got %q\nwant %q", res.New, want)
	}
}

func TestUnifiedDiff(t *testing.T) {
	if d := initcmd.UnifiedDiff("a", "b", "x\n", "x\n"); d != "" {
		t.Errorf("equal texts: %q", d)
	}
	a := "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n"
	b := "1\n2\nthree\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n15\n16\n"
	got := initcmd.UnifiedDiff("a/pyproject.toml", "b/pyproject.toml", a, b)
	want := `--- a/pyproject.toml
+++ b/pyproject.toml
@@ -1,6 +1,6 @@
 1
 2
-3
+three
 4
 5
 6
@@ -11,5 +11,5 @@
 11
 12
 13
-14
 15
+16
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	checkPatch(t, a, b, got)
	checkPatch(t, "no newline", "no newline\nnow", initcmd.UnifiedDiff("a/pyproject.toml", "b/pyproject.toml", "no newline", "no newline\nnow"))
}

func TestParseINI(t *testing.T) {
	src := "\ufeff# comment\n[metadata]\nModule = m\nrequires = a\n    b\n\n    c\n; other comment\nurl: https://x%%y\n[scripts]\nX = m:main\n"
	secs, err := initcmd.ParseINI(src, "flit.ini", false)
	if err != nil {
		t.Fatal(err)
	}
	if len(secs) != 2 || secs[0].Name != "metadata" || secs[1].Name != "scripts" {
		t.Fatalf("sections = %+v", secs)
	}
	for key, want := range map[string]string{"module": "m", "requires": "a\nb\n\nc", "url": "https://x%y"} {
		if got, _ := secs[0].Get(key); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	if got, _ := secs[1].Get("x"); got != "m:main" {
		t.Errorf("scripts x = %q", got)
	}
	secs, _ = initcmd.ParseINI("[a.b]\nKey = v\n", "entry_points.txt", true)
	if got, ok := secs[0].Get("Key"); !ok || got != "v" {
		t.Errorf("case-sensitive key: %q %v", got, ok)
	}
	for _, bad := range []string{"key = v\n", "[s]\nnovalue\n", "[s]\na = 1\na = 2\n"} {
		if _, err := initcmd.ParseINI(bad, "f.ini", false); err == nil || !strings.HasPrefix(err.Error(), "f.ini:") {
			t.Errorf("ParseINI(%q) err = %v", bad, err)
		}
	}
}

func TestTomlifyErrors(t *testing.T) {
	tests := []struct{ name, ini, want string }{
		{"no metadata", "[scripts]\na = b:c\n", "has no [metadata] section"},
		{"no module", "[metadata]\nauthor = A\n", "[metadata] has no module"},
		{"unclosed section header", "[metadata\nmodule = m\n", `flit.ini:1: section header "[metadata" has no closing ]: write [metadata]`},
		{"unknown", "[metadata]\nmodule = m\nhomepage = x\n", `unrecognised metadata key "homepage" (did you mean "home-page"?)`},
		{"missing ep file", "[metadata]\nmodule = m\nentry-points-file = eps.txt\n",
			"flit.ini: entry-points-file: DIR/eps.txt does not exist: create it, or remove the entry-points-file key"},
		{"missing flit.ini", "", "DIR/flit.ini does not exist: flit tomlify converts a flit 0.x flit.ini to pyproject.toml; run it in the project's directory or give the file's path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "flit.ini")
			if tt.ini != "" {
				testutil.WriteFile(t, p, tt.ini)
			}
			_, err := initcmd.Tomlify(p)
			want := strings.ReplaceAll(tt.want, "DIR/", dir+string(filepath.Separator))
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("err = %v, want %q", err, want)
			}
			if err != nil && (strings.Contains(err.Error(), "\n") || strings.Contains(err.Error(), "open ")) {
				t.Errorf("not one clean line: %q", err)
			}
		})
	}
}

// TestMigrateTomlifyBinary runs the commands as users do.
func TestMigrateTomlifyBinary(t *testing.T) {
	bin := testutil.FlitBinary(t)
	s := samples(t)[0]
	dir := t.TempDir()
	s.extract(t, dir)
	run := func(args ...string) (string, string, int) {
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		r := testutil.Capture(t, cmd)
		return r.Stdout, r.Stderr, r.Code
	}
	before := testutil.ReadFile(t, filepath.Join(dir, "pyproject.toml"))
	out, errOut, code := run("migrate", "--dry-run")
	if code != 0 || !strings.HasPrefix(out, "--- a/pyproject.toml\n+++ b/pyproject.toml\n") || !strings.Contains(errOut, "Dry run") {
		t.Fatalf("migrate --dry-run: exit %d\n%s\n%s", code, out, errOut)
	}
	if testutil.ReadFile(t, filepath.Join(dir, "pyproject.toml")) != before {
		t.Fatal("--dry-run changed the file")
	}
	out2, _, code := run("migrate")
	if code != 0 || out2 != out {
		t.Fatalf("migrate: exit %d, diff differs from dry run:\n%s", code, out2)
	}
	after := testutil.ReadFile(t, filepath.Join(dir, "pyproject.toml"))
	var doc map[string]any
	if err := toml.Unmarshal([]byte(after), &doc); err != nil || doc["project"] == nil {
		t.Fatalf("migrated file: %v\n%s", err, after)
	}
	if _, errOut, code = run("migrate"); code != 1 || !strings.Contains(errOut, "nothing to migrate") {
		t.Errorf("second migrate: exit %d: %s", code, errOut)
	}

	// tomlify refuses to overwrite, then writes with --force and prints.
	if _, errOut, code = run("tomlify"); code != 1 || !strings.Contains(errOut, "pass --force") {
		t.Errorf("tomlify over an existing file: exit %d: %s", code, errOut)
	}
	out, errOut, code = run("tomlify", "--force", "flit.ini")
	if code != 0 || !strings.Contains(out, "[project]\nname = \"basic\"") || !strings.Contains(errOut, "Written") {
		t.Errorf("tomlify --force: exit %d\n%s\n%s", code, out, errOut)
	}
	if got := testutil.ReadFile(t, filepath.Join(dir, "pyproject.toml")); !strings.HasPrefix(out, got) {
		t.Errorf("printed text is not the file written:\n%s", got)
	}
	_ = os.Remove(filepath.Join(dir, "flit.ini"))
	if _, errOut, code = run("tomlify"); code != 1 || !strings.Contains(errOut, "flit.ini") {
		t.Errorf("tomlify without flit.ini: exit %d: %s", code, errOut)
	}
}

func FuzzParseINI(f *testing.F) {
	f.Add("[metadata]\nmodule = m\nrequires = a\n  b\n")
	f.Add("[s]\n; c\nk: v%%\n\n  cont\n")
	f.Fuzz(func(t *testing.T, src string) {
		secs, err := initcmd.ParseINI(src, "f.ini", false)
		if err != nil {
			if strings.Contains(err.Error(), "\n\n") {
				t.Fatalf("empty error line: %q", err)
			}
			return
		}
		for _, s := range secs {
			for _, kv := range s.Options {
				if kv.Key != strings.ToLower(kv.Key) || strings.HasSuffix(kv.Value, "\n") {
					t.Fatalf("option %+v", kv)
				}
			}
		}
	})
}

// FuzzMigrate: Migrate never panics; what it produces is valid TOML with a
// [project] table and nothing left to migrate.
func FuzzMigrate(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "oldstyle", "*.txtar"))
	for _, p := range paths {
		data, _ := os.ReadFile(p)
		if _, rest, ok := strings.Cut(string(data), "-- pyproject.toml --\n"); ok {
			src, _, _ := strings.Cut(rest, "\n-- ")
			f.Add(src + "\n")
		}
	}
	f.Fuzz(func(t *testing.T, src string) {
		res, err := initcmd.Migrate([]byte(src), "pyproject.toml")
		if err != nil {
			return
		}
		var doc map[string]any
		if err := toml.Unmarshal([]byte(res.New), &doc); err != nil {
			t.Fatalf("migrated text is not TOML: %v\n%s", err, res.New)
		}
		if doc["project"] == nil {
			t.Fatalf("no [project]:\n%s", res.New)
		}
		if _, err := initcmd.Migrate([]byte(res.New), "pyproject.toml"); err == nil {
			t.Fatalf("migrating twice succeeded:\n%s", res.New)
		}
	})
}

// FuzzQuote: Quote always gives a TOML string that decodes to the input.
func FuzzQuote(f *testing.F) {
	for _, s := range []string{"", "a\"b\\c", "tab\t\x00\x7f", "Zoë 日本"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return // TOML files are UTF-8
		}
		var doc map[string]string
		if err := toml.Unmarshal([]byte("k = "+initcmd.Quote(s)), &doc); err != nil {
			t.Fatalf("Quote(%q) = %s: %v", s, initcmd.Quote(s), err)
		}
		if doc["k"] != s {
			t.Fatalf("Quote(%q) decodes to %q", s, doc["k"])
		}
	})
}

// A comment after a value inside an old table's array cannot move with
// the value (the new table is written fresh); it must not vanish
// silently: the notes list it, like a whole-line comment in a value.
func TestMigrateInlineCommentsInValuesAreReported(t *testing.T) {
	src := `[tool.flit.metadata]
module = "pkg"
requires = [
    "attrs >=19",  # needed for slots
    # whole-line note
    "six",
]
requires-extra = {test = [
    "pytest", # runner
]}
`
	res, err := initcmd.Migrate([]byte(src), "pyproject.toml")
	if err != nil {
		t.Fatal(err)
	}
	var got string
	for _, n := range res.Notes {
		if strings.HasPrefix(n, "comments inside the old tables' values were dropped: ") {
			got = n
		}
	}
	want := "comments inside the old tables' values were dropped: # needed for slots | # whole-line note | # runner"
	if got != want {
		t.Errorf("notes %q\nwant a note %q", res.Notes, want)
	}
}
