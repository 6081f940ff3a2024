package pyproject

import (
	"errors"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"unicode"

	"goflit/internal/pyglob"
	"goflit/internal/pystr"
)

// pathlibGlob expands pattern under root with the semantics of Python's
// pathlib.Path.glob (3.11/3.12) as flit_core uses it for license files:
// "*" and "?" match hidden names too, "**" as a whole component matches
// any number of directories (symlinked directories are not descended), and
// only regular files (following symlinks) are returned, as sorted
// root-relative slash paths.
func pathlibGlob(root, pattern string) ([]string, error) {
	var parts []string
	for _, p := range strings.Split(pattern, "/") {
		if p == "" || p == "." {
			continue
		}
		if strings.Contains(p, "**") && p != "**" {
			return nil, errors.New("Invalid pattern: '**' can only be an entire path component")
		}
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		return nil, errors.New("Unacceptable pattern: " + pystr.Repr(pattern))
	}
	found := map[string]bool{}
	var walk func(rel string, parts []string)
	walk = func(rel string, parts []string) {
		if len(parts) == 0 {
			fi, err := os.Stat(filepath.Join(root, filepath.FromSlash(rel)))
			if err == nil && fi.Mode().IsRegular() {
				found[rel] = true
			}
			return
		}
		dir := filepath.Join(root, filepath.FromSlash(rel))
		part := parts[0]
		switch {
		case part == "**":
			// Zero directories, then every subdirectory recursively.
			walk(rel, parts[1:])
			for _, sub := range subdirs(dir) {
				walk(path.Join(rel, sub), parts)
			}
		case !pyglob.HasMagic(part):
			next := path.Join(rel, part)
			if len(parts) > 1 {
				if fi, err := os.Stat(filepath.Join(root, filepath.FromSlash(next))); err != nil || !fi.IsDir() {
					return
				}
			}
			walk(next, parts[1:])
		default:
			entries, err := os.ReadDir(dir)
			if err != nil {
				return
			}
			for _, e := range entries {
				if !pyglob.Fnmatch(part, e.Name()) {
					continue
				}
				next := path.Join(rel, e.Name())
				if len(parts) > 1 {
					if fi, err := os.Stat(filepath.Join(root, filepath.FromSlash(next))); err != nil || !fi.IsDir() {
						continue
					}
				}
				walk(next, parts[1:])
			}
		}
	}
	walk("", parts)
	out := make([]string, 0, len(found))
	for f := range found {
		out = append(out, f)
	}
	sort.Strings(out)
	return out, nil
}

// subdirs lists the real (non-symlink) subdirectories of dir.
func subdirs(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	return out
}

// isWordRune is Python's regex \w for str patterns.
func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsNumber(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)
}
