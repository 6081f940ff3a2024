// Package pystr reproduces the few Python str operations whose exact output
// shows up in flit's messages and normalisations: repr(), str.lower() and
// str.isspace(). It uses only the standard library, so the standards packages
// (names, pep440, spdx, pep508) may import it.
package pystr

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Repr quotes s the way Python's repr() quotes a str (flit formats its
// messages with {x!r}): single quotes unless s contains a single quote and no
// double quote; backslash and the chosen quote escaped; \n, \r, \t by name;
// other non-printable characters as \xNN, \uNNNN or \UNNNNNNNN. Go strings may
// hold bytes that are not UTF-8, which a Python str cannot; each such byte is
// shown as \xNN.
func Repr(s string) string {
	q := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		q = '"'
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte(q)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i-1])
		case r == rune(q) || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r < 0x7f || unicode.IsPrint(r):
			b.WriteRune(r)
		case r <= 0xff:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
	}
	b.WriteByte(q)
	return b.String()
}

// Lower lowercases like Python's str.lower(): Go's simple case mapping plus
// the one unconditional special case (U+0130 becomes "i" + U+0307).
func Lower(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r == '\u0130' {
			b.WriteString("i\u0307")
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// IsSpace reports whether r is whitespace for Python's str.isspace() (and
// the \s class of its re module): Go's unicode.IsSpace plus the four
// information separators U+001C..U+001F.
func IsSpace(r rune) bool {
	return unicode.IsSpace(r) || r >= 0x1c && r <= 0x1f
}

// TrimSpace is Python's str.strip() with no argument.
func TrimSpace(s string) string { return strings.TrimFunc(s, IsSpace) }
