package cli

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"goflit/internal/build"
)

// formatList is the repeatable --format flag.
type formatList []string

func (f *formatList) String() string { return strings.Join(*f, ",") }

func (f *formatList) Set(s string) error {
	switch s {
	case "wheel", "sdist":
		*f = append(*f, s)
		return nil
	}
	return fmt.Errorf("unknown package format %q (use wheel or sdist)", s)
}

func buildCommand() *command {
	c := &command{
		name:  "build",
		usage: "[--format wheel|sdist]... [--use-vcs | --no-use-vcs] [--setup-py | --no-setup-py]",
		short: "Build wheel and sdist",
	}
	c.run = func(g *Globals, args []string) int {
		var formats formatList
		var useVCS, noUseVCS, setupPy, noSetupPy bool
		fs := newFlagSet(g, c, func(w io.Writer) {
			fmt.Fprint(w, `Builds the sdist and the wheel into dist/ next to pyproject.toml. When both are
built, the wheel is built from the unpacked sdist, so a file missing from the
sdist fails the build. A failed build leaves dist/ as it was.

  --format F      wheel or sdist; repeat for both (default: both)
  --use-vcs       start the sdist from the files tracked by git or Mercurial
                  (refused when there are untracked or deleted files)
  --no-use-vcs    start the sdist from the module, data, readme, license and
                  pyproject.toml files plus [tool.flit.sdist] includes
                  (default for flit_core 4 projects; projects requiring
                  flit_core<4 default to --use-vcs, as flit 3 did)
  --setup-py      ignored, with a warning: flit 4 removed setup.py generation
                  (the generated file no longer worked on Python 3.12)
  --no-setup-py   accepted and ignored (no setup.py is ever generated)

SOURCE_DATE_EPOCH (integer seconds) fixes every timestamp for reproducible
builds. Use -v to see the files selected and the commands run.
`)
		})
		fs.Var(&formats, "format", "")
		fs.BoolVar(&useVCS, "use-vcs", false, "")
		fs.BoolVar(&noUseVCS, "no-use-vcs", false, "")
		fs.BoolVar(&setupPy, "setup-py", false, "")
		fs.BoolVar(&noSetupPy, "no-setup-py", false, "")
		if code, ok := parseFlags(g, c, fs, args); !ok {
			return code
		}
		if fs.NArg() > 0 {
			return usageError(g, c, "unexpected argument %q", fs.Arg(0))
		}
		if useVCS && noUseVCS {
			return usageError(g, c, "--use-vcs and --no-use-vcs cannot be used together")
		}
		if setupPy && noSetupPy {
			return usageError(g, c, "--setup-py and --no-setup-py cannot be used together")
		}
		if setupPy {
			g.Log.Warnf("--setup-py is ignored: flit 4 no longer generates setup.py (installers build from pyproject.toml)")
		}
		req := build.Request{
			ProjectFile: g.ProjectFile(),
			Formats:     formats,
			Getenv:      g.Env.Getenv,
			Log:         g.Log,
			Validate:    true,
		}
		if useVCS || noUseVCS {
			req.UseVCS = &useVCS
		}
		arts, err := build.Run(req)
		if err != nil {
			return g.Fail(err)
		}
		for _, a := range arts {
			shown := a.Path
			if rel, err := filepath.Rel(g.Env.Dir, a.Path); err == nil && !strings.HasPrefix(rel, "..") {
				shown = rel
			}
			fmt.Fprintf(g.Env.Stdout, "Built %s: %s\n", a.Format, shown)
		}
		return 0
	}
	return c
}
