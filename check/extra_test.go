package check

import (
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"

	"goflit/check/checktest"
	"goflit/internal/testutil"
)

func TestBuiltinRST(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"fine", "Title\n=====\n\nSome *emphasis* and **strong** and ``code``.\n", nil},
		{"short underline", "Long title\n====\n\ntext\n", []string{"line 2: Warning: Title underline too short."}},
		{"unclosed emphasis", "para with *open\n\nnext\n", []string{"line 1: Warning: Inline emphasis start-string without end-string."}},
		{"unclosed literal", "a ``b\n", []string{"line 1: Warning: Inline literal start-string without end-string."}},
		{"literal block ignored", "Example::\n\n    *not markup\n\nafter\n", nil},
		{"unknown directive", ".. frob:: x\n", []string{`line 1: Error: Unknown directive type "frob".`}},
		{"known directive", ".. note::\n\n   *body*\n", nil},
		{"math star", "2 * 3 = 6\n", nil},
		{"link", "`Go <https://go.dev>`_ rocks\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := BuiltinRST(tt.text)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// The built-in check agrees with docutils on the cases it claims to catch.
func TestBuiltinRSTAgreesWithDocutils(t *testing.T) {
	py := testutil.PythonWith(t, "docutils")
	doc := DocutilsRST(py)
	for _, text := range []string{"Long title\n====\n\ntext\n", "para with *open\n\nnext\n", ".. frob:: x\n", "Fine\n====\n\n*ok*\n"} {
		a, _ := BuiltinRST(text)
		b, err := doc(text)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%q: builtin %q, docutils %q", text, a, b)
		}
	}
}

// Artifacts built by Debian's flit_core pass.
func TestRealFlitArtifacts(t *testing.T) {
	py := testutil.PythonWith(t, "flit_core", "build")
	dir := t.TempDir()
	files := map[string]string{
		"pyproject.toml": "[build-system]\nrequires = [\"flit_core >=3.2,<4\"]\nbuild-backend = \"flit_core.buildapi\"\n\n" +
			"[project]\nname = \"realpkg\"\nauthors = [{name = \"Ada\", email = \"ada@example.com\"}]\nreadme = \"README.rst\"\n" +
			"requires-python = \">=3.8\"\ndependencies = [\"requests >=2\"]\ndynamic = [\"version\", \"description\"]\n" +
			"[project.urls]\nSource = \"https://example.com/real\"\n[project.scripts]\nreal = \"realpkg:main\"\n",
		"README.rst":          "Real\n====\n\nA *real* package.\n",
		"realpkg/__init__.py": "\"\"\"A real package\"\"\"\n__version__ = \"1.2.0\"\ndef main(): pass\n",
	}
	for n, c := range files {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(n)), 0o755)
		os.WriteFile(filepath.Join(dir, n), []byte(c), 0o644)
	}
	cmd := exec.Command(py, "-m", "build", "--no-isolation", "--outdir", "dist", ".")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	paths, _ := filepath.Glob(filepath.Join(dir, "dist", "*"))
	if len(paths) != 2 {
		t.Fatalf("expected wheel and sdist, got %v", paths)
	}
	if list := Files(paths, Options{RST: DocutilsRST(py)}); len(list) != 0 {
		t.Errorf("flit_core's artifacts reported:\n%v", list.Err())
	}
}

func FuzzCheckZip(f *testing.F) {
	f.Add(checktest.Wheel{Name: "pkg", Version: "1.0"}.Bytes())
	f.Add(checktest.Wheel{Name: "pkg", Version: "1.0", Comment: "c"}.Bytes())
	f.Add([]byte("PK\x05\x06" + string(make([]byte, 18))))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkZip(bytes.NewReader(data), int64(len(data)))
	})
}

func FuzzParseRecord(f *testing.F) {
	f.Add([]byte("a.py,sha256=x,1\n\"b,c\",,\n"))
	f.Fuzz(func(t *testing.T, data []byte) { parseRecord(data) })
}

func FuzzBuiltinRST(f *testing.F) {
	f.Add("Title\n===\n\n*a* ``b`` `c`_\n\n.. x::\n")
	f.Fuzz(func(t *testing.T, s string) { BuiltinRST(s) })
}

func FuzzRequirement(f *testing.F) {
	f.Add("requests[socks] (>=2.0,<3); python_version > '3.8'")
	f.Add("x @ https://a/b")
	f.Fuzz(func(t *testing.T, s string) {
		parseRequirement(s)
		parseWheelFilename(s)
		validSpecifiers(s)
	})
}

func FuzzEntryPoints(f *testing.F) {
	f.Add([]byte("[console_scripts]\na = b.c:d [x]\n"))
	f.Fuzz(func(t *testing.T, data []byte) { checkEntryPoints(data) })
}

// TestCheckZipZip64Overflow: zip64 offsets and sizes near 2^63 must not overflow
// the range checks into a huge allocation; the archive is refused instead.
func TestCheckZipZip64Overflow(t *testing.T) {
	le := binary.LittleEndian
	e64 := make([]byte, 56)
	le.PutUint32(e64, 0x06064b50)
	le.PutUint64(e64[32:], 1)
	le.PutUint64(e64[40:], 1<<62) // central directory size
	le.PutUint64(e64[48:], 1<<62) // central directory offset: sum overflows int64
	loc := make([]byte, 20)
	le.PutUint32(loc, 0x07064b50)
	le.PutUint64(loc[8:], 0) // zip64 end record at offset 0
	end := make([]byte, 22)
	le.PutUint32(end, 0x06054b50)
	le.PutUint16(end[10:], 0xffff)
	le.PutUint32(end[12:], 0xffffffff)
	le.PutUint32(end[16:], 0xffffffff)
	data := append(append(e64, loc...), end...)
	entries, probs := checkZip(bytes.NewReader(data), int64(len(data)))
	want := []string{"ZIP archive not accepted: the central directory lies outside the file"}
	if entries != nil || !reflect.DeepEqual(probs, want) {
		t.Errorf("checkZip = %v, %q; want nil, %q", entries, probs, want)
	}
}

// `flit check dist` (a directory) says what to name instead.
func TestOpenDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "dist")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := Open(dir)
	want := dir + ": is a directory: name the wheels and sdists in it (e.g. " + filepath.Join(dir, "*") + ")"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
}
