package pyproject

import (
	"os"
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

// flitMetadataScript prints, as JSON, the METADATA the importable flit_core
// makes for the pyproject.toml in each directory of the JSON list on stdin,
// or the exception it raised. A directory prefixed "ALLOW:" is read with
// FLIT_ALLOW_INVALID=1.
const flitMetadataScript = `
import io, json, os, pathlib, sys, logging
logging.disable(logging.CRITICAL)
from flit_core.config import read_flit_config
from flit_core.common import Module, make_metadata
out = []
for d in json.load(sys.stdin):
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
        out.append({'error': str(e) or type(e).__name__, 'type': type(e).__name__})
json.dump(out, sys.stdout)
`

// flitResult is flit_core's answer for one directory: METADATA, or the
// exception (Error is its message, or its type when the message is empty).
type flitResult struct{ Metadata, Error, Type string }

// runFlitCore runs flitMetadataScript with py over dirs, env added to the
// environment (PYTHONPATH picks a flit_core source checkout); a directory
// holding a ".allow-invalid" marker (see writeSample) is read with
// FLIT_ALLOW_INVALID.
func runFlitCore(t *testing.T, py string, dirs []string, env ...string) []flitResult {
	t.Helper()
	arg := make([]string, len(dirs))
	for i, d := range dirs {
		arg[i] = d
		if _, err := os.Stat(filepath.Join(d, ".allow-invalid")); err == nil {
			arg[i] = "ALLOW:" + d
		}
	}
	var res []flitResult
	testutil.PythonJSON(t, py, flitMetadataScript, arg, &res, append(env, "PYTHONDONTWRITEBYTECODE=1")...)
	if len(res) != len(dirs) {
		t.Fatalf("flit_core answered for %d of %d projects", len(res), len(dirs))
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

// flitSrcJob is one sample with the answer of the flit_core source its
// build-system table selects.
type flitSrcJob struct {
	name   string
	s      sample
	prof   string
	result flitResult
}

// flitSrcJobs writes each sample file, picks the flit_core source of its
// profile (samples whose profile has no source are left out) and runs each
// source once over all its samples.
func flitSrcJobs(t *testing.T, files []string, ext string, write func(*testing.T, string) sample) []flitSrcJob {
	t.Helper()
	srcs := flitSrcProfiles(t)
	py := testutil.PythonWith(t)
	var jobs []flitSrcJob
	byProf := map[string][]int{}
	for _, f := range files {
		s := write(t, f)
		prof := ProfileFor(readRequires(t, s.dir)).Name
		if _, ok := srcs[prof]; !ok {
			continue
		}
		byProf[prof] = append(byProf[prof], len(jobs))
		jobs = append(jobs, flitSrcJob{name: strings.TrimSuffix(filepath.Base(f), ext), s: s, prof: prof})
	}
	for prof, idx := range byProf {
		dirs := make([]string, len(idx))
		for i, k := range idx {
			dirs[i] = jobs[k].s.dir
		}
		for i, r := range runFlitCore(t, py, dirs, "PYTHONPATH="+srcs[prof]) {
			jobs[idx[i]].result = r
		}
	}
	return jobs
}

func TestFlitCoreSourceGood(t *testing.T) {
	jobs := flitSrcJobs(t, samples(t, "good", ".txtar"), ".txtar", goodSample)
	for _, j := range jobs {
		t.Run(j.name, func(t *testing.T) {
			r := j.result
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
	jobs := flitSrcJobs(t, samples(t, "bad", ".toml"), ".toml", badSample)
	for _, j := range jobs {
		t.Run(j.name, func(t *testing.T) {
			r := j.result
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
