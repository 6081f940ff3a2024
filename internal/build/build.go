// Package build is the orchestration behind `flit build` (and, later, the
// PEP 517 backend and `flit install`): load the project, build the sdist
// and/or the wheel, and put them in the output directory only when
// everything succeeded.
//
// When both formats are built, the sdist comes first and the wheel is built
// from the unpacked sdist in a temporary directory, as flit does, so that a
// file missing from the sdist breaks the build instead of the user's
// install later.
package build

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"goflit/archive"
	"goflit/cext"
	"goflit/internal/diag"
	"goflit/internal/interrupt"
	"goflit/internal/validate"
	"goflit/pyproject"
	"goflit/sdist"
	"goflit/wheel"
)

// Request describes one build.
type Request struct {
	ProjectFile string   // path of pyproject.toml
	Formats     []string // "wheel", "sdist"; empty = both
	UseVCS      *bool    // nil = the profile's default (4.x: no, 3.x: yes)
	OutDir      string   // "" = <project>/dist
	Getenv      func(string) string
	Log         diag.Logger
	// Python is the interpreter for the import fallback of a dynamic
	// version or docstring ("" = FLIT_INSTALL_PYTHON, else python3 on
	// PATH); the PEP 517 backend passes the frontend's interpreter.
	Python string
	// Validate runs the flit command line's extra checks (classifiers,
	// entry points, URLs, ...) as `flit build` does; the PEP 517 backend
	// leaves it off, as flit_core does.
	Validate bool
	// ConfigSettings are PEP 517 config settings: flit_core has none; they
	// are handed to the C/C++ extension builder (cext).
	ConfigSettings map[string]string
	// Wheel and Sdist carry further options (extension files, tag, ...);
	// SourceDateEpoch and Log are filled in from the request.
	Wheel wheel.Options
	Sdist sdist.Options
}

// Artifact is one file built.
type Artifact struct {
	Format   string // "wheel" or "sdist"
	Path     string // absolute path in the output directory
	Filename string
}

// Formats checks a --format list and returns it deduplicated in flit's
// order (sdist first). An unknown value is an error naming it.
func Formats(in []string) (sdistWanted, wheelWanted bool, err error) {
	if len(in) == 0 {
		return true, true, nil
	}
	var bad []string
	for _, f := range in {
		switch f {
		case "sdist":
			sdistWanted = true
		case "wheel":
			wheelWanted = true
		default:
			bad = append(bad, f)
		}
	}
	if len(bad) > 0 {
		return false, false, fmt.Errorf("unknown package formats: %s (use wheel or sdist)", strings.Join(bad, ", "))
	}
	return sdistWanted, wheelWanted, nil
}

// Run builds what req asks for.
func Run(req Request) ([]Artifact, error) {
	if req.Log == nil {
		req.Log = diag.Discard
	}
	if req.Getenv == nil {
		req.Getenv = os.Getenv
	}
	log := req.Log
	wantSdist, wantWheel, err := Formats(req.Formats)
	if err != nil {
		return nil, err
	}
	// A SOURCE_DATE_EPOCH that is not an integer is refused before any
	// work, for every format (archive.ParseSourceDateEpoch).
	if _, err := archive.ParseSourceDateEpoch(req.Getenv("SOURCE_DATE_EPOCH")); err != nil {
		return nil, err
	}
	p, err := load(req, req.ProjectFile)
	if err != nil {
		return nil, err
	}
	if v := p.Metadata.Version; strings.ContainsAny(v, "-/\\ ") {
		// Only FLIT_ALLOW_INVALID lets such a version through; flit then
		// fails an assertion while naming the wheel.
		return nil, fmt.Errorf("%s: version %q (let through by FLIT_ALLOW_INVALID) cannot go in the wheel and sdist file names, where '-' separates the fields: use a PEP 440 version (a label goes after '+', as in 1.0+foo)", p.File, v)
	}
	outDir := req.OutDir
	if outDir == "" {
		outDir = filepath.Join(p.Root, "dist")
	}
	if outDir, err = filepath.Abs(outDir); err != nil {
		return nil, err
	}
	// Everything is built in a hidden staging directory inside outDir and
	// moved into place at the end, so a failure leaves outDir's files as
	// they were (and removes outDir again if this build created it). Inside
	// dist/, a staging directory left by an interrupted build never counts
	// as an untracked file for --use-vcs.
	_, statErr := os.Stat(outDir)
	createdOut := errors.Is(statErr, fs.ErrNotExist)
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		if fi, serr := os.Stat(outDir); serr == nil && !fi.IsDir() {
			return nil, fmt.Errorf("%s is a file, not a directory: the artifacts go there, so move that file away", outDir)
		}
		return nil, err
	}
	// The staging directory is made in the real directory (dist/ may be a
	// symlink to another file system), so the final renames never cross
	// file systems.
	realOut, err := filepath.EvalSymlinks(outDir)
	if err != nil {
		return nil, err
	}
	// Ctrl-C or SIGTERM (with interrupt.Enable) removes the staging
	// directory too. The handler is registered before the directory is
	// made and finds it by this process's pattern, so there is no moment
	// when the directory exists unknown to it.
	pattern := fmt.Sprintf(".goflit-build-%d-*", os.Getpid())
	forget := interrupt.Register(func() {
		if stages, _ := filepath.Glob(filepath.Join(realOut, pattern)); len(stages) > 0 {
			for _, s := range stages {
				os.RemoveAll(s)
			}
		}
		if createdOut {
			os.Remove(outDir) // only if empty
		}
	})
	defer forget()
	stage, err := os.MkdirTemp(realOut, pattern)
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return nil, fmt.Errorf("%s: cannot write in this directory (permission denied): make it writable, or remove it so it is created again", outDir)
		}
		return nil, err
	}
	ok := false
	defer func() {
		os.RemoveAll(stage)
		if !ok && createdOut {
			os.Remove(outDir) // only if empty
		}
	}()

	sde := req.Getenv("SOURCE_DATE_EPOCH")
	var built []Artifact
	var sdistPath string
	if wantSdist {
		useVCS := p.Profile.UseVCSByDefault
		if req.UseVCS != nil {
			useVCS = *req.UseVCS
		}
		opts := req.Sdist
		opts.UseVCS, opts.SourceDateEpoch, opts.Log = useVCS, sde, log
		// C/C++ extensions (package cext): sources and headers go in, built modules stay out.
		if err := cext.PrepareSdist(p, &opts); err != nil {
			return nil, err
		}
		name, err := sdist.Build(p, stage, opts)
		if err != nil {
			return nil, err
		}
		sdistPath = filepath.Join(stage, name)
		built = append(built, Artifact{Format: "sdist", Filename: name})
	}
	if wantWheel {
		wp := p
		top := "" // the unpacked sdist's project folder, when the wheel is built from it
		if sdistPath != "" {
			unpacked, err := os.MkdirTemp(unpackParent(req.Getenv), "goflit-unpack-")
			if err != nil {
				return nil, err
			}
			forgetUnpacked := interrupt.Register(func() { os.RemoveAll(unpacked) })
			defer func() {
				os.RemoveAll(unpacked)
				forgetUnpacked()
			}()
			top, err = Unpack(sdistPath, unpacked)
			if err != nil {
				return nil, fmt.Errorf("unpacking the sdist: %w", err)
			}
			log.Debugf("building the wheel from the unpacked sdist in %s", top)
			if wp, err = load(Request{Getenv: req.Getenv, Log: diag.Discard, Python: req.Python}, filepath.Join(top, filepath.Base(p.File))); err != nil {
				return nil, fromUnpacked(err, top, p.File)
			}
		}
		opts := req.Wheel
		opts.SourceDateEpoch, opts.Log = sde, log
		// C/C++ extensions (package cext): compile them and ship the modules
		// with their audited platform tag and Root-Is-Purelib: false.
		cleanupExt, err := cext.PrepareWheel(wp, &opts, cext.Options{ConfigSettings: req.ConfigSettings, Getenv: req.Getenv, Log: log})
		if err != nil {
			return nil, toProjectFile(err, top, p.File)
		}
		forgetExt := interrupt.Register(cleanupExt)
		defer func() {
			cleanupExt()
			forgetExt()
		}()
		name, err := wheel.Build(wp, stage, opts)
		if err != nil {
			return nil, explainWheelError(err, wp.Root, p.Root, sdistPath != "")
		}
		built = append(built, Artifact{Format: "wheel", Filename: name})
	}

	for i := range built {
		a := &built[i]
		a.Path = filepath.Join(outDir, a.Filename)
		if err := os.Rename(filepath.Join(stage, a.Filename), filepath.Join(realOut, a.Filename)); err != nil {
			return nil, err
		}
	}
	ok = true
	return built, nil
}

// fromUnpacked rewrites an error from loading the project unpacked from the
// sdist: it points at the user's own pyproject.toml, drops the temporary
// folder from paths, and says that a file may be missing from the sdist
// (typically one the module reads at import time, such as a VERSION file).
func fromUnpacked(err error, top, projectFile string) error {
	const what = "building the wheel from the unpacked sdist: "
	const hint = "is a file missing from the sdist? add it with [tool.flit.sdist] include"
	strip := func(s string) string { return strings.ReplaceAll(s, top+string(filepath.Separator), "") }
	if name, target, ok := danglingLink(top); ok {
		// Typically a symlinked pyproject.toml or readme: the sdist keeps
		// the link, not the file it points to.
		fix := includeTarget
		if rel, rerr := filepath.Rel(top, filepath.Join(top, filepath.Dir(filepath.FromSlash(name)), target)); filepath.IsAbs(target) || rerr != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			fix = "it points outside the project, so replace the link with a copy of the file"
		}
		return linkNotInSdist(name, target, fix)
	}
	list, ok := diag.AsList(err)
	if !ok {
		return fmt.Errorf("%s%s (%s)", what, strip(err.Error()), hint)
	}
	out := make(diag.List, 0, len(list))
	for _, d := range list {
		if d.File == "" || strings.HasPrefix(d.File, top) {
			d.File = projectFile
		}
		d.Msg = what + strip(d.Msg)
		if d.Hint != "" {
			d.Hint = hint + "; or " + strip(d.Hint)
		} else {
			d.Hint = hint
		}
		out = append(out, d)
	}
	return out.Err()
}

// toProjectFile points diagnostics about the unpacked sdist's pyproject.toml
// (cext's stable-ABI audit, which runs after compiling) at the user's own
// file, as errors from loading the unpacked project are. Other errors pass
// through.
func toProjectFile(err error, top, projectFile string) error {
	list, ok := diag.AsList(err)
	if !ok || top == "" {
		return err
	}
	unpackedFile := filepath.Join(top, filepath.Base(projectFile))
	out := make(diag.List, 0, len(list))
	for _, d := range list {
		if d.File == unpackedFile {
			d.File = projectFile
		}
		out = append(out, d)
	}
	return out.Err()
}

// danglingLink finds a symlink under top whose target does not exist and
// returns its slash-separated path relative to top and its target.
func danglingLink(top string) (name, target string, found bool) {
	filepath.WalkDir(top, func(path string, d fs.DirEntry, err error) error {
		if err != nil || found || d.Type()&fs.ModeSymlink == 0 {
			return nil
		}
		if _, serr := os.Stat(path); serr != nil {
			rel, _ := filepath.Rel(top, path)
			name, found = filepath.ToSlash(rel), true
			target, _ = os.Readlink(path)
			return filepath.SkipAll
		}
		return nil
	})
	return name, target, found
}

// explainWheelError names a broken symlink relative to the project and,
// when the wheel was built from the unpacked sdist (where a link whose
// target stayed out of the sdist dangles), says how to fix the sdist
// instead of naming a temporary path.
func explainWheelError(err error, root, srcRoot string, fromSdist bool) error {
	var bl *wheel.BrokenLinkError
	if !errors.As(err, &bl) {
		return err
	}
	name := bl.Path
	if rel, rerr := filepath.Rel(root, bl.Path); rerr == nil && filepath.IsAbs(bl.Path) == filepath.IsAbs(root) && !strings.HasPrefix(rel, "..") {
		name = filepath.ToSlash(rel)
	}
	if _, serr := os.Stat(filepath.Join(srcRoot, filepath.FromSlash(name))); fromSdist && serr == nil {
		return linkNotInSdist(name, bl.Target, includeTarget)
	}
	return &wheel.BrokenLinkError{Path: name, Target: bl.Target}
}

// includeTarget is the fix for a symlink whose target, inside the project,
// was left out of the sdist.
const includeTarget = "add the target to [tool.flit.sdist] include, or replace the link with a copy of the file"

// linkNotInSdist is the error for a symlink that dangles in the unpacked
// sdist, with fix.
func linkNotInSdist(name, target, fix string) error {
	return fmt.Errorf("%s is a symlink to %s, which is not in the sdist (the wheel is built from the unpacked sdist): %s", name, target, fix)
}

func load(req Request, file string) (*pyproject.Project, error) {
	allow := req.Getenv("FLIT_ALLOW_INVALID") != ""
	opts := pyproject.Options{AllowInvalid: allow, Getenv: req.Getenv, Log: req.Log, Python: req.Python}
	if !req.Validate {
		p, err := pyproject.Load(file, opts)
		if err != nil {
			return nil, err
		}
		return p, warn(req, p)
	}
	p, err := pyproject.LoadPartial(file, opts)
	if err != nil {
		// Report the CLI-level problems (classifiers, URLs, requirements,
		// ...) in the same run, so a user fixes everything in one round.
		return nil, withValidation(err, p, allow, req)
	}
	return p, warn(req, p)
}

// withValidation adds the flit CLI's checks on a partly loaded project to
// the core errors, leaving out problems at a position the core already
// reported (the same key reported twice in different words) and the name
// check when the core found no valid name.
func withValidation(coreErr error, p *pyproject.Project, allow bool, req Request) error {
	core, ok := diag.AsList(coreErr)
	if !ok || p == nil {
		return coreErr
	}
	seen := map[[2]int]bool{}
	for _, d := range core {
		seen[[2]int{d.Line, d.Col}] = true
	}
	merged := append(diag.List{}, core...)
	for _, d := range validate.Project(p, validate.Options{AllowInvalid: allow, NoNetwork: req.Getenv("FLIT_NO_NETWORK") != ""}).Errors() {
		if seen[[2]int{d.Line, d.Col}] || (p.Name == "" && strings.HasPrefix(d.Msg, "Invalid name")) {
			continue
		}
		merged = append(merged, d)
	}
	merged.Sort()
	return merged.Err()
}

// warn prints the load warnings and runs the CLI-level validation.
func warn(req Request, p *pyproject.Project) error {
	allow := req.Getenv("FLIT_ALLOW_INVALID") != ""
	for _, w := range p.Warnings {
		req.Log.Warnf("%s", w.Located())
	}
	if req.Validate {
		list := validate.Project(p, validate.Options{AllowInvalid: allow, NoNetwork: req.Getenv("FLIT_NO_NETWORK") != ""})
		list.Sort() // in file order, as withValidation reports them
		for _, w := range list.Warnings() {
			req.Log.Warnf("%s", w.Located())
		}
		if err := list.Err(); err != nil {
			return err
		}
	}
	return nil
}
