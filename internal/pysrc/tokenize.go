package pysrc

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"goflit/internal/diag"
)

// This file is a Python 3 tokenizer, just enough of CPython's to split a
// module into logical lines of tokens and to reject what CPython's
// tokenizer rejects (bad indentation, unterminated strings and brackets,
// stray characters). It follows the 3.12 rules for f-strings (PEP 701),
// which accept everything 3.11 accepts.

type tokKind uint8

const (
	tkName tokKind = iota
	tkNumber
	tkString
	tkOp
)

type token struct {
	kind tokKind
	text string // source text (for strings: prefix and quotes included)
	line int    // 1-based line of the first character
	col  int    // 1-based column (in runes)
}

// logicalLine is one NEWLINE-terminated logical line.
type logicalLine struct {
	toks     []token
	indent   int  // indentation column (tabs to multiples of 8)
	indented bool // an INDENT token precedes this line
	dedents  int  // number of DEDENT tokens before this line
}

type tokenizer struct {
	file   string
	src    string
	pos    int
	line   int
	lstart int // offset of the current line's first byte

	parens     []token // open brackets
	lines      []logicalLine
	cur        logicalLine
	indents    []int // col stack
	altIndents []int // col stack counting tabs as 1 (consistency check)
}

func syntaxErr(file string, line, col int, src, msg string) error {
	return diag.Diagnostic{File: file, Line: line, Col: col, Msg: "invalid Python syntax: " + msg, Source: src}
}

func (t *tokenizer) lineText(line int) string {
	s := t.src
	for i := 1; i < line; i++ {
		j := strings.IndexByte(s, '\n')
		if j < 0 {
			return ""
		}
		s = s[j+1:]
	}
	if j := strings.IndexByte(s, '\n'); j >= 0 {
		s = s[:j]
	}
	return s
}

func (t *tokenizer) errAt(line, col int, format string, args ...any) error {
	return syntaxErr(t.file, line, col, t.lineText(line), fmt.Sprintf(format, args...))
}

func (t *tokenizer) col() int { return 1 + utf8.RuneCountInString(t.src[t.lstart:t.pos]) }

func (t *tokenizer) newline() {
	t.line++
	t.lstart = t.pos
}

// tokenize splits src into logical lines.
func tokenize(file, src string) ([]logicalLine, error) {
	t := &tokenizer{file: file, src: src, line: 1, indents: []int{0}, altIndents: []int{0}}
	if err := t.run(); err != nil {
		return nil, err
	}
	return t.lines, nil
}

func (t *tokenizer) emit(k tokKind, start, line, col int) {
	t.cur.toks = append(t.cur.toks, token{kind: k, text: t.src[start:t.pos], line: line, col: col})
}

func (t *tokenizer) endLogical() {
	if len(t.cur.toks) > 0 {
		t.lines = append(t.lines, t.cur)
	}
	t.cur = logicalLine{}
}

func (t *tokenizer) run() error {
	atLineStart := true
	for {
		if atLineStart {
			atLineStart = false
			if done, err := t.indentation(); err != nil || done {
				return err
			}
		}
		// skip blanks
		for t.pos < len(t.src) && (t.src[t.pos] == ' ' || t.src[t.pos] == '\t' || t.src[t.pos] == '\f') {
			t.pos++
		}
		if t.pos >= len(t.src) {
			return t.eof()
		}
		c := t.src[t.pos]
		line, col, start := t.line, t.col(), t.pos
		switch {
		case c == '#':
			for t.pos < len(t.src) && t.src[t.pos] != '\n' {
				t.pos++
			}
		case c == '\n':
			t.pos++
			t.newline()
			if len(t.parens) == 0 {
				t.endLogical()
				atLineStart = true
			}
		case c == '\\':
			if t.pos+1 < len(t.src) && t.src[t.pos+1] == '\n' {
				t.pos += 2
				t.newline()
				if t.pos >= len(t.src) {
					return t.errAt(line, col, "unexpected EOF while parsing (a line continuation backslash ends the file)")
				}
				continue
			}
			return t.errAt(line, col, "unexpected character after line continuation character")
		case c == '\'' || c == '"':
			if err := t.scanString(""); err != nil {
				return err
			}
			if err := t.checkUTF8(start, line, col); err != nil {
				return err
			}
			t.emit(tkString, start, line, col)
		case c >= '0' && c <= '9' || c == '.' && t.pos+1 < len(t.src) && isDigit(t.src[t.pos+1]):
			if err := t.scanNumber(); err != nil {
				return err
			}
			t.emit(tkNumber, start, line, col)
		case c < utf8.RuneSelf && isIdentStartASCII(c) || c >= utf8.RuneSelf:
			r, n := utf8.DecodeRuneInString(t.src[t.pos:])
			if r == utf8.RuneError && n == 1 {
				return t.badUTF8(t.pos, line, col)
			}
			if c >= utf8.RuneSelf && !isIdentStart(r) {
				if !unicode.IsPrint(r) {
					return t.errAt(line, col, "invalid non-printable character U+%04X", r)
				}
				return t.errAt(line, col, "invalid character '%c' (U+%04X)", r, r)
			}
			t.scanIdent()
			word := t.src[start:t.pos]
			if t.pos < len(t.src) && (t.src[t.pos] == '\'' || t.src[t.pos] == '"') && isStringPrefix(word) {
				if err := t.scanString(strings.ToLower(word)); err != nil {
					return err
				}
				if !strings.ContainsAny(word, "bB") {
					if err := t.checkUTF8(start, line, col); err != nil {
						return err
					}
				}
				t.emit(tkString, start, line, col)
				continue
			}
			t.emit(tkName, start, line, col)
		default:
			n := opLen(t.src[t.pos:])
			if n == 0 {
				if c == '!' {
					return t.errAt(line, col, "invalid syntax: '!' is only valid in '!='")
				}
				if c < 0x20 || c == 0x7f {
					return t.errAt(line, col, "invalid non-printable character U+%04X", c)
				}
				return t.errAt(line, col, "invalid character '%c' (U+%04X)", c, c)
			}
			op := t.src[t.pos : t.pos+n]
			t.pos += n
			switch op {
			case "(", "[", "{":
				t.parens = append(t.parens, token{kind: tkOp, text: op, line: line, col: col})
			case ")", "]", "}":
				if len(t.parens) == 0 {
					return t.errAt(line, col, "unmatched '%s'", op)
				}
				open := t.parens[len(t.parens)-1]
				if closing(open.text) != op {
					if open.line != line {
						return t.errAt(line, col, "closing parenthesis '%s' does not match opening parenthesis '%s' on line %d", op, open.text, open.line)
					}
					return t.errAt(line, col, "closing parenthesis '%s' does not match opening parenthesis '%s'", op, open.text)
				}
				t.parens = t.parens[:len(t.parens)-1]
			}
			t.emit(tkOp, start, line, col)
		}
	}
}

// checkUTF8 rejects a str literal (src[start:t.pos]) that is not UTF-8.
func (t *tokenizer) checkUTF8(start, line, col int) error {
	lit := t.src[start:t.pos]
	if utf8.ValidString(lit) {
		return nil
	}
	for i := 0; i < len(lit); {
		r, n := utf8.DecodeRuneInString(lit[i:])
		if r == utf8.RuneError && n == 1 {
			bl := line + strings.Count(lit[:i], "\n")
			bc := col + utf8.RuneCountInString(lit[:i])
			if j := strings.LastIndexByte(lit[:i], '\n'); j >= 0 {
				bc = 1 + utf8.RuneCountInString(lit[j+1:i])
			}
			return t.badUTF8(start+i, bl, bc)
		}
		i += n
	}
	return nil
}

func (t *tokenizer) badUTF8(off, line, col int) error {
	return t.errAt(line, col, "(unicode error) 'utf-8' codec can't decode byte 0x%02x: the file is not valid UTF-8 (save it as UTF-8, or declare its encoding with a \"# -*- coding: NAME -*-\" line)", t.src[off])
}

func closing(open string) string {
	switch open {
	case "(":
		return ")"
	case "[":
		return "]"
	}
	return "}"
}

func (t *tokenizer) eof() error {
	if len(t.parens) > 0 {
		p := t.parens[len(t.parens)-1]
		return t.errAt(p.line, p.col, "'%s' was never closed", p.text)
	}
	t.endLogical()
	return nil
}

// indentation measures the indentation of a new line, skipping blank and
// comment-only lines, and records INDENT/DEDENT for the next logical line.
// It reports done at the end of the input.
func (t *tokenizer) indentation() (done bool, err error) {
	for {
		col, alt := 0, 0
		for t.pos < len(t.src) {
			switch t.src[t.pos] {
			case ' ':
				col++
				alt++
			case '\t':
				col = (col/8 + 1) * 8
				alt++
			case '\f':
				col, alt = 0, 0
			default:
				goto measured
			}
			t.pos++
		}
	measured:
		if t.pos >= len(t.src) {
			return true, t.eof()
		}
		switch t.src[t.pos] {
		case '#':
			for t.pos < len(t.src) && t.src[t.pos] != '\n' {
				t.pos++
			}
			if t.pos >= len(t.src) {
				return true, t.eof()
			}
			fallthrough
		case '\n':
			t.pos++
			t.newline()
			continue
		case '\\':
			// A continuation right after the indentation: the logical line
			// starts here; CPython measures the indent as usual.
		}
		top := len(t.indents) - 1
		switch {
		case col == t.indents[top]:
			if alt != t.altIndents[top] {
				return false, t.errAt(t.line, 1, "inconsistent use of tabs and spaces in indentation")
			}
		case col > t.indents[top]:
			if alt <= t.altIndents[top] {
				return false, t.errAt(t.line, 1, "inconsistent use of tabs and spaces in indentation")
			}
			t.indents = append(t.indents, col)
			t.altIndents = append(t.altIndents, alt)
			t.cur.indented = true
		default:
			for len(t.indents) > 1 && col < t.indents[len(t.indents)-1] {
				t.indents = t.indents[:len(t.indents)-1]
				t.altIndents = t.altIndents[:len(t.altIndents)-1]
				t.cur.dedents++
			}
			top = len(t.indents) - 1
			if col != t.indents[top] {
				return false, t.errAt(t.line, 1, "unindent does not match any outer indentation level")
			}
			if alt != t.altIndents[top] {
				return false, t.errAt(t.line, 1, "inconsistent use of tabs and spaces in indentation")
			}
		}
		t.cur.indent = col
		return false, nil
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isIdentStartASCII(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isIdentStart(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.Is(unicode.Nl, r) || unicode.Is(unicode.Other_ID_Start, r)
}

func isIdentContinue(r rune) bool {
	return isIdentStart(r) || unicode.Is(unicode.Nd, r) || unicode.Is(unicode.Mn, r) ||
		unicode.Is(unicode.Mc, r) || unicode.Is(unicode.Pc, r) || unicode.Is(unicode.Other_ID_Continue, r)
}

func (t *tokenizer) scanIdent() {
	for t.pos < len(t.src) {
		c := t.src[t.pos]
		if c < utf8.RuneSelf {
			if isIdentStartASCII(c) || isDigit(c) {
				t.pos++
				continue
			}
			return
		}
		r, n := utf8.DecodeRuneInString(t.src[t.pos:])
		if !isIdentContinue(r) {
			return
		}
		t.pos += n
	}
}

// isStringPrefix reports whether word is a valid string prefix.
func isStringPrefix(word string) bool {
	switch strings.ToLower(word) {
	case "r", "u", "f", "b", "br", "rb", "fr", "rf", "t", "tr", "rt": // t: PEP 750 template strings
		return true
	}
	return false
}

// opLen returns the length of the operator or delimiter at the start of
// s (longest match), or 0.
func opLen(s string) int {
	if len(s) >= 3 {
		switch s[:3] {
		case "**=", "//=", ">>=", "<<=", "...":
			return 3
		}
	}
	if len(s) >= 2 {
		switch s[:2] {
		case "**", "//", ">>", "<<", "<=", ">=", "==", "!=", "->", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=", ":=":
			return 2
		}
	}
	switch s[0] {
	case '+', '-', '*', '/', '%', '@', '&', '|', '^', '~', '<', '>', '(', ')', '[', ']', '{', '}', ',', ':', '.', ';', '=':
		return 1
	}
	return 0
}

// scanNumber scans a numeric literal starting at t.pos.
func (t *tokenizer) scanNumber() error {
	line, col, start := t.line, t.col(), t.pos
	s := t.src
	digits := func(ok func(byte) bool) int {
		n := 0
		for t.pos < len(s) && (ok(s[t.pos]) || s[t.pos] == '_' && t.pos+1 < len(s) && ok(s[t.pos+1]) && n > 0) {
			t.pos++
			n++
		}
		return n
	}
	if s[t.pos] == '0' && t.pos+1 < len(s) && strings.IndexByte("xXoObB", s[t.pos+1]) >= 0 {
		var ok func(byte) bool
		switch s[t.pos+1] | 0x20 {
		case 'x':
			ok = func(c byte) bool { return isDigit(c) || c|0x20 >= 'a' && c|0x20 <= 'f' }
		case 'o':
			ok = func(c byte) bool { return c >= '0' && c <= '7' }
		default:
			ok = func(c byte) bool { return c == '0' || c == '1' }
		}
		t.pos += 2
		if t.pos < len(s) && s[t.pos] == '_' {
			t.pos++
		}
		if digits(ok) == 0 {
			return t.errAt(line, col, "invalid %s literal", map[byte]string{'x': "hexadecimal", 'o': "octal", 'b': "binary"}[s[start+1]|0x20])
		}
		if t.pos < len(s) && isDigit(s[t.pos]) {
			return t.errAt(line, col, "invalid digit '%c' in %s literal", s[t.pos], map[byte]string{'x': "hexadecimal", 'o': "octal", 'b': "binary"}[s[start+1]|0x20])
		}
		return t.endOfNumber(line, col, map[byte]string{'x': "hexadecimal", 'o': "octal", 'b': "binary"}[s[start+1]|0x20])
	}
	intPart := digits(isDigit)
	isInt := true
	if t.pos < len(s) && s[t.pos] == '.' {
		isInt = false
		t.pos++
		digits(isDigit)
	}
	if t.pos < len(s) && (s[t.pos] == 'e' || s[t.pos] == 'E') {
		save := t.pos
		t.pos++
		if t.pos < len(s) && (s[t.pos] == '+' || s[t.pos] == '-') {
			t.pos++
		}
		if digits(isDigit) == 0 {
			t.pos = save // "1else" and friends: the e starts a name
		} else {
			isInt = false
		}
	}
	kind := "decimal"
	if t.pos < len(s) && (s[t.pos] == 'j' || s[t.pos] == 'J') {
		t.pos++
		isInt = false
		kind = "imaginary"
	}
	if isInt && intPart > 1 && s[start] == '0' && strings.Trim(s[start:t.pos], "0_") != "" {
		return t.errAt(line, col, "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers")
	}
	return t.endOfNumber(line, col, kind)
}

// endOfNumber is CPython's verify_end_of_number: a literal directly
// followed by an identifier character is an error, except before the
// keywords that may follow a number ("1if x else 2", deprecated).
func (t *tokenizer) endOfNumber(line, col int, kind string) error {
	if t.pos >= len(t.src) {
		return nil
	}
	rest := t.src[t.pos:]
	for _, kw := range []string{"and", "else", "for", "if", "in", "is", "not", "or"} {
		if strings.HasPrefix(rest, kw) {
			return nil
		}
	}
	if c := rest[0]; c >= utf8.RuneSelf || isIdentStartASCII(c) || isDigit(c) {
		return t.errAt(line, col, "invalid %s literal", kind)
	}
	return nil
}

// scanString scans a string literal whose (lowercased) prefix has already
// been consumed; t.pos is at the opening quote.
func (t *tokenizer) scanString(prefix string) error {
	if strings.ContainsAny(prefix, "ft") {
		return t.scanFString(strings.Contains(prefix, "r"))
	}
	line, col := t.line, t.col()
	q := t.src[t.pos]
	triple := strings.HasPrefix(t.src[t.pos:], strings.Repeat(string(q), 3))
	if triple {
		t.pos += 3
	} else {
		t.pos++
	}
	for t.pos < len(t.src) {
		c := t.src[t.pos]
		switch {
		case c == '\\':
			t.pos++
			if t.pos < len(t.src) {
				if t.src[t.pos] == '\n' {
					t.pos++
					t.newline()
				} else {
					t.pos++
				}
			}
			continue
		case c == '\n':
			if !triple {
				return t.errAt(line, col, "unterminated string literal (detected at line %d)", line)
			}
			t.pos++
			t.newline()
			continue
		case c == q:
			if !triple {
				t.pos++
				return nil
			}
			if strings.HasPrefix(t.src[t.pos:], strings.Repeat(string(q), 3)) {
				t.pos += 3
				return nil
			}
		}
		t.pos++
	}
	if triple {
		return t.errAt(line, col, "unterminated triple-quoted string literal (detected at line %d)", t.line)
	}
	return t.errAt(line, col, "unterminated string literal (detected at line %d)", line)
}

// scanFString scans an f-string with PEP 701 nesting: replacement fields
// hold expressions that may contain any strings, brackets and format specs.
func (t *tokenizer) scanFString(raw bool) error {
	line, col := t.line, t.col()
	q := t.src[t.pos]
	closeQ := string(q)
	if strings.HasPrefix(t.src[t.pos:], strings.Repeat(closeQ, 3)) {
		closeQ = strings.Repeat(closeQ, 3)
	}
	triple := len(closeQ) == 3
	t.pos += len(closeQ)
	unterminated := func() error {
		if triple {
			return t.errAt(line, col, "unterminated triple-quoted f-string literal (detected at line %d)", t.line)
		}
		return t.errAt(line, col, "unterminated f-string literal (detected at line %d)", line)
	}
	// literal scans literal text up to the closing quote (inSpec=false) or
	// the end of a format spec (inSpec=true, stops before the '}').
	var literal func(inSpec bool) error
	var field func() error
	literal = func(inSpec bool) error {
		for t.pos < len(t.src) {
			c := t.src[t.pos]
			switch {
			case !inSpec && strings.HasPrefix(t.src[t.pos:], closeQ):
				t.pos += len(closeQ)
				return nil
			case inSpec && strings.HasPrefix(t.src[t.pos:], closeQ):
				return t.errAt(t.line, t.col(), "f-string: expecting '}'")
			case c == '\\' && !inSpec:
				t.pos++
				if t.pos < len(t.src) && t.src[t.pos] != '{' && t.src[t.pos] != '}' {
					if t.src[t.pos] == '\n' {
						t.pos++
						t.newline()
					} else if !raw || t.src[t.pos] == q || t.src[t.pos] == '\\' {
						t.pos++
					}
				}
			case c == '\n':
				if !triple {
					return unterminated()
				}
				t.pos++
				t.newline()
			case c == '{':
				if !inSpec && strings.HasPrefix(t.src[t.pos:], "{{") {
					t.pos += 2
					continue
				}
				t.pos++
				if err := field(); err != nil {
					return err
				}
			case c == '}':
				if inSpec {
					return nil
				}
				if strings.HasPrefix(t.src[t.pos:], "}}") {
					t.pos += 2
					continue
				}
				return t.errAt(t.line, t.col(), "f-string: single '}' is not allowed")
			default:
				t.pos++
			}
		}
		return unterminated()
	}
	// field scans a replacement field after its '{' up to and including '}'.
	field = func() error {
		depth := 0
		fline, fcol := t.line, t.col()
		for t.pos < len(t.src) {
			c := t.src[t.pos]
			switch {
			case c == '\'' || c == '"':
				if err := t.scanString(""); err != nil {
					return err
				}
				continue
			case c < utf8.RuneSelf && isIdentStartASCII(c) || c >= utf8.RuneSelf:
				start := t.pos
				if r, _ := utf8.DecodeRuneInString(t.src[t.pos:]); c >= utf8.RuneSelf && !isIdentStart(r) {
					t.pos += utf8.RuneLen(r)
					continue
				}
				t.scanIdent()
				if t.pos < len(t.src) && (t.src[t.pos] == '\'' || t.src[t.pos] == '"') && isStringPrefix(t.src[start:t.pos]) {
					if err := t.scanString(strings.ToLower(t.src[start:t.pos])); err != nil {
						return err
					}
				}
				continue
			case c == '(' || c == '[' || c == '{':
				depth++
			case c == ')' || c == ']':
				if depth == 0 {
					return t.errAt(t.line, t.col(), "f-string: unmatched '%c'", c)
				}
				depth--
			case c == '}':
				if depth == 0 {
					t.pos++
					return nil
				}
				depth--
			case c == '!' && depth == 0 && !strings.HasPrefix(t.src[t.pos:], "!="):
				// conversion: !r, !s, !a
			case c == ':' && depth == 0:
				t.pos++
				if err := literal(true); err != nil {
					return err
				}
				t.pos++ // the '}'
				return nil
			case c == '\n':
				t.pos++
				t.newline()
				continue
			case c == '#':
				// A comment in a multi-line replacement field (PEP 701).
				for t.pos < len(t.src) && t.src[t.pos] != '\n' {
					t.pos++
				}
				continue
			case c == '\\':
				t.pos++
			}
			t.pos++
		}
		return t.errAt(fline, fcol, "f-string: expecting '}'")
	}
	return literal(false)
}
