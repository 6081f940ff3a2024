package build_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"

	"goflit/archive"
	"goflit/internal/build"
	"goflit/internal/testutil"
)

// The sample projects live in testdata/projects/*.txtar. The txtar comment
// holds directives, one per line:
//
//	chmod MODE PATH        set a file's permission bits
//	symlink PATH TARGET    create PATH as a symlink to TARGET
//	vcs git|hg [SUBDIR]    make a repository (root = the sample, project in SUBDIR) and commit
//	untracked PATH         after committing, write PATH (not committed)
//	use-vcs / no-use-vcs   pass --use-vcs / --no-use-vcs
//	formats F...           build only these formats
//	error                  the build must fail; the golden file holds the message
//	project SUBDIR         pyproject.toml is in SUBDIR (no repository)
//	no-ref REASON          flit_core 3.8 cannot build it (skipped in the differential)
//	no-rebuild REASON      skip the python -m build rebuild of the sdist
//	no-import REASON       install the wheel but do not import the module
//	# ...                  comment
//
// A file named "-- empty:PATH --" creates an empty directory.

const sampleEpoch = "1700000000"

type sample struct {
	name      string
	dir       string // the directory holding pyproject.toml
	root      string // the sample's root (the repository root for vcs samples)
	useVCS    *bool
	formats   []string
	wantErr   bool
	noRef     string
	noRebuild string
	noImport  string
}

func projectsDir() string { return filepath.Join(testutil.ModuleRoot(), "testdata", "projects") }

func sampleNames(t testing.TB) []string {
	m, err := filepath.Glob(filepath.Join(projectsDir(), "*.txtar"))
	if err != nil || len(m) == 0 {
		t.Fatalf("no samples in %s: %v", projectsDir(), err)
	}
	var names []string
	for _, f := range m {
		names = append(names, strings.TrimSuffix(filepath.Base(f), ".txtar"))
	}
	sort.Strings(names)
	return names
}

func gitEnv(home string) []string {
	return append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@e", "GIT_COMMITTER_NAME=t",
		"GIT_COMMITTER_EMAIL=t@e", "GIT_AUTHOR_DATE=2023-11-14T22:13:20Z", "GIT_COMMITTER_DATE=2023-11-14T22:13:20Z",
		"HGUSER=t <t@e>", "GIT_CONFIG_NOSYSTEM=1", "HOME="+home)
}

// setupSample materialises a sample into a fresh directory under base.
func setupSample(t testing.TB, name, base string) *sample { return setupSampleVCS(t, name, base, true) }

// setupSampleVCS is setupSample, creating the repository of a vcs sample only when withVCS.
func setupSampleVCS(t testing.TB, name, base string, withVCS bool) *sample {
	t.Helper()
	ar, err := txtar.ParseFile(filepath.Join(projectsDir(), name+".txtar"))
	if err != nil {
		t.Fatal(err)
	}
	s := &sample{name: name, root: filepath.Join(base, name)}
	s.dir = s.root
	for _, f := range ar.Files {
		p := filepath.Join(s.root, filepath.FromSlash(strings.TrimPrefix(f.Name, "empty:")))
		if strings.HasPrefix(f.Name, "empty:") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		data := f.Data
		if strings.HasSuffix(f.Name, ".crlf") {
			p = strings.TrimSuffix(p, ".crlf")
			data = bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n"))
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var vcs string
	var untracked []string
	for _, line := range strings.Split(string(ar.Comment), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		switch f[0] {
		case "chmod":
			var mode os.FileMode
			fmt.Sscanf(f[1], "%o", &mode)
			if err := os.Chmod(filepath.Join(s.root, f[2]), mode); err != nil {
				t.Fatal(err)
			}
		case "symlink":
			if err := os.Symlink(f[2], filepath.Join(s.root, f[1])); err != nil {
				t.Fatal(err)
			}
		case "vcs":
			vcs = f[1]
			if len(f) > 2 {
				s.dir = filepath.Join(s.root, f[2])
			}
		case "untracked":
			untracked = append(untracked, f[1])
		case "use-vcs", "no-use-vcs":
			v := f[0] == "use-vcs"
			s.useVCS = &v
		case "formats":
			s.formats = f[1:]
		case "project":
			s.dir = filepath.Join(s.root, f[1])
		case "error":
			s.wantErr = true
		case "no-ref":
			s.noRef = strings.Join(f[1:], " ")
		case "no-import":
			s.noImport = strings.Join(f[1:], " ")
		case "no-rebuild":
			s.noRebuild = strings.Join(f[1:], " ")
		default:
			t.Fatalf("%s: unknown directive %q", name, line)
		}
	}
	if !withVCS {
		vcs = ""
	}
	run := func(name string, args ...string) {
		cmd := exec.Command(name, args...)
		cmd.Dir = s.root
		cmd.Env = gitEnv(base)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
	}
	switch vcs {
	case "git":
		testutil.NeedCommand(t, "git", "apt-get install git")
		run("git", "init", "-q")
		run("git", "add", "-A")
		run("git", "commit", "-qm", "sample")
	case "hg":
		testutil.NeedCommand(t, "hg", "apt-get install mercurial")
		run("hg", "init")
		run("hg", "add", "-q")
		run("hg", "commit", "-q", "-m", "sample")
	}
	for _, u := range untracked {
		if err := os.WriteFile(filepath.Join(s.root, u), []byte("untracked\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func envWith(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string {
		if v, ok := m[k]; ok {
			return v
		}
		if k == "PATH" || k == "HOME" {
			return os.Getenv(k)
		}
		return ""
	}
}

// buildSample builds a sample into outDir with SOURCE_DATE_EPOCH set. The
// import fallback (dynamic_import) runs Debian's python3: on Python 3.11.7+
// importing a package under flit's dummy name "flit_core.dummy.importN"
// needs flit_core itself to be importable, which the python3 on PATH here
// is not.
func buildSample(s *sample, outDir string) ([]build.Artifact, error) {
	return build.Run(build.Request{
		ProjectFile: filepath.Join(s.dir, "pyproject.toml"),
		Formats:     s.formats,
		UseVCS:      s.useVCS,
		OutDir:      outDir,
		Getenv:      envWith("SOURCE_DATE_EPOCH", sampleEpoch, "FLIT_INSTALL_PYTHON", testutil.DebianPython),
		Validate:    true,
	})
}

var tmpPath = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`/tmp/[^\s:'"]*`) })

// describe renders everything the golden file pins down: archive listings
// and the generated metadata files, byte for byte.
func describe(t testing.TB, s *sample, arts []build.Artifact) string {
	var b strings.Builder
	var metadata, pkgInfo []byte
	for _, a := range arts {
		fmt.Fprintf(&b, "### %s %s\n", a.Format, a.Filename)
		fi, err := os.Stat(a.Path)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "file mode %o\n", fi.Mode().Perm())
		l, err := archive.ListFile(a.Path)
		if err != nil {
			t.Fatalf("%s: %v", a.Path, err)
		}
		b.WriteString(l)
		files, err := readArchive(a.Path)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for n := range files {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			base := n[strings.LastIndexByte(n, '/')+1:]
			switch base {
			case "METADATA", "WHEEL", "RECORD", "entry_points.txt":
				if !strings.Contains(n, ".dist-info/") {
					continue
				}
				fmt.Fprintf(&b, "--- %s\n%s", n, strings.ReplaceAll(string(files[n]), "\r\n", "\u240d\n"))
				if base == "METADATA" {
					metadata = files[n]
				}
			case "PKG-INFO":
				pkgInfo = files[n]
			default:
				if strings.HasSuffix(n, ".pth") {
					fmt.Fprintf(&b, "--- %s\n%q\n", n, files[n])
				}
			}
		}
	}
	if metadata != nil && pkgInfo != nil && !bytes.Equal(metadata, pkgInfo) {
		t.Errorf("PKG-INFO differs from METADATA:\n%s", testutil.Diff(string(metadata), string(pkgInfo)))
	}
	if metadata == nil && pkgInfo != nil {
		fmt.Fprintf(&b, "--- PKG-INFO\n%s", pkgInfo)
	}
	return b.String()
}

func goldenPath(name string) string {
	return filepath.Join(projectsDir(), "golden", name+".txt")
}

// TestSamples builds every sample and compares the listing of both
// archives and the metadata files with its golden file.
func TestSamples(t *testing.T) {
	base := t.TempDir()
	for _, name := range sampleNames(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := setupSample(t, name, base)
			out := filepath.Join(base, "out-"+name)
			arts, err := buildSample(s, out)
			if s.wantErr {
				if err == nil {
					t.Fatalf("build succeeded, want an error")
				}
				msg := tmpPath().ReplaceAllString(err.Error(), "$$TMP") + "\n"
				if _, serr := os.Stat(out); !errors.Is(serr, os.ErrNotExist) {
					t.Errorf("a failed build created %s", out)
				}
				testutil.Golden(t, goldenPath(name), []byte("error: "+msg))
				return
			}
			if err != nil {
				t.Fatalf("build: %v", err)
			}
			testutil.Golden(t, goldenPath(name), []byte(describe(t, s, arts)))
		})
	}
}

// modTime is a helper for the reproducibility test.
func touchAll(t testing.TB, root string, when time.Time) {
	filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err == nil && info.Mode()&os.ModeSymlink == 0 {
			os.Chtimes(p, when, when)
		}
		return nil
	})
}
