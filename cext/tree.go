package cext

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"goflit/internal/diag"
	"goflit/pyproject"
)

// ManifestName is the file, at the project root, listing the modules an
// in-place build wrote (so that the next one can remove stale ones).
const ManifestName = ".goflit-ext.json"

// outputSuffixes are the file endings of built extension modules.
var outputSuffixes = []string{".so", ".pyd", ".dylib"}

// isOutputOf reports whether base is a built module named leaf
// ("leaf.so", "leaf.abi3.so", "leaf.cpython-311-x86_64-linux-gnu.so", ...).
func isOutputOf(base, leaf string) bool {
	rest, ok := strings.CutPrefix(base, leaf+".")
	if !ok {
		return false
	}
	for _, s := range outputSuffixes {
		if rest == s[1:] || strings.HasSuffix(rest, s) {
			return true
		}
	}
	return false
}

// wheelExcluder builds Result.ExcludeFromWheel.
func wheelExcluder(p *pyproject.Project, plans []*extPlan) func(string) bool {
	skip := map[string]bool{}
	type out struct{ dir, leaf string }
	var outs []out
	for _, pl := range plans {
		for _, s := range pl.srcs {
			if rel, ok := relToSource(p, s.rel); ok {
				skip[rel] = true
			}
		}
		for _, d := range pl.depends {
			if rel, ok := relToSource(p, d); ok {
				skip[rel] = true
			}
		}
		outs = append(outs, out{pl.dir, pl.leaf})
	}
	return func(rel string) bool {
		rel = path.Clean(filepath.ToSlash(rel))
		if skip[rel] || path.Base(rel) == ManifestName {
			return true
		}
		dir, base := path.Split(rel)
		dir = strings.TrimSuffix(dir, "/")
		for _, o := range outs {
			if dir == o.dir && isOutputOf(base, o.leaf) {
				return true
			}
		}
		return false
	}
}

// relToSource turns a project-relative path into one relative to the
// module's source directory (false when it lies outside).
func relToSource(p *pyproject.Project, rootRel string) (string, bool) {
	abs := filepath.Join(p.Root, filepath.FromSlash(rootRel))
	rel, err := filepath.Rel(p.Module.SourceDir, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// sdistFiles lists the project files an sdist needs to rebuild the
// extensions: sources, depends and the files of project include dirs.
func sdistFiles(p *pyproject.Project, plans []*extPlan) []string {
	set := map[string]bool{}
	for _, pl := range plans {
		for _, s := range pl.srcs {
			set[s.rel] = true
		}
		for _, d := range pl.depends {
			set[d] = true
		}
		for _, inc := range pl.ext.IncludeDirs {
			if filepath.IsAbs(inc) {
				continue
			}
			dir := filepath.Join(p.Root, filepath.FromSlash(inc))
			rel, err := filepath.Rel(p.Root, dir)
			if err != nil || strings.HasPrefix(rel, "..") {
				continue
			}
			filepath.WalkDir(dir, func(f string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return nil
				}
				if headerSuffixes[strings.ToLower(filepath.Ext(f))] {
					r, _ := filepath.Rel(p.Root, f)
					set[filepath.ToSlash(r)] = true
				}
				return nil
			})
		}
	}
	out := make([]string, 0, len(set))
	for f := range set {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

// SdistFiles returns, for the sdist builder, the project-relative files to
// include (extension sources, depends, project include-dir headers) and the
// project-relative glob patterns of build outputs to exclude. It runs no
// compiler. A project without extensions gets nil, nil.
func SdistFiles(p *pyproject.Project) (include, excludePatterns []string, err error) {
	if !Configured(p) {
		return nil, nil, nil
	}
	cfg, err := LoadConfig(p, nil)
	if err != nil {
		return nil, nil, err
	}
	plans, err := plan(p, cfg)
	if err != nil {
		return nil, nil, err
	}
	srcDirRel, _ := filepath.Rel(p.Root, p.Module.SourceDir)
	srcDirRel = filepath.ToSlash(srcDirRel)
	for _, pl := range plans {
		base := path.Join(srcDirRel, pl.dir, pl.leaf)
		for _, s := range outputSuffixes {
			excludePatterns = append(excludePatterns, base+s, base+".*"+s)
		}
	}
	excludePatterns = append(excludePatterns, ManifestName)
	return sdistFiles(p, plans), excludePatterns, nil
}

// inplaceManifest is the JSON of ManifestName.
type inplaceManifest struct {
	Python string         `json:"python"`
	Files  []manifestFile `json:"files"`
}

type manifestFile struct {
	Path      string            `json:"path"` // project-relative
	Extension string            `json:"extension"`
	SHA256    string            `json:"sha256"`
	Sources   map[string]string `json:"sources"` // project-relative source -> sha256
}

// writeInplaceManifest records the in-place outputs and removes outputs of
// earlier in-place builds that this build did not produce.
func writeInplaceManifest(p *pyproject.Project, pi *PyInfo, built []*extPlan, files []File, log diag.Logger) error {
	mpath := filepath.Join(p.Root, ManifestName)
	var old inplaceManifest
	if data, err := os.ReadFile(mpath); err == nil {
		_ = json.Unmarshal(data, &old)
	}
	cur := inplaceManifest{Python: pi.Executable}
	keep := map[string]bool{}
	for i, pl := range built {
		rel, err := filepath.Rel(p.Root, files[i].DiskPath)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		keep[rel] = true
		sum, err := hashFile(files[i].DiskPath)
		if err != nil {
			return err
		}
		mf := manifestFile{Path: rel, Extension: pl.ext.Name, SHA256: sum, Sources: map[string]string{}}
		for _, s := range pl.srcs {
			if h, err := hashFile(filepath.Join(p.Root, filepath.FromSlash(s.rel))); err == nil {
				mf.Sources[s.rel] = h
			}
		}
		cur.Files = append(cur.Files, mf)
	}
	for _, f := range old.Files {
		if keep[f.Path] || strings.HasPrefix(f.Path, "../") || path.IsAbs(f.Path) {
			continue
		}
		full := filepath.Join(p.Root, filepath.FromSlash(f.Path))
		if err := os.Remove(full); err == nil {
			log.Infof("Removed stale extension module %s", f.Path)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("removing stale %s: %v", f.Path, err)
		}
	}
	data, err := json.MarshalIndent(cur, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(mpath, append(data, '\n'), 0o644)
}

// CleanInplace removes the modules an in-place build recorded in
// ManifestName, and the manifest; it returns the removed paths
// (project-relative). Nothing else in the tree is touched.
func CleanInplace(p *pyproject.Project) ([]string, error) {
	mpath := filepath.Join(p.Root, ManifestName)
	data, err := os.ReadFile(mpath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var m inplaceManifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %v (delete it by hand)", mpath, err)
	}
	var removed []string
	for _, f := range m.Files {
		if strings.HasPrefix(f.Path, "../") || path.IsAbs(f.Path) || f.Path == ".." {
			continue
		}
		err := os.Remove(filepath.Join(p.Root, filepath.FromSlash(f.Path)))
		if err == nil {
			removed = append(removed, f.Path)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return removed, err
		}
	}
	if err := os.Remove(mpath); err != nil {
		return removed, err
	}
	return removed, nil
}
