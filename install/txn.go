package install

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// A staged file waits in a stage directory until commit renames it to dest.
type staged struct {
	root    string // the scheme directory dest must stay within
	dest    string // final absolute path
	tmp     string // staged absolute path
	link    bool   // a symlink we made (dev installs)
	replace bool   // may replace a directory in the way (dev installs)
	hash    string // RECORD hash ("" for symlinks and .pyc)
	size    int64
}

// txn is one install: staging directories, then a commit that backs up
// what it replaces and can be rolled back.
type txn struct {
	stages  map[string]string // scheme root -> stage dir
	stageOf map[string]string // scheme root -> the root's path inside the stage dir
	mu      sync.Mutex        // guards files while staging runs in parallel
	files   []*staged

	backups     [][2]string // {original, backup}
	placed      []string
	placedDirs  [][2]string // {final, staged}: directories moved in whole
	createdDirs []string
	safeDirs    map[string]bool
	parentOK    map[string]bool // directory -> its real path is inside the environment

	// hook, when set (tests), runs before each file is moved into place.
	hook func(dest string) error
	// ctx cancels the install (Ctrl-C): staging stops, and a commit in
	// progress is rolled back.
	ctx context.Context
}

// testCommitHook lets tests inject a failure in the middle of a commit.
var testCommitHook func(dest string) error

func newTxn(ctx context.Context) *txn {
	if ctx == nil {
		ctx = context.Background()
	}
	return &txn{ctx: ctx, stages: map[string]string{}, stageOf: map[string]string{}, safeDirs: map[string]bool{}, hook: testCommitHook}
}

// permHint is the advice added to an error writing into the target: when
// it is a permission problem, where to install instead.
func permHint(err error) string {
	if errors.Is(err, fs.ErrPermission) {
		return " (no permission to write there: install with --user, or into a virtual environment with --python VENV_DIR)"
	}
	return ""
}

// interrupted is the error of a cancelled install (nil if not cancelled).
func (t *txn) interrupted() error {
	if t.ctx.Err() != nil {
		return fmt.Errorf("install interrupted (%v): nothing was installed, the environment is as it was", context.Cause(t.ctx))
	}
	return nil
}

func randSuffix() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// stagePath returns where the file that will live at root/rel is staged,
// creating the stage directory for root on first use. The stage directory
// is made in the nearest existing ancestor of root, so that it is on the
// same file system and a rename moves the file into place.
func (t *txn) stagePath(root, rel string) (string, error) {
	base, ok := t.stageOf[root]
	if !ok {
		anc := root
		for {
			if fi, err := os.Stat(anc); err == nil && fi.IsDir() {
				break
			}
			parent := filepath.Dir(anc)
			if parent == anc {
				return "", fmt.Errorf("%s: no existing parent directory", root)
			}
			anc = parent
		}
		dir, err := os.MkdirTemp(anc, ".goflit-stage-")
		if err != nil {
			return "", fmt.Errorf("cannot stage files for %s: %v%s", root, err, permHint(err))
		}
		t.stages[root] = dir
		sub, _ := filepath.Rel(anc, root)
		base = filepath.Join(dir, sub)
		t.stageOf[root] = base
	}
	return filepath.Join(base, filepath.FromSlash(rel)), nil
}

// add registers a staged file (safe for concurrent use).
func (t *txn) add(s *staged) {
	t.mu.Lock()
	t.files = append(t.files, s)
	t.mu.Unlock()
}

// cleanupStages removes the stage directories.
func (t *txn) cleanupStages() {
	for _, d := range t.stages {
		os.RemoveAll(d)
	}
	t.stages = map[string]string{}
}

// within reports whether p is root or below it (lexically).
func within(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	if err != nil || filepath.IsAbs(rel) {
		return false
	}
	return rel == "." || (rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)))
}

// ensureDir creates dir (below root) component by component, refusing to go
// through a symlink that leads outside root. Created directories are
// remembered for rollback.
func (t *txn) ensureDir(root, dir string) error {
	if t.safeDirs[dir] {
		return nil
	}
	if !within(root, dir) {
		return fmt.Errorf("%s: outside the target directory %s", dir, root)
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err != nil {
		// The root itself does not exist yet: create it (its own
		// ancestors are the interpreter's business, not the wheel's).
		if err := t.mkdirs(root); err != nil {
			return err
		}
		if realRoot, err = filepath.EvalSymlinks(root); err != nil {
			return err
		}
	}
	rel, _ := filepath.Rel(root, dir)
	cur := root
	if rel != "." {
		for _, c := range strings.Split(rel, string(filepath.Separator)) {
			cur = filepath.Join(cur, c)
			if t.safeDirs[cur] {
				continue
			}
			fi, err := os.Lstat(cur)
			switch {
			case errors.Is(err, fs.ErrNotExist):
				if err := os.Mkdir(cur, 0o777); err != nil {
					return fmt.Errorf("cannot create %s: %v%s", cur, err, permHint(err))
				}
				t.createdDirs = append(t.createdDirs, cur)
			case err != nil:
				return err
			case fi.Mode()&fs.ModeSymlink != 0:
				real, err := filepath.EvalSymlinks(cur)
				if err != nil {
					return fmt.Errorf("%s is a broken symlink: remove it and try again", cur)
				}
				if !within(realRoot, real) {
					return fmt.Errorf("refusing to install through %s: it is a symlink to %s, outside %s; remove it (a leftover of flit install --symlink?) and try again", cur, real, root)
				}
				if fi2, err := os.Stat(cur); err != nil || !fi2.IsDir() {
					return fmt.Errorf("cannot install into %s: it is not a directory", cur)
				}
			case !fi.IsDir():
				return fmt.Errorf("cannot install into %s: a file is in the way (it is not a directory)", cur)
			}
			t.safeDirs[cur] = true
		}
	}
	t.safeDirs[dir] = true
	return nil
}

// mkdirs is os.MkdirAll that remembers the directories it created.
func (t *txn) mkdirs(dir string) error {
	var missing []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil {
			break
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	for i := len(missing) - 1; i >= 0; i-- {
		if err := os.Mkdir(missing[i], 0o777); err != nil {
			return fmt.Errorf("cannot create %s: %v%s", missing[i], err, permHint(err))
		}
		t.createdDirs = append(t.createdDirs, missing[i])
	}
	return nil
}

// backup moves p aside (to a hidden sibling) so that commit can replace it
// and rollback can restore it.
func (t *txn) backup(p string) error {
	tmp := filepath.Join(filepath.Dir(p), "."+filepath.Base(p)+".goflit-old-"+randSuffix())
	if err := os.Rename(p, tmp); err != nil {
		return fmt.Errorf("cannot replace %s: %v%s", p, err, permHint(err))
	}
	t.backups = append(t.backups, [2]string{p, tmp})
	return nil
}

// commit moves the staged files into place, first moving aside the files
// they replace and the files of remove (old installs' files the new one
// does not have). On error everything is rolled back.
func (t *txn) commit(remove []string, allowed []string) (err error) {
	defer func() {
		if err != nil {
			t.rollback()
		}
	}()
	// dist-info files last, RECORD the very last: an interrupted commit
	// never leaves a RECORD that lists files not yet in place.
	sort.SliceStable(t.files, func(i, j int) bool {
		return orderKey(t.files[i].dest) < orderKey(t.files[j].dest)
	})
	dests := map[string]bool{}
	for _, f := range t.files {
		if dests[f.dest] {
			return fmt.Errorf("%s would be installed twice", f.dest)
		}
		dests[f.dest] = true
	}
	// Old files: only files and symlinks, only inside the environment.
	for _, p := range remove {
		if dests[p] {
			continue
		}
		fi, err := os.Lstat(p)
		if err != nil || fi.IsDir() {
			continue
		}
		if !t.parentWithin(p, allowed) {
			continue
		}
		if err := t.backup(p); err != nil {
			return err
		}
	}
	// A staged directory whose destination does not exist yet moves in
	// one rename (a fresh install of a package is a handful of renames);
	// files going into existing directories move one by one.
	moved := map[string]bool{}
	existing := map[string]bool{}
	for _, f := range t.files {
		if err := t.interrupted(); err != nil {
			return err
		}
		if underMoved(moved, f.root, f.dest) {
			continue
		}
		if dir := freshAncestor(existing, f.root, f.dest); dir != "" {
			if err := t.ensureDir(f.root, filepath.Dir(dir)); err != nil {
				return err
			}
			if t.hook != nil {
				if err := t.hook(dir); err != nil {
					return err
				}
			}
			rel, _ := filepath.Rel(f.root, dir)
			staged := filepath.Join(t.stageOf[f.root], rel)
			if err := os.Rename(staged, dir); err != nil {
				return fmt.Errorf("cannot install %s: %v", dir, err)
			}
			t.placedDirs = append(t.placedDirs, [2]string{dir, staged})
			moved[dir] = true
			continue
		}
		if err := t.ensureDir(f.root, filepath.Dir(f.dest)); err != nil {
			return err
		}
		if fi, err := os.Lstat(f.dest); err == nil {
			if fi.IsDir() && !f.replace {
				return fmt.Errorf("cannot install %s: a directory is in the way (remove it and try again)", f.dest)
			}
			if err := t.backup(f.dest); err != nil {
				return err
			}
		}
		if t.hook != nil {
			if err := t.hook(f.dest); err != nil {
				return err
			}
		}
		if err := os.Rename(f.tmp, f.dest); err != nil {
			return fmt.Errorf("cannot install %s: %v", f.dest, err)
		}
		t.placed = append(t.placed, f.dest)
	}
	// Success: drop backups and stages, prune directories left empty.
	var emptied []string
	for _, b := range t.backups {
		os.RemoveAll(b[1])
		if !dests[b[0]] {
			emptied = append(emptied, filepath.Dir(b[0]))
		}
	}
	t.cleanupStages()
	pruneEmpty(emptied, allowed)
	t.backups, t.placed, t.placedDirs, t.createdDirs = nil, nil, nil, nil
	return nil
}

func orderKey(dest string) string {
	dir := filepath.Base(filepath.Dir(dest))
	switch {
	case strings.HasSuffix(dir, ".dist-info") && filepath.Base(dest) == "RECORD":
		return "2" + dest
	case strings.HasSuffix(dir, ".dist-info"):
		return "1" + dest
	}
	return "0" + dest
}

// parentWithin reports whether p's real parent directory is inside one of
// the allowed roots (so that removing p cannot touch anything outside).
func (t *txn) parentWithin(p string, allowed []string) bool {
	dir := filepath.Dir(p)
	if ok, seen := t.parentOK[dir]; seen {
		return ok
	}
	ok := false
	if realParent, err := filepath.EvalSymlinks(dir); err == nil {
		for _, r := range allowed {
			rr, err := filepath.EvalSymlinks(r)
			if err == nil && within(rr, realParent) {
				ok = true
				break
			}
		}
	}
	if t.parentOK == nil {
		t.parentOK = map[string]bool{}
	}
	t.parentOK[dir] = ok
	return ok
}

// rollback undoes a partial commit: placed files are removed, backups
// restored, created directories removed, stages deleted.
func (t *txn) rollback() {
	for i := len(t.placed) - 1; i >= 0; i-- {
		os.RemoveAll(t.placed[i])
	}
	for i := len(t.placedDirs) - 1; i >= 0; i-- {
		d := t.placedDirs[i]
		if err := os.Rename(d[0], d[1]); err != nil {
			os.RemoveAll(d[0])
		}
	}
	for i := len(t.backups) - 1; i >= 0; i-- {
		b := t.backups[i]
		os.Rename(b[1], b[0])
	}
	t.cleanupStages()
	for i := len(t.createdDirs) - 1; i >= 0; i-- {
		os.Remove(t.createdDirs[i])
	}
	t.placed, t.placedDirs, t.backups, t.createdDirs = nil, nil, nil, nil
}

// pruneEmpty removes the directories in dirs, and their parents, while they
// are empty and strictly inside one of the roots (never a root itself nor
// one of its ancestors).
func pruneEmpty(dirs []string, roots []string) {
	sort.Sort(sort.Reverse(sort.StringSlice(dirs)))
	for _, d := range dirs {
		for {
			inside, protected := false, false
			for _, r := range roots {
				r = filepath.Clean(r)
				if within(d, r) {
					protected = true
				} else if within(r, d) && !throughSymlink(r, d) {
					inside = true
				}
			}
			if protected || !inside || os.Remove(d) != nil {
				break
			}
			d = filepath.Dir(d)
		}
	}
}

// throughSymlink reports whether a path component of d below root is a
// symlink (or missing): then d is not ours to remove.
func throughSymlink(root, d string) bool {
	rel, err := filepath.Rel(root, d)
	if err != nil {
		return true
	}
	cur := root
	for _, c := range strings.Split(rel, string(filepath.Separator)) {
		cur = filepath.Join(cur, c)
		fi, err := os.Lstat(cur)
		if err != nil || fi.Mode()&fs.ModeSymlink != 0 {
			return true
		}
	}
	return false
}

// underMoved reports whether dest lies in a directory already moved in.
func underMoved(moved map[string]bool, root, dest string) bool {
	if len(moved) == 0 {
		return false
	}
	for d := filepath.Dir(dest); within(root, d) && d != root; d = filepath.Dir(d) {
		if moved[d] {
			return true
		}
	}
	return false
}

// freshAncestor returns the highest directory between root (exclusive) and
// dest (exclusive) that does not exist yet, or "".
func freshAncestor(existing map[string]bool, root, dest string) string {
	rel, err := filepath.Rel(root, filepath.Dir(dest))
	if err != nil || rel == "." {
		return ""
	}
	cur := root
	for _, c := range strings.Split(rel, string(filepath.Separator)) {
		cur = filepath.Join(cur, c)
		if existing[cur] {
			continue
		}
		if _, err := os.Lstat(cur); errors.Is(err, fs.ErrNotExist) {
			return cur
		}
		existing[cur] = true
	}
	return ""
}
