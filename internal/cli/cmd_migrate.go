package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"goflit/initcmd"
)

func migrateCommand() *command {
	c := &command{
		name:  "migrate",
		usage: "[--dry-run]",
		short: "Rewrite old-style [tool.flit.metadata] to a standard [project] table",
	}
	c.run = func(g *Globals, args []string) int {
		flags := newFlagSet(g, c, func(w io.Writer) {
			fmt.Fprint(w, `Rewrites pyproject.toml (or -f FILE) in place: [tool.flit.metadata],
[tool.flit.scripts] and [tool.flit.entrypoints] become [project] tables, which
flit_core 4 requires; the flit_core requirement in [build-system] is updated to
allow flit_core 4. Comments and everything else in the file are kept. The diff
is shown first.

  --dry-run   show the diff only, change nothing
`)
		})
		dry := flags.Bool("dry-run", false, "")
		if code, ok := parseFlags(g, c, flags, args); !ok {
			return code
		}
		if flags.NArg() > 0 {
			return usageError(g, c, "unexpected argument %q", flags.Arg(0))
		}
		// flit's messages for a missing pyproject.toml or a flit.ini (which
		// flit tomlify converts).
		if code, ok := g.checkProjectFile(); !ok {
			return code
		}
		path := g.ProjectFile()
		src, err := os.ReadFile(path)
		if err != nil {
			return g.Fail(err)
		}
		name := filepath.Base(path)
		res, err := initcmd.Migrate(src, name)
		if err != nil {
			return g.Fail(err)
		}
		fmt.Fprint(g.Env.Stdout, initcmd.UnifiedDiff("a/"+name, "b/"+name, res.Old, res.New))
		for _, n := range res.Notes {
			g.Log.Infof("note: %s", n)
		}
		if *dry {
			g.Log.Infof("Dry run: %s not changed", name)
			return 0
		}
		fi, err := os.Stat(path)
		if err != nil {
			return g.Fail(err)
		}
		if err := initcmd.WriteFileAtomic(path, []byte(res.New)); err != nil {
			return g.Fail(err)
		}
		if fi.Mode().Perm() != 0o644 {
			_ = os.Chmod(path, fi.Mode().Perm()) // keep the file's mode
		}
		g.Log.Infof("Migrated %s to a [project] table", name)
		return 0
	}
	return c
}
