// Package pep508 parses dependency specifiers (PEP 508, now the PyPA
// "Dependency specifiers" specification) and evaluates environment markers.
//
// Grammar, as implemented by packaging 23's hand-written parser (whitespace
// is spaces and tabs only):
//
//	requirement = WS? name WS? extras? WS? ( "@" WS? url ( WS marker? )? | spec WS? marker? ) END
//	name        = [A-Za-z0-9] [A-Za-z0-9._-]*  (ending at a word boundary)
//	extras      = "[" WS? ( name ( WS? "," WS? name )* )? WS? "]"
//	spec        = "(" WS? clauses WS? ")" | clauses
//	clauses     = ( clause ( WS? "," WS? clause )* ","? )?   (see package pep440)
//	marker      = ";" expr WS?
//	expr        = atom ( ("and" | "or") atom )*
//	atom        = WS? ( "(" WS? expr WS? ")" | var WS? op WS? var ) WS?
//	var         = variable | '...' | "..."
//	op          = "<=" | "<" | "!=" | "==" | ">=" | ">" | "~=" | "===" | "in" | "not" WS "in"
//
// "and" binds tighter than "or". Variable names are python_version,
// python_full_version, os_name, sys_platform, platform_release,
// platform_system, platform_version, platform_machine,
// platform_python_implementation, implementation_name,
// implementation_version and extra (the dotted spellings os.name,
// sys.platform, platform.version, platform.machine,
// platform.python_implementation and python_implementation are accepted and
// rewritten). Quoted strings are taken literally (no backslash escapes, as
// PEP 508 specifies). URLs must have a scheme and a host, or be file: URLs in
// the form urllib would write back unchanged, as packaging requires.
//
// Evaluation follows PEP 508: when op+rhs is a valid version specifier and
// the left side parses as a version, the comparison is a PEP 440 one (with
// pre-releases allowed); otherwise the operators compare strings, "in" and
// "not in" test substrings, and ~= / === on non-versions are errors. Values
// compared with "extra" are normalised per PEP 685 on both sides, and also
// when a marker is printed.
//
// The package does no I/O.
package pep508

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"unicode/utf8"

	"goflit/names"
	"goflit/pep440"
)

// Requirement is a parsed dependency specifier.
type Requirement struct {
	Name       string
	Extras     []string // as written, in order
	Specifier  string   // version clauses as written, trimmed, without parentheses
	Specifiers pep440.SpecifierSet
	URL        string
	Marker     *Marker // nil when there is none
}

// ParseError reports where a requirement or marker stops making sense.
type ParseError struct {
	Input  string
	Offset int    // byte offset into Input
	Msg    string // packaging's wording, e.g. "Expected end or semicolon (after version specifier)"
	What   string // "requirement" or "marker"
}

func (e *ParseError) Error() string {
	what := e.What
	if what == "" {
		what = "requirement"
	}
	return fmt.Sprintf("invalid %s %q: %s (at offset %d)", what, e.Input, e.Msg, e.Offset)
}

// Caret returns the input and a caret under the offending position, for
// showing under an error message.
func (e *ParseError) Caret() string {
	off := min(max(e.Offset, 0), len(e.Input))
	col := utf8.RuneCountInString(e.Input[:off])
	return e.Input + "\n" + strings.Repeat(" ", col) + "^"
}

type parser struct {
	scanner
	what string
}

func (p *parser) fail(at int, format string, args ...any) *ParseError {
	return &ParseError{Input: p.src, Offset: at, Msg: fmt.Sprintf(format, args...), What: p.what}
}

// ParseRequirement parses a PEP 508 dependency specifier such as
// `requests[socks] >=2.8.1, ==2.8.* ; python_version < "2.7"`.
func ParseRequirement(s string) (*Requirement, error) {
	p := &parser{scanner: scanner{src: s}, what: "requirement"}
	p.ws()
	end, ok := p.identifier()
	if !ok {
		return nil, p.fail(p.pos, "Expected package name at the start of dependency specifier")
	}
	r := &Requirement{Name: s[p.pos:end]}
	p.pos = end
	p.ws()
	if p.peekByte('[') {
		open := p.pos
		p.pos++
		p.ws()
		if end, ok := p.identifier(); ok {
			r.Extras = append(r.Extras, s[p.pos:end])
			p.pos = end
			for {
				p.ws()
				if _, ok := p.identifier(); ok {
					return nil, p.fail(p.pos, "Expected comma between extra names")
				}
				if !p.peekByte(',') {
					break
				}
				p.pos++
				p.ws()
				end, ok := p.identifier()
				if !ok {
					return nil, p.fail(p.pos, "Expected extra name after comma")
				}
				r.Extras = append(r.Extras, s[p.pos:end])
				p.pos = end
			}
		}
		p.ws()
		if !p.peekByte(']') {
			return nil, p.fail(open, "Expected closing RIGHT_BRACKET")
		}
		p.pos++
	}
	p.ws()
	if err := p.details(r); err != nil {
		return nil, err
	}
	if !p.atEnd() {
		return nil, p.fail(p.pos, "Expected end of dependency specifier")
	}
	if r.URL != "" {
		if err := checkURL(r.URL); err != nil {
			return nil, &ParseError{Input: s, Offset: strings.Index(s, r.URL), Msg: err.Error(), What: "requirement"}
		}
	}
	return r, nil
}

func (p *parser) details(r *Requirement) error {
	if p.peekByte('@') {
		p.pos++
		p.ws()
		urlStart := p.pos
		for p.pos < len(p.src) && p.src[p.pos] != ' ' && p.src[p.pos] != '\t' {
			p.pos++
		}
		if p.pos == urlStart {
			return p.fail(p.pos, "Expected URL after @")
		}
		r.URL = p.src[urlStart:p.pos]
		if p.atEnd() {
			return nil
		}
		p.ws()
		if p.atEnd() {
			return nil
		}
		return p.requirementMarker(r, urlStart, "URL and whitespace")
	}
	specStart := p.pos
	text, raw, err := p.specifiers()
	if err != nil {
		return err
	}
	r.Specifier = strings.Trim(raw, " \t")
	set, perr := pep440.ParseSpecifierSet(text)
	if perr != nil {
		return p.fail(specStart, "%v", perr)
	}
	r.Specifiers = set
	p.ws()
	if p.atEnd() {
		return nil
	}
	after := "name and no valid version specifier"
	if text != "" {
		after = "version specifier"
	}
	return p.requirementMarker(r, specStart, after)
}

// specifiers parses the optional (parenthesised) clause list and returns the
// packaging-style joined text and the raw text as written.
func (p *parser) specifiers() (text, raw string, err error) {
	paren := p.peekByte('(')
	open := p.pos
	if paren {
		p.pos++
	}
	p.ws()
	rawStart := p.pos
	rawEnd := p.pos
	var b strings.Builder
	for {
		end, ok := p.specifier()
		if !ok {
			break
		}
		b.WriteString(p.src[p.pos:end])
		p.pos, rawEnd = end, end
		p.ws()
		if !p.peekByte(',') {
			break
		}
		b.WriteByte(',')
		p.pos++
		rawEnd = p.pos
		p.ws()
	}
	raw = p.src[rawStart:rawEnd]
	p.ws()
	if paren {
		if !p.peekByte(')') {
			return "", "", p.fail(open, "Expected closing RIGHT_PARENTHESIS")
		}
		p.pos++
	}
	return b.String(), raw, nil
}

func (p *parser) requirementMarker(r *Requirement, spanStart int, after string) error {
	if !p.peekByte(';') {
		return p.fail(spanStart, "Expected end or semicolon (after %s)", after)
	}
	p.pos++
	m, err := p.marker()
	if err != nil {
		return err
	}
	p.ws()
	r.Marker = m
	return nil
}

// checkURL applies packaging's URL checks, which rest on urllib's urlsplit:
// a file: URL must survive urlunparse(urlparse(u)) unchanged; any other URL
// needs a scheme and a network location; bracketed hosts must be IP
// addresses.
func checkURL(u string) error {
	p, err := urlSplit(u)
	if err != nil {
		return err
	}
	if p.scheme == "file" {
		if p.unsplit() != u {
			return fmt.Errorf("Invalid URL given")
		}
		return nil
	}
	if p.scheme == "" || p.netloc == "" {
		return fmt.Errorf("Invalid URL: %s", u)
	}
	return nil
}

type splitURL struct {
	scheme, netloc, path, params, query, fragment string
}

// urlSplit follows Python 3.11's urllib.parse.urlparse.
func urlSplit(u string) (splitURL, error) {
	var p splitURL
	u = strings.TrimLeft(u, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
	u = strings.NewReplacer("\t", "", "\r", "", "\n", "").Replace(u)
	if i := strings.IndexByte(u, ':'); i > 0 && (u[0] >= 'a' && u[0] <= 'z' || u[0] >= 'A' && u[0] <= 'Z') {
		ok := true
		for j := 0; j < i; j++ {
			c := u[j]
			if !(isAlnum(c) || c == '+' || c == '-' || c == '.') {
				ok = false
				break
			}
		}
		if ok {
			p.scheme, u = strings.ToLower(u[:i]), u[i+1:]
		}
	}
	if strings.HasPrefix(u, "//") {
		end := len(u)
		if i := strings.IndexAny(u[2:], "/?#"); i >= 0 {
			end = i + 2
		}
		p.netloc, u = u[2:end], u[end:]
		if strings.Contains(p.netloc, "[") != strings.Contains(p.netloc, "]") {
			return p, fmt.Errorf("Invalid IPv6 URL")
		}
		if strings.Contains(p.netloc, "[") {
			if err := checkBracketedNetloc(p.netloc); err != nil {
				return p, err
			}
		}
	}
	if i := strings.IndexByte(u, '#'); i >= 0 {
		u, p.fragment = u[:i], u[i+1:]
	}
	if i := strings.IndexByte(u, '?'); i >= 0 {
		u, p.query = u[:i], u[i+1:]
	}
	if strings.Contains(u, ";") && usesParams[p.scheme] {
		if i := strings.LastIndexByte(u, '/'); i >= 0 {
			if j := strings.IndexByte(u[i:], ';'); j >= 0 {
				u, p.params = u[:i+j], u[i+j+1:]
			}
		} else {
			i := strings.IndexByte(u, ';')
			u, p.params = u[:i], u[i+1:]
		}
	}
	p.path = u
	return p, nil
}

var usesParams = map[string]bool{
	"": true, "ftp": true, "hdl": true, "prospero": true, "http": true, "imap": true, "https": true,
	"shttp": true, "rtsp": true, "rtspu": true, "sip": true, "sips": true, "mms": true, "sftp": true, "tel": true,
}

func checkBracketedNetloc(netloc string) error {
	hostPort := netloc[strings.LastIndexByte(netloc, '@')+1:]
	before, bracketed, found := strings.Cut(hostPort, "[")
	var host string
	if found {
		if before != "" {
			return fmt.Errorf("Invalid IPv6 URL")
		}
		var port string
		host, port, _ = strings.Cut(bracketed, "]")
		if port != "" && !strings.HasPrefix(port, ":") {
			return fmt.Errorf("Invalid IPv6 URL")
		}
	} else {
		host, _, _ = strings.Cut(hostPort, ":")
	}
	if strings.HasPrefix(host, "v") {
		dot := strings.IndexByte(host, '.')
		if dot < 2 || dot == len(host)-1 || strings.Trim(host[1:dot], "0123456789abcdefABCDEF") != "" {
			return fmt.Errorf("IPvFuture address is invalid")
		}
		return nil
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("%q does not appear to be an IPv4 or IPv6 address", host)
	}
	if a.Is4() {
		return fmt.Errorf("An IPv4 address cannot be in brackets")
	}
	return nil
}

// unsplit is urllib's urlunparse for a file: URL.
func (p splitURL) unsplit() string {
	u := p.path
	if p.params != "" {
		u += ";" + p.params
	}
	if p.netloc != "" || p.scheme == "file" && !strings.HasPrefix(u, "//") {
		if u != "" && u[0] != '/' {
			u = "/" + u
		}
		u = "//" + p.netloc + u
	}
	if p.scheme != "" {
		u = p.scheme + ":" + u
	}
	if p.query != "" {
		u += "?" + p.query
	}
	if p.fragment != "" {
		u += "#" + p.fragment
	}
	return u
}

// String prints the requirement in packaging's canonical form:
// name, sorted unique extras, sorted clauses, "@ url", "; marker".
func (r *Requirement) String() string {
	var b strings.Builder
	b.WriteString(r.Name)
	if len(r.Extras) > 0 {
		ex := slices.Clone(r.Extras)
		slices.Sort(ex)
		ex = slices.Compact(ex)
		b.WriteString("[" + strings.Join(ex, ",") + "]")
	}
	b.WriteString(r.Specifiers.String())
	if r.URL != "" {
		b.WriteString("@ " + r.URL)
		if r.Marker != nil {
			b.WriteString(" ")
		}
	}
	if r.Marker != nil {
		b.WriteString("; " + r.Marker.String())
	}
	return b.String()
}

// NormalizedName returns the PEP 503 form of the name.
func (r *Requirement) NormalizedName() string { return names.Normalize(r.Name) }
