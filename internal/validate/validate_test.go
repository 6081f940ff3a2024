package validate

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"goflit/check"
	"goflit/coremeta"
	"goflit/internal/diag"
	"goflit/internal/testutil"
	"goflit/pyproject"
)

func render(l diag.List) string {
	var b strings.Builder
	for _, d := range l {
		b.WriteString(d.Error() + "\n")
	}
	return b.String()
}

func pos(line int, src string) diag.Diagnostic {
	return diag.Diagnostic{File: "pyproject.toml", Line: line, Col: 1, Source: src}
}

func TestClassifierList(t *testing.T) {
	cls := Classifiers()
	if len(cls) < 800 {
		t.Fatalf("only %d classifiers embedded", len(cls))
	}
	if !sort.StringsAreSorted(cls) {
		t.Error("Classifiers() not sorted")
	}
	tests := []struct {
		in             string
		ok, deprecated bool
	}{
		{"Programming Language :: Python :: 3", true, false},
		{"License :: OSI Approved :: MIT License", true, false},
		{"Private :: Do Not Upload", true, false},
		{"Natural Language :: Ukranian", true, true},
		{"Topic :: Communications :: Chat :: AOL Instant Messenger", true, true},
		{"Programming Language :: Pyhton", false, false},
		{"", false, false},
		{"programming language :: python :: 3", false, false},
	}
	for _, tt := range tests {
		ok, dep := IsValidClassifier(tt.in)
		if ok != tt.ok || dep != tt.deprecated {
			t.Errorf("IsValidClassifier(%q) = %v, %v; want %v, %v", tt.in, ok, dep, tt.ok, tt.deprecated)
		}
	}
	for _, c := range cls {
		if ok, dep := IsValidClassifier(c); !ok || dep {
			t.Fatalf("listed classifier %q: ok=%v deprecated=%v", c, ok, dep)
		}
	}
	if got := Replacements("Natural Language :: Ukranian"); len(got) != 1 || got[0] != "Natural Language :: Ukrainian" {
		t.Errorf("Replacements = %q", got)
	}
}

func TestSuggestClassifier(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Programming Language :: Pyhton :: 3", "Programming Language :: Python :: 3"},
		{"programming language::python::3", "Programming Language :: Python :: 3"},
		{"License :: OSI Approved :: MIT Licence", "License :: OSI Approved :: MIT License"},
		{"Development Status :: 5 - Production/Stabel", "Development Status :: 5 - Production/Stable"},
		{"Totally :: Made :: Up", ""},
	}
	for _, tt := range tests {
		if got := SuggestClassifier(tt.in); got != tt.want {
			t.Errorf("SuggestClassifier(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCheckRequirement(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"requests", nil},
		{"requests >=2.0", nil},
		{"requests>=2.0,<3", nil},
		{"requests (>=2.0)", nil},
		{"requests (>=2.0) ; python_version < '3.8'", nil},
		{"requests[socks,security] >=2.0", nil},
		{"pkg @ https://example.com/pkg-1.0.tar.gz", nil},
		{"pkg; os_name == 'nt' and python_version >= \"3.6\"", nil},
		{"pkg; (os_name == 'nt')", nil},
		{"pkg; extra not in 'a b'", nil},
		{"pkg ===1.0.local", nil},
		{"pkg; platform.machine == 'x86_64'", nil},
		{"pkg; (os_name == 'nt' or os_name == 'posix') and python_version >= '3'", nil},
		{"pkg @ ", []string{"Could not parse requirement: 'pkg @ ' (Expected URL after @)"}},
		{"-bad", []string{"Could not parse requirement: '-bad'"}},
		{"", []string{"Could not parse requirement: ''"}},
		{"pkg[a,-b]", []string{"Invalid extras in requirement: 'pkg[a,-b]'"}},
		{"pkg >=1.0,foo", []string{"Invalid version specifier '>=1.0,foo' in requirement 'pkg >=1.0,foo'"}},
		{"pkg (1.0)", []string{"Invalid version specifier '1.0' in requirement 'pkg (1.0)'"}},
		{"pkg ==1 0", []string{"Invalid version specifier '==1 0' in requirement 'pkg ==1 0'"}},
		{"pkg; python_version", []string{"Invalid expression in environment marker: ' python_version'"}},
		{"pkg; python_version < 3", []string{"Invalid variable name in environment marker: '3'"}},
		{"pkg; python_vers < '3'", []string{"Invalid variable name in environment marker: 'python_vers'"}},
		{"pkg; python_version < '3", []string{"Invalid string in environment marker: '3"}},
		{"pkg; os_name == 'nt' or platform < 'x'", []string{"Invalid variable name in environment marker: 'platform'"}},
		{"pkg[x-] (>=1,zz); python_vers < '3", []string{
			"Invalid extras in requirement: \"pkg[x-] (>=1,zz); python_vers < '3\"",
			"Invalid version specifier '>=1,zz' in requirement \"pkg[x-] (>=1,zz); python_vers < '3\"",
			"Invalid variable name in environment marker: 'python_vers'",
			"Invalid string in environment marker: '3",
		}},
	}
	for _, tt := range tests {
		got := CheckRequirement(tt.in)
		if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("CheckRequirement(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func TestCheckURL(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"", "URL '' doesn't start with https:// or http://"},
		{"https://example.com", ""},
		{"http://x", ""},
		{"ftp://example.com", "URL 'ftp://example.com' doesn't start with https:// or http://"},
		{"example.com", "URL 'example.com' doesn't start with https:// or http://"},
		{"https://", "URL missing address"},
		{"http://", "URL missing address"},
	}
	for _, tt := range tests {
		if got := strings.Join(CheckURL(tt.in), "|"); got != tt.want {
			t.Errorf("CheckURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// goodProject is valid in every checked respect.
func goodProject() *pyproject.Project {
	return &pyproject.Project{
		Name: "good-pkg",
		Metadata: coremeta.Metadata{
			Name:           "good-pkg",
			RequiresPython: ">=3.8, !=3.9.*",
			Classifiers:    []string{"Programming Language :: Python :: 3", "Private :: Do Not Upload"},
			ProjectURLs:    []string{"Homepage, https://example.com", "Source, http://example.org/src"},
			RequiresDist:   []string{"requests >=2", "tomli ; python_version < \"3.11\""},
		},
		Dependencies: []string{"requests >=2", "tomli ; python_version < \"3.11\""},
		EntryPoints: map[string]map[string]string{
			"console_scripts": {"good": "good_pkg.cli:main"},
			"pygments.lexers": {"x": "good_pkg.lex"},
		},
	}
}

func TestProjectValid(t *testing.T) {
	if l := Project(goodProject(), Options{}); len(l) != 0 {
		t.Fatalf("unexpected problems:\n%s", render(l))
	}
}

func badProject() *pyproject.Project {
	p := &pyproject.Project{
		Name: "-bad-",
		Metadata: coremeta.Metadata{
			Name:           "-bad-",
			RequiresPython: ">=3.8, 3.9",
			HomePage:       "www.example.com",
			Classifiers: []string{
				"Programming Language :: Pyhton :: 3",
				"Natural Language :: Ukranian",
				"Topic :: Communications :: Chat :: AOL Instant Messenger",
				"Programming Language :: Python :: 3",
				"Zzz :: Nothing",
			},
			ProjectURLs: []string{
				", https://example.com/nolabel",
				"A label that is much too long for PyPI, https://example.com",
				"Docs, docs.example.com",
				"Empty, https://",
			},
		},
		Dependencies: []string{"good", "bad[-x]", "worse ==1 0"},
		OptionalDeps: map[string][]string{"test": {"pytest; python_vers > '3'"}},
		EntryPoints: map[string]map[string]string{
			"console_scripts": {"bad": "bad-pkg:main", "ok": "ok:main"},
			"gui_scripts":     {"g": "mod:1x"},
			"my.plugins":      {"p": "a..b"},
		},
		Positions: map[string]diag.Diagnostic{
			"project.name":                         pos(2, `name = "-bad-"`),
			"project.requires-python":              pos(3, `requires-python = ">=3.8, 3.9"`),
			"project.classifiers":                  pos(4, `classifiers = [`),
			"project.classifiers.0":                pos(5, `    "Programming Language :: Pyhton :: 3",`),
			"project.dependencies":                 pos(11, `dependencies = [`),
			"project.dependencies.2":               pos(14, `    "worse ==1 0",`),
			"project.optional-dependencies.test":   pos(17, `test = ["pytest; python_vers > '3'"]`),
			"project.urls":                         pos(19, `[project.urls]`),
			"project.urls.Docs":                    pos(22, `Docs = "docs.example.com"`),
			"project.scripts":                      pos(25, `[project.scripts]`),
			"project.scripts.bad":                  pos(26, `bad = "bad-pkg:main"`),
			"project.gui-scripts":                  pos(29, `[project.gui-scripts]`),
			"project.entry-points.my.plugins":      pos(32, `[project.entry-points."my.plugins"]`),
			"project.entry-points.my.plugins.p":    pos(33, `p = "a..b"`),
			"project.optional-dependencies":        pos(16, `[project.optional-dependencies]`),
			"project.urls.A label that is much...": pos(99, `never used`),
		},
	}
	return p
}

func TestProjectProblems(t *testing.T) {
	l := Project(badProject(), Options{})
	if len(l.Errors()) != len(l) {
		t.Errorf("some problems are warnings:\n%s", render(l))
	}
	testutil.Golden(t, filepath.Join("testdata", "problems.golden"), []byte(render(l)))
}

func TestProjectAllowInvalid(t *testing.T) {
	l := Project(badProject(), Options{AllowInvalid: true, NoNetwork: true})
	if l.Err() != nil {
		t.Fatalf("AllowInvalid left errors: %v", l.Err())
	}
	strict := Project(badProject(), Options{})
	if len(l) != len(strict)+1 {
		t.Fatalf("AllowInvalid: %d diagnostics, want %d", len(l), len(strict)+1)
	}
	if last := l[len(l)-1]; last.Msg != AllowInvalidWarning || !last.Warning {
		t.Errorf("last diagnostic = %+v", last)
	}
	if l := Project(goodProject(), Options{AllowInvalid: true}); len(l) != 0 {
		t.Errorf("valid project with AllowInvalid: %s", render(l))
	}
}

// TestProjectEachMessage drives every message from a project with one
// problem, so each message has its own row.
func TestProjectEachMessage(t *testing.T) {
	tests := []struct {
		name   string
		modify func(p *pyproject.Project)
		want   string
	}{
		{"classifier", func(p *pyproject.Project) { p.Metadata.Classifiers = []string{"Framework :: Djngo"} },
			"pyproject.toml: Unrecognised classifier: 'Framework :: Djngo' (did you mean 'Framework :: Django'?)\n"},
		{"deprecated classifier", func(p *pyproject.Project) { p.Metadata.Classifiers = []string{"Framework :: Django CMS :: 4.2"} },
			"pyproject.toml: Unrecognised classifier: 'Framework :: Django CMS :: 4.2' (deprecated classifier; use 'Framework :: Django CMS :: 5.0' instead)\n"},
		{"entry point", func(p *pyproject.Project) { p.EntryPoints["x"] = map[string]string{"k": "a:b:c"} },
			"pyproject.toml: Invalid entry point in group x: k = a:b:c (use \"module.sub:object.attr\" with Python identifiers)\n"},
		{"entry point empty", func(p *pyproject.Project) { p.EntryPoints["x"] = map[string]string{"k": ""} },
			"pyproject.toml: Invalid entry point in group x: k =  (use \"module.sub:object.attr\" with Python identifiers)\n"},
		{"name", func(p *pyproject.Project) { p.Name, p.Metadata.Name = "a b", "a b" },
			"pyproject.toml: Invalid name: 'a b' (use ASCII letters, digits, '.', '_' and '-', starting and ending with a letter or digit)\n"},
		{"requires-python", func(p *pyproject.Project) { p.Metadata.RequiresPython = "3.8" },
			"pyproject.toml: Invalid requires-python: '3.8' (write comma-separated clauses such as \">=3.9,<4\")\n"},
		{"requirement", func(p *pyproject.Project) { p.Dependencies = []string{"a b"} },
			"pyproject.toml: Could not parse requirement: 'a b'\n"},
		{"requires-dist fallback", func(p *pyproject.Project) {
			p.Dependencies = nil
			p.Metadata.RequiresDist = []string{"x; y"}
		}, "pyproject.toml: Invalid expression in environment marker: ' y'\n"},
		{"home page", func(p *pyproject.Project) { p.Metadata.HomePage = "https://" },
			"pyproject.toml: URL missing address\n"},
		{"url label", func(p *pyproject.Project) { p.Metadata.ProjectURLs = []string{",https://x"} },
			"pyproject.toml: No name for project URL 'https://x' (give the URL a label such as \"Homepage\")\n"},
		{"url label long", func(p *pyproject.Project) {
			p.Metadata.ProjectURLs = []string{strings.Repeat("x", 33) + ", https://x"}
		}, "pyproject.toml: Project URL name '" + strings.Repeat("x", 33) + "' longer than 32 characters (PyPI rejects longer labels)\n"},
		{"url label 32", func(p *pyproject.Project) {
			p.Metadata.ProjectURLs = []string{strings.Repeat("x", 32) + ", https://x"}
		}, ""},
		{"url scheme", func(p *pyproject.Project) { p.Metadata.ProjectURLs = []string{"Home, git@x:y"} },
			"pyproject.toml: URL 'git@x:y' doesn't start with https:// or http://\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := goodProject()
			tt.modify(p)
			if got := render(Project(p, Options{})); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func FuzzCheckRequirement(f *testing.F) {
	for _, s := range []string{"requests", "a[b] (>=1); os_name == 'nt'", "x @ https://e", "p; a < 'b' or c", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, p := range CheckRequirement(s) {
			if p == "" || strings.Contains(p, "\n") && !strings.Contains(s, "\n") {
				t.Fatalf("bad problem text %q for %q", p, s)
			}
		}
		CheckMarker(s)
		CheckURL(s)
		SuggestClassifier(s)
	})
}

// TestLoadedProject runs the checks on a project read by package pyproject,
// so the positions are the real ones.
func TestLoadedProject(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"pyproject.toml": `[build-system]
requires = ["flit_core >=3.11,<5"]
build-backend = "flit_core.buildapi"

[project]
name = "loaded"
version = "1.0"
description = "Loaded."
requires-python = ">=3.8, 3.9"
classifiers = [
    "Programming Language :: Python :: 3",
    "Programming Language :: Pyhton",
]
dependencies = [
    "requests >=2",
    "bad ==1 0",
]

[project.urls]
Docs = "docs.example.com"

[project.scripts]
loaded = "loaded-cli:main"
`,
		"loaded.py": "\"\"\"Loaded.\"\"\"\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p, err := pyproject.Load(filepath.Join(dir, "pyproject.toml"), pyproject.Options{NoImport: true})
	if err != nil {
		t.Fatal(err)
	}
	got := render(Project(p, Options{}))
	got = strings.ReplaceAll(got, dir+string(filepath.Separator), "")
	testutil.Golden(t, filepath.Join("testdata", "loaded.golden"), []byte(got))
}

// TestReadmeRST: a reStructuredText readme that does not render is flit's
// problem followed by the renderer's output (goflit's structural checker
// and docutils itself); FLIT_ALLOW_INVALID makes it a warning; Markdown and
// valid rst are not reported.
func TestReadmeRST(t *testing.T) {
	const toml = "[project]\nname = \"rd\"\nversion = \"1\"\ndescription = \"x\"\nreadme = %q\n"
	const badRST = "Title\n===\n\nText with *unclosed emphasis.\n"
	load := func(t *testing.T, readme, text string) *pyproject.Project {
		dir := t.TempDir()
		testutil.WriteFiles(t, dir, map[string]string{
			"pyproject.toml": strings.Replace(toml, "%q", `"`+readme+`"`, 1),
			"rd.py":          "x = 1\n",
			readme:           text,
		})
		p, err := pyproject.Load(filepath.Join(dir, "pyproject.toml"), pyproject.Options{NoImport: true})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	checkers := map[string]func(string) ([]string, error){"builtin": check.BuiltinRST}
	if _, err := os.Stat(testutil.DebianPython); err == nil {
		checkers["docutils"] = check.DocutilsRST(testutil.PythonWith(t, "docutils"))
	}
	for name, rst := range checkers {
		t.Run(name, func(t *testing.T) {
			l := Project(load(t, "README.rst", badRST), Options{RST: rst})
			if len(l) != 1 || l[0].Warning || !strings.HasPrefix(l[0].Msg, InvalidRST+": line ") || strings.Contains(l[0].Error(), "\n") {
				t.Fatalf("bad rst readme: got\n%s", render(l))
			}
			if l[0].Line != 5 {
				t.Errorf("the problem is not at the readme key: %s", l[0].Error())
			}
			t.Logf("%s", l[0].Error())
			l = Project(load(t, "README.rst", badRST), Options{RST: rst, AllowInvalid: true})
			if l.Err() != nil || len(l) != 2 || l[1].Msg != AllowInvalidWarning {
				t.Errorf("with AllowInvalid: got\n%s", render(l))
			}
			for _, ok := range []struct{ file, text string }{
				{"README.rst", "Title\n=====\n\nText with *emphasis*.\n"},
				{"README.md", badRST},
			} {
				if l := Project(load(t, ok.file, ok.text), Options{RST: rst}); len(l) != 0 {
					t.Errorf("%s %q: got\n%s", ok.file, ok.text, render(l))
				}
			}
		})
	}
}
