package sdist

import (
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"goflit/internal/pyglob"
)

// Glob expands pattern relative to root with the semantics of Python's
// glob.glob(os.path.join(root, pattern), recursive=True), which flit uses
// for [tool.flit.sdist] include/exclude patterns:
//
//   - components without *, ? or [ must exist (lexists);
//   - "*" and "?" do not match a leading "." (hidden names are skipped
//     unless the pattern component itself starts with ".");
//   - a component that is exactly "**" matches zero or more directories
//     (and, as the last component, every file below), skipping hidden
//     names; "**" inside a longer component is just two "*";
//   - [seq], [!seq] and ranges as in fnmatch; matching is case-sensitive.
//
// Results are "/"-separated paths relative to root, cleaned, sorted and
// deduplicated; "." stands for root itself.
func Glob(root, pattern string) []string {
	seen := map[string]bool{}
	for _, m := range iglob(root, pattern, false, 0) {
		seen[path.Clean(m)] = true
	}
	out := make([]string, 0, len(seen))
	for m := range seen {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}

// iglob mirrors glob._iglob for a pattern relative to root.
func iglob(root, pattern string, dironly bool, depth int) []string {
	if depth > 64 {
		return nil
	}
	dir, base := path.Split(pattern)
	dir = strings.TrimRight(dir, "/")
	if strings.HasPrefix(pattern, "/") && dir == "" {
		dir = "/"
	}
	if !pyglob.HasMagic(pattern) {
		full := join(root, pattern)
		if base != "" {
			if _, err := os.Lstat(full); err == nil {
				return []string{pattern}
			}
		} else if isDir(join(root, dir)) {
			return []string{pattern}
		}
		return nil
	}
	if dir == "" {
		if base == "**" {
			return glob2(root, "", dironly)
		}
		return glob1(root, "", base, dironly)
	}
	var dirs []string
	if pyglob.HasMagic(dir) {
		dirs = iglob(root, dir, true, depth+1)
	} else {
		dirs = []string{dir}
	}
	var out []string
	for _, d := range dirs {
		var names []string
		switch {
		case base == "**":
			names = glob2(root, d, dironly)
		case pyglob.HasMagic(base):
			names = glob1(root, d, base, dironly)
		default:
			if base != "" {
				if _, err := os.Lstat(join(root, pjoin(d, base))); err == nil {
					names = []string{base}
				}
			} else if isDir(join(root, d)) {
				names = []string{""}
			}
		}
		for _, n := range names {
			out = append(out, pjoin(d, n))
		}
	}
	return out
}

// pjoin is os.path.join for two relative pieces.
func pjoin(d, n string) string {
	switch {
	case d == "":
		return n
	case n == "":
		return d + "/"
	}
	return d + "/" + n
}

func join(root, rel string) string {
	if strings.HasPrefix(rel, "/") {
		return filepath.FromSlash(rel)
	}
	return filepath.Join(root, filepath.FromSlash(rel))
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// listdir returns the names in dir (only directories, following symlinks,
// when dironly), or nothing when dir cannot be read.
func listdir(root, dir string, dironly bool) []string {
	d := root
	if dir != "" {
		d = join(root, dir)
	}
	entries, err := os.ReadDir(d)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if dironly {
			ok := e.IsDir()
			if !ok && e.Type()&os.ModeSymlink != 0 {
				ok = isDir(filepath.Join(d, e.Name()))
			}
			if !ok {
				continue
			}
		}
		out = append(out, e.Name())
	}
	return out
}

func glob1(root, dir, pattern string, dironly bool) []string {
	var out []string
	hiddenPat := strings.HasPrefix(pattern, ".")
	for _, n := range listdir(root, dir, dironly) {
		if !hiddenPat && strings.HasPrefix(n, ".") {
			continue
		}
		if pyglob.Fnmatch(pattern, n) {
			out = append(out, n)
		}
	}
	return out
}

// glob2 is "**": the directory itself ("") and everything below it that is
// not hidden.
func glob2(root, dir string, dironly bool) []string {
	out := []string{""}
	var rec func(rel string, depth int)
	rec = func(rel string, depth int) {
		if depth > 40 { // symlink loops: Python would recurse until it fails
			return
		}
		sub := dir
		if rel != "" {
			if sub != "" {
				sub += "/" + rel
			} else {
				sub = rel
			}
		}
		for _, n := range listdir(root, sub, dironly) {
			if strings.HasPrefix(n, ".") {
				continue
			}
			p := n
			if rel != "" {
				p = rel + "/" + n
			}
			out = append(out, p)
			rec(p, depth+1)
		}
	}
	rec("", 0)
	return out
}
