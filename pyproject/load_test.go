package pyproject

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"goflit/internal/diag"
	"goflit/internal/testutil"
)

// sample is one test project: the files of a txtar archive written into a
// temporary directory, plus options from lines of the archive comment that
// start with "! " (other comment lines describe the sample):
//
//	crlf FILE         rewrite FILE with CRLF line endings
//	allow-invalid     Options.AllowInvalid
//	no-import         Options.NoImport
//	symlink NEW OLD   create a symlink
type sample struct {
	dir  string
	opts Options
}

func writeSample(t *testing.T, ar *archive) sample {
	t.Helper()
	dir := t.TempDir()
	for _, f := range ar.Files {
		testutil.WriteFile(t, filepath.Join(dir, filepath.FromSlash(f.Name)), string(f.Data))
	}
	s := sample{dir: dir}
	for _, line := range strings.Split(string(ar.Comment), "\n") {
		if !strings.HasPrefix(line, "! ") {
			continue // prose describing the sample
		}
		f := strings.Fields(line[2:])
		if len(f) == 0 {
			continue
		}
		switch {
		case f[0] == "crlf" && len(f) == 2:
			p := filepath.Join(dir, f[1])
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			data = bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n"))
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
		case f[0] == "allow-invalid":
			s.opts.AllowInvalid = true
			// A marker for the flit_core source tests (flitsrc_test.go).
			if err := os.WriteFile(filepath.Join(dir, ".allow-invalid"), nil, 0o644); err != nil {
				t.Fatal(err)
			}
		case f[0] == "no-import":
			s.opts.NoImport = true
		case f[0] == "python":
			s.opts.Python = testutil.PythonWith(t)
		case f[0] == "symlink" && len(f) == 3:
			if err := os.Symlink(f[2], filepath.Join(dir, f[1])); err != nil {
				t.Fatal(err)
			}
		default:
			t.Fatalf("unknown sample directive %q", line)
		}
	}
	return s
}

// loadIn runs Load on "pyproject.toml" from inside dir, as the CLI does.
func loadIn(t *testing.T, dir string, opts Options) (*Project, error) {
	t.Helper()
	t.Chdir(dir)
	return Load("pyproject.toml", opts)
}

// render is the text of a failed Load as the CLI prints it: each
// diagnostic's Error() and its caret display.
func render(err error) string {
	list, ok := diag.AsList(err)
	if !ok {
		return "unstructured error: " + err.Error() + "\n"
	}
	var b strings.Builder
	for _, d := range list {
		b.WriteString(d.Error() + "\n")
		if c := d.Caret(); c != "" {
			b.WriteString(c + "\n")
		}
	}
	return b.String()
}

// goodSample writes the project of testdata/good/NAME.txtar.
func goodSample(t *testing.T, txtar string) sample {
	t.Helper()
	data, err := os.ReadFile(txtar)
	if err != nil {
		t.Fatal(err)
	}
	return writeSample(t, parseArchive(data))
}

// badSample writes testdata/bad/NAME.toml as pyproject.toml, with the files
// of NAME.txtar if there is one.
func badSample(t *testing.T, toml string) sample {
	t.Helper()
	data, err := os.ReadFile(toml)
	if err != nil {
		t.Fatal(err)
	}
	ar := &archive{}
	if extra, err := os.ReadFile(strings.TrimSuffix(toml, ".toml") + ".txtar"); err == nil {
		ar = parseArchive(extra)
	}
	ar.Files = append(ar.Files, archiveFile{Name: "pyproject.toml", Data: data})
	return writeSample(t, ar)
}

func samples(t *testing.T, dir, ext string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*"+ext))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return files
}

// TestBad loads every testdata/bad/NAME.toml (with the files of
// NAME.txtar, if any) and compares the rendered errors with NAME.golden.
func TestBad(t *testing.T) {
	files := samples(t, "bad", ".toml")
	if len(files) == 0 {
		t.Fatal("no bad samples")
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".toml")
		t.Run(name, func(t *testing.T) {
			s := badSample(t, f)
			abs, _ := filepath.Abs(strings.TrimSuffix(f, ".toml") + ".golden")
			p, err := loadIn(t, s.dir, s.opts)
			if err == nil {
				t.Fatalf("Load succeeded, want errors (metadata:\n%s)", p.Metadata.Bytes())
			}
			got := strings.ReplaceAll(render(err), s.dir, "$ROOT")
			testutil.Golden(t, abs, []byte(got))
		})
	}
}

// TestGood loads every testdata/good/NAME.txtar and compares the METADATA
// with NAME.METADATA and the other resolved fields with NAME.project.
func TestGood(t *testing.T) {
	files := samples(t, "good", ".txtar")
	if len(files) == 0 {
		t.Fatal("no good samples")
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txtar")
		t.Run(name, func(t *testing.T) {
			s := goodSample(t, f)
			base, _ := filepath.Abs(strings.TrimSuffix(f, ".txtar"))
			p, err := loadIn(t, s.dir, s.opts)
			if err != nil {
				t.Fatalf("Load failed:\n%s", render(err))
			}
			testutil.Golden(t, base+".METADATA", p.Metadata.Bytes())
			testutil.Golden(t, base+".project", []byte(strings.ReplaceAll(describe(p), s.dir, "$ROOT")))
		})
	}
}

// describe lists the resolved Project fields other than Metadata.
func describe(p *Project) string {
	var b strings.Builder
	w := func(k string, v any) { fmt.Fprintf(&b, "%s: %v\n", k, v) }
	w("profile", p.Profile.Name)
	w("name", p.Name)
	w("version", p.Version)
	if p.Module != nil {
		rel := func(s string) string {
			r, err := filepath.Rel(p.Root, s)
			if err != nil {
				return s
			}
			return filepath.ToSlash(r)
		}
		w("module", fmt.Sprintf("%s path=%s source=%s package=%v stubs=%v", p.Module.Name, rel(p.Module.Path), rel(p.Module.SourceDir), p.Module.IsPackage, p.Module.IsStubs))
	}
	w("dynamic", p.Dynamic)
	w("needs-import", p.NeedsImport)
	w("readme", p.ReadmeFile)
	w("license-files", p.LicenseFiles)
	for _, g := range slices.Sorted(maps.Keys(p.EntryPoints)) {
		for _, k := range slices.Sorted(maps.Keys(p.EntryPoints[g])) {
			w("entry-point", g+" "+k+"="+p.EntryPoints[g][k])
		}
	}
	w("dependencies", p.Dependencies)
	for _, e := range slices.Sorted(maps.Keys(p.OptionalDeps)) {
		w("extra "+e, p.OptionalDeps[e])
	}
	w("sdist-table", p.HasSdistTable)
	w("sdist-include", p.SdistInclude)
	w("sdist-exclude", p.SdistExclude)
	w("external-data", p.ExternalDataDir)
	w("build-requires", p.BuildRequires)
	w("build-backend", p.BuildBackend)
	for _, d := range p.Warnings {
		w("warning", d.Error())
	}
	return b.String()
}

func TestLoadMissingFile(t *testing.T) {
	_, err := loadIn(t, t.TempDir(), Options{})
	var e *diag.Error
	if !errors.As(err, &e) || len(e.List) != 1 || e.List[0].File != "pyproject.toml" {
		t.Fatalf("got %v", err)
	}
}

// archive is a txtar archive (golang.org/x/tools/txtar format: a comment,
// then files introduced by "-- name --" lines). The module cannot use
// x/tools, and go-internal's txtar depends on it.
type archive struct {
	Comment []byte
	Files   []archiveFile
}

type archiveFile struct {
	Name string
	Data []byte
}

func parseArchive(data []byte) *archive {
	a := &archive{}
	var cur *archiveFile
	for _, line := range strings.SplitAfter(string(data), "\n") {
		trim := strings.TrimRight(line, "\r\n")
		if strings.HasPrefix(trim, "-- ") && strings.HasSuffix(trim, " --") && len(trim) > 6 {
			a.Files = append(a.Files, archiveFile{Name: strings.TrimSpace(trim[3 : len(trim)-3])})
			cur = &a.Files[len(a.Files)-1]
			continue
		}
		if cur == nil {
			a.Comment = append(a.Comment, line...)
		} else {
			cur.Data = append(cur.Data, line...)
		}
	}
	return a
}
