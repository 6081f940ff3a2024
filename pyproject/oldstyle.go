package pyproject

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"goflit/internal/pystr"
	"goflit/names"
)

// oldStyleKeys are the [tool.flit.metadata] keys flit_core 3.x accepts.
var oldStyleKeys = []string{
	"module", "author", "author-email", "maintainer", "maintainer-email",
	"home-page", "license", "keywords", "requires-python", "dist-name",
	"description-file", "requires-extra", "classifiers", "requires",
	"dev-requires", "urls",
}

// readOldStyle applies flit_core 3.12's _prep_metadata to
// [tool.flit.metadata], plus [tool.flit.scripts] / [tool.flit.entrypoints].
func (l *loader) readOldStyle(dtool map[string]any) {
	const base = "tool.flit.metadata"
	md := l.md()
	sect, ok := l.table(base)
	if !ok {
		return
	}
	var missing []string
	for _, k := range []string{"author", "module"} {
		if _, ok := sect[k]; !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		l.errorAt(base, false, "Required fields missing: "+strings.Join(missing, ", "), "")
	}
	if v, ok := sect["module"]; ok {
		s, isStr := v.(string)
		if !isStr {
			l.errorAt(base+".module", true, "module field should be <class 'str'>, not "+pyType(v), "")
		} else {
			valid := true
			for _, part := range strings.Split(s, ".") {
				valid = valid && names.IsIdentifier(part)
			}
			if !valid {
				l.errorAt(base+".module", true, "Module name "+pystr.Repr(s)+" is not a valid identifier", "")
			} else {
				l.module = s
				l.moduleAt = base + ".module"
				md.Name = s
				l.p.Name = s
			}
		}
	}
	if v, ok := sect["description-file"]; ok {
		if s, ok := v.(string); !ok {
			l.errorAt(base+".description-file", true, "Expected a string for description-file field, found "+pyValueRepr(v), "")
		} else if text, ok := l.readDescription(base+".description-file", s); ok {
			ext := strings.ToLower(pySuffix(s))
			if mime, ok := readmeTypes[ext]; ok {
				md.DescriptionContentType = mime
			} else {
				l.warnAt(base+".description-file", true, "Unknown extension "+pystr.Repr(ext)+" for description file.", "Recognised extensions: .rst .md .txt")
			}
			md.Description, md.HasDescription = text, true
		}
	}
	if v, ok := sect["urls"]; ok {
		if m, ok := v.(map[string]any); ok {
			for _, label := range slices.Sorted(maps.Keys(m)) {
				md.ProjectURLs = append(md.ProjectURLs, label+", "+pyStr(m[label]))
			}
		} else {
			l.errorAt(base+".urls", true, "urls should be a table, not "+pyType(v), "")
		}
	}
	var reqs []string
	extras := map[string][]string{}
	var devReqs []string
	hasDev := false
	for _, key := range slices.Sorted(maps.Keys(sect)) {
		at := base + "." + key
		v := sect[key]
		if key == "description-file" || key == "module" || key == "urls" {
			continue
		}
		if !slices.Contains(oldStyleKeys, key) {
			l.errorAt(at, false, "Unrecognised metadata key: "+pystr.Repr(key), suggest(key, oldStyleKeys, "'%s'"))
			continue
		}
		switch key {
		case "classifiers", "requires", "dev-requires":
			list, ok := v.([]any)
			if !ok {
				l.errorAt(at, true, "Expected a list for "+key+" field, found "+pyValueRepr(v), "")
				continue
			}
			out, bad := stringItems(list)
			if len(bad) > 0 {
				l.errorAt(at, true, "Expected a list of strings for "+key+" field", "")
				continue
			}
			switch key {
			case "classifiers":
				md.Classifiers = out
			case "requires":
				reqs = out
			case "dev-requires":
				devReqs, hasDev = out, true
			}
		case "requires-extra":
			m, ok := v.(map[string]any)
			if !ok {
				l.errorAt(at, true, "Expected a dict for requires-extra field, found "+pyValueRepr(v), "")
				continue
			}
			byNorm := map[string][]string{}
			for _, e := range slices.Sorted(maps.Keys(m)) {
				list, ok := m[e].([]any)
				if !ok {
					l.errorAt(at+"."+e, true, "Expected a dict of lists for requires-extra field", "")
					continue
				}
				out, bad := stringItems(list)
				if len(bad) > 0 {
					l.errorAt(at+"."+e, true, "Expected a string list for requires-extra. (extra "+e+")", "")
					continue
				}
				if !names.ValidProjectName(e) {
					l.errorAt(at+"."+e, false, "requires-extra group name "+pystr.Repr(e)+" is not valid", "")
					continue
				}
				n := names.NormalizeExtra(e)
				byNorm[n] = append(byNorm[n], e)
				extras[n] = out
			}
			for _, n := range slices.Sorted(maps.Keys(byNorm)) {
				if g := byNorm[n]; len(g) > 1 {
					sort.Strings(g)
					l.errorAt(at+"."+g[1], false, "requires-extra group names clash: "+strings.Join(g, "/"), "")
				}
			}
		default:
			s, ok := v.(string)
			if !ok {
				l.errorAt(at, true, "Expected a string for "+key+" field, found "+pyValueRepr(v), "")
				continue
			}
			switch key {
			case "author":
				md.Author = s
			case "author-email":
				md.AuthorEmail = s
			case "maintainer":
				md.Maintainer = s
			case "maintainer-email":
				md.MaintainerEmail = s
			case "home-page":
				md.HomePage = s
			case "license":
				md.License = s
			case "keywords":
				md.Keywords = []string{s}
			case "requires-python":
				md.RequiresPython = s
			case "dist-name":
				md.Name = s
				l.p.Name = s
			}
		}
	}
	if hasDev {
		if _, ok := extras["dev"]; ok {
			l.errorAt(base+".dev-requires", false, "dev-requires occurs together with its replacement requires-extra.dev.", "")
		} else {
			l.warnAt(base+".dev-requires", false, `"dev-requires = ..." is obsolete. Use "requires-extra = {"dev" = ...}" instead.`, "")
			extras["dev"] = devReqs
		}
	}
	l.p.Dependencies = reqs
	l.p.OptionalDeps = extras
	l.hasOptional = true

	l.licenseFiles = map[string]bool{}
	for _, g := range l.prof.LicenseGlobs {
		l.licenseGlob(base, g, false)
	}
	l.dynamic["version"] = true
	l.dynamic["description"] = true

	// Entry points.
	eps := map[string]map[string]string{}
	if v, ok := dtool["entrypoints"]; ok {
		if m, ok := v.(map[string]any); ok {
			flattenEntryPoints(m, "", eps)
		} else {
			l.errorAt("tool.flit.entrypoints", true, "tool.flit.entrypoints should be a table, not "+pyType(v), "")
		}
	}
	if v, ok := dtool["scripts"]; ok {
		m, ok := v.(map[string]any)
		if !ok {
			l.errorAt("tool.flit.scripts", true, "tool.flit.scripts should be a table, not "+pyType(v), "")
		} else if len(m) > 0 {
			if _, ok := eps["console_scripts"]; ok {
				l.errorAt("tool.flit.scripts", false, "Please specify console_scripts entry points, or [scripts] in flit config, not both.", "")
			} else {
				out := map[string]string{}
				for k, s := range m {
					out[k] = pyStr(s)
				}
				eps["console_scripts"] = out
			}
		}
	}
	if len(eps) > 0 {
		l.p.EntryPoints = eps
	}
}

// flattenEntryPoints flattens nested [tool.flit.entrypoints.a.b] tables
// into group "a.b", as flit_core 3's flatten_entrypoints.
func flattenEntryPoints(m map[string]any, prefix string, out map[string]map[string]string) {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		name := k
		if prefix != "" {
			name = prefix + "." + k
		}
		sub, ok := m[k].(map[string]any)
		if !ok {
			continue
		}
		leaves := map[string]string{}
		for _, sk := range slices.Sorted(maps.Keys(sub)) {
			if nested, ok := sub[sk].(map[string]any); ok {
				flattenEntryPoints(map[string]any{sk: nested}, name, out)
				continue
			}
			leaves[sk] = pyStr(sub[sk])
		}
		if len(leaves) > 0 {
			out[name] = leaves
		}
	}
}

// pyStr is Python's str() of a TOML value.
func pyStr(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return pyValueRepr(v)
}

// pyValueRepr is Python's repr() of a decoded TOML value.
func pyValueRepr(v any) string {
	switch x := v.(type) {
	case string:
		return pystr.Repr(x)
	case bool:
		if x {
			return "True"
		}
		return "False"
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		switch {
		case math.IsInf(x, 1):
			return "inf"
		case math.IsInf(x, -1):
			return "-inf"
		case math.IsNaN(x):
			return "nan"
		case x == math.Trunc(x) && math.Abs(x) < 1e16:
			return strconv.FormatFloat(x, 'f', 1, 64)
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = pyValueRepr(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := slices.Sorted(maps.Keys(x))
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = pystr.Repr(k) + ": " + pyValueRepr(x[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprint(v)
}
