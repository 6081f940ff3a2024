package vcs

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"goflit/internal/testutil"
)

func write(t *testing.T, root string, files ...string) {
	t.Helper()
	for _, f := range files {
		p := filepath.Join(root, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(f+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func sh(t *testing.T, dir string, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@e", "GIT_COMMITTER_NAME=t",
		"GIT_COMMITTER_EMAIL=t@e", "HGUSER=t <t@e>", "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

func TestGit(t *testing.T) {
	testutil.NeedCommand(t, "git", "apt-get install git")
	repo := t.TempDir()
	write(t, repo, "top.txt", "proj/pyproject.toml", "proj/pkg/__init__.py", "proj/pkg/__pycache__/x.cpython-311.pyc",
		"proj/dist/old.whl", "proj/a.pyc", "proj/docs/index.rst", "proj/.gitignore")
	os.WriteFile(filepath.Join(repo, "proj/.gitignore"), []byte("ignored.txt\n"), 0o644)
	sh(t, repo, "git", "init", "-q")
	sh(t, repo, "git", "add", "-A")
	sh(t, repo, "git", "commit", "-qm", "init")
	proj := filepath.Join(repo, "proj")
	s := Detect(filepath.Join(proj, "pkg"))
	if s == nil || s.Name != "git" {
		t.Fatalf("Detect = %+v", s)
	}
	files, err := s.Files(proj, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := ".gitignore docs/index.rst pkg/__init__.py pyproject.toml"
	if got := strings.Join(files, " "); got != want {
		t.Errorf("Files = %q, want %q", got, want)
	}

	// Ignored files, and untracked ones in dist/ or __pycache__, are fine.
	write(t, proj, "ignored.txt", "dist/new.tar.gz", "pkg/__pycache__/y.pyc")
	if _, err := s.Files(proj, nil, nil); err != nil {
		t.Fatalf("ignored/dist files made the checkout dirty: %v", err)
	}
	// An untracked file is refused unless the sdist excludes it.
	write(t, proj, "notes.txt")
	if _, err := s.Files(proj, nil, nil); !errors.Is(err, ErrDirty) {
		t.Fatalf("untracked file: err = %v, want ErrDirty", err)
	}
	if _, err := s.Files(proj, func(p string) bool { return p == "notes.txt" }, nil); err != nil {
		t.Fatalf("excluded untracked file: %v", err)
	}
	os.Remove(filepath.Join(proj, "notes.txt"))
	// A deleted tracked file is refused too.
	os.Remove(filepath.Join(proj, "docs/index.rst"))
	if _, err := s.Files(proj, nil, nil); err == nil || err.Error() != proj+": "+ErrDirty.Error()+" Untracked or deleted: docs/index.rst" {
		t.Fatalf("deleted file: err = %v", err)
	}
	// Many: the first ten are named, then how many more; odd names quoted.
	var many []string
	for i := range 12 {
		many = append(many, fmt.Sprintf("new%02d.txt", i))
	}
	many[0] = "a, b.txt"
	write(t, proj, many...)
	_, err = s.Files(proj, nil, nil)
	want = proj + ": " + ErrDirty.Error() + ` Untracked or deleted: "a, b.txt", new01.txt, new02.txt, new03.txt, new04.txt, new05.txt, new06.txt, new07.txt, new08.txt, new09.txt and 3 more`
	if err == nil || err.Error() != want || !errors.Is(err, ErrDirty) {
		t.Fatalf("many files: err = %v\nwant %s", err, want)
	}
}

// A worktree (and a submodule) has a .git file, not a directory.
func TestGitWorktree(t *testing.T) {
	testutil.NeedCommand(t, "git", "apt-get install git")
	repo := t.TempDir()
	write(t, repo, "pyproject.toml", "m.py")
	sh(t, repo, "git", "init", "-q")
	sh(t, repo, "git", "add", "-A")
	sh(t, repo, "git", "commit", "-qm", "init")
	wt := filepath.Join(t.TempDir(), "wt")
	sh(t, repo, "git", "worktree", "add", "-q", wt)
	if fi, err := os.Stat(filepath.Join(wt, ".git")); err != nil || fi.IsDir() {
		t.Fatalf("expected a .git file in the worktree: %v", err)
	}
	s := Detect(wt)
	if s == nil || s.Name != "git" {
		t.Fatalf("Detect(worktree) = %+v", s)
	}
	files, err := s.Files(wt, nil, nil)
	if err != nil || strings.Join(files, " ") != "m.py pyproject.toml" {
		t.Fatalf("Files = %q, %v", files, err)
	}
}

func TestHg(t *testing.T) {
	testutil.NeedCommand(t, "hg", "apt-get install mercurial")
	repo := t.TempDir()
	write(t, repo, "top.txt", "proj/pyproject.toml", "proj/m.py", "proj/dist/x.whl", "other/y.txt")
	sh(t, repo, "hg", "init")
	sh(t, repo, "hg", "add", "-q")
	sh(t, repo, "hg", "commit", "-q", "-m", "init")
	proj := filepath.Join(repo, "proj")
	s := Detect(proj)
	if s == nil || s.Name != "hg" {
		t.Fatalf("Detect = %+v", s)
	}
	files, err := s.Files(proj, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(files, " "); got != "m.py pyproject.toml" {
		t.Errorf("Files = %q", got)
	}
	write(t, repo, "other/untracked.txt") // outside the project: not our business
	if _, err := s.Files(proj, nil, nil); err != nil {
		t.Errorf("untracked file outside the project: %v", err)
	}
	write(t, proj, "new.py")
	if _, err := s.Files(proj, nil, nil); !errors.Is(err, ErrDirty) {
		t.Errorf("untracked file: err = %v", err)
	}
}

func TestNoVCS(t *testing.T) {
	if s := Detect(t.TempDir()); s != nil && strings.HasPrefix(s.Root, os.TempDir()) {
		t.Errorf("Detect in a bare temp dir = %+v", s)
	}
}

func TestInclude(t *testing.T) {
	for p, want := range map[string]bool{
		"pkg/a.py": true, "dist/x.whl": false, "distx/a": true, "a.pyc": false, "pkg/__pycache__/a": false,
		"__pycache__/a.txt": true, // flit checks "/__pycache__" only
	} {
		if Include(p) != want {
			t.Errorf("Include(%q) = %v", p, !want)
		}
	}
}
