package pyproject

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"goflit/coremeta"
	"goflit/internal/diag"
	"goflit/internal/pystr"
)

// loader holds the state of one Load call.
type loader struct {
	doc     *document
	opts    Options
	prof    Profile
	root    string // absolute project directory
	showDir string // the project directory as the user named it ("" = cwd)
	diags   diag.List
	p       *Project

	module       string          // import name
	moduleAt     string          // key path blamed for module problems
	dynamic      map[string]bool // fields to read from the module
	readmeMime   string
	hasOptional  bool
	importNames  []string // from [project].import-names (normalised); nil = generate
	importNSs    []string
	hasImportNS  bool
	hasImportNm  bool
	licenseFiles map[string]bool
}

// Load reads, validates and resolves the pyproject.toml at path. Every
// problem found is reported: the error is a *diag.Error whose diagnostics
// carry file:line:col and the source line. Warnings (also on success) are
// in Project.Warnings; Load itself prints nothing.
func Load(path string, opts Options) (*Project, error) { return load(path, opts, nil) }

func load(path string, opts Options, partial **Project) (*Project, error) {
	if path == "" {
		path = "pyproject.toml"
	}
	if opts.Log == nil {
		opts.Log = diag.Discard
	}
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	if opts.Getenv("FLIT_ALLOW_INVALID") != "" {
		opts.AllowInvalid = true
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, diag.List{{File: path, Msg: "cannot resolve path: " + err.Error()}}.Err()
	}
	data, err := os.ReadFile(abs)
	if err != nil {
		msg := "cannot read file: " + err.Error()
		if errors.Is(err, fs.ErrNotExist) {
			msg = "file not found (run flit in the directory containing pyproject.toml, or flit init to create one)"
		}
		return nil, diag.List{{File: path, Msg: msg}}.Err()
	}
	doc, derr := decodeTOML(path, data)
	if derr != nil {
		return nil, diag.List{*derr}.Err()
	}
	l := &loader{
		doc:     doc,
		opts:    opts,
		root:    filepath.Dir(abs),
		showDir: filepath.Dir(path),
		dynamic: map[string]bool{},
		p: &Project{
			File:      abs,
			Doc:       doc.data,
			Positions: map[string]diag.Diagnostic{},
		},
	}
	if l.showDir == "." {
		l.showDir = ""
	}
	l.p.Root = l.root
	for k, v := range doc.locs {
		l.p.Positions[k] = v.key
	}
	l.load()
	l.diags.Sort()
	l.p.Warnings = l.diags.Warnings()
	if err := l.diags.Err(); err != nil {
		if partial != nil {
			*partial = l.p
		}
		return nil, err
	}
	return l.p, nil
}

// LoadPartial is Load for reporting: when the file parses as TOML but has
// problems, it also returns the partly filled Project, so that further
// checks (the flit CLI's validation) can report their problems in the same
// run. The partial Project must not be built. It is nil when not even the
// TOML could be read.
func LoadPartial(path string, opts Options) (*Project, error) {
	var partial *Project
	p, err := load(path, opts, &partial)
	if err != nil {
		return partial, err
	}
	return p, nil
}

// errorAt records an error at a key path (value=true: at the value).
func (l *loader) errorAt(path string, value bool, msg, hint string) {
	d := l.doc.at(path, value)
	d.Msg, d.Hint = msg, hint
	l.diags.Add(d)
}

// warnAt records a warning at a key path.
func (l *loader) warnAt(path string, value bool, msg, hint string) {
	d := l.doc.at(path, value)
	d.Msg, d.Hint, d.Warning = msg, hint, true
	l.diags.Add(d)
}

// failed reports whether an error has been recorded.
func (l *loader) failed() bool { return len(l.diags.Errors()) > 0 }

// show turns a path relative to the project root into the path the user
// should see (relative to their working directory, as flit shows it).
func (l *loader) show(rel string) string {
	if l.showDir == "" {
		return filepath.FromSlash(rel)
	}
	return filepath.Join(l.showDir, filepath.FromSlash(rel))
}

func (l *loader) load() {
	d := l.doc.data
	l.readBuildSystem()
	l.p.Profile = ProfileFor(l.p.BuildRequires)
	l.prof = l.p.Profile
	l.p.Metadata.MetadataVersion = l.prof.MetadataVersion

	dtool, ok := l.table("tool.flit")
	if !ok {
		return
	}
	proj, hasProject := d["project"]
	_, hasMeta := dtool["metadata"]
	_, hasScripts := dtool["scripts"]
	_, hasEPs := dtool["entrypoints"]

	oldStyle := false
	if !l.prof.OldStyleMetadata {
		if hasMeta {
			l.errorAt("tool.flit.metadata", false, "The [tool.flit.metadata] table is no longer supported. Switch to the standard [project] table or require flit_core<4 to build this package.", migrateHint)
		}
		if hasScripts || hasEPs {
			at := "tool.flit.scripts"
			if !hasScripts {
				at = "tool.flit.entrypoints"
			}
			l.errorAt(at, false, "The [tool.flit.scripts] and [tool.flit.entrypoints] tables are no longer supported. Use [project.scripts], [project.gui-scripts] or[project.entry-points] as replacements.", migrateHint)
		}
		if !hasProject && !hasMeta {
			l.errorAt("", false, "No [project] table found in pyproject.toml", "add a [project] table with name, version and description; flit init writes one")
		}
		if l.failed() {
			return
		}
	} else {
		switch {
		case hasProject && hasMeta:
			l.errorAt("tool.flit.metadata", false, "Use [project] table for metadata or [tool.flit.metadata], not both.", "")
			return
		case hasProject && (hasScripts || hasEPs):
			at := "tool.flit.scripts"
			if !hasScripts {
				at = "tool.flit.entrypoints"
			}
			l.errorAt(at, false, "Don't mix [project] metadata with [tool.flit.scripts] or [tool.flit.entrypoints]. Use [project.scripts],[project.gui-scripts] or [project.entry-points] as replacements.", "")
			return
		case hasProject:
		case hasMeta:
			if _, ok := dtool["module"]; ok {
				l.errorAt("tool.flit.module", false, "Use [tool.flit.module] table with new-style [project] metadata, not [tool.flit.metadata]", "")
				return
			}
			oldStyle = true
		default:
			l.errorAt("", false, "Neither [project] nor [tool.flit.metadata] found in pyproject.toml", "add a [project] table with name, version and description")
			return
		}
	}

	if oldStyle {
		l.readOldStyle(dtool)
	} else {
		ptbl, ok := proj.(map[string]any)
		if !ok {
			l.errorAt("project", true, "project should be a table, not "+pyType(proj), "")
			return
		}
		l.readProject(ptbl)
	}
	l.readToolFlit(dtool, oldStyle)
	if l.failed() {
		return
	}
	l.findModule()
	if l.failed() {
		return
	}
	if !oldStyle && l.prof.ImportNames {
		l.checkImportNames()
	}
	l.readDynamic()
	if l.failed() {
		return
	}
	l.finishMetadata()
}

const migrateHint = "run 'flit migrate' or require flit_core<4"

// table returns the table at a dotted path ("" = document), reporting a
// type error when the key exists with another type. A missing table is an
// empty one.
func (l *loader) table(path string) (map[string]any, bool) {
	var cur any = l.doc.data
	if path != "" {
		var walked []string
		for _, k := range strings.Split(path, ".") {
			m, ok := cur.(map[string]any)
			if !ok {
				at := strings.Join(walked, ".")
				l.errorAt(at, true, at+" should be a table, not "+pyType(cur), "")
				return nil, false
			}
			walked = append(walked, k)
			v, ok := m[k]
			if !ok {
				return map[string]any{}, true
			}
			cur = v
		}
	}
	m, ok := cur.(map[string]any)
	if !ok {
		l.errorAt(path, true, path+" should be a table, not "+pyType(cur), "")
		return nil, false
	}
	return m, true
}

func (l *loader) readBuildSystem() {
	bs, ok := l.doc.data["build-system"].(map[string]any)
	if !ok {
		return
	}
	if v, ok := bs["requires"]; ok {
		reqs, good := v.([]any)
		for _, r := range reqs {
			if s, ok := r.(string); ok {
				l.p.BuildRequires = append(l.p.BuildRequires, s)
			} else {
				good = false
			}
		}
		if !good {
			// flit ignores [build-system]; goflit reads it for the
			// compatibility profile, and pip and build refuse the file.
			l.warnAt("build-system.requires", true, "[build-system] requires should be a list of strings (PEP 518); pip and build refuse this file, and goflit follows flit_core 4.x",
				`write a list of strings, e.g. requires = ["flit_core >=3.11,<5"]`)
		}
	}
	if b, ok := bs["build-backend"].(string); ok {
		l.p.BuildBackend = b
	}
}

// readToolFlit validates [tool.flit.*]: unknown tables, module, sdist and
// external-data.
func (l *loader) readToolFlit(dtool map[string]any, oldStyle bool) {
	known := []string{"module", "sdist", "external-data"}
	if l.prof.OldStyleMetadata {
		known = append(known, "metadata", "scripts", "entrypoints")
	}
	var unknown []string
	for k := range dtool {
		if !slices.Contains(known, k) && !strings.HasPrefix(strings.ToLower(k), "x-") &&
			!(!l.prof.OldStyleMetadata && (k == "metadata" || k == "scripts" || k == "entrypoints")) {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		l.errorAt("tool.flit."+k, false, "Unexpected tables in pyproject.toml: [tool.flit."+k+"]", suggest(k, known, "[tool.flit.%s]"))
	}

	if _, ok := dtool["module"]; ok {
		if mod, ok := l.table("tool.flit.module"); ok {
			l.unknownKeys("tool.flit.module", mod, []string{"name"}, func(k string) string {
				return "Unrecognised keys in [tool.flit.module]: " + k
			})
			if v, ok := mod["name"]; ok {
				if s, ok := v.(string); ok {
					l.module = s
					l.moduleAt = "tool.flit.module.name"
				} else {
					l.errorAt("tool.flit.module.name", true, "tool.flit.module.name should be <class 'str'>, not "+pyType(v), "")
				}
			}
		}
	}

	if _, ok := dtool["sdist"]; ok {
		if sd, ok := l.table("tool.flit.sdist"); ok {
			l.p.HasSdistTable = true
			l.unknownKeys("tool.flit.sdist", sd, []string{"include", "exclude"}, func(k string) string {
				return "Unknown keys in [tool.flit.sdist]:" + k
			})
			l.p.SdistInclude = l.globPatterns(sd, "include", nil)
			l.p.SdistExclude = l.globPatterns(sd, "exclude", []string{"**/__pycache__", "**.pyc"})
		}
	}

	if _, ok := dtool["external-data"]; ok {
		if ed, ok := l.table("tool.flit.external-data"); ok {
			l.unknownKeys("tool.flit.external-data", ed, []string{"directory"}, func(k string) string {
				return "Unrecognised keys in [tool.flit.external-data]: " + k
			})
			if v, ok := ed["directory"]; ok {
				l.externalData(v)
			}
		}
	}
}

// unknownKeys reports every key of tbl not in allowed, at the key, with
// the nearest allowed key as a hint.
func (l *loader) unknownKeys(path string, tbl map[string]any, allowed []string, msg func(string) string) []string {
	unknown := keysNotIn(tbl, allowed)
	for _, k := range unknown {
		l.errorAt(path+"."+k, false, msg(k), suggest(k, allowed, `"%s"`))
	}
	return unknown
}

// keysNotIn lists, sorted, the keys of tbl that are not in allowed.
func keysNotIn(tbl map[string]any, allowed []string) []string {
	var out []string
	for k := range tbl {
		if !slices.Contains(allowed, k) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// globPatterns checks [tool.flit.sdist] include/exclude patterns as
// flit_core's _check_glob_patterns does, returning them normpath'ed.
func (l *loader) globPatterns(sd map[string]any, clude string, defaults []string) []string {
	out := append([]string{}, defaults...)
	v, ok := sd[clude]
	if !ok {
		return out
	}
	path := "tool.flit.sdist." + clude
	list, ok := v.([]any)
	if !ok {
		l.errorAt(path, true, "sdist "+clude+" patterns must be a list", "")
		return out
	}
	for i, e := range list {
		at := path + "." + itoa(i)
		p, ok := e.(string)
		if !ok {
			l.errorAt(at, true, "sdist "+clude+" patterns must be strings, not "+pyType(e), "")
			continue
		}
		if hasBadPatternChar(p) {
			l.errorAt(at, true, clude+" pattern "+pystr.Repr(p)+` contains bad characters (<>:"\ or control characters)`, "")
			continue
		}
		np := pyNormpath(p)
		if isAbsish(np) {
			l.errorAt(at, true, clude+" pattern "+pystr.Repr(p)+" is an absolute path", "patterns are relative to the directory containing pyproject.toml")
			continue
		}
		if strings.HasPrefix(np, "../") {
			l.errorAt(at, true, clude+" pattern "+pystr.Repr(p)+" points out of the directory containing pyproject.toml", "")
			continue
		}
		out = append(out, np)
	}
	return out
}

func hasBadPatternChar(p string) bool {
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c < 0x20 || strings.IndexByte(`<>:"\`, c) >= 0 {
			return true
		}
	}
	return false
}

func (l *loader) externalData(v any) {
	const key = "tool.flit.external-data.directory"
	s, ok := v.(string)
	if !ok {
		l.errorAt(key, true, key+" must be a string", "")
		return
	}
	np := pyNormpath(s)
	switch {
	case isAbsish(np):
		l.errorAt(key, true, key+" cannot be an absolute path", "")
	case strings.HasPrefix(np, "../"):
		l.errorAt(key, true, key+" cannot point outside the directory containing pyproject.toml", "")
	case np == ".":
		l.errorAt(key, true, key+" cannot refer to the directory containing pyproject.toml", "")
	default:
		fi, err := os.Stat(filepath.Join(l.root, filepath.FromSlash(s)))
		if err != nil || !fi.IsDir() {
			l.errorAt(key, true, key+" must refer to a directory", "no directory "+pystr.Repr(s)+" next to pyproject.toml")
			return
		}
		l.p.ExternalDataDir = np
	}
}

// pyNormpath is Python's posixpath.normpath.
func pyNormpath(p string) string {
	if p == "" {
		return "."
	}
	lead := ""
	if strings.HasPrefix(p, "//") && !strings.HasPrefix(p, "///") {
		lead = "/"
	}
	c := filepath.ToSlash(filepath.Clean(p))
	return lead + c
}

// isAbsish is flit's isabs_ish: absolute, or starting with a slash or
// backslash.
func isAbsish(p string) bool {
	return strings.HasPrefix(p, "/") || strings.HasPrefix(p, `\`)
}

func itoa(i int) string { return strconv.Itoa(i) }

// md is the metadata being assembled.
func (l *loader) md() *coremeta.Metadata { return &l.p.Metadata }
