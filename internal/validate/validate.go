// Package validate holds the checks the flit command line runs on a loaded
// project before build, publish and install, beyond what flit_core itself
// enforces (flit's flit/validate.py): trove classifiers, entry point syntax,
// the distribution name, requires-python clauses, Requires-Dist strings,
// URLs and project URL labels.
//
// Every problem is reported, each at the position of the offending key when
// pyproject.Project.Positions knows it. With Options.AllowInvalid
// (FLIT_ALLOW_INVALID) every problem becomes a warning, followed by flit's
// warning that uploads may still fail.
//
// Unlike flit, the classifier list is not downloaded from PyPI: the list of
// pypa/trove-classifiers is embedded in the binary (classifiers.txt), so the
// check works offline and never depends on a cache.
package validate

import (
	"fmt"
	"maps"
	"mime"
	"slices"
	"strconv"
	"strings"

	"goflit/check"
	"goflit/internal/diag"
	"goflit/internal/pystr"
	"goflit/names"
	"goflit/pyproject"
)

// Options control Project.
type Options struct {
	// AllowInvalid turns every problem into a warning (FLIT_ALLOW_INVALID).
	AllowInvalid bool
	// NoNetwork is FLIT_NO_NETWORK. goflit never uses the network here (the
	// classifier list is embedded), so it changes nothing; it is accepted so
	// that callers can pass the environment through unchanged.
	NoNetwork bool
	// RST checks a reStructuredText description and returns the
	// renderer's complaints (nil: check.DefaultRST, docutils when an
	// interpreter has it, else goflit's structural check).
	RST func(string) ([]string, error)
}

// InvalidRST is flit's problem for a reStructuredText readme that PyPI
// would not render; the renderer's output follows it.
const InvalidRST = "The file description seems not to be valid rst for PyPI; it will be interpreted as plain text"

// AllowInvalidWarning is flit's warning when FLIT_ALLOW_INVALID lets
// problems through.
const AllowInvalidWarning = "Allowing invalid data (FLIT_ALLOW_INVALID set). Uploads may still fail."

// Project runs every check on p and returns all problems found, in the
// order flit checks them: classifiers, entry points, name, requires-python,
// requirements, home page, project URLs, and a reStructuredText readme.
func Project(p *pyproject.Project, opts Options) diag.List {
	c := checker{p: p, opts: opts}
	c.classifiers()
	c.entryPoints()
	c.name()
	c.requiresPython()
	c.requirements()
	c.homePage()
	c.projectURLs()
	c.readme()
	if opts.AllowInvalid && len(c.out.Errors()) > 0 {
		for i := range c.out {
			c.out[i].Warning = true
		}
		c.out.Add(diag.Diagnostic{File: c.file(), Msg: AllowInvalidWarning, Warning: true})
	}
	return c.out
}

type checker struct {
	p    *pyproject.Project
	opts Options
	out  diag.List
}

// file is the name shown when no position is known.
func (c *checker) file() string {
	for _, d := range c.p.Positions {
		if d.File != "" {
			return d.File
		}
	}
	return "pyproject.toml"
}

// at returns a diagnostic positioned at the first of keys that
// p.Positions knows (most specific first).
func (c *checker) at(msg, hint string, keys ...string) diag.Diagnostic {
	for _, k := range keys {
		if d, ok := c.p.Positions[k]; ok {
			d.Msg, d.Hint, d.Warning = msg, hint, false
			return d
		}
	}
	return diag.Diagnostic{File: c.file(), Msg: msg, Hint: hint}
}

func (c *checker) add(msg, hint string, keys ...string) {
	c.out.Add(c.at(msg, hint, keys...))
}

// classifiers checks each classifier (once, in sorted order as flit does)
// against the embedded list.
func (c *checker) classifiers() {
	cls := c.p.Metadata.Classifiers
	index := map[string]int{}
	for i, s := range cls {
		if _, seen := index[s]; !seen {
			index[s] = i
		}
	}
	for _, s := range slices.Sorted(maps.Keys(index)) {
		ok, deprecated := IsValidClassifier(s)
		if ok && !deprecated {
			continue
		}
		var hint string
		if deprecated {
			hint = "deprecated classifier"
			if repl := Replacements(s); len(repl) > 0 {
				quoted := make([]string, len(repl))
				for i, r := range repl {
					quoted[i] = pystr.Repr(r)
				}
				hint += "; use " + strings.Join(quoted, " or ") + " instead"
			} else {
				hint += "; remove it"
			}
		} else if sug := SuggestClassifier(s); sug != "" {
			hint = "did you mean " + pystr.Repr(sug) + "?"
		}
		c.add("Unrecognised classifier: "+pystr.Repr(s), hint,
			"project.classifiers."+strconv.Itoa(index[s]), "project.classifiers",
			"tool.flit.metadata.classifiers")
	}
}

// entryPoints checks "module" or "module:attr" syntax for every entry point.
func (c *checker) entryPoints() {
	for _, g := range slices.Sorted(maps.Keys(c.p.EntryPoints)) {
		group := c.p.EntryPoints[g]
		for _, k := range slices.Sorted(maps.Keys(group)) {
			v := group[k]
			var valid bool
			if mod, obj, ok := strings.Cut(v, ":"); ok {
				valid = names.IsDottedIdentifier(mod) && names.IsDottedIdentifier(obj)
			} else {
				valid = names.IsDottedIdentifier(v)
			}
			if valid {
				continue
			}
			keys := []string{"project.entry-points." + g + "." + k, "project.entry-points." + g}
			switch g {
			case "console_scripts":
				keys = []string{"project.scripts." + k, "project.scripts", "tool.flit.scripts." + k, "tool.flit.scripts"}
			case "gui_scripts":
				keys = []string{"project.gui-scripts." + k, "project.gui-scripts"}
			}
			keys = append(keys, "tool.flit.entrypoints."+g+"."+k, "tool.flit.entrypoints."+g)
			c.add(fmt.Sprintf("Invalid entry point in group %s: %s = %s", g, k, v),
				`use "module.sub:object.attr" with Python identifiers`, keys...)
		}
	}
}

func (c *checker) name() {
	name := c.p.Metadata.Name
	if name == "" {
		name = c.p.Name
	}
	if name == "" || names.ValidProjectName(name) {
		return
	}
	c.add("Invalid name: "+pystr.Repr(name),
		"use ASCII letters, digits, '.', '_' and '-', starting and ending with a letter or digit",
		"project.name", "tool.flit.metadata.dist-name", "tool.flit.metadata.module")
}

func (c *checker) requiresPython() {
	spec := c.p.Metadata.RequiresPython
	if spec == "" || validVersionSpecifier(spec) {
		return
	}
	c.add("Invalid requires-python: "+pystr.Repr(spec), `write comma-separated clauses such as ">=3.9,<4"`,
		"project.requires-python", "tool.flit.metadata.requires-python")
}

// requirements checks [project] dependencies and optional-dependencies as
// written; when the project has neither (e.g. hand-built metadata), the
// Requires-Dist fields are checked instead.
func (c *checker) requirements() {
	if len(c.p.Dependencies) == 0 && len(c.p.OptionalDeps) == 0 {
		for _, r := range c.p.Metadata.RequiresDist {
			c.requirement(r, "project.dependencies", "tool.flit.metadata.requires")
		}
		return
	}
	for i, r := range c.p.Dependencies {
		c.requirement(r, "project.dependencies."+strconv.Itoa(i), "project.dependencies", "tool.flit.metadata.requires")
	}
	for _, extra := range slices.Sorted(maps.Keys(c.p.OptionalDeps)) {
		for i, r := range c.p.OptionalDeps[extra] {
			base := "project.optional-dependencies." + extra
			c.requirement(r, base+"."+strconv.Itoa(i), base, "project.optional-dependencies",
				"tool.flit.metadata.requires-extra."+extra, "tool.flit.metadata.requires-extra")
		}
	}
}

func (c *checker) requirement(req string, keys ...string) {
	for _, p := range CheckRequirement(req) {
		c.add(p, "", keys...)
	}
}

func (c *checker) homePage() {
	if c.p.Metadata.HomePage == "" {
		return // absent
	}
	for _, p := range CheckURL(c.p.Metadata.HomePage) {
		c.add(p, "", "tool.flit.metadata.home-page", "project.urls")
	}
}

func (c *checker) projectURLs() {
	for _, pu := range c.p.Metadata.ProjectURLs {
		name, url, _ := strings.Cut(pu, ",")
		url = strings.TrimLeft(url, " \t\n\r\f\v")
		keys := []string{"project.urls." + name, "project.urls", "tool.flit.metadata.urls." + name, "tool.flit.metadata.urls"}
		switch {
		case name == "":
			c.add("No name for project URL "+pystr.Repr(url), "give the URL a label such as \"Homepage\"", keys...)
		case len([]rune(name)) > 32:
			c.add("Project URL name "+pystr.Repr(name)+" longer than 32 characters", "PyPI rejects longer labels", keys...)
		}
		for _, p := range CheckURL(url) {
			c.add(p, "", keys...)
		}
	}
}

// CheckURL returns flit's problems with a URL.
func CheckURL(url string) []string {
	rest, ok := strings.CutPrefix(url, "http://")
	if !ok {
		rest, ok = strings.CutPrefix(url, "https://")
	}
	if !ok {
		return []string{"URL " + pystr.Repr(url) + " doesn't start with https:// or http://"}
	}
	if rest == "" {
		return []string{"URL missing address"}
	}
	return nil
}

// readme renders a reStructuredText long description as PyPI would (flit
// does it with readme_renderer) and reports the renderer's complaints, one
// line, after flit's message. Markdown and plain text are not checked.
func (c *checker) readme() {
	m := c.p.Metadata
	mt, _, err := mime.ParseMediaType(m.DescriptionContentType)
	if err != nil || mt != "text/x-rst" || strings.TrimSpace(m.Description) == "" {
		return
	}
	rst := c.opts.RST
	if rst == nil {
		rst = check.DefaultRST()
	}
	keys := []string{"project.readme", "tool.flit.metadata.description-file"}
	msgs, err := rst(m.Description)
	if err != nil {
		d := c.at("could not check the reStructuredText readme: "+err.Error(), "", keys...)
		d.Warning = true
		c.out.Add(d)
		return
	}
	if len(msgs) > 0 {
		c.add(InvalidRST+": "+strings.Join(msgs, "; "), "fix the markup or use a Markdown readme", keys...)
	}
}
