package pyproject

import (
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"goflit/coremeta"
	"goflit/internal/testutil"
	"goflit/names"
)

// allowedDifferences lists, in one place, the METADATA fields where
// flit_core 4.x (and so goflit) deliberately differs from Debian's
// flit_core 3.8. Each entry says why; every other field must be identical.
var allowedDifferences = map[string]string{
	// 3.8 writes 2.1; 3.10 moved to 2.3, 3.11 to 2.4, 4.0 to 2.5.
	"metadata-version": "metadata version bumped after 3.8",
	// PEP 639 (flit_core 3.11): SPDX expressions and license files.
	"license-expression": "PEP 639 support arrived in flit_core 3.11",
	"license-file":       "PEP 639 support arrived in flit_core 3.11",
	// PEP 794 (flit_core 4.0).
	"import-name":      "PEP 794 support arrived in flit_core 4.0",
	"import-namespace": "PEP 794 support arrived in flit_core 4.0",
}

// extraNormalised lists the fields compared only after normalising extra
// names on the 3.8 side: flit_core 3.10 started normalising extras (PEP
// 685) in Provides-Extra, in `extra == "..."` markers and inside the
// [...] of Requires-Dist; order then follows the normalised names.
var extraNormalised = map[string]bool{
	"provides-extra": true,
	"requires-dist":  true,
}

var extraMarkerRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`extra == "([^"]*)"`) })

func normaliseOldExtras(field, v string) string {
	if field == "provides-extra" {
		return names.NormalizeExtra(v)
	}
	v = normaliseRequiresDist(v)
	return extraMarkerRe().ReplaceAllStringFunc(v, func(m string) string {
		return `extra == "` + names.NormalizeExtra(extraMarkerRe().FindStringSubmatch(m)[1]) + `"`
	})
}

// TestDifferentialFlitCore38 compares our METADATA with Debian's flit_core
// 3.8 for every good sample that flit_core 3.8 can read.
func TestDifferentialFlitCore38(t *testing.T) {
	py := testutil.PythonWith(t, "flit_core")
	files := samples(t, "good", ".txtar")
	var dirs []string
	var opts []Options
	for _, f := range files {
		s := goodSample(t, f)
		dirs = append(dirs, s.dir)
		opts = append(opts, s.opts)
	}
	// Debian's flit_core 3.8 cannot read samples using newer features.
	results := runFlitCore(t, py, dirs)
	compared := 0
	for i, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txtar")
		t.Run(name, func(t *testing.T) {
			if results[i].Error != "" {
				t.Skipf("flit_core 3.8 cannot read this sample: %s: %s", results[i].Type, results[i].Error)
			}
			o := opts[i]
			if o.Python == "" {
				o.Python = py
			}
			p, err := loadIn(t, dirs[i], o)
			if err != nil {
				t.Fatalf("Load failed:\n%s", render(err))
			}
			compareMetadata(t, []byte(results[i].Metadata), p.Metadata.Bytes())
			compared++
		})
	}
	if compared < 15 {
		t.Errorf("only %d samples compared with flit_core 3.8; want at least 15", compared)
	}
}

func compareMetadata(t *testing.T, theirs, ours []byte) {
	t.Helper()
	tf, err := coremeta.Parse(theirs)
	if err != nil {
		t.Fatalf("parsing flit_core's METADATA: %v\n%s", err, theirs)
	}
	of, err := coremeta.Parse(ours)
	if err != nil {
		t.Fatalf("parsing our METADATA: %v\n%s", err, ours)
	}
	collect := func(f *coremeta.File, old bool) map[string][]string {
		m := map[string][]string{}
		for _, fl := range f.Fields {
			k := strings.ToLower(fl.Name)
			if _, skip := allowedDifferences[k]; skip {
				continue
			}
			v := fl.Value
			if extraNormalised[k] && old {
				v = normaliseOldExtras(k, v)
			}
			m[k] = append(m[k], v)
		}
		for k := range extraNormalised {
			if k != "requires-dist" {
				sort.Strings(m[k])
			}
		}
		if old && len(m["requires-dist"]) > 0 {
			// Extras come sorted by their (now normalised) name.
			m["requires-dist"] = reorderExtras(m["requires-dist"])
		}
		return m
	}
	tm, om := collect(tf, true), collect(of, false)
	keys := map[string]bool{}
	for k := range tm {
		keys[k] = true
	}
	for k := range om {
		keys[k] = true
	}
	for k := range keys {
		if strings.Join(tm[k], "\n") != strings.Join(om[k], "\n") {
			t.Errorf("field %s differs:\nflit_core 3.8: %q\ngoflit:        %q", k, tm[k], om[k])
		}
	}
	if tf.HasBody != of.HasBody || tf.Body != of.Body {
		t.Errorf("description body differs:\nflit_core 3.8: %q\ngoflit:        %q", tf.Body, of.Body)
	}
}

// reorderExtras stably sorts the extra-marked requirements by extra name,
// keeping the unmarked ones first in their order.
func reorderExtras(reqs []string) []string {
	extraOf := func(r string) string {
		m := extraMarkerRe().FindStringSubmatch(r)
		if m == nil {
			return ""
		}
		return m[1]
	}
	out := append([]string{}, reqs...)
	sort.SliceStable(out, func(i, j int) bool {
		ei, ej := extraOf(out[i]), extraOf(out[j])
		if (ei == "") != (ej == "") {
			return ei == ""
		}
		return ei < ej
	})
	return out
}
