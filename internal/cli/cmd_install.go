package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"goflit/install"
	"goflit/internal/python"
	"goflit/pyproject"
	"goflit/wheel"
)

// errRootInstall is flit's refusal to install as root (a clean error here,
// not a traceback).
var errRootInstall = errors.New("Installing packages as root is not recommended. To allow this, set FLIT_ROOT_INSTALL=1 and try again.")

func installCommand() *command {
	c := &command{
		name:  "install",
		usage: "[-s | --pth-file] [--user | --env] [--python PYTHON] [--deps all|production|develop|none] [--only-deps] [--extras EXTRAS]",
		short: "Install the package",
	}
	c.run = func(g *Globals, args []string) int {
		var symlink, pth, user, env, onlyDeps bool
		var pythonFlag, deps, extras string
		fs := newFlagSet(g, c, func(w io.Writer) {
			fmt.Fprint(w, `Builds the wheel and installs it natively into the target interpreter's
environment (bytecode compiled, RECORD written, an installed version of the
project replaced); dependencies go through that interpreter's pip, in one call.

  -s, --symlink   symlink the module into site-packages instead of copying it
      --pth-file  add a .pth file naming the source directory to site-packages
      --user      install into the user site (default when user site-packages
                  are enabled and the environment is not writable)
      --env       install into the interpreter's environment (sys.prefix)
      --python P  target interpreter: a path, a name on PATH, or a venv
                  directory (default: FLIT_INSTALL_PYTHON, then python3 on
                  PATH, which is the active virtual environment's)
      --deps D    all (default), production, develop (adds the extras dev, doc
                  and test) or none
      --only-deps install only the dependencies, not the project
      --extras E  comma-separated extras to install the dependencies of
                  (all = every extra); not with --deps none

FLIT_NO_NETWORK forces --deps none. Installing as root needs FLIT_ROOT_INSTALL=1.
Use -v to see the commands run.
`)
		})
		fs.BoolVar(&symlink, "s", false, "")
		fs.BoolVar(&symlink, "symlink", false, "")
		fs.BoolVar(&pth, "pth-file", false, "")
		fs.BoolVar(&user, "user", false, "")
		fs.BoolVar(&env, "env", false, "")
		fs.StringVar(&pythonFlag, "python", "", "")
		fs.StringVar(&deps, "deps", "all", "")
		fs.BoolVar(&onlyDeps, "only-deps", false, "")
		fs.StringVar(&extras, "extras", "", "")
		if code, ok := parseFlags(g, c, fs, args); !ok {
			return code
		}
		if fs.NArg() > 0 {
			return usageError(g, c, "unexpected argument %q", fs.Arg(0))
		}
		if symlink && pth {
			return usageError(g, c, "--symlink and --pth-file cannot be used together")
		}
		if user && env {
			return usageError(g, c, "--user and --env cannot be used together")
		}
		if !slices.Contains(install.DepsChoices, deps) {
			return usageError(g, c, "--deps %q: choose from %s", deps, strings.Join(install.DepsChoices, ", "))
		}
		var extraList []string
		if extras != "" {
			extraList = strings.Split(extras, ",")
		}
		if deps == "none" && len(extraList) > 0 {
			return usageError(g, c, "%s", install.ErrExtrasWithNoDeps)
		}
		// flit's checks on the config file, once the command line is known good.
		if code, ok := g.checkProjectFile(); !ok {
			return code
		}
		getenv := g.Env.Getenv
		if os.Geteuid() == 0 && getenv("FLIT_ROOT_INSTALL") == "" {
			return g.Fail(errRootInstall)
		}
		if deps != "none" && getenv("FLIT_NO_NETWORK") != "" {
			g.Log.Warnf("FLIT_NO_NETWORK is set: not installing dependencies (--deps none)")
			deps, extraList = "none", nil
		}

		python.SetLogger(g.Log)
		py, err := python.Find(pythonFlag, getenv)
		if err != nil {
			return g.Fail(err)
		}
		interp, err := python.Query(py)
		if err != nil {
			return g.Fail(err)
		}
		py = interp.Executable
		g.Log.Debugf("target interpreter: %s (Python %s)", py, interp.Version)

		// A dynamic version or docstring that needs importing the module is
		// read after the dependencies are installed (the module may import
		// them), as flit installs them first when the import fails.
		loadOpts := pyproject.Options{
			AllowInvalid: getenv("FLIT_ALLOW_INVALID") != "",
			Python:       py,
			Getenv:       getenv,
			Log:          g.Log,
			DeferImport:  true,
		}
		p, err := pyproject.Load(g.ProjectFile(), loadOpts)
		if err != nil {
			return g.Fail(err)
		}
		if !p.NeedsImport || onlyDeps {
			for _, w := range p.Warnings {
				g.Log.Warnf("%s", w.Located())
			}
		}

		if !onlyDeps {
			if err := install.CheckRequiresPython(p, interp); err != nil {
				return g.Fail(err)
			}
		}

		if !user && !env {
			user = interp.UserSiteEnabled && !interp.InVenv && interp.UserPaths != nil && !install.Writable(interp.Paths.Purelib)
			g.Log.Debugf("user install: %t (user site enabled: %t)", user, interp.UserSiteEnabled)
		}
		target, err := install.NewTarget(interp, user)
		if err != nil {
			return g.Fail(err)
		}
		if marker := install.ExternallyManaged(interp); marker != "" && getenv("PIP_BREAK_SYSTEM_PACKAGES") == "" {
			return g.Fail(fmt.Errorf("%s is externally managed (PEP 668, %s): install into a virtual environment (python3 -m venv DIR, then flit install --python DIR), or set PIP_BREAK_SYSTEM_PACKAGES=1 to override", py, marker))
		}

		reqs, err := install.SelectRequirements(p, deps, extraList, g.Log)
		if err != nil {
			return g.Fail(err)
		}
		if err := install.InstallRequirements(py, reqs, install.PipOptions{
			User: user, Log: g.Log, Stdout: g.Env.Stdout, Stderr: g.Env.Stderr,
		}); err != nil {
			return g.Fail(err)
		}
		if onlyDeps {
			return 0
		}
		if p.NeedsImport {
			loadOpts.DeferImport = false
			if p, err = pyproject.Load(g.ProjectFile(), loadOpts); err != nil {
				return g.Fail(err)
			}
			for _, w := range p.Warnings {
				g.Log.Warnf("%s", w.Located())
			}
		}

		// Ctrl-C (or SIGTERM) cancels the install instead of killing the
		// process midway: nothing is installed, or a commit in progress is
		// rolled back.
		// The exit status is then 128+signal, as for the other commands
		// (internal/interrupt).
		ctx, stop := signalContext()
		defer stop()
		opts := install.Options{Log: g.Log, Context: ctx}
		var res *install.Result
		switch {
		case symlink:
			res, err = install.DevInstall(p, target, install.Symlink, opts)
		case pth:
			res, err = install.DevInstall(p, target, install.PthFile, opts)
		default:
			res, err = installBuilt(g, p, target, opts)
		}
		if err != nil {
			code := g.Fail(err)
			if _, sc, ok := signalExit(ctx); ok {
				code = sc
			}
			return code
		}
		g.Log.Infof("Installed %s %s into %s", p.Name, p.Version, filepath.Dir(res.DistInfo))
		if !onPath(target.Scheme.Scripts, getenv("PATH")) && len(p.EntryPoints["console_scripts"])+len(p.EntryPoints["gui_scripts"]) > 0 {
			g.Log.Warnf("the scripts directory %s is not on PATH", target.Scheme.Scripts)
		}
		return 0
	}
	return c
}

// installBuilt builds the project's wheel and installs it natively, with
// no wheel file in between (install.InstallProject).
func installBuilt(g *Globals, p *pyproject.Project, target *install.Target, opts install.Options) (*install.Result, error) {
	root, err := filepath.EvalSymlinks(p.Root)
	if err != nil {
		return nil, err
	}
	opts.DirectURL = &install.DirectURL{URL: install.FileURL(root)}
	return install.InstallProject(p, target, wheel.Options{
		SourceDateEpoch: g.Env.Getenv("SOURCE_DATE_EPOCH"),
		Log:             g.Log,
	}, opts)
}

func onPath(dir, path string) bool {
	for _, d := range filepath.SplitList(path) {
		if d != "" && filepath.Clean(d) == filepath.Clean(dir) {
			return true
		}
	}
	return false
}
