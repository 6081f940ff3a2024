package initcmd

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// IniSection is one [section] of an INI file, options in file order.
type IniSection struct {
	Name    string
	Options []KV
}

// Get returns the value of an option.
func (s *IniSection) Get(key string) (string, bool) {
	for _, kv := range s.Options {
		if kv.Key == key {
			return kv.Value, true
		}
	}
	return "", false
}

// ParseINI reads an INI file the way Python's configparser does by default:
// "[section]" headers, "key = value" or "key: value" options (keys
// lowercased unless caseSensitive), indented continuation lines joined with
// newlines, full-line comments starting with # or ;, and "%%" for a literal
// percent sign. name is used in error messages.
func ParseINI(data, name string, caseSensitive bool) ([]IniSection, error) {
	var secs []IniSection
	var cur *IniSection
	curOpt := -1
	optIndent := 0
	var errs []string
	for n, line := range strings.Split(strings.ReplaceAll(data, "\r\n", "\n"), "\n") {
		if n == 0 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") || strings.HasPrefix(trimmed, ";") {
			continue
		}
		indent := len(line) - len(strings.TrimLeft(line, " \t"))
		if trimmed == "" {
			if cur != nil && curOpt >= 0 {
				cur.Options[curOpt].Value += "\n"
			}
			continue
		}
		if cur != nil && curOpt >= 0 && indent > optIndent {
			cur.Options[curOpt].Value += "\n" + trimmed
			continue
		}
		if strings.HasPrefix(trimmed, "[") && !strings.HasSuffix(trimmed, "]") && !strings.ContainsAny(trimmed, "=:") && len(trimmed) > 1 {
			// "[metadata": report it once, and read on as if it were
			// closed (the lines after it are not also outside a section).
			errs = append(errs, fmt.Sprintf("%s:%d: section header %q has no closing ]: write %s]", name, n+1, trimmed, trimmed))
			trimmed += "]"
		}
		if strings.HasPrefix(trimmed, "[") && strings.HasSuffix(trimmed, "]") && len(trimmed) > 2 {
			secName := trimmed[1 : len(trimmed)-1]
			cur = nil
			for i := range secs {
				if secs[i].Name == secName {
					errs = append(errs, fmt.Sprintf("%s:%d: section [%s] appears twice", name, n+1, secName))
					cur = &secs[i]
				}
			}
			if cur == nil {
				secs = append(secs, IniSection{Name: secName})
				cur = &secs[len(secs)-1]
			}
			curOpt = -1
			continue
		}
		if cur == nil {
			errs = append(errs, fmt.Sprintf("%s:%d: %q is outside any [section]", name, n+1, trimmed))
			continue
		}
		i := strings.IndexAny(trimmed, "=:")
		if i <= 0 {
			errs = append(errs, fmt.Sprintf("%s:%d: %q is not a key = value line", name, n+1, trimmed))
			curOpt = -1
			continue
		}
		key := strings.TrimSpace(trimmed[:i])
		if !caseSensitive {
			key = strings.ToLower(key)
		}
		val := strings.TrimSpace(trimmed[i+1:])
		curOpt = -1
		for j := range cur.Options {
			if cur.Options[j].Key == key {
				errs = append(errs, fmt.Sprintf("%s:%d: option %q appears twice in [%s]", name, n+1, key, cur.Name))
				cur.Options[j].Value = val
				curOpt = j
			}
		}
		if curOpt < 0 {
			cur.Options = append(cur.Options, KV{key, val})
			curOpt = len(cur.Options) - 1
		}
		optIndent = indent
	}
	if len(errs) > 0 {
		return nil, errors.New(strings.Join(errs, "\n"))
	}
	for i := range secs {
		for j := range secs[i].Options {
			v := strings.TrimRight(secs[i].Options[j].Value, "\n")
			secs[i].Options[j].Value = strings.ReplaceAll(v, "%%", "%")
		}
	}
	return secs, nil
}

// iniKeys are the [metadata] keys of flit.ini.
var iniKeys = []string{"module", "author", "author-email", "maintainer", "maintainer-email",
	"home-page", "license", "keywords", "requires-python", "dist-name", "description-file",
	"requires", "dev-requires", "classifiers", "entry-points-file"}

func lines(v string) []string {
	var out []string
	for _, l := range strings.Split(v, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// TomlifyResult is the outcome of Tomlify.
type TomlifyResult struct {
	Pyproject       string   // the new pyproject.toml
	EntryPointsFile string   // the entry points file read ("" if none), relative to the ini's directory
	Notes           []string // what changed in meaning
}

// Tomlify converts a flit 0.x flit.ini (and its entry points file,
// entry_points.txt unless entry-points-file says otherwise) to a
// pyproject.toml with a standard [project] table. It reads files but
// writes nothing.
func Tomlify(iniPath string) (*TomlifyResult, error) {
	data, err := os.ReadFile(iniPath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s does not exist: flit tomlify converts a flit 0.x flit.ini to pyproject.toml; run it in the project's directory or give the file's path (flit tomlify PATH/flit.ini)", iniPath)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %v", iniPath, pathErr(err))
	}
	secs, err := ParseINI(string(data), iniPath, false)
	if err != nil {
		return nil, err
	}
	var md, scripts *IniSection
	for i := range secs {
		switch secs[i].Name {
		case "metadata":
			md = &secs[i]
		case "scripts":
			scripts = &secs[i]
		}
	}
	if md == nil {
		return nil, fmt.Errorf("%s has no [metadata] section: is it a flit.ini?", iniPath)
	}
	o := &Old{}
	epFile := "entry_points.txt"
	epExplicit := false
	var probs []string
	for _, kv := range md.Options {
		v := kv.Value
		switch kv.Key {
		case "module":
			o.Module = v
		case "author":
			o.Author = v
		case "author-email":
			o.AuthorEmail = v
		case "maintainer":
			o.Maintainer = v
		case "maintainer-email":
			o.MaintainerEmail = v
		case "home-page":
			o.HomePage = v
		case "license":
			o.License = v
		case "keywords":
			o.Keywords = v
		case "requires-python":
			o.RequiresPython = v
		case "dist-name":
			o.DistName = v
		case "description-file":
			o.DescriptionFile = v
		case "requires":
			o.Requires = lines(v)
		case "dev-requires":
			o.DevRequires, o.HasDevRequires = lines(v), true
		case "classifiers", "classifier":
			o.Classifiers = append(o.Classifiers, lines(v)...)
		case "entry-points-file":
			epFile, epExplicit = v, true
		default:
			probs = append(probs, unknownKeyError(iniPath+": [metadata]", kv.Key, iniKeys).Error())
		}
	}
	if o.Module == "" {
		probs = append(probs, iniPath+": [metadata] has no module: add module = NAME (the import name)")
	}
	if len(probs) > 0 {
		return nil, errors.New(strings.Join(probs, "\n"))
	}
	if scripts != nil {
		o.Scripts = scripts.Options
	}
	res := &TomlifyResult{}
	dir := filepath.Dir(iniPath)
	epData, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(epFile)))
	switch {
	case err == nil:
		eps, err := ParseINI(string(epData), epFile, true)
		if err != nil {
			return nil, err
		}
		for _, s := range eps {
			if len(s.Options) > 0 {
				o.EntryPoints = append(o.EntryPoints, Group{s.Name, s.Options})
			}
		}
		res.EntryPointsFile = epFile
		res.Notes = append(res.Notes, "entry points from "+epFile+" are now in pyproject.toml; the file is no longer needed")
	case errors.Is(err, fs.ErrNotExist) && !epExplicit:
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s: entry-points-file: %s does not exist: create it, or remove the entry-points-file key", iniPath, filepath.Join(dir, filepath.FromSlash(epFile)))
	default:
		return nil, fmt.Errorf("%s: entry-points-file: %s: %v", iniPath, epFile, pathErr(err))
	}
	project, notes := o.ProjectTOML()
	res.Notes = append(res.Notes, notes...)
	res.Pyproject = "[build-system]\nrequires = [" + Quote(FlitCoreRequirement) + "]\nbuild-backend = \"flit_core.buildapi\"\n\n" + project
	return res, nil
}

// pathErr drops the operation and path of an *fs.PathError (the caller
// names the file itself).
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
