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

	// Comments maps where a comment was to the comment lines: an old key
	// relative to [tool.flit] ("metadata.requires", "scripts.x",
	// "entrypoints.g.x") for the comment block above it, the same with "#"
	// appended for the comment after its value, and a bracketed table
	// ("[scripts]") for the block above an old table header. Migrate fills
	// it so comments move with what they annotate.
	Comments map[string][]string
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
	// line writes one line, preceded by the comments that were above the
	// old keys it comes from and followed by their trailing comments.
	line := func(text string, oldKeys ...string) {
		var trail []string
		for _, k := range oldKeys {
			for _, c := range o.Comments[k] {
				b.WriteString(c + "\n")
			}
			trail = append(trail, o.Comments[k+"#"]...)
		}
		b.WriteString(text)
		if len(trail) > 0 {
			b.WriteString("  " + strings.Join(trail, " "))
		}
		b.WriteString("\n")
	}
	line("[project]", "[metadata]")
	nameKeys := []string{"metadata.dist-name"}
	moduleTable := o.Module != "" && ImportName(o.Name()) != o.Module
	if !moduleTable {
		nameKeys = append(nameKeys, "metadata.module")
	}
	line("name = "+Quote(o.Name()), nameKeys...)
	if o.Author != "" || o.AuthorEmail != "" {
		line("authors = "+people(o.Author, o.AuthorEmail), "metadata.author", "metadata.author-email")
	}
	if o.Maintainer != "" || o.MaintainerEmail != "" {
		line("maintainers = "+people(o.Maintainer, o.MaintainerEmail), "metadata.maintainer", "metadata.maintainer-email")
	}
	if o.DescriptionFile != "" {
		line("readme = "+Quote(o.DescriptionFile), "metadata.description-file")
	}
	if o.License != "" {
		b.WriteString("# flit_core 4 ignores license text: prefer an SPDX expression, e.g. license = \"MIT\"\n")
		line("license = {text = "+Quote(o.License)+"}", "metadata.license")
		notes = append(notes, fmt.Sprintf("license %s kept as license = {text = ...}, which flit_core does not write into the metadata; replace it with an SPDX expression (and drop License :: classifiers) when you can", Quote(o.License)))
	}
	if o.RequiresPython != "" {
		line("requires-python = "+Quote(o.RequiresPython), "metadata.requires-python")
	}
	if len(o.Requires) > 0 {
		line("dependencies = "+quoteListMultiline(o.Requires), "metadata.requires")
	}
	if kw := SplitKeywords(o.Keywords); len(kw) > 0 {
		line("keywords = "+quoteList(kw), "metadata.keywords")
	}
	if len(o.Classifiers) > 0 {
		line("classifiers = "+quoteListMultiline(o.Classifiers), "metadata.classifiers")
	}
	b.WriteString("dynamic = [\"version\", \"description\"]\n")

	if len(o.RequiresExtra) > 0 || o.HasDevRequires {
		b.WriteString("\n")
		line("[project.optional-dependencies]", "[metadata.requires-extra]", "metadata.requires-extra")
		for _, e := range o.RequiresExtra {
			line(Key(e.Name)+" = "+quoteListMultiline(e.Reqs), "metadata.requires-extra."+e.Name)
		}
		if o.HasDevRequires {
			line("dev = "+quoteListMultiline(o.DevRequires), "metadata.dev-requires")
			notes = append(notes, "dev-requires moved to the \"dev\" optional dependencies")
		}
	}

	// writeTable writes a table of strings; comments come from the old
	// header keys and, per entry, from prefix+key.
	writeTable := func(header string, kvs []KV, keyOf func(i int) string, headerKeys ...string) {
		if len(kvs) == 0 {
			return
		}
		b.WriteString("\n")
		line("["+header+"]", headerKeys...)
		for i, kv := range kvs {
			line(Key(kv.Key)+" = "+Quote(kv.Value), keyOf(i))
		}
	}
	urls := o.URLs
	urlKeys := make([]string, 0, len(urls)+1)
	if o.HomePage != "" {
		label := "Homepage"
		for _, u := range urls {
			if u.Key == label {
				label = "Home"
			}
		}
		urls = append([]KV{{label, o.HomePage}}, urls...)
		urlKeys = append(urlKeys, "metadata.home-page")
		notes = append(notes, "home-page became the \""+label+"\" project URL")
	}
	for _, u := range o.URLs {
		urlKeys = append(urlKeys, "metadata.urls."+u.Key)
	}
	writeTable("project.urls", urls, func(i int) string { return urlKeys[i] }, "[metadata.urls]", "metadata.urls")

	// console_scripts / gui_scripts groups become [project.scripts] /
	// [project.gui-scripts]; entries remember their old comment keys.
	type entries struct {
		kvs  []KV
		keys []string
		hdrs []string
	}
	var scripts, gui entries
	for _, kv := range o.Scripts {
		scripts.kvs = append(scripts.kvs, kv)
		scripts.keys = append(scripts.keys, "scripts."+kv.Key)
	}
	scripts.hdrs = []string{"[scripts]"}
	var groups []Group
	for _, g := range o.EntryPoints {
		target := (*entries)(nil)
		switch g.Name {
		case "console_scripts":
			target = &scripts
		case "gui_scripts":
			target = &gui
		default:
			groups = append(groups, g)
			continue
		}
		target.hdrs = append(target.hdrs, "[entrypoints."+g.Name+"]")
		for _, kv := range g.Entries {
			target.kvs = append(target.kvs, kv)
			target.keys = append(target.keys, "entrypoints."+g.Name+"."+kv.Key)
		}
	}
	writeTable("project.scripts", scripts.kvs, func(i int) string { return scripts.keys[i] }, scripts.hdrs...)
	writeTable("project.gui-scripts", gui.kvs, func(i int) string { return gui.keys[i] }, gui.hdrs...)
	for _, g := range groups {
		writeTable("project.entry-points."+Key(g.Name), g.Entries,
			func(i int) string { return "entrypoints." + g.Name + "." + g.Entries[i].Key }, "[entrypoints."+g.Name+"]")
	}
	if moduleTable {
		b.WriteString("\n[tool.flit.module]\n")
		line("name = "+Quote(o.Module), "metadata.module")
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
