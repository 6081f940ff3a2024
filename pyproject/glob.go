package pyproject

import (
	"errors"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"unicode"

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
		case !hasWildcard(part):
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
				if !fnmatch(part, e.Name()) {
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

func hasWildcard(s string) bool { return strings.ContainsAny(s, "*?[") }

// fnmatch is Python's fnmatch.fnmatchcase: "*", "?", "[seq]", "[!seq]";
// an unclosed "[" is a literal.
func fnmatch(pat, name string) bool {
	p := []rune(pat)
	n := []rune(name)
	var match func(pi, ni int) bool
	match = func(pi, ni int) bool {
		for pi < len(p) {
			switch p[pi] {
			case '*':
				for pi < len(p) && p[pi] == '*' {
					pi++
				}
				if pi == len(p) {
					return true
				}
				for k := ni; k <= len(n); k++ {
					if match(pi, k) {
						return true
					}
				}
				return false
			case '?':
				if ni >= len(n) {
					return false
				}
				pi++
				ni++
			case '[':
				end, ok := classEnd(p, pi)
				if !ok {
					if ni >= len(n) || n[ni] != '[' {
						return false
					}
					pi++
					ni++
					continue
				}
				if ni >= len(n) || !inClass(p[pi+1:end], n[ni]) {
					return false
				}
				pi = end + 1
				ni++
			default:
				if ni >= len(n) || n[ni] != p[pi] {
					return false
				}
				pi++
				ni++
			}
		}
		return ni == len(n)
	}
	return match(0, 0)
}

// classEnd finds the "]" closing the class that starts at p[i] == '['.
func classEnd(p []rune, i int) (int, bool) {
	j := i + 1
	if j < len(p) && p[j] == '!' {
		j++
	}
	if j < len(p) && p[j] == ']' {
		j++
	}
	for j < len(p) && p[j] != ']' {
		j++
	}
	return j, j < len(p)
}

// inClass matches c against the body of a "[...]" class.
func inClass(body []rune, c rune) bool {
	neg := false
	if len(body) > 0 && body[0] == '!' {
		neg = true
		body = body[1:]
	}
	ok := false
	for i := 0; i < len(body); i++ {
		if i+2 < len(body) && body[i+1] == '-' {
			if body[i] <= c && c <= body[i+2] {
				ok = true
			}
			i += 2
			continue
		}
		if body[i] == c {
			ok = true
		}
	}
	return ok != neg
}

// isWordRune is Python's regex \w for str patterns.
func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsNumber(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)
}
