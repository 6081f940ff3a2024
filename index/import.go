package index

import (
	"io"
	"os"
	"path/filepath"
	"strings"

	"goflit/check"
	"goflit/internal/atomicfile"
	"goflit/internal/digest"
)

// importLoose adds wheels and sdists that were put into the directory by
// hand: files at the top of Dir are linked (or copied) into
// Dir/<normalized-name>/, files already there are recorded. Unreadable
// files are reported and skipped.
func (s *Server) importLoose() {
	var candidates []string
	entries, _ := os.ReadDir(s.opt.Dir)
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		if e.IsDir() {
			sub, _ := os.ReadDir(filepath.Join(s.opt.Dir, name))
			for _, f := range sub {
				if f.Type().IsRegular() && check.Kind(f.Name()) != "" && !strings.HasPrefix(f.Name(), ".") {
					candidates = append(candidates, filepath.Join(s.opt.Dir, name, f.Name()))
				}
			}
		} else if e.Type().IsRegular() && check.Kind(name) != "" {
			candidates = append(candidates, filepath.Join(s.opt.Dir, name))
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range candidates {
		if err := s.importFile(p); err != nil {
			s.opt.Log.Warnf("%s: not served: %v", p, err)
		}
	}
}

func (s *Server) importFile(p string) error {
	d, err := check.Open(p)
	if err != nil {
		return err
	}
	m := d.Meta.Metadata
	norm := check.Normalize(m.Name)
	recs, err := s.loadRecords(norm)
	if err != nil {
		return err
	}
	for _, r := range recs {
		if r.Filename == d.Filename {
			return nil // already known
		}
	}
	dir := s.projectDir(norm)
	dest := filepath.Join(dir, d.Filename)
	if filepath.Dir(p) != dir {
		if _, err := os.Stat(dest); err == nil {
			return nil // the project directory's copy wins
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		if err := os.Link(p, dest); err != nil {
			if err := copyFile(p, dest); err != nil {
				return err
			}
		}
	}
	f, err := os.Open(dest)
	if err != nil {
		return err
	}
	defer f.Close()
	sums, n, err := digest.Copy(io.Discard, f, 1<<20)
	if err != nil {
		return err
	}
	fi, _ := f.Stat()
	rec := record{Filename: d.Filename, Name: m.Name, Version: m.Version, Filetype: d.Filetype, Size: n,
		SHA256: sums.SHA256, Blake2b256: sums.Blake2b256,
		RequiresPython: m.RequiresPython, UploadTime: fi.ModTime().UTC()}
	if d.Filetype == "bdist_wheel" {
		if err := atomicfile.WriteFile(dest+".metadata", d.Metadata, 0o644); err != nil {
			return err
		}
		rec.MetadataSHA256 = sha256Hex(d.Metadata)
	}
	s.opt.Log.Infof("serving %s (found in the directory)", d.Filename)
	return s.saveRecords(norm, append(recs, rec))
}

// copyFile copies src to dst (mode 644) atomically.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	return atomicfile.Write(dst, 0o644, func(w io.Writer) error {
		_, err := io.Copy(w, in)
		return err
	})
}
