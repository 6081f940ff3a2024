package archive

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"goflit/internal/testutil"
)

type tcase struct {
	Name     string  `json:"name"`
	Mode     uint32  `json:"mode"`
	Mtime    float64 `json:"mtime"`
	Float    bool    `json:"float"`
	Data     string  `json:"data"`
	Linkname string  `json:"linkname"`
}

var tarCases = []tcase{
	{Name: "pkg-1.0/pyproject.toml", Mode: 0o644, Mtime: 1700000000, Data: "[project]\n"},
	{Name: "pkg-1.0/bin/run", Mode: 0o755, Mtime: 1700000001, Data: "#!/bin/sh\n"},
	{Name: "pkg-1.0/" + strings.Repeat("long/", 25) + "x.py", Mode: 0o644, Mtime: 1700000000, Data: "x = 1\n"},
	{Name: "pkg-1.0/donn\u00e9es/\u00e9t\u00e9.txt", Mode: 0o644, Mtime: 1700000000, Data: "\u00e9"},
	{Name: "pkg-1.0/float.py", Mode: 0o644, Mtime: 1700000000.123456789, Float: true, Data: strings.Repeat("a", 513)},
	{Name: "pkg-1.0/floatwhole.py", Mode: 0o644, Mtime: 1700000000, Float: true, Data: ""},
	{Name: "pkg-1.0/half.py", Mode: 0o644, Mtime: 1700000000.5, Float: true, Data: "h"},
	{Name: "pkg-1.0/link", Mode: 0o755, Mtime: 1700000000, Linkname: "bin/run"},
	{Name: "pkg-1.0/setuid", Mode: 0o4755, Mtime: 1700000000, Data: "s"},
	{Name: "pkg-1.0/PKG-INFO", Mode: 0o644, Mtime: 0, Data: "Metadata-Version: 2.5\n"},
}

func entryFor(c tcase) *Entry {
	sec := int64(c.Mtime)
	ns := int64((c.Mtime - float64(sec)) * 1e9)
	return &Entry{Name: c.Name, Mode: c.Mode, ModTime: time.Unix(sec, ns), FloatTime: c.Float, Data: []byte(c.Data), Linkname: c.Linkname}
}

// Python's tarfile writes the same entries; the bytes must be identical.
func TestTarMatchesPythonTarfile(t *testing.T) {
	py := testutil.PythonWith(t)
	var buf bytes.Buffer
	w := NewTar(&buf, true)
	for _, c := range tarCases {
		e := entryFor(c)
		if c.Float {
			// Python's float is what its st_mtime would be; hand it the
			// exact double our writer uses.
			c.Mtime = float64(e.ModTime.Unix()) + float64(e.ModTime.Nanosecond())*1e-9
		}
		if err := w.Add(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	cases := make([]tcase, len(tarCases))
	for i, c := range tarCases {
		e := entryFor(c)
		if c.Float {
			c.Mtime = float64(e.ModTime.Unix()) + float64(e.ModTime.Nanosecond())*1e-9
		}
		cases[i] = c
	}
	js, _ := json.Marshal(cases)
	script := `
import sys, json, tarfile, io
cases = json.loads(sys.stdin.read())
out = io.BytesIO()
tf = tarfile.TarFile(fileobj=out, mode='w', format=tarfile.PAX_FORMAT)
for c in cases:
    ti = tarfile.TarInfo(c['name'])
    ti.mode = c['mode']
    ti.mtime = float(c["mtime"]) if c["float"] else int(c["mtime"])
    ti.uid = ti.gid = 0
    ti.uname = ti.gname = ''
    if c['linkname']:
        ti.type = tarfile.SYMTYPE
        ti.linkname = c['linkname']
        tf.addfile(ti)
    else:
        data = c['data'].encode()
        ti.size = len(data)
        tf.addfile(ti, io.BytesIO(data))
tf.close()
sys.stdout.buffer.write(out.getvalue())
`
	cmd := exec.Command(py, "-c", script)
	cmd.Stdin = bytes.NewReader(js)
	want, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v", err)
	}
	got := buf.Bytes()
	if !bytes.Equal(got, want) {
		for i := 0; i < min(len(got), len(want)); i += 512 {
			g, w := got[i:min(i+512, len(got))], want[i:min(i+512, len(want))]
			if !bytes.Equal(g, w) {
				t.Fatalf("tar differs from Python's at block %d (len %d vs %d):\n got %q\nwant %q", i/512, len(got), len(want), g, w)
			}
		}
		t.Fatalf("tar length %d, Python's %d", len(got), len(want))
	}
}

// The gzip layer: Python's header fields, and the stream (several parallel
// blocks) decompresses to exactly the tar bytes.
func TestTarGzHeaderAndContent(t *testing.T) {
	big := make([]byte, 3*gzBlockSize+12345)
	rand.New(rand.NewSource(1)).Read(big[:len(big)/2])
	for i := len(big) / 2; i < len(big); i++ {
		big[i] = "abcdefgh\n"[i%9]
	}
	dir := t.TempDir()
	bigPath := filepath.Join(dir, "big.bin")
	if err := os.WriteFile(bigPath, big, 0o644); err != nil {
		t.Fatal(err)
	}
	mk := func(w io.Writer, gz bool) {
		var s Writer
		if gz {
			s = NewTarGz(w, TarOptions{GzipName: "x-1.0.tar", GzipTime: 1451606400, Hash: true})
		} else {
			s = NewTar(w, true)
		}
		for _, e := range []*Entry{
			{Name: "x-1.0/a.txt", Mode: 0o644, ModTime: time.Unix(1700000000, 0), Data: []byte("hello\n")},
			{Name: "x-1.0/big.bin", Mode: 0o100755, ModTime: time.Unix(1700000000, 0), Path: bigPath},
		} {
			if err := s.Add(e); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	var plain, gz bytes.Buffer
	mk(&plain, false)
	mk(&gz, true)
	hdr := gz.Bytes()[:10]
	if want := []byte{0x1f, 0x8b, 8, 8, 0x80, 0xc1, 0x85, 0x56, 2, 255}; !bytes.Equal(hdr, want) {
		t.Errorf("gzip header % x, want % x", hdr, want)
	}
	if name := gz.Bytes()[10:20]; string(name) != "x-1.0.tar\x00" {
		t.Errorf("gzip FNAME %q", name)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	zr.Multistream(false)
	got, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, plain.Bytes()) {
		t.Fatalf("decompressed tar.gz differs from plain tar (%d vs %d bytes)", len(got), plain.Len())
	}
	if len(got)%recordSize != 0 {
		t.Errorf("tar length %d not a multiple of %d", len(got), recordSize)
	}
	tr := tar.NewReader(bytes.NewReader(got))
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, fmt.Sprintf("%s %o %d", h.Name, h.Mode, h.Size))
	}
	if want := "x-1.0/a.txt 644 6,x-1.0/big.bin 755 " + fmt.Sprint(len(big)); strings.Join(names, ",") != want {
		t.Errorf("members %q, want %q", names, want)
	}
}

// Python's zipfile reads our zip and sees flit's header fields for every entry.
func TestZipMatchesPythonFields(t *testing.T) {
	py := testutil.PythonWith(t)
	dir := t.TempDir()
	big := bytes.Repeat([]byte("some text that compresses\n"), 400000) // > SpillSize
	bigPath := filepath.Join(dir, "big.txt")
	if err := os.WriteFile(bigPath, big, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "x.whl")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	z := NewZip(f, ZipOptions{SpillSize: 1 << 20, TempDir: dir})
	ts := time.Date(2021, 9, 30, 13, 18, 3, 0, time.UTC)
	entries := []*Entry{
		{Name: "pkg/__init__.py", Mode: 0o100644, ModTime: ts, Data: []byte("\"\"\"Doc.\"\"\"\n")},
		{Name: "pkg/run.sh", Mode: 0o100755, ModTime: ts, Data: []byte("#!/bin/sh\n")},
		{Name: "pkg/big.txt", Mode: 0o100644, ModTime: ts, Path: bigPath},
		{Name: "pkg/\u00e9t\u00e9.txt", Mode: 0o100644, ModTime: time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), Data: nil},
		{Name: "pkg-1.0.dist-info/WHEEL", Mode: 0o644, ModTime: GeneratedTime, Data: []byte("Wheel-Version: 1.0\n")},
	}
	for _, e := range entries {
		if err := z.Add(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := z.Sync(); err != nil {
		t.Fatal(err)
	}
	if entries[2].Size != int64(len(big)) {
		t.Errorf("Size after Sync = %d", entries[2].Size)
	}
	if got := entries[3].Hash(); got != "sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU" {
		t.Errorf("empty entry hash %s", got)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	script := `
import sys, zipfile, hashlib
with zipfile.ZipFile(sys.argv[1]) as z:
    assert z.testzip() is None
    for i in z.infolist():
        print(i.filename, oct(i.external_attr >> 16), i.date_time, i.flag_bits, i.create_system, i.create_version,
              i.extract_version, i.compress_type, i.file_size, repr(i.extra), repr(i.comment), hashlib.sha256(z.read(i)).hexdigest()[:12])
`
	got, err := exec.Command(py, "-c", script, out).CombinedOutput()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, got)
	}
	testutil.Golden(t, "testdata/zip_fields.txt", got)
	if leftovers, _ := filepath.Glob(filepath.Join(dir, "goflit-zip-*")); len(leftovers) > 0 {
		t.Errorf("spill files left behind: %v", leftovers)
	}
}

func TestZipErrorsAreReported(t *testing.T) {
	var buf bytes.Buffer
	z := NewZip(&buf, ZipOptions{})
	// The error comes from Add (small entries are written at once) or at the
	// latest from Close, and names the file.
	err := z.Add(&Entry{Name: "a", Path: filepath.Join(t.TempDir(), "missing")})
	if cerr := z.Close(); err == nil {
		err = cerr
	}
	if err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("error = %v, want one naming the missing file", err)
	}
}

func TestNormalizeMode(t *testing.T) {
	for _, c := range []struct{ in, want uint32 }{
		{0o100664, 0o100644}, {0o40775, 0o40755}, {0o100600, 0o100644}, {0o100700, 0o100755},
		{0o100744, 0o100755}, {0o100611, 0o100644}, {0o104755, 0o104755}, {0o120777, 0o120755},
	} {
		if got := NormalizeMode(c.in); got != c.want {
			t.Errorf("NormalizeMode(%o) = %o, want %o", c.in, got, c.want)
		}
	}
}

func TestDOSTime(t *testing.T) {
	for _, c := range []struct {
		t          time.Time
		date, time uint16
	}{
		{time.Date(1979, 12, 31, 23, 59, 59, 0, time.UTC), 0x21, 0},
		{time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC), 0x21, 0},
		{time.Date(2021, 9, 30, 13, 18, 3, 0, time.UTC), 41<<9 | 9<<5 | 30, 13<<11 | 18<<5 | 1},
	} {
		d, tm := DOSTime(c.t)
		if d != c.date || tm != c.time {
			t.Errorf("DOSTime(%v) = %#x %#x, want %#x %#x", c.t, d, tm, c.date, c.time)
		}
	}
}

// FuzzTarHeader: any name, link and time round-trips through Go's tar reader.
func FuzzTarHeader(f *testing.F) {
	f.Add("pkg/a.py", "", int64(1700000000), int32(0), false)
	f.Add(strings.Repeat("d/", 80)+"\u00e9.py", "t\u00e9", int64(-5), int32(999999999), true)
	f.Fuzz(func(t *testing.T, name, link string, sec int64, nsec int32, float bool) {
		if name == "" || strings.ContainsRune(name, 0) || strings.ContainsRune(link, 0) || !isValidUTF8(name+link) {
			return
		}
		if sec < -1<<40 || sec > 1<<40 || nsec < 0 || nsec >= 1e9 {
			return
		}
		e := &Entry{Name: name, Mode: 0o644, ModTime: time.Unix(sec, int64(nsec)), FloatTime: float, Linkname: link, Data: []byte("x")}
		var buf bytes.Buffer
		w := NewTar(&buf, false)
		if err := w.Add(e); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if buf.Len()%recordSize != 0 {
			t.Fatalf("length %d", buf.Len())
		}
		h, err := tar.NewReader(&buf).Next()
		if err != nil {
			t.Fatalf("reading back %q: %v", name, err)
		}
		if h.Name != name || h.Linkname != link {
			t.Fatalf("name %q link %q read back as %q %q", name, link, h.Name, h.Linkname)
		}
		if !float && h.ModTime.Unix() != sec {
			t.Fatalf("mtime %d read back as %d", sec, h.ModTime.Unix())
		}
	})
}

func isValidUTF8(s string) bool { return strings.ToValidUTF8(s, "\ufffd") == s }

func benchEntries(b testing.TB) ([]*Entry, int64) {
	rnd := rand.New(rand.NewSource(42))
	words := []string{"def", "return", "self", "value", "import", "class", "for", "in", "x"}
	var es []*Entry
	var total int64
	for i := 0; i < 400; i++ {
		var sb strings.Builder
		for sb.Len() < 16<<10 {
			sb.WriteString(words[rnd.Intn(len(words))] + " ")
		}
		data := []byte(sb.String())
		if i%5 == 4 {
			rnd.Read(data)
		}
		total += int64(len(data))
		es = append(es, &Entry{Name: fmt.Sprintf("pkg/sub%02d/mod%d.py", i%50, i), Mode: 0o644, ModTime: GeneratedTime, Data: data})
	}
	return es, total
}

func BenchmarkZip(b *testing.B) {
	es, total := benchEntries(b)
	b.SetBytes(total)
	for b.Loop() {
		z := NewZip(io.Discard, ZipOptions{})
		for _, e := range es {
			_ = z.Add(e)
		}
		if err := z.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTarGz(b *testing.B) {
	es, total := benchEntries(b)
	b.SetBytes(total)
	for b.Loop() {
		w := NewTarGz(io.Discard, TarOptions{GzipName: "x.tar"})
		for _, e := range es {
			_ = w.Add(e)
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// The bytes do not depend on the number of workers or on which entries
// were written inline before the writer went parallel.
func TestOutputIndependentOfParallelism(t *testing.T) {
	es, _ := benchEntries(t)
	build := func(workers int, zipped bool) []byte {
		var buf bytes.Buffer
		var w Writer
		if zipped {
			w = NewZip(&buf, ZipOptions{Workers: workers})
		} else {
			w = NewTarGz(&buf, TarOptions{Workers: workers, GzipName: "x.tar"})
		}
		for _, e := range es {
			c := *e
			if err := w.Add(&c); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	for _, zipped := range []bool{true, false} {
		a, b := build(1, zipped), build(3, zipped)
		if !bytes.Equal(a, b) {
			t.Errorf("zip=%v: output differs between 1 and 3 workers", zipped)
		}
	}
}

// TestZipAfterTarGz: the flate writers are pooled and shared by both sinks.
// The tar.gz primes each block with the previous block's tail (ResetDict);
// a zip written afterwards in the same process (flit build writes the sdist,
// then the wheel) must not inherit that dictionary, or its entries refer
// back into data a reader never saw ("invalid distance too far back").
func TestZipAfterTarGz(t *testing.T) {
	text := make([]byte, 3*gzBlockSize)
	for i := range text {
		text[i] = "def f(x):\n    return x + 1\n"[i%27]
	}
	for round := 0; round < 3; round++ {
		tg := NewTarGz(io.Discard, TarOptions{Workers: 4})
		if err := tg.Add(&Entry{Name: "p-1.0/big.py", Mode: 0o644, ModTime: time.Unix(1700000000, 0), Data: text}); err != nil {
			t.Fatal(err)
		}
		if err := tg.Close(); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		z := NewZip(&out, ZipOptions{Workers: 4})
		for i := 0; i < 8; i++ {
			data := text[i*1000 : i*1000+50000] // content the tar.gz tails also hold
			if err := z.Add(&Entry{Name: fmt.Sprintf("p/m%d.py", i), Mode: 0o644, ModTime: time.Unix(1700000000, 0), Data: data}); err != nil {
				t.Fatal(err)
			}
		}
		if err := z.Close(); err != nil {
			t.Fatal(err)
		}
		zr, err := zip.NewReader(bytes.NewReader(out.Bytes()), int64(out.Len()))
		if err != nil {
			t.Fatal(err)
		}
		for i, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(rc)
			if err != nil || !bytes.Equal(got, text[i*1000:i*1000+50000]) {
				t.Fatalf("round %d: %s does not read back (%v)", round, f.Name, err)
			}
		}
	}
}
