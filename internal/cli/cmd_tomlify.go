package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"goflit/initcmd"
)

func tomlifyCommand() *command {
	c := &command{
		name:  "tomlify",
		usage: "[--force] [flit.ini]",
		short: "Convert a flit.ini file to pyproject.toml with a [project] table",
	}
	c.run = func(g *Globals, args []string) int {
		flags := newFlagSet(g, c, func(w io.Writer) {
			fmt.Fprint(w, `Reads flit.ini (flit 0.x) and its entry points file (entry_points.txt, or
entry-points-file), and writes pyproject.toml next to it with a standard
[project] table, which flit_core 3.11+ and 4 build. Then prints the file.

  --force   overwrite an existing pyproject.toml
`)
		})
		force := flags.Bool("force", false, "")
		if code, ok := parseFlags(g, c, flags, args); !ok {
			return code
		}
		if flags.NArg() > 1 {
			return usageError(g, c, "expected at most one flit.ini, got %d arguments", flags.NArg())
		}
		ini := "flit.ini"
		if flags.NArg() == 1 {
			ini = flags.Arg(0)
		}
		if !filepath.IsAbs(ini) {
			ini = filepath.Join(g.Env.Dir, ini)
		}
		res, err := initcmd.Tomlify(ini)
		if err != nil {
			return g.Fail(err)
		}
		out := filepath.Join(filepath.Dir(ini), "pyproject.toml")
		if _, err := os.Stat(out); err == nil && !*force {
			return g.Fail(fmt.Errorf("%s already exists: pass --force to overwrite it", out))
		} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return g.Fail(err)
		}
		if err := initcmd.WriteFileAtomic(out, []byte(res.Pyproject)); err != nil {
			return g.Fail(err)
		}
		fmt.Fprint(g.Env.Stdout, res.Pyproject)
		fmt.Fprintln(g.Env.Stdout)
		for _, n := range res.Notes {
			g.Log.Infof("note: %s", n)
		}
		g.Log.Infof("Written %s; check it, then remove %s", out, filepath.Base(ini))
		return 0
	}
	return c
}
