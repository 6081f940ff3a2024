package build_test

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"goflit/internal/build"
	"goflit/internal/testutil"
	"goflit/names"
)

// knownDifferences is the one list of the ways our artifacts may differ from
// Debian's flit_core 3.8: each is a change flit made after 3.8
// (../shared/reference/flit.md §1), which goflit follows as flit_core 4.x.
// Any other difference fails the differential test.
var knownDifferences = []struct {
	reason string
	match  func(item string, c *diffCtx) bool
}{
	{"generated zip entries carry the regular-file type bits S_IFREG (flit_core 3.9, #639)",
		rx(`^mode: [^:]+(\.dist-info/(WHEEL|METADATA|RECORD|entry_points\.txt)|\.pth): 0o644 != 0o100644$`)},
	{"METADATA/PKG-INFO are compared line by line with the rules below, not as whole files",
		rx(`^content: [^:]+/(METADATA|PKG-INFO): `)},
	{"Metadata-Version: 2.1 in 3.8; 2.3 (3.10), 2.4 (3.11, License-Expression/License-File), 2.5 (4.0, Import-Name)",
		rx(`^META (-Metadata-Version: 2\.1|\+Metadata-Version: 2\.[45])$`)},
	{"License-File fields (PEP 639, flit_core 3.11)",
		rx(`^META \+License-File: `)},
	{"Import-Name / Import-Namespace fields (PEP 794, flit_core 4.0)",
		rx(`^META \+Import-Name(space)?: `)},
	{"extra names normalised in Provides-Extra, extra markers and [extras] (PEP 685, flit_core 3.10)",
		func(item string, c *diffCtx) bool {
			if strings.HasPrefix(item, "META +") {
				for other := range c.items {
					if strings.HasPrefix(other, "META -") && "META +"+normaliseExtras38(strings.TrimPrefix(other, "META -")) == item {
						return true
					}
				}
				return false
			}
			n := normaliseExtras38(strings.TrimPrefix(item, "META -"))
			return n != strings.TrimPrefix(item, "META -") && c.items["META +"+n]
		}},
	{"license files under .dist-info/licenses/ (PEP 639, flit_core 3.11); 3.8 put COPYING*/LICENSE* in .dist-info/",
		rx(`^(missing: [^/]+\.dist-info/(COPYING|LICEN[CS]E)[^/]*|extra: [^/]+\.dist-info/licenses/.+|RECORD -[^/]+\.dist-info/(COPYING|LICEN[CS]E)[^/]*,.*|RECORD \+"?[^/]+\.dist-info/licenses/.*)$`)},
	{"the sdist ships the default license files COPYING*, LICEN[CS]E* (3.11), NOTICE*, AUTHORS* (4.0)",
		rx(`^extra: [^/]+/(COPYING|LICEN[CS]E|NOTICE|AUTHORS)[^/]*$`)},
	{"PEP 625 (flit_core 3.9): the sdist name and top folder use the normalised name; 3.8 used the raw name",
		func(item string, c *diffCtx) bool {
			if c.rawTop == c.normTop {
				return false
			}
			return item == "name: "+c.rawTop+".tar.gz != "+c.normTop+".tar.gz" ||
				strings.HasPrefix(item, "missing: "+c.rawTop+"/") || strings.HasPrefix(item, "extra: "+c.normTop+"/")
		}},
	{"RECORD is written with the csv module in flit 4 (#744): names with a comma or quote are quoted",
		func(item string, c *diffCtx) bool {
			var line string
			switch {
			case strings.HasPrefix(item, "RECORD +\""):
				line = strings.TrimPrefix(item, "RECORD +")
				rec, err := csv.NewReader(strings.NewReader(line)).Read()
				return err == nil && c.items["RECORD -"+strings.Join(rec, ",")]
			case strings.HasPrefix(item, "RECORD -"):
				line = strings.TrimPrefix(item, "RECORD -")
				for other := range c.items {
					if strings.HasPrefix(other, "RECORD +\"") {
						rec, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(other, "RECORD +"))).Read()
						if err == nil && strings.Join(rec, ",") == line {
							return true
						}
					}
				}
			}
			return false
		}},
}

type diffCtx struct {
	items           map[string]bool
	rawTop, normTop string
}

func rx(expr string) func(string, *diffCtx) bool {
	re := sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
	return func(s string, _ *diffCtx) bool { return re().MatchString(s) }
}

var (
	extraMarker  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`extra == "([^"]*)"`) })
	extraBracket = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\[([^\]]*)\]`) })
)

// normaliseExtras38 applies flit_core 3.10+'s extra-name normalisation to a
// METADATA line written by 3.8.
func normaliseExtras38(line string) string {
	switch {
	case strings.HasPrefix(line, "Provides-Extra: "):
		return "Provides-Extra: " + names.NormalizeExtra(strings.TrimPrefix(line, "Provides-Extra: "))
	case strings.HasPrefix(line, "Requires-Dist: "):
		line = extraMarker().ReplaceAllStringFunc(line, func(m string) string {
			return `extra == "` + names.NormalizeExtra(extraMarker().FindStringSubmatch(m)[1]) + `"`
		})
		return extraBracket().ReplaceAllStringFunc(line, func(m string) string {
			parts := strings.Split(extraBracket().FindStringSubmatch(m)[1], ",")
			for i, p := range parts {
				parts[i] = names.NormalizeExtra(strings.TrimSpace(p))
			}
			return "[" + strings.Join(parts, ", ") + "]"
		})
	}
	return line
}

// metadataItems diffs two METADATA texts as multisets of lines.
func metadataItems(ref, ours string) []string {
	count := map[string]int{}
	for _, l := range strings.Split(ref, "\n") {
		count[l]--
	}
	for _, l := range strings.Split(ours, "\n") {
		count[l]++
	}
	var out []string
	for l, n := range count {
		for ; n < 0; n++ {
			out = append(out, "META -"+l)
		}
		for ; n > 0; n-- {
			out = append(out, "META +"+l)
		}
	}
	return out
}

const refScript = `
import sys, os, json, io, contextlib, logging
logging.disable(logging.CRITICAL)
import runpy
tool = os.path.join(os.environ['GOFLIT_TOOLS'], 'artifact_diff.py')
import flit_core.buildapi as api
jobs = json.load(sys.stdin)
out = {}
for j in jobs:
    res = {}
    os.chdir(j['dir'])
    os.environ['SOURCE_DATE_EPOCH'] = j['epoch']
    try:
        # flit 3.8's own "flit build" (no setup.py): sdist first, then the
        # wheel from the unpacked sdist, as goflit does.
        os.environ['FLIT_NO_NETWORK'] = '1'
        import flit.build, pathlib
        fmts = set(j['formats'])
        info = flit.build.main(pathlib.Path(j['dir'], 'pyproject.toml'), formats=fmts, gen_setup_py=False)
        refs = []
        if j.get('wheel'):
            refs.append((str(info.wheel.file), j['wheel']))
        if j.get('sdist'):
            refs.append((str(info.sdist.file), j['sdist']))
        for ref, ours in refs:
            buf = io.StringIO()
            sys.argv = ['artifact_diff', ref, ours, '--known']
            with contextlib.redirect_stdout(buf):
                try:
                    runpy.run_path(tool, run_name='__main__')
                except SystemExit:
                    pass
            lines = buf.getvalue().splitlines()
            res.setdefault('diff', []).extend(lines[:-1])
            res.setdefault('summary', []).append(lines[-1] if lines else '')
            meta = None
            if ref.endswith('.whl'):
                import zipfile
                with zipfile.ZipFile(ref) as z:
                    meta = [z.read(n).decode() for n in z.namelist() if n.endswith('.dist-info/METADATA')][0]
                res['wheel_metadata'] = meta
            else:
                import tarfile
                with tarfile.open(ref) as t:
                    meta = [t.extractfile(m).read().decode() for m in t.getmembers() if m.name.endswith('/PKG-INFO')][0]
                res['sdist_metadata'] = meta
    except Exception as e:
        res['error'] = '%s: %s' % (type(e).__name__, e)
    out[j['name']] = res
json.dump(out, sys.stdout)
`

// TestDifferentialFlit38 builds every sample flit 3.8 can build with both
// Debian's flit 3.8 (its `flit build` code without setup.py, in a non-VCS copy) and goflit, and compares
// them entry for entry with ../shared/tools/artifact_diff.py --known. Every
// remaining difference must be one of knownDifferences.
func TestDifferentialFlit38(t *testing.T) {
	t.Parallel()
	py := testutil.PythonWith(t, "flit_core")
	tools := filepath.Join(testutil.ModuleRoot(), "..", "shared", "tools")
	if _, err := os.Stat(filepath.Join(tools, "artifact_diff.py")); err != nil {
		testutil.NeedPeer(t, false, "../shared/tools/artifact_diff.py", "the shared tools checkout")
	}
	base := t.TempDir()
	type job struct {
		Name    string   `json:"name"`
		Dir     string   `json:"dir"`
		RefDir  string   `json:"refdir"`
		Epoch   string   `json:"epoch"`
		Wheel   string   `json:"wheel,omitempty"`
		Sdist   string   `json:"sdist,omitempty"`
		Formats []string `json:"formats"`
	}
	var jobs []job
	ctx := map[string]*diffCtx{}
	ours := map[string]map[string][]byte{}
	for _, name := range sampleNames(t) {
		s := setupSample(t, name, filepath.Join(base, "ours"))
		if s.wantErr || s.noRef != "" {
			continue
		}
		arts, err := buildSample(s, filepath.Join(base, "out", name))
		if err != nil {
			if strings.Contains(err.Error(), "import fallback is not available") {
				t.Logf("%s: skipped: %v", name, err)
				continue
			}
			t.Fatalf("%s: %v", name, err)
		}
		// The reference is built from a copy with the same repository, if
		// any: flit 3.8's sdist uses the VCS whenever there is one, which
		// goflit does with --use-vcs (or by default for flit_core<4 projects).
		ref := setupSample(t, name, filepath.Join(base, "ref"))
		j := job{Name: name, Dir: ref.dir, RefDir: filepath.Join(base, "refout", name), Epoch: sampleEpoch, Formats: s.formats}
		if len(j.Formats) == 0 {
			j.Formats = []string{"wheel", "sdist"}
		}
		os.MkdirAll(j.RefDir, 0o755)
		ours[name] = map[string][]byte{}
		for _, a := range arts {
			if a.Format == "wheel" {
				j.Wheel = a.Path
			} else {
				j.Sdist = a.Path
			}
			files, err := readArchive(a.Path)
			if err != nil {
				t.Fatal(err)
			}
			for n, d := range files {
				if strings.HasSuffix(n, ".dist-info/METADATA") || strings.HasSuffix(n, "/PKG-INFO") {
					ours[name][a.Format] = d
				}
			}
		}
		raw := rawName(t, s)
		ctx[name] = &diffCtx{rawTop: raw + "-" + versionOf(arts), normTop: strings.TrimSuffix(sdistName(arts), ".tar.gz")}
		jobs = append(jobs, j)
	}
	if len(jobs) < 20 {
		t.Fatalf("only %d samples in the differential", len(jobs))
	}
	var res map[string]struct {
		Diff      []string `json:"diff"`
		Summary   []string `json:"summary"`
		WheelMeta string   `json:"wheel_metadata"`
		SdistMeta string   `json:"sdist_metadata"`
		Error     string   `json:"error"`
	}
	testutil.PythonJSON(t, py, refScript, jobs, &res, "GOFLIT_TOOLS="+tools)
	for _, j := range jobs {
		r := res[j.Name]
		if r.Error != "" {
			t.Errorf("%s: flit_core 3.8 failed (mark the sample no-ref if expected): %s", j.Name, r.Error)
			continue
		}
		items := append([]string(nil), r.Diff...)
		if r.WheelMeta != "" {
			items = append(items, metadataItems(r.WheelMeta, string(ours[j.Name]["wheel"]))...)
		}
		if r.SdistMeta != "" {
			items = append(items, metadataItems(r.SdistMeta, string(ours[j.Name]["sdist"]))...)
		}
		for _, it := range unexplained(items, ctx[j.Name]) {
			t.Errorf("%s: unexpected difference from flit 3.8: %s", j.Name, it)
		}
	}
}

// unexplained returns the difference items no knownDifferences entry covers.
func unexplained(items []string, c *diffCtx) []string {
	c.items = map[string]bool{}
	for _, it := range items {
		c.items[it] = true
	}
	var out []string
	for _, it := range items {
		known := false
		for _, k := range knownDifferences {
			if k.match(it, c) {
				known = true
				break
			}
		}
		if !known {
			out = append(out, it)
		}
	}
	return out
}

func rawName(t testing.TB, s *sample) string {
	data, err := os.ReadFile(filepath.Join(s.dir, "pyproject.toml"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^name = "([^"]*)"`).FindSubmatch(data)
	if m == nil {
		return ""
	}
	return string(m[1])
}

func versionOf(arts []build.Artifact) string {
	for _, a := range arts {
		if a.Format == "sdist" {
			n := strings.TrimSuffix(a.Filename, ".tar.gz")
			return n[strings.LastIndexByte(n, '-')+1:]
		}
	}
	return ""
}

func sdistName(arts []build.Artifact) string {
	for _, a := range arts {
		if a.Format == "sdist" {
			return a.Filename
		}
	}
	return ""
}
