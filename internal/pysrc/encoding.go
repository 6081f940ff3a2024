package pysrc

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// ErrUnsupportedEncoding is wrapped by the error ReadInfo returns for a
// source file declaring a PEP 263 encoding this reader cannot decode
// (Python may still know it: the caller can fall back to importing).
var ErrUnsupportedEncoding = errors.New("unsupported source encoding")

// codingRE is PEP 263's coding declaration.
var codingRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)`)
})

// blankOrComment is Python's test for "line 2 may carry the declaration".
func blankOrComment(line []byte) bool {
	t := bytes.TrimLeft(line, " \t\f")
	return len(t) == 0 || t[0] == '#' || t[0] == '\r' || t[0] == '\n'
}

// splitLine returns the first physical line (with its terminator) of b.
func splitLine(b []byte) (line, rest []byte) {
	for i, c := range b {
		if c == '\n' {
			return b[:i+1], b[i+1:]
		}
		if c == '\r' {
			if i+1 < len(b) && b[i+1] == '\n' {
				return b[:i+2], b[i+2:]
			}
			return b[:i+1], b[i+1:]
		}
	}
	return b, nil
}

// normalEncoding maps an encoding name to the decoders this package has:
// "utf-8", "latin-1", "ascii", "cp1252", "iso-8859-15"; "" if unknown.
func normalEncoding(name string) string {
	n := strings.ToLower(strings.NewReplacer("_", "-", " ", "-").Replace(name))
	switch {
	case n == "utf-8" || strings.HasPrefix(n, "utf-8-"):
		return "utf-8"
	case n == "latin-1" || n == "iso-8859-1" || n == "iso-latin-1" ||
		strings.HasPrefix(n, "latin-1-") || strings.HasPrefix(n, "iso-8859-1-") || strings.HasPrefix(n, "iso-latin-1-"):
		return "latin-1"
	}
	switch n {
	case "utf8", "u8", "utf", "cp65001", "utf8-ucs2", "utf8-ucs4":
		return "utf-8"
	case "latin1", "l1", "iso8859-1", "8859", "cp819", "latin", "iso-ir-100", "iso-8859-1:1987", "csisolatin1":
		return "latin-1"
	case "ascii", "us-ascii", "646", "us", "ansi-x3.4-1968", "ansi-x3-4-1968", "iso646-us", "cp367", "csascii", "ibm367", "iso-ir-6":
		return "ascii"
	case "cp1252", "windows-1252", "1252":
		return "cp1252"
	case "iso-8859-15", "iso8859-15", "latin9", "latin-9", "l9", "iso-8859-15:1998":
		return "iso-8859-15"
	}
	return ""
}

// cp1252High maps bytes 0x80-0x9F of windows-1252; 0 marks an undefined byte.
var cp1252High = [32]rune{
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
}

var latin9 = map[byte]rune{
	0xA4: 0x20AC, 0xA6: 0x0160, 0xA8: 0x0161, 0xB4: 0x017D,
	0xB8: 0x017E, 0xBC: 0x0152, 0xBD: 0x0153, 0xBE: 0x0178,
}

// decodeSource turns the bytes of a Python source file into text the way
// the CPython tokenizer does: a UTF-8 BOM or a PEP 263 coding declaration
// on line 1 or 2 (line 2 only after a blank or comment line 1) selects the
// encoding, UTF-8 is the default, and \r\n and \r become \n.
func decodeSource(file string, data []byte) (string, error) {
	bom := bytes.HasPrefix(data, []byte("\xef\xbb\xbf"))
	if bom {
		data = data[3:]
	}
	enc, declared := "utf-8", ""
	line1, rest := splitLine(data)
	if m := codingRE().FindSubmatch(line1); m != nil {
		declared = string(m[1])
	} else if blankOrComment(line1) {
		line2, _ := splitLine(rest)
		if m := codingRE().FindSubmatch(line2); m != nil {
			declared = string(m[1])
		}
	}
	if declared != "" {
		enc = normalEncoding(declared)
		if enc == "" {
			return "", fmt.Errorf("%s: %w %q: this reader knows utf-8, latin-1, ascii, cp1252 and iso-8859-15; re-encode the file as UTF-8 and drop the coding line", file, ErrUnsupportedEncoding, declared)
		}
		// CPython only accepts the spellings "utf-8" and "utf-8-*" (any
		// case, '_' for '-') next to a BOM.
		if n := strings.ReplaceAll(strings.ToLower(declared), "_", "-"); bom && n != "utf-8" && !strings.HasPrefix(n, "utf-8-") {
			return "", syntaxErr(file, 1, 0, "", fmt.Sprintf("encoding problem: %s with BOM", declared))
		}
	}
	var text string
	switch enc {
	case "utf-8":
		// Not validated here: like CPython, invalid UTF-8 is only an error
		// outside comments (the tokenizer checks tokens).
		text = string(data)
	default:
		var b strings.Builder
		b.Grow(len(data) + len(data)/8)
		line := 1
		for _, c := range data {
			if c == '\n' {
				line++
			}
			r := rune(c)
			switch {
			case c < 0x80:
			case enc == "ascii":
				return "", syntaxErr(file, line, 0, "", fmt.Sprintf("(unicode error) 'ascii' codec can't decode byte 0x%02x (the file declares coding %s)", c, declared))
			case enc == "cp1252" && c < 0xA0:
				r = cp1252High[c-0x80]
				if r == 0 {
					return "", syntaxErr(file, line, 0, "", fmt.Sprintf("(unicode error) 'charmap' codec can't decode byte 0x%02x (undefined in %s)", c, declared))
				}
			case enc == "iso-8859-15":
				if m, ok := latin9[c]; ok {
					r = m
				}
			}
			b.WriteRune(r)
		}
		text = b.String()
	}
	if i := strings.IndexByte(text, 0); i >= 0 {
		return "", syntaxErr(file, 1+strings.Count(text[:i], "\n"), 0, "", "source code cannot contain null bytes")
	}
	if strings.IndexByte(text, '\r') >= 0 {
		text = strings.ReplaceAll(text, "\r\n", "\n")
		text = strings.ReplaceAll(text, "\r", "\n")
	}
	return text, nil
}
