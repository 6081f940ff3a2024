package pyproject

import (
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"goflit/internal/pystr"
	"goflit/names"
	"goflit/pep440"
	"goflit/spdx"
)

// projectKeys are the [project] keys flit_core 4 accepts (3.x: without the
// import-* keys).
var projectKeys = []string{
	"name", "version", "description", "readme", "requires-python", "license",
	"license-files", "authors", "maintainers", "keywords", "classifiers",
	"urls", "scripts", "gui-scripts", "entry-points", "dependencies",
	"optional-dependencies", "dynamic", "import-names", "import-namespaces",
}

var readmeTypes = map[string]string{
	".rst": "text/x-rst",
	".md":  "text/markdown",
	".txt": "text/plain",
}

// readProject applies flit_core's read_pep621_metadata rules to [project].
func (l *loader) readProject(proj map[string]any) {
	md := l.md()
	allowed := projectKeys
	if !l.prof.ImportNames {
		allowed = projectKeys[:len(projectKeys)-2]
	}

	// name
	if v, ok := proj["name"]; !ok {
		l.errorAt("project", false, "name must be specified in [project] table", `add name = "your-project"`)
	} else if s, ok := l.str("project.name", v); ok {
		if !names.ValidProjectName(s) {
			l.errorAt("project.name", true, "name "+s+" is not valid", "use ASCII letters, digits, '-', '_' and '.', starting and ending with a letter or digit")
		} else {
			md.Name = s
			l.p.Name = s
			if l.prof.StubsPackages && strings.HasSuffix(s, "-stubs") {
				l.module = strings.ReplaceAll(strings.TrimSuffix(s, "-stubs"), "-", "_") + "-stubs"
			} else {
				l.module = strings.ReplaceAll(s, "-", "_")
			}
			l.moduleAt = "project.name"
		}
	}

	// unknown keys
	for _, k := range keysNotIn(proj, allowed) {
		hint := suggest(k, allowed, `"%s"`)
		if l.prof.UnknownKeysAreError {
			l.errorAt("project."+k, false, "Unrecognised key(s) in [project] table: "+k, hint)
		} else {
			l.warnAt("project."+k, false, "Unexpected names under [project]: "+k, hint)
		}
	}

	if v, ok := proj["version"]; ok {
		if s, ok := l.str("project.version", v); ok {
			l.setVersion("project.version", s)
		}
	}
	if v, ok := proj["description"]; ok {
		if s, ok := l.str("project.description", v); ok {
			md.Summary = s
			if s == "" { // flit writes "Summary: " for an empty description
				md.Blank = append(md.Blank, "Summary")
			}
		}
	}
	if v, ok := proj["readme"]; ok {
		l.readme(v)
	}
	if v, ok := proj["requires-python"]; ok {
		if s, ok := l.str("project.requires-python", v); ok {
			md.RequiresPython = s
			if s == "" {
				md.Blank = append(md.Blank, "Requires-Python")
			}
		}
	}

	l.licenseFiles = map[string]bool{}
	licVal, hasLicense := proj["license"]
	_, licenseIsTable := licVal.(map[string]any)
	if hasLicense {
		l.license(licVal)
	}
	if v, ok := proj["license-files"]; ok {
		list, ok := v.([]any)
		if !ok {
			l.errorAt("project.license-files", true, "license-files field should be <class 'list'>, not "+pyType(v), "")
		} else {
			l.licenseFiles = map[string]bool{}
			for i, e := range list {
				at := "project.license-files." + itoa(i)
				s, ok := e.(string)
				if !ok {
					l.errorAt(at, true, "license-files field should be a list of strings", "")
					continue
				}
				l.licenseGlob(at, s, true)
			}
			if licenseIsTable {
				l.errorAt("project.license-files", false, "license-files cannot be used with a license table, use 'project.license' with a license expression instead", "")
			}
		}
	} else {
		for _, g := range l.prof.LicenseGlobs {
			l.licenseGlob("project", g, false)
		}
	}

	if v, ok := proj["authors"]; ok {
		l.people("authors", "author", v)
	}
	if v, ok := proj["maintainers"]; ok {
		l.people("maintainers", "maintainer", v)
	}
	if v, ok := proj["keywords"]; ok {
		if list, ok := l.strList("project.keywords", "keywords", v); ok {
			md.Keywords = list
			if len(list) == 0 { // flit writes "Keywords: " for keywords = []
				md.Blank = append(md.Blank, "Keywords")
			}
		}
	}
	if v, ok := proj["classifiers"]; ok {
		if list, ok := l.strList("project.classifiers", "classifiers", v); ok {
			if md.LicenseExpression != "" {
				for i, cl := range list {
					if strings.HasPrefix(cl, "License :: ") {
						l.errorAt("project.classifiers."+itoa(i), true, "License classifiers are deprecated in favor of the license expression. Remove the '"+cl+"' classifier", "")
					}
				}
			}
			md.Classifiers = list
		}
	}
	if v, ok := proj["urls"]; ok {
		if m, ok := l.dict("project.urls", "urls", v); ok {
			labels := slices.Sorted(maps.Keys(m))
			for _, label := range labels {
				s, ok := m[label].(string)
				if !ok {
					l.errorAt("project.urls."+label, true, "urls values should be strings, not "+pyType(m[label]), "")
					continue
				}
				md.ProjectURLs = append(md.ProjectURLs, label+", "+s)
			}
		}
	}
	l.entryPoints(proj)
	if v, ok := proj["dependencies"]; ok {
		if list, ok := l.strList("project.dependencies", "dependencies", v); ok {
			l.p.Dependencies = list
		}
	}
	if v, ok := proj["optional-dependencies"]; ok {
		l.optionalDeps(v)
	}
	if l.prof.ImportNames {
		if v, ok := proj["import-names"]; ok {
			l.hasImportNm = true
			l.importNames = l.importNameList("import-names", v)
		}
		if v, ok := proj["import-namespaces"]; ok {
			l.hasImportNS = true
			l.importNSs = l.importNameList("import-namespaces", v)
		}
	}

	// dynamic
	dynAllowed := []string{"description", "import-names", "import-namespaces", "version"}
	dynMsg := "flit only supports dynamic metadata for:description, import-names, import-namespaces, version"
	if !l.prof.ImportNames {
		dynAllowed = []string{"description", "version"}
		dynMsg = "flit only supports dynamic metadata for 'version' & 'description'"
	}
	dyn := map[string]bool{}
	if v, ok := proj["dynamic"]; ok {
		if list, ok := l.strList("project.dynamic", "dynamic", v); ok {
			l.p.Dynamic = list
			for i, f := range list {
				at := "project.dynamic." + itoa(i)
				if !slices.Contains(dynAllowed, f) {
					l.errorAt(at, true, dynMsg, suggest(f, dynAllowed, `"%s"`))
					continue
				}
				if _, present := proj[f]; present {
					l.errorAt(at, true, "keys listed in project.dynamic must not be in [project] table", "remove "+pystr.Repr(f)+" from dynamic or from [project]")
					continue
				}
				dyn[f] = true
			}
		}
	}
	if _, ok := proj["version"]; !ok && !dyn["version"] {
		l.errorAt("project", false, "version must be specified under [project] or listed as a dynamic field", `add version = "0.1.0", or dynamic = ["version"] and __version__ in the module`)
	}
	if _, ok := proj["description"]; !ok && !dyn["description"] {
		l.errorAt("project", false, "description must be specified under [project] or listed as a dynamic field", `add description = "...", or dynamic = ["description"] and a module docstring`)
	}
	l.dynamic["version"] = dyn["version"]
	l.dynamic["description"] = dyn["description"]
}

// str checks that v is a string ("{field} field should be <class 'str'>").
func (l *loader) str(at string, v any) (string, bool) {
	s, ok := v.(string)
	if !ok {
		field := at[strings.LastIndexByte(at, '.')+1:]
		l.errorAt(at, true, field+" field should be <class 'str'>, not "+pyType(v), "")
	}
	return s, ok
}

// strList checks a list of strings.
func (l *loader) strList(at, field string, v any) ([]string, bool) {
	list, ok := v.([]any)
	if !ok {
		l.errorAt(at, true, field+" field should be a list of strings", "")
		return nil, false
	}
	out, bad := stringItems(list)
	for _, i := range bad {
		l.errorAt(at+"."+itoa(i), true, field+" field should be a list of strings", "this item is "+pyType(list[i]))
	}
	return out, len(bad) == 0
}

// stringItems returns the strings of list, in order, and the indexes of the
// items that are not strings.
func stringItems(list []any) (strs []string, bad []int) {
	strs = make([]string, 0, len(list))
	for i, e := range list {
		if s, ok := e.(string); ok {
			strs = append(strs, s)
		} else {
			bad = append(bad, i)
		}
	}
	return strs, bad
}

func (l *loader) dict(at, field string, v any) (map[string]any, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		l.errorAt(at, true, field+" field should be <class 'dict'>, not "+pyType(v), "")
	}
	return m, ok
}

// setVersion normalises a version (static or from the module).
func (l *loader) setVersion(at, s string) {
	v, err := pep440.Normalize(s) // flit_core's normalise_version, error text included
	if err != nil {
		if l.opts.AllowInvalid {
			l.warnAt(at, true, "Invalid version number "+pystr.Repr(s)+" allowed by FLIT_ALLOW_INVALID", "")
			v = strings.ToLower(s)
		} else {
			l.errorAt(at, true, err.Error(), "see https://packaging.python.org/specifications/version-specifiers/")
			return
		}
	} else if v != s {
		l.warnAt(at, true, "Version number normalised: "+pystr.Repr(s)+" -> "+pystr.Repr(v)+" (see PEP 440)", "")
	}
	l.p.Version = v
	l.md().Version = v
}

// readme handles [project].readme (a path or a table).
func (l *loader) readme(v any) {
	md := l.md()
	switch r := v.(type) {
	case string:
		text, ok := l.readDescription("project.readme", r)
		if !ok {
			return
		}
		ext := strings.ToLower(pySuffix(r))
		if mime, ok := readmeTypes[ext]; ok {
			l.readmeMime = mime
		} else {
			l.warnAt("project.readme", true, "Unknown extension "+pystr.Repr(ext)+" for description file.", "Recognised extensions: .rst .md .txt")
		}
		md.Description, md.HasDescription = text, true
		md.DescriptionContentType = l.readmeMime
	case map[string]any:
		l.unknownKeys("project.readme", r, []string{"content-type", "file", "text"}, func(k string) string {
			return "Unrecognised keys in [project.readme]: " + pySet([]string{k})
		})
		ctype, hasType := r["content-type"]
		mime := ""
		if !hasType {
			l.errorAt("project.readme", false, "content-type field required in [project.readme] table", `add content-type = "text/markdown", "text/x-rst" or "text/plain"`)
		} else if s, ok := ctype.(string); !ok {
			l.errorAt("project.readme.content-type", true, "content-type field should be <class 'str'>, not "+pyType(ctype), "")
		} else {
			base := strings.TrimSpace(strings.SplitN(s, ";", 2)[0])
			if base != "text/x-rst" && base != "text/markdown" && base != "text/plain" {
				l.errorAt("project.readme.content-type", true, "Unrecognised readme content-type: "+pystr.Repr(base), "use text/markdown, text/x-rst or text/plain")
			}
			mime = s
		}
		fileV, hasFile := r["file"]
		textV, hasText := r["text"]
		var text string
		switch {
		case hasFile && hasText:
			l.errorAt("project.readme", false, "[project.readme] should specify file or text, not both", "")
			return
		case hasFile:
			f, ok := fileV.(string)
			if !ok {
				l.errorAt("project.readme.file", true, "file field should be <class 'str'>, not "+pyType(fileV), "")
				return
			}
			t, ok := l.readDescription("project.readme.file", f)
			if !ok {
				return
			}
			text = t
		case hasText:
			t, ok := textV.(string)
			if !ok {
				l.errorAt("project.readme.text", true, "text field should be <class 'str'>, not "+pyType(textV), "")
				return
			}
			text = t
		default:
			l.errorAt("project.readme", false, "file or text field required in [project.readme] table", "")
			return
		}
		md.Description, md.HasDescription = text, true
		md.DescriptionContentType = mime
	default:
		l.errorAt("project.readme", true, "project.readme should be a string or a table", "")
	}
}

// readDescription reads a readme file relative to the project, in Python
// text mode (universal newlines, UTF-8).
func (l *loader) readDescription(at, rel string) (string, bool) {
	if isAbsish(rel) {
		l.errorAt(at, true, "Readme path must be relative", "")
		return "", false
	}
	full := filepath.Join(l.root, filepath.FromSlash(rel))
	if fi, err := os.Stat(full); err == nil && !fi.Mode().IsRegular() {
		l.errorAt(at, true, "Description file "+l.show(rel)+" is not a regular file", "")
		return "", false
	}
	data, err := os.ReadFile(full)
	if err != nil {
		if os.IsNotExist(err) {
			l.errorAt(at, true, "Description file "+l.show(rel)+" does not exist", "")
		} else {
			l.errorAt(at, true, "Description file "+l.show(rel)+" cannot be read: "+err.Error(), "")
		}
		return "", false
	}
	if !utf8.Valid(data) {
		l.errorAt(at, true, "Description file "+l.show(rel)+" is not valid UTF-8", "save it as UTF-8")
		return "", false
	}
	// Python's utf-8 codec keeps a BOM as U+FEFF; text mode turns CRLF and
	// lone CR into LF.
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	l.p.ReadmeFile = pyNormpath(rel)
	return text, true
}

// pySuffix is pathlib's PurePath.suffix.
func pySuffix(p string) string {
	base := path.Base(strings.TrimRight(p, "/"))
	i := strings.LastIndexByte(base, '.')
	if i <= 0 || i == len(base)-1 {
		return ""
	}
	return base[i:]
}

// license handles [project].license (SPDX expression or table).
func (l *loader) license(v any) {
	md := l.md()
	switch lic := v.(type) {
	case string:
		expr, err := spdx.Normalize(lic) // flit_core's normalise_compound_license_expr
		if err != nil {
			if l.opts.AllowInvalid {
				l.warnAt("project.license", true, "Invalid license ID "+pystr.Repr(lic)+" allowed by FLIT_ALLOW_INVALID", "")
				md.LicenseExpression = lic
				return
			}
			l.errorAt("project.license", true, err.Error(), spdxHint(err.Error()))
			return
		}
		md.LicenseExpression = expr
	case map[string]any:
		l.unknownKeys("project.license", lic, []string{"file", "text"}, func(k string) string {
			return "Unrecognised keys in [project.license]: " + pySet([]string{k})
		})
		fileV, hasFile := lic["file"]
		_, hasText := lic["text"]
		switch {
		case hasFile && hasText:
			l.errorAt("project.license", false, "[project.license] should specify file or text, not both", "")
		case hasFile:
			f, ok := fileV.(string)
			if !ok {
				l.errorAt("project.license.file", true, "file field should be <class 'str'>, not "+pyType(fileV), "")
				return
			}
			np := pyNormpath(f)
			switch {
			case isAbsish(np):
				l.errorAt("project.license.file", true, "License file path ("+f+") cannot be an absolute path", "")
			case strings.HasPrefix(np, "../"):
				l.errorAt("project.license.file", true, "License file path ("+f+") cannot contain '..'", "")
			default:
				fi, err := os.Stat(filepath.Join(l.root, filepath.FromSlash(np)))
				if err != nil || !fi.Mode().IsRegular() {
					l.errorAt("project.license.file", true, "License file "+f+" does not exist", "")
					return
				}
				l.licenseFiles[np] = true
			}
		case hasText:
			// flit_core discards the text: no License field is written.
			// Say so, since the license then appears nowhere in the metadata.
			l.warnAt("project.license.text", true, "[project.license] text is not written to the metadata (flit ignores it)",
				`use an SPDX expression such as license = "MIT", or license = {file = "LICENSE"}`)
		default:
			l.errorAt("project.license", false, "file or text field required in [project.license] table", "")
		}
	default:
		l.errorAt("project.license", true, "license field should be <class 'str'> or <class 'dict'>, not "+pyType(v), "")
	}
}

// licenseGlob expands one license-files pattern (explicit: it must match).
func (l *loader) licenseGlob(at, pattern string, explicit bool) {
	prefix := "Invalid glob pattern for [project.license-files]: " + pystr.Repr(pattern) + ". "
	if isAbsish(pattern) {
		l.errorAt(at, true, prefix+"Pattern must not start with '/'.", "")
		return
	}
	if strings.Contains(pattern, "..") {
		l.errorAt(at, true, prefix+"Pattern must not contain '..'", "")
		return
	}
	if !licenseCharsOK(pattern, l.prof.ImportNames) {
		l.errorAt(at, true, prefix+"Pattern contains invalid characters. https://packaging.python.org/en/latest/specifications/pyproject-toml/#license-files", "")
		return
	}
	files, err := pathlibGlob(l.root, pattern)
	if err != nil {
		l.errorAt(at, true, prefix+err.Error(), "")
		return
	}
	if len(files) == 0 && explicit {
		l.errorAt(at, true, "No files found for [project.license-files]: "+pystr.Repr(pattern)+" pattern", "")
		return
	}
	for _, f := range files {
		l.licenseFiles[f] = true
	}
}

// licenseCharsOK is flit_core's ^[\w\-\.\/\*\?\[\] ]+$ check (the space is
// allowed since flit_core 4).
func licenseCharsOK(p string, spaces bool) bool {
	if p == "" {
		return false
	}
	for _, r := range p {
		switch {
		case r == '-' || r == '.' || r == '/' || r == '*' || r == '?' || r == '[' || r == ']' || r == '_':
		case r == ' ' && spaces:
		case isWordRune(r):
		default:
			return false
		}
	}
	return true
}

// people converts authors / maintainers (pep621_people).
func (l *loader) people(key, group string, v any) {
	at := "project." + key
	list, ok := v.([]any)
	if !ok {
		l.errorAt(at, true, key+" field should be <class 'list'>, not "+pyType(v), "")
		return
	}
	var nameList, emails []string
	for i, e := range list {
		eat := at + "." + itoa(i)
		person, ok := e.(map[string]any)
		if !ok {
			l.errorAt(eat, true, group+" info must be list of dicts", `write {name = "...", email = "..."}`)
			continue
		}
		l.unknownKeys(eat, person, []string{"email", "name"}, func(k string) string {
			return "Unrecognised keys in " + group + " info: " + pySet([]string{k})
		})
		nameV, hasName := person["name"]
		emailV, hasEmail := person["email"]
		name, _ := nameV.(string)
		email, _ := emailV.(string)
		if hasName {
			if _, ok := nameV.(string); !ok {
				l.errorAt(eat+".name", true, "name field should be <class 'str'>, not "+pyType(nameV), "")
				continue
			}
		}
		if hasEmail {
			if _, ok := emailV.(string); !ok {
				l.errorAt(eat+".email", true, "email field should be <class 'str'>, not "+pyType(emailV), "")
				continue
			}
			if hasName {
				s, err := formatAddress(name, email)
				if err != nil {
					l.errorAt(eat+".email", true, "invalid email address for "+group+" "+pystr.Repr(name)+": "+err.Error(), "")
					continue
				}
				email = s
			}
			emails = append(emails, email)
		} else if hasName {
			nameList = append(nameList, name)
		}
	}
	md := l.md()
	if group == "author" {
		md.Author = strings.Join(nameList, ", ")
		md.AuthorEmail = strings.Join(emails, ", ")
	} else {
		md.Maintainer = strings.Join(nameList, ", ")
		md.MaintainerEmail = strings.Join(emails, ", ")
	}
}

// entryPoints reads [project.scripts], [project.gui-scripts] and
// [project.entry-points].
func (l *loader) entryPoints(proj map[string]any) {
	eps := map[string]map[string]string{}
	if v, ok := proj["entry-points"]; ok {
		if m, ok := l.dict("project.entry-points", "entry-points", v); ok {
			for _, g := range slices.Sorted(maps.Keys(m)) {
				at := "project.entry-points." + g
				grp, ok := m[g].(map[string]any)
				if !ok {
					l.errorAt(at, true, "projects.entry-points should only contain sub-tables", "write [project.entry-points."+g+"] with name = \"module:function\" entries")
					continue
				}
				out := map[string]string{}
				for _, k := range slices.Sorted(maps.Keys(grp)) {
					s, ok := grp[k].(string)
					if !ok {
						l.errorAt(at+"."+k, true, "[projects.entry-points.*] tables should have string values", "")
						continue
					}
					out[k] = s
				}
				if g == "console_scripts" || g == "gui_scripts" {
					l.errorAt(at, false, "Scripts should be specified in [project.scripts] or [project.gui-scripts], not under [project.entry-points]", "")
					continue
				}
				eps[g] = out
			}
		}
	}
	for _, s := range [][2]string{{"scripts", "console_scripts"}, {"gui-scripts", "gui_scripts"}} {
		v, ok := proj[s[0]]
		if !ok {
			continue
		}
		m, ok := l.dict("project."+s[0], s[0], v)
		if !ok {
			continue
		}
		out := map[string]string{}
		for _, k := range slices.Sorted(maps.Keys(m)) {
			str, ok := m[k].(string)
			if !ok {
				l.errorAt("project."+s[0]+"."+k, true, "[projects."+s[0]+"] table should have string values", "")
				continue
			}
			out[k] = str
		}
		eps[s[1]] = out
	}
	if len(eps) > 0 {
		l.p.EntryPoints = eps
	}
}

// optionalDeps reads [project.optional-dependencies].
func (l *loader) optionalDeps(v any) {
	m, ok := l.dict("project.optional-dependencies", "optional-dependencies", v)
	if !ok {
		return
	}
	l.hasOptional = true
	l.p.OptionalDeps = map[string][]string{}
	byNorm := map[string][]string{}
	for _, e := range slices.Sorted(maps.Keys(m)) {
		at := "project.optional-dependencies." + e
		list, ok := m[e].([]any)
		if !ok {
			l.errorAt(at, true, "Expected a dict of lists in optional-dependencies field", "")
			continue
		}
		reqs, bad := stringItems(list)
		for _, i := range bad {
			l.errorAt(at+"."+itoa(i), true, "Expected a string list for optional-dependencies ("+e+")", "")
		}
		if len(bad) > 0 {
			continue
		}
		if !names.ValidProjectName(e) {
			l.errorAt(at, false, "optional-dependencies group name "+pystr.Repr(e)+" is not valid", "use ASCII letters, digits, '-', '_' and '.', starting and ending with a letter or digit")
			continue
		}
		n := names.NormalizeExtra(e)
		byNorm[n] = append(byNorm[n], e)
		l.p.OptionalDeps[n] = reqs
	}
	for _, n := range slices.Sorted(maps.Keys(byNorm)) {
		if g := byNorm[n]; len(g) > 1 {
			sort.Strings(g)
			l.errorAt("project.optional-dependencies."+g[1], false, "optional-dependencies group names clash: "+strings.Join(g, "/"), "")
		}
	}
}

// importNameList reads import-names / import-namespaces (PEP 794).
func (l *loader) importNameList(key string, v any) []string {
	list, ok := l.strList("project."+key, key, v)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(list))
	for i, s := range list {
		n, err := normalizeImportName(s)
		if err != "" {
			l.errorAt("project."+key+"."+itoa(i), true, err, "")
			continue
		}
		out = append(out, n)
	}
	return out
}

// normalizeImportName is flit_core's normalize_import_name: "a.b" or
// "a.b; private", returned as "a.b" / "a.b; private".
func normalizeImportName(s string) (string, string) {
	name, annotation, has := strings.Cut(s, ";")
	if has {
		name = strings.TrimRightFunc(name, isPySpace)
		annotation = strings.TrimLeftFunc(annotation, isPySpace)
		if annotation != "private" {
			return "", pystr.Repr(annotation) + " for import name " + pystr.Repr(name) + " is not allowed (the only valid annotation is 'private')"
		}
	}
	for _, part := range strings.Split(name, ".") {
		if !names.IsIdentifier(part) {
			return "", pystr.Repr(name) + " is not a valid import name"
		}
	}
	if has {
		return name + "; " + annotation, ""
	}
	return name, ""
}

// isPySpace is Python's str.isspace for one rune.
func isPySpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x1f, 0x85, 0xa0, 0x1680,
		0x2028, 0x2029, 0x202f, 0x205f, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}

// spdxHint points a deprecated GNU-style license ID ("GPL-3.0", "LGPL-2.1")
// at its -only / -or-later replacements, and any other problem at the list.
func spdxHint(msg string) string {
	const suffix = "' is not a recognised SPDX license ID"
	if strings.HasPrefix(msg, "'") && strings.HasSuffix(msg, suffix) {
		id := strings.TrimSuffix(strings.TrimPrefix(msg, "'"), suffix)
		var alts []string
		suffixes := []string{"-only", "-or-later"}
		if strings.HasSuffix(id, "+") { // "or any later version"
			suffixes = suffixes[1:]
		}
		for _, s := range suffixes {
			if c, ok := spdx.IsKnownID(strings.TrimSuffix(id, "+") + s); ok {
				alts = append(alts, "'"+c+"'")
			}
		}
		if len(alts) > 0 {
			return "a deprecated ID: write " + strings.Join(alts, " or ") + "; see https://spdx.org/licenses/"
		}
	}
	return "see https://spdx.org/licenses/"
}
