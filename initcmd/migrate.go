package initcmd

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// MigrateResult is the outcome of Migrate.
type MigrateResult struct {
	Old, New string   // the file before and after
	Notes    []string // what changed in meaning, for the user to check
}

// Changed reports whether Migrate changed anything.
func (r *MigrateResult) Changed() bool { return r.Old != r.New }

// FlitCoreRequirement is the [build-system] requirement migrated and
// initialised projects get (lower bound raised to this when lower).
const FlitCoreRequirement = "flit_core >=3.11,<5"

// header is one [table] or [[array]] header line of a TOML file.
type header struct {
	line int // 0-based line index
	path []string
}

// tomlScan is what Migrate needs from the syntax tree: headers with their
// lines, the order of every key, and the string elements of
// [build-system] requires with their byte ranges.
type tomlScan struct {
	headers  []header
	kvs      []kvLine       // top-level key/value expressions
	order    map[string]int // joined key path -> first appearance
	strays   []string       // old-style keys not under their own table header
	requires []reqString
	hasBuild bool
	// valueComments are the comments inside values (arrays, inline
	// tables), by 0-based line.
	valueComments map[int][]string
}

// kvLine is where a key/value expression starts, and the comment after
// it on its last line ("" if none).
type kvLine struct {
	path     []string
	line     int // 0-based
	trailing string
}

type reqString struct {
	value      string
	start, end int // byte range of the string token
}

func pathKey(p []string) string { return strings.Join(p, "\x00") }

func isOldPath(p []string) bool {
	return len(p) >= 3 && p[0] == "tool" && p[1] == "flit" &&
		(p[2] == "metadata" || p[2] == "scripts" || p[2] == "entrypoints")
}

func keyParts(n *unstable.Node) []string {
	var out []string
	it := n.Key()
	for it.Next() {
		out = append(out, string(it.Node().Data))
	}
	return out
}

func scanTOML(src []byte) (*tomlScan, error) {
	s := &tomlScan{order: map[string]int{}}
	var p unstable.Parser
	p.Reset(src)
	var table []string
	tableOld := false
	var walk func(prefix []string, n *unstable.Node)
	walk = func(prefix []string, kv *unstable.Node) {
		full := append(append([]string(nil), prefix...), keyParts(kv)...)
		if _, seen := s.order[pathKey(full)]; !seen {
			s.order[pathKey(full)] = len(s.order)
		}
		if isOldPath(full) && !tableOld {
			s.strays = append(s.strays, strings.Join(full, "."))
		}
		v := kv.Value()
		switch v.Kind {
		case unstable.InlineTable:
			it := v.Children()
			for it.Next() {
				walk(full, it.Node())
			}
		case unstable.Array:
			if len(full) == 2 && full[0] == "build-system" && full[1] == "requires" {
				it := v.Children()
				for it.Next() {
					e := it.Node()
					if e.Kind == unstable.String && e.Raw.Length > 0 {
						start := int(e.Raw.Offset)
						s.requires = append(s.requires, reqString{string(e.Data), start, start + int(e.Raw.Length)})
					}
				}
			}
		}
	}
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			table = keyParts(e)
			tableOld = isOldPath(table)
			if table[0] == "build-system" {
				s.hasBuild = true
			}
			line := 0
			if first := e.Key(); first.Next() && first.Node().Raw.Length > 0 {
				line = p.Shape(first.Node().Raw).Start.Line - 1
			}
			s.headers = append(s.headers, header{line: line, path: table})
			if _, seen := s.order[pathKey(table)]; !seen {
				s.order[pathKey(table)] = len(s.order)
			}
		case unstable.KeyValue:
			walk(table, e)
			kl := kvLine{path: append(append([]string(nil), table...), keyParts(e)...)}
			if first := e.Key(); first.Next() && first.Node().Raw.Length > 0 {
				kl.line = p.Shape(first.Node().Raw).Start.Line - 1
			}
			if e.Raw.Length > 0 {
				end := int(e.Raw.Offset + e.Raw.Length)
				rest, _, _ := strings.Cut(string(src[end:]), "\n")
				if c := strings.TrimSpace(rest); strings.HasPrefix(c, "#") {
					kl.trailing = c
				}
			}
			s.kvs = append(s.kvs, kl)
		}
	}
	if err := p.Error(); err != nil {
		var pe *unstable.ParserError
		if errors.As(err, &pe) && len(pe.Highlight) > 0 {
			sh := p.Shape(p.Range(pe.Highlight))
			return nil, fmt.Errorf("%d:%d: %s", sh.Start.Line, sh.Start.Column, pe.Message)
		}
		return nil, err
	}
	s.valueComments = valueComments(src)
	return s, nil
}

// sortedKeys returns the keys of m (a table at path) in file order.
func (s *tomlScan) sortedKeys(path []string, m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	idx := func(k string) int {
		if i, ok := s.order[pathKey(append(append([]string(nil), path...), k))]; ok {
			return i
		}
		return 1 << 30
	}
	sort.SliceStable(keys, func(i, j int) bool {
		a, b := idx(keys[i]), idx(keys[j])
		if a != b {
			return a < b
		}
		return keys[i] < keys[j]
	})
	return keys
}

// problems collects every type error found while reading old tables.
type problems []string

func (p *problems) add(format string, args ...any) { *p = append(*p, fmt.Sprintf(format, args...)) }

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return errors.New(strings.Join(p, "\n"))
}

func getString(m map[string]any, key, where string, probs *problems) string {
	v, ok := m[key]
	if !ok {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		probs.add("%s: %s should be a string, not %s", where, key, tomlType(v))
	}
	return s
}

func getList(m map[string]any, key, where string, probs *problems) ([]string, bool) {
	v, ok := m[key]
	if !ok {
		return nil, false
	}
	return toStrings(v, where+": "+key, probs), true
}

func toStrings(v any, what string, probs *problems) []string {
	l, ok := v.([]any)
	if !ok {
		probs.add("%s should be a list of strings, not %s", what, tomlType(v))
		return nil
	}
	out := make([]string, 0, len(l))
	for _, e := range l {
		s, ok := e.(string)
		if !ok {
			probs.add("%s should be a list of strings (found %s)", what, tomlType(e))
			continue
		}
		out = append(out, s)
	}
	return out
}

func tomlType(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	case bool:
		return "a boolean"
	case int64, float64:
		return "a number"
	}
	return "a date or time"
}

func (s *tomlScan) stringTable(v any, path []string, what string, probs *problems) []KV {
	m, ok := v.(map[string]any)
	if !ok {
		probs.add("%s should be a table, not %s", what, tomlType(v))
		return nil
	}
	var out []KV
	for _, k := range s.sortedKeys(path, m) {
		str, ok := m[k].(string)
		if !ok {
			probs.add("%s: %s should be a string, not %s", what, k, tomlType(m[k]))
			continue
		}
		out = append(out, KV{k, str})
	}
	return out
}

// oldFromDoc reads the old-style tables of a decoded pyproject.toml.
func (s *tomlScan) oldFromDoc(doc map[string]any) (*Old, error) {
	var probs problems
	tool, _ := doc["tool"].(map[string]any)
	flit, _ := tool["flit"].(map[string]any)
	o := &Old{}
	const where = "[tool.flit.metadata]"
	if raw, ok := flit["metadata"]; ok {
		md, ok := raw.(map[string]any)
		if !ok {
			return nil, errors.New("[tool.flit.metadata] should be a table")
		}
		for _, k := range s.sortedKeys([]string{"tool", "flit", "metadata"}, md) {
			known := false
			for _, ok := range oldKeys {
				known = known || k == ok
			}
			if !known {
				probs = append(probs, unknownKeyError(where, k, oldKeys).Error())
			}
		}
		o.Module = getString(md, "module", where, &probs)
		o.DistName = getString(md, "dist-name", where, &probs)
		o.Author = getString(md, "author", where, &probs)
		o.AuthorEmail = getString(md, "author-email", where, &probs)
		o.Maintainer = getString(md, "maintainer", where, &probs)
		o.MaintainerEmail = getString(md, "maintainer-email", where, &probs)
		o.HomePage = getString(md, "home-page", where, &probs)
		o.License = getString(md, "license", where, &probs)
		o.Keywords = getString(md, "keywords", where, &probs)
		o.RequiresPython = getString(md, "requires-python", where, &probs)
		o.DescriptionFile = getString(md, "description-file", where, &probs)
		o.Requires, _ = getList(md, "requires", where, &probs)
		o.DevRequires, o.HasDevRequires = getList(md, "dev-requires", where, &probs)
		o.Classifiers, _ = getList(md, "classifiers", where, &probs)
		if v, ok := md["requires-extra"]; ok {
			path := []string{"tool", "flit", "metadata", "requires-extra"}
			if m, ok := v.(map[string]any); ok {
				for _, e := range s.sortedKeys(path, m) {
					o.RequiresExtra = append(o.RequiresExtra, Extra{e, toStrings(m[e], where+": requires-extra."+e, &probs)})
					if e == "dev" && o.HasDevRequires {
						probs.add("%s: dev-requires occurs together with its replacement requires-extra.dev; keep one", where)
					}
				}
			} else {
				probs.add("%s: requires-extra should be a table, not %s", where, tomlType(v))
			}
		}
		if v, ok := md["urls"]; ok {
			o.URLs = s.stringTable(v, []string{"tool", "flit", "metadata", "urls"}, where+": urls", &probs)
		}
	}
	if v, ok := flit["scripts"]; ok {
		o.Scripts = s.stringTable(v, []string{"tool", "flit", "scripts"}, "[tool.flit.scripts]", &probs)
	}
	if v, ok := flit["entrypoints"]; ok {
		s.flattenEntryPoints(v, []string{"tool", "flit", "entrypoints"}, "", o, &probs)
		for _, g := range o.EntryPoints {
			if g.Name == "console_scripts" && len(o.Scripts) > 0 {
				probs.add("[tool.flit.entrypoints.console_scripts] and [tool.flit.scripts] both define scripts: keep one")
			}
		}
	}
	return o, probs.err()
}

// flattenEntryPoints turns nested tables into dotted group names, as
// flit_core did ([tool.flit.entrypoints.a.b] is group "a.b").
func (s *tomlScan) flattenEntryPoints(v any, path []string, prefix string, o *Old, probs *problems) {
	m, ok := v.(map[string]any)
	if !ok {
		probs.add("[%s] should be a table, not %s", strings.Join(path, "."), tomlType(v))
		return
	}
	var g Group
	for _, k := range s.sortedKeys(path, m) {
		switch val := m[k].(type) {
		case string:
			g.Entries = append(g.Entries, KV{k, val})
		case map[string]any:
			s.flattenEntryPoints(val, append(append([]string(nil), path...), k), prefix+k+".", o, probs)
		default:
			probs.add("[%s] %s should be a string, not %s", strings.Join(path, "."), k, tomlType(val))
		}
	}
	if len(g.Entries) > 0 {
		g.Name = strings.TrimSuffix(prefix, ".")
		// A group's own entries come before its sub-groups'.
		i := len(o.EntryPoints)
		for i > 0 && strings.HasPrefix(o.EntryPoints[i-1].Name, prefix) {
			i--
		}
		o.EntryPoints = append(o.EntryPoints[:i], append([]Group{g}, o.EntryPoints[i:]...)...)
	}
}

// MigrateFlitCoreRequirement rewrites one [build-system] requirement on
// flit_core to allow flit_core 4: "flit_core >=L,<5" with L the existing
// lower bound when above 3.11, keeping any environment marker. ok is false
// for requirements on other packages.
func MigrateFlitCoreRequirement(req string) (string, bool) {
	body, marker, hasMarker := strings.Cut(req, ";")
	i := strings.IndexAny(body, " \t<>=!~[(@")
	if i < 0 {
		i = len(body)
	}
	name := strings.ToLower(strings.TrimSpace(body[:i]))
	if strings.NewReplacer("-", "_", ".", "_").Replace(name) != "flit_core" {
		return req, false
	}
	lower := "3.11"
	spec := strings.Trim(strings.TrimSpace(body[i:]), "()")
	for _, clause := range strings.Split(spec, ",") {
		clause = strings.TrimSpace(clause)
		for _, op := range []string{">=", "~=", "==", ">"} {
			if v, ok := strings.CutPrefix(clause, op); ok {
				v = strings.TrimSuffix(strings.TrimSpace(v), ".*")
				if versionLess(lower, v) {
					lower = v
				}
				break
			}
		}
	}
	out := "flit_core >=" + lower + ",<5"
	if hasMarker {
		out += " ;" + marker
	}
	return out, true
}

// versionLess compares dotted release numbers (non-numeric parts compare
// as strings).
func versionLess(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < max(len(as), len(bs)); i++ {
		var x, y string
		if i < len(as) {
			x = as[i]
		}
		if i < len(bs) {
			y = bs[i]
		}
		xi, xerr := strconv.Atoi(x)
		yi, yerr := strconv.Atoi(y)
		if xerr == nil && yerr == nil || x == "" || y == "" {
			if x == "" {
				xi = 0
			}
			if y == "" {
				yi = 0
			}
			if xi != yi {
				return xi < yi
			}
			continue
		}
		if x != y {
			return x < y
		}
	}
	return false
}

// Migrate rewrites an old-style pyproject.toml ([tool.flit.metadata],
// [tool.flit.scripts], [tool.flit.entrypoints]) to a standard [project]
// table. Everything else in the file (other tables, comments, order) is
// kept: the old tables' lines are removed, the new [project] table goes
// where [tool.flit.metadata] was, and the flit_core requirement in
// [build-system] is updated to allow flit_core 4. name is the file name
// used in messages.
func Migrate(src []byte, name string) (*MigrateResult, error) {
	scan, err := scanTOML(src)
	if err != nil {
		return nil, fmt.Errorf("%s:%w", name, err)
	}
	var doc map[string]any
	if err := toml.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if len(scan.strays) > 0 {
		return nil, fmt.Errorf("%s: %s is not written under its own table header; move it into a [tool.flit.metadata]-style table first", name, scan.strays[0])
	}
	hasOld := false
	for _, h := range scan.headers {
		hasOld = hasOld || isOldPath(h.path)
	}
	if !hasOld {
		return nil, fmt.Errorf("%s has no [tool.flit.metadata], [tool.flit.scripts] or [tool.flit.entrypoints] table: nothing to migrate", name)
	}
	if _, ok := doc["project"]; ok {
		return nil, fmt.Errorf("%s has both [project] and old-style [tool.flit.*] metadata: merge them by hand (flit never accepted both)", name)
	}
	if tool, ok := doc["tool"].(map[string]any); ok {
		if flit, ok := tool["flit"].(map[string]any); ok {
			if _, ok := flit["module"]; ok {
				return nil, fmt.Errorf("%s: [tool.flit.module] cannot be combined with [tool.flit.metadata]; remove it first", name)
			}
			if _, ok := flit["metadata"]; !ok {
				return nil, fmt.Errorf("%s: [tool.flit.scripts]/[tool.flit.entrypoints] without [tool.flit.metadata]: nothing to build a [project] table from", name)
			}
		}
	}
	old, err := scan.oldFromDoc(doc)
	if err != nil {
		// One problem a line, each naming the file.
		return nil, errors.New(name + ": " + strings.ReplaceAll(err.Error(), "\n", "\n"+name+": "))
	}
	if old.Module == "" {
		return nil, fmt.Errorf("%s: [tool.flit.metadata] has no module: add module = NAME (the import name)", name)
	}

	// 1. [build-system] requires: edit the string tokens in place (same
	//    line count, so the header lines found above stay valid).
	text := string(src)
	var reqNotes []string
	for i := len(scan.requires) - 1; i >= 0; i-- {
		r := scan.requires[i]
		if nr, ok := MigrateFlitCoreRequirement(r.value); ok && nr != r.value {
			text = text[:r.start] + Quote(nr) + text[r.end:]
			reqNotes = append(reqNotes, fmt.Sprintf("[build-system] requires %s -> %s", Quote(r.value), Quote(nr)))
		}
	}

	// 2. Mark the old tables' lines for removal. Comments in them move with
	//    what they annotate: a comment block right above a key (or an old
	//    table header) and a comment after a key's value go to the new key.
	lines := strings.SplitAfter(text, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if n := len(lines); n > 0 && !strings.HasSuffix(lines[n-1], "\n") {
		lines[n-1] += "\n"
	}
	keep := make([]bool, len(lines))
	for i := range keep {
		keep[i] = true
	}
	old.Comments = map[string][]string{}
	commentsAbove := func(line, floor int) []string {
		j := line
		for j > floor && isComment(lines[j-1]) {
			j--
		}
		var out []string
		for ; j < line; j++ {
			out = append(out, strings.TrimSpace(lines[j]))
		}
		return out
	}
	moved := map[int]bool{}
	insertAt := -1
	for i, h := range scan.headers {
		if !isOldPath(h.path) {
			continue
		}
		end := len(lines)
		last := i == len(scan.headers)-1
		if !last {
			end = scan.headers[i+1].line
		}
		// A comment block directly above the next header belongs to it:
		// it stays in place, or moves along when that table is old too.
		keepFrom := end
		if !last {
			for keepFrom > h.line+1 && isComment(lines[keepFrom-1]) {
				keepFrom--
			}
			if next := scan.headers[i+1]; isOldPath(next.path) {
				old.Comments["["+strings.Join(next.path[2:], ".")+"]"] = commentsAbove(end, h.line+1)
				for j := keepFrom; j < end; j++ {
					moved[j] = true
				}
				keepFrom = end
			}
		}
		for j := h.line; j < keepFrom; j++ {
			keep[j] = false
		}
		if h.path[2] == "metadata" && insertAt < 0 {
			insertAt = h.line
		}
	}
	for _, kv := range scan.kvs {
		if !isOldPath(kv.path) || keep[kv.line] {
			continue
		}
		key := strings.Join(kv.path[2:], ".")
		floor := 0
		for _, h := range scan.headers {
			if h.line < kv.line {
				floor = h.line + 1
			}
		}
		if above := commentsAbove(kv.line, floor); len(above) > 0 {
			old.Comments[key] = above
			for j := kv.line - len(above); j < kv.line; j++ {
				moved[j] = true
			}
		}
		if kv.trailing != "" {
			old.Comments[key+"#"] = []string{kv.trailing}
		}
	}
	var dropped []string
	for j := range lines {
		if !keep[j] && !moved[j] {
			if isComment(lines[j]) {
				dropped = append(dropped, strings.TrimSpace(lines[j]))
			} else {
				// A comment after an element of an array or inline table.
				dropped = append(dropped, scan.valueComments[j]...)
			}
		}
		if moved[j] {
			keep[j] = false
		}
	}
	project, notes := old.ProjectTOML()
	notes = append(notes, reqNotes...)
	if len(dropped) > 0 {
		notes = append(notes, "comments inside the old tables' values were dropped: "+strings.Join(dropped, " | "))
	}

	var out []string
	seam := false
	emit := func(chunk []string, afterComment bool) {
		if seam {
			for len(out) > 0 && strings.TrimSpace(out[len(out)-1]) == "" {
				out = out[:len(out)-1]
			}
			for len(chunk) > 0 && strings.TrimSpace(chunk[0]) == "" {
				chunk = chunk[1:]
			}
			// A comment right above [tool.flit.metadata] stays right above [project].
			attached := afterComment && len(out) > 0 && isComment(out[len(out)-1]) &&
				insertAt > 0 && isComment(lines[insertAt-1])
			if len(out) > 0 && len(chunk) > 0 && !attached {
				out = append(out, "\n")
			}
		}
		out = append(out, chunk...)
	}
	if !scan.hasBuild {
		// Before [project] (not at the top: keys outside any table must
		// stay first).
		project = "[build-system]\nrequires = [" + Quote(FlitCoreRequirement) + "]\nbuild-backend = \"flit_core.buildapi\"\n\n" + project
		notes = append(notes, "added a [build-system] table using flit_core")
	}
	for i := 0; i < len(lines); i++ {
		if i == insertAt {
			seam = true
			emit(strings.SplitAfter(strings.TrimSuffix(project, "\n"), "\n"), true)
			out[len(out)-1] += "\n"
			seam = true
		}
		if !keep[i] {
			seam = true
			continue
		}
		j := i
		for j < len(lines) && keep[j] && (j == i || j != insertAt) {
			j++
		}
		emit(lines[i:j], false)
		seam = false
		i = j - 1
	}
	result := strings.Join(out, "")
	if strings.Count(text, "\r\n") > strings.Count(text, "\n")/2 {
		// A CRLF file stays CRLF, new lines included.
		result = strings.ReplaceAll(strings.ReplaceAll(result, "\r\n", "\n"), "\n", "\r\n")
	}
	return &MigrateResult{Old: string(src), New: result, Notes: notes}, nil
}

// valueComments finds the comments inside values (after an array element,
// between elements, in an inline table) of a file that parses, by 0-based
// line. Comments on their own line or after a key's value are not here.
func valueComments(src []byte) map[int][]string {
	out := map[int][]string{}
	var p unstable.Parser
	p.KeepComments = true
	p.Reset(src)
	var walk func(n *unstable.Node)
	walk = func(n *unstable.Node) {
		it := n.Children()
		for it.Next() {
			c := it.Node()
			if c.Kind == unstable.Comment && c.Raw.Length > 0 {
				line := p.Shape(c.Raw).Start.Line - 1
				out[line] = append(out[line], strings.TrimSpace(string(c.Data)))
			}
			walk(c)
		}
	}
	for p.NextExpression() {
		if e := p.Expression(); e.Kind == unstable.KeyValue {
			walk(e.Value())
		}
	}
	return out
}

func isComment(line string) bool { return strings.HasPrefix(strings.TrimSpace(line), "#") }
