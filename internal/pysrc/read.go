package pysrc

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"goflit/internal/pystr"
)

// Info is what the static reader found in a module's source.
type Info struct {
	Doc    string // the module docstring, cleaned like inspect.cleandoc
	HasDoc bool   // the module file starts with a string literal statement

	// Version is the value of the first top-level constant assignment to
	// __version__: the string itself for a str, else the constant as
	// Python's repr would show it (e.g. "0.1" for a float, "b'1.0'").
	Version    string
	HasVersion bool
	// VersionKind is "str", or the Python type name of a non-string
	// constant: "bytes", "int", "float", "complex", "bool", "NoneType",
	// "ellipsis".
	VersionKind string
	// VersionTruthy is the constant's Python truth value. flit treats a
	// falsy version ("", 0, None, False, b"") like a missing one and
	// imports the module instead.
	VersionTruthy bool

	File string // the file the docstring came from (the module file)
}

// NeedsImport reports whether flit would fall back to importing the module
// because the static pass missed a wanted field: a missing or empty
// docstring, or a missing or falsy __version__.
func (i Info) NeedsImport(wantVersion, wantDoc bool) bool {
	return wantDoc && (!i.HasDoc || i.Doc == "") || wantVersion && (!i.HasVersion || !i.VersionTruthy)
}

// VersionFiles lists the files ReadInfo parses, in order: for a package its
// __version__.py, _version.py and version.py (those that exist) and then
// __init__.py; for a single-file module just that file.
func (m *Module) VersionFiles() []string {
	if !m.IsPackage {
		return []string{m.Path}
	}
	var out []string
	for _, f := range []string{"__version__.py", "_version.py", "version.py"} {
		p := filepath.Join(m.Path, f)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			out = append(out, p)
		}
	}
	return append(out, m.File())
}

// ReadInfo reads the docstring and __version__ of a module without running
// Python, as flit_core's AST pass does: in each of VersionFiles the first
// top-level assignment (plain or annotated, chained targets allowed) of a
// constant to __version__ is taken, later files overriding earlier ones;
// the docstring is that of the last file, the module file. A syntax error
// is returned as a diag.Diagnostic naming file:line.
//
// What counts as a syntax error: everything CPython's tokenizer rejects
// (unterminated strings and brackets, bad indentation and dedents,
// inconsistent tabs, stray characters, invalid UTF-8 outside comments,
// bad escapes in literals, bytes/str concatenation, a block header without
// a block). Errors of the grammar proper (e.g. "x = = 1") are not
// detected; Python reports them when the module is imported. Source
// encodings: UTF-8 (with or without BOM), latin-1, ascii, cp1252 and
// iso-8859-15; other PEP 263 declarations give an error wrapping
// ErrUnsupportedEncoding. Docstrings are cleaned as Python 3.11's
// inspect.cleandoc does (3.13 strips only spaces: results differ only
// for lines starting with other whitespace). \N{...} knows every name of
// Unicode 14 (Python 3.11) but not the name aliases.
func ReadInfo(m *Module) (Info, error) {
	var info Info
	for _, file := range m.VersionFiles() {
		data, err := os.ReadFile(file)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && m.IsPackage {
				return info, fmt.Errorf("%s: no such file: package %s has no __init__.py to read the docstring and __version__ from; add one, or give the version and description statically in [project]", file, m.Name)
			}
			return info, fmt.Errorf("%s: %v", file, err)
		}
		fi, err := readSource(file, data)
		if err != nil {
			return info, err
		}
		if fi.HasVersion {
			info.Version, info.HasVersion, info.VersionKind, info.VersionTruthy = fi.Version, true, fi.VersionKind, fi.VersionTruthy
		}
		info.Doc, info.HasDoc, info.File = fi.Doc, fi.HasDoc, file
	}
	return info, nil
}

// ReadSource is the reader for one file's bytes (file is used in errors).
func ReadSource(file string, data []byte) (Info, error) {
	info, err := readSource(file, data)
	info.File = file
	return info, err
}

func readSource(file string, data []byte) (Info, error) {
	var info Info
	src, err := decodeSource(file, data)
	if err != nil {
		return info, err
	}
	lines, err := tokenize(file, src)
	if err != nil {
		return info, err
	}
	t := &tokenizer{file: file, src: src}
	// Block structure: an indented line must follow a line ending in ':'
	// and vice versa.
	for i, ll := range lines {
		first := ll.toks[0]
		prevColon := i > 0 && endsWithColon(lines[i-1])
		switch {
		case ll.indented && !prevColon:
			return info, t.errAt(first.line, first.col, "unexpected indent")
		case prevColon && !ll.indented:
			p := lines[i-1].toks[0]
			return info, t.errAt(first.line, first.col, "expected an indented block after '%s' statement on line %d", p.text, p.line)
		}
	}
	if n := len(lines); n > 0 && endsWithColon(lines[n-1]) {
		p := lines[n-1].toks[0]
		return info, t.errAt(p.line, p.col, "expected an indented block after '%s' statement on line %d (end of file)", p.text, p.line)
	}
	// Every string literal must decode, and bytes and str literals must not
	// be concatenated, anywhere in the file (Python rejects the file).
	for _, ll := range lines {
		for i := 0; i < len(ll.toks); i++ {
			if ll.toks[i].kind != tkString {
				continue
			}
			j := i
			for j < len(ll.toks) && ll.toks[j].kind == tkString {
				j++
			}
			if _, _, err := concatStrings(ll.toks[i:j]); err != nil {
				tok := ll.toks[i]
				return info, t.errAt(tok.line, tok.col, "%v", err)
			}
			i = j
		}
	}
	for _, ll := range lines {
		for i, tk := range ll.toks {
			if tk.kind == tkOp && tk.text == ";" && (i == 0 || ll.toks[i-1].kind == tkOp && ll.toks[i-1].text == ";") {
				return info, t.errAt(tk.line, tk.col, "invalid syntax (empty statement before ';')")
			}
		}
		if !isCompound(ll.toks) {
			for _, stmt := range splitSimple(ll.toks) {
				if tk, ok := badSimpleStatement(stmt); !ok {
					return info, t.errAt(tk.line, tk.col, "invalid syntax")
				}
			}
		}
	}
	for i, ll := range lines {
		if ll.indent != 0 || isCompound(ll.toks) {
			continue
		}
		for k, stmt := range splitSimple(ll.toks) {
			if i == 0 && k == 0 {
				if lit, ok := constantValue(stmt); ok && lit.kind == "str" {
					info.Doc, info.HasDoc = cleandoc(lit.value), true
				}
			}
			if !info.HasVersion {
				if c, ok := versionAssignment(stmt); ok {
					info.HasVersion, info.Version, info.VersionKind, info.VersionTruthy = true, c.value, c.kind, c.truthy
				}
			}
		}
	}
	return info, nil
}

func endsWithColon(ll logicalLine) bool {
	last := ll.toks[len(ll.toks)-1]
	return last.kind == tkOp && last.text == ":"
}

// isCompound reports whether a logical line is a compound statement (its
// body, even on the same line, is not at module level).
func isCompound(toks []token) bool {
	f := toks[0]
	if f.kind == tkOp {
		return f.text == "@"
	}
	if f.kind != tkName {
		return false
	}
	switch f.text {
	case "if", "elif", "else", "while", "for", "try", "except", "finally", "with", "def", "class", "async":
		return true
	case "match", "case":
		// Soft keywords: a match/case header ends with ':' and is not an
		// assignment or annotation of a variable named match/case.
		return endsWithColon(logicalLine{toks: toks}) && len(toks) > 1 &&
			!(toks[1].kind == tkOp && (toks[1].text == ":" || toks[1].text == "=" || toks[1].text == "."))
	}
	return false
}

// cannotStart are operators no simple statement starts with.
var cannotStart = map[string]bool{
	"=": true, ":": true, ",": true, ".": true, "%": true, "/": true, "//": true, "<": true, ">": true,
	"<=": true, ">=": true, "==": true, "!=": true, "|": true, "&": true, "^": true, "<<": true, ">>": true,
	"**": true, "->": true, ":=": true, ")": true, "]": true, "}": true,
	"+=": true, "-=": true, "*=": true, "/=": true, "//=": true, "%=": true, "@=": true, "&=": true,
	"|=": true, "^=": true, ">>=": true, "<<=": true, "**=": true,
}

// cannotEnd are operators no simple statement ends with ("*" can: "from
// m import *"; "," can: "x = 1,").
var cannotEnd = map[string]bool{
	"=": true, "+": true, "-": true, "/": true, "//": true, "%": true, "@": true, "&": true, "|": true,
	"^": true, "~": true, "<": true, ">": true, "<=": true, ">=": true, "==": true, "!=": true, "<<": true,
	">>": true, "**": true, ".": true, "->": true, ":=": true, "(": true, "[": true, "{": true,
	"+=": true, "-=": true, "*=": true, "/=": true, "//=": true, "%=": true, "@=": true, "&=": true,
	"|=": true, "^=": true, ">>=": true, "<<=": true, "**=": true,
}

// badSimpleStatement finds grammar errors that need no parser: an
// operator that cannot start or end a statement, or "= =".
func badSimpleStatement(stmt []token) (token, bool) {
	first, last := stmt[0], stmt[len(stmt)-1]
	if first.kind == tkOp && cannotStart[first.text] {
		return first, false
	}
	if last.kind == tkOp && cannotEnd[last.text] {
		return last, false
	}
	depth := 0
	for i, tk := range stmt {
		depth += tk.nesting()
		if tk.kind == tkOp && tk.text == "=" && depth == 0 && i > 0 && stmt[i-1].kind == tkOp && stmt[i-1].text == "=" {
			return tk, false
		}
	}
	return token{}, true
}

// nesting is +1 for an opening bracket, -1 for a closing one, else 0.
func (tk token) nesting() int {
	if tk.kind != tkOp {
		return 0
	}
	switch tk.text {
	case "(", "[", "{":
		return 1
	case ")", "]", "}":
		return -1
	}
	return 0
}

// splitSimple splits a simple-statement line at top-level ';'.
func splitSimple(toks []token) [][]token {
	var out [][]token
	depth, start := 0, 0
	for i, tk := range toks {
		depth += tk.nesting()
		if tk.kind == tkOp && tk.text == ";" && depth == 0 {
			if i > start {
				out = append(out, toks[start:i])
			}
			start = i + 1
		}
	}
	if start < len(toks) {
		out = append(out, toks[start:])
	}
	return out
}

var hardKeywords = map[string]bool{
	"False": true, "None": true, "True": true, "and": true, "as": true, "assert": true, "async": true,
	"await": true, "break": true, "class": true, "continue": true, "def": true, "del": true, "elif": true,
	"else": true, "except": true, "finally": true, "for": true, "from": true, "global": true, "if": true,
	"import": true, "in": true, "is": true, "lambda": true, "nonlocal": true, "not": true, "or": true,
	"pass": true, "raise": true, "return": true, "try": true, "while": true, "with": true, "yield": true,
}

// versionAssignment recognises `__version__ = CONST`, chained targets
// (`a = __version__ = CONST`) and `__version__: T = CONST`.
func versionAssignment(stmt []token) (constant, bool) {
	if stmt[0].kind == tkName && hardKeywords[stmt[0].text] {
		return constant{}, false
	}
	if stmt[0].kind == tkName && stmt[0].text == "type" && len(stmt) > 1 && stmt[1].kind == tkName {
		return constant{}, false // PEP 695 type alias
	}
	depth := 0

	var eqs []int
	colon := -1
	lambdas := 0 // lambdas whose parameter list is open: '=' there is a default
	for i, tk := range stmt {
		if tk.kind == tkName && tk.text == "lambda" && depth == 0 {
			lambdas++
		}
		if tk.kind != tkOp {
			continue
		}
		depth += tk.nesting()
		switch tk.text {
		case "=":
			if depth == 0 && lambdas == 0 {
				eqs = append(eqs, i)
			}
		case ":":
			switch {
			case depth != 0:
			case lambdas > 0:
				lambdas--
			case colon < 0 && len(eqs) == 0:
				colon = i
			}
		case "+=", "-=", "*=", "/=", "//=", "%=", "@=", "&=", "|=", "^=", ">>=", "<<=", "**=":
			if depth == 0 {
				return constant{}, false
			}
		}
	}
	if colon >= 0 {
		// Annotated assignment: one target, an optional value.
		if len(eqs) != 1 || !isVersionName(stmt[:colon]) {
			return constant{}, false
		}
		return constantValue(stmt[eqs[0]+1:])
	}
	if len(eqs) == 0 {
		return constant{}, false
	}
	found := false
	start := 0
	for _, e := range eqs {
		if isVersionName(stmt[start:e]) {
			found = true
		}
		start = e + 1
	}
	if !found {
		return constant{}, false
	}
	return constantValue(stmt[start:])
}

// stripParens removes parentheses enclosing the whole expression.
func stripParens(toks []token) []token {
	for len(toks) >= 2 && toks[0].text == "(" && toks[0].kind == tkOp && toks[len(toks)-1].text == ")" {
		depth := 0
		for i, tk := range toks {
			if tk.kind != tkOp {
				continue
			}
			depth += tk.nesting()
			if depth == 0 && i < len(toks)-1 {
				return toks // the first '(' closes before the end: "(a) + (b)"
			}
		}
		toks = toks[1 : len(toks)-1]
	}
	return toks
}

func isVersionName(toks []token) bool {
	toks = stripParens(toks)
	return len(toks) == 1 && toks[0].kind == tkName && toks[0].text == "__version__"
}

// constant is an ast.Constant: its Python type, value and truth value.
type constant struct {
	kind   string
	value  string // str: the string; others: a repr
	truthy bool
}

// constantValue reports whether toks form a single ast.Constant.
func constantValue(toks []token) (constant, bool) {
	toks = stripParens(toks)
	if len(toks) == 0 {
		return constant{}, false
	}
	if toks[0].kind == tkString {
		for _, tk := range toks {
			if tk.kind != tkString {
				return constant{}, false
			}
		}
		v, isBytes, err := concatStrings(toks)
		if err != nil || v == nil {
			return constant{}, false
		}
		if isBytes {
			return constant{kind: "bytes", value: bytesRepr(*v), truthy: *v != ""}, true
		}
		return constant{kind: "str", value: *v, truthy: *v != ""}, true
	}
	if len(toks) != 1 {
		return constant{}, false
	}
	tk := toks[0]
	switch {
	case tk.kind == tkNumber:
		return numberConstant(tk.text), true
	case tk.kind == tkName && tk.text == "True":
		return constant{kind: "bool", value: "True", truthy: true}, true
	case tk.kind == tkName && tk.text == "False":
		return constant{kind: "bool", value: "False"}, true
	case tk.kind == tkName && tk.text == "None":
		return constant{kind: "NoneType", value: "None"}, true
	case tk.kind == tkOp && tk.text == "...":
		return constant{kind: "ellipsis", value: "Ellipsis", truthy: true}, true
	}
	return constant{}, false
}

// concatStrings decodes implicitly concatenated literals. The value is nil
// when an f-string takes part (the result is not a constant).
func concatStrings(toks []token) (*string, bool, error) {
	var b strings.Builder
	isF := false
	for i, tk := range toks {
		lit, err := decodeString(tk.text)
		if err != nil {
			return nil, false, err
		}
		if i > 0 {
			prev, _ := decodeString(toks[0].text)
			if prev.isBytes != lit.isBytes {
				return nil, false, errors.New("cannot mix bytes and nonbytes literals")
			}
		}
		isF = isF || lit.isF
		b.WriteString(lit.value)
	}
	if isF {
		return nil, false, nil
	}
	s := b.String()
	first, _ := decodeString(toks[0].text)
	return &s, first.isBytes, nil
}

func numberConstant(text string) constant {
	clean := strings.ReplaceAll(text, "_", "")
	lower := strings.ToLower(clean)
	switch {
	case strings.HasSuffix(lower, "j"):
		f, _ := strconv.ParseFloat(lower[:len(lower)-1], 64)
		return constant{kind: "complex", value: text, truthy: f != 0}
	case strings.HasPrefix(lower, "0x") || strings.HasPrefix(lower, "0o") || strings.HasPrefix(lower, "0b"):
		return constant{kind: "int", value: text, truthy: strings.Trim(lower[2:], "0") != ""}
	case strings.ContainsAny(lower, ".e"):
		f, err := strconv.ParseFloat(lower, 64)
		if err != nil && !math.IsInf(f, 0) {
			f = 1
		}
		return constant{kind: "float", value: text, truthy: f != 0}
	}
	return constant{kind: "int", value: text, truthy: strings.Trim(lower, "0") != ""}
}

// bytesRepr renders bytes the way Python's repr does.
func bytesRepr(s string) string {
	q := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		q = '"'
	}
	var b strings.Builder
	b.WriteString("b")
	b.WriteByte(q)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == q || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte(q)
	return b.String()
}

// expandTabs is Python's str.expandtabs(8).
func expandTabs(s string) string {
	if strings.IndexByte(s, '\t') < 0 {
		return s
	}
	var b strings.Builder
	col := 0
	for _, r := range s {
		switch r {
		case '\t':
			n := 8 - col%8
			b.WriteString(strings.Repeat(" ", n))
			col += n
		case '\n', '\r':
			b.WriteRune(r)
			col = 0
		default:
			b.WriteRune(r)
			col++
		}
	}
	return b.String()
}

// cleandoc is Python's inspect.cleandoc: tabs expanded, the first line's
// leading whitespace and the common indentation of the others removed,
// leading and trailing blank lines dropped.
func cleandoc(doc string) string {
	lines := strings.Split(expandTabs(doc), "\n")
	margin := math.MaxInt
	for _, l := range lines[1:] {
		content := utf8.RuneCountInString(strings.TrimLeftFunc(l, pystr.IsSpace))
		if content > 0 {
			margin = min(margin, utf8.RuneCountInString(l)-content)
		}
	}
	lines[0] = strings.TrimLeftFunc(lines[0], pystr.IsSpace)
	if margin < math.MaxInt {
		for i := 1; i < len(lines); i++ {
			r := []rune(lines[i])
			if margin < len(r) {
				lines[i] = string(r[margin:])
			} else {
				lines[i] = ""
			}
		}
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	for len(lines) > 0 && lines[0] == "" {
		lines = lines[1:]
	}
	return strings.Join(lines, "\n")
}
