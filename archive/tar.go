package archive

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"math"
	"runtime"
	"strconv"
	"sync"
	"unicode/utf8"
)

// TarOptions configure a tar.gz sink.
type TarOptions struct {
	// GzipName is the FNAME field of the gzip header: Python's GzipFile
	// writes the archive's base name without ".gz" ("" = no FNAME).
	GzipName string
	// GzipTime is the MTIME field of the gzip header.
	GzipTime uint32
	// Level is the deflate level (0 = 6). The header's XFL byte is always
	// 2, as Python's GzipFile writes it at its default level 9.
	Level int
	// Workers compress 1 MiB blocks of the stream in parallel (0 = GOMAXPROCS).
	Workers int
	// Hash fills each entry's SHA256 (costs a pass over the data).
	Hash bool
}

// TarGz is a PAX tar.gz sink emulating Python's tarfile (PAX_FORMAT) inside
// GzipFile: ustar headers with "ustar\x0000" magic, zero-padded octal
// fields, PAX extended headers named "././@PaxHeader" only when a name is
// long or non-ASCII or a time is fractional, uid/gid 0, empty user and group
// names, no device numbers, two zero blocks at the end and the output padded
// to 10240 bytes. The gzip stream is one member whose deflate data is made
// of independently compressed blocks (each primed with the previous 32 KiB),
// so it decompresses to the same bytes with any gzip reader.
type TarGz struct {
	tw   *tarStream
	gz   *parallelGzip
	opts TarOptions
}

// NewTarGz returns a tar.gz sink writing to w.
func NewTarGz(w io.Writer, opts TarOptions) *TarGz {
	if opts.Level == 0 {
		opts.Level = 6
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	gz := newParallelGzip(w, opts)
	return &TarGz{tw: &tarStream{w: gz, hash: opts.Hash}, gz: gz, opts: opts}
}

// Add writes e (synchronously; the content is streamed from disk).
func (t *TarGz) Add(e *Entry) error { return t.tw.add(e) }

// Sync reports a compression error met so far (Add writes at once).
func (t *TarGz) Sync() error { return t.gz.firstErr() }

// Close ends the tar stream and the gzip member.
func (t *TarGz) Close() error {
	if err := t.tw.close(); err != nil {
		t.gz.Close()
		return err
	}
	return t.gz.Close()
}

// NewTar returns an uncompressed PAX tar sink (for tests and tools).
func NewTar(w io.Writer, hash bool) Writer { return &plainTar{&tarStream{w: w, hash: hash}} }

type plainTar struct{ tw *tarStream }

func (p *plainTar) Add(e *Entry) error { return p.tw.add(e) }
func (p *plainTar) Sync() error        { return nil }
func (p *plainTar) Close() error       { return p.tw.close() }

const (
	blockSize  = 512
	recordSize = 20 * blockSize
)

type tarStream struct {
	w    io.Writer
	n    int64
	hash bool
	err  error
}

func (t *tarStream) write(p []byte) error {
	if t.err != nil {
		return t.err
	}
	n, err := t.w.Write(p)
	t.n += int64(n)
	t.err = err
	return err
}

func (t *tarStream) add(e *Entry) error {
	if t.err != nil {
		return t.err
	}
	h := header{name: e.Name, mode: e.Mode & 0o7777, typ: '0'}
	var src io.ReadCloser
	if e.IsSymlink() {
		h.typ = '2'
		h.linkname = e.Linkname
	} else {
		r, size, err := e.open()
		if err != nil {
			return err
		}
		defer r.Close()
		src, h.size = r, size
	}
	if e.FloatTime {
		h.floatTime = true
		h.fmtime = float64(e.ModTime.Unix()) + float64(e.ModTime.Nanosecond())*1e-9
	} else {
		h.mtime = e.ModTime.Unix()
	}
	if err := t.write(h.encode()); err != nil {
		return err
	}
	e.Size = h.size
	if src == nil {
		if t.hash {
			e.SHA256 = sha256.Sum256(nil)
		}
		return nil
	}
	var dst io.Writer = writerFunc(t.write)
	var sum hash.Hash
	if t.hash {
		sum = sha256.New()
		dst = io.MultiWriter(dst, sum)
	}
	n, err := io.Copy(dst, io.LimitReader(src, h.size))
	if err != nil {
		return fmt.Errorf("%s: %w", e.Name, err)
	}
	if n != h.size {
		return fmt.Errorf("%s: file changed size while being archived", e.Name)
	}
	if sum != nil {
		sum.Sum(e.SHA256[:0])
	}
	if pad := h.size % blockSize; pad != 0 {
		return t.write(make([]byte, blockSize-pad))
	}
	return nil
}

type writerFunc func([]byte) error

func (f writerFunc) Write(p []byte) (int, error) {
	if err := f(p); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (t *tarStream) close() error {
	if err := t.write(make([]byte, 2*blockSize)); err != nil {
		return err
	}
	if rem := t.n % recordSize; rem != 0 {
		return t.write(make([]byte, recordSize-rem))
	}
	return nil
}

type header struct {
	name, linkname string
	mode           uint32
	size           int64
	mtime          int64
	fmtime         float64
	floatTime      bool
	typ            byte
}

type paxRecord struct{ key, value string }

// encode returns the ustar header block, preceded by a PAX extended header
// when Python's tarfile would write one, with its records in tarfile's order.
func (h *header) encode() []byte {
	var pax []paxRecord
	name, link := h.name, h.linkname
	if !isASCII(name) || utf8.RuneCountInString(name) > 100 {
		pax = append(pax, paxRecord{"path", name})
	}
	if !isASCII(link) || utf8.RuneCountInString(link) > 100 {
		pax = append(pax, paxRecord{"linkpath", link})
	}
	size := h.size
	if size < 0 || size >= 1<<33 {
		pax = append(pax, paxRecord{"size", strconv.FormatInt(size, 10)})
		size = 0
	}
	mtime := h.mtime
	if h.floatTime {
		r := math.RoundToEven(h.fmtime)
		mtime = int64(r)
		if r < 0 || r >= 1<<33 {
			mtime = 0
		}
		pax = append(pax, paxRecord{"mtime", pyFloat(h.fmtime)})
	} else if mtime < 0 || mtime >= 1<<33 {
		pax = append(pax, paxRecord{"mtime", strconv.FormatInt(mtime, 10)})
		mtime = 0
	}
	var out []byte
	if len(pax) > 0 {
		var rec []byte
		for _, p := range pax {
			l := len(p.key) + len(p.value) + 3
			n, q := 0, 0
			for {
				n = l + len(strconv.Itoa(q))
				if n == q {
					break
				}
				q = n
			}
			rec = append(rec, strconv.Itoa(q)+" "+p.key+"="+p.value+"\n"...)
		}
		ph := ustar("././@PaxHeader", "", 0, int64(len(rec)), 0, 'x')
		out = append(out, ph...)
		out = append(out, rec...)
		if pad := len(rec) % blockSize; pad != 0 {
			out = append(out, make([]byte, blockSize-pad)...)
		}
	}
	return append(out, ustar(asciiReplace(name), asciiReplace(link), h.mode, size, mtime, h.typ)...)
}

// pyFloat formats f as Python's str(float) does for values in the range of
// file times (no exponent; always a fractional part).
func pyFloat(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !bytes.ContainsAny([]byte(s), ".eEn") {
		s += ".0"
	}
	return s
}

// asciiReplace encodes s as ASCII with "?" for every other character, as
// Python's str.encode("ascii", "replace").
func asciiReplace(s string) string {
	if isASCII(s) {
		return s
	}
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r < utf8.RuneSelf {
			b = append(b, byte(r))
		} else {
			b = append(b, '?')
		}
	}
	return string(b)
}

func ustar(name, link string, mode uint32, size, mtime int64, typ byte) []byte {
	b := make([]byte, blockSize)
	copy(b[0:100], name)
	octal(b[100:108], int64(mode))
	octal(b[108:116], 0)
	octal(b[116:124], 0)
	octal(b[124:136], size)
	octal(b[136:148], mtime)
	copy(b[148:156], "        ")
	b[156] = typ
	copy(b[157:257], link)
	copy(b[257:265], "ustar\x0000")
	// uname, gname, devmajor, devminor, prefix: all NUL.
	var sum int64
	for _, c := range b {
		sum += int64(c)
	}
	copy(b[148:155], fmt.Sprintf("%06o\x00", sum))
	return b
}

// octal writes n as len(dst)-1 zero-padded octal digits and a NUL.
func octal(dst []byte, n int64) {
	s := strconv.FormatInt(n, 8)
	w := len(dst) - 1
	for len(s) < w {
		s = "0" + s
	}
	copy(dst, s[len(s)-w:])
	dst[w] = 0
}

// parallelGzip writes one gzip member whose deflate stream is cut into
// blocks compressed concurrently and written in order.
type parallelGzip struct {
	out    io.Writer
	level  int
	cur    []byte
	tail   []byte // last 32 KiB of the previous block (the next block's dictionary)
	crc    hash.Hash32
	size   uint32
	queue  chan *gzBlock
	cpu    chan struct{}
	done   chan struct{}
	mu     sync.Mutex
	err    error
	closed bool
	hdr    []byte
	// started: the writer goroutine runs (a full block was submitted).
	started bool
}

type gzBlock struct {
	data, dict []byte
	final      bool
	out        bytes.Buffer
	ready      chan struct{}
	err        error
}

const gzBlockSize = 1 << 20

var blockPool = sync.Pool{New: func() any { return make([]byte, 0, gzBlockSize) }}

func newParallelGzip(w io.Writer, opts TarOptions) *parallelGzip {
	g := &parallelGzip{
		out:   w,
		level: opts.Level,
		crc:   crc32.NewIEEE(),
		queue: make(chan *gzBlock, 2*opts.Workers+2),
		cpu:   make(chan struct{}, opts.Workers),
		done:  make(chan struct{}),
	}
	hdr := []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 255}
	if opts.GzipName != "" {
		hdr[3] = 8 // FNAME
	}
	hdr[4], hdr[5], hdr[6], hdr[7] = byte(opts.GzipTime), byte(opts.GzipTime>>8), byte(opts.GzipTime>>16), byte(opts.GzipTime>>24)
	if opts.GzipName != "" {
		hdr = append(append(hdr, latin1(opts.GzipName)...), 0)
	}
	g.hdr = hdr
	g.cur = blockPool.Get().([]byte)[:0]
	return g
}

func latin1(s string) []byte {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0xff {
			return nil // Python drops a name it cannot encode
		}
		b = append(b, byte(r))
	}
	return b
}

func (g *parallelGzip) firstErr() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.err
}

func (g *parallelGzip) setErr(err error) {
	g.mu.Lock()
	if g.err == nil {
		g.err = err
	}
	g.mu.Unlock()
}

func (g *parallelGzip) Write(p []byte) (int, error) {
	if err := g.firstErr(); err != nil {
		return 0, err
	}
	n := len(p)
	g.crc.Write(p)
	g.size += uint32(len(p))
	for len(p) > 0 {
		k := min(len(p), gzBlockSize-len(g.cur))
		g.cur = append(g.cur, p[:k]...)
		p = p[k:]
		if len(g.cur) == gzBlockSize {
			g.submit(false)
		}
	}
	return n, nil
}

func (g *parallelGzip) submit(final bool) {
	if !g.started {
		g.started = true
		go g.writeLoop(g.hdr)
	}
	b := &gzBlock{data: g.cur, dict: g.tail, final: final, ready: make(chan struct{})}
	if !final {
		t := g.cur[len(g.cur)-min(len(g.cur), 32<<10):]
		g.tail = append([]byte(nil), t...)
		g.cur = blockPool.Get().([]byte)[:0]
	}
	g.queue <- b
	go g.compress(b)
}

func (g *parallelGzip) compress(b *gzBlock) {
	g.cpu <- struct{}{}
	defer func() { <-g.cpu; close(b.ready) }()
	b.out.Grow(len(b.data)/2 + 64)
	fw := getFlate(g.level, &b.out, b.dict)
	defer putFlate(g.level, fw)
	if _, err := fw.Write(b.data); err != nil {
		b.err = err
		return
	}
	if b.final {
		b.err = fw.Close()
	} else {
		b.err = fw.Flush()
	}
}

func (g *parallelGzip) writeLoop(hdr []byte) {
	defer close(g.done)
	if _, err := g.out.Write(hdr); err != nil {
		g.setErr(err)
	}
	for b := range g.queue {
		<-b.ready
		if g.firstErr() == nil {
			if b.err != nil {
				g.setErr(b.err)
			} else if _, err := g.out.Write(b.out.Bytes()); err != nil {
				g.setErr(err)
			}
		}
		blockPool.Put(b.data[:0])
	}
}

// Close compresses the last block and writes the gzip trailer.
func (g *parallelGzip) Close() error {
	if g.closed {
		return g.firstErr()
	}
	g.closed = true
	if !g.started {
		// Less than one block: compress it here, no goroutines needed.
		b := &gzBlock{data: g.cur, final: true, ready: make(chan struct{})}
		g.compress(b)
		if b.err != nil {
			return b.err
		}
		if _, err := g.out.Write(g.hdr); err != nil {
			return err
		}
		if _, err := g.out.Write(b.out.Bytes()); err != nil {
			return err
		}
	} else {
		g.submit(true)
		close(g.queue)
		<-g.done
		if err := g.firstErr(); err != nil {
			return err
		}
	}
	var tr [8]byte
	c := g.crc.Sum32()
	tr[0], tr[1], tr[2], tr[3] = byte(c), byte(c>>8), byte(c>>16), byte(c>>24)
	tr[4], tr[5], tr[6], tr[7] = byte(g.size), byte(g.size>>8), byte(g.size>>16), byte(g.size>>24)
	if _, err := g.out.Write(tr[:]); err != nil {
		return err
	}
	return nil
}
