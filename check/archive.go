package check

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/csv"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path"
	"strconv"
	"strings"

	"goflit/coremeta"
	"goflit/names"
)

// zipEntries runs the zip container checks on f, reports their problems and
// returns the entries (nil when the archive is unreadable).
func (c *checker) zipEntries(f *os.File, size int64) []zipEntry {
	entries, probs := checkZip(f, size)
	for _, p := range probs {
		c.add(StageArchive, "", "", "%s", p)
	}
	return entries
}

func (c *checker) wheel(d *Dist) {
	f, err := os.Open(d.Path)
	if err != nil {
		c.add(StageArchive, "", "", "%v", err)
		return
	}
	defer f.Close()
	entries := c.zipEntries(f, d.Size)
	if entries == nil {
		return
	}
	zr, err := zip.NewReader(f, d.Size)
	if err != nil {
		c.add(StageArchive, "", "", "not a valid zip archive: %v", err)
		return
	}
	files := map[string]*zip.File{}
	for _, zf := range zr.File {
		if _, dup := files[zf.Name]; !dup {
			files[zf.Name] = zf
		}
	}
	distInfo := path.Dir(d.MetadataPath)
	if w, ok := parseWheelFilename(d.Filename); ok {
		want := w.Name + "-" + w.Version + ".dist-info"
		if want != distInfo {
			c.add(StageArchive, "", "", "wheel has no %q (found %q)", want+"/WHEEL", distInfo)
		}
	}
	if files[distInfo+"/WHEEL"] == nil {
		c.add(StageArchive, "", distInfo+"/WHEEL", "missing")
	} else if data, err := readZip(files[distInfo+"/WHEEL"]); err != nil {
		c.add(StageArchive, "", distInfo+"/WHEEL", "%v", err)
	} else {
		c.wheelFile(distInfo+"/WHEEL", data)
	}
	c.record(distInfo, files, zr.File)
	if ep := files[distInfo+"/entry_points.txt"]; ep != nil {
		if data, err := readZip(ep); err != nil {
			c.add(StageArchive, "", ep.Name, "%v", err)
		} else {
			for _, msg := range checkEntryPoints(data) {
				c.add(StageArchive, "", ep.Name, "%s", msg)
			}
		}
	}
	for _, lf := range licenseFiles(&d.Meta.Metadata) {
		if files[distInfo+"/licenses/"+lf] == nil {
			c.add(StageArchive, "", d.MetadataPath, "License-File %q is not in the wheel at %s/licenses/%s", lf, distInfo, lf)
		}
	}
	// Warehouse refuses archives that decompress to more than 50x their size
	// once they exceed 64 MiB (zip bombs).
	var total int64
	for _, e := range entries {
		total += e.USize
	}
	if total > 64<<20 && total > 50*d.Size {
		c.add(StageArchive, "", "", "compression ratio %d exceeds PyPI's limit of 50", total/max(d.Size, 1))
	}
}

func readZip(zf *zip.File) ([]byte, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, 64<<20))
}

// wheelFile checks the .dist-info/WHEEL file.
func (c *checker) wheelFile(entry string, data []byte) {
	var version string
	tags := 0
	for _, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(strings.TrimRight(line, "\r"), ":")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "Wheel-Version":
			version = strings.TrimSpace(v)
		case "Tag":
			tags++
		}
	}
	switch {
	case version == "":
		c.add(StageArchive, "", entry, "no Wheel-Version")
	case !strings.HasPrefix(version, "1."):
		c.add(StageArchive, "", entry, "Wheel-Version %q is not supported (1.x)", version)
	}
	if tags == 0 {
		c.add(StageArchive, "", entry, "no Tag lines")
	}
}

// record checks that RECORD lists every file with a matching hash and size.
func (c *checker) record(distInfo string, files map[string]*zip.File, all []*zip.File) {
	name := distInfo + "/RECORD"
	rf := files[name]
	if rf == nil {
		c.add(StageArchive, "", name, "missing (PyPI requires RECORD)")
		return
	}
	data, err := readZip(rf)
	if err != nil {
		c.add(StageArchive, "", name, "%v", err)
		return
	}
	rows, err := parseRecord(data)
	if err != nil {
		c.add(StageArchive, "", name, "%v", err)
		return
	}
	listed := map[string]bool{}
	for _, r := range rows {
		at := fmt.Sprintf("%s:%d", name, r.line)
		if listed[r.path] {
			c.add(StageArchive, "", at, "duplicate row for %q", r.path)
			continue
		}
		listed[r.path] = true
		zf := files[r.path]
		if zf == nil {
			c.add(StageArchive, "", at, "lists %q, which is not in the wheel", r.path)
			continue
		}
		if r.hash == "" {
			if r.path != name && !strings.HasSuffix(r.path, "/RECORD.jws") && !strings.HasSuffix(r.path, "/RECORD.p7s") {
				c.add(StageArchive, "", at, "row for %q has no hash", r.path)
			}
			continue
		}
		algo, want, _ := strings.Cut(r.hash, "=")
		var h hash.Hash
		switch algo {
		case "sha256":
			h = sha256.New()
		case "sha384":
			h = sha512.New384()
		case "sha512":
			h = sha512.New()
		default:
			c.add(StageArchive, "", at, "row for %q uses hash %q: use sha256", r.path, algo)
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			c.add(StageArchive, "", r.path, "%v", err)
			continue
		}
		n, err := io.Copy(h, rc)
		rc.Close()
		if err != nil {
			c.add(StageArchive, "", r.path, "%v", err)
			continue
		}
		if got := base64.RawURLEncoding.EncodeToString(h.Sum(nil)); got != strings.TrimRight(want, "=") {
			c.add(StageArchive, "", at, "hash of %q does not match its content (%s=%s)", r.path, algo, got)
		}
		if r.size != "" && r.size != strconv.FormatInt(n, 10) {
			c.add(StageArchive, "", at, "size of %q is %s, but the file has %d bytes", r.path, r.size, n)
		}
	}
	for _, zf := range all {
		if strings.HasSuffix(zf.Name, "/") || listed[zf.Name] {
			continue
		}
		if zf.Name == name || zf.Name == distInfo+"/RECORD.jws" || zf.Name == distInfo+"/RECORD.p7s" {
			continue
		}
		c.add(StageArchive, "", name, "has no row for %q", zf.Name)
		listed[zf.Name] = true
	}
}

type recordRow struct {
	path, hash, size string
	line             int
}

// parseRecord reads a RECORD file: CSV rows of path,hash,size.
func parseRecord(data []byte) ([]recordRow, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	var rows []recordRow
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("not valid CSV: %v", err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) != 3 {
			return nil, fmt.Errorf("line %d: expected 3 fields (path,hash,size), found %d", line, len(rec))
		}
		rows = append(rows, recordRow{path: rec[0], hash: rec[1], size: rec[2], line: line})
	}
}

// checkEntryPoints parses entry_points.txt as an INI file whose values
// are "module:attr [extras]" object references.
func checkEntryPoints(data []byte) []string {
	var msgs []string
	section := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
		case line[0] == '[':
			if !strings.HasSuffix(line, "]") {
				msgs = append(msgs, fmt.Sprintf("line %d: unterminated section header", n))
				continue
			}
			section = line[1 : len(line)-1]
		case section == "":
			msgs = append(msgs, fmt.Sprintf("line %d: entry before any [group] header", n))
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				msgs = append(msgs, fmt.Sprintf("line %d: expected \"name = module:attr\"", n))
				continue
			}
			k, v = strings.TrimSpace(k), strings.TrimSpace(v)
			v, _, _ = strings.Cut(v, "[")
			mod, attr, _ := strings.Cut(strings.TrimSpace(v), ":")
			if k == "" || !dotted(mod) || (attr != "" && !dotted(strings.TrimSpace(attr))) {
				msgs = append(msgs, fmt.Sprintf("line %d: %q is not a valid entry point (name = module:attr)", n, line))
			}
		}
	}
	return msgs
}

func dotted(s string) bool {
	if s == "" {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if part == "" || strings.ContainsFunc(part, func(r rune) bool {
			return !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r > 127)
		}) || part[0] >= '0' && part[0] <= '9' {
			return false
		}
	}
	return true
}

func (c *checker) sdist(d *Dist) {
	f, err := os.Open(d.Path)
	if err != nil {
		c.add(StageArchive, "", "", "%v", err)
		return
	}
	defer f.Close()
	if strings.HasSuffix(d.Filename, ".zip") {
		var members []string
		for _, e := range c.zipEntries(f, d.Size) {
			members = append(members, e.Name)
		}
		c.sdistLayout(d, members)
		return
	}
	gz, err := gzip.NewReader(f)
	if err != nil {
		c.add(StageArchive, "", "", "not a gzip file: %v", err)
		return
	}
	tr := tar.NewReader(gz)
	var members []string
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			c.add(StageArchive, "", "", "broken tar archive: %v", err)
			return
		}
		members = append(members, h.Name)
		sparse := h.Typeflag == tar.TypeGNUSparse
		for k := range h.PAXRecords {
			if strings.HasPrefix(k, "GNU.sparse.") {
				sparse = true
			}
		}
		switch {
		case sparse:
			c.add(StageArchive, "", h.Name, "sparse tar members are not allowed")
		case h.Typeflag == tar.TypeSymlink || h.Typeflag == tar.TypeLink:
			c.add(StageArchive, "", h.Name, "links are not allowed in an sdist (PyPI refuses them; store the file itself)")
		case h.Typeflag != tar.TypeReg && h.Typeflag != tar.TypeDir && h.Typeflag != tar.TypeXGlobalHeader:
			c.add(StageArchive, "", h.Name, "tar member type %q is not a file or directory", string(h.Typeflag))
		}
	}
	if _, err := io.Copy(io.Discard, gz); err != nil {
		c.add(StageArchive, "", "", "broken gzip stream: %v", err)
	}
	c.sdistLayout(d, members)
}

// sdistLayout: one top-level directory, PKG-INFO in it, License-Files present.
func (c *checker) sdistLayout(d *Dist, members []string) {
	tops := map[string]bool{}
	have := map[string]bool{}
	for _, n := range members {
		clean := strings.TrimPrefix(n, "./")
		have[strings.TrimSuffix(clean, "/")] = true
		if strings.HasPrefix(clean, "/") || strings.Contains("/"+clean+"/", "/../") {
			c.add(StageArchive, "", n, "path escapes the archive")
			continue
		}
		tops[strings.SplitN(clean, "/", 2)[0]] = true
	}
	if len(tops) != 1 {
		c.add(StageArchive, "", "", "an sdist must have exactly one top-level directory, found %d", len(tops))
		return
	}
	var top string
	for t := range tops {
		top = t
	}
	m := &d.Meta.Metadata
	if want := names.Escape(m.Name) + "-" + m.Version; names.ValidProjectName(m.Name) && top != want {
		c.add(StageArchive, "", "", "top-level directory %q should be %q (PEP 625)", top, want)
	}
	for _, lf := range licenseFiles(m) {
		if !have[top+"/"+lf] {
			c.add(StageArchive, "", d.MetadataPath, "License-File %q is not in the sdist at %s/%s", lf, top, lf)
		}
	}
}

// licenseFiles are the License-File entries PyPI checks: those of metadata
// 2.4 and later (earlier ones are not sent with the upload).
func licenseFiles(m *coremeta.Metadata) []string {
	if m.MetadataVersion < "2.4" {
		return nil
	}
	return m.LicenseFiles
}
