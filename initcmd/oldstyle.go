package initcmd

import (
	"fmt"
	"strings"
)

// KV is one key = value pair of a table, in file order.
type KV struct{ Key, Value string }

// Extra is one group of optional dependencies.
type Extra struct {
	Name string
	Reqs []string
}

// Group is one entry point group.
type Group struct {
	Name    string
	Entries []KV
}

// Old is old-style flit metadata: the [tool.flit.metadata],
// [tool.flit.scripts] and [tool.flit.entrypoints] tables of flit_core 2-3
// (flit.md §3.7), or the [metadata] and [scripts] sections of a flit 0.x
// flit.ini. Tables keep their file order.
type Old struct {
	Module          string
	DistName        string
	Author          string
	AuthorEmail     string
	Maintainer      string
	MaintainerEmail string
	HomePage        string
	License         string // free text
	Keywords        string // one string, as old flit took it
	RequiresPython  string
	DescriptionFile string
	Requires        []string
	DevRequires     []string
	HasDevRequires  bool
	RequiresExtra   []Extra
	Classifiers     []string
	URLs            []KV
	Scripts         []KV
	EntryPoints     []Group
}

// oldKeys are the keys [tool.flit.metadata] accepts.
var oldKeys = []string{"module", "author", "author-email", "maintainer", "maintainer-email",
	"home-page", "license", "keywords", "requires-python", "dist-name", "description-file",
	"requires", "dev-requires", "requires-extra", "classifiers", "urls"}

// SplitKeywords turns an old-style keywords string into a list: on commas
// when there are any, else on whitespace.
func SplitKeywords(s string) []string {
	var parts []string
	if strings.Contains(s, ",") {
		parts = strings.Split(s, ",")
	} else {
		parts = strings.Fields(s)
	}
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ImportName is the module name flit_core derives from a project name.
func ImportName(name string) string {
	if strings.HasSuffix(name, "-stubs") {
		return strings.ReplaceAll(strings.TrimSuffix(name, "-stubs"), "-", "_") + "-stubs"
	}
	return strings.ReplaceAll(name, "-", "_")
}

// Name is the distribution name: dist-name, else the module name.
func (o *Old) Name() string {
	if o.DistName != "" {
		return o.DistName
	}
	return o.Module
}

// people renders an authors/maintainers list.
func people(name, email string) string {
	var info []string
	if name != "" {
		info = append(info, "name = "+Quote(name))
	}
	if email != "" {
		info = append(info, "email = "+Quote(email))
	}
	return "[{" + strings.Join(info, ", ") + "}]"
}

// ProjectTOML renders the metadata as a standard [project] table with its
// sub-tables, then [tool.flit.module] when the module name is not the one
// flit derives from the project name. Notes say what changed in meaning.
//
// Choices, to keep the metadata as it was:
//   - license (free text) becomes license = {text = "..."}: flit_core 3.x
//     and 4.x accept it but write no License field (4.x has only SPDX
//     expressions, which would conflict with License :: classifiers); a
//     comment and a note ask for an SPDX expression.
//   - home-page becomes the "Homepage" project URL (Project-URL instead of
//     Home-page: [project] has no home page field).
//   - author and author-email become one authors entry (Author-email:
//     "Name <email>" instead of Author and Author-email).
//   - keywords is split into a list (commas, else whitespace).
//   - dev-requires becomes the "dev" extra, as flit_core did.
//   - console_scripts / gui_scripts entry point groups become
//     [project.scripts] / [project.gui-scripts].
func (o *Old) ProjectTOML() (string, []string) {
	var b strings.Builder
	var notes []string
	b.WriteString("[project]\n")
	b.WriteString("name = " + Quote(o.Name()) + "\n")
	if o.Author != "" || o.AuthorEmail != "" {
		b.WriteString("authors = " + people(o.Author, o.AuthorEmail) + "\n")
	}
	if o.Maintainer != "" || o.MaintainerEmail != "" {
		b.WriteString("maintainers = " + people(o.Maintainer, o.MaintainerEmail) + "\n")
	}
	if o.DescriptionFile != "" {
		b.WriteString("readme = " + Quote(o.DescriptionFile) + "\n")
	}
	if o.License != "" {
		b.WriteString("# flit_core 4 ignores license text: prefer an SPDX expression, e.g. license = \"MIT\"\n")
		b.WriteString("license = {text = " + Quote(o.License) + "}\n")
		notes = append(notes, fmt.Sprintf("license %s kept as license = {text = ...}, which flit_core does not write into the metadata; replace it with an SPDX expression (and drop License :: classifiers) when you can", Quote(o.License)))
	}
	if o.RequiresPython != "" {
		b.WriteString("requires-python = " + Quote(o.RequiresPython) + "\n")
	}
	if len(o.Requires) > 0 {
		b.WriteString("dependencies = " + quoteListMultiline(o.Requires) + "\n")
	}
	if kw := SplitKeywords(o.Keywords); len(kw) > 0 {
		b.WriteString("keywords = " + quoteList(kw) + "\n")
	}
	if len(o.Classifiers) > 0 {
		b.WriteString("classifiers = " + quoteListMultiline(o.Classifiers) + "\n")
	}
	b.WriteString("dynamic = [\"version\", \"description\"]\n")

	extras := append([]Extra(nil), o.RequiresExtra...)
	if o.HasDevRequires {
		extras = append(extras, Extra{Name: "dev", Reqs: o.DevRequires})
		notes = append(notes, "dev-requires moved to the \"dev\" optional dependencies")
	}
	if len(extras) > 0 {
		b.WriteString("\n[project.optional-dependencies]\n")
		for _, e := range extras {
			b.WriteString(Key(e.Name) + " = " + quoteListMultiline(e.Reqs) + "\n")
		}
	}

	urls := o.URLs
	if o.HomePage != "" {
		label := "Homepage"
		for _, u := range urls {
			if u.Key == label {
				label = "Home"
			}
		}
		urls = append([]KV{{label, o.HomePage}}, urls...)
		notes = append(notes, "home-page became the \""+label+"\" project URL")
	}
	writeTable := func(header string, kvs []KV) {
		if len(kvs) == 0 {
			return
		}
		b.WriteString("\n[" + header + "]\n")
		for _, kv := range kvs {
			b.WriteString(Key(kv.Key) + " = " + Quote(kv.Value) + "\n")
		}
	}
	writeTable("project.urls", urls)

	scripts := append([]KV(nil), o.Scripts...)
	var gui []KV
	var groups []Group
	for _, g := range o.EntryPoints {
		switch g.Name {
		case "console_scripts":
			scripts = append(scripts, g.Entries...)
		case "gui_scripts":
			gui = append(gui, g.Entries...)
		default:
			groups = append(groups, g)
		}
	}
	writeTable("project.scripts", scripts)
	writeTable("project.gui-scripts", gui)
	for _, g := range groups {
		writeTable("project.entry-points."+Key(g.Name), g.Entries)
	}
	if o.Module != "" && ImportName(o.Name()) != o.Module {
		b.WriteString("\n[tool.flit.module]\nname = " + Quote(o.Module) + "\n")
	}
	return b.String(), notes
}

// suggest returns the candidate closest to s (difflib-like: shared
// characters), or "" when none is close.
func suggest(s string, candidates []string) string {
	best, bestScore := "", 0.0
	for _, c := range candidates {
		if r := ratio(s, c); r > bestScore {
			best, bestScore = c, r
		}
	}
	if bestScore >= 0.7 {
		return best
	}
	return ""
}

// ratio approximates difflib's SequenceMatcher.ratio with the longest
// common subsequence: 2*M/T.
func ratio(a, b string) float64 {
	if a == "" && b == "" {
		return 1
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			if a[i-1] == b[j-1] {
				cur[j] = prev[j-1] + 1
			} else {
				cur[j] = max(prev[j], cur[j-1])
			}
		}
		prev, cur = cur, prev
	}
	return 2 * float64(prev[len(b)]) / float64(len(a)+len(b))
}

func unknownKeyError(section, key string, known []string) error {
	msg := fmt.Sprintf("%s: unrecognised metadata key %q", section, key)
	if s := suggest(key, known); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return fmt.Errorf("%s; fix or remove it, then run again", msg)
}
