// Package check predicts PyPI's verdict on built distributions before they
// are uploaded: the metadata checks, file name rules (PEP 427, PEP 625),
// allowed platform tags, archive policy (https://docs.pypi.org/archives/),
// RECORD completeness and the rendering of the long description that
// Warehouse's legacy upload endpoint applies (warehouse/forklift/legacy.py).
//
// Inspect returns Problems tagged with the stage of Warehouse's validation
// they belong to, so that the index server (package index) can answer with
// Warehouse's messages; Files renders them as diagnostics for `flit check`.
package check

import (
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"net/mail"
	"net/url"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"goflit/coremeta"
	"goflit/internal/diag"
	"goflit/names"
	"goflit/tags"
)

// Stage is the step of Warehouse's upload validation a problem belongs to.
type Stage int

const (
	StageMetadata Stage = iota // metadata validation (400 "Invalid value for …")
	StageReadme                // description rendering
	StageFilename              // file name rules
	StageArchive               // archive policy, wheel/sdist contents
)

// Problem is one thing PyPI would refuse (or, with Warning, warn about).
type Problem struct {
	Stage   Stage
	Field   string // metadata field name (StageMetadata), e.g. "Version"
	Entry   string // archive entry, e.g. "foo-1.0.dist-info/RECORD" or "METADATA:3"
	Msg     string
	Warning bool
}

func (p Problem) String() string {
	if p.Entry != "" {
		return p.Entry + ": " + p.Msg
	}
	return p.Msg
}

// Options are the pluggable parts of the checks.
type Options struct {
	// Classifier reports whether a trove classifier is known and whether
	// it is deprecated. Nil skips the classifier check (except "Private ::",
	// which PyPI always refuses).
	Classifier func(c string) (known, deprecated bool)
	// RST validates a reStructuredText long description, returning one
	// message per problem ("line N: Warning: …"). Nil uses BuiltinRST.
	RST func(text string) ([]string, error)
}

// Files checks each file and returns every problem as diagnostics naming
// the file (as given) and, where it applies, the archive entry.
func Files(paths []string, opt Options) diag.List {
	var out diag.List
	for _, p := range paths {
		_, probs := Inspect(p, opt)
		for _, pr := range probs {
			out.Add(diag.Diagnostic{File: p, Msg: pr.String(), Warning: pr.Warning})
		}
	}
	return out
}

// Inspect opens and checks one distribution file. The Dist is nil when the
// file cannot be read at all (the problems say why).
func Inspect(p string, opt Options) (*Dist, []Problem) {
	var c checker
	c.opt = opt
	d, err := Open(p)
	if err != nil {
		msg := err.Error()
		msg = strings.TrimPrefix(msg, p+": ")
		if errors.Is(err, fs.ErrNotExist) {
			msg = "file does not exist (check the path; flit build writes wheels and sdists to dist/)"
		}
		c.add(StageArchive, "", "", "%s", msg)
		// The file name's own problems, for a distribution that cannot be
		// read; a file that is missing or is no distribution at all (say
		// pyproject.toml) has only the one problem above.
		if Kind(filepath.Base(p)) != "" && !errors.Is(err, fs.ErrNotExist) {
			c.filename(filepath.Base(p), nil)
		}
		return nil, c.probs
	}
	c.dist = d
	c.filename(d.Filename, &d.Meta.Metadata)
	c.metadata(d.Meta, d.MetadataPath)
	c.readme(&d.Meta.Metadata)
	if d.Filetype == "bdist_wheel" {
		c.wheel(d)
	} else {
		c.sdist(d)
	}
	return d, c.probs
}

type checker struct {
	opt   Options
	dist  *Dist
	probs []Problem
}

func (c *checker) add(stage Stage, field, entry, format string, args ...any) {
	c.probs = append(c.probs, Problem{Stage: stage, Field: field, Entry: entry, Msg: fmt.Sprintf(format, args...)})
}

func (c *checker) warn(stage Stage, entry, format string, args ...any) {
	c.probs = append(c.probs, Problem{Stage: stage, Entry: entry, Msg: fmt.Sprintf(format, args...), Warning: true})
}

// filename applies Warehouse's file name rules. m may be nil.
func (c *checker) filename(fn string, m *coremeta.Metadata) {
	if strings.ContainsFunc(fn, func(r rune) bool { return r < 0x20 || r == 0x7f }) || strings.ContainsAny(fn, `/\`) {
		c.add(StageFilename, "", "", "file name %q has control characters or slashes", fn)
		return
	}
	kind := Kind(fn)
	if kind == "" {
		c.add(StageFilename, "", "", "invalid file extension: use .tar.gz for an sdist or .whl for a wheel (PEP 527)")
		return
	}
	if m == nil || m.Name == "" || m.Version == "" || !names.ValidProjectName(m.Name) || !validVersion(m.Version) {
		return // metadata problems are reported by metadata()
	}
	if kind == "sdist" {
		want := names.Escape(m.Name) + "-" + m.Version + ".tar.gz"
		prefix := strings.ToLower(strings.SplitN(fn, "-", 2)[0])
		if names.Normalize(prefix) != names.Normalize(m.Name) && !strings.HasPrefix(names.Normalize(fn), names.Normalize(m.Name)+"-") {
			c.add(StageFilename, "", "", "file name must start with %q, the normalized project name (PEP 625)", names.Escape(m.Name))
		} else if fn != want {
			c.add(StageFilename, "", "", "file name is invalid, should be %q (PEP 625)", want)
		}
		return
	}
	w, ok := parseWheelFilename(fn)
	if !ok {
		c.add(StageFilename, "", "", "invalid wheel file name: expected {name}-{version}(-{build})?-{python}-{abi}-{platform}.whl")
		return
	}
	if w.Name != names.Escape(m.Name) {
		c.add(StageFilename, "", "", "wheel file name starts with %q, but should contain the normalized project name %q", w.Name, names.Escape(m.Name))
	}
	if !sameVersion(w.Version, m.Version) {
		c.add(StageFilename, "", "", "wheel file name has version %q, but the metadata says %q", w.Version, m.Version)
	}
	for _, p := range w.Plat {
		if !tags.PyPIPlatformOK(p) {
			c.add(StageFilename, "", "", "binary wheel has an unsupported platform tag %q (PyPI accepts any, manylinux_X_Y_ARCH, musllinux_X_Y_ARCH, macosx_…, win_…)", p)
		}
	}
}

var allowedMetadataVersions = []string{"1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5"}

// minVersion is the metadata version that introduced a field.
var fieldSince = map[string]string{
	"description-content-type": "2.1",
	"provides-extra":           "2.1",
	"dynamic":                  "2.2",
	"license-expression":       "2.4",
	"license-file":             "2.4",
	"import-name":              "2.5",
	"import-namespace":         "2.5",
}

// CheckMetadata applies PyPI's metadata rules to m (as parsed from a file
// or assembled from an upload form) and returns every problem.
func CheckMetadata(m *coremeta.Metadata, opt Options) []Problem {
	c := checker{opt: opt}
	f := &coremeta.File{Metadata: *m}
	c.metadata(f, "")
	return c.probs
}

func (c *checker) metadata(f *coremeta.File, entry string) {
	m := &f.Metadata
	at := func(field string) string {
		if entry == "" {
			return ""
		}
		for _, fl := range f.Fields {
			if strings.EqualFold(fl.Name, field) {
				return fmt.Sprintf("%s:%d", entry, fl.Line)
			}
		}
		return entry
	}
	bad := func(field, format string, args ...any) {
		c.add(StageMetadata, field, at(field), field+": "+format, args...)
	}
	// badv is bad for one value of a multiple-use field: it points at that line.
	badv := func(field, value, format string, args ...any) {
		where := at(field)
		for _, fl := range f.Fields {
			if strings.EqualFold(fl.Name, field) && fl.Value == value {
				where = fmt.Sprintf("%s:%d", entry, fl.Line)
				break
			}
		}
		if entry == "" {
			where = ""
		}
		c.add(StageMetadata, field, where, field+": "+format, args...)
	}
	mv := m.MetadataVersion
	switch {
	case mv == "":
		c.add(StageMetadata, "Metadata-Version", entry, "Metadata-Version: missing")
	case !contains(allowedMetadataVersions, mv):
		bad("Metadata-Version", "%q is not one PyPI accepts (%s)", mv, strings.Join(allowedMetadataVersions, ", "))
	}
	for _, u := range f.Unknown {
		c.add(StageMetadata, u.Name, fmt.Sprintf("%s:%d", entry, u.Line), "%s: unrecognized core metadata field", u.Name)
	}
	if contains(allowedMetadataVersions, mv) {
		for _, fl := range f.Fields {
			since, ok := fieldSince[strings.ToLower(fl.Name)]
			switch {
			case !ok || mv >= since:
			case strings.EqualFold(fl.Name, "License-File"):
				// Older setuptools wrote License-File into 2.1/2.2 metadata;
				// uploaders (twine, flit publish) leave it out of the form.
				c.probs = append(c.probs, Problem{Stage: StageMetadata, Field: fl.Name, Entry: fmt.Sprintf("%s:%d", entry, fl.Line), Warning: true,
					Msg: fmt.Sprintf("%s: introduced in metadata version %s, not %s: not sent to the index", fl.Name, since, mv)})
			default:
				c.add(StageMetadata, fl.Name, fmt.Sprintf("%s:%d", entry, fl.Line), "%s: introduced in metadata version %s, not %s", fl.Name, since, mv)
			}
		}
	}
	switch {
	case m.Name == "":
		c.add(StageMetadata, "Name", entry, "Name: missing")
	case !names.ValidProjectName(m.Name):
		bad("Name", "%q is not a valid project name (letters, digits, and . _ - between them)", m.Name)
	}
	switch {
	case m.Version == "":
		c.add(StageMetadata, "Version", entry, "Version: missing")
	case !validVersion(m.Version):
		bad("Version", "%q is not a valid PEP 440 version", m.Version)
	case hasLocal(m.Version):
		bad("Version", "the use of local versions in %q is not allowed on PyPI", m.Version)
	}
	if utf8.RuneCountInString(m.Summary) > 512 {
		bad("Summary", "longer than 512 characters")
	}
	if strings.ContainsAny(m.Summary, "\r\n") {
		bad("Summary", "use a single line only")
	}
	for _, e := range []struct{ field, v string }{{"Author-email", m.AuthorEmail}, {"Maintainer-email", m.MaintainerEmail}} {
		if e.v == "" {
			continue
		}
		if _, err := mail.ParseAddressList(e.v); err != nil {
			bad(e.field, "%q is not a valid email address list", e.v)
		}
	}
	for _, u := range []struct{ field, v string }{{"Home-page", m.HomePage}, {"Download-URL", m.DownloadURL}} {
		if u.v != "" && !validURL(u.v) {
			bad(u.field, "%q is not a valid http(s) URL", u.v)
		}
	}
	for _, pu := range m.ProjectURLs {
		label, u, ok := strings.Cut(pu, ",")
		label, u = strings.TrimSpace(label), strings.TrimSpace(u)
		switch {
		case !ok || label == "":
			badv("Project-URL", pu, "%q must be \"Label, URL\"", pu)
		case utf8.RuneCountInString(label) > 32:
			badv("Project-URL", pu, "label %q is longer than 32 characters", label)
		case !validURL(u):
			badv("Project-URL", pu, "%q is not a valid http(s) URL", u)
		}
	}
	for _, cl := range m.Classifiers {
		if strings.HasPrefix(cl, "Private ::") {
			badv("Classifier", cl, "%q: PyPI refuses uploads with Private :: classifiers", cl)
			continue
		}
		if c.opt.Classifier == nil {
			continue
		}
		known, deprecated := c.opt.Classifier(cl)
		switch {
		case !known:
			badv("Classifier", cl, "%q is not a valid classifier", cl)
		case deprecated:
			badv("Classifier", cl, "%q is deprecated", cl)
		}
	}
	for _, field := range []struct {
		name string
		vs   []string
	}{{"Requires-Dist", m.RequiresDist}, {"Provides-Dist", m.ProvidesDist}, {"Obsoletes-Dist", m.ObsoletesDist}} {
		for _, r := range field.vs {
			req, why := parseRequirement(r)
			switch {
			case why != "":
				badv(field.name, r, "%q: %s", r, why)
			case req.URL:
				badv(field.name, r, "can't have direct dependency: %q (PyPI refuses URL requirements)", r)
			}
		}
	}
	if !validSpecifiers(m.RequiresPython) {
		bad("Requires-Python", "%q is not a valid version specifier set", m.RequiresPython)
	}
	for _, x := range m.ProvidesExtra {
		if !names.ValidProjectName(x) {
			badv("Provides-Extra", x, "%q is not a valid extra name", x)
		}
	}
	for _, dyn := range m.Dynamic {
		switch strings.ToLower(dyn) {
		case "name", "version", "metadata-version":
			badv("Dynamic", dyn, "%q cannot be dynamic", dyn)
		default:
			if !knownField(dyn) {
				badv("Dynamic", dyn, "%q is not a core metadata field", dyn)
			}
		}
	}
	if m.License != "" && m.LicenseExpression != "" {
		bad("License", "License and License-Expression cannot both be present (PEP 639): drop License")
	}
	if dct := m.DescriptionContentType; dct != "" {
		mt, params, err := mime.ParseMediaType(dct)
		switch {
		case err != nil:
			bad("Description-Content-Type", "%q is not a valid content type", dct)
		case mt != "text/plain" && mt != "text/x-rst" && mt != "text/markdown":
			bad("Description-Content-Type", "%q: use text/plain, text/x-rst or text/markdown", mt)
		default:
			if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
				bad("Description-Content-Type", "charset %q: use UTF-8", cs)
			}
			if v, ok := params["variant"]; ok && mt == "text/markdown" && v != "GFM" && v != "CommonMark" {
				bad("Description-Content-Type", "markdown variant %q: use GFM or CommonMark", v)
			}
		}
	}
}

func knownField(name string) bool {
	switch strings.ToLower(name) {
	case "summary", "home-page", "download-url", "keywords", "author", "author-email", "maintainer",
		"maintainer-email", "requires-python", "description-content-type", "license-expression", "license",
		"platform", "supported-platform", "classifier", "license-file", "requires-dist", "provides-dist",
		"obsoletes-dist", "requires-external", "project-url", "provides-extra", "import-name",
		"import-namespace", "description":
		return true
	}
	return false
}

func validURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// readme checks that the long description will render on PyPI.
func (c *checker) readme(m *coremeta.Metadata) {
	entry := ""
	if c.dist != nil {
		entry = c.dist.MetadataPath
	}
	desc := m.Description
	if strings.TrimSpace(desc) == "" || desc == "UNKNOWN" {
		c.warn(StageReadme, entry, "the long description is empty: PyPI will show no project description")
		return
	}
	mt := "text/x-rst"
	if m.DescriptionContentType == "" {
		c.warn(StageReadme, entry, "Description-Content-Type is missing: PyPI renders the description as reStructuredText")
	} else if t, _, err := mime.ParseMediaType(m.DescriptionContentType); err == nil {
		mt = t
	} else {
		return
	}
	if mt != "text/x-rst" {
		return // Markdown and plain text always render.
	}
	rst := c.opt.RST
	if rst == nil {
		rst = BuiltinRST
	}
	msgs, err := rst(desc)
	if err != nil {
		c.warn(StageReadme, entry, "could not check the reStructuredText description: %v", err)
		return
	}
	for _, msg := range msgs {
		c.add(StageReadme, "Description", entry, "description fails to render as reStructuredText: %s", msg)
	}
}

// CheckReadme reports whether m's long description renders on PyPI
// (reStructuredText through opt.RST; Markdown and plain text always do).
func CheckReadme(m *coremeta.Metadata, opt Options) []Problem {
	c := checker{opt: opt}
	c.readme(m)
	return c.probs
}
