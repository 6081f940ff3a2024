package cext

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"goflit/internal/diag"
	"goflit/internal/textdist"
	"goflit/pyproject"
)

// Macro is one -D definition; Value nil means "-DNAME" with no value.
type Macro struct {
	Name  string
	Value *string
}

// Extension is one extension module as declared.
type Extension struct {
	Name             string   // dotted import name, e.g. "demo._speed"
	Sources          []string // globs, project-relative, "**" allowed
	Language         string   // "c", "c++" or "" (inferred from suffixes)
	CStd, CxxStd     string   // e.g. "c11", "c++17"
	IncludeDirs      []string // project-relative or absolute
	DefineMacros     []Macro
	UndefMacros      []string
	Libraries        []string
	LibraryDirs      []string
	ExtraCompileArgs []string
	ExtraLinkArgs    []string
	Depends          []string // globs of extra inputs (headers); cache inputs and sdist files
	PyLimitedAPI     string   // "" or "cp3N"
	Optional         bool     // a failure warns and skips the extension

	key string // dotted key path of its table, for positions
}

// Settings are the [tool.goflit.build] values after config settings and
// defaults have been applied.
type Settings struct {
	Compiler  string // "" (auto), "zig", "gcc", "clang", "cc" or a path / command
	BuildType string // release | debug | size
	Jobs      int    // 0 = number of CPUs
	Target    string // zig triple, "" = native
	Strip     bool
	Manylinux string // auto | off | X_Y
	Python    string // target interpreter ("" = the caller's choice)
}

// Config is the extension configuration of a project.
type Config struct {
	Table      string // "tool.goflit" or "tool.zlig"
	Extensions []Extension
	Build      Settings
}

var extKeys = []string{"name", "sources", "language", "c-std", "cxx-std", "include-dirs",
	"define-macros", "undef-macros", "libraries", "library-dirs", "extra-compile-args",
	"extra-link-args", "depends", "py-limited-api", "optional"}

var buildKeys = []string{"compiler", "build-type", "jobs", "target", "strip", "manylinux", "python"}

// ConfigSettingKeys are the PEP 517 config_settings keys cext reads.
var ConfigSettingKeys = []string{"compiler", "jobs", "target", "build-type", "strip", "manylinux", "python"}

var identRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$`)
})
var limitedRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^cp3([0-9]{1,2})$`) })
var manylinuxRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(manylinux_)?2_([0-9]{1,2})$`) })

// toolKeys are the keys LoadConfig reads in [tool.goflit] (tool "goflit")
// or [tool.zlig].
func toolKeys(tool string) []string {
	if tool == "goflit" {
		return []string{"extension", "extensions", "build"}
	}
	return []string{"extensions"}
}

// Configured reports whether the project declares extension modules, or
// has a [tool.goflit] / [tool.zlig] table that LoadConfig would reject (a
// misspelt key such as "extensoins", or [tool.goflit.extension] written as
// a single table instead of [[...]]): such a project must fail with
// LoadConfig's error rather than silently build a pure wheel.
func Configured(p *pyproject.Project) bool {
	if p == nil || p.Doc == nil {
		return false
	}
	for _, name := range []string{"goflit", "zlig"} {
		t, ok := tableAt(p.Doc, "tool", name)
		if !ok {
			continue
		}
		for k, v := range t {
			if !contains(toolKeys(name), k) {
				return true
			}
			switch v.(type) {
			case []any, []map[string]any:
			default:
				if k != "build" {
					return true // wrong type: reported by LoadConfig
				}
			}
		}
		if a, ok := t["extensions"].([]any); ok && len(a) > 0 {
			return true
		}
		if a, ok := t["extension"].([]any); ok && len(a) > 0 {
			return true
		}
		if a, ok := t["extension"].([]map[string]any); ok && len(a) > 0 {
			return true
		}
	}
	return false
}

func tableAt(doc map[string]any, path ...string) (map[string]any, bool) {
	cur := doc
	for _, k := range path {
		next, ok := cur[k].(map[string]any)
		if !ok {
			return nil, false
		}
		cur = next
	}
	return cur, true
}

// configReader decodes tables and collects diagnostics with positions.
type configReader struct {
	p    *pyproject.Project
	errs diag.List
}

func (r *configReader) pos(key string) diag.Diagnostic {
	if r.p.Positions != nil {
		// Try the key, then its parents, so that a problem always points
		// somewhere near its cause.
		for k := key; k != ""; {
			if d, ok := r.p.Positions[k]; ok {
				d.Msg, d.Hint, d.Warning = "", "", false
				return d
			}
			i := strings.LastIndexByte(k, '.')
			if i < 0 {
				break
			}
			k = k[:i]
		}
	}
	return diag.Diagnostic{File: "pyproject.toml"}
}

func (r *configReader) errorf(key, hint, format string, args ...any) {
	d := r.pos(key)
	d.Msg = fmt.Sprintf(format, args...)
	d.Hint = hint
	r.errs.Add(d)
}

func (r *configReader) unknownKeys(key string, t map[string]any, allowed []string) {
	var names []string
	for k := range t {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if contains(allowed, k) {
			continue
		}
		hint := "allowed keys: " + strings.Join(allowed, ", ")
		if s := closest(k, allowed); s != "" {
			hint = fmt.Sprintf("did you mean %q?", s)
		}
		r.errorf(key+"."+k, hint, "%s has unknown key %q", displayKey(key), k)
	}
}

// displayKey shows a dotted key path with array indexes in brackets:
// "tool.goflit.extension.0" -> "[tool.goflit.extension][0]", a table ->
// "[tool.goflit.build]".
func displayKey(key string) string {
	parts := strings.Split(key, ".")
	var b strings.Builder
	var names []string
	for _, p := range parts {
		if _, err := strconv.Atoi(p); err == nil {
			if len(names) > 0 {
				b.WriteString("[" + strings.Join(names, ".") + "]")
				names = nil
			}
			b.WriteString("[" + p + "]")
			continue
		}
		names = append(names, p)
	}
	if len(names) > 0 {
		if b.Len() > 0 {
			b.WriteString(".")
			b.WriteString(strings.Join(names, "."))
		} else {
			b.WriteString("[" + strings.Join(names, ".") + "]")
		}
	}
	return b.String()
}

// valueKey shows the dotted path of a value: "tool.goflit.extension.0.sources"
// -> "tool.goflit.extension[0].sources".
func valueKey(key string) string {
	parts := strings.Split(key, ".")
	var b strings.Builder
	for i, p := range parts {
		if _, err := strconv.Atoi(p); err == nil {
			b.WriteString("[" + p + "]")
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	return b.String()
}

func (r *configReader) str(key string, v any) (string, bool) {
	s, ok := v.(string)
	if !ok {
		r.errorf(key, "", "%s must be a string, not %s", valueKey(key), tomlType(v))
	}
	return s, ok
}

func (r *configReader) strList(key string, v any) []string {
	var out []string
	switch a := v.(type) {
	case []any:
		for i, e := range a {
			s, ok := e.(string)
			if !ok {
				r.errorf(fmt.Sprintf("%s.%d", key, i), "", "%s must be a list of strings (item %d is %s)", valueKey(key), i, tomlType(e))
				continue
			}
			out = append(out, s)
		}
	case []string:
		out = append(out, a...)
	case string:
		r.errorf(key, fmt.Sprintf("write [%q]", a), "%s must be a list of strings, not a string", valueKey(key))
	default:
		r.errorf(key, "", "%s must be a list of strings, not %s", valueKey(key), tomlType(v))
	}
	return out
}

func (r *configReader) boolean(key string, v any) bool {
	b, ok := v.(bool)
	if !ok {
		r.errorf(key, "", "%s must be true or false, not %s", valueKey(key), tomlType(v))
	}
	return b
}

func tomlType(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case int64, int, float64:
		return "a number"
	case []any, []string, []map[string]any:
		return "an array"
	case map[string]any:
		return "a table"
	case nil:
		return "missing"
	}
	return fmt.Sprintf("%T", v)
}

// LoadConfig reads the extension configuration of p and applies config
// settings (PEP 517 config_settings, e.g. {"compiler": "zig", "jobs": "2"}).
// Every problem is reported, each with its position in pyproject.toml.
func LoadConfig(p *pyproject.Project, configSettings map[string]string) (*Config, error) {
	r := &configReader{p: p}
	cfg := &Config{Build: Settings{BuildType: "release", Strip: true, Manylinux: "auto"}}
	if p == nil || p.Doc == nil {
		return cfg, nil
	}
	if t, ok := tableAt(p.Doc, "tool", "goflit"); ok {
		cfg.Table = "tool.goflit"
		r.unknownKeys("tool.goflit", t, toolKeys("goflit"))
		r.extensions(cfg, "tool.goflit.extension", t["extension"])
		r.extensions(cfg, "tool.goflit.extensions", t["extensions"])
		if b, ok := t["build"]; ok {
			bt, isTable := b.(map[string]any)
			if !isTable {
				r.errorf("tool.goflit.build", "", "[tool.goflit.build] must be a table, not %s", tomlType(b))
			} else {
				r.build(&cfg.Build, bt)
			}
		}
	}
	if t, ok := tableAt(p.Doc, "tool", "zlig"); ok {
		if cfg.Table == "" {
			cfg.Table = "tool.zlig"
		}
		r.unknownKeys("tool.zlig", t, toolKeys("zlig"))
		r.extensions(cfg, "tool.zlig.extensions", t["extensions"])
	}
	r.settings(&cfg.Build, configSettings)
	r.checkNames(cfg)
	r.errs.Sort()
	if err := r.errs.Err(); err != nil {
		return nil, err
	}
	return cfg, nil
}

func (r *configReader) extensions(cfg *Config, key string, v any) {
	if v == nil {
		return
	}
	var tables []map[string]any
	switch a := v.(type) {
	case []any:
		for i, e := range a {
			t, ok := e.(map[string]any)
			if !ok {
				r.errorf(fmt.Sprintf("%s.%d", key, i), "", "%s items must be tables, not %s", displayKey(key), tomlType(e))
				continue
			}
			tables = append(tables, t)
		}
	case []map[string]any:
		tables = a
	case map[string]any:
		r.errorf(key, fmt.Sprintf("write [[%s]], with double brackets, once per extension", key),
			"%s must be an array of tables, not a table", displayKey(key))
		return
	default:
		r.errorf(key, "", "%s must be an array of tables, not %s", displayKey(key), tomlType(v))
		return
	}
	for i, t := range tables {
		k := fmt.Sprintf("%s.%d", key, i)
		if ext, ok := r.extension(k, t); ok {
			cfg.Extensions = append(cfg.Extensions, ext)
		}
	}
}

func (r *configReader) extension(key string, t map[string]any) (Extension, bool) {
	ext := Extension{key: key}
	before := len(r.errs)
	r.unknownKeys(key, t, extKeys)
	if v, ok := t["name"]; ok {
		if s, ok := r.str(key+".name", v); ok {
			if !identRe().MatchString(s) {
				r.errorf(key+".name", "use a dotted Python module name such as \"pkg._speed\"", "extension name %q is not a dotted module name", s)
			}
			ext.Name = s
		}
	} else {
		r.errorf(key, "add name = \"pkg.module\"", "extension %s has no name", valueKey(key))
	}
	if v, ok := t["sources"]; ok {
		ext.Sources = r.strList(key+".sources", v)
		if len(ext.Sources) == 0 && len(r.errs) == before {
			r.errorf(key+".sources", "list the C/C++ source files or globs", "extension %q has an empty sources list", ext.Name)
		}
	} else {
		r.errorf(key, "add sources = [\"src/pkg/*.c\"]", "extension %q has no sources", ext.Name)
	}
	for _, f := range []struct {
		k   string
		dst *[]string
	}{
		{"include-dirs", &ext.IncludeDirs}, {"undef-macros", &ext.UndefMacros},
		{"libraries", &ext.Libraries}, {"library-dirs", &ext.LibraryDirs},
		{"extra-compile-args", &ext.ExtraCompileArgs}, {"extra-link-args", &ext.ExtraLinkArgs},
		{"depends", &ext.Depends},
	} {
		if v, ok := t[f.k]; ok {
			*f.dst = r.strList(key+"."+f.k, v)
		}
	}
	if v, ok := t["language"]; ok {
		if s, ok := r.str(key+".language", v); ok {
			switch strings.ToLower(s) {
			case "c":
				ext.Language = "c"
			case "c++", "cpp", "cxx":
				ext.Language = "c++"
			default:
				r.errorf(key+".language", `use "c" or "c++"`, "extension %q has unknown language %q", ext.Name, s)
			}
		}
	}
	if v, ok := t["c-std"]; ok {
		ext.CStd, _ = r.str(key+".c-std", v)
	}
	if v, ok := t["cxx-std"]; ok {
		ext.CxxStd, _ = r.str(key+".cxx-std", v)
	}
	if v, ok := t["define-macros"]; ok {
		ext.DefineMacros = r.macros(key+".define-macros", v)
	}
	if v, ok := t["py-limited-api"]; ok {
		switch x := v.(type) {
		case bool:
			if x {
				r.errorf(key+".py-limited-api", `write the oldest supported version, e.g. "cp38"`, "py-limited-api = true is ambiguous")
			}
		case string:
			if !limitedRe().MatchString(x) {
				r.errorf(key+".py-limited-api", `use false or a version tag such as "cp38"`, "py-limited-api %q is not a CPython 3 version tag", x)
			} else {
				ext.PyLimitedAPI = x
			}
		default:
			r.errorf(key+".py-limited-api", `use false or "cp3N"`, "py-limited-api must be false or a string, not %s", tomlType(v))
		}
	}
	if v, ok := t["optional"]; ok {
		ext.Optional = r.boolean(key+".optional", v)
	}
	return ext, len(r.errs) == before
}

func (r *configReader) macros(key string, v any) []Macro {
	var out []Macro
	switch m := v.(type) {
	case map[string]any:
		names := make([]string, 0, len(m))
		for k := range m {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, name := range names {
			switch x := m[name].(type) {
			case bool:
				if x {
					out = append(out, Macro{Name: name})
				}
			case string:
				s := x
				out = append(out, Macro{Name: name, Value: &s})
			case int64:
				s := strconv.FormatInt(x, 10)
				out = append(out, Macro{Name: name, Value: &s})
			default:
				r.errorf(key+"."+name, "use a string, a number or true", "macro %s has %s value", name, tomlType(x))
			}
		}
	case []any:
		// setuptools pairs: [["NAME", "value"], ["OTHER", null]] — TOML has
		// no null, so a one-item pair ["OTHER"] means no value.
		for i, e := range m {
			pair, ok := e.([]any)
			if !ok || len(pair) == 0 || len(pair) > 2 {
				r.errorf(fmt.Sprintf("%s.%d", key, i), `write ["NAME", "value"] or ["NAME"]`, "define-macros item %d is not a [name, value] pair", i)
				continue
			}
			name, ok := pair[0].(string)
			if !ok {
				r.errorf(fmt.Sprintf("%s.%d", key, i), "", "define-macros item %d: the name must be a string", i)
				continue
			}
			mac := Macro{Name: name}
			if len(pair) == 2 {
				switch x := pair[1].(type) {
				case string:
					mac.Value = &x
				case int64:
					s := strconv.FormatInt(x, 10)
					mac.Value = &s
				default:
					r.errorf(fmt.Sprintf("%s.%d", key, i), "", "define-macros item %d: the value must be a string", i)
					continue
				}
			}
			out = append(out, mac)
		}
	default:
		r.errorf(key, `use a table {NAME = "value"} or pairs [["NAME", "value"]]`, "define-macros must be a table or a list of pairs, not %s", tomlType(v))
	}
	for _, mac := range out {
		if !identRe().MatchString(mac.Name) || strings.Contains(mac.Name, ".") {
			r.errorf(key, "", "macro name %q is not a C identifier", mac.Name)
		}
	}
	return out
}

func (r *configReader) build(s *Settings, t map[string]any) {
	const key = "tool.goflit.build"
	r.unknownKeys(key, t, buildKeys)
	for _, k := range []string{"compiler", "build-type", "target", "manylinux", "python"} {
		if v, ok := t[k]; ok {
			if str, ok := r.str(key+"."+k, v); ok {
				r.setting(s, key+"."+k, k, str)
			}
		}
	}
	if v, ok := t["jobs"]; ok {
		n, ok := v.(int64)
		if !ok || n < 0 {
			r.errorf(key+".jobs", "use 0 for one job per CPU", "jobs must be a non-negative integer")
		} else {
			s.Jobs = int(n)
		}
	}
	if v, ok := t["strip"]; ok {
		s.Strip = r.boolean(key+".strip", v)
	}
}

// settings applies config_settings (strings) over the table values.
func (r *configReader) settings(s *Settings, cs map[string]string) {
	keys := make([]string, 0, len(cs))
	for k := range cs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := cs[k]
		switch k {
		case "jobs":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				r.errs.Add(diag.Diagnostic{File: "config setting jobs", Msg: fmt.Sprintf("jobs=%q is not a non-negative integer", v)})
				continue
			}
			s.Jobs = n
		case "strip":
			b, err := strconv.ParseBool(v)
			if err != nil {
				r.errs.Add(diag.Diagnostic{File: "config setting strip", Msg: fmt.Sprintf("strip=%q is not true or false", v)})
				continue
			}
			s.Strip = b
		case "compiler", "target", "build-type", "manylinux", "python":
			r.setting(s, "", k, v)
		}
	}
}

func (r *configReader) setting(s *Settings, key, name, v string) {
	bad := func(hint string) {
		if key == "" {
			r.errs.Add(diag.Diagnostic{File: "config setting " + name, Msg: fmt.Sprintf("%s=%q is not valid", name, v), Hint: hint})
			return
		}
		r.errorf(key, hint, "%s %q is not valid", name, v)
	}
	switch name {
	case "compiler":
		if v == "auto" {
			v = ""
		}
		s.Compiler = v
	case "target":
		if v == "native" {
			v = ""
		}
		s.Target = v
	case "python":
		if v == "auto" {
			v = ""
		}
		s.Python = v
	case "build-type":
		switch v {
		case "release", "debug", "size":
			s.BuildType = v
		default:
			bad(`use "release", "debug" or "size"`)
		}
	case "manylinux":
		switch {
		case v == "auto" || v == "off":
			s.Manylinux = v
		case manylinuxRe().MatchString(v):
			s.Manylinux = strings.TrimPrefix(v, "manylinux_")
		default:
			bad(`use "auto", "off" or a glibc version such as "2_17"`)
		}
	}
}

// checkNames rejects duplicate extension names.
func (r *configReader) checkNames(cfg *Config) {
	seen := map[string]bool{}
	for _, e := range cfg.Extensions {
		if e.Name == "" {
			continue
		}
		if seen[e.Name] {
			r.errorf(e.key+".name", "give each extension its own name", "extension %q is declared twice", e.Name)
		}
		seen[e.Name] = true
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// closest returns the candidate nearest to s when it is a likely typo.
func closest(s string, candidates []string) string {
	best, bestD := "", 1<<30
	for _, c := range candidates {
		if d := textdist.OSA(strings.ToLower(s), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	if best != "" && bestD <= max(1, len(s)/3) {
		return best
	}
	return ""
}
