package archive

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"runtime"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/klauspost/compress/flate"
)

// ZipOptions configure a zip sink.
type ZipOptions struct {
	// Level is the deflate level (0 = 6, zlib's default, as Python uses).
	Level int
	// Workers is the number of entries compressed at once (0 = GOMAXPROCS).
	Workers int
	// SpillSize is the uncompressed size above which an entry is compressed
	// into a temporary file instead of memory (0 = 4 MiB).
	SpillSize int64
	// TempDir holds spilled entries ("" = os.TempDir()).
	TempDir string
}

// Zip is a deterministic zip sink: deflated entries, local headers carrying
// the CRC and sizes (no data descriptors), version 2.0, create system Unix,
// external_attr = Mode<<16, the UTF-8 flag only for non-ASCII names, no
// extra fields or comments. Entries are compressed in parallel and written
// in the order added.
type Zip struct {
	out     *countWriter
	opts    ZipOptions
	queue   chan *zipJob
	cpu     chan struct{}
	wg      sync.WaitGroup // queued, not yet written
	done    chan struct{}  // writer goroutine exited
	mu      sync.Mutex
	err     error
	central []zipCentral
	closed  bool
	// Until inlineLimit bytes have been added, entries are compressed and
	// written inside Add: small wheels need no goroutines (they only cost
	// scheduling latency). After that the writer goes parallel for good.
	async       bool
	inlineBytes int64
}

const inlineLimit = 1 << 20

type zipJob struct {
	e     *Entry
	ready chan struct{}
	crc   uint32
	usize int64
	csize int64
	buf   *bytes.Buffer
	spill *os.File
	err   error
}

type zipCentral struct {
	name   string
	flags  uint16
	dosT   uint16
	dosD   uint16
	crc    uint32
	csize  int64
	usize  int64
	attr   uint32
	offset int64
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// NewZip returns a zip sink writing to w.
func NewZip(w io.Writer, opts ZipOptions) *Zip {
	if opts.Level == 0 {
		opts.Level = 6
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	if opts.SpillSize <= 0 {
		opts.SpillSize = 4 << 20
	}
	z := &Zip{
		out:   &countWriter{w: w},
		opts:  opts,
		queue: make(chan *zipJob, 4*opts.Workers+4),
		cpu:   make(chan struct{}, opts.Workers),
		done:  make(chan struct{}),
	}
	return z
}

var flatePools sync.Map // level -> *sync.Pool of *flate.Writer

// getFlate returns a pooled writer for level, reset to write to w with the
// preset dictionary dict (nil for none).
func getFlate(level int, w io.Writer, dict []byte) *flate.Writer {
	p, _ := flatePools.LoadOrStore(level, &sync.Pool{})
	if fw, ok := p.(*sync.Pool).Get().(*flate.Writer); ok {
		// Always ResetDict, never Reset: a writer last used by the parallel
		// gzip (with the previous block's tail as dictionary) keeps that
		// dictionary through Reset, and the next stream would refer back
		// into data its reader never saw.
		fw.ResetDict(w, dict)
		return fw
	}
	fw, err := flate.NewWriter(w, level)
	if err != nil {
		panic(err) // level validated by callers; a bad level is a programming error
	}
	if dict != nil {
		fw.ResetDict(w, dict)
	}
	return fw
}

func putFlate(level int, fw *flate.Writer) {
	p, _ := flatePools.Load(level)
	p.(*sync.Pool).Put(fw)
}

// Add queues e for compression and writing.
func (z *Zip) Add(e *Entry) error {
	if z.closed {
		return errors.New("archive: Add after Close")
	}
	if e.IsSymlink() {
		return fmt.Errorf("%s: a zip entry cannot be a symlink", e.Name)
	}
	if err := z.firstErr(); err != nil {
		return err
	}
	j := &zipJob{e: e, ready: make(chan struct{})}
	if !z.async {
		size := int64(len(e.Data))
		if e.Path != "" {
			fi, err := os.Stat(e.Path)
			if err != nil {
				z.setErr(err)
				return err
			}
			size = fi.Size()
		}
		if z.inlineBytes+size <= inlineLimit {
			z.inlineBytes += size
			z.compressInto(j)
			err := j.err
			if err == nil {
				err = z.writeEntry(j)
			}
			z.release(j)
			if err != nil {
				z.setErr(err)
			}
			return err
		}
		z.async = true
		go z.writeLoop()
	}
	z.wg.Add(1)
	z.queue <- j
	go z.compress(j)
	return nil
}

func (z *Zip) compress(j *zipJob) {
	z.cpu <- struct{}{}
	defer func() { <-z.cpu; close(j.ready) }()
	z.compressInto(j)
}

// release frees what a written (or failed) job holds.
func (z *Zip) release(j *zipJob) {
	if j.spill != nil {
		j.spill.Close()
		os.Remove(j.spill.Name())
	}
	j.buf = nil
}

func (z *Zip) compressInto(j *zipJob) {
	src, size, err := j.e.open()
	if err != nil {
		j.err = err
		return
	}
	defer src.Close()
	var dst io.Writer
	if size > z.opts.SpillSize {
		f, err := os.CreateTemp(z.opts.TempDir, "goflit-zip-*")
		if err != nil {
			j.err = err
			return
		}
		j.spill, dst = f, f
	} else {
		j.buf = bytes.NewBuffer(make([]byte, 0, size/2+64))
		dst = j.buf
	}
	cw := &countWriter{w: dst}
	fw := getFlate(z.opts.Level, cw, nil)
	h := sha256.New()
	crc := crc32.NewIEEE()
	n, err := io.Copy(io.MultiWriter(fw, h, crc), src)
	if err == nil {
		err = fw.Close()
	}
	putFlate(z.opts.Level, fw)
	if err != nil {
		j.err = fmt.Errorf("%s: %w", j.e.Name, err)
		return
	}
	j.crc, j.usize, j.csize = crc.Sum32(), n, cw.n
	h.Sum(j.e.SHA256[:0])
	j.e.Size = n
	if j.spill != nil {
		_, j.err = j.spill.Seek(0, io.SeekStart)
	}
}

func (z *Zip) firstErr() error {
	z.mu.Lock()
	defer z.mu.Unlock()
	return z.err
}

func (z *Zip) setErr(err error) {
	z.mu.Lock()
	if z.err == nil {
		z.err = err
	}
	z.mu.Unlock()
}

func (z *Zip) writeLoop() {
	defer close(z.done)
	for j := range z.queue {
		<-j.ready
		if z.firstErr() == nil {
			if j.err != nil {
				z.setErr(j.err)
			} else if err := z.writeEntry(j); err != nil {
				z.setErr(err)
			}
		}
		z.release(j)
		z.wg.Done()
	}
}

// DOSTime converts t's wall-clock fields to MS-DOS date and time (2-second
// resolution); times before 1980 are clamped to 1980-01-01 00:00:00.
func DOSTime(t time.Time) (date, tm uint16) {
	if t.Year() < 1980 {
		return 1<<5 | 1, 0
	}
	if t.Year() > 2107 {
		t = time.Date(2107, 12, 31, 23, 59, 58, 0, time.UTC)
	}
	date = uint16((t.Year()-1980)<<9 | int(t.Month())<<5 | t.Day())
	tm = uint16(t.Hour()<<11 | t.Minute()<<5 | t.Second()/2)
	return date, tm
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

const zip32Max = 0xFFFFFFFF

func (z *Zip) writeEntry(j *zipJob) error {
	e := j.e
	if j.csize >= zip32Max || j.usize >= zip32Max {
		return fmt.Errorf("%s: entries of 4 GiB or more are not supported", e.Name)
	}
	mode := e.Mode
	if mode&0o170000 == 0 {
		mode |= TypeRegular
	}
	c := zipCentral{name: e.Name, crc: j.crc, csize: j.csize, usize: j.usize, attr: mode << 16, offset: z.out.n}
	if !isASCII(e.Name) {
		c.flags = 0x800
	}
	c.dosD, c.dosT = DOSTime(e.ModTime)
	var h [30]byte
	le := binary.LittleEndian
	le.PutUint32(h[0:], 0x04034b50)
	le.PutUint16(h[4:], 20)
	le.PutUint16(h[6:], c.flags)
	le.PutUint16(h[8:], 8)
	le.PutUint16(h[10:], c.dosT)
	le.PutUint16(h[12:], c.dosD)
	le.PutUint32(h[14:], c.crc)
	le.PutUint32(h[18:], uint32(c.csize))
	le.PutUint32(h[22:], uint32(c.usize))
	le.PutUint16(h[26:], uint16(len(e.Name)))
	le.PutUint16(h[28:], 0)
	if _, err := z.out.Write(h[:]); err != nil {
		return err
	}
	if _, err := io.WriteString(z.out, e.Name); err != nil {
		return err
	}
	var err error
	if j.spill != nil {
		_, err = io.Copy(z.out, j.spill)
	} else {
		_, err = z.out.Write(j.buf.Bytes())
	}
	if err != nil {
		return err
	}
	z.central = append(z.central, c)
	return nil
}

// Sync waits until every queued entry is written; entries' Size and SHA256
// are then set.
func (z *Zip) Sync() error {
	z.wg.Wait()
	return z.firstErr()
}

// Close writes the central directory and the end record.
func (z *Zip) Close() error {
	if z.closed {
		return z.firstErr()
	}
	z.closed = true
	if z.async {
		close(z.queue)
		<-z.done
	}
	if err := z.firstErr(); err != nil {
		return err
	}
	le := binary.LittleEndian
	start := z.out.n
	var b bytes.Buffer
	for _, c := range z.central {
		if c.offset >= zip32Max {
			return errors.New("archive: zip archives of 4 GiB or more are not supported")
		}
		var h [46]byte
		le.PutUint32(h[0:], 0x02014b50)
		le.PutUint16(h[4:], 3<<8|20) // made by: Unix, 2.0
		le.PutUint16(h[6:], 20)
		le.PutUint16(h[8:], c.flags)
		le.PutUint16(h[10:], 8)
		le.PutUint16(h[12:], c.dosT)
		le.PutUint16(h[14:], c.dosD)
		le.PutUint32(h[16:], c.crc)
		le.PutUint32(h[20:], uint32(c.csize))
		le.PutUint32(h[24:], uint32(c.usize))
		le.PutUint16(h[28:], uint16(len(c.name)))
		le.PutUint32(h[38:], c.attr)
		le.PutUint32(h[42:], uint32(c.offset))
		b.Write(h[:])
		b.WriteString(c.name)
	}
	size := int64(b.Len())
	count := len(z.central)
	if count > 0xFFFF || start >= zip32Max || size >= zip32Max {
		// zip64 end of central directory record and locator, as Python writes them.
		var r [56 + 20]byte
		le.PutUint32(r[0:], 0x06064b50)
		le.PutUint64(r[4:], 44)
		le.PutUint16(r[12:], 45)
		le.PutUint16(r[14:], 45)
		le.PutUint64(r[24:], uint64(count))
		le.PutUint64(r[32:], uint64(count))
		le.PutUint64(r[40:], uint64(size))
		le.PutUint64(r[48:], uint64(start))
		le.PutUint32(r[56:], 0x07064b50)
		le.PutUint64(r[64:], uint64(start+size))
		le.PutUint32(r[72:], 1)
		b.Write(r[:])
		count = min(count, 0xFFFF)
		size = min(size, zip32Max)
		start = min(start, zip32Max)
	}
	var end [22]byte
	le.PutUint32(end[0:], 0x06054b50)
	le.PutUint16(end[8:], uint16(count))
	le.PutUint16(end[10:], uint16(count))
	le.PutUint32(end[12:], uint32(size))
	le.PutUint32(end[16:], uint32(start))
	b.Write(end[:])
	_, err := z.out.Write(b.Bytes())
	return err
}
