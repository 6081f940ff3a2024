package pep508

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"goflit/internal/pystr"
)

// scanner is a cursor over the input with the token rules of PEP 508 as
// implemented by packaging's tokenizer.
type scanner struct {
	src string
	pos int
}

func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r)
}

// boundary reports whether a regex \b holds at byte offset i.
func (s *scanner) boundary(i int) bool {
	before, after := false, false
	if i > 0 {
		r, _ := utf8.DecodeLastRuneInString(s.src[:i])
		before = isWordRune(r)
	}
	if i < len(s.src) {
		r, _ := utf8.DecodeRuneInString(s.src[i:])
		after = isWordRune(r)
	}
	return before != after
}

// atEnd is the regex "$": the end, or just before a final newline.
func (s *scanner) atEnd() bool {
	return s.pos == len(s.src) || s.pos == len(s.src)-1 && s.src[s.pos] == '\n'
}

// ws skips [ \t]* and reports whether it moved.
func (s *scanner) ws() bool {
	start := s.pos
	for s.pos < len(s.src) && (s.src[s.pos] == ' ' || s.src[s.pos] == '\t') {
		s.pos++
	}
	return s.pos > start
}

func (s *scanner) peekByte(c byte) bool { return s.pos < len(s.src) && s.src[s.pos] == c }

func isIdentChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-'
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// identifier matches \b[a-zA-Z0-9][a-zA-Z0-9._-]*\b at pos and returns its end.
func (s *scanner) identifier() (int, bool) {
	p := s.pos
	if p >= len(s.src) || !isAlnum(s.src[p]) || !s.boundary(p) {
		return 0, false
	}
	end := p + 1
	for end < len(s.src) && isIdentChar(s.src[end]) {
		end++
	}
	for ; end > p; end-- {
		if s.boundary(end) {
			return end, true
		}
	}
	return 0, false
}

// word matches \bw\b at pos.
func (s *scanner) word(w string) bool {
	return strings.HasPrefix(s.src[s.pos:], w) && s.boundary(s.pos) && s.boundary(s.pos+len(w))
}

var variables = []string{
	"python_version", "python_full_version", "os.name", "os_name", "sys.platform", "sys_platform",
	"platform_release", "platform_system", "platform.version", "platform_version",
	"platform.machine", "platform_machine", "platform.python_implementation",
	"platform_python_implementation", "python_implementation", "implementation_name",
	"implementation_version", "extra",
}

// variable matches a marker variable name and returns its canonical name.
func (s *scanner) variable() (string, bool) {
	for _, v := range variables {
		if s.word(v) {
			s.pos += len(v)
			name := strings.ReplaceAll(v, ".", "_")
			if name == "python_implementation" {
				name = "platform_python_implementation"
			}
			return name, true
		}
	}
	return "", false
}

// quoted matches '[^']*' or "[^"]*" and returns the contents.
func (s *scanner) quoted() (string, bool) {
	if s.pos >= len(s.src) || s.src[s.pos] != '\'' && s.src[s.pos] != '"' {
		return "", false
	}
	q := s.src[s.pos]
	end := strings.IndexByte(s.src[s.pos+1:], q)
	if end < 0 {
		return "", false
	}
	v := s.src[s.pos+1 : s.pos+1+end]
	s.pos += end + 2
	return v, true
}

var markerOps = []string{"===", "==", "~=", "!=", "<=", ">=", "<", ">"}

// specifier matches one version clause at pos (packaging's SPECIFIER token:
// an operator and a version whose allowed forms depend on the operator) and
// returns its end.
func (s *scanner) specifier() (int, bool) {
	for _, op := range []string{"~=", "==", "!=", "<=", ">=", "<", ">", "==="} {
		if !strings.HasPrefix(s.src[s.pos:], op) {
			continue
		}
		p := s.pos + len(op)
		for p < len(s.src) {
			r, n := utf8.DecodeRuneInString(s.src[p:])
			if !pystr.IsSpace(r) {
				break
			}
			p += n
		}
		if op == "===" {
			for p < len(s.src) {
				r, n := utf8.DecodeRuneInString(s.src[p:])
				if pystr.IsSpace(r) || r == ';' || r == ')' {
					break
				}
				p += n
			}
			return p, true
		}
		if end, ok := versionPrefix(s.src, p, op); ok {
			return end, true
		}
	}
	return 0, false
}

func digitsEnd(s string, i int) int {
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

func lowerAt(s string, i int) byte {
	if i >= len(s) {
		return 0
	}
	c := s[i]
	if c >= 'A' && c <= 'Z' {
		c += 32
	}
	return c
}

func hasPrefixFold(s string, i int, p string) bool {
	return len(s)-i >= len(p) && strings.EqualFold(s[i:i+len(p)], p)
}

func isSepByte(c byte) bool { return c == '-' || c == '_' || c == '.' }

// versionPrefix greedily matches the version part of a specifier token
// starting at i, the way packaging's unanchored regex does.
func versionPrefix(s string, i int, op string) (int, bool) {
	if lowerAt(s, i) == 'v' {
		i++
	}
	if e := digitsEnd(s, i); e > i && e < len(s) && s[e] == '!' {
		i = e + 1
	}
	e := digitsEnd(s, i)
	if e == i {
		return 0, false
	}
	parts := 1
	for e+1 < len(s) && s[e] == '.' && s[e+1] >= '0' && s[e+1] <= '9' {
		e = digitsEnd(s, e+1)
		parts++
	}
	if op == "~=" && parts < 2 {
		return 0, false
	}
	if (op == "==" || op == "!=") && strings.HasPrefix(s[e:], ".*") {
		return e + 2, true
	}
	// pre-release
	j := e
	if j < len(s) && isSepByte(s[j]) {
		j++
	}
	matched := false
	for _, l := range []string{"alpha", "beta", "preview", "pre", "a", "b", "c", "rc"} {
		if hasPrefixFold(s, j, l) {
			j += len(l)
			if j < len(s) && isSepByte(s[j]) {
				j++
			}
			e, matched = digitsEnd(s, j), true
			break
		}
	}
	_ = matched
	// post-release
	if e < len(s) && s[e] == '-' && digitsEnd(s, e+1) > e+1 {
		e = digitsEnd(s, e+1)
	} else {
		j := e
		if j < len(s) && isSepByte(s[j]) {
			j++
		}
		for _, l := range []string{"post", "rev", "r"} {
			if hasPrefixFold(s, j, l) {
				j += len(l)
				if j < len(s) && isSepByte(s[j]) {
					j++
				}
				e = digitsEnd(s, j)
				break
			}
		}
	}
	// dev release
	j = e
	if j < len(s) && isSepByte(s[j]) {
		j++
	}
	if hasPrefixFold(s, j, "dev") {
		j += 3
		if j < len(s) && isSepByte(s[j]) {
			j++
		}
		e = digitsEnd(s, j)
	}
	// local version, == and != only
	if (op == "==" || op == "!=") && e+1 < len(s) && s[e] == '+' && isAlnum(s[e+1]) {
		j := e + 1
		for j < len(s) && isAlnum(s[j]) {
			j++
		}
		for j+1 < len(s) && isSepByte(s[j]) && isAlnum(s[j+1]) {
			j += 2
			for j < len(s) && isAlnum(s[j]) {
				j++
			}
		}
		e = j
	}
	return e, true
}
