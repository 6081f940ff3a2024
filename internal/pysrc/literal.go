package pysrc

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// strLit is a decoded string literal token.
type strLit struct {
	value   string // the value; for bytes literals each byte is one byte of value
	isBytes bool
	isF     bool // an f-string or t-string (never a constant; value is not decoded)
}

// decodeString decodes one string literal token (prefix and quotes
// included) with Python's escape rules.
func decodeString(text string) (strLit, error) {
	i := strings.IndexAny(text, `'"`)
	prefix := strings.ToLower(text[:i])
	body := text[i:]
	q := 1
	if len(body) >= 6 && (strings.HasPrefix(body, `"""`) || strings.HasPrefix(body, `'''`)) {
		q = 3
	}
	body = body[q : len(body)-q]
	lit := strLit{isBytes: strings.Contains(prefix, "b"), isF: strings.ContainsAny(prefix, "ft")}
	if lit.isF {
		return lit, nil
	}
	raw := strings.Contains(prefix, "r")
	if lit.isBytes {
		for j := 0; j < len(body); j++ {
			if body[j] >= utf8.RuneSelf {
				return lit, fmt.Errorf("bytes can only contain ASCII literal characters")
			}
		}
	}
	if raw || strings.IndexByte(body, '\\') < 0 {
		lit.value = body
		return lit, nil
	}
	var b strings.Builder
	b.Grow(len(body))
	for j := 0; j < len(body); {
		c := body[j]
		if c != '\\' || j+1 >= len(body) {
			b.WriteByte(c)
			j++
			continue
		}
		e := body[j+1]
		j += 2
		switch e {
		case '\n':
		case '\\', '\'', '"':
			b.WriteByte(e)
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte('\v')
		case '0', '1', '2', '3', '4', '5', '6', '7':
			v := int(e - '0')
			for k := 0; k < 2 && j < len(body) && body[j] >= '0' && body[j] <= '7'; k++ {
				v = v*8 + int(body[j]-'0')
				j++
			}
			if lit.isBytes {
				b.WriteByte(byte(v))
			} else {
				b.WriteRune(rune(v))
			}
		case 'x', 'u', 'U':
			n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
			if e != 'x' && lit.isBytes {
				b.WriteByte('\\')
				b.WriteByte(e)
				continue
			}
			if j+n > len(body) || !isHex(body[j:j+n]) {
				return lit, fmt.Errorf("(unicode error) 'unicodeescape' codec can't decode bytes: truncated \\%c%s escape", e, strings.Repeat("X", n))
			}
			v, _ := strconv.ParseUint(body[j:j+n], 16, 32)
			j += n
			switch {
			case lit.isBytes:
				b.WriteByte(byte(v))
			case v > 0x10FFFF:
				return lit, fmt.Errorf("(unicode error) 'unicodeescape' codec can't decode bytes: illegal Unicode character")
			default:
				b.WriteRune(rune(v))
			}
		case 'N':
			if lit.isBytes {
				b.WriteString(`\N`)
				continue
			}
			end := strings.IndexByte(body[j:], '}')
			if j >= len(body) || body[j] != '{' || end < 0 {
				return lit, fmt.Errorf("(unicode error) 'unicodeescape' codec can't decode bytes: malformed \\N character escape")
			}
			name := body[j+1 : j+end]
			r, ok := lookupUnicodeName(name)
			if !ok {
				return lit, fmt.Errorf("(unicode error) 'unicodeescape' codec can't decode bytes: unknown Unicode character name %q", name)
			}
			b.WriteRune(r)
			j += end + 1
		default:
			// Unknown escapes stay as written (Python warns).
			b.WriteByte('\\')
			b.WriteByte(e)
		}
	}
	lit.value = b.String()
	return lit, nil
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if !(s[i] >= '0' && s[i] <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// unicode_names.gz lists "NAME;HEX" for every code point Python's
// unicodedata names, except algorithmically named ones (see
// gen_unicode_names.py, which regenerates it).
//
//go:embed unicode_names.gz
var unicodeNamesGz []byte

var unicodeNames = sync.OnceValue(func() map[string]rune {
	m := make(map[string]rune, 33000)
	zr, err := gzip.NewReader(bytes.NewReader(unicodeNamesGz))
	if err != nil {
		return m
	}
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		line := sc.Text()
		name, hex, ok := strings.Cut(line, ";")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		v, err := strconv.ParseUint(hex, 16, 32)
		if err == nil {
			m[name] = rune(v)
		}
	}
	return m
})

type cpRange struct{ lo, hi rune }

var algorithmicNames = []struct {
	prefix string
	ranges []cpRange
}{
	{"CJK UNIFIED IDEOGRAPH-", []cpRange{{0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0x20000, 0x2A6DF}, {0x2A700, 0x2B738}, {0x2B740, 0x2B81D}, {0x2B820, 0x2CEA1}, {0x2CEB0, 0x2EBE0}, {0x30000, 0x3134A}}},
	{"CJK COMPATIBILITY IDEOGRAPH-", []cpRange{{0xF900, 0xFA6D}, {0xFA70, 0xFAD9}, {0x2F800, 0x2FA1D}}},
	{"KHITAN SMALL SCRIPT CHARACTER-", []cpRange{{0x18B00, 0x18CD5}}},
	{"NUSHU CHARACTER-", []cpRange{{0x1B170, 0x1B2FB}}},
}

var (
	jamoL = []string{"G", "GG", "N", "D", "DD", "R", "M", "B", "BB", "S", "SS", "", "J", "JJ", "C", "K", "T", "P", "H"}
	jamoV = []string{"A", "AE", "YA", "YAE", "EO", "E", "YEO", "YE", "O", "WA", "WAE", "OE", "YO", "U", "WEO", "WE", "WI", "YU", "EU", "YI", "I"}
	jamoT = []string{"", "G", "GG", "GS", "N", "NJ", "NH", "D", "L", "LG", "LM", "LB", "LS", "LT", "LP", "LH", "M", "B", "BS", "S", "SS", "NG", "J", "C", "K", "T", "P", "H"}
)

// lookupUnicodeName is unicodedata.lookup for \N{...} escapes (names are
// matched case-insensitively, as Python does; name aliases are not known).
func lookupUnicodeName(name string) (rune, bool) {
	name = strings.ToUpper(name)
	for _, a := range algorithmicNames {
		if hex, ok := strings.CutPrefix(name, a.prefix); ok {
			if len(hex) < 4 || len(hex) > 5 || !isHex(hex) {
				return 0, false
			}
			v, _ := strconv.ParseUint(hex, 16, 32)
			for _, r := range a.ranges {
				if rune(v) >= r.lo && rune(v) <= r.hi {
					return rune(v), true
				}
			}
			return 0, false
		}
	}
	if syl, ok := strings.CutPrefix(name, "HANGUL SYLLABLE "); ok {
		for l, ls := range jamoL {
			if !strings.HasPrefix(syl, ls) {
				continue
			}
			for v, vs := range jamoV {
				if !strings.HasPrefix(syl[len(ls):], vs) {
					continue
				}
				for tt, ts := range jamoT {
					if syl[len(ls)+len(vs):] == ts {
						return rune(0xAC00 + (l*21+v)*28 + tt), true
					}
				}
			}
		}
		return 0, false
	}
	r, ok := unicodeNames()[name]
	return r, ok
}
