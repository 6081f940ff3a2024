package pyproject

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"goflit/internal/diag"
	"goflit/internal/testutil"
)

// These tests compare Load with a source checkout of flit_core itself, run
// by Debian's python3. They need the flit_core package directory of the
// version under test (the directory containing flit_core/__init__.py's
// parent), which CI does not have; set
//
//	GOFLIT_FLIT_CORE4=/path/to/flit/flit_core    (tag 4.0.0)
//	GOFLIT_FLIT_CORE3=/path/to/flit/flit_core    (tag 3.12.0)
//
// to run them. Unlike the flit_core 3.8 test, they compare METADATA byte
// for byte (after fixing flit 4.0.0's missing newline after Import-Name /
// Import-Namespace, see flit.md §7.1) and check that each bad sample's
// flit_core error is among our diagnostics.

const flitSrcScript = `
import io, json, os, pathlib, sys, logging
logging.disable(logging.CRITICAL)
from flit_core.config import read_flit_config
from flit_core.common import Module, make_metadata
out = []
for d in sys.argv[1:]:
    os.environ.pop('FLIT_ALLOW_INVALID', None)
    if d.startswith('ALLOW:'):
        d = d[6:]
        os.environ['FLIT_ALLOW_INVALID'] = '1'
    os.chdir(d)
    try:
        p = pathlib.Path('pyproject.toml')
        ini = read_flit_config(p)
        mod = Module(ini.module, p.parent)
        md = make_metadata(mod, ini)
        buf = io.StringIO()
        md.write_metadata_file(buf)
        out.append({'metadata': buf.getvalue()})
    except Exception as e:
        out.append({'error': str(e), 'type': type(e).__name__})
json.dump(out, sys.stdout)
`

type flitResult struct{ Metadata, Error, Type string }

// runFlitSrc runs flit_core from src over dirs; a directory holding a
// ".allow-invalid" marker (see writeSample) runs with FLIT_ALLOW_INVALID.
func runFlitSrc(t *testing.T, src string, dirs []string) []flitResult {
	t.Helper()
	py := testutil.PythonWith(t)
	args := []string{"-c", flitSrcScript}
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, ".allow-invalid")); err == nil {
			d = "ALLOW:" + d
		}
		args = append(args, d)
	}
	cmd := exec.Command(py, args...)
	cmd.Env = append(os.Environ(), "PYTHONPATH="+src, "PYTHONDONTWRITEBYTECODE=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("flit_core from %s: %v\n%s", src, err, out)
	}
	var res []flitResult
	if err := json.Unmarshal(out, &res); err != nil || len(res) != len(dirs) {
		t.Fatalf("flit_core output (%v):\n%s", err, out)
	}
	return res
}

// fixImportNewline undoes flit 4.0.0's missing newline after Import-Name
// and Import-Namespace values.
func fixImportNewline(md string) string {
	idx := strings.Index(md, "\nImport-Name: ")
	if idx < 0 {
		return md
	}
	prefix, rest := md[:idx+1], md[idx+1:]
	imports, body, hasBody := strings.Cut(rest, "\n")
	imports = strings.ReplaceAll(imports, "Import-Namespace: ", "\nImport-Namespace: ")
	imports = strings.ReplaceAll(imports, "Import-Name: ", "\nImport-Name: ")
	out := prefix + strings.TrimPrefix(imports, "\n") + "\n"
	if hasBody {
		// The separator line was swallowed: it ended the last Import-* line.
		out += "\n" + body
	}
	return out
}

func flitSrcProfiles(t *testing.T) map[string]string {
	srcs := map[string]string{}
	if s := os.Getenv("GOFLIT_FLIT_CORE4"); s != "" {
		srcs[Flit4.Name] = s
	}
	if s := os.Getenv("GOFLIT_FLIT_CORE3"); s != "" {
		srcs[Flit3.Name] = s
	}
	if len(srcs) == 0 {
		t.Skip("set GOFLIT_FLIT_CORE4 / GOFLIT_FLIT_CORE3 to flit_core source directories to run")
	}
	return srcs
}

func TestFlitCoreSourceGood(t *testing.T) {
	srcs := flitSrcProfiles(t)
	files := samples(t, "good", ".txtar")
	type job struct {
		name string
		s    sample
		prof string
	}
	var jobs []job
	byProf := map[string][]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s := writeSample(t, parseArchive(data))
		req := readRequires(t, s.dir)
		prof := ProfileFor(req).Name
		if _, ok := srcs[prof]; !ok {
			continue
		}
		jobs = append(jobs, job{strings.TrimSuffix(filepath.Base(f), ".txtar"), s, prof})
		byProf[prof] = append(byProf[prof], s.dir)
	}
	results := map[string]flitResult{}
	for prof, dirs := range byProf {
		for i, r := range runFlitSrc(t, srcs[prof], dirs) {
			results[dirs[i]] = r
		}
	}
	for _, j := range jobs {
		t.Run(j.name, func(t *testing.T) {
			r := results[j.s.dir]
			if r.Error != "" {
				t.Fatalf("%s failed: %s: %s", j.prof, r.Type, r.Error)
			}
			opts := j.s.opts
			if opts.Python == "" {
				opts.Python = testutil.DebianPython
			}
			p, err := loadIn(t, j.s.dir, opts)
			if err != nil {
				t.Fatalf("Load failed:\n%s", render(err))
			}
			want := r.Metadata
			if j.prof == Flit4.Name {
				want = fixImportNewline(want)
			}
			if got := string(p.Metadata.Bytes()); got != want {
				t.Errorf("METADATA differs from %s:\n%s", j.prof, testutil.Diff(want, got))
			}
		})
	}
}

func TestFlitCoreSourceBad(t *testing.T) {
	srcs := flitSrcProfiles(t)
	files := samples(t, "bad", ".toml")
	type job struct {
		name string
		s    sample
		prof string
	}
	var jobs []job
	byProf := map[string][]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		ar := &archive{}
		if extra, err := os.ReadFile(strings.TrimSuffix(f, ".toml") + ".txtar"); err == nil {
			ar = parseArchive(extra)
		}
		ar.Files = append(ar.Files, archiveFile{Name: "pyproject.toml", Data: data})
		s := writeSample(t, ar)
		prof := ProfileFor(readRequires(t, s.dir)).Name
		if _, ok := srcs[prof]; !ok {
			continue
		}
		jobs = append(jobs, job{strings.TrimSuffix(filepath.Base(f), ".toml"), s, prof})
		byProf[prof] = append(byProf[prof], s.dir)
	}
	results := map[string]flitResult{}
	for prof, dirs := range byProf {
		for i, r := range runFlitSrc(t, srcs[prof], dirs) {
			results[dirs[i]] = r
		}
	}
	for _, j := range jobs {
		t.Run(j.name, func(t *testing.T) {
			r := results[j.s.dir]
			opts := j.s.opts
			if opts.Python == "" {
				opts.Python = testutil.DebianPython
			}
			_, err := loadIn(t, j.s.dir, opts)
			if err == nil {
				t.Fatalf("Load succeeded; %s says %s: %s", j.prof, r.Type, r.Error)
			}
			if r.Error == "" {
				t.Logf("%s accepts this sample; we report:\n%s", j.prof, render(err))
				return
			}
			list, _ := diag.AsList(err)
			for _, d := range list {
				if d.Msg == r.Error || strings.HasPrefix(r.Error, d.Msg) || strings.Contains(d.Msg, r.Error) {
					return
				}
			}
			t.Logf("%s says %s: %s\nwe report:\n%s", j.prof, r.Type, r.Error, render(err))
		})
	}
}

// readRequires returns [build-system] requires of the sample's pyproject.toml.
func readRequires(t *testing.T, dir string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "pyproject.toml"))
	if err != nil {
		t.Fatal(err)
	}
	doc, derr := decodeTOML("pyproject.toml", data)
	if derr != nil {
		return nil
	}
	var out []string
	if bs, ok := doc.data["build-system"].(map[string]any); ok {
		if reqs, ok := bs["requires"].([]any); ok {
			for _, r := range reqs {
				if s, ok := r.(string); ok {
					out = append(out, s)
				}
			}
		}
	}
	return out
}
