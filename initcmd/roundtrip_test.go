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
		testutil.WriteFile(t, filepath.Join(dir, f.Name), string(f.Data))
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
		case "Metadata-Version", "Author", "Author-email", "Maintainer", "Maintainer-email",
			// Added by flit_core 4 (PEP 794, PEP 639), not by the migration.
			"Import-Name", "Import-Namespace", "License-File":
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

// flit4Differences are the artifact_diff lines expected between a wheel by
// flit_core 3.8 and one by goflit (flit_core 4's layout): the Generator,
// dist-info file modes, and PEP 639's licenses/ folder.
func flit4Difference(l string) bool {
	switch {
	case strings.HasPrefix(l, "content: ") && strings.Contains(l, ".dist-info/WHEEL: -Generator: flit 3.8.0 | +Generator: goflit "):
		return true
	case strings.HasPrefix(l, "mode: ") && strings.Contains(l, ".dist-info/"):
		return true
	case strings.HasPrefix(l, "RECORD ") && (strings.Contains(l, ".dist-info/WHEEL,") || strings.Contains(l, ".dist-info/LICENSE") || strings.Contains(l, ".dist-info/licenses/")):
		return true
	case strings.HasPrefix(l, "missing: ") && strings.Contains(l, ".dist-info/LICENSE"),
		strings.HasPrefix(l, "extra: ") && strings.Contains(l, ".dist-info/licenses/LICENSE"):
		return true
	}
	return false
}

// compareWheels checks that two wheels of the same project have the same
// files and contents apart from METADATA, and that their METADATA agree
// once normalised. flit4 forgives the layout differences of flit_core 4.
// diffOut is artifact_diff.py's output for the pair.
func compareWheels(t *testing.T, oldWhl, newWhl, diffOut string, notes []string, flit4 bool) {
	t.Helper()
	if filepath.Base(oldWhl) != filepath.Base(newWhl) {
		t.Errorf("wheel names differ: %s vs %s", filepath.Base(oldWhl), filepath.Base(newWhl))
	}
	all := strings.TrimSpace(diffOut)
	last := all[strings.LastIndex(all, "\n")+1:]
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
			if flit4 && flit4Difference(l) {
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

// TestOldStyleRoundTrip migrates every old-style sample (and tomlifies
// those with a flit.ini), then builds the old and the new projects: the
// old one and the converted ones with Debian's flit_core 3.8 (one Python
// process for all), the migrated one also with goflit. The wheels must
// have the same files and the same metadata, apart from the differences
// the move to [project] makes by design (see normalMetadata).
func TestOldStyleRoundTrip(t *testing.T) {
	py := testutil.PythonWith(t, "flit_core")
	all := samples(t)
	type job struct {
		s                             sample
		oldDir, newDir, iniDir        string
		migrated                      *initcmd.MigrateResult
		tomlified                     *initcmd.TomlifyResult
		oldWhl, newWhl, iniWhl, goWhl string
	}
	var jobs []*job
	var dirs []string
	nINI := 0
	for _, s := range all {
		j := &job{s: s, oldDir: filepath.Join(t.TempDir(), "old"), newDir: filepath.Join(t.TempDir(), "new")}
		s.extract(t, j.oldDir, "flit.ini", "entry_points.txt")
		src := testutil.ReadFile(t, filepath.Join(j.oldDir, "pyproject.toml"))
		res, err := initcmd.Migrate([]byte(src), "pyproject.toml")
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		j.migrated = res
		s.extract(t, j.newDir, "flit.ini", "entry_points.txt", "pyproject.toml")
		testutil.WriteFile(t, filepath.Join(j.newDir, "pyproject.toml"), res.New)
		dirs = append(dirs, j.oldDir, j.newDir)
		if s.has("flit.ini") {
			nINI++
			j.iniDir = filepath.Join(t.TempDir(), "ini")
			s.extract(t, j.iniDir, "pyproject.toml")
			tres, err := initcmd.Tomlify(filepath.Join(j.iniDir, "flit.ini"))
			if err != nil {
				t.Fatalf("%s: tomlify: %v", s.name, err)
			}
			j.tomlified = tres
			testutil.WriteFile(t, filepath.Join(j.iniDir, "pyproject.toml"), tres.Pyproject)
			dirs = append(dirs, j.iniDir)
		}
		jobs = append(jobs, j)
	}
	if nINI < 10 {
		t.Errorf("only %d samples have a flit.ini, want >= 10", nINI)
	}
	whls := debianWheels(t, py, dirs)
	for _, j := range jobs {
		j.oldWhl, j.newWhl, whls = whls[0], whls[1], whls[2:]
		if j.iniDir != "" {
			j.iniWhl, whls = whls[0], whls[1:]
		}
	}

	var pairs [][2]string
	for _, j := range jobs {
		j.goWhl = goflitWheel(t, j.newDir)
		pairs = append(pairs, [2]string{j.oldWhl, j.newWhl}, [2]string{j.oldWhl, j.goWhl})
		if j.iniDir != "" {
			pairs = append(pairs, [2]string{j.oldWhl, j.iniWhl})
		}
	}
	diffs := artifactDiffs(t, pairs)

	for _, j := range jobs {
		newDiff, goDiff := diffs[0], diffs[1]
		diffs = diffs[2:]
		var iniDiff string
		if j.iniDir != "" {
			iniDiff, diffs = diffs[0], diffs[1:]
		}
		t.Run(j.s.name, func(t *testing.T) {
			res := j.migrated
			diff := initcmd.UnifiedDiff("a/pyproject.toml", "b/pyproject.toml", res.Old, res.New)
			golden := diff + "\n# notes\n" + strings.Join(res.Notes, "\n") + "\n"
			testutil.Golden(t, filepath.Join("testdata", "oldstyle", j.s.name+".migrate.golden"), []byte(golden))
			checkPatch(t, res.Old, res.New, diff)
			// Migrating again finds nothing to do.
			if _, err := initcmd.Migrate([]byte(res.New), "pyproject.toml"); err == nil || !strings.Contains(err.Error(), "nothing to migrate") {
				t.Errorf("second migration: %v", err)
			}
			compareWheels(t, j.oldWhl, j.newWhl, newDiff, res.Notes, false)
			// And built by goflit as flit_core 4 would (the migrated file
			// asks for flit_core >=3.11,<5).
			compareWheels(t, j.oldWhl, j.goWhl, goDiff, res.Notes, true)

			if j.tomlified == nil {
				return
			}
			tres := j.tomlified
			golden = tres.Pyproject + "\n# notes\n" + strings.Join(tres.Notes, "\n") + "\n"
			testutil.Golden(t, filepath.Join("testdata", "oldstyle", j.s.name+".tomlify.golden"), []byte(golden))
			if j.s.has("entry_points.txt") != (tres.EntryPointsFile == "entry_points.txt") {
				t.Errorf("EntryPointsFile = %q", tres.EntryPointsFile)
			}
			compareWheels(t, j.oldWhl, j.iniWhl, iniDiff, tres.Notes, false)
		})
	}
}

func writeTemp(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "pyproject.toml")
	testutil.WriteFile(t, p, content)
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
	testutil.WriteFile(t, f, oldText)
	cmd := exec.Command(patch, "--quiet", "-p1", "--no-backup-if-mismatch")
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(diff)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("patch rejects the diff: %v\n%s\n%s", err, out, diff)
	}
	if got := testutil.ReadFile(t, f); got != newText {
		t.Errorf("patched file differs:\n%s", testutil.Diff(newText, got))
	}
	_ = os.Remove(f)
}
