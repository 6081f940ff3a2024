// Package cli is the flit command line: the command table, flag parsing,
// help text, rendering of diagnostics and exit codes. It is the only package
// that prints or decides an exit status; everything below it returns values
// and errors.
//
// Exit codes: 0 success, 1 a problem with the project or the operation,
// 2 a bad command line.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"goflit/internal/diag"
	"goflit/internal/textdist"
)

// Version is goflit's version, printed by -V and written as the wheel Generator.
const Version = "0.1.0"

// Env is everything a command may take from the outside world, so tests can
// run commands in-process.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	Dir    string // working directory
	// IsTerminal reports whether stdin is an interactive terminal.
	IsTerminal func() bool
}

// OSEnv is the Env of the running process.
func OSEnv() *Env {
	dir, _ := os.Getwd()
	return &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Dir: dir,
		IsTerminal: func() bool { return isTerminal(os.Stdin) }}
}

// Globals are the options given before the command name.
type Globals struct {
	IniFile string // -f/--ini-file, default "pyproject.toml" in Env.Dir
	Verbose bool   // -v/--verbose
	Debug   bool   // --debug
	Env     *Env
	Log     *Log
}

// ProjectFile is the absolute path of the pyproject.toml to use.
func (g *Globals) ProjectFile() string {
	p := g.IniFile
	if p == "" {
		p = "pyproject.toml"
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(g.Env.Dir, p)
	}
	return p
}

// command is one entry of the command table.
type command struct {
	name   string
	usage  string // after "flit NAME"
	short  string
	hidden bool
	// run parses its own flags from args and returns an exit code.
	run func(g *Globals, args []string) int
	// needsProject: the command reads pyproject.toml (set in commands()).
	needsProject bool
}

func commands() []*command {
	cmds := []*command{
		buildCommand(),
		publishCommand(),
		installCommand(),
		initCommand(),
		checkCommand(),
		serveCommand(),
		tomlifyCommand(),
		migrateCommand(),
		buildExtCommand(),
		backendCommand(),
	}
	var out []*command
	for _, c := range cmds {
		if c != nil {
			c.needsProject = c.name == "build"
			out = append(out, c)
		}
	}
	return out
}

// Main runs flit with args (without the program name) and returns the exit code.
func Main(args []string, env *Env) (code int) {
	g := &Globals{Env: env}
	fs := flag.NewFlagSet("flit", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var showVersion, logo bool
	var legacyRepo string
	fs.StringVar(&g.IniFile, "f", "", "")
	fs.StringVar(&g.IniFile, "ini-file", "", "")
	fs.BoolVar(&showVersion, "V", false, "")
	fs.BoolVar(&showVersion, "version", false, "")
	fs.BoolVar(&g.Verbose, "v", false, "")
	fs.BoolVar(&g.Verbose, "verbose", false, "")
	fs.BoolVar(&g.Debug, "debug", false, "")
	fs.BoolVar(&logo, "logo", false, "")
	fs.StringVar(&legacyRepo, "repository", "", "")
	help := false
	fs.BoolVar(&help, "h", false, "")
	fs.BoolVar(&help, "help", false, "")
	if err := fs.Parse(args); err != nil {
		fmt.Fprintf(env.Stderr, "flit: %s%s\nRun 'flit -h' for the commands and global options.\n", flagError(err), suggestFlag(fs, err))
		return 2
	}
	g.Log = newLog(env.Stderr, g.Verbose || g.Debug, env.Dir)
	if showVersion {
		fmt.Fprintf(env.Stdout, "Flit %s (goflit)\n", Version)
		return 0
	}
	if logo {
		fmt.Fprint(env.Stdout, logoText)
		return 0
	}
	if help {
		fmt.Fprint(env.Stdout, mainUsage())
		return 0
	}
	rest := fs.Args()
	iniSet := false
	fs.Visit(func(f *flag.Flag) { iniSet = iniSet || f.Name == "f" || f.Name == "ini-file" })
	if iniSet && g.IniFile == "" {
		fmt.Fprintf(env.Stderr, "flit: -f/--ini-file needs the path of a pyproject.toml file, got an empty value\nRun 'flit -h' for the commands and global options.\n")
		return 2
	}
	if len(rest) == 0 {
		for _, c := range commands() {
			if iniSet && c.name == g.IniFile && !c.hidden {
				// "flit -f build": the command became the option's value.
				fmt.Fprintf(env.Stderr, "flit: no command: -f took %q as its file name (write 'flit -f FILE %s')\nRun 'flit -h' for the commands and global options.\n", g.IniFile, g.IniFile)
				return 2
			}
		}
		fmt.Fprint(env.Stderr, mainUsage())
		return 1
	}
	name := rest[0]
	for _, c := range commands() {
		if c.name == name {
			if legacyRepo != "" {
				g.Log.Warnf("Passing --repository before the '%s' subcommand is deprecated: pass it after", name)
				if name == "publish" {
					rest = append([]string{name, "--repository", legacyRepo}, rest[1:]...)
				}
			}
			return c.run(g, rest[1:])
		}
	}
	fmt.Fprintf(env.Stderr, "flit: unknown command %q%s\nRun 'flit -h' for the list of commands.\n", name, suggestCommand(name))
	return 2
}

// checkProjectFile gives flit's messages for a missing or .ini config file
// before a command that needs a project runs.
func (g *Globals) checkProjectFile() (int, bool) {
	path := g.ProjectFile()
	show := g.shortPath(path)
	if strings.HasSuffix(path, ".ini") {
		fmt.Fprintf(g.Env.Stderr, "error: %s: flit.ini format is no longer supported. You can use 'flit tomlify' to convert it to pyproject.toml\n", show)
		return 1, false
	}
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.IsDir():
		fmt.Fprintf(g.Env.Stderr, "error: %s is a directory; -f/--ini-file takes the path of a pyproject.toml file\n", show)
		return 1, false
	case err != nil:
		hint := "run 'flit init' to create one, or pass -f PATH/pyproject.toml"
		if _, ierr := os.Stat(filepath.Join(filepath.Dir(path), "flit.ini")); ierr == nil {
			hint = "this project has a flit.ini, a format no longer supported: run 'flit tomlify' to convert it"
		} else if up := parentProjectFile(path); up != "" {
			if g.Env.Dir != "" {
				if rel, err := filepath.Rel(g.Env.Dir, up); err == nil {
					up = rel // ../../pyproject.toml
				}
			}
			hint += fmt.Sprintf("; found %s in a parent folder: run flit in %s, or pass -f %s", up, filepath.Dir(up), up)
		}
		fmt.Fprintf(g.Env.Stderr, "error: Config file %s does not exist (%s)\n", show, hint)
		return 1, false
	}
	return 0, true
}

// parentProjectFile finds a pyproject.toml in a parent folder of a missing
// one (flit run from a project's subfolder), or "".
func parentProjectFile(path string) string {
	if filepath.Base(path) != "pyproject.toml" {
		return ""
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return ""
	}
	for dir := filepath.Dir(filepath.Dir(abs)); ; dir = filepath.Dir(dir) {
		cand := filepath.Join(dir, "pyproject.toml")
		if fi, err := os.Stat(cand); err == nil && !fi.IsDir() {
			return cand
		}
		if filepath.Dir(dir) == dir {
			return ""
		}
	}
}

func suggestCommand(name string) string {
	var names []string
	for _, c := range commands() {
		if !c.hidden {
			names = append(names, c.name)
		}
	}
	if s := Closest(name, names); s != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	return ""
}

func mainUsage() string {
	var b strings.Builder
	b.WriteString("usage: flit [-h] [-f INI_FILE] [-V] [-v] [--debug] COMMAND ...\n\n")
	b.WriteString("Build, install and publish Python packages (goflit, a Go reimplementation of Flit).\n\n")
	b.WriteString("Commands:\n")
	cmds := commands()
	sort.SliceStable(cmds, func(i, j int) bool { return false })
	for _, c := range cmds {
		if c.hidden {
			continue
		}
		fmt.Fprintf(&b, "  %-10s %s\n", c.name, c.short)
	}
	b.WriteString("\nOptions:\n")
	b.WriteString("  -f, --ini-file INI_FILE  pyproject.toml file to use (default: pyproject.toml)\n")
	b.WriteString("  -V, --version            print the version and exit\n")
	b.WriteString("  -v, --verbose            show what is done: files selected, commands run\n")
	b.WriteString("      --debug              show debugging output\n")
	b.WriteString("  -h, --help               show this help; 'flit COMMAND -h' for a command's options\n")
	return b.String()
}

// newFlagSet returns a flag set for a subcommand whose -h prints usage to
// stdout and whose errors print to stderr with exit code 2.
func newFlagSet(g *Globals, c *command, describe func(w io.Writer)) *flag.FlagSet {
	fs := flag.NewFlagSet("flit "+c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	// flag calls Usage on every parse error; help is printed only for -h
	// (see parseFlags), so Usage does nothing.
	fs.Usage = func() {}
	helpPrinters.Store(fs, func() {
		fmt.Fprintf(g.Env.Stdout, "usage: flit %s %s\n\n%s\n", c.name, c.usage, c.short)
		if describe != nil {
			fmt.Fprintln(g.Env.Stdout)
			describe(g.Env.Stdout)
		}
	})
	return fs
}

// helpPrinters maps a command's flag set to its -h output.
var helpPrinters sync.Map

func printHelp(fs *flag.FlagSet) {
	if f, ok := helpPrinters.Load(fs); ok {
		f.(func())()
	}
}

// parseFlags parses args with fs. It returns (code, false) when the caller
// must return code immediately: 0 after -h, 2 after a usage error.
func parseFlags(g *Globals, c *command, fs *flag.FlagSet, args []string) (int, bool) {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		printHelp(fs)
		return 0, false
	}
	if err != nil {
		hint := suggestFlag(fs, err)
		if name, ok := undefinedFlag(err); ok && isGlobalFlag(name) {
			example := dashed(name)
			if name == "f" || name == "ini-file" {
				example += " FILE" // the option takes a value
			}
			hint = fmt.Sprintf(" (%s is a global option: put it before the command, as in 'flit %s %s')", dashed(name), example, c.name)
		}
		fmt.Fprintf(g.Env.Stderr, "flit %s: %s%s\nusage: flit %s %s\n", c.name, flagError(err), hint, c.name, c.usage)
		return 2, false
	}
	if c.needsProject {
		// flit's checks on the config file, once the command line is known good.
		return g.checkProjectFile()
	}
	return 0, true
}

// usageError prints a command line problem and returns exit code 2.
func usageError(g *Globals, c *command, format string, args ...any) int {
	fmt.Fprintf(g.Env.Stderr, "flit %s: %s\nusage: flit %s %s\n", c.name, fmt.Sprintf(format, args...), c.name, c.usage)
	return 2
}

// Fail renders err (one line per problem; TOML errors with their caret line)
// and returns exit code 1.
func (g *Globals) Fail(err error) int {
	if list, ok := diag.AsList(err); ok {
		for _, d := range list {
			d.File = g.shortPath(d.File)
			fmt.Fprintf(g.Env.Stderr, "error: %s\n", g.relMessage(d.Error()))
			if c := d.Caret(); c != "" {
				fmt.Fprintln(g.Env.Stderr, c)
			}
		}
		return 1
	}
	fmt.Fprintf(g.Env.Stderr, "error: %s\n", g.relMessage(err.Error()))
	return 1
}

// relMessage shows the paths below the working directory in msg relative
// to it, as the user would type them.
func (g *Globals) relMessage(msg string) string {
	if g.Env.Dir == "" {
		return msg
	}
	return strings.ReplaceAll(msg, g.Env.Dir+string(filepath.Separator), "")
}

// shortPath shows a path under the working directory relative to it.
func (g *Globals) shortPath(p string) string {
	if g.Env.Dir == "" || !filepath.IsAbs(p) {
		return p
	}
	if rel, err := filepath.Rel(g.Env.Dir, p); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return p
}

// dashed spells an option as users type it: -x for one letter, --name else.
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// flagError rewrites the standard flag package's messages, which spell
// every option with one dash, into flit's spelling.
func flagError(err error) string {
	msg := err.Error()
	for _, p := range []struct{ prefix, repl string }{
		{"flag provided but not defined: -", "unknown option "},
		{"flag needs an argument: -", "option needs a value: "},
	} {
		if rest, ok := strings.CutPrefix(msg, p.prefix); ok {
			return p.repl + dashed(rest)
		}
	}
	// invalid value "x" for flag -name: reason / invalid boolean value "x" for -name: reason
	for _, marker := range []string{" for flag -", " for -"} {
		if i := strings.Index(msg, marker); i >= 0 {
			rest := msg[i+len(marker):]
			name, reason, _ := strings.Cut(rest, ": ")
			return msg[:i] + " for " + dashed(name) + ": " + reason
		}
	}
	return msg
}

func undefinedFlag(err error) (string, bool) {
	return strings.CutPrefix(err.Error(), "flag provided but not defined: -")
}

func isGlobalFlag(name string) bool {
	switch name {
	case "v", "verbose", "debug", "f", "ini-file", "V", "version":
		return true
	}
	return false
}

// suggestFlag proposes the nearest defined option for an unknown one.
func suggestFlag(fs *flag.FlagSet, err error) string {
	name, ok := undefinedFlag(err)
	if !ok {
		return ""
	}
	var names []string
	fs.VisitAll(func(f *flag.Flag) {
		if len(f.Name) > 1 || len(name) == 1 {
			names = append(names, f.Name)
		}
	})
	if s := Closest(name, names); s != "" {
		return fmt.Sprintf(" (did you mean %s?)", dashed(s))
	}
	return ""
}

// Closest returns the candidate nearest to s by edit distance (adjacent
// transpositions count as one edit) when it is close enough to be a likely
// typo, else "".
func Closest(s string, candidates []string) string {
	best, bestD := "", 1<<30
	for _, c := range candidates {
		d := textdist.OSA(strings.ToLower(s), strings.ToLower(c))
		if d < bestD {
			best, bestD = c, d
		}
	}
	if best != "" && bestD <= max(1, len(s)/3) {
		return best
	}
	return ""
}

const logoText = `
   ___  ___ ___  ___ _ _ _
  / __|/ _ \ __|| | (_) |_
 | (_ | (_) | _|| |_| |  _|
  \___|\___/|_| |____|_|\__|   flit, in Go
`
