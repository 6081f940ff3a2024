package install

import (
	"bufio"
	"encoding/binary"
	"errors"

	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"goflit/internal/diag"
)

// compileScript turns sources into .pyc bytes with the target interpreter,
// as py_compile does (timestamp-based pycs, or checked-hash pycs when
// SOURCE_DATE_EPOCH is set), without touching the file system: Go sends the
// sources it is staging and writes the .pyc files itself.
//
// Framing, little-endian. In: u32 len + final path (UTF-8), u64 source
// mtime, u64 source size, u64 len + source bytes. Out per input, in order:
// u8 status (0 = ok, 1 = does not compile), u32 len + the cache path
// relative to the source's directory (ok) or the error message, then for
// ok u64 len + the .pyc bytes.
const compileScript = `
import importlib.util, marshal, os, sys
rd, wr = sys.stdin.buffer.read, sys.stdout.buffer.write
MAGIC = importlib.util.MAGIC_NUMBER
hashed = bool(os.environ.get("SOURCE_DATE_EPOCH"))
def u(n): return int.from_bytes(rd(n), "little")
while True:
    h = rd(4)
    if len(h) < 4:
        break
    final = rd(int.from_bytes(h, "little")).decode("utf-8", "surrogateescape")
    mtime, size = u(8), u(8)
    src = rd(u(8))
    try:
        code = compile(src, final, "exec", dont_inherit=True)
        rel = os.path.relpath(importlib.util.cache_from_source(final), os.path.dirname(final)).encode()
        if hashed:
            head = MAGIC + (3).to_bytes(4, "little") + importlib.util.source_hash(src)
        else:
            head = MAGIC + (0).to_bytes(4, "little") + (mtime & 0xFFFFFFFF).to_bytes(4, "little") + (size & 0xFFFFFFFF).to_bytes(4, "little")
        data = head + marshal.dumps(code)
        wr(b"\0" + len(rel).to_bytes(4, "little") + rel + len(data).to_bytes(8, "little") + data)
    except (SyntaxError, ValueError, NotImplementedError) as e:
        msg = ("%s: %s" % (type(e).__name__, e)).encode("utf-8", "replace")
        wr(b"\1" + len(msg).to_bytes(4, "little") + msg)
sys.stdout.buffer.flush()
`

// compiler byte-compiles sources while they are being staged: a few
// interpreter processes read sources on stdin and answer with .pyc bytes,
// which are staged next to the staged source.
type compiler struct {
	t      *txn
	python string
	log    diag.Logger
	jobs   chan compileJob
	wg     sync.WaitGroup

	mu     sync.Mutex
	err    error
	failed []string
	dirs   map[string]bool
}

type compileJob struct {
	s     *staged
	src   []byte
	mtime int64
}

// startCompiler starts n interpreter processes.
func (t *txn) startCompiler(python string, n int, log diag.Logger) (*compiler, error) {
	c := &compiler{t: t, python: python, log: log, jobs: make(chan compileJob, 64), dirs: map[string]bool{}}
	log.Debugf("byte-compiling with %s (%d processes)", python, n)
	for i := 0; i < n; i++ {
		cmd := exec.Command(python, "-c", compileScript)
		stdin, err := cmd.StdinPipe()
		if err != nil {
			return nil, err
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			return nil, err
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			close(c.jobs)
			return nil, fmt.Errorf("%s: cannot start the byte-compiler: %v", python, err)
		}
		pending := make(chan *staged, 256)
		c.wg.Add(2)
		go c.feed(stdin, pending)
		go func() {
			defer c.wg.Done()
			rerr := c.collect(bufio.NewReaderSize(stdout, 256<<10), pending)
			// After a failure feed may still be queueing sources: keep
			// taking them so that it reaches the end and closes stdin.
			go func() {
				for range pending {
				}
			}()
			io.Copy(io.Discard, stdout)
			werr := cmd.Wait()
			if rerr == nil && werr != nil {
				rerr = fmt.Errorf("%s: byte-compiling failed: %s", python, lastLine(stderr.String()+"\n"+werr.Error()))
			}
			if rerr != nil {
				c.fail(rerr)
			}
		}()
	}
	return c, nil
}

func (c *compiler) fail(err error) {
	c.mu.Lock()
	if c.err == nil {
		c.err = err
	}
	c.mu.Unlock()
}

// submit queues a staged source for compilation.
func (c *compiler) submit(s *staged, src []byte, mtime int64) {
	c.jobs <- compileJob{s: s, src: src, mtime: mtime}
}

func (c *compiler) feed(stdin io.WriteCloser, pending chan<- *staged) {
	defer c.wg.Done()
	defer close(pending)
	defer stdin.Close()
	w := bufio.NewWriterSize(stdin, 256<<10)
	broken := false
	for j := range c.jobs {
		if broken {
			continue
		}
		var hdr [8]byte
		final := []byte(j.s.dest)
		binary.LittleEndian.PutUint32(hdr[:4], uint32(len(final)))
		w.Write(hdr[:4])
		w.Write(final)
		binary.LittleEndian.PutUint64(hdr[:], uint64(j.mtime))
		w.Write(hdr[:])
		binary.LittleEndian.PutUint64(hdr[:], uint64(len(j.src)))
		w.Write(hdr[:]) // the source size
		w.Write(hdr[:]) // the length of the bytes that follow
		if _, err := w.Write(j.src); err != nil {
			broken = true
			continue
		}
		select {
		case pending <- j.s:
		default:
			// The collector is waiting for answers to sources still in
			// the buffer: send them before waiting for it (small
			// sources fill pending before they fill the buffer).
			if err := w.Flush(); err != nil {
				broken = true
				continue
			}
			pending <- j.s
		}
	}
	w.Flush()
}

func (c *compiler) collect(r *bufio.Reader, pending <-chan *staged) error {
	for s := range pending {
		var st [1]byte
		var n4 [4]byte
		if _, err := io.ReadFull(r, st[:]); err != nil {
			return fmt.Errorf("%s: the byte-compiler stopped early", c.python)
		}
		if _, err := io.ReadFull(r, n4[:]); err != nil {
			return fmt.Errorf("%s: the byte-compiler stopped early", c.python)
		}
		text := make([]byte, binary.LittleEndian.Uint32(n4[:]))
		if _, err := io.ReadFull(r, text); err != nil {
			return fmt.Errorf("%s: the byte-compiler stopped early", c.python)
		}
		if st[0] != 0 {
			c.mu.Lock()
			c.failed = append(c.failed, s.dest)
			c.mu.Unlock()
			c.log.Debugf("not byte-compiled: %s: %s", s.dest, text)
			continue
		}
		var n8 [8]byte
		if _, err := io.ReadFull(r, n8[:]); err != nil {
			return fmt.Errorf("%s: the byte-compiler stopped early", c.python)
		}
		data := make([]byte, binary.LittleEndian.Uint64(n8[:]))
		if _, err := io.ReadFull(r, data); err != nil {
			return fmt.Errorf("%s: the byte-compiler stopped early", c.python)
		}
		rel := filepath.FromSlash(string(text))
		if filepath.IsAbs(rel) || strings.HasPrefix(rel, "..") {
			return fmt.Errorf("%s: unexpected bytecode path %q for %s", c.python, text, s.dest)
		}
		tmp := filepath.Join(filepath.Dir(s.tmp), rel)
		c.mu.Lock()
		dir := filepath.Dir(tmp)
		if !c.dirs[dir] {
			if err := os.MkdirAll(dir, 0o777); err != nil {
				c.mu.Unlock()
				return err
			}
			c.dirs[dir] = true
		}
		c.mu.Unlock()
		if err := os.WriteFile(tmp, data, 0o666); err != nil {
			return fmt.Errorf("cannot stage %s: %v", tmp, err)
		}
		c.t.add(&staged{root: s.root, dest: filepath.Join(filepath.Dir(s.dest), rel), tmp: tmp})
	}
	return nil
}

// stop ends the processes early (after a failure elsewhere).
func (c *compiler) stop() {
	c.mu.Lock()
	if c.err == nil {
		c.err = errors.New("stopped")
	}
	c.mu.Unlock()
	close(c.jobs)
	c.wg.Wait()
}

// wait finishes compilation. A source that does not compile (a syntax
// error) is installed without bytecode, with one warning, as pip does.
func (c *compiler) wait() error {
	close(c.jobs)
	c.wg.Wait()
	if c.err != nil {
		return c.err
	}
	if len(c.failed) > 0 {
		first := c.failed[0]
		for _, f := range c.failed {
			first = min(first, f)
		}
		more := ""
		if len(c.failed) > 1 {
			more = fmt.Sprintf(" and %d more", len(c.failed)-1)
		}
		c.log.Warnf("%s%s could not be byte-compiled (syntax errors?); installed without bytecode (-v lists them)", first, more)
	}
	return nil
}
