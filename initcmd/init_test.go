package initcmd_test

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"goflit/initcmd"
	"goflit/internal/testutil"
)

func ptr(s string) *string { return &s }

// scripted is a Prompter fed from a list of answers; it records the
// conversation.
type scripted struct {
	answers []string
	log     strings.Builder
}

func (s *scripted) ReadLine(prompt string) (string, error) {
	s.log.WriteString(prompt)
	if len(s.answers) == 0 {
		s.log.WriteString("<EOF>\n")
		return "", io.EOF
	}
	a := s.answers[0]
	s.answers = s.answers[1:]
	s.log.WriteString(a + "\n")
	return a, nil
}

func (s *scripted) Println(line string) { s.log.WriteString(line + "\n") }

func TestQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", `"plain"`},
		{`a "b" c`, `"a \"b\" c"`},
		{`C:\path`, `"C:\\path"`},
		{"tab\there\nnl", `"tab\there\nnl"`},
		{"bell\x07del\x7f", `"bell\u0007del\u007f"`},
		{"Zoë Ünïcødé 日本", `"Zoë Ünïcødé 日本"`},
	}
	for _, tt := range tests {
		if got := initcmd.Quote(tt.in); got != tt.want {
			t.Errorf("Quote(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestGuessModule(t *testing.T) {
	tests := []struct {
		name  string
		files []string
		want  string
	}{
		{"package", []string{"pkg/__init__.py", "setup.py", "tests/__init__.py"}, "pkg"},
		{"src package", []string{"src/pkg/__init__.py", "docs/conf.py"}, "pkg"},
		{"module", []string{"mod.py", "setup.py", "test_mod.py"}, "mod"},
		{"src module", []string{"src/mod.py"}, "mod"},
		{"package beats module", []string{"pkg/__init__.py", "mod.py"}, "pkg"},
		{"two packages", []string{"a/__init__.py", "src/b/__init__.py"}, ""},
		{"two modules", []string{"a.py", "b.py"}, ""},
		{"not identifiers", []string{"my-pkg/__init__.py", "1mod.py"}, ""},
		{"dir without init", []string{"pkg/mod.py"}, ""},
		{"test only", []string{"test/__init__.py", "test_x.py"}, ""},
		{"empty", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range tt.files {
				testutil.WriteFile(t, filepath.Join(dir, f), "")
			}
			if got := initcmd.GuessModule(dir); got != tt.want {
				t.Errorf("GuessModule = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFindReadme(t *testing.T) {
	dir := t.TempDir()
	if got := initcmd.FindReadme(dir); got != "" {
		t.Errorf("empty dir: %q", got)
	}
	testutil.WriteFile(t, filepath.Join(dir, "README.markdown"), "")
	testutil.WriteFile(t, filepath.Join(dir, "docs", "readme.md"), "")
	if got := initcmd.FindReadme(dir); got != "" {
		t.Errorf("no top-level readme: %q", got)
	}
	testutil.WriteFile(t, filepath.Join(dir, "ReadMe.RST"), "")
	if got := initcmd.FindReadme(dir); got != "ReadMe.RST" {
		t.Errorf("FindReadme = %q", got)
	}
}

func TestParseLicense(t *testing.T) {
	for in, want := range map[string]string{
		"MIT": "mit", "mit": "mit", "Apache-2.0": "apache", "apache": "apache",
		"GPL-3.0-or-later": "gpl3", "gpl3": "gpl3", "none": "skip", "skip": "skip", "BSD": "",
	} {
		got, ok := initcmd.ParseLicense(in)
		if got != want || ok != (want != "") {
			t.Errorf("ParseLicense(%q) = %q, %v", in, got, ok)
		}
	}
	for _, key := range []string{"mit", "apache", "gpl3"} {
		text, ok := initcmd.LicenseText(key, 2031, "A. Person")
		if !ok || len(text) < 900 || strings.Contains(text, "{year}") || strings.Contains(text, "{author}") {
			t.Errorf("LicenseText(%s): ok=%v len=%d", key, ok, len(text))
		}
	}
	if text, _ := initcmd.LicenseText("mit", 2031, "A. Person"); !strings.Contains(text, "Copyright (c) 2031 A. Person\n") {
		t.Error("MIT text lacks the copyright line")
	}
	if text, _ := initcmd.LicenseText("apache", 2031, "x"); !strings.Contains(text, "Version 2.0, January 2004") {
		t.Error("not the Apache-2.0 text")
	}
	if text, _ := initcmd.LicenseText("gpl3", 2031, "x"); !strings.Contains(text, "Version 3, 29 June 2007") {
		t.Error("not the GPL-3.0 text")
	}
}

// TestInitScripted runs the whole question flow in-process and compares
// the conversation and the file with golden files.
func TestInitScripted(t *testing.T) {
	dir := t.TempDir()
	data := t.TempDir()
	testutil.WriteFile(t, filepath.Join(dir, "pkg", "__init__.py"), "")
	testutil.WriteFile(t, filepath.Join(dir, "README.md"), "")
	p := &scripted{answers: []string{
		"bad-name", "", // invalid, then accept the guess
		`Zoë "Z" O'Brien \ Ünï`,
		"nope", "zoe@example.com",
		"example.com", "https://Pkg.example.org/pkg",
		"0", "five", "2",
	}}
	res, err := initcmd.Init(initcmd.Options{Dir: dir, DataDir: data, Year: 2030, Prompter: p})
	if err != nil {
		t.Fatal(err)
	}
	testutil.Golden(t, filepath.Join("testdata", "init", "conversation.golden"), []byte(p.log.String()))
	testutil.Golden(t, filepath.Join("testdata", "init", "pyproject.golden"), []byte(res.Pyproject))
	if got := testutil.ReadFile(t, filepath.Join(dir, "pyproject.toml")); got != res.Pyproject {
		t.Error("file differs from Result.Pyproject")
	}
	if strings.Join(res.Written, ",") != "LICENSE,pyproject.toml" {
		t.Errorf("Written = %v", res.Written)
	}
	testutil.Golden(t, filepath.Join("testdata", "init", "defaults.golden"), []byte(testutil.ReadFile(t, filepath.Join(data, "init_defaults.json"))))
	doc := pyTOML(t, filepath.Join(dir, "pyproject.toml"))
	authors := doc["project"].(map[string]any)["authors"].([]any)
	if got := authors[0].(map[string]any)["name"]; got != `Zoë "Z" O'Brien \ Ünï` {
		t.Errorf("tomllib reads author %q", got)
	}

	// The next run offers the remembered answers (home page templated on
	// the module name, case-insensitively).
	dir2 := t.TempDir()
	p2 := &scripted{answers: []string{"other", "", "", "", ""}}
	res, err = initcmd.Init(initcmd.Options{Dir: dir2, DataDir: data, Year: 2030, Prompter: p2})
	if err != nil {
		t.Fatal(err)
	}
	testutil.Golden(t, filepath.Join("testdata", "init", "conversation2.golden"), []byte(p2.log.String()))
	if !strings.Contains(res.Pyproject, `Home = "https://other.example.org/other"`) {
		t.Errorf("home page default not applied:\n%s", res.Pyproject)
	}
}

func TestInitAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	data := t.TempDir()
	p := &scripted{answers: []string{"mod", "Author"}} // EOF at the email
	_, err := initcmd.Init(initcmd.Options{Dir: dir, DataDir: data, Prompter: p})
	if !errors.Is(err, initcmd.ErrAborted) {
		t.Fatalf("err = %v, want ErrAborted", err)
	}
	for _, d := range []string{dir, data} {
		if entries, _ := os.ReadDir(d); len(entries) != 0 {
			t.Errorf("%s not empty after abort: %v", d, entries)
		}
	}
}

func TestInitFlags(t *testing.T) {
	tests := []struct {
		name    string
		files   []string
		opts    initcmd.Options
		wantErr string
		golden  string
	}{
		{"all flags", nil, initcmd.Options{Name: ptr("my_mod"), Author: ptr("A \"B\""), Email: ptr("a@b.c"),
			HomePage: ptr("https://x.org/my_mod"), License: ptr("Apache-2.0")}, "", "flags-all"},
		{"goflit backend", []string{"mod.py"}, initcmd.Options{License: ptr("none"), Backend: "goflit"}, "", "flags-goflit"},
		{"yes uses guess", []string{"src/pkg/__init__.py"}, initcmd.Options{Yes: true}, "", "flags-yes"},
		{"no guess", nil, initcmd.Options{Yes: true}, "pass --name NAME", ""},
		{"no license", []string{"mod.py"}, initcmd.Options{}, "pass --license MIT|Apache-2.0|GPL-3.0-or-later|none", ""},
		{"bad name", nil, initcmd.Options{Name: ptr("my-mod")}, `--name "my-mod" is not a valid Python module name`, ""},
		// Python accepts the identifier, but the module name becomes
		// [project] name, which must be ASCII: refused, not written.
		{"non-ASCII name", nil, initcmd.Options{Name: ptr("über"), License: ptr("none")}, `--name "über" cannot be the project name`, ""},
		{"non-ASCII package not guessed", []string{"über/__init__.py"}, initcmd.Options{Yes: true}, "pass --name NAME", ""},
		{"bad email", nil, initcmd.Options{Name: ptr("m"), Email: ptr("x")}, `--email "x" is not an email address`, ""},
		{"bad home", nil, initcmd.Options{Name: ptr("m"), HomePage: ptr("x.org")}, `--home-page "x.org" should start with http:// or https://`, ""},
		{"bad license", nil, initcmd.Options{Name: ptr("m"), License: ptr("BSD")}, `--license "BSD" is not offered`, ""},
		{"bad backend", nil, initcmd.Options{Name: ptr("m"), Backend: "setuptools"}, `--backend "setuptools" is unknown`, ""},
		{"exists", []string{"pyproject.toml"}, initcmd.Options{Name: ptr("m"), License: ptr("none")}, "already exists: pass --force to overwrite it", ""},
		{"force", []string{"pyproject.toml", "m.py"}, initcmd.Options{Force: true, License: ptr("MIT")}, "", "flags-force"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range tt.files {
				testutil.WriteFile(t, filepath.Join(dir, f), "")
			}
			o := tt.opts
			o.Dir, o.DataDir, o.Year = dir, t.TempDir(), 2030
			res, err := initcmd.Init(o)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "\n") {
					t.Fatalf("err = %v, want one line containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			testutil.Golden(t, filepath.Join("testdata", "init", tt.golden+".golden"), []byte(res.Pyproject))
			pyTOML(t, filepath.Join(dir, "pyproject.toml"))
			if tt.name == "goflit backend" {
				testutil.WriteFile(t, filepath.Join(dir, "mod.py"), "\"\"\"Mod.\"\"\"\n__version__ = \"1.0\"\n")
				checkGoflitBuild(t, dir, "mod-1.0.dist-info", false, "Name: mod\n")
			}
		})
	}
}

// TestInitBinaryNoTerminal runs the flit binary with stdin not a terminal:
// it must never wait for input, and its product must build with Debian's
// flit_core unchanged.
func TestInitBinaryNoTerminal(t *testing.T) {
	bin := testutil.FlitBinary(t)
	dir := t.TempDir()
	testutil.WriteFile(t, filepath.Join(dir, "hello.py"), "\"\"\"Say hello.\"\"\"\n__version__ = \"0.3\"\n")
	testutil.WriteFile(t, filepath.Join(dir, "README.md"), "# hello\n")
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "XDG_DATA_HOME=" + t.TempDir()}

	run := func(args ...string) (string, int) {
		cmd := exec.Command(bin, args...)
		cmd.Dir, cmd.Env = dir, env
		cmd.Stdin = strings.NewReader("these lines must never be read\n")
		r := testutil.Capture(t, cmd)
		return r.Stdout + r.Stderr, r.Code
	}
	out, code := run("init", "--author", "Ann Ö", "--email", "ann@example.com")
	if code != 1 || !strings.Contains(out, "--license") {
		t.Fatalf("without --license: exit %d\n%s", code, out)
	}
	out, code = run("init", "--author", "Ann Ö", "--email", "ann@example.com", "--license", "none", "--home-page", "https://example.com/hello")
	if code != 0 || !strings.Contains(out, "Written pyproject.toml") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	whl := debianWheel(t, testutil.PythonWith(t, "flit_core"), dir)
	md := wheelMetadata(t, whl)
	for _, want := range []string{"Name: hello\n", "Version: 0.3\n", "Summary: Say hello.\n",
		"Author-email: Ann Ö <ann@example.com>\n", "Project-URL: Home, https://example.com/hello\n",
		"Description-Content-Type: text/markdown\n"} {
		if !strings.Contains(md, want) {
			t.Errorf("METADATA lacks %q:\n%s", want, md)
		}
	}
	checkGoflitBuild(t, dir, "hello-0.3.dist-info", false, "Summary: Say hello.\n", "Author-email: Ann Ö <ann@example.com>\n")

	// Remembered defaults make the next run need no flags but --force.
	out, code = run("init", "--force")
	if code != 0 {
		t.Fatalf("second run: exit %d\n%s", code, out)
	}
	if got := testutil.ReadFile(t, filepath.Join(dir, "pyproject.toml")); !strings.Contains(got, `authors = [{name = "Ann Ö", email = "ann@example.com"}]`) {
		t.Errorf("defaults not used:\n%s", got)
	}
	out, code = run("init", "--license", "BSD")
	if code != 1 || strings.Count(strings.TrimSpace(out), "\n") != 0 {
		t.Errorf("bad flag: exit %d, want one line:\n%s", code, out)
	}
}
