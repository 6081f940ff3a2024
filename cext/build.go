package cext

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"goflit/internal/diag"
	"goflit/pyproject"
)

// Options control Build.
type Options struct {
	// ConfigSettings are PEP 517 config_settings (compiler, jobs, target,
	// build-type, strip, manylinux, python).
	ConfigSettings map[string]string
	Getenv         func(string) string // nil = os.Getenv
	Log            diag.Logger         // nil = diag.Discard
	// OutDir is a scratch directory for the built modules of a wheel build
	// (Result.Files point into it). Unused with InPlace.
	OutDir string
	// InPlace builds the modules into the source tree next to their
	// package (editable installs, flit install --symlink, build-ext --inplace).
	InPlace bool
	// Python is the target interpreter; "" = the python setting, then
	// $GOFLIT_BUILD_PYTHON (the PEP 517 shim's sys.executable), then
	// FLIT_INSTALL_PYTHON, then python3 on PATH (internal/python.Find).
	Python string
	// CacheDir overrides DefaultCacheDir.
	CacheDir string
}

// File is a built module ready for a wheel.
type File struct {
	ArchivePath string // e.g. "demo/_speed.cpython-311-x86_64-linux-gnu.so"
	DiskPath    string
}

// Result is what a build produced.
type Result struct {
	Files []File
	// Tag is the wheel tag, platform tags compressed:
	// "cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64"; "" when
	// nothing was built (every extension optional and failed).
	Tag string
	// Tags is Tag expanded, one per WHEEL "Tag:" line.
	Tags []string
	// ExcludeFromWheel reports whether a file (path relative to the
	// module's source directory, "/" separators) must stay out of the
	// wheel: extension sources, depends, and stale in-tree build outputs.
	ExcludeFromWheel func(rel string) bool
	// SdistExtra are project-relative files the sdist must include
	// (sources, depends, headers in project include dirs).
	SdistExtra []string
	// Compiled and Cached count translation units; Linked counts modules
	// linked now (the others came from the cache).
	Compiled, Cached, Linked int
	Audits                   map[string]*Audit // by extension name
}

type srcFile struct {
	rel  string // project-relative, "/" separators
	lang string // "c" or "c++"
}

type extPlan struct {
	ext      Extension
	srcs     []srcFile
	depends  []string // project-relative
	cxx      bool
	dir      string // package directory, relative to SourceDir ("demo/core")
	leaf     string // last name component
	archive  string // dir/leaf + suffix
	failed   error
	objKeys  []string
	objPaths []string
}

var cSuffixes = map[string]string{".c": "c", ".cc": "c++", ".cpp": "c++", ".cxx": "c++", ".c++": "c++", ".C": "c++", ".m": "c"}
var headerSuffixes = map[string]bool{".h": true, ".hh": true, ".hpp": true, ".hxx": true, ".inc": true, ".inl": true}

// plan resolves names, globs and languages without running anything.
func plan(p *pyproject.Project, cfg *Config) ([]*extPlan, error) {
	var errs diag.List
	r := &configReader{p: p}
	if p.Module == nil {
		return nil, errors.New("pyproject.toml: extension modules need the project's module, which was not found")
	}
	srcDirRel, _ := filepath.Rel(p.Root, p.Module.SourceDir)
	srcDirRel = filepath.ToSlash(srcDirRel)
	var plans []*extPlan
	for _, ext := range cfg.Extensions {
		pl := &extPlan{ext: ext}
		parts := strings.Split(ext.Name, ".")
		pl.leaf = parts[len(parts)-1]
		if !p.Module.IsPackage {
			rel, _ := filepath.Rel(p.Root, p.Module.Path)
			rel = filepath.ToSlash(rel)
			d := r.pos(ext.key + ".name")
			d.Msg = fmt.Sprintf("extension %q needs a package, but the module %s is the single file %s", ext.Name, p.Module.Name, rel)
			d.Hint = fmt.Sprintf("make it a package: move %s to %s/__init__.py", rel, strings.TrimSuffix(rel, ".py"))
			errs.Add(d)
			continue
		}
		if !strings.HasPrefix(ext.Name, p.Module.Name+".") {
			d := r.pos(ext.key + ".name")
			d.Msg = fmt.Sprintf("extension %q is not inside the package %q", ext.Name, p.Module.Name)
			d.Hint = fmt.Sprintf("name it %q", p.Module.Name+"."+pl.leaf)
			errs.Add(d)
			continue
		}
		pl.dir = strings.Join(parts[:len(parts)-1], "/")
		if st, err := os.Stat(filepath.Join(p.Module.SourceDir, filepath.FromSlash(pl.dir))); err != nil || !st.IsDir() {
			d := r.pos(ext.key + ".name")
			d.Msg = fmt.Sprintf("extension %q: package directory %s does not exist", ext.Name, path.Join(srcDirRel, pl.dir))
			errs.Add(d)
			continue
		}
		if _, err := os.Stat(filepath.Join(p.Module.SourceDir, filepath.FromSlash(pl.dir), pl.leaf+".py")); err == nil {
			d := r.pos(ext.key + ".name")
			d.Msg = fmt.Sprintf("extension %q clashes with %s.py", ext.Name, path.Join(srcDirRel, pl.dir, pl.leaf))
			d.Hint = "rename the extension or the Python module"
			errs.Add(d)
		}
		// bad reports a problem with entry i of the extension's sources or depends.
		bad := func(field string, i int, format string, args ...any) {
			d := r.pos(fmt.Sprintf("%s.%s.%d", ext.key, field, i))
			d.Msg = fmt.Sprintf("extension %q: ", ext.Name) + fmt.Sprintf(format, args...)
			errs.Add(d)
		}
		seen := map[string]bool{}
		for i, g := range ext.Sources {
			files, err := globFiles(p.Root, g)
			if err != nil {
				bad("sources", i, "%v", err)
				continue
			}
			if len(files) == 0 {
				bad("sources", i, "sources pattern %q matches no files", g)
				continue
			}
			for _, f := range files {
				if seen[f] {
					continue
				}
				seen[f] = true
				sfx := path.Ext(f)
				if headerSuffixes[strings.ToLower(sfx)] {
					pl.depends = append(pl.depends, f)
					continue
				}
				lang, ok := cSuffixes[sfx]
				if !ok {
					lang, ok = cSuffixes[strings.ToLower(sfx)]
				}
				if !ok {
					bad("sources", i, "%s is not a C or C++ source (.c, .cc, .cpp, .cxx)", f)
					continue
				}
				pl.srcs = append(pl.srcs, srcFile{rel: f, lang: lang})
				if lang == "c++" {
					pl.cxx = true
				}
			}
		}
		if ext.Language == "c++" {
			pl.cxx = true
		}
		for i, g := range ext.Depends {
			files, err := globFiles(p.Root, g)
			if err != nil {
				bad("depends", i, "%v", err)
				continue
			}
			if len(files) == 0 {
				// A misspelt pattern would leave headers out of the sdist
				// (and of every unit's cache key) without a word.
				bad("depends", i, "depends pattern %q matches no files", g)
				continue
			}
			pl.depends = append(pl.depends, files...)
		}
		if len(pl.srcs) == 0 && len(ext.Sources) > 0 && len(errs) == 0 {
			d := r.pos(ext.key + ".sources")
			d.Msg = fmt.Sprintf("extension %q has no C or C++ source among its sources", ext.Name)
			errs.Add(d)
		}
		plans = append(plans, pl)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return plans, nil
}

// limitedHex turns "cp38" into "0x03080000".
func limitedHex(tag string) string {
	return fmt.Sprintf("0x03%02x0000", limitedMinor(tag))
}

type builder struct {
	p        *pyproject.Project
	cfg      *Config
	opts     Options
	log      diag.Logger
	getenv   func(string) string
	pi       *PyInfo
	tc       *Toolchain
	cache    *Cache
	scratch  string
	pyInc    []string
	hasher   fileHasher
	target   string
	compiled atomic.Int64
	cached   atomic.Int64
	linked   atomic.Int64
}

// Build compiles and links every configured extension of p.
func Build(p *pyproject.Project, opts Options) (*Result, error) {
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	if opts.Log == nil {
		opts.Log = diag.Discard
	}
	cfg, err := LoadConfig(p, opts.ConfigSettings)
	if err != nil {
		return nil, err
	}
	plans, err := plan(p, cfg)
	if err != nil {
		return nil, err
	}
	if len(plans) == 0 {
		return nil, errors.New("pyproject.toml: no extension modules configured ([tool.goflit] extension)")
	}
	if !opts.InPlace && opts.OutDir == "" {
		return nil, errors.New("cext.Build: Options.OutDir is required unless InPlace")
	}
	b := &builder{p: p, cfg: cfg, opts: opts, log: opts.Log, getenv: opts.Getenv}
	b.warnUnknownSettings()
	py := opts.Python
	if py == "" {
		py = cfg.Build.Python
	}
	if b.pi, err = QueryPython(py, b.getenv); err != nil {
		return nil, err
	}
	py = b.pi.Executable
	if !strings.HasPrefix(b.pi.Platform, "linux-") {
		return nil, fmt.Errorf("building extension modules for platform %s is not supported yet (only Linux)", b.pi.Platform)
	}
	if b.tc, err = findToolchain(cfg.Build.Compiler, &toolFinder{getenv: b.getenv, python: py, log: b.log}); err != nil {
		return nil, err
	}
	b.target = cfg.Build.Target
	if b.target != "" && b.tc.Kind != "zig" {
		return nil, fmt.Errorf("target %q needs zig, but the compiler is %s (%s): set compiler = \"zig\" or add ziglang to [build-system] requires",
			b.target, strings.Join(b.tc.CC, " "), b.tc.Origin)
	}
	if b.tc.Kind == "zig" && b.target == "" {
		b.target = "native"
	}
	if arch, _, _ := strings.Cut(b.target, "-"); arch != "native" && arch != "" && arch != b.pi.arch() {
		return nil, fmt.Errorf("target %q: cross-compiling for %s is not supported yet: the target interpreter %s is %s (its headers and EXT_SUFFIX would be wrong)",
			b.target, arch, b.pi.Executable, b.pi.arch())
	}
	if b.scratch, err = os.MkdirTemp("", "goflit-ext-"); err != nil {
		return nil, err
	}
	defer os.RemoveAll(b.scratch)
	cacheDir := opts.CacheDir
	if cacheDir == "" {
		cacheDir = DefaultCacheDir(b.getenv)
	}
	// Compilers and the linker run in the project folder (for flit build,
	// the unpacked sdist): a relative GOFLIT_EXT_CACHE means the current
	// directory's.
	if abs, err := filepath.Abs(cacheDir); err == nil {
		cacheDir = abs
	}
	if err := probeWritable(cacheDir); err != nil {
		// A cache is an optimisation: a build environment without a
		// writable home (Debian's sbuild sets HOME=/nonexistent) still
		// builds, with a cache that lives as long as this build.
		b.log.Warnf("object cache %s is not writable (%v): building without it; set GOFLIT_EXT_CACHE to a writable directory to cache objects", cacheDir, err)
		cacheDir = filepath.Join(b.scratch, "cache")
	}
	b.cache = &Cache{Dir: cacheDir}
	if b.pyInc, err = b.pi.headerDirs(cacheDir, b.tc.Kind == "zig"); err != nil {
		return nil, err
	}
	for _, pl := range plans {
		if pl.ext.PyLimitedAPI != "" && b.pi.GILDisabled {
			return nil, fmt.Errorf("extension %q: py-limited-api cannot be used with the free-threaded interpreter %s", pl.ext.Name, b.pi.Executable)
		}
		suffix := b.pi.ExtSuffix
		if pl.ext.PyLimitedAPI != "" {
			suffix = b.pi.stableSuffix()
		}
		pl.archive = path.Join(pl.dir, pl.leaf+suffix)
	}

	if err := b.compileAll(plans); err != nil {
		return nil, err
	}
	res := &Result{Audits: map[string]*Audit{}}
	var built []*extPlan
	for _, pl := range plans {
		if pl.failed != nil {
			continue
		}
		dest := filepath.Join(opts.OutDir, filepath.FromSlash(pl.archive))
		if opts.InPlace {
			dest = filepath.Join(p.Module.SourceDir, filepath.FromSlash(pl.archive))
		}
		if err := b.link(pl, dest); err != nil {
			if pl.ext.Optional {
				b.log.Warnf("optional extension %s skipped: %s", pl.ext.Name, b.relError(err))
				continue
			}
			return nil, err
		}
		res.Files = append(res.Files, File{ArchivePath: pl.archive, DiskPath: dest})
		built = append(built, pl)
	}
	b.checkLoads(built, res.Files)
	if len(built) > 0 {
		if err := b.tag(built, res); err != nil {
			return nil, err
		}
	} else {
		// Every extension was optional and failed: the wheel stays pure.
		b.log.Warnf("no extension module was built (all were optional and failed)")
	}
	res.Compiled, res.Cached, res.Linked = int(b.compiled.Load()), int(b.cached.Load()), int(b.linked.Load())
	res.ExcludeFromWheel = wheelExcluder(p, plans)
	res.SdistExtra = sdistFiles(p, plans)
	if opts.InPlace {
		if err := writeInplaceManifest(p, b.pi, built, res.Files, b.log); err != nil {
			return nil, err
		}
	}
	b.trimCache()
	if len(res.Files) == 0 {
		b.log.Infof("Built no extension module (%d compiled, %d from cache)", res.Compiled, res.Cached)
	} else {
		b.log.Infof("Built %d extension module(s) (%d compiled, %d from cache), tag %s", len(res.Files), res.Compiled, res.Cached, res.Tag)
	}
	return res, nil
}

// trimCache keeps the cache under GOFLIT_EXT_CACHE_MAX (default
// DefaultCacheMax), walking it at most once a day.
func (b *builder) trimCache() {
	max := int64(DefaultCacheMax)
	if v := b.getenv("GOFLIT_EXT_CACHE_MAX"); v != "" {
		n, err := parseSize(v)
		if err != nil {
			b.log.Warnf("GOFLIT_EXT_CACHE_MAX: %v; using the default", err)
		} else {
			max = n
		}
	}
	if n, err := b.cache.MaybeTrim(max); err != nil {
		b.log.Debugf("cache trim: %v", err)
	} else if n > 0 {
		b.log.Debugf("cache trim: removed %d old entries from %s", n, b.cache.Dir)
	}
}

func (b *builder) optFlags() []string {
	var out []string
	if b.tc.Kind == "zig" {
		out = append(out, "-target", b.target)
	}
	switch b.cfg.Build.BuildType {
	case "debug":
		out = append(out, "-O0", "-g")
		if b.tc.Kind == "zig" {
			out = append(out, "-fno-sanitize=undefined")
		}
	case "size":
		out = append(out, "-Os", "-DNDEBUG")
	default:
		out = append(out, "-O2", "-DNDEBUG")
	}
	return out
}

func (b *builder) envFlags(name string) ([]string, error) {
	v := b.getenv(name)
	if v == "" {
		return nil, nil
	}
	f, err := shellSplit(v)
	if err != nil {
		return nil, fmt.Errorf("$%s: %v", name, err)
	}
	return f, nil
}

// compileArgs is the argument list for one translation unit (without the
// output-specific -MD -MF/-c/-o part).
func (b *builder) compileArgs(pl *extPlan, lang string) ([]string, error) {
	args := b.optFlags()
	args = append(args, "-fPIC", "-fvisibility=hidden")
	if lang == "c" && pl.ext.CStd != "" {
		args = append(args, "-std="+pl.ext.CStd)
	}
	if lang == "c++" && pl.ext.CxxStd != "" {
		args = append(args, "-std="+pl.ext.CxxStd)
	}
	for _, d := range b.pyInc {
		args = append(args, "-I"+d)
	}
	for _, d := range pl.ext.IncludeDirs {
		args = append(args, "-I"+filepath.ToSlash(d))
	}
	if pl.ext.PyLimitedAPI != "" {
		args = append(args, "-DPy_LIMITED_API="+limitedHex(pl.ext.PyLimitedAPI))
		if lang == "c" {
			// With Py_LIMITED_API the headers hide everything outside the
			// limited API of that version; make calling such a function an
			// error instead of an implicit declaration that links anyway.
			args = append(args, "-Werror=implicit-function-declaration")
		}
	}
	for _, m := range pl.ext.DefineMacros {
		if m.Value == nil {
			args = append(args, "-D"+m.Name)
		} else {
			args = append(args, "-D"+m.Name+"="+*m.Value)
		}
	}
	for _, u := range pl.ext.UndefMacros {
		args = append(args, "-U"+u)
	}
	envs := []string{"CPPFLAGS", "CFLAGS"}
	if lang == "c++" {
		envs = []string{"CPPFLAGS", "CXXFLAGS"}
	}
	for _, e := range envs {
		f, err := b.envFlags(e)
		if err != nil {
			return nil, err
		}
		args = append(args, f...)
	}
	args = append(args, pl.ext.ExtraCompileArgs...)
	args = append(args, "-ffile-prefix-map="+b.p.Root+"=.")
	return args, nil
}

// keyArgs rewrites the project root out of args for cache keys.
func (b *builder) keyArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = strings.ReplaceAll(a, b.p.Root, "@ROOT")
	}
	return out
}

type unit struct {
	pl  *extPlan
	idx int
	src srcFile
}

func (b *builder) jobs() int {
	if n := b.cfg.Build.Jobs; n > 0 {
		return n
	}
	if n := makeflagsJobs(b.getenv("MAKEFLAGS")); n > 0 {
		return n
	}
	return runtime.NumCPU()
}

// makeflagsJobs reads -jN / --jobs=N from MAKEFLAGS (0 when absent).
func makeflagsJobs(flags string) int {
	words := strings.Fields(flags)
	for i, w := range words {
		var v string
		switch {
		case strings.HasPrefix(w, "--jobs="):
			v = strings.TrimPrefix(w, "--jobs=")
		case w == "-j" && i+1 < len(words):
			v = words[i+1]
		case strings.HasPrefix(w, "-j"):
			v = strings.TrimPrefix(w, "-j")
		default:
			continue
		}
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			return n
		}
	}
	return 0
}

// compileAll compiles every translation unit of every extension with a
// pool of workers; the first failure stops new compiles.
func (b *builder) compileAll(plans []*extPlan) error {
	var units []unit
	for _, pl := range plans {
		pl.objKeys = make([]string, len(pl.srcs))
		pl.objPaths = make([]string, len(pl.srcs))
		for i, s := range pl.srcs {
			units = append(units, unit{pl, i, s})
		}
	}
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		errs    = make([]error, len(units))
		stopped atomic.Bool
		sem     = make(chan struct{}, b.jobs())
	)
	for i, u := range units {
		sem <- struct{}{}
		if stopped.Load() {
			<-sem
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			key, objPath, err := b.compileUnit(u)
			if err != nil {
				mu.Lock()
				errs[i] = err
				mu.Unlock()
				if !u.pl.ext.Optional {
					stopped.Store(true)
				}
				return
			}
			u.pl.objKeys[u.idx], u.pl.objPaths[u.idx] = key, objPath
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err == nil {
			continue
		}
		pl := units[i].pl
		if pl.ext.Optional {
			if pl.failed == nil {
				b.log.Warnf("optional extension %s skipped: %s", pl.ext.Name, b.relError(err))
			}
			pl.failed = err
			continue
		}
		return err
	}
	return nil
}

func (b *builder) driver(lang string) []string {
	if lang == "c++" {
		return b.tc.CXX
	}
	return b.tc.CC
}

// compileUnit returns the cache key and cached path of the unit's object,
// compiling only when no cache entry matches.
func (b *builder) compileUnit(u unit) (string, string, error) {
	args, err := b.compileArgs(u.pl, u.src.lang)
	if err != nil {
		return "", "", err
	}
	srcPath := filepath.Join(b.p.Root, filepath.FromSlash(u.src.rel))
	srcSum, err := b.hasher.hash(srcPath)
	if err != nil {
		return "", "", fmt.Errorf("extension %q: reading %s: %v", u.pl.ext.Name, u.src.rel, err)
	}
	parts := []string{cacheSchema, b.tc.Identity, b.target, u.src.lang, strings.Join(b.driver(u.src.lang), " ")}
	parts = append(parts, b.keyArgs(args)...)
	parts = append(parts, "src", u.src.rel, srcSum)
	// depends are inputs of every unit of the extension, whether or not the
	// compiler reports reading them (data files, generated includes).
	for _, d := range u.pl.depends {
		sum, err := b.hasher.hash(filepath.Join(b.p.Root, filepath.FromSlash(d)))
		if err != nil {
			return "", "", fmt.Errorf("extension %q: reading %s: %v", u.pl.ext.Name, d, err)
		}
		parts = append(parts, "depends", d, sum)
	}
	direct := hashStrings(parts...)
	if key, ok := b.cache.lookup(direct, b.p.Root, &b.hasher); ok {
		b.cached.Add(1)
		b.log.Debugf("cached: %s", u.src.rel)
		return key, b.cache.path("obj", key, ".o"), nil
	}
	base := fmt.Sprintf("%s-%d-%s", strings.ReplaceAll(u.pl.ext.Name, ".", "_"), u.idx, path.Base(u.src.rel))
	obj := filepath.Join(b.scratch, base+".o")
	dep := filepath.Join(b.scratch, base+".d")
	argv := append(append([]string{}, b.driver(u.src.lang)...), args...)
	argv = append(argv, "-MD", "-MF", dep, "-c", u.src.rel, "-o", obj)
	b.log.Debugf("compile: %s", shellJoin(argv))
	out, err := b.run(argv)
	if err != nil {
		return "", "", fmt.Errorf("compiling %s (extension %q) failed: %v\n%s", u.src.rel, u.pl.ext.Name, err, strings.TrimRight(out, "\n"))
	}
	if out = strings.TrimRight(out, "\n"); out != "" {
		// Compiler warnings are shown (once: a cache hit replays nothing).
		b.log.Infof("%s", out)
	}
	b.compiled.Add(1)
	data, err := os.ReadFile(dep)
	if err != nil {
		return "", "", fmt.Errorf("compiling %s: the compiler wrote no dependency file: %v", u.src.rel, err)
	}
	deps, err := parseDepfile(data)
	if err != nil {
		return "", "", fmt.Errorf("compiling %s: %s: %v", u.src.rel, dep, err)
	}
	var headers [][2]string
	for _, d := range deps {
		full := d
		if !filepath.IsAbs(d) {
			full = filepath.Join(b.p.Root, d)
		}
		if filepath.Clean(full) == filepath.Clean(srcPath) {
			continue
		}
		sum, err := b.hasher.hash(full)
		if err != nil {
			continue // a directory or vanished file: not a content input
		}
		headers = append(headers, [2]string{normDep(d, b.p.Root), sum})
	}
	sort.Slice(headers, func(i, j int) bool { return headers[i][0] < headers[j][0] })
	key := objectKey(direct, headers)
	stored, err := b.cache.store("obj", key, ".o", obj)
	if err != nil {
		return "", "", fmt.Errorf("writing the object cache %s: %v", b.cache.Dir, err)
	}
	if err := b.cache.record(direct, manifestEntry{Headers: headers, Object: key}); err != nil {
		return "", "", fmt.Errorf("writing the object cache %s: %v", b.cache.Dir, err)
	}
	return key, stored, nil
}

func (b *builder) run(argv []string) (string, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = b.p.Root
	cmd.Env = b.childEnv()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// childEnv passes the caller's environment (Options.Getenv) to compilers
// for the variables they read.
func (b *builder) childEnv() []string {
	env := os.Environ()
	for _, k := range []string{"PATH", "HOME", "TMPDIR", "ZIG_GLOBAL_CACHE_DIR", "ZIG_LOCAL_CACHE_DIR", "SOURCE_DATE_EPOCH", "XDG_CACHE_HOME"} {
		if v := b.getenv(k); v != "" {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// link links pl's objects into dest (through the module cache).
func (b *builder) link(pl *extPlan, dest string) error {
	lang := "c"
	if pl.cxx {
		lang = "c++"
	}
	mapText := fmt.Sprintf("{\n  global: PyInit_%s;\n  local: *;\n};\n", pl.leaf)
	var args []string
	if b.tc.Kind == "zig" {
		args = append(args, "-target", b.target)
	}
	args = append(args, "-shared")
	if b.cfg.Build.Strip && b.cfg.Build.BuildType != "debug" {
		args = append(args, "-s")
	}
	if pl.cxx && b.tc.Kind == "gcc" {
		args = append(args, "-static-libstdc++", "-static-libgcc")
	}
	ldflags, err := b.envFlags("LDFLAGS")
	if err != nil {
		return err
	}
	args = append(args, ldflags...)
	var tail []string
	for _, d := range pl.ext.LibraryDirs {
		tail = append(tail, "-L"+filepath.ToSlash(d))
	}
	for _, l := range pl.ext.Libraries {
		tail = append(tail, "-l"+l)
	}
	tail = append(tail, pl.ext.ExtraLinkArgs...)
	parts := []string{cacheSchema, "link", b.tc.Identity, b.target, lang, strings.Join(b.driver(lang), " "), mapText}
	parts = append(parts, b.keyArgs(args)...)
	parts = append(parts, "objs")
	parts = append(parts, pl.objKeys...)
	parts = append(parts, "tail")
	parts = append(parts, b.keyArgs(tail)...)
	key := hashStrings(parts...)
	cached := b.cache.path("link", key, ".so")
	if _, err := os.Stat(cached); err != nil {
		mapFile := filepath.Join(b.scratch, pl.leaf+"-"+key[:8]+".map")
		if err := os.WriteFile(mapFile, []byte(mapText), 0o644); err != nil {
			return err
		}
		out := filepath.Join(b.scratch, pl.leaf+"-"+key[:8]+".so")
		argv := append(append([]string{}, b.driver(lang)...), args...)
		argv = append(argv, "-Wl,--version-script="+mapFile)
		argv = append(argv, pl.objPaths...)
		argv = append(argv, tail...)
		argv = append(argv, "-o", out)
		b.log.Debugf("link: %s", shellJoin(argv))
		if outText, err := b.run(argv); err != nil {
			return fmt.Errorf("linking extension %q failed: %v\n%s", pl.ext.Name, err, strings.TrimRight(outText, "\n"))
		}
		b.linked.Add(1)
		if _, err := b.cache.store("link", key, ".so", out); err != nil {
			return fmt.Errorf("writing the module cache %s: %v", b.cache.Dir, err)
		}
	} else {
		touch(cached)
		b.log.Debugf("cached: %s (linked module)", pl.ext.Name)
	}
	// Audit before dest is written: a failing module reaches neither the
	// wheel's staging directory nor, in place, the source tree.
	if pl.ext.PyLimitedAPI != "" {
		if err := b.checkStableABI(pl, cached); err != nil {
			return err
		}
	}
	if err := copyFileAtomic(cached, dest, 0o755); err != nil {
		return fmt.Errorf("writing %s: %v", dest, err)
	}
	return nil
}

// warnUnknownSettings names the config settings cext does not read (a
// typo such as -C compilr=zig would otherwise be dropped silently). They
// are not errors: a frontend may pass settings meant for other tools.
func (b *builder) warnUnknownSettings() {
	var keys []string
	for k := range b.opts.ConfigSettings {
		if !contains(ConfigSettingKeys, k) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		hint := "it reads " + strings.Join(ConfigSettingKeys, ", ")
		if c := closest(k, ConfigSettingKeys); c != "" {
			hint = fmt.Sprintf("did you mean %q?", c)
		}
		b.log.Warnf("config setting %q is not read by goflit (%s); ignored", k, hint)
	}
}

// loadScript dlopens each path given as an argument the way the import
// system does (RTLD_NOW, without running PyInit_) and prints the failures,
// one "path<TAB>message" line each.
const loadScript = `import ctypes, os, sys
for p in sys.argv[1:]:
    try:
        ctypes.CDLL(p, mode=os.RTLD_NOW)
    except OSError as e:
        print(p + "\t" + str(e).replace("\n", " "))
`

// checkLoads loads the linked modules into the target interpreter and
// warns about undefined symbols: a shared object may link with symbols
// nothing defines (a source file left out of sources, a library missing
// from libraries), and then fails only at import with "undefined symbol".
// Other load failures (a library found at build time only) and a failure
// to run the interpreter are left to the import.
func (b *builder) checkLoads(built []*extPlan, files []File) {
	if len(built) == 0 {
		return
	}
	args := []string{b.pi.Executable, "-I", "-S", "-c", loadScript}
	for _, f := range files {
		args = append(args, f.DiskPath)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = b.childEnv()
	out, err := cmd.Output()
	if err != nil {
		b.log.Debugf("loading the built modules with %s: %v", b.pi.Executable, err)
		return
	}
	for line := range strings.Lines(string(out)) {
		path, msg, _ := strings.Cut(strings.TrimRight(line, "\n"), "\t")
		_, sym, found := strings.Cut(msg, "undefined symbol: ")
		if !found {
			continue
		}
		for i, f := range files {
			if f.DiskPath == path {
				b.log.Warnf("extension %s will not import: undefined symbol %s (no file in its sources and no library in its libraries defines it: add the missing source file to sources, or the library to libraries)",
					built[i].ext.Name, strings.TrimSpace(sym))
			}
		}
	}
}

// relError is err's text with the project folder dropped from paths
// ("/tmp/goflit-unpack-1/pkg-1.0/pyproject.toml:9:1" -> "pyproject.toml:9:1"),
// for warnings: the project may be a temporary copy (the unpacked sdist)
// that means nothing to the user.
func (b *builder) relError(err error) string {
	return strings.ReplaceAll(err.Error(), b.p.Root+string(filepath.Separator), "")
}

// checkStableABI fails when the linked module so of a py-limited-api
// extension imports Python symbols outside the stable ABI of its version;
// the error points at the py-limited-api key.
func (b *builder) checkStableABI(pl *extPlan, so string) error {
	info, err := ReadELF(so)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(info.Undefined))
	for _, s := range info.Undefined {
		names = append(names, s.Name)
	}
	probs, err := CheckStableABI(names, limitedMinor(pl.ext.PyLimitedAPI))
	if err != nil || len(probs) == 0 {
		return err
	}
	d := (&configReader{p: b.p}).pos(pl.ext.key + ".py-limited-api")
	d.Msg, d.Hint = stableABIMessage(pl.ext.Name, pl.ext.PyLimitedAPI, probs)
	return d
}

// tag audits the built modules and computes the wheel tag.
func (b *builder) tag(built []*extPlan, res *Result) error {
	interp, abi := b.pi.interpreterTag(), b.pi.abiTag()
	allLimited := len(built) > 0
	maxLimited := 0
	for _, pl := range built {
		if pl.ext.PyLimitedAPI == "" {
			allLimited = false
			continue
		}
		maxLimited = max(maxLimited, limitedMinor(pl.ext.PyLimitedAPI))
	}
	if allLimited {
		interp, abi = fmt.Sprintf("cp3%d", maxLimited), "abi3"
	}
	opts := AuditOptions{UnversionedIsUnknown: b.tc.Kind == "zig", MinGlibc: parseGlibcTarget(b.target)}
	var worst *Audit
	var worstInfo *ELFInfo
	var worstName string
	for i, pl := range built {
		info, err := ReadELF(res.Files[i].DiskPath)
		if err != nil {
			return err
		}
		a, err := AuditELF(info, opts)
		if err != nil {
			return err
		}
		res.Audits[pl.ext.Name] = a
		if len(a.Extra) > 0 {
			b.log.Warnf("extension %s exports symbols other than PyInit_%s: %s", pl.ext.Name, pl.leaf, strings.Join(a.Extra, ", "))
		}
		if a.Policy == nil {
			b.log.Debugf("audit %s: no manylinux policy met: %s", pl.ext.Name, strings.Join(a.Reasons, "; "))
		} else {
			b.log.Debugf("audit %s: %s", pl.ext.Name, a.Policy.Name)
		}
		if worst == nil || worse(a, worst) {
			worst, worstInfo, worstName = a, info, pl.ext.Name
		}
	}
	if worst == nil {
		return errors.New("no extension module was built")
	}
	plats := worst.PlatformTags()
	switch ml := b.cfg.Build.Manylinux; ml {
	case "off":
		plats = []string{"linux_" + worst.Arch}
	case "auto":
		if worst.Policy == nil {
			b.log.Warnf("wheel tagged linux_%s, not manylinux: %s", worst.Arch, strings.Join(worst.Reasons, "; "))
		}
	default:
		want := "manylinux_" + ml
		pols, _ := Policies()
		var req *Policy
		for i := range pols {
			if pols[i].Name == want {
				req = &pols[i]
			}
		}
		if req == nil {
			return fmt.Errorf("manylinux setting %q: no such policy (known: manylinux_2_5 ... manylinux_2_41)", ml)
		}
		if worst.Policy == nil || worst.Policy.Priority < req.Priority {
			why := strings.Join(worst.Reasons, "; ")
			if worst.Policy != nil {
				// Name what keeps the module from the required policy.
				v := policyViolations(req, worstInfo)
				if len(v) > 3 {
					v = append(v[:3], fmt.Sprintf("and %d more", len(v)-3))
				}
				why = fmt.Sprintf("extension %s needs %s", worstName, worst.Policy.Name)
				if len(v) > 0 {
					why += ": " + strings.Join(v, "; ")
				}
			}
			return fmt.Errorf("manylinux = %q is not met: %s (build with zig and target = \"%s-linux-gnu.%s\", or set manylinux = \"auto\")",
				ml, why, worst.Arch, strings.ReplaceAll(ml, "_", "."))
		}
		plats = []string{req.Name + "_" + worst.Arch}
		for _, al := range req.Aliases {
			plats = append(plats, al+"_"+worst.Arch)
		}
	}
	res.Tag = compressTags(interp, abi, plats)
	for _, pt := range plats {
		res.Tags = append(res.Tags, interp+"-"+abi+"-"+pt)
	}
	return nil
}

// worse reports whether a is less compatible than b.
func worse(a, b *Audit) bool {
	if a.Policy == nil {
		return b.Policy != nil
	}
	if b.Policy == nil {
		return false
	}
	return a.Policy.Priority < b.Policy.Priority
}

// shellJoin quotes argv for display.
func shellJoin(argv []string) string {
	var b strings.Builder
	for i, a := range argv {
		if i > 0 {
			b.WriteByte(' ')
		}
		if a != "" && !strings.ContainsAny(a, " \t\n'\"\\$`*?[]{}()<>|&;#~") {
			b.WriteString(a)
			continue
		}
		b.WriteString("'" + strings.ReplaceAll(a, "'", `'\''`) + "'")
	}
	return b.String()
}
