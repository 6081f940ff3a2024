package check

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"goflit/coremeta"
)

// Dist is a built distribution opened for its core metadata: what an upload
// form is made from.
type Dist struct {
	Path      string // as given
	Filename  string // base name
	Filetype  string // "bdist_wheel" or "sdist"
	PyVersion string // wheel python tags joined by "." (PyPI's pyversion), or "source"
	Size      int64
	// MetadataPath is the archive entry the metadata came from, e.g.
	// "foo-1.0.dist-info/METADATA" or "foo-1.0/PKG-INFO".
	MetadataPath string
	Metadata     []byte
	Meta         *coremeta.File
}

// Kind returns "bdist_wheel", "sdist" or "" from a file name.
func Kind(filename string) string {
	switch {
	case strings.HasSuffix(filename, ".whl"):
		return "bdist_wheel"
	case strings.HasSuffix(filename, ".tar.gz"), strings.HasSuffix(filename, ".zip"):
		return "sdist"
	}
	return ""
}

// notExistError is Open's error for a missing file: "PATH does not exist".
type notExistError string

func (e notExistError) Error() string        { return string(e) + " does not exist" }
func (e notExistError) Is(target error) bool { return target == fs.ErrNotExist }

// Open reads the core metadata of a wheel (.whl) or sdist (.tar.gz, .zip):
// the wheel's <name>-<version>.dist-info/METADATA (else the shortest
// */METADATA, as twine does), the sdist's <top>/PKG-INFO. Errors name the
// file.
func Open(p string) (*Dist, error) {
	fi, err := os.Stat(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, notExistError(p)
		}
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("%s: %v", p, err)
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("%s: is a directory: name the wheels and sdists in it (e.g. %s)", p, filepath.Join(p, "*"))
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", p)
	}
	d := &Dist{Path: p, Filename: filepath.Base(p), Size: fi.Size(), Filetype: Kind(filepath.Base(p))}
	switch {
	case d.Filetype == "bdist_wheel":
		d.PyVersion = "py3"
		if w, ok := parseWheelFilename(d.Filename); ok {
			d.PyVersion = strings.Join(w.Python, ".")
		}
		zr, err := zip.OpenReader(p)
		if err != nil {
			return nil, fmt.Errorf("%s: not a valid zip archive: %v", p, err)
		}
		defer zr.Close()
		var want string
		if w, ok := parseWheelFilename(d.Filename); ok {
			want = w.Name + "-" + w.Version + ".dist-info/METADATA"
		}
		var best *zip.File
		for _, f := range zr.File {
			if f.Name == want {
				best = f
				break
			}
			if strings.HasSuffix(f.Name, ".dist-info/METADATA") && strings.Count(f.Name, "/") == 1 &&
				(best == nil || len(f.Name) < len(best.Name)) {
				best = f
			}
		}
		if best == nil {
			return nil, fmt.Errorf("%s: wheel has no .dist-info/METADATA", p)
		}
		rc, err := best.Open()
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %v", p, best.Name, err)
		}
		d.Metadata, err = io.ReadAll(io.LimitReader(rc, 16<<20))
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %v", p, best.Name, err)
		}
		d.MetadataPath = best.Name
	case strings.HasSuffix(d.Filename, ".zip"):
		d.PyVersion = "source"
		zr, err := zip.OpenReader(p)
		if err != nil {
			return nil, fmt.Errorf("%s: not a valid zip archive: %v", p, err)
		}
		defer zr.Close()
		var names []string
		files := map[string]*zip.File{}
		for _, f := range zr.File {
			names = append(names, f.Name)
			files[f.Name] = f
		}
		name := sdistPKGINFO(names)
		if name == "" {
			return nil, fmt.Errorf("%s: sdist has no <top>/PKG-INFO", p)
		}
		rc, err := files[name].Open()
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %v", p, name, err)
		}
		d.Metadata, err = io.ReadAll(io.LimitReader(rc, 16<<20))
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %v", p, name, err)
		}
		d.MetadataPath = name
	case d.Filetype == "sdist":
		d.PyVersion = "source"
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		gz, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("%s: not a gzip file: %v", p, err)
		}
		tr := tar.NewReader(gz)
		for {
			h, err := tr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil, fmt.Errorf("%s: broken tar archive: %v", p, err)
			}
			parts := strings.Split(strings.TrimPrefix(path.Clean(h.Name), "./"), "/")
			if len(parts) == 2 && parts[1] == "PKG-INFO" && h.Typeflag == tar.TypeReg {
				d.Metadata, err = io.ReadAll(io.LimitReader(tr, 16<<20))
				if err != nil {
					return nil, fmt.Errorf("%s: %s: %v", p, h.Name, err)
				}
				d.MetadataPath = h.Name
				break
			}
		}
		if d.Metadata == nil {
			return nil, fmt.Errorf("%s: sdist has no <top>/PKG-INFO", p)
		}
	default:
		return nil, fmt.Errorf("%s: not a wheel (.whl) or sdist (.tar.gz)", p)
	}
	d.Meta, err = coremeta.Parse(d.Metadata)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %v", p, d.MetadataPath, err)
	}
	return d, nil
}

// sdistPKGINFO returns the "<top>/PKG-INFO" entry among names, or "".
func sdistPKGINFO(names []string) string {
	var hits []string
	for _, n := range names {
		parts := strings.Split(n, "/")
		if len(parts) == 2 && parts[1] == "PKG-INFO" {
			hits = append(hits, n)
		}
	}
	sort.Strings(hits)
	if len(hits) == 0 {
		return ""
	}
	return hits[0]
}
