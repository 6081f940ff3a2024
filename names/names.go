// Package names implements the naming rules Python packaging applies to
// distribution names, extras and import names.
//
//   - Normalize: PEP 503 name normalisation, re.sub(r"[-_.]+", "-", name).lower().
//   - NormalizeExtra: PEP 685 extra normalisation (the same rule as PEP 503).
//   - Escape: the form used in wheel, sdist and .dist-info file names
//     (binary distribution format spec, PEP 625): runs of [-_.] become "_",
//     then the result is lowercased.
//   - ValidProjectName: the core metadata "Name" rule flit checks,
//     ^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$ matched case-insensitively.
//   - IsIdentifier / IsDottedIdentifier: Python's str.isidentifier() (the
//     Unicode XID_Start/XID_Continue rule of PEP 3131, approximated with Go's
//     Unicode tables), used for module names and entry points.
//
// The package does no I/O and depends only on the standard library (and
// goflit/internal/pystr, which is stdlib-only).
package names

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"goflit/internal/pystr"
)

func isSep(c byte) bool { return c == '-' || c == '_' || c == '.' }

// replaceRuns lowercases s and replaces every run of [-_.] with repl.
func replaceRuns(s string, repl byte) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		if isSep(s[i]) {
			for i < len(s) && isSep(s[i]) {
				i++
			}
			b.WriteByte(repl)
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return pystr.Lower(b.String())
}

// Normalize returns the PEP 503 normalised form of a project name: lowercase,
// with every run of "-", "_" and "." replaced by a single "-".
func Normalize(name string) string { return replaceRuns(name, '-') }

// NormalizeExtra returns the PEP 685 normalised form of an extra name (the
// same rule as Normalize).
func NormalizeExtra(s string) string { return replaceRuns(s, '-') }

// Escape returns the form of a distribution name used in wheel, sdist and
// .dist-info names: every run of "-", "_" and "." becomes "_", lowercased
// ("Ex.Pkg" -> "ex_pkg").
func Escape(name string) string { return replaceRuns(name, '_') }

func isAlnumASCII(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// ValidProjectName reports whether s is a valid project (distribution) name:
// ASCII letters and digits, with ".", "_" and "-" allowed only between them
// (flit's ^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$, case-insensitive). flit
// applies the same rule to extra names.
func ValidProjectName(s string) bool {
	if s == "" || !isAlnumASCII(s[0]) || !isAlnumASCII(s[len(s)-1]) {
		return false
	}
	for i := 1; i < len(s)-1; i++ {
		if !isAlnumASCII(s[i]) && !isSep(s[i]) {
			return false
		}
	}
	return true
}

// notXIDStart lists the characters of ID_Start that are not in XID_Start
// (they are not closed under NFKC); notXIDContinue is the same for
// ID_Continue.
func notXIDStart(r rune) bool {
	switch r {
	case 0x0E33, 0x0EB3, 0xFF9E, 0xFF9F:
		return true
	}
	return notXIDContinue(r)
}

func notXIDContinue(r rune) bool {
	switch {
	case r == 0x037A, r == 0x309B, r == 0x309C, r == 0xFDFA, r == 0xFDFB:
		return true
	case r >= 0xFC5E && r <= 0xFC63:
		return true
	case r >= 0xFE70 && r <= 0xFE7E && r%2 == 0:
		return true
	}
	return false
}

// isIDStart reports whether r may start a Python identifier (XID_Start or "_").
func isIDStart(r rune) bool {
	if r == '_' || r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
		return true
	}
	if r < utf8.RuneSelf {
		return false
	}
	if notXIDStart(r) || unicode.In(r, unicode.Pattern_Syntax, unicode.Pattern_White_Space) {
		return false
	}
	return unicode.In(r, unicode.Lu, unicode.Ll, unicode.Lt, unicode.Lm, unicode.Lo, unicode.Nl, unicode.Other_ID_Start)
}

// isIDContinue reports whether r may continue a Python identifier (XID_Continue).
func isIDContinue(r rune) bool {
	if isIDStart(r) || r < utf8.RuneSelf && r >= '0' && r <= '9' {
		return true
	}
	if r < utf8.RuneSelf || notXIDContinue(r) {
		return false
	}
	if r == 0x0E33 || r == 0x0EB3 || r == 0xFF9E || r == 0xFF9F {
		return true
	}
	if unicode.In(r, unicode.Pattern_Syntax, unicode.Pattern_White_Space) {
		return false
	}
	return unicode.In(r, unicode.Mn, unicode.Mc, unicode.Nd, unicode.Pc, unicode.Other_ID_Continue)
}

// IsIdentifier reports whether s is a Python identifier, like
// str.isidentifier(): a letter (any script) or "_" followed by letters,
// digits, combining marks and connector punctuation. Keywords are identifiers
// too, as in Python.
func IsIdentifier(s string) bool {
	if s == "" || !utf8.ValidString(s) {
		return false
	}
	for i, r := range s {
		if i == 0 {
			if !isIDStart(r) {
				return false
			}
		} else if !isIDContinue(r) {
			return false
		}
	}
	return true
}

// IsDottedIdentifier reports whether s is one or more identifiers joined by
// single dots ("pkg.sub.mod").
func IsDottedIdentifier(s string) bool {
	for part := range strings.SplitSeq(s, ".") {
		if !IsIdentifier(part) {
			return false
		}
	}
	return true
}
