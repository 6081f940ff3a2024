// Package initcmd starts and modernises flit projects: Init is `flit init`
// (flit's interactive questions, or flags and remembered defaults without a
// terminal), Tomlify converts a flit 0.x flit.ini, and Migrate rewrites an
// old-style [tool.flit.metadata] pyproject.toml to a standard [project]
// table in place, keeping everything else in the file.
//
// The package does not print: questions and answers go through a Prompter
// supplied by the caller, and results are returned as values.
package initcmd

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"goflit/internal/atomicfile"
	"goflit/names"
)

// Prompter asks questions on an interactive terminal.
type Prompter interface {
	// ReadLine shows prompt and returns the line typed, without its end.
	// An error (io.EOF on Ctrl-C or Ctrl-D) aborts Init.
	ReadLine(prompt string) (string, error)
	// Println shows one line of text.
	Println(line string)
}

// ErrAborted is returned when the user aborts a prompt (Ctrl-C / Ctrl-D).
var ErrAborted = errors.New("Aborted")

// License is one choice of the license menu.
type License struct {
	Key   string // flit's key in init_defaults.json: mit, apache, gpl3, skip
	SPDX  string // license expression written to pyproject.toml ("" for skip)
	Title string // menu text
}

// Licenses is flit's license menu, in order.
var Licenses = []License{
	{"mit", "MIT", "MIT - simple and permissive"},
	{"apache", "Apache-2.0", "Apache - explicitly grants patent rights"},
	{"gpl3", "GPL-3.0-or-later", "GPL - ensures that code based on this is shared with the same terms"},
	{"skip", "", "Skip - choose a license later"},
}

//go:embed licenses/mit.txt
var mitText string

//go:embed licenses/apache.txt
var apacheText string

//go:embed licenses/gpl3.txt
var gpl3Text string

// LicenseText returns the LICENSE file for a license key (mit, apache,
// gpl3): the standard text, with the year and author filled into MIT's
// copyright line. Apache-2.0 and GPL-3.0 are verbatim.
func LicenseText(key string, year int, author string) (string, bool) {
	switch key {
	case "mit":
		s := strings.Replace(mitText, "{year}", strconv.Itoa(year), 1)
		return strings.Replace(s, "{author}", author, 1), true
	case "apache":
		return apacheText, true
	case "gpl3":
		return gpl3Text, true
	}
	return "", false
}

// ParseLicense maps a --license value (MIT, Apache-2.0, GPL-3.0-or-later,
// none, or flit's keys mit/apache/gpl3/skip; case-insensitive) to a key.
func ParseLicense(s string) (key string, ok bool) {
	l := strings.ToLower(strings.TrimSpace(s))
	for _, lic := range Licenses {
		if l == lic.Key || (lic.SPDX != "" && l == strings.ToLower(lic.SPDX)) {
			return lic.Key, true
		}
	}
	if l == "none" {
		return "skip", true
	}
	return "", false
}

func licenseByKey(key string) (License, bool) {
	for _, lic := range Licenses {
		if lic.Key == key {
			return lic, true
		}
	}
	return License{}, false
}

// Backends are the build backends Init can write.
var Backends = map[string][2]string{
	"flit_core": {"flit_core >=3.11,<5", "flit_core.buildapi"},
	"goflit":    {"goflit >=0.1", "goflit.buildapi"},
}

// Options control Init. A nil answer field means "not given on the command
// line": it is asked (interactive) or taken from the defaults.
type Options struct {
	Dir     string // project directory
	DataDir string // where init_defaults.json lives ("" = no remembered defaults)

	Name     *string // --name: the import (module) name
	Author   *string // --author
	Email    *string // --email
	HomePage *string // --home-page
	License  *string // --license: MIT, Apache-2.0, GPL-3.0-or-later or none

	Yes     bool   // --yes: accept defaults, ask nothing
	Force   bool   // --force: overwrite pyproject.toml without asking
	Backend string // "flit_core" (default) or "goflit"
	Year    int    // copyright year for the MIT license

	// Prompter asks the questions; nil when there is no terminal, in which
	// case Init never waits for input.
	Prompter Prompter
}

// Result says what Init did.
type Result struct {
	Declined  bool     // the user did not want pyproject.toml overwritten: nothing written
	Written   []string // files written, relative to Dir, in order
	Pyproject string   // the pyproject.toml text written
	Warnings  []string // problems that did not stop Init
}

// DataDir returns flit's directory for user data files on this platform:
// $XDG_DATA_HOME/flit, else ~/.local/share/flit (macOS: ~/Library/flit;
// Windows: %APPDATA%\flit).
func DataDir(getenv func(string) string, goos string) string {
	home := getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	if h, err := filepath.EvalSymlinks(home); err == nil {
		home = h
	}
	switch goos {
	case "darwin":
		return filepath.Join(home, "Library", "flit")
	case "windows":
		if a := getenv("APPDATA"); a != "" {
			return filepath.Join(a, "flit")
		}
		return filepath.Join(home, "AppData", "Roaming", "flit")
	}
	if x := getenv("XDG_DATA_HOME"); x != "" {
		return filepath.Join(x, "flit")
	}
	return filepath.Join(home, ".local", "share", "flit")
}

const defaultsFile = "init_defaults.json"

func loadDefaults(dir string) (map[string]any, error) {
	d := map[string]any{}
	if dir == "" {
		return d, nil
	}
	p := filepath.Join(dir, defaultsFile)
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return d, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, fmt.Errorf("%s: not valid JSON (%v); fix or delete the file", p, err)
	}
	return d, nil
}

func defaultString(d map[string]any, key string) (string, bool) {
	s, ok := d[key].(string)
	return s, ok
}

func validEmail(s string) bool {
	if s == "" {
		return true
	}
	// flit: re.match(r'.+@.+', s): an @ with something on both sides.
	line, _, _ := strings.Cut(s, "\n")
	for i := 1; i < len(line)-1; i++ {
		if line[i] == '@' {
			return true
		}
	}
	return false
}

func validHomePage(s string) bool {
	return s == "" || strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// GuessModule guesses the module name from dir (and dir/src) as flit does:
// the single package (a directory with __init__.py, not test/tests), or,
// when there is no package, the single module (a .py file, not setup.py or
// test_*.py). It returns "" when there is no single candidate.
func GuessModule(dir string) string {
	var packages, modules []string
	scan := func(d string) {
		entries, err := os.ReadDir(d)
		if err != nil {
			return
		}
		for _, e := range entries {
			name := e.Name()
			info, err := os.Stat(filepath.Join(d, name))
			if err != nil {
				continue
			}
			if info.IsDir() {
				if !validModule(name) || name == "test" || name == "tests" {
					continue
				}
				if fi, err := os.Stat(filepath.Join(d, name, "__init__.py")); err == nil && fi.Mode().IsRegular() {
					packages = append(packages, name)
				}
				continue
			}
			stem, ok := strings.CutSuffix(name, ".py")
			if ok && info.Mode().IsRegular() && validModule(stem) && stem != "setup" && !strings.HasPrefix(name, "test_") {
				modules = append(modules, stem)
			}
		}
	}
	scan(dir)
	scan(filepath.Join(dir, "src"))
	switch {
	case len(packages) == 1:
		return packages[0]
	case len(packages) == 0 && len(modules) == 1:
		return modules[0]
	}
	return ""
}

// FindReadme returns the first (by name) top-level readme.md, readme.rst or
// readme.txt in dir, matched case-insensitively, or "".
func FindReadme(dir string) string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	var names []string
	for _, e := range entries {
		switch strings.ToLower(e.Name()) {
		case "readme.md", "readme.rst", "readme.txt":
			if !e.IsDir() {
				names = append(names, e.Name())
			}
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return ""
	}
	return names[0]
}

// answers are the collected replies.
type answers struct {
	module, author, email, homePage, license string
}

// Init runs `flit init` in o.Dir.
func Init(o Options) (*Result, error) {
	if err := checkFlags(o); err != nil {
		return nil, err
	}
	backend := o.Backend
	if backend == "" {
		backend = "flit_core"
	}
	interactive := o.Prompter != nil && !o.Yes
	pyproject := filepath.Join(o.Dir, "pyproject.toml")
	if _, err := os.Stat(pyproject); err == nil && !o.Force {
		if !interactive {
			return nil, fmt.Errorf("%s already exists: pass --force to overwrite it", pyproject)
		}
		resp, err := o.Prompter.ReadLine("pyproject.toml exists - overwrite it? [y/N]: ")
		if err != nil {
			return nil, ErrAborted
		}
		if resp == "" || (resp[0] != 'y' && resp[0] != 'Y') {
			return &Result{Declined: true}, nil
		}
	}
	defaults, err := loadDefaults(o.DataDir)
	if err != nil {
		return nil, err
	}
	a, err := ask(o, defaults, interactive)
	if err != nil {
		return nil, err
	}
	readme := FindReadme(o.Dir)
	res := &Result{Pyproject: render(a, readme, backend)}
	if err := updateDefaults(o.DataDir, defaults, a); err != nil {
		// Not worth failing for: the project is what was asked for.
		res.Warnings = append(res.Warnings, fmt.Sprintf("could not remember the answers for next time: %v", err))
	}

	if a.license != "skip" {
		lic := filepath.Join(o.Dir, "LICENSE")
		if _, err := os.Lstat(lic); errors.Is(err, fs.ErrNotExist) {
			text, _ := LicenseText(a.license, o.Year, a.author)
			if err := WriteFileAtomic(lic, []byte(text)); err != nil {
				return nil, err
			}
			res.Written = append(res.Written, "LICENSE")
		}
	}
	if err := WriteFileAtomic(pyproject, []byte(res.Pyproject)); err != nil {
		return nil, err
	}
	res.Written = append(res.Written, "pyproject.toml")
	return res, nil
}

// validModule is a module name init can use: a Python identifier that is
// also a valid [project] name (flit writes the module name there), so
// ASCII only.
func validModule(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return names.IsIdentifier(s)
}

func checkFlags(o Options) error {
	if o.Name != nil && !names.IsIdentifier(*o.Name) {
		return fmt.Errorf("--name %q is not a valid Python module name: use letters, digits and underscores, not starting with a digit", *o.Name)
	}
	if o.Name != nil && !validModule(*o.Name) {
		return fmt.Errorf("--name %q cannot be the project name, which must be ASCII: use ASCII letters, digits and underscores", *o.Name)
	}
	if o.Email != nil && !validEmail(*o.Email) {
		return fmt.Errorf("--email %q is not an email address: it needs an @ with text on both sides", *o.Email)
	}
	if o.HomePage != nil && !validHomePage(*o.HomePage) {
		return fmt.Errorf("--home-page %q should start with http:// or https://", *o.HomePage)
	}
	if o.License != nil {
		if _, ok := ParseLicense(*o.License); !ok {
			return fmt.Errorf("--license %q is not offered: use MIT, Apache-2.0, GPL-3.0-or-later or none", *o.License)
		}
	}
	if _, ok := Backends[o.Backend]; o.Backend != "" && !ok {
		return fmt.Errorf("--backend %q is unknown: use flit_core or goflit", o.Backend)
	}
	return nil
}

// ask collects every answer: flags first, then questions (interactive) or
// defaults (otherwise).
func ask(o Options, defaults map[string]any, interactive bool) (answers, error) {
	var a answers
	var err error
	p := o.Prompter

	// Module name.
	switch guess := GuessModule(o.Dir); {
	case o.Name != nil:
		a.module = *o.Name
	case interactive:
		if a.module, err = promptText(p, "Module name", guess, guess != "", validModule, ""); err != nil {
			return a, err
		}
	case guess != "":
		a.module = guess
	default:
		return a, fmt.Errorf("cannot guess the module name in %s (no single package or module): pass --name NAME", o.Dir)
	}

	text := func(flag *string, prompt, key string, valid func(string) bool, retry string) (string, error) {
		def, hasDef := defaultString(defaults, key)
		if key == "home_page_template" && hasDef {
			def = strings.ReplaceAll(def, "{modulename}", a.module)
		}
		switch {
		case flag != nil:
			return *flag, nil
		case interactive:
			return promptText(p, prompt, def, hasDef, valid, retry)
		}
		return def, nil // no default: the empty answer, as at the prompt
	}
	if a.author, err = text(o.Author, "Author", "author", func(string) bool { return true }, ""); err != nil {
		return a, err
	}
	if a.email, err = text(o.Email, "Author email", "author_email", validEmail, ""); err != nil {
		return a, err
	}
	if a.homePage, err = text(o.HomePage, "Home page", "home_page_template", validHomePage,
		"Should start with http:// or https:// - try again."); err != nil {
		return a, err
	}

	defLicense, _ := defaultString(defaults, "license")
	if _, ok := licenseByKey(defLicense); !ok {
		defLicense = ""
	}
	switch {
	case o.License != nil:
		a.license, _ = ParseLicense(*o.License)
	case interactive:
		if a.license, err = promptLicense(p, defLicense); err != nil {
			return a, err
		}
	case defLicense != "":
		a.license = defLicense
	case o.Yes:
		a.license = "skip"
	default:
		return a, errors.New("no license chosen: pass --license MIT|Apache-2.0|GPL-3.0-or-later|none (or --yes to choose later)")
	}
	return a, nil
}

func promptText(p Prompter, prompt, def string, hasDef bool, valid func(string) bool, retry string) (string, error) {
	if retry == "" {
		retry = "Try again."
	}
	full := prompt + ": "
	if hasDef {
		full = prompt + " [" + def + "]: "
	}
	for {
		resp, err := p.ReadLine(full)
		if err != nil {
			return "", ErrAborted
		}
		if resp == "" && hasDef {
			resp = def
		}
		if valid(resp) {
			return resp, nil
		}
		p.Println(retry)
	}
}

func promptLicense(p Prompter, def string) (string, error) {
	p.Println("Choose a license (see https://choosealicense.com/ for more info)")
	defIx := 0
	for i, lic := range Licenses {
		p.Println(fmt.Sprintf("%d. %s", i+1, lic.Title))
		if lic.Key == def {
			defIx = i + 1
		}
	}
	prompt := "Enter 1-" + strconv.Itoa(len(Licenses))
	if defIx > 0 {
		prompt += " [" + strconv.Itoa(defIx) + "]"
	}
	prompt += ": "
	for {
		resp, err := p.ReadLine(prompt)
		if err != nil {
			return "", ErrAborted
		}
		if resp == "" && defIx > 0 {
			return def, nil
		}
		if n, err := strconv.Atoi(resp); err == nil && resp[0] != '+' && resp[0] != '-' && n >= 1 && n <= len(Licenses) {
			return Licenses[n-1].Key, nil
		}
		p.Println("Try again.")
	}
}

// updateDefaults remembers the answers for next time, as flit does: the
// author, email and license, and the home page as a template with the
// module name replaced by {modulename}.
func updateDefaults(dir string, d map[string]any, a answers) error {
	if dir == "" {
		return nil
	}
	next := map[string]string{"author": a.author, "author_email": a.email, "license": a.license}
	if a.module != "" {
		word := `\b` + regexp.QuoteMeta(a.module) + `\b`
		if regexp.MustCompile(word).MatchString(a.homePage) {
			next["home_page_template"] = regexp.MustCompile("(?i)"+word).ReplaceAllLiteralString(a.homePage, "{modulename}")
		}
	}
	changed := false
	for k, v := range next {
		if old, ok := d[k].(string); !ok || old != v {
			changed = true
			d[k] = v
		}
	}
	if !changed {
		return nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		return err
	}
	data := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return WriteFileAtomic(filepath.Join(dir, defaultsFile), data)
}

// render writes pyproject.toml in flit's layout.
func render(a answers, readme, backend string) string {
	be := Backends[backend]
	var b strings.Builder
	b.WriteString("[build-system]\n")
	b.WriteString("requires = [" + Quote(be[0]) + "]\n")
	b.WriteString("build-backend = " + Quote(be[1]) + "\n\n")
	b.WriteString("[project]\n")
	b.WriteString("name = " + Quote(a.module) + "\n")
	var info []string
	if a.author != "" {
		info = append(info, "name = "+Quote(a.author))
	}
	if a.email != "" {
		info = append(info, "email = "+Quote(a.email))
	}
	if len(info) > 0 {
		b.WriteString("authors = [{" + strings.Join(info, ", ") + "}]\n")
	} else {
		b.WriteString("authors = []\n")
	}
	if readme != "" {
		b.WriteString("readme = " + Quote(readme) + "\n")
	}
	if lic, _ := licenseByKey(a.license); lic.SPDX != "" {
		b.WriteString("license = " + Quote(lic.SPDX) + "\n")
		b.WriteString("license-files = [\"LICENSE\"]\n")
	}
	b.WriteString("dynamic = [\"version\", \"description\"]\n")
	if a.homePage != "" {
		b.WriteString("\n[project.urls]\nHome = " + Quote(a.homePage) + "\n")
	}
	return b.String()
}

// WriteFileAtomic writes data to path through a temporary file in the same
// directory, renamed into place, so path is never half-written.
func WriteFileAtomic(path string, data []byte) error {
	if err := atomicfile.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
