package wheel

import (
	"archive/zip"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"goflit/archive"
	"goflit/pyproject"
)

func project(t *testing.T, pyproject_ string, files map[string]string) *pyproject.Project {
	t.Helper()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "pyproject.toml"), []byte(pyproject_), 0o644)
	for n, c := range files {
		p := filepath.Join(dir, filepath.FromSlash(n))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(c), 0o644)
	}
	p, err := pyproject.Load(filepath.Join(dir, "pyproject.toml"), pyproject.Options{NoImport: true})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func readZip(t *testing.T, path string) map[string]string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := map[string]string{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		out[f.Name] = string(b)
	}
	return out
}

func TestSupportsPy2(t *testing.T) {
	for rp, want := range map[string]bool{
		"": true, ">2.7": true, "3": false, ">= 3.7": false, "<4, > 3.2": false, "~=2.7": true,
		"<4": true, "!=3.0.*": true, ">=10": true, "~=3.8": false, "==3.11.*": false, "===3.11": false,
		">=2.7, !=3.0.*": true, " >=3": false,
	} {
		if got := SupportsPy2(rp); got != want {
			t.Errorf("SupportsPy2(%q) = %v, want %v", rp, got, want)
		}
	}
}

func TestRecordFile(t *testing.T) {
	rows := []Record{{"a,b,c.bin", "sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU", "0"}, {`q"uote`, "sha256=x", "1"}, {"x.dist-info/RECORD", "", ""}}
	got := string(RecordFile(rows, true))
	want := "\"a,b,c.bin\",sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0\r\n\"q\"\"uote\",sha256=x,1\r\nx.dist-info/RECORD,,\r\n"
	if got != want {
		t.Errorf("RecordFile(crlf) = %q, want %q", got, want)
	}
	recs, err := csv.NewReader(strings.NewReader(got)).ReadAll()
	if err != nil || recs[0][0] != "a,b,c.bin" || recs[1][0] != `q"uote` {
		t.Errorf("csv reads back %q, %v", recs, err)
	}
	if got := string(RecordFile(rows[2:], false)); got != "x.dist-info/RECORD,,\n" {
		t.Errorf("RecordFile(lf) = %q", got)
	}
}

func TestWheelFileTags(t *testing.T) {
	p := &pyproject.Project{Profile: pyproject.Flit4}
	p.Metadata.RequiresPython = ">=3.8"
	if got := string(WheelFile(p, Options{})); got != "Wheel-Version: 1.0\nGenerator: "+pyproject.Flit4.Generator+"\nRoot-Is-Purelib: true\nTag: py3-none-any\n" {
		t.Errorf("WHEEL = %q", got)
	}
	f := false
	got := string(WheelFile(p, Options{Tag: "cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64", Purelib: &f}))
	if !strings.Contains(got, "Root-Is-Purelib: false\nTag: cp311-cp311-manylinux_2_17_x86_64\nTag: cp311-cp311-manylinux2014_x86_64\n") {
		t.Errorf("WHEEL with a platform tag = %q", got)
	}
	p.Metadata.RequiresPython = ""
	if got := string(WheelFile(p, Options{})); !strings.HasSuffix(got, "Tag: py2-none-any\nTag: py3-none-any\n") {
		t.Errorf("py2.py3 WHEEL = %q", got)
	}
}

func TestEntryPointsFile(t *testing.T) {
	got := string(EntryPointsFile(map[string]map[string]string{
		"console_scripts": {"b": "m:b", "a": "m:a"},
		"a.group":         {"x": "m:x"},
	}))
	want := "[a.group]\nx=m:x\n\n[console_scripts]\na=m:a\nb=m:b\n\n"
	if got != want {
		t.Errorf("entry_points.txt = %q, want %q", got, want)
	}
	if EntryPointsFile(nil) != nil {
		t.Error("no entry points should give no file")
	}
}

const nsProject = `[project]
name = "ns1.pkg"
version = "1.0"
description = "x"
requires-python = ">=3.8"
[project.scripts]
tool = "ns1.pkg:main"
[tool.flit.module]
name = "ns1.pkg"
`

// The editable wheel holds <module>.pth with the absolute source dir, no
// trailing newline, plus the metadata files; no module files.
func TestEditable(t *testing.T) {
	p := project(t, nsProject, map[string]string{"src/ns1/pkg/__init__.py": "", "src/ns1/pkg/m.py": ""})
	out := t.TempDir()
	name, err := Build(p, out, Options{Editable: true, SourceDateEpoch: "1700000000"})
	if err != nil {
		t.Fatal(err)
	}
	if name != "ns1_pkg-1.0-py3-none-any.whl" {
		t.Errorf("name %q", name)
	}
	files := readZip(t, filepath.Join(out, name))
	src, _ := filepath.EvalSymlinks(filepath.Join(p.Root, "src"))
	if got := files["ns1.pkg.pth"]; got != src {
		t.Errorf(".pth = %q, want %q", got, src)
	}
	var names []string
	for n := range files {
		names = append(names, n)
	}
	if strings.Contains(strings.Join(names, " "), "m.py") {
		t.Errorf("editable wheel ships module files: %v", names)
	}
	if _, ok := files["ns1_pkg-1.0.dist-info/entry_points.txt"]; !ok {
		t.Errorf("editable wheel lacks entry_points.txt: %v", names)
	}
	fi, _ := os.Stat(filepath.Join(out, name))
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("wheel file mode %o", fi.Mode().Perm())
	}
	if left, _ := filepath.Glob(filepath.Join(out, ".goflit-*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestPrepareMetadata(t *testing.T) {
	p := project(t, nsProject, map[string]string{"ns1/pkg/__init__.py": ""})
	dir := t.TempDir()
	name, err := PrepareMetadata(p, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if name != "ns1_pkg-1.0.dist-info" {
		t.Errorf("name %q", name)
	}
	ents, _ := os.ReadDir(filepath.Join(dir, name))
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if strings.Join(got, " ") != "METADATA WHEEL entry_points.txt" {
		t.Errorf("files %v", got)
	}
	md, _ := os.ReadFile(filepath.Join(dir, name, "METADATA"))
	if string(md) != string(p.Metadata.Bytes()) {
		t.Errorf("METADATA differs from the model")
	}
}

// A failing build (a module file vanishing) leaves nothing in outDir.
func TestBuildFailureLeavesNothing(t *testing.T) {
	p := project(t, "[project]\nname = \"gone\"\nversion = \"1\"\ndescription = \"x\"\n", map[string]string{"gone/__init__.py": ""})
	out := t.TempDir()
	_, err := Build(p, out, Options{ExtraFiles: []File{{ArchivePath: "gone/ext.so", DiskPath: filepath.Join(p.Root, "missing.so")}}})
	if err == nil {
		t.Fatal("build succeeded")
	}
	if ents, _ := os.ReadDir(out); len(ents) != 0 {
		t.Errorf("outDir not empty after a failure: %v", ents)
	}
}

// A SOURCE_DATE_EPOCH that is not an integer fails the wheel with the
// sdist's error (it used to be ignored with a warning), leaving nothing.
func TestBadSourceDateEpoch(t *testing.T) {
	p := project(t, "[project]\nname = \"sde\"\nversion = \"1\"\ndescription = \"x\"\n", map[string]string{"sde.py": ""})
	out := t.TempDir()
	_, err := Build(p, out, Options{SourceDateEpoch: "now"})
	if want := `SOURCE_DATE_EPOCH="now": must be an integer number of seconds (unset it or fix its value)`; err == nil || err.Error() != want {
		t.Fatalf("err = %v; want %s", err, want)
	}
	if ents, _ := os.ReadDir(out); len(ents) != 0 {
		t.Errorf("outDir not empty after a failure: %v", ents)
	}
}

// ExtraFiles come after the module files, Exclude drops module files, and a
// Listing sink sees the same entries as the zip.
func TestExtraFilesAndExclude(t *testing.T) {
	p := project(t, "[project]\nname = \"ext\"\nversion = \"1\"\ndescription = \"x\"\nrequires-python = \">=3.8\"\n",
		map[string]string{"ext/__init__.py": "", "ext/_speed.c": "int x;", "build/_speed.so": "ELF"})
	var l archive.Listing
	err := WriteTo(p, &l, Options{
		SourceDateEpoch: "1700000000",
		ExtraFiles:      []File{{ArchivePath: "ext/_speed.so", DiskPath: filepath.Join(p.Root, "build/_speed.so"), Executable: true}},
		Exclude:         func(rel string) bool { return strings.HasSuffix(rel, ".c") },
		Tag:             "cp311-cp311-linux_x86_64",
	})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, line := range strings.Split(strings.TrimSpace(l.String()), "\n") {
		f := strings.Fields(line)
		names = append(names, f[0]+" "+f[len(f)-1])
	}
	want := "0100644 ext/__init__.py,0100755 ext/_speed.so,0100644 ext-1.dist-info/WHEEL,0100644 ext-1.dist-info/METADATA,0100644 ext-1.dist-info/RECORD"
	if got := strings.Join(names, ","); got != want {
		t.Errorf("entries\n got %s\nwant %s", got, want)
	}
	if Filename(p, Options{Tag: "cp311-cp311-linux_x86_64"}) != "ext-1-cp311-cp311-linux_x86_64.whl" {
		t.Error("Filename ignores Tag")
	}
}
