package cext

import (
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// globFiles expands a project-relative glob ("src/**/*.c") under root into
// sorted relative paths with "/" separators. "**" matches zero or more
// directories; other segments use path.Match syntax. Hidden directories and
// __pycache__ are not searched by "**".
func globFiles(root, pattern string) ([]string, error) {
	pattern = filepath.ToSlash(pattern)
	if path.IsAbs(pattern) || pattern == ".." || strings.HasPrefix(pattern, "../") || strings.Contains(pattern, "/../") {
		return nil, fmt.Errorf("pattern %q must be relative to the project directory and stay inside it", pattern)
	}
	segs := strings.Split(path.Clean(pattern), "/")
	for _, s := range segs {
		if _, err := path.Match(s, ""); err != nil {
			return nil, fmt.Errorf("pattern %q is not a valid glob: %v", pattern, err)
		}
	}
	// Walk from the longest literal prefix.
	base := 0
	for base < len(segs)-1 && !hasMeta(segs[base]) {
		base++
	}
	start := filepath.Join(root, filepath.FromSlash(strings.Join(segs[:base], "/")))
	var out []string
	err := filepath.WalkDir(start, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == start {
				return fs.SkipAll
			}
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if p != start && (strings.HasPrefix(d.Name(), ".") || d.Name() == "__pycache__") {
				return fs.SkipDir
			}
			return nil
		}
		if matchGlob(segs, strings.Split(rel, "/")) {
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(out)
	return out, nil
}

func hasMeta(s string) bool { return strings.ContainsAny(s, "*?[\\") }

// matchGlob matches path segments against pattern segments with "**".
func matchGlob(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for i := 0; i <= len(name); i++ {
				if matchGlob(pat[1:], name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], name[0]); !ok {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	return len(name) == 0
}
