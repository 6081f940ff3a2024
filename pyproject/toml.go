package pyproject

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"

	"goflit/internal/diag"
	"goflit/internal/pystr"
)

// loc is where a key and its value are in the file.
type loc struct {
	key diag.Diagnostic // position of the (last part of the) key
	val diag.Diagnostic // position of the value's first byte
}

// document is a decoded pyproject.toml with the positions of its keys.
type document struct {
	file  string         // path as shown in diagnostics
	data  map[string]any // the decoded TOML
	lines []string       // source lines, for carets
	locs  map[string]loc // dotted key path -> positions
}

// decodeTOML decodes data as TOML 1.0. A syntax or semantic (duplicate key)
// error is returned as a diagnostic with its line and column.
func decodeTOML(file string, data []byte) (*document, *diag.Diagnostic) {
	doc := &document{
		file:  file,
		lines: strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n"),
		locs:  map[string]loc{},
	}
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) ||
		(len(data) > 1 && bytes.IndexByte(data[:min(len(data), 64)], 0) >= 0) {
		// Windows PowerShell's "echo ... > pyproject.toml" writes UTF-16;
		// showing the line would print NUL bytes to the terminal.
		return nil, &diag.Diagnostic{File: file, Line: 1, Col: 1,
			Msg:  "invalid TOML: the file is UTF-16 (or holds NUL bytes), not UTF-8",
			Hint: "save it as UTF-8 without a byte order mark"}
	}
	var m map[string]any
	if err := toml.Unmarshal(data, &m); err != nil {
		d := diag.Diagnostic{File: file, Msg: "invalid TOML: " + err.Error()}
		var de *toml.DecodeError
		if errors.As(err, &de) {
			d.Line, d.Col = de.Position()
			d.Msg = "invalid TOML: " + strings.TrimPrefix(de.Error(), "toml: ")
			d.Source = doc.line(d.Line)
		}
		var sme *toml.StrictMissingError
		if errors.As(err, &sme) && len(sme.Errors) > 0 {
			d.Line, d.Col = sme.Errors[0].Position()
			d.Source = doc.line(d.Line)
		}
		if bytes.HasPrefix(data, []byte("\ufeff")) && d.Line == 1 {
			d.Hint = "the file starts with a UTF-8 byte order mark; save it without one"
		}
		if d.Line == 0 {
			d.Line, d.Col = 1, 1
			d.Source = doc.line(1)
		}
		return nil, &d
	}
	if f := toml11Syntax(data); f != nil {
		return nil, &diag.Diagnostic{File: file, Line: f.Line, Col: f.Col, Source: doc.line(f.Line),
			Msg:  "invalid TOML: " + f.What + " is TOML 1.1 syntax, which Python's tomllib (used by flit_core, pip and build) does not read",
			Hint: f.Fix}
	}
	if m == nil {
		m = map[string]any{}
	}
	doc.data = m
	doc.index(data)
	return doc, nil
}

func (doc *document) line(n int) string {
	if n < 1 || n > len(doc.lines) {
		return ""
	}
	return strings.TrimSuffix(doc.lines[n-1], "\r")
}

// at returns a diagnostic positioned at a key path (its value when
// value is true), falling back to the nearest recorded parent, then to the
// file without a position.
func (doc *document) at(path string, value bool) diag.Diagnostic {
	for p := path; p != ""; {
		if l, ok := doc.locs[p]; ok {
			if value && p == path && l.val.Line > 0 {
				return l.val
			}
			return l.key
		}
		i := strings.LastIndexByte(p, '.')
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return diag.Diagnostic{File: doc.file}
}

// has reports whether the document has a recorded position for path.
func (doc *document) has(path string) bool {
	_, ok := doc.locs[path]
	return ok
}

// index walks the document with the position-reporting parser and records
// where every key, table header and array element is.
func (doc *document) index(data []byte) {
	defer func() {
		// The decoder accepted the document; a parser disagreement must
		// never turn into a crash, only into missing positions.
		_ = recover()
	}()
	var p unstable.Parser
	p.Reset(data)
	arrayIdx := map[string]int{} // array-of-tables path -> current index
	var current []string
	// Line starts, for offset -> line:col in O(log n) (the parser's Shape
	// rescans the document on every call).
	starts := []int{0}
	for i, c := range data {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	pos := func(off int) diag.Diagnostic {
		line := sort.Search(len(starts), func(i int) bool { return starts[i] > off })
		col := off - starts[line-1] + 1
		return diag.Diagnostic{File: doc.file, Line: line, Col: col, Source: doc.line(line)}
	}
	// resolve turns header key parts into a path, inserting the current
	// index of every array of tables met on the way.
	resolve := func(parts []string, keys []*unstable.Node, last bool) []string {
		var out []string
		for i, k := range parts {
			out = append(out, k)
			path := strings.Join(out, ".")
			if _, ok := doc.locs[path]; !ok {
				doc.locs[path] = loc{key: pos(int(keys[i].Raw.Offset))}
			}
			if idx, ok := arrayIdx[path]; ok && !(last && i == len(parts)-1) {
				out = append(out, strconv.Itoa(idx))
			}
		}
		return out
	}
	var value func(path []string, n *unstable.Node, valOff int)
	var keyval func(base []string, n *unstable.Node)
	keyval = func(base []string, n *unstable.Node) {
		var parts []string
		var keys []*unstable.Node
		it := n.Key()
		for it.Next() {
			parts = append(parts, string(it.Node().Data))
			keys = append(keys, it.Node())
		}
		full := append(append([]string{}, base...), parts...)
		for i := range parts {
			path := strings.Join(full[:len(base)+i+1], ".")
			if _, ok := doc.locs[path]; !ok {
				doc.locs[path] = loc{key: pos(int(keys[i].Raw.Offset))}
			}
		}
		last := keys[len(keys)-1]
		off := int(last.Raw.Offset + last.Raw.Length)
		for off < len(data) && (data[off] == ' ' || data[off] == '\t' || data[off] == '=') {
			off++
		}
		value(full, n.Value(), off)
	}
	value = func(path []string, n *unstable.Node, valOff int) {
		key := strings.Join(path, ".")
		l := doc.locs[key]
		if n.Raw.Length > 0 {
			valOff = int(n.Raw.Offset)
		}
		if valOff < len(data) {
			l.val = pos(valOff)
		} else {
			l.val = l.key
		}
		doc.locs[key] = l
		switch n.Kind {
		case unstable.Array:
			i := 0
			it := n.Children()
			for it.Next() {
				c := it.Node()
				if c.Kind == unstable.Comment {
					continue
				}
				elem := append(append([]string{}, path...), strconv.Itoa(i))
				ek := strings.Join(elem, ".")
				off := int(c.Raw.Offset)
				if c.Raw.Length == 0 {
					off = firstOffset(c)
				}
				d := pos(off)
				doc.locs[ek] = loc{key: d, val: d}
				value(elem, c, off)
				i++
			}
		case unstable.InlineTable:
			it := n.Children()
			for it.Next() {
				c := it.Node()
				if c.Kind == unstable.KeyValue {
					keyval(path, c)
				}
			}
		}
	}
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			var parts []string
			var keys []*unstable.Node
			it := e.Key()
			for it.Next() {
				parts = append(parts, string(it.Node().Data))
				keys = append(keys, it.Node())
			}
			current = resolve(parts, keys, e.Kind == unstable.ArrayTable)
			if e.Kind == unstable.ArrayTable {
				path := strings.Join(current, ".")
				idx := 0
				if old, ok := arrayIdx[path]; ok {
					idx = old + 1
				}
				arrayIdx[path] = idx
				current = append(current, strconv.Itoa(idx))
				d := pos(int(keys[len(keys)-1].Raw.Offset))
				doc.locs[strings.Join(current, ".")] = loc{key: d, val: d}
			}
		case unstable.KeyValue:
			keyval(current, e)
		}
	}
}

// firstOffset finds the offset of the first child with a known position.
func firstOffset(n *unstable.Node) int {
	it := n.Children()
	for it.Next() {
		c := it.Node()
		if c.Raw.Length > 0 {
			return int(c.Raw.Offset)
		}
		if o := firstOffset(c); o > 0 {
			return o
		}
	}
	return 0
}

// pyType names the Python class tomllib would produce for a decoded value,
// as flit_core prints it in type errors ("<class 'str'>").
func pyType(v any) string {
	name := "NoneType"
	switch v.(type) {
	case string:
		name = "str"
	case int64, int:
		name = "int"
	case float64:
		name = "float"
	case bool:
		name = "bool"
	case []any:
		name = "list"
	case map[string]any:
		name = "dict"
	case toml.LocalDate:
		name = "datetime.date"
	case toml.LocalTime:
		name = "datetime.time"
	case toml.LocalDateTime, time.Time:
		name = "datetime.datetime"
	}
	return fmt.Sprintf("<class '%s'>", name)
}

// pySet renders a set of strings like Python's str(set) (sorted here, since
// Python's set order is arbitrary).
func pySet(items []string) string {
	parts := make([]string, len(items))
	for i, s := range items {
		parts[i] = pystr.Repr(s)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// pyList renders a list of strings like Python's str(list).
func pyList(items []string) string {
	parts := make([]string, len(items))
	for i, s := range items {
		parts[i] = pystr.Repr(s)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
