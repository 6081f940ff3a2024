package initcmd_test

import (
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"goflit/coremeta"
	"goflit/initcmd"
	"goflit/internal/testutil"
)

// sample is one old-style project from testdata/oldstyle.
type sample struct {
	name string
	arc  *txtar.Archive
}

func samples(t *testing.T) []sample {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "oldstyle", "*.txtar"))
	if err != nil || len(paths) < 10 {
		t.Fatalf("want >= 10 old-style samples, found %d (%v)", len(paths), err)
	}
	var out []sample
	for _, p := range paths {
		arc, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, sample{strings.TrimSuffix(filepath.Base(p), ".txtar"), arc})
	}
	return out
}

// extract writes the sample's files into dir, except those skip names.
func (s sample) extract(t *testing.T, dir string, skip ...string) {
	t.Helper()
outer:
	for _, f := range s.arc.Files {
		for _, k := range skip {
			if f.Name == k {
				continue outer
			}
		}
		mkfile(t, filepath.Join(dir, f.Name), string(f.Data))
	}
}

func (s sample) has(name string) bool {
	for _, f := range s.arc.Files {
		if f.Name == name {
			return true
		}
	}
	return false
}

// people reads Author/Author-email (or Maintainer...) into "name <email>"
// entries, whichever way they were written.
func people(t *testing.T, f *coremeta.File, field string) []string {
	var out []string
	name, _ := f.Get(field)
	email, _ := f.Get(field + "-email")
	switch {
	case email != "" && strings.Contains(email, "<"):
		addrs, err := mail.ParseAddressList(email)
		if err != nil {
			t.Fatalf("%s-email %q: %v", field, email, err)
		}
		for _, a := range addrs {
			out = append(out, a.Name+" <"+a.Address+">")
		}
		if name != "" {
			out = append(out, name+" <>")
		}
	case name != "" || email != "":
		out = append(out, name+" <"+email+">")
	}
	sort.Strings(out)
	return out
}

// normalMetadata renders METADATA with the differences that the move to
// [project] makes by design taken out: Metadata-Version, the way authors
// are written, Home-page becoming a "Homepage" project URL, keywords
// separators, and the free-text License field, which [project] metadata
// cannot carry (returned separately).
func normalMetadata(t *testing.T, data string) (norm, license string) {
	t.Helper()
	f, err := coremeta.Parse([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var urls []string
	for _, fl := range f.Fields {
		switch fl.Name {
		case "Metadata-Version", "Author", "Author-email", "Maintainer", "Maintainer-email":
		case "License":
			license = fl.Value
		case "Home-page":
			urls = append(urls, "Homepage, "+fl.Value)
		case "Project-URL":
			urls = append(urls, fl.Value)
		case "Keywords":
			b.WriteString("Keywords: " + strings.Join(initcmd.SplitKeywords(fl.Value), ",") + "\n")
		default:
			b.WriteString(fl.Name + ": " + fl.Value + "\n")
		}
	}
	sort.Strings(urls)
	for _, u := range urls {
		b.WriteString("Project-URL: " + u + "\n")
	}
	for _, who := range []string{"Author", "Maintainer"} {
		for _, p := range people(t, f, who) {
			b.WriteString(who + ": " + p + "\n")
		}
	}
	b.WriteString("\n" + f.Body)
	return b.String(), license
}

// compareWheels checks that two wheels of the same project have the same
// files and contents apart from METADATA, and that their METADATA agree
// once normalised.
func compareWheels(t *testing.T, oldWhl, newWhl string, notes []string) {
	t.Helper()
	if filepath.Base(oldWhl) != filepath.Base(newWhl) {
		t.Errorf("wheel names differ: %s vs %s", filepath.Base(oldWhl), filepath.Base(newWhl))
	}
	last, all := artifactDiff(t, oldWhl, newWhl)
	if last != "identical" {
		for _, l := range strings.Split(strings.TrimSpace(all), "\n") {
			if l == last {
				continue
			}
			if strings.HasPrefix(l, "content: ") && strings.Contains(l, ".dist-info/METADATA") {
				continue // compared field by field below
			}
			if strings.HasPrefix(l, "RECORD ") && strings.Contains(l, ".dist-info/METADATA,") {
				continue
			}
			t.Errorf("wheels differ beyond METADATA: %s", l)
		}
	}
	oldMD, newMD := wheelMetadata(t, oldWhl), wheelMetadata(t, newWhl)
	on, oldLicense := normalMetadata(t, oldMD)
	nn, newLicense := normalMetadata(t, newMD)
	if on != nn {
		t.Errorf("METADATA differs:\n%s\nold METADATA:\n%s\nnew METADATA:\n%s", testutil.Diff(on, nn), oldMD, newMD)
	}
	if oldLicense != newLicense {
		// The one intended loss: it must have been reported.
		reported := false
		for _, n := range notes {
			reported = reported || strings.Contains(n, "license "+initcmd.Quote(oldLicense))
		}
		if !reported || newLicense != "" {
			t.Errorf("License %q -> %q not reported in notes %q", oldLicense, newLicense, notes)
		}
	}
}

func TestMigrateSamples(t *testing.T) {
	py := testutil.PythonWith(t, "flit_core")
	for _, s := range samples(t) {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			oldDir := filepath.Join(t.TempDir(), "old")
			s.extract(t, oldDir, "flit.ini", "entry_points.txt")
			src := readFile(t, filepath.Join(oldDir, "pyproject.toml"))
			res, err := initcmd.Migrate([]byte(src), "pyproject.toml")
			if err != nil {
				t.Fatal(err)
			}
			diff := initcmd.UnifiedDiff("a/pyproject.toml", "b/pyproject.toml", res.Old, res.New)
			golden := diff + "\n# notes\n" + strings.Join(res.Notes, "\n") + "\n"
			testutil.Golden(t, filepath.Join("testdata", "oldstyle", s.name+".migrate.golden"), []byte(golden))
			checkPatch(t, res.Old, res.New, diff)

			// Migrating again finds nothing to do.
			if _, err := initcmd.Migrate([]byte(res.New), "pyproject.toml"); err == nil || !strings.Contains(err.Error(), "nothing to migrate") {
				t.Errorf("second migration: %v", err)
			}
			doc := pyTOML(t, writeTemp(t, res.New))
			if _, ok := doc["project"]; !ok {
				t.Fatal("no [project] table after migration")
			}

			newDir := filepath.Join(t.TempDir(), "new")
			s.extract(t, newDir, "flit.ini", "entry_points.txt", "pyproject.toml")
			mkfile(t, filepath.Join(newDir, "pyproject.toml"), res.New)
			compareWheels(t, debianWheel(t, py, oldDir), debianWheel(t, py, newDir), res.Notes)
		})
	}
}

func TestTomlifySamples(t *testing.T) {
	py := testutil.PythonWith(t, "flit_core")
	n := 0
	for _, s := range samples(t) {
		if !s.has("flit.ini") {
			continue
		}
		n++
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			oldDir := filepath.Join(t.TempDir(), "old")
			s.extract(t, oldDir, "flit.ini", "entry_points.txt")
			iniDir := filepath.Join(t.TempDir(), "ini")
			s.extract(t, iniDir, "pyproject.toml")
			res, err := initcmd.Tomlify(filepath.Join(iniDir, "flit.ini"))
			if err != nil {
				t.Fatal(err)
			}
			golden := res.Pyproject + "\n# notes\n" + strings.Join(res.Notes, "\n") + "\n"
			testutil.Golden(t, filepath.Join("testdata", "oldstyle", s.name+".tomlify.golden"), []byte(golden))
			if s.has("entry_points.txt") != (res.EntryPointsFile == "entry_points.txt") {
				t.Errorf("EntryPointsFile = %q", res.EntryPointsFile)
			}
			mkfile(t, filepath.Join(iniDir, "pyproject.toml"), res.Pyproject)
			compareWheels(t, debianWheel(t, py, oldDir), debianWheel(t, py, iniDir), res.Notes)
		})
	}
	if n < 10 {
		t.Errorf("only %d samples have a flit.ini, want >= 10", n)
	}
}

func writeTemp(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "pyproject.toml")
	mkfile(t, p, content)
	return p
}

// checkPatch applies diff to old with GNU patch (a real peer) and expects new.
func checkPatch(t *testing.T, oldText, newText, diff string) {
	t.Helper()
	patch, err := exec.LookPath("patch")
	if err != nil {
		return // patch is not a required peer; the golden diff still checks the text
	}
	dir := t.TempDir()
	f := filepath.Join(dir, "pyproject.toml")
	mkfile(t, f, oldText)
	cmd := exec.Command(patch, "--quiet", "-p1", "--no-backup-if-mismatch")
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(diff)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("patch rejects the diff: %v\n%s\n%s", err, out, diff)
	}
	if got := readFile(t, f); got != newText {
		t.Errorf("patched file differs:\n%s", testutil.Diff(newText, got))
	}
	_ = os.Remove(f)
}
