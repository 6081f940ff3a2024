package pyproject

import (
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"goflit/internal/diag"
	"goflit/internal/pysrc"
	"goflit/internal/python"
	"goflit/names"
)

// findModule locates the import module (common.Module).
func (l *loader) findModule() {
	if l.module == "" {
		return
	}
	m, err := pysrc.FindModule(l.module, l.root, l.prof.StubsPackages)
	if err != nil {
		msg := strings.ReplaceAll(err.Error(), l.root+string(filepath.Separator), "")
		msg = strings.ReplaceAll(msg, " in "+l.root+")", ")")
		msg = strings.ReplaceAll(msg, l.root, ".")
		l.errorAt(l.moduleAt, true, msg, "")
		return
	}
	l.p.Module = m
}

// checkImportNames applies PEP 794 import-names / import-namespaces rules
// (flit_core 4) and generates the fields when they are absent.
func (l *loader) checkImportNames() {
	md := l.md()
	parts := strings.Split(l.module, ".")
	var nsFromMod []string
	for i := 1; i < len(parts); i++ {
		nsFromMod = append(nsFromMod, strings.Join(parts[:i], "."))
	}
	if l.hasImportNm {
		var bare []string
		for _, s := range l.importNames {
			bare = append(bare, strings.SplitN(s, ";", 2)[0])
		}
		if len(bare) != 1 || bare[0] != l.module {
			l.errorAt("project.import-names", true, "Specified import-names "+pyList(bare)+" do not match the module present ("+l.module+")", "")
		}
		md.ImportNames = l.importNames
	} else {
		md.ImportNames = []string{l.module}
	}
	if l.hasImportNS {
		var bare []string
		set := map[string]bool{}
		for _, s := range l.importNSs {
			b := strings.SplitN(s, ";", 2)[0]
			bare = append(bare, b)
			set[b] = true
		}
		same := len(set) == len(nsFromMod)
		for _, n := range nsFromMod {
			same = same && set[n]
		}
		if !same {
			l.errorAt("project.import-namespaces", true, "Specified import-namespaces "+pyList(bare)+" do not match the namespace packages present ("+pyList(nsFromMod)+")", "")
		}
		md.ImportNamespaces = l.importNSs
	} else {
		md.ImportNamespaces = nsFromMod
	}
}

// readDynamic fills version / description from the module: a static read
// of the source first, then (unless NoImport) an import of the module when
// a wanted value is missing, as flit_core's get_info_from_module does.
func (l *loader) readDynamic() {
	wantVersion, wantDoc := l.dynamic["version"], l.dynamic["description"]
	if !wantVersion && !wantDoc {
		return
	}
	m := l.p.Module
	at := l.moduleAt
	info, err := pysrc.ReadInfo(m)
	if err != nil {
		l.addForeign(at, err)
		return
	}
	doc := info.Doc
	var version any
	if info.HasVersion {
		if info.VersionKind == "str" {
			version = info.Version
		} else if info.VersionTruthy {
			version = pyClass(info.VersionKind)
		}
	}
	if info.NeedsImport(wantVersion, wantDoc) {
		var missing []string
		if wantVersion && (!info.HasVersion || !info.VersionTruthy) {
			missing = append(missing, "__version__")
		}
		if wantDoc && (!info.HasDoc || info.Doc == "") {
			missing = append(missing, "docstring")
		}
		if l.opts.DeferImport {
			// PEP 517 get_requires: report that an import is needed, without importing.
			l.p.NeedsImport = true
			return
		}
		if l.opts.DeferImport {
			l.p.NeedsImport = true
			return
		}
		if l.opts.NoImport {
			l.errorAt(at, true, "cannot read "+strings.Join(missing, " and ")+" of module "+m.Name+" statically from "+l.show(l.rel(m.File()))+", and importing it is not allowed here",
				`write __version__ = "1.0" and the docstring as plain literals, or set them under [project]`)
			return
		}
		l.opts.Log.Debugf("%s: cannot read %s statically; importing module %s", l.show(l.rel(m.File())), strings.Join(missing, " and "), m.Name)
		doc, version, err = importInfo(l.opts, m)
		if err != nil {
			l.addForeign(at, err)
			return
		}
		l.p.NeedsImport = true
	}
	if wantDoc {
		if strings.TrimFunc(doc, isPySpace) == "" {
			l.errorAt(at, true, "Flit cannot package module without docstring, or empty docstring. Please add a docstring to your module ("+l.show(l.rel(m.File()))+").", "")
		} else {
			l.md().Summary = firstLine(strings.TrimLeftFunc(doc, isPySpace))
		}
	}
	if wantVersion {
		switch v := version.(type) {
		case string:
			if v == "" {
				l.errorAt(at, true, noVersionMsg, "")
				break
			}
			l.setVersion(at, v)
		default:
			if falsy(version) {
				l.errorAt(at, true, noVersionMsg, "")
				break
			}
			l.errorAt(at, true, "__version__ must be a string, not "+pyClassOf(version)+".", `write __version__ = "1.0"`)
		}
	}
}

const noVersionMsg = "Cannot package module without a version string. Please define a `__version__ = \"x.y.z\"` in your module."

// addForeign records an error from another package: a diagnostic keeps
// its own position (paths made relative), anything else is blamed on the
// key at.
func (l *loader) addForeign(at string, err error) {
	if list, ok := diag.AsList(err); ok {
		for _, d := range list {
			d.File = l.relMsg(d.File)
			d.Msg = l.relMsg(d.Msg)
			l.diags.Add(d)
		}
		return
	}
	l.errorAt(at, true, l.relMsg(err.Error()), "")
}

// falsy is Python truthiness for the values a __version__ can have.
func falsy(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case bool:
		return !x
	case int:
		return x == 0
	case int64:
		return x == 0
	case float64:
		return x == 0
	case []byte:
		return len(x) == 0
	case []any:
		return len(x) == 0
	case python.Object:
		return !x.Truthy
	}
	return false
}

// pyClassOf names the Python class of a value reported for __version__.
func pyClassOf(v any) string {
	switch x := v.(type) {
	case pyClass:
		return "<class '" + string(x) + "'>"
	case python.Object:
		return "<class '" + x.Type + "'>"
	case []byte:
		return "<class 'bytes'>"
	case []any:
		return "<class 'tuple'>"
	}
	return pyType(v)
}

// pyClass is a Python value known only by its class name.
type pyClass string

// rel makes an absolute path relative to the project root (slash form).
func (l *loader) rel(p string) string {
	r, err := filepath.Rel(l.root, p)
	if err != nil {
		return p
	}
	return filepath.ToSlash(r)
}

// relMsg removes the project root from messages of other packages so that
// paths read as the user named them.
func (l *loader) relMsg(msg string) string {
	prefix := l.root + string(filepath.Separator)
	if l.showDir != "" {
		return strings.ReplaceAll(msg, prefix, l.showDir+string(filepath.Separator))
	}
	return strings.ReplaceAll(msg, prefix, "")
}

// firstLine is Python's s.splitlines()[0].
func firstLine(s string) string {
	for i, r := range s {
		switch r {
		case '\n', '\r', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
			return s[:i]
		}
	}
	return s
}

var bracketRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\[([^]]*)\]`) })

// normaliseRequiresDist is Metadata._normalise_requires_dist: the extras
// in the first [...] group are normalised and every bracket group is
// replaced by them.
func normaliseRequiresDist(req string) string {
	m := bracketRe().FindStringSubmatch(req)
	if m == nil {
		return req
	}
	items := strings.Split(m[1], ",")
	for i, it := range items {
		items[i] = names.NormalizeExtra(strings.TrimFunc(it, isPySpace))
	}
	repl := "[" + strings.Join(items, ", ") + "]"
	return bracketRe().ReplaceAllLiteralString(req, repl)
}

// pyFoldLines is '\n'.join(s.splitlines()), which flit_core applies to the
// foldable fields before indenting continuation lines: every Python line
// boundary becomes "\n" and a trailing one is dropped.
func pyFoldLines(s string) string {
	var lines []string
	start := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch r {
		case '\r':
			lines = append(lines, s[start:i])
			if strings.HasPrefix(s[i+size:], "\n") {
				size++
			}
			start = i + size
		case '\n', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
			lines = append(lines, s[start:i])
			start = i + size
		}
		i += size
	}
	if start < len(s) {
		lines = append(lines, s[start:])
	}
	return strings.Join(lines, "\n")
}

// finishMetadata fills the remaining Metadata fields.
func (l *loader) finishMetadata() {
	md := l.md()
	for _, f := range []*string{&md.Summary, &md.HomePage, &md.Author, &md.AuthorEmail,
		&md.Maintainer, &md.MaintainerEmail, &md.RequiresPython, &md.DescriptionContentType} {
		*f = pyFoldLines(*f)
	}
	if len(md.Keywords) > 0 {
		md.Keywords = []string{pyFoldLines(strings.Join(md.Keywords, ","))}
	}
	md.MetadataVersion = l.prof.MetadataVersion
	if len(l.licenseFiles) > 0 {
		files := make([]string, 0, len(l.licenseFiles))
		for f := range l.licenseFiles {
			files = append(files, f)
		}
		sort.Strings(files)
		l.p.LicenseFiles = files
		md.LicenseFiles = files
	}
	reqs := append([]string{}, l.p.Dependencies...)
	for _, extra := range slices.Sorted(maps.Keys(l.p.OptionalDeps)) {
		for _, r := range l.p.OptionalDeps[extra] {
			if name, marker, ok := strings.Cut(r, ";"); ok {
				reqs = append(reqs, name+` ; extra == "`+extra+`" and (`+marker+")")
			} else {
				reqs = append(reqs, r+` ; extra == "`+extra+`"`)
			}
		}
	}
	md.RequiresDist = nil
	for _, r := range reqs {
		md.RequiresDist = append(md.RequiresDist, normaliseRequiresDist(r))
	}
	if l.hasOptional {
		md.ProvidesExtra = nil
		for _, e := range slices.Sorted(maps.Keys(l.p.OptionalDeps)) {
			md.ProvidesExtra = append(md.ProvidesExtra, names.NormalizeExtra(e))
		}
	}
	if !l.prof.ImportNames {
		md.ImportNames, md.ImportNamespaces = nil, nil
	}
}
