// Package vcs lists the files a version control system tracks in a project
// directory, for `flit build --use-vcs`, the way flit does: git through
// `git ls-files --recurse-submodules -z`, Mercurial through `hg status`,
// refusing untracked or deleted files.
package vcs

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"goflit/internal/diag"
)

// System is a detected version control checkout.
type System struct {
	Name string // "git" or "hg"
	Root string // the directory holding .git / .hg
}

// Detect walks up from dir looking for a .git directory or file (worktrees
// and submodules have a .git file) or a .hg directory. It returns nil when
// dir is not in a checkout.
func Detect(dir string) *System {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil
	}
	if r, err := filepath.EvalSymlinks(dir); err == nil {
		dir = r
	}
	for {
		if fi, err := os.Stat(filepath.Join(dir, ".git")); err == nil && (fi.IsDir() || fi.Mode().IsRegular()) {
			return &System{Name: "git", Root: dir}
		}
		if fi, err := os.Stat(filepath.Join(dir, ".hg")); err == nil && fi.IsDir() {
			return &System{Name: "hg", Root: dir}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil
		}
		dir = parent
	}
}

// ErrDirty is flit's refusal to build from a checkout with untracked or
// deleted files.
var ErrDirty = errors.New("Untracked or deleted files in the source directory. Commit, undo or ignore these files in your VCS.")

// DirtyError is ErrDirty (errors.Is) for a checkout, with the files
// that make it dirty, relative to Dir, in the order the tool lists them.
type DirtyError struct {
	Dir   string
	Files []string
}

// maxListed is how many files DirtyError's message names.
const maxListed = 10

// Error is one line: flit's message, then the files (the first ten and
// how many more).
func (e *DirtyError) Error() string {
	shown := e.Files
	more := ""
	if len(shown) > maxListed {
		more = fmt.Sprintf(" and %d more", len(shown)-maxListed)
		shown = shown[:maxListed]
	}
	names := make([]string, len(shown))
	for i, f := range shown {
		names[i] = f
		if strings.ContainsAny(f, ", \"\t\r\n") {
			names[i] = strconv.Quote(f)
		}
	}
	return fmt.Sprintf("%s: %s Untracked or deleted: %s%s", e.Dir, ErrDirty, strings.Join(names, ", "), more)
}

func (e *DirtyError) Unwrap() error { return ErrDirty }

// Include reports whether a path from a VCS listing may go into an sdist:
// flit drops dist/, anything containing "/__pycache__" and *.pyc.
func Include(p string) bool {
	return !(strings.HasPrefix(p, "dist/") || strings.Contains(p, "/__pycache__") || strings.HasSuffix(p, ".pyc"))
}

// Files returns the tracked files under projectDir, relative to it with "/"
// separators, filtered with Include, in the order the tool lists them.
// excluded reports paths the sdist excludes anyway: untracked or deleted
// files that are excluded (or dropped by Include) do not make the checkout
// dirty. Commands run are shown with log.Debugf.
func (s *System) Files(projectDir string, excluded func(string) bool, log diag.Logger) ([]string, error) {
	if log == nil {
		log = diag.Discard
	}
	if r, err := filepath.EvalSymlinks(projectDir); err == nil {
		projectDir = r
	}
	var tracked, dirty []string
	var err error
	switch s.Name {
	case "git":
		dirty, err = run(log, projectDir, true, "git", "ls-files", "--deleted", "--others", "--exclude-standard", "-z")
		if err == nil {
			tracked, err = run(log, projectDir, true, "git", "ls-files", "--recurse-submodules", "-z")
		}
	case "hg":
		dirty, err = run(log, projectDir, false, "hg", "status", "--unknown", "--deleted", "--no-status")
		if err == nil {
			tracked, err = run(log, projectDir, false, "hg", "status", "--clean", "--added", "--modified", "--no-status")
		}
		if err == nil {
			dirty = s.hgRelative(dirty, projectDir)
			tracked = s.hgRelative(tracked, projectDir)
		}
	default:
		return nil, fmt.Errorf("unknown version control system %q", s.Name)
	}
	if err != nil {
		return nil, err
	}
	var bad []string
	for _, p := range dirty {
		if Include(p) && (excluded == nil || !excluded(p)) {
			log.Debugf("not tracked or deleted: %s", p)
			bad = append(bad, p)
		}
	}
	if len(bad) > 0 {
		return nil, &DirtyError{Dir: projectDir, Files: bad}
	}
	var out []string
	for _, p := range tracked {
		p = normpath(p)
		if Include(p) {
			out = append(out, p)
		}
	}
	log.Infof("Found %d files tracked in %s", len(out), s.Name)
	return out, nil
}

// hgRelative turns repository-relative paths into projectDir-relative ones,
// dropping paths outside projectDir.
func (s *System) hgRelative(paths []string, projectDir string) []string {
	rel, err := filepath.Rel(s.Root, projectDir)
	if err != nil || rel == "." {
		return paths
	}
	prefix := filepath.ToSlash(rel) + "/"
	var out []string
	for _, p := range paths {
		if strings.HasPrefix(normpath(p), prefix) {
			out = append(out, p[len(prefix):])
		}
	}
	return out
}

func normpath(p string) string {
	p = filepath.ToSlash(filepath.Clean(filepath.FromSlash(p)))
	return p
}

// run executes a VCS command in dir and splits its output on NUL (z) or
// newlines. A failure's output becomes the error text.
func run(log diag.Logger, dir string, z bool, name string, args ...string) ([]string, error) {
	log.Debugf("running %s %s (in %s)", name, strings.Join(args, " "), dir)
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("%s %s failed in %s: %s", name, strings.Join(args, " "), dir, msg)
	}
	var parts [][]byte
	if z {
		parts = bytes.Split(bytes.Trim(out, "\x00"), []byte{0})
	} else {
		parts = bytes.Split(bytes.TrimSpace(out), []byte{'\n'})
	}
	var res []string
	for _, p := range parts {
		if len(p) > 0 {
			res = append(res, strings.TrimSuffix(string(p), "\r"))
		}
	}
	return res, nil
}
