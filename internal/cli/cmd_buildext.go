package cli

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"goflit/cext"
	"goflit/pyproject"
)

// settingList is the repeatable -C KEY=VALUE flag (PEP 517 config settings).
type settingList map[string]string

func (s settingList) String() string { return "" }

func (s settingList) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	if !ok || k == "" {
		return fmt.Errorf("config setting %q is not KEY=VALUE", v)
	}
	known := false
	for _, c := range cext.ConfigSettingKeys {
		known = known || c == k
	}
	if !known {
		return fmt.Errorf("unknown config setting %q (known: %s)", k, strings.Join(cext.ConfigSettingKeys, ", "))
	}
	s[k] = val
	return nil
}

func buildExtCommand() *command {
	c := &command{
		name:  "build-ext",
		usage: "[--inplace | --clean] [-o DIR] [--python PY] [-C KEY=VALUE]...",
		short: "Compile the project's C/C++ extension modules",
	}
	c.run = func(g *Globals, args []string) int {
		settings := settingList{}
		var inplace, clean bool
		var outDir, py string
		fs := newFlagSet(g, c, func(w io.Writer) {
			fmt.Fprint(w, `Compiles the extension modules declared in [tool.goflit] (or [tool.zlig]),
with the object cache that wheel builds use, and reports the wheel tag the
built modules earn (manylinux_X_Y only when the ELF audit proves it).

  --inplace        build next to the sources with the interpreter's EXT_SUFFIX
                   (for editable installs and flit install --symlink); removes
                   modules of earlier in-place builds that are now stale
  --clean          remove the modules in-place builds wrote (listed in
                   .goflit-ext.json) and that list; nothing else
  -o, --out-dir D  where to put the modules otherwise (default: build/ext)
  --python PY      target interpreter (default: FLIT_INSTALL_PYTHON, python3)
  -C KEY=VALUE     compiler, jobs, target, build-type, strip, manylinux, python

CC, CXX, CFLAGS, CXXFLAGS, CPPFLAGS and LDFLAGS are honoured. Use -v to see
every compiler command and cache hit.
`)
		})
		fs.BoolVar(&inplace, "inplace", false, "")
		fs.BoolVar(&inplace, "i", false, "")
		fs.BoolVar(&clean, "clean", false, "")
		fs.StringVar(&outDir, "o", "", "")
		fs.StringVar(&outDir, "out-dir", "", "")
		fs.StringVar(&py, "python", "", "")
		fs.Var(settings, "C", "")
		fs.Var(settings, "config-setting", "")
		if code, ok := parseFlags(g, c, fs, args); !ok {
			return code
		}
		if fs.NArg() > 0 {
			return usageError(g, c, "unexpected argument %q", fs.Arg(0))
		}
		if inplace && outDir != "" {
			return usageError(g, c, "--inplace and --out-dir cannot be used together")
		}
		if clean && (inplace || outDir != "") {
			return usageError(g, c, "--clean cannot be combined with --inplace or --out-dir")
		}
		p, err := pyproject.Load(g.ProjectFile(), pyproject.Options{Getenv: g.Env.Getenv, Log: g.Log})
		if err != nil {
			return g.Fail(err)
		}
		if clean {
			removed, err := cext.CleanInplace(p)
			for _, f := range removed {
				fmt.Fprintf(g.Env.Stdout, "Removed %s\n", f)
			}
			if err != nil {
				return g.Fail(err)
			}
			return 0
		}
		if !cext.Configured(p) {
			return g.Fail(fmt.Errorf("%s declares no extension modules (add [[tool.goflit.extension]] with name and sources)", p.File))
		}
		if outDir == "" {
			outDir = filepath.Join(p.Root, "build", "ext")
		} else if !filepath.IsAbs(outDir) {
			outDir = filepath.Join(g.Env.Dir, outDir)
		}
		res, err := cext.Build(p, cext.Options{ConfigSettings: settings, Getenv: g.Env.Getenv, Log: g.Log,
			OutDir: outDir, InPlace: inplace, Python: py})
		if err != nil {
			return g.Fail(err)
		}
		for _, f := range res.Files {
			shown := f.DiskPath
			if rel, err := filepath.Rel(g.Env.Dir, f.DiskPath); err == nil && !strings.HasPrefix(rel, "..") {
				shown = rel
			}
			fmt.Fprintf(g.Env.Stdout, "Built extension: %s\n", shown)
		}
		fmt.Fprintf(g.Env.Stdout, "Wheel tag: %s\n", res.Tag)
		return 0
	}
	return c
}
