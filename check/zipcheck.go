package check

import (
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// zipEntry is one central directory record.
type zipEntry struct {
	Name   string
	Method uint16
	Offset int64
	CSize  int64
	USize  int64
}

const (
	sigLocal   = 0x04034b50
	sigCentral = 0x02014b50
	sigEnd     = 0x06054b50
	sigEnd64   = 0x06064b50
	sigLoc64   = 0x07064b50
)

// checkZip validates the structure of a zip archive the way PyPI's archive
// policy does (https://docs.pypi.org/archives/): an end record with no
// comment and nothing after it, a central directory exactly where the end
// record says and immediately before it, every local header matching its
// central record, only stored/deflate compression, unique printable UTF-8
// names. It returns the entries and every problem found; a structure too
// broken to walk gives one problem and no entries.
func checkZip(r io.ReaderAt, size int64) ([]zipEntry, []string) {
	var probs []string
	bad := func(format string, args ...any) { probs = append(probs, fmt.Sprintf(format, args...)) }
	if size < 22 {
		return nil, []string{"not a zip archive (too short)"}
	}
	tailLen := min(size, 22+65535)
	tail := make([]byte, tailLen)
	if _, err := r.ReadAt(tail, size-tailLen); err != nil && err != io.EOF {
		return nil, []string{"reading the archive: " + err.Error()}
	}
	endAt := -1
	for i := len(tail) - 22; i >= 0; i-- {
		if binary.LittleEndian.Uint32(tail[i:]) == sigEnd {
			endAt = i
			break
		}
	}
	if endAt < 0 {
		return nil, []string{"not a zip archive (no end of central directory record)"}
	}
	end := tail[endAt:]
	endOff := size - tailLen + int64(endAt)
	commentLen := int64(binary.LittleEndian.Uint16(end[20:]))
	switch {
	case endOff+22+commentLen > size:
		return nil, []string{"ZIP archive not accepted: the end record's comment runs past the end of the file"}
	case commentLen > 0:
		bad("ZIP archive not accepted: the archive has a comment")
	}
	if endOff+22+commentLen < size {
		bad("ZIP archive not accepted: %d bytes of trailing data after the end record", size-(endOff+22+commentLen))
	}
	if binary.LittleEndian.Uint16(end[4:]) != 0 || binary.LittleEndian.Uint16(end[6:]) != 0 {
		bad("ZIP archive not accepted: multi-disk archives are not supported")
	}
	count := int64(binary.LittleEndian.Uint16(end[10:]))
	cdSize := int64(binary.LittleEndian.Uint32(end[12:]))
	cdOff := int64(binary.LittleEndian.Uint32(end[16:]))
	cdEnd := endOff // where the central directory must end
	if count == 0xffff || cdSize == 0xffffffff || cdOff == 0xffffffff {
		// Zip64: locator right before the end record, then the zip64 end record.
		loc := make([]byte, 20)
		if endOff < 20 {
			return nil, append(probs, "ZIP archive not accepted: zip64 locator missing")
		}
		if _, err := r.ReadAt(loc, endOff-20); err != nil || binary.LittleEndian.Uint32(loc) != sigLoc64 {
			return nil, append(probs, "ZIP archive not accepted: zip64 locator missing")
		}
		e64Off := int64(binary.LittleEndian.Uint64(loc[8:]))
		e64 := make([]byte, 56)
		if e64Off < 0 || e64Off > endOff-20-56 {
			return nil, append(probs, "ZIP archive not accepted: zip64 end record out of range")
		}
		if _, err := r.ReadAt(e64, e64Off); err != nil || binary.LittleEndian.Uint32(e64) != sigEnd64 {
			return nil, append(probs, "ZIP archive not accepted: bad zip64 end record")
		}
		count = int64(binary.LittleEndian.Uint64(e64[32:]))
		cdSize = int64(binary.LittleEndian.Uint64(e64[40:]))
		cdOff = int64(binary.LittleEndian.Uint64(e64[48:]))
		cdEnd = e64Off
	}
	if cdOff < 0 || cdSize < 0 || cdOff > cdEnd || cdSize > cdEnd-cdOff { // no overflow on zip64 values
		return nil, append(probs, "ZIP archive not accepted: the central directory lies outside the file")
	}
	if cdOff+cdSize != cdEnd {
		bad("ZIP archive not accepted: %d bytes between the central directory and the end record", cdEnd-(cdOff+cdSize))
	}
	cd := make([]byte, cdSize)
	if _, err := r.ReadAt(cd, cdOff); err != nil && err != io.EOF {
		return nil, append(probs, "reading the central directory: "+err.Error())
	}
	var entries []zipEntry
	seen := map[string]bool{}
	p := cd
	for len(p) > 0 {
		if len(p) < 46 || binary.LittleEndian.Uint32(p) != sigCentral {
			bad("ZIP archive not accepted: corrupt central directory record %d", len(entries)+1)
			break
		}
		method := binary.LittleEndian.Uint16(p[10:])
		csize := int64(binary.LittleEndian.Uint32(p[20:]))
		usize := int64(binary.LittleEndian.Uint32(p[24:]))
		nlen := int(binary.LittleEndian.Uint16(p[28:]))
		xlen := int(binary.LittleEndian.Uint16(p[30:]))
		clen := int(binary.LittleEndian.Uint16(p[32:]))
		off := int64(binary.LittleEndian.Uint32(p[42:]))
		if 46+nlen+xlen+clen > len(p) {
			bad("ZIP archive not accepted: corrupt central directory record %d", len(entries)+1)
			break
		}
		name := string(p[46 : 46+nlen])
		extra := p[46+nlen : 46+nlen+xlen]
		// Zip64 extra field (id 1): the values that overflowed, in order.
		for x := extra; len(x) >= 4; {
			id, n := binary.LittleEndian.Uint16(x), int(binary.LittleEndian.Uint16(x[2:]))
			if 4+n > len(x) {
				break
			}
			if id == 1 {
				d := x[4 : 4+n]
				take := func(v *int64) {
					if *v == 0xffffffff && len(d) >= 8 {
						*v = int64(binary.LittleEndian.Uint64(d))
						d = d[8:]
					}
				}
				take(&usize)
				take(&csize)
				take(&off)
			}
			x = x[4+n:]
		}
		p = p[46+nlen+xlen+clen:]
		e := zipEntry{Name: name, Method: method, Offset: off, CSize: csize, USize: usize}
		entries = append(entries, e)
		switch {
		case !utf8.ValidString(name):
			bad("ZIP archive not accepted: entry name %q is not UTF-8", name)
		case !printable(name):
			bad("ZIP archive not accepted: entry name %q has control characters", name)
		}
		if seen[name] {
			bad("%s: ZIP archive not accepted: duplicate entry", name)
		}
		seen[name] = true
		if method != 0 && method != 8 {
			bad("%s: compression method %d is not allowed (only stored or deflate)", name, method)
		}
		if off < 0 || off > cdOff-30 {
			bad("%s: ZIP archive not accepted: local header offset out of range", name)
			continue
		}
		lh := make([]byte, 30+nlen)
		if _, err := r.ReadAt(lh, off); err != nil || binary.LittleEndian.Uint32(lh) != sigLocal {
			bad("%s: ZIP archive not accepted: no local header where the central directory says", name)
			continue
		}
		lnlen := int(binary.LittleEndian.Uint16(lh[26:]))
		if binary.LittleEndian.Uint16(lh[8:]) != method {
			bad("%s: ZIP archive not accepted: local header and central directory disagree on the compression method", name)
		}
		if lnlen != nlen || string(lh[30:30+nlen]) != name {
			bad("%s: ZIP archive not accepted: local header and central directory disagree on the name", name)
		}
	}
	if int64(len(entries)) != count {
		bad("ZIP archive not accepted: the end record counts %d entries, the central directory has %d", count, len(entries))
	}
	return entries, probs
}

func printable(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) || r == 0x7f })
}
