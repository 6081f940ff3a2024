// Package archive writes deterministic archives for Python distributions:
// a wheel's zip (deflate, local headers with known CRC and sizes, Unix
// attributes, entries compressed in parallel), an sdist's PAX tar.gz laid out
// exactly as Python's tarfile/gzip write it, and a listing (path, mode, time,
// size, sha256) used by golden tests. All sinks share the Writer interface.
//
// Entries are written in the order they are added. Callers decide names,
// modes and times; the sinks never look at the clock or the local time zone.
package archive

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"
)

// Unix file type bits as they appear in st_mode and in a zip external_attr.
const (
	TypeRegular uint32 = 0o100000
	TypeDir     uint32 = 0o040000
	TypeSymlink uint32 = 0o120000
)

// Entry is one archive member. Exactly one of Data, Path or Linkname gives
// its content.
type Entry struct {
	Name string // "/"-separated path inside the archive
	// Mode is the full st_mode value (type bits and permissions), for example
	// 0o100644. A zero type means a regular file.
	Mode uint32
	// ModTime is the member's time. Zip sinks write its wall-clock fields as
	// given (callers pass UTC); tar sinks write its Unix time.
	ModTime time.Time
	// FloatTime makes a tar sink record ModTime the way Python's tarfile
	// records a float st_mtime: a PAX "mtime" record with the fractional
	// value and the rounded value in the ustar field.
	FloatTime bool

	Data     []byte // content held in memory
	Path     string // or: a file on disk, streamed when the entry is written
	Linkname string // or: a symlink target (tar only)

	// Filled in once the entry has been written (after Writer.Sync or Close).
	Size   int64
	SHA256 [sha256.Size]byte
}

// IsSymlink reports whether the entry is a symbolic link.
func (e *Entry) IsSymlink() bool { return e.Linkname != "" || e.Mode&0o170000 == TypeSymlink }

// Hash is the entry's digest in RECORD form: "sha256=" + urlsafe base64
// without padding.
func (e *Entry) Hash() string {
	return "sha256=" + base64.RawURLEncoding.EncodeToString(e.SHA256[:])
}

// open returns the entry's content.
func (e *Entry) open() (io.ReadCloser, int64, error) {
	if e.Path != "" {
		f, err := os.Open(e.Path)
		if err != nil {
			return nil, 0, err
		}
		fi, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, 0, err
		}
		return f, fi.Size(), nil
	}
	return io.NopCloser(bytes.NewReader(e.Data)), int64(len(e.Data)), nil
}

// Writer is an archive sink.
type Writer interface {
	// Add queues e. The entry must not be modified until Sync or Close has
	// returned; its Size and SHA256 are filled in by then.
	Add(e *Entry) error
	// Sync waits until every queued entry has been written.
	Sync() error
	// Close writes the archive trailer. It does not close the underlying
	// io.Writer.
	Close() error
}

// NormalizeMode applies flit's permission rule to a st_mode value: the
// result has rw-r--r--, plus x for everyone when the owner could execute.
// Type bits and setuid/setgid/sticky bits are kept, as flit keeps them.
func NormalizeMode(mode uint32) uint32 {
	m := (mode | 0o644) &^ 0o133
	if mode&0o100 != 0 {
		m |= 0o111
	}
	return m
}

// StatMode converts a FileInfo's mode to a Unix st_mode value.
func StatMode(fi fs.FileInfo) uint32 {
	fm := fi.Mode()
	m := uint32(fm.Perm())
	switch {
	case fm&fs.ModeSymlink != 0:
		m |= TypeSymlink
	case fm.IsDir():
		m |= TypeDir
	case fm.IsRegular():
		m |= TypeRegular
	}
	if fm&fs.ModeSetuid != 0 {
		m |= 0o4000
	}
	if fm&fs.ModeSetgid != 0 {
		m |= 0o2000
	}
	if fm&fs.ModeSticky != 0 {
		m |= 0o1000
	}
	return m
}

// GeneratedTime is the time flit gives generated zip entries (WHEEL,
// METADATA, RECORD, ...) without SOURCE_DATE_EPOCH: 2016-01-01 00:00:00.
var GeneratedTime = time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)

// ParseSourceDateEpoch reads a SOURCE_DATE_EPOCH value: "" is unset (nil),
// an integer number of seconds (surrounding spaces allowed, as Python's
// int() does) is that instant, and anything else is an error naming the
// variable and its value. Every build (sdist, wheel, PEP 517 hooks, flit
// install) refuses such a value the same way; flit's sdist raises
// ValueError on it.
func ParseSourceDateEpoch(s string) (*int64, error) {
	if s == "" {
		return nil, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("SOURCE_DATE_EPOCH=%q: must be an integer number of seconds (unset it or fix its value)", s)
	}
	return &n, nil
}

// DefaultGzipTime is the gzip header time of an sdist without
// SOURCE_DATE_EPOCH (1451606400, 2016-01-01 UTC).
const DefaultGzipTime = 1451606400
