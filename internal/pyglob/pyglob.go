// Package pyglob is Python's fnmatch.fnmatchcase, the component matcher
// under both glob.glob (sdist includes and excludes) and pathlib's glob
// (license-files): "*" matches any run of characters, "?" one character,
// "[seq]" / "[!seq]" one character in (or not in) seq, with ranges "a-z";
// an unclosed "[" is a literal. Matching is case-sensitive and works on
// runes. The directory walking differs between the two callers (hidden
// files, "**", symlinks) and stays with them.
package pyglob

import "strings"

// HasMagic reports whether s contains a wildcard (glob.has_magic).
func HasMagic(s string) bool { return strings.ContainsAny(s, "*?[") }

// Fnmatch reports whether name matches pat as fnmatch.fnmatchcase does.
// It runs in O(len(pat)·len(name)): on a mismatch it only ever resumes
// after the most recent "*".
func Fnmatch(pat, name string) bool {
	p, n := []rune(pat), []rune(name)
	pi, ni := 0, 0
	star, starN := -1, 0 // position after the last "*", and where its match ends
	for ni < len(n) {
		if pi < len(p) {
			switch c := p[pi]; c {
			case '*':
				for pi < len(p) && p[pi] == '*' {
					pi++
				}
				star, starN = pi, ni
				continue
			case '?':
				pi++
				ni++
				continue
			case '[':
				if end, ok := classEnd(p, pi); ok {
					if inClass(p[pi+1:end], n[ni]) {
						pi = end + 1
						ni++
						continue
					}
				} else if n[ni] == '[' {
					pi++
					ni++
					continue
				}
			default:
				if n[ni] == c {
					pi++
					ni++
					continue
				}
			}
		}
		if star < 0 {
			return false
		}
		starN++
		pi, ni = star, starN
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
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
		neg, body = true, body[1:]
	}
	found := false
	for i := 0; i < len(body); i++ {
		if i+2 < len(body) && body[i+1] == '-' {
			if body[i] <= c && c <= body[i+2] {
				found = true
			}
			i += 2
			continue
		}
		if body[i] == c {
			found = true
		}
	}
	return found != neg
}
