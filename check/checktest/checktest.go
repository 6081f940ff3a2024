// Package checktest makes small wheels and sdists for tests, correct by
// default and easy to break on purpose: the defective artifacts `flit check`
// and the index server are tested with.
package checktest

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Stored is the Entry.Method value that asks for no compression (0 means
// the default, deflate).
const Stored = 0xffff

// Entry is one archive member.
type Entry struct {
	Name   string
	Data   string
	Method uint16 // zip: 0 = deflate, Stored, or any other method id written raw
}

// Metadata returns a core metadata file: Metadata-Version 2.1, Name,
// Version, the given extra header lines, and body as the description
// (text/markdown unless a header sets Description-Content-Type).
func Metadata(name, version, body string, headers ...string) string {
	var b strings.Builder
	mv := "2.1"
	var rest []string
	hasDCT := false
	for _, h := range headers {
		if v, ok := strings.CutPrefix(h, "Metadata-Version: "); ok {
			mv = v
			continue
		}
		if strings.HasPrefix(h, "Description-Content-Type:") {
			hasDCT = true
		}
		rest = append(rest, h)
	}
	fmt.Fprintf(&b, "Metadata-Version: %s\nName: %s\nVersion: %s\nSummary: A test package\n", mv, name, version)
	for _, h := range rest {
		b.WriteString(h + "\n")
	}
	if !hasDCT && body != "" {
		b.WriteString("Description-Content-Type: text/markdown\n")
	}
	if body != "" {
		b.WriteString("\n" + body + "\n")
	}
	return b.String()
}

// Wheel describes a wheel; the zero value plus Name and Version is valid.
type Wheel struct {
	Name, Version string // distribution name as in METADATA, version
	Filename      string // default {name_norm}-{version}-py3-none-any.whl
	DistInfo      string // default {name_norm}-{version}.dist-info
	Metadata      string // default Metadata(Name, Version, "# Test\n")
	WheelFile     string // default a valid WHEEL
	Files         []Entry
	Extra         []Entry // more .dist-info files (names relative to it)
	NoRecord      bool
	// EditRecord may change RECORD's rows ("path,hash,size") before writing.
	EditRecord func(rows []string) []string
	Comment    string // zip comment
	Trailing   string // bytes appended after the archive
}

func norm(name string) string {
	var b strings.Builder
	last := false
	for _, r := range strings.ToLower(name) {
		if r == '-' || r == '_' || r == '.' {
			if !last {
				b.WriteByte('_')
			}
			last = true
			continue
		}
		last = false
		b.WriteRune(r)
	}
	return b.String()
}

// FilenameOf returns the file name w will be written as.
func (w Wheel) FilenameOf() string {
	if w.Filename != "" {
		return w.Filename
	}
	return norm(w.Name) + "-" + w.Version + "-py3-none-any.whl"
}

func hashOf(data string) string {
	h := sha256.Sum256([]byte(data))
	return "sha256=" + base64.RawURLEncoding.EncodeToString(h[:])
}

// Bytes returns the wheel archive.
func (w Wheel) Bytes() []byte {
	di := w.DistInfo
	if di == "" {
		di = norm(w.Name) + "-" + w.Version + ".dist-info"
	}
	md := w.Metadata
	if md == "" {
		md = Metadata(w.Name, w.Version, "# Test\n")
	}
	wf := w.WheelFile
	if wf == "" {
		wf = "Wheel-Version: 1.0\nGenerator: checktest\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
	}
	files := append([]Entry{}, w.Files...)
	if len(files) == 0 {
		files = append(files, Entry{Name: norm(w.Name) + "/__init__.py", Data: "\"\"\"A test package\"\"\"\n__version__ = \"" + w.Version + "\"\n"})
	}
	for _, e := range w.Extra {
		files = append(files, Entry{Name: di + "/" + e.Name, Data: e.Data, Method: e.Method})
	}
	files = append(files, Entry{Name: di + "/WHEEL", Data: wf}, Entry{Name: di + "/METADATA", Data: md})
	var rows []string
	for _, f := range files {
		rows = append(rows, fmt.Sprintf("%s,%s,%d", csvQuote(f.Name), hashOf(f.Data), len(f.Data)))
	}
	rows = append(rows, di+"/RECORD,,")
	if w.EditRecord != nil {
		rows = w.EditRecord(rows)
	}
	if !w.NoRecord {
		files = append(files, Entry{Name: di + "/RECORD", Data: strings.Join(rows, "\n") + "\n"})
	}
	return zipBytes(files, w.Comment, w.Trailing)
}

func csvQuote(s string) string {
	if strings.ContainsAny(s, ",\"\n") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

var fixedTime = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

func zipBytes(files []Entry, comment, trailing string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		m := f.Method
		switch m {
		case 0:
			m = zip.Deflate
		case Stored:
			m = zip.Store
		}
		h := &zip.FileHeader{Name: f.Name, Method: m, Modified: fixedTime}
		h.SetMode(0o644)
		if m != zip.Store && m != zip.Deflate {
			// An unsupported method: write the raw bytes with that method id.
			h.CRC32 = 0
			h.CompressedSize64 = uint64(len(f.Data))
			h.UncompressedSize64 = uint64(len(f.Data))
			w, err := zw.CreateRaw(h)
			if err != nil {
				panic(err)
			}
			w.Write([]byte(f.Data))
			continue
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			panic(err)
		}
		w.Write([]byte(f.Data))
	}
	if comment != "" {
		zw.SetComment(comment)
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return append(buf.Bytes(), trailing...)
}

// ZipBytes returns a zip archive of files.
func ZipBytes(files []Entry) []byte { return zipBytes(files, "", "") }

// Sdist describes a .tar.gz sdist; Name and Version make a valid one.
type Sdist struct {
	Name, Version string
	Filename      string // default {name_norm}-{version}.tar.gz
	Top           string // default {name_norm}-{version}
	PKGInfo       string // default Metadata(Name, Version, "# Test\n")
	NoPKGInfo     bool
	Files         []Entry // relative to Top ("" Top: names are used as they are)
	Symlinks      []Entry // Name -> Data as link target
	Sparse        []string
}

// FilenameOf returns the file name s will be written as.
func (s Sdist) FilenameOf() string {
	if s.Filename != "" {
		return s.Filename
	}
	return norm(s.Name) + "-" + s.Version + ".tar.gz"
}

// Bytes returns the sdist archive.
func (s Sdist) Bytes() []byte {
	top := s.Top
	if top == "" {
		top = norm(s.Name) + "-" + s.Version
	}
	pkg := s.PKGInfo
	if pkg == "" {
		pkg = Metadata(s.Name, s.Version, "# Test\n")
	}
	var tb bytes.Buffer
	tw := tar.NewWriter(&tb)
	add := func(h *tar.Header, data string) {
		h.ModTime = fixedTime
		if h.Format == 0 {
			h.Format = tar.FormatPAX
		}
		if err := tw.WriteHeader(h); err != nil {
			panic(err)
		}
		tw.Write([]byte(data))
	}
	join := func(n string) string {
		if top == "-" {
			return n
		}
		return top + "/" + n
	}
	files := s.Files
	if len(files) == 0 {
		files = []Entry{{Name: norm(s.Name) + "/__init__.py", Data: "\"\"\"A test package\"\"\"\n"}, {Name: "pyproject.toml", Data: "[project]\n"}}
	}
	if !s.NoPKGInfo {
		files = append(files, Entry{Name: "PKG-INFO", Data: pkg})
	}
	for _, f := range files {
		add(&tar.Header{Name: join(f.Name), Mode: 0o644, Size: int64(len(f.Data)), Typeflag: tar.TypeReg}, f.Data)
	}
	for _, l := range s.Symlinks {
		add(&tar.Header{Name: join(l.Name), Mode: 0o777, Linkname: l.Data, Typeflag: tar.TypeSymlink}, "")
	}
	for _, sp := range s.Sparse {
		// archive/tar cannot write sparse members: write a GNU header and
		// turn it into an (empty) old-GNU sparse one.
		tw.Flush()
		at := tb.Len()
		add(&tar.Header{Name: join(sp), Mode: 0o644, Typeflag: tar.TypeReg, Format: tar.FormatGNU}, "")
		tw.Flush()
		hdr := tb.Bytes()[at : at+512]
		hdr[156] = tar.TypeGNUSparse
		copy(hdr[148:156], "        ")
		sum := 0
		for _, c := range hdr {
			sum += int(c)
		}
		copy(hdr[148:156], fmt.Sprintf("%06o\x00 ", sum))
	}
	tw.Close()
	var buf bytes.Buffer
	gz, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	gz.Write(tb.Bytes())
	gz.Close()
	return buf.Bytes()
}

// Write writes data to dir/name and returns the path.
func Write(dir, name string, data []byte) (string, error) {
	p := filepath.Join(dir, name)
	return p, os.WriteFile(p, data, 0o644)
}
