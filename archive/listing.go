package archive

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// Listing is a sink that records one line per entry instead of writing an
// archive: "mode time size sha256 name". It is the format golden tests
// compare, and ListFile produces the same lines from a written archive.
type Listing struct {
	b strings.Builder
}

// Add records e.
func (l *Listing) Add(e *Entry) error {
	if e.IsSymlink() {
		e.Size = 0
		e.SHA256 = sha256.Sum256(nil)
		l.line(e.Mode|TypeSymlink, e.ModTime, 0, e.SHA256, e.Name+" -> "+e.Linkname)
		return nil
	}
	r, _, err := e.open()
	if err != nil {
		return err
	}
	defer r.Close()
	h := sha256.New()
	n, err := io.Copy(h, r)
	if err != nil {
		return err
	}
	e.Size = n
	h.Sum(e.SHA256[:0])
	mode := e.Mode
	if mode&0o170000 == 0 {
		mode |= TypeRegular
	}
	l.line(mode, e.ModTime, n, e.SHA256, e.Name)
	return nil
}

func (l *Listing) line(mode uint32, t time.Time, size int64, sum [32]byte, name string) {
	fmt.Fprintf(&l.b, "%07o %s %8d %x %s\n", mode, t.Format("2006-01-02T15:04:05.999999999"), size, sum[:], name)
}

// Sync does nothing.
func (l *Listing) Sync() error { return nil }

// Close does nothing.
func (l *Listing) Close() error { return nil }

// String returns the recorded lines.
func (l *Listing) String() string { return l.b.String() }

// ListFile lists a written .whl/.zip or .tar.gz in Listing's format,
// preceded by a line describing the archive-level fields that reproducibility
// depends on (zip versions, create system and flags; gzip header fields).
func ListFile(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	if strings.HasSuffix(path, ".tar.gz") {
		return listTarGz(data)
	}
	return listZip(data)
}

func listZip(data []byte) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", err
	}
	var l Listing
	props := map[string]bool{}
	for _, f := range zr.File {
		props[fmt.Sprintf("made=%d/%d need=%d method=%d flags=%#x extra=%d", f.CreatorVersion>>8, f.CreatorVersion&0xff,
			f.ReaderVersion, f.Method, f.Flags&^0x800, len(f.Extra))] = true
		rc, err := f.Open()
		if err != nil {
			return "", err
		}
		h := sha256.New()
		n, err := io.Copy(h, rc)
		rc.Close()
		if err != nil {
			return "", fmt.Errorf("%s: %w", f.Name, err)
		}
		var sum [32]byte
		h.Sum(sum[:0])
		l.line(f.ExternalAttrs>>16, f.Modified, n, sum, f.Name)
	}
	var head []string
	for p := range props {
		head = append(head, p)
	}
	if len(head) != 1 {
		return "", fmt.Errorf("zip entries differ in their header fields: %v", head)
	}
	return "zip " + head[0] + "\n" + l.String(), nil
}

func listTarGz(data []byte) (string, error) {
	gr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return "", err
	}
	if len(data) < 10 {
		return "", fmt.Errorf("short gzip file")
	}
	head := fmt.Sprintf("gzip name=%q mtime=%d xfl=%d os=%d\n", gr.Name, binary.LittleEndian.Uint32(data[4:8]), data[8], data[9])
	raw, err := io.ReadAll(bufio.NewReader(gr))
	if err != nil {
		return "", err
	}
	tr := tar.NewReader(bytes.NewReader(raw))
	var l Listing
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
		mode := uint32(h.Mode) & 0o7777
		name := h.Name
		switch h.Typeflag {
		case tar.TypeReg:
			mode |= TypeRegular
		case tar.TypeSymlink:
			mode |= TypeSymlink
			name += " -> " + h.Linkname
		case tar.TypeDir:
			mode |= TypeDir
		}
		if h.Uid != 0 || h.Gid != 0 || h.Uname != "" || h.Gname != "" {
			name += fmt.Sprintf(" [owner %d/%d %q/%q]", h.Uid, h.Gid, h.Uname, h.Gname)
		}
		hs := sha256.New()
		n, err := io.Copy(hs, tr)
		if err != nil {
			return "", err
		}
		var sum [32]byte
		hs.Sum(sum[:0])
		l.line(mode, h.ModTime.UTC(), n, sum, name)
	}
	return head + fmt.Sprintf("tar size=%d\n", len(raw)) + l.String(), nil
}
