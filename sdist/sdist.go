// Package sdist builds source distributions the way flit 4.x does: flit's
// file selection (module, external data, pyproject.toml, readme and license
// files; or the files a VCS tracks), [tool.flit.sdist] include/exclude globs
// with excludes winning, the crucial-files check, PEP 625 file and folder
// names, and a PAX tar.gz laid out as Python's tarfile writes it, with
// PKG-INFO appended last.
package sdist

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"goflit/archive"
	"goflit/internal/atomicfile"
	"goflit/internal/diag"
	"goflit/internal/pysrc"
	"goflit/internal/vcs"
	"goflit/names"
	"goflit/pyproject"
)

// Options control a build.
type Options struct {
	// UseVCS starts from the files tracked by git or Mercurial instead of
	// the minimal list (flit build --use-vcs).
	UseVCS          bool
	SourceDateEpoch string // the SOURCE_DATE_EPOCH value ("" = unset)
	Log             diag.Logger
	// Extra are more project-relative files for the base list (e.g. the
	// sources of C extensions).
	Extra []string
	// Tar tunes the archive writer (GzipName/GzipTime are set by Build).
	Tar archive.TarOptions
}

func (o *Options) log() diag.Logger {
	if o.Log == nil {
		return diag.Discard
	}
	return o.Log
}

// DirName is the sdist's top folder, "<dist>-<version>" (PEP 625).
func DirName(p *pyproject.Project) string {
	return strings.ToLower(names.Escape(p.Name)) + "-" + p.Version
}

// Filename is "<dist>-<version>.tar.gz".
func Filename(p *pyproject.Project) string { return DirName(p) + ".tar.gz" }

// Selection is the list of files going into an sdist and why.
type Selection struct {
	Files   []string          // sorted project-relative paths
	Reason  map[string]string // file -> why it is included
	Dropped map[string]string // file -> which exclude pattern removed it
}

// patterns is flit's FilePatterns: the files and directories matched by a
// list of globs, remembering which pattern matched.
type patterns struct {
	files map[string]string
	dirs  map[string]string
}

func newPatterns(root string, pats []string) *patterns {
	fp := &patterns{files: map[string]string{}, dirs: map[string]string{}}
	for _, pat := range pats {
		for _, m := range Glob(root, pat) {
			if _, err := os.Lstat(filepath.Join(root, filepath.FromSlash(m))); err != nil {
				// "missing/**" yields "missing" in Python's glob, and flit
				// then fails to archive it; goflit ignores the phantom.
				continue
			}
			if isDir(filepath.Join(root, filepath.FromSlash(m))) {
				if _, ok := fp.dirs[m]; !ok {
					fp.dirs[m] = pat
				}
			} else if _, ok := fp.files[m]; !ok {
				fp.files[m] = pat
			}
		}
	}
	return fp
}

// matchFile returns the pattern matching a file ("" if none).
func (fp *patterns) matchFile(rel string) string {
	if p, ok := fp.files[rel]; ok {
		return p
	}
	return fp.underDir(rel)
}

func (fp *patterns) underDir(rel string) string {
	for d := rel; ; {
		i := strings.LastIndexByte(d, '/')
		if i < 0 {
			break
		}
		d = d[:i]
		if p, ok := fp.dirs[d]; ok {
			return p
		}
	}
	return ""
}

func (fp *patterns) matchDir(rel string) string {
	if p, ok := fp.dirs[rel]; ok {
		return p
	}
	return fp.underDir(rel)
}

// CrucialError is flit's refusal to build an sdist without pyproject.toml,
// the readme, license files or the module file. Why says, per file, what
// left it out and how to fix that (flit's message only names the files,
// even when a file simply does not exist).
type CrucialError struct {
	Files []string
	Why   []string
}

func (e *CrucialError) Error() string {
	msg := "Crucial files were excluded from the sdist: " + strings.Join(e.Files, ", ")
	if len(e.Why) > 0 {
		msg += " (" + strings.Join(e.Why, "; ") + ")"
	}
	return msg
}

// Select picks the files of the sdist.
func Select(p *pyproject.Project, opts Options) (*Selection, error) {
	log := opts.log()
	root := p.Root
	sel := &Selection{Reason: map[string]string{}, Dropped: map[string]string{}}
	excl := newPatterns(root, p.SdistExclude)
	incl := newPatterns(root, p.SdistInclude)
	rel := func(abs string) (string, error) {
		r, err := filepath.Rel(root, abs)
		return filepath.ToSlash(r), err
	}

	var base []string
	reason := map[string]string{}
	addBase := func(f, why string) {
		base = append(base, f)
		if _, ok := reason[f]; !ok {
			reason[f] = why
		}
	}
	referenced := []string{filepath.Base(p.File)}
	if p.ReadmeFile != "" {
		referenced = append(referenced, path.Clean(p.ReadmeFile))
	}
	for _, l := range p.LicenseFiles {
		referenced = append(referenced, path.Clean(l))
	}
	var sys *vcs.System
	if opts.UseVCS {
		sys = vcs.Detect(root)
		if sys == nil {
			log.Debugf("no git or Mercurial checkout around %s: using the minimal file list", root)
		}
	}
	if sys != nil {
		if _, err := exec.LookPath(sys.Name); err != nil {
			return nil, fmt.Errorf("--use-vcs: %s is in a %s checkout, but there is no %s command on PATH: install %s, or build without --use-vcs", root, sys.Name, sys.Name, sys.Name)
		}
		files, err := sys.Files(root, func(f string) bool { return excl.matchFile(f) != "" }, log)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			addBase(f, "tracked in "+sys.Name)
		}
	} else {
		if p.Module != nil {
			files, err := p.Module.Files()
			if err != nil {
				return nil, err
			}
			for _, f := range files {
				r, err := rel(f)
				if err != nil {
					return nil, err
				}
				addBase(r, "module")
			}
		}
		if p.ExternalDataDir != "" {
			files, err := pysrc.WalkDataDir(filepath.Join(root, filepath.FromSlash(p.ExternalDataDir)))
			if err != nil {
				return nil, err
			}
			for _, f := range files {
				r, err := rel(f)
				if err != nil {
					return nil, err
				}
				addBase(r, "external data")
			}
		}
		for _, f := range referenced {
			addBase(f, "referenced by pyproject.toml")
		}
		for _, f := range opts.Extra {
			addBase(path.Clean(f), "extension source")
		}
	}

	files := map[string]bool{}
	for _, f := range base {
		if pat := excl.matchFile(f); pat != "" {
			sel.Dropped[f] = pat
			continue
		}
		files[f] = true
		sel.Reason[f] = reason[f]
	}
	for f, pat := range incl.files {
		if ex := excl.matchFile(f); ex != "" {
			sel.Dropped[f] = ex
			continue
		}
		if !files[f] {
			files[f] = true
			sel.Reason[f] = "include " + pat
		}
	}
	dirs := make([]string, 0, len(incl.dirs))
	for d := range incl.dirs {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	for _, d := range dirs {
		pat := incl.dirs[d]
		err := walkAll(root, d, func(r string, isDir bool) bool {
			if isDir {
				return excl.matchDir(r) == ""
			}
			if ex := excl.matchFile(r); ex != "" {
				sel.Dropped[r] = ex
				return false
			}
			if !files[r] {
				files[r] = true
				sel.Reason[r] = "include " + pat
			}
			return true
		})
		if err != nil {
			return nil, err
		}
	}

	crucial := append([]string(nil), referenced...)
	if p.Module != nil && !p.Module.IsStubs {
		r, err := rel(p.Module.File())
		if err != nil {
			return nil, err
		}
		crucial = append(crucial, r)
	}
	var missing []string
	for _, c := range crucial {
		if !files[c] && !contains(missing, c) {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		ce := &CrucialError{Files: missing}
		for _, c := range missing {
			switch _, statErr := os.Lstat(filepath.Join(root, filepath.FromSlash(c))); {
			case statErr != nil:
				ce.Why = append(ce.Why, c+" does not exist: create it")
			case excl.matchFile(c) != "":
				ce.Why = append(ce.Why, fmt.Sprintf("%s matches the [tool.flit.sdist] exclude pattern '%s': remove that pattern", c, excl.matchFile(c)))
			case sys != nil:
				ce.Why = append(ce.Why, fmt.Sprintf("%s is not tracked by %s: add it to %s, or build without --use-vcs", c, sys.Name, sys.Name))
			}
		}
		return nil, ce
	}
	for f := range files {
		if f == ".." || strings.HasPrefix(f, "../") {
			// flit would write a "<name>-<ver>/../x" member, which safe
			// extractors refuse: a conscious fix of that quirk.
			return nil, fmt.Errorf("%s: outside the directory containing pyproject.toml, so the sdist cannot contain it (%s); move it into the project", f, sel.Reason[f])
		}
		sel.Files = append(sel.Files, f)
	}
	sort.Strings(sel.Files)
	return sel, nil
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// walkAll is os.walk(root/dir) without following symlinked directories:
// visit is called for every file (isDir false) and every subdirectory
// (isDir true; returning false prunes it).
func walkAll(root, dir string, visit func(rel string, isDir bool) bool) error {
	abs := filepath.Join(root, filepath.FromSlash(dir))
	entries, err := os.ReadDir(abs)
	if err != nil {
		return nil // os.walk ignores unreadable directories
	}
	var subdirs []string
	for _, e := range entries {
		r := e.Name()
		if dir != "." {
			r = dir + "/" + r
		}
		dirEntry := e.IsDir()
		link := false
		if e.Type()&os.ModeSymlink != 0 {
			dirEntry = isDir(filepath.Join(abs, e.Name()))
			link = dirEntry
		}
		if dirEntry {
			if visit(r, true) && !link {
				subdirs = append(subdirs, r)
			}
			continue
		}
		visit(r, false)
	}
	for _, d := range subdirs {
		if err := walkAll(root, d, visit); err != nil {
			return err
		}
	}
	return nil
}

// Build writes the sdist into outDir, which must exist, and returns its
// file name. It writes a temporary file and renames it on success. (It
// never creates outDir: a staging directory that an interrupt handler
// removed must not come back.)
func Build(p *pyproject.Project, outDir string, opts Options) (string, error) {
	log := opts.log()
	fixed, err := archive.ParseSourceDateEpoch(opts.SourceDateEpoch)
	if err != nil {
		return "", err
	}
	sel, err := Select(p, opts)
	if err != nil {
		return "", err
	}
	for _, f := range sel.Files {
		log.Debugf("sdist: %s (%s)", f, sel.Reason[f])
	}
	for _, f := range sortedKeys(sel.Dropped) {
		log.Debugf("sdist: excluded %s (by %s)", f, sel.Dropped[f])
	}
	name := Filename(p)
	topts := opts.Tar
	topts.GzipName = strings.TrimSuffix(name, ".gz")
	topts.GzipTime = archive.DefaultGzipTime
	if fixed != nil && *fixed != 0 {
		topts.GzipTime = uint32(*fixed)
	}
	err = atomicfile.Write(filepath.Join(outDir, name), 0o644, func(f io.Writer) error {
		w := archive.NewTarGz(f, topts)
		if err := writeEntries(p, sel, w, fixed); err != nil {
			w.Close()
			return err
		}
		return w.Close()
	})
	if err != nil {
		return "", err
	}
	return name, nil
}

// WriteTo adds the sdist's members for sel to sink (a tar.gz, or a Listing
// in tests); it does not close sink.
func WriteTo(p *pyproject.Project, sel *Selection, sink archive.Writer, sourceDateEpoch *int64) error {
	return writeEntries(p, sel, sink, sourceDateEpoch)
}

func writeEntries(p *pyproject.Project, sel *Selection, w archive.Writer, fixed *int64) error {
	top := DirName(p)
	for _, f := range sel.Files {
		abs := filepath.Join(p.Root, filepath.FromSlash(f))
		fi, err := os.Lstat(abs)
		if err != nil {
			return err
		}
		e := &archive.Entry{Name: top + "/" + f, Mode: archive.NormalizeMode(archive.StatMode(fi))}
		if fixed != nil {
			e.ModTime = time.Unix(*fixed, 0)
		} else {
			e.ModTime, e.FloatTime = fi.ModTime(), true
		}
		switch {
		case fi.Mode()&os.ModeSymlink != 0:
			if e.Linkname, err = os.Readlink(abs); err != nil {
				return err
			}
		case fi.Mode().IsRegular():
			e.Path = abs
		default:
			return fmt.Errorf("%s: not a regular file or symlink; remove it from the sdist with [tool.flit.sdist] exclude", f)
		}
		if err := w.Add(e); err != nil {
			return err
		}
	}
	return w.Add(&archive.Entry{Name: top + "/PKG-INFO", Mode: 0o644, ModTime: time.Unix(0, 0), Data: p.Metadata.Bytes()})
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
