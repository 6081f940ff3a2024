package install

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"

	"goflit/archive"
	"goflit/cext"
	"goflit/pyproject"
	"goflit/wheel"
)

// InstallProject builds project p's wheel and installs it into target,
// without writing a wheel file: the wheel's members are read straight from
// the project (the same members, in the same layout, with the same RECORD
// as the wheel file wheel.Build writes with wopts). The project's files are
// read once: they are hashed while they are staged, and the installed
// RECORD lists those hashes (the in-memory wheel's RECORD, made before, is
// not checked against them).
func InstallProject(p *pyproject.Project, target *Target, wopts wheel.Options, opts Options) (*Result, error) {
	// C/C++ extension modules (package cext): compile them for the target
	// interpreter; the wheel gets the modules and their platform tag.
	cleanup, err := cext.PrepareWheel(p, &wopts, cext.Options{Python: target.Python, Log: wopts.Log})
	if err != nil {
		return nil, err
	}
	defer cleanup()
	name := wheel.Filename(p, wopts)
	wn, err := ParseWheelName(name)
	if err != nil {
		return nil, err
	}
	sink := &memberSink{hashLater: true}
	if err := wheel.WriteTo(p, sink, wopts); err != nil {
		return nil, fmt.Errorf("%s: building the wheel: %w", p.File, err)
	}
	return installMembers(name, wn, sink.members(), target, opts)
}

// memberSink is an archive.Writer that keeps the entries (their files stay
// on disk) and fills in their sizes and hashes on Sync. With hashLater, the
// files on disk only get their sizes (their hashes are taken when they are
// staged, and their members are marked unverified).
type memberSink struct {
	entries   []*archive.Entry
	hashed    int
	hashLater bool
}

func (s *memberSink) Add(e *archive.Entry) error {
	s.entries = append(s.entries, e)
	return nil
}

// Sync hashes the entries added since the last Sync, in parallel.
func (s *memberSink) Sync() error {
	todo := s.entries[s.hashed:]
	s.hashed = len(s.entries)
	errs := make([]error, len(todo))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(1, len(todo)/8)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 128<<10)
			for i := range jobs {
				if e := todo[i]; s.hashLater && e.Path != "" {
					errs[i] = sizeEntry(e)
				} else {
					errs[i] = hashEntry(e, buf)
				}
			}
		}()
	}
	for i := range todo {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func hashEntry(e *archive.Entry, buf []byte) error {
	rc, err := openEntry(e)
	if err != nil {
		return err
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.CopyBuffer(h, rc, buf)
	if err != nil {
		return fmt.Errorf("%s: %v", e.Name, err)
	}
	e.Size = n
	h.Sum(e.SHA256[:0])
	return nil
}

// sizeEntry fills in the size of an entry read from disk.
func sizeEntry(e *archive.Entry) error {
	fi, err := os.Stat(e.Path)
	if err != nil {
		return err
	}
	e.Size = fi.Size()
	return nil
}

func (s *memberSink) Close() error { return s.Sync() }

func openEntry(e *archive.Entry) (io.ReadCloser, error) {
	if e.Path != "" {
		return os.Open(e.Path)
	}
	return io.NopCloser(bytes.NewReader(e.Data)), nil
}

// members presents the entries as wheel members.
func (s *memberSink) members() []*member {
	out := make([]*member, len(s.entries))
	for i, e := range s.entries {
		e := e
		out[i] = &member{
			name:    e.Name,
			size:    e.Size,
			exec:    e.Mode&0o111 != 0,
			symlink: e.IsSymlink(),
			// A file hashed only while it is staged has no hash of its
			// own in the RECORD made before.
			unverified: s.hashLater && e.Path != "",
			open:       func() (io.ReadCloser, error) { return openEntry(e) },
		}
	}
	return out
}
