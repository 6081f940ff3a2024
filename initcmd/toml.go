package initcmd

import (
	"fmt"
	"strings"
)

// Quote returns s as a TOML basic string: quotes, backslashes and control
// characters escaped, everything else (non-ASCII included) kept as is. For
// ordinary text this is byte-for-byte what flit writes (json.dumps with
// ensure_ascii=False / tomli_w).
func Quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\f':
			b.WriteString(`\f`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\u%04x`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// bareKeyOK reports whether k can be written as a TOML bare key.
func bareKeyOK(k string) bool {
	if k == "" {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// Key returns k as a TOML key: bare when possible, else quoted.
func Key(k string) string {
	if bareKeyOK(k) {
		return k
	}
	return Quote(k)
}

// quoteList writes ["a", "b"] on one line.
func quoteList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = Quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// quoteListMultiline writes a list one item a line when it has more than
// one item, as people write dependency and classifier lists by hand.
func quoteListMultiline(items []string) string {
	if len(items) <= 1 {
		return quoteList(items)
	}
	var b strings.Builder
	b.WriteString("[\n")
	for _, s := range items {
		b.WriteString("    " + Quote(s) + ",\n")
	}
	b.WriteString("]")
	return b.String()
}
