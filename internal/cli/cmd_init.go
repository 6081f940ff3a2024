package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"time"

	"golang.org/x/term"

	"goflit/initcmd"
)

// optString is a string flag that remembers whether it was given.
type optString struct{ p **string }

func (o optString) String() string {
	if o.p == nil || *o.p == nil {
		return ""
	}
	return **o.p
}

func (o optString) Set(s string) error { *o.p = &s; return nil }

func initCommand() *command {
	c := &command{
		name:  "init",
		usage: "[--name MODULE] [--author NAME] [--email EMAIL] [--home-page URL] [--license MIT|Apache-2.0|GPL-3.0-or-later|none] [--backend flit_core|goflit] [--yes] [--force]",
		short: "Prepare pyproject.toml for a new package",
	}
	c.run = func(g *Globals, args []string) int {
		var o initcmd.Options
		fs := newFlagSet(g, c, func(w io.Writer) {
			fmt.Fprint(w, `Asks for the module name, author, email, home page and license, then writes
pyproject.toml (and LICENSE). Answers given as flags are not asked. Without a
terminal nothing is asked: flags, then remembered defaults, are used.

  --name MODULE      import name of the module or package
  --author NAME      author's name
  --email EMAIL      author's email
  --home-page URL    home page (http:// or https://)
  --license L        MIT, Apache-2.0, GPL-3.0-or-later or none
  --backend B        flit_core (default: Python's flit_core builds it) or goflit
  --yes              accept the defaults, ask nothing
  --force            overwrite an existing pyproject.toml without asking
`)
		})
		fs.Var(optString{&o.Name}, "name", "")
		fs.Var(optString{&o.Author}, "author", "")
		fs.Var(optString{&o.Email}, "email", "")
		fs.Var(optString{&o.HomePage}, "home-page", "")
		fs.Var(optString{&o.License}, "license", "")
		fs.StringVar(&o.Backend, "backend", "flit_core", "")
		fs.BoolVar(&o.Yes, "yes", false, "")
		fs.BoolVar(&o.Yes, "y", false, "")
		fs.BoolVar(&o.Force, "force", false, "")
		if code, ok := parseFlags(g, c, fs, args); !ok {
			return code
		}
		if fs.NArg() > 0 {
			return usageError(g, c, "unexpected argument %q", fs.Arg(0))
		}
		env := g.Env
		o.Dir = env.Dir
		o.DataDir = initcmd.DataDir(env.Getenv, runtime.GOOS)
		o.Year = time.Now().UTC().Year()
		if s := env.Getenv("SOURCE_DATE_EPOCH"); s != "" {
			if n, err := strconv.ParseInt(s, 10, 64); err == nil {
				o.Year = time.Unix(n, 0).UTC().Year()
			}
		}

		var restore func()
		if !o.Yes && env.IsTerminal != nil && env.IsTerminal() {
			if f, ok := env.Stdin.(*os.File); ok {
				if state, err := term.MakeRaw(int(f.Fd())); err == nil {
					restore = func() { _ = term.Restore(int(f.Fd()), state) }
				}
			}
			t := term.NewTerminal(struct {
				io.Reader
				io.Writer
			}{env.Stdin, env.Stdout}, "")
			t.History = noHistory{} // up/down do nothing: there is nothing to recall
			o.Prompter = termPrompter{t}
		}
		res, err := initcmd.Init(o)
		if restore != nil {
			restore()
		}
		if errors.Is(err, initcmd.ErrAborted) {
			fmt.Fprintln(env.Stderr, "\nAborted")
			return 130
		}
		if err != nil {
			return g.Fail(err)
		}
		if res.Declined {
			return 0
		}
		for _, w := range res.Warnings {
			g.Log.Warnf("%s", w)
		}
		for _, f := range res.Written {
			g.Log.Debugf("wrote %s", f)
		}
		fmt.Fprintln(env.Stdout)
		fmt.Fprintln(env.Stdout, "Written pyproject.toml; edit that file to add optional extra info.")
		return 0
	}
	return c
}

// termPrompter asks questions on a raw-mode terminal with line editing
// (left/right, backspace, Ctrl-A/E/U); Ctrl-C and Ctrl-D abort.
type termPrompter struct{ t *term.Terminal }

func (p termPrompter) ReadLine(prompt string) (string, error) {
	p.t.SetPrompt(prompt)
	for {
		line, err := p.t.ReadLine()
		if errors.Is(err, term.ErrPasteIndicator) {
			return line, nil
		}
		return line, err
	}
}

func (p termPrompter) Println(line string) { _, _ = p.t.Write([]byte(line + "\n")) }

// noHistory is a term.History that remembers nothing.
type noHistory struct{}

func (noHistory) Add(string)    {}
func (noHistory) Len() int      { return 0 }
func (noHistory) At(int) string { return "" }
