package pep508

import (
	"fmt"
	"slices"
	"strings"

	"goflit/names"
	"goflit/pep440"
)

// Marker is a parsed environment marker. Its structure mirrors the source:
// a flat list of atoms joined by "and"/"or", where an atom is a comparison
// or a parenthesised Marker.
type Marker struct {
	atoms []atom
	ops   []string // ops[i] joins atoms[i] and atoms[i+1]: "and" or "or"
}

type atom struct {
	group *Marker
	cmp   *comparison
}

type operand struct {
	variable string // canonical variable name, or ""
	value    string // literal value when variable == ""
}

type comparison struct {
	lhs, rhs operand
	op       string
}

// ParseMarker parses an environment marker such as
// `python_version < "3.8" and extra == "test"`. The whole input must be used.
func ParseMarker(s string) (*Marker, error) {
	p := &parser{scanner: scanner{src: s}, what: "marker"}
	m, err := p.marker()
	if err != nil {
		return nil, err
	}
	p.ws()
	if !p.atEnd() {
		return nil, p.fail(p.pos, "Expected end of marker")
	}
	return m, nil
}

func (p *parser) marker() (*Marker, error) {
	m := &Marker{}
	for {
		a, err := p.atom()
		if err != nil {
			return nil, err
		}
		m.atoms = append(m.atoms, a)
		switch {
		case p.word("or"):
			m.ops = append(m.ops, "or")
			p.pos += 2
		case p.word("and"):
			m.ops = append(m.ops, "and")
			p.pos += 3
		default:
			return m, nil
		}
	}
}

func (p *parser) atom() (atom, error) {
	p.ws()
	var a atom
	if p.peekByte('(') {
		open := p.pos
		p.pos++
		p.ws()
		g, err := p.marker()
		if err != nil {
			return a, err
		}
		p.ws()
		if !p.peekByte(')') {
			return a, p.fail(open, "Expected closing RIGHT_PARENTHESIS")
		}
		p.pos++
		a.group = g
	} else {
		c, err := p.comparison()
		if err != nil {
			return a, err
		}
		a.cmp = c
	}
	p.ws()
	return a, nil
}

func (p *parser) comparison() (*comparison, error) {
	p.ws()
	lhs, err := p.operand()
	if err != nil {
		return nil, err
	}
	p.ws()
	c := &comparison{lhs: lhs}
	switch {
	case p.word("in"):
		p.pos += 2
		c.op = "in"
	case p.word("not"):
		p.pos += 3
		if !p.ws() {
			return nil, p.fail(p.pos, "Expected whitespace after 'not'")
		}
		if !p.word("in") {
			return nil, p.fail(p.pos, "Expected 'in' after 'not'")
		}
		p.pos += 2
		c.op = "not in"
	default:
		for _, op := range markerOps {
			if strings.HasPrefix(p.src[p.pos:], op) {
				c.op = op
				p.pos += len(op)
				break
			}
		}
		if c.op == "" {
			return nil, p.fail(p.pos, "Expected marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in")
		}
	}
	p.ws()
	if c.rhs, err = p.operand(); err != nil {
		return nil, err
	}
	p.ws()
	c.normalizeExtra()
	return c, nil
}

func (p *parser) operand() (operand, error) {
	if v, ok := p.variable(); ok {
		return operand{variable: v}, nil
	}
	start := p.pos
	if s, ok := p.quoted(); ok {
		if strings.ContainsAny(s, "\r\n\x00") {
			// Python's literal_eval, which packaging uses, rejects these.
			return operand{}, p.fail(start, "Quoted string in marker must not contain a line break or NUL")
		}
		return operand{value: s}, nil
	}
	return operand{}, p.fail(p.pos, "Expected a marker variable or quoted string")
}

// normalizeExtra applies PEP 685 to a literal compared with "extra".
func (c *comparison) normalizeExtra() {
	switch {
	case c.lhs.variable == "extra" && c.rhs.variable == "":
		c.rhs.value = names.NormalizeExtra(c.rhs.value)
	case c.rhs.variable == "extra" && c.lhs.variable == "":
		c.lhs.value = names.NormalizeExtra(c.lhs.value)
	}
}

func (o operand) String() string {
	if o.variable != "" {
		return o.variable
	}
	if strings.Contains(o.value, `"`) {
		return "'" + o.value + "'"
	}
	return `"` + o.value + `"`
}

func (c *comparison) String() string { return c.lhs.String() + " " + c.op + " " + c.rhs.String() }

// String prints the marker in packaging's normal form: single spaces, double
// quotes, canonical variable names, parentheses kept only around groups of
// more than one atom.
func (m *Marker) String() string { return m.format(true) }

func (m *Marker) format(top bool) string {
	if len(m.atoms) == 1 {
		a := m.atoms[0]
		if a.cmp != nil {
			return a.cmp.String()
		}
		return a.group.format(true)
	}
	var b strings.Builder
	if !top {
		b.WriteByte('(')
	}
	for i, a := range m.atoms {
		if i > 0 {
			b.WriteString(" " + m.ops[i-1] + " ")
		}
		if a.cmp != nil {
			b.WriteString(a.cmp.String())
		} else {
			b.WriteString(a.group.format(false))
		}
	}
	if !top {
		b.WriteByte(')')
	}
	return b.String()
}

// Variables returns the sorted names of the environment variables used.
func (m *Marker) Variables() []string {
	var out []string
	var walk func(*Marker)
	walk = func(m *Marker) {
		for _, a := range m.atoms {
			if a.group != nil {
				walk(a.group)
				continue
			}
			for _, o := range []operand{a.cmp.lhs, a.cmp.rhs} {
				if o.variable != "" {
					out = append(out, o.variable)
				}
			}
		}
	}
	walk(m)
	slices.Sort(out)
	return slices.Compact(out)
}

// Evaluate evaluates the marker in env, which maps variable names
// (python_version, sys_platform, extra, ...) to values. A missing "extra"
// is ""; any other missing variable is an error, as is ~= or === between
// values that are not versions.
func (m *Marker) Evaluate(env map[string]string) (bool, error) {
	// "and" binds tighter than "or": any group of and-ed atoms all true.
	result, group := false, true
	for i, a := range m.atoms {
		var v bool
		var err error
		if a.group != nil {
			v, err = a.group.Evaluate(env)
		} else {
			v, err = a.cmp.evaluate(env)
		}
		if err != nil {
			return false, err
		}
		group = group && v
		if i == len(m.atoms)-1 || m.ops[i] == "or" {
			result = result || group
			group = true
		}
	}
	return result, nil
}

func (o operand) resolve(env map[string]string) (string, error) {
	if o.variable == "" {
		return o.value, nil
	}
	v, ok := env[o.variable]
	if !ok {
		if o.variable == "extra" {
			return "", nil
		}
		return "", fmt.Errorf("marker variable %s is not defined in the environment", o.variable)
	}
	return v, nil
}

func (c *comparison) evaluate(env map[string]string) (bool, error) {
	lhs, err := c.lhs.resolve(env)
	if err != nil {
		return false, err
	}
	rhs, err := c.rhs.resolve(env)
	if err != nil {
		return false, err
	}
	if c.lhs.variable == "extra" || c.rhs.variable == "extra" {
		lhs, rhs = names.NormalizeExtra(lhs), names.NormalizeExtra(rhs)
	}
	if c.op != "in" && c.op != "not in" {
		if spec, err := pep440.ParseSpecifier(c.op + rhs); err == nil {
			if v, err := pep440.Parse(lhs); err == nil {
				return spec.ContainsPre(v, true), nil
			}
		}
	}
	switch c.op {
	case "in":
		return strings.Contains(rhs, lhs), nil
	case "not in":
		return !strings.Contains(rhs, lhs), nil
	case "<":
		return lhs < rhs, nil
	case "<=":
		return lhs <= rhs, nil
	case "==":
		return lhs == rhs, nil
	case "!=":
		return lhs != rhs, nil
	case ">=":
		return lhs >= rhs, nil
	case ">":
		return lhs > rhs, nil
	}
	return false, fmt.Errorf("marker comparison %q %s %q is undefined: %s needs versions on both sides", lhs, c.op, rhs, c.op)
}
