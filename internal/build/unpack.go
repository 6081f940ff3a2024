package build

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"
)

// unpackParent is where the sdist is unpacked for the wheel: $TMPDIR when
// set, else a RAM-backed /dev/shm when there is one (unpacking thousands of
// small files is dominated by file system work), else the system temp dir.
//
// A TMPDIR that is not a directory is passed over, as Python's tempfile
// does (flit builds there), rather than failing with "stat $TMPDIR".
func unpackParent(getenv func(string) string) string {
	if t := getenv("TMPDIR"); t != "" && isDir(t) {
		return t
	}
	if isDir("/dev/shm") {
		if f, err := os.CreateTemp("/dev/shm", ".goflit-probe-*"); err == nil {
			f.Close()
			os.Remove(f.Name())
			return "/dev/shm"
		}
	}
	if t := os.TempDir(); isDir(t) {
		return t
	}
	return "/tmp"
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

type unpackJob struct {
	target string
	data   []byte
	h      *tar.Header
}

// Unpack extracts an sdist into dest safely (like Python's tarfile 'data'
// filter: no absolute paths, no "..", links must stay inside dest, only
// files, directories and symlinks) and returns the path of its single top
// folder. File modes and modification times are restored. Small files are
// written by several goroutines at once.
func Unpack(sdistPath, dest string) (string, error) {
	f, err := os.Open(sdistPath)
	if err != nil {
		return "", err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return "", fmt.Errorf("%s: %w", sdistPath, err)
	}
	tr := tar.NewReader(gz)

	jobs := make(chan unpackJob, 64)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	setErr := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
	}
	// The first files are written inline; the writers start only for
	// sdists with many files (goroutines cost latency on small builds).
	inline := 32
	started := false
	emit := func(j unpackJob) error {
		if inline > 0 {
			inline--
			return writeFile(j.target, j.h, func(w io.Writer) error { _, err := w.Write(j.data); return err })
		}
		if !started {
			started = true
			for range max(2, runtime.GOMAXPROCS(0)*2) {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for j := range jobs {
						if err := writeFile(j.target, j.h, func(w io.Writer) error { _, err := w.Write(j.data); return err }); err != nil {
							setErr(err)
						}
					}
				}()
			}
		}
		jobs <- j
		return nil
	}
	top, err := unpackLoop(tr, sdistPath, dest, emit)
	close(jobs)
	wg.Wait()
	if err == nil {
		err = firstErr
	}
	if err != nil {
		return "", err
	}
	return top, nil
}

func unpackLoop(tr *tar.Reader, sdistPath, dest string, emit func(unpackJob) error) (string, error) {
	top := ""
	made := map[string]bool{}
	if err := os.MkdirAll(dest, 0o755); err != nil {
		return "", err
	}
	realDest, err := filepath.EvalSymlinks(dest)
	if err != nil {
		return "", err
	}
	haveLinks := false
	// inside checks, once symlinks exist, that dir really lies in dest: a
	// chain of links can escape even when each target looks harmless.
	inside := func(dir string) error {
		if !haveLinks {
			return nil
		}
		r, err := filepath.EvalSymlinks(dir)
		if err != nil {
			return err
		}
		if r != realDest && !strings.HasPrefix(r, realDest+string(filepath.Separator)) {
			return fmt.Errorf("%s: a symlink leads out of the unpacked sdist (%s)", sdistPath, dir)
		}
		return nil
	}
	mkdir := func(d string) error {
		if made[d] {
			return inside(d)
		}
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
		made[d] = true
		return inside(d)
	}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", fmt.Errorf("%s: %w", sdistPath, err)
		}
		name := h.Name
		clean := path.Clean(name)
		if strings.HasPrefix(name, "/") || clean != strings.TrimSuffix(name, "/") || clean == ".." || strings.HasPrefix(clean, "../") {
			return "", fmt.Errorf("%s: member %q has an unsafe path", sdistPath, name)
		}
		first, _, _ := strings.Cut(clean, "/")
		if top == "" {
			top = first
		} else if first != top {
			return "", fmt.Errorf("%s: members %q and %q are not in one top folder", sdistPath, top, name)
		}
		target := filepath.Join(dest, filepath.FromSlash(clean))
		if err := mkdir(filepath.Dir(target)); err != nil {
			return "", err
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := mkdir(target); err != nil {
				return "", err
			}
		case tar.TypeReg:
			if h.Size > 1<<20 {
				if err := writeFile(target, h, func(w io.Writer) error { _, err := io.Copy(w, tr); return err }); err != nil {
					return "", err
				}
				continue
			}
			data, err := io.ReadAll(tr)
			if err != nil {
				return "", fmt.Errorf("%s: %w", sdistPath, err)
			}
			if err := emit(unpackJob{target: target, data: data, h: h}); err != nil {
				return "", err
			}
		case tar.TypeSymlink:
			link := h.Linkname
			resolved := path.Join(path.Dir(clean), link)
			if path.IsAbs(link) || resolved == ".." || strings.HasPrefix(resolved, "../") {
				return "", fmt.Errorf("%s: symlink %q points outside the sdist (%s)", sdistPath, name, link)
			}
			if err := os.Symlink(filepath.FromSlash(link), target); err != nil {
				return "", err
			}
			haveLinks = true
		default:
			return "", fmt.Errorf("%s: member %q is not a file, directory or symlink", sdistPath, name)
		}
	}
	if top == "" {
		return "", errors.New(sdistPath + ": empty sdist")
	}
	return filepath.Join(dest, top), nil
}

func writeFile(target string, h *tar.Header, fill func(io.Writer) error) error {
	out, err := os.OpenFile(target, os.O_CREATE|os.O_EXCL|os.O_WRONLY, os.FileMode(h.Mode&0o755|0o600))
	if err != nil {
		return err
	}
	err = fill(out)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Chtimes(target, h.ModTime, h.ModTime)
}
