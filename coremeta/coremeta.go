// Package coremeta owns the Python core metadata format (the METADATA file of
// a wheel and the PKG-INFO file of an sdist), versions 1.0 to 2.5, as
// specified at https://packaging.python.org/specifications/core-metadata/.
//
// The file is an RFC 822 style header block: one "Name: value" line per
// field, multiple-use fields repeated, continuation lines indented, then an
// optional blank line and the long description as the message body.
//
// Write emits fields in flit_core's fixed order (see Metadata.Write); Parse
// reads any producer's file. The package does no I/O beyond the io.Writer it
// is handed.
package coremeta

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
)

// Metadata holds the fields of a core metadata file. Multiple-use fields are
// slices kept in file order. Empty strings and nil slices mean "absent".
type Metadata struct {
	MetadataVersion        string
	Name                   string // written as given (flit writes the raw project name)
	Version                string
	Summary                string
	HomePage               string
	DownloadURL            string
	Keywords               []string // written comma-joined without spaces
	Author                 string
	AuthorEmail            string
	Maintainer             string
	MaintainerEmail        string
	RequiresPython         string
	DescriptionContentType string
	LicenseExpression      string
	License                string // legacy free text (old-style [tool.flit.metadata] only)
	Platforms              []string
	SupportedPlatforms     []string
	Classifiers            []string
	LicenseFiles           []string
	RequiresDist           []string
	ProvidesDist           []string
	ObsoletesDist          []string
	RequiresExternal       []string
	ProjectURLs            []string // "Label, https://…"
	ProvidesExtra          []string
	Dynamic                []string
	ImportNames            []string
	ImportNamespaces       []string
	Description            string // the long description (message body)
	HasDescription         bool   // a body is present, even if empty

	// Blank lists single-use fields (by header name, e.g. "Summary",
	// "Keywords", "Requires-Python") that are present with an empty value:
	// flit writes "Summary: " for description = "", and Parse records such
	// lines here, so they round-trip.
	Blank []string
}

func (m *Metadata) blank(name string) bool {
	for _, b := range m.Blank {
		if strings.EqualFold(b, name) {
			return true
		}
	}
	return false
}

// foldable fields: a multi-line value is folded onto indented continuation
// lines (flit_core folds Summary .. Description-Content-Type).
func fold(v string) string {
	if !strings.ContainsAny(v, "\r\n") {
		return v
	}
	v = strings.ReplaceAll(v, "\r\n", "\n")
	v = strings.ReplaceAll(v, "\r", "\n")
	return strings.ReplaceAll(v, "\n", "\n        ")
}

// Write writes m in flit_core's field order:
//
//	Metadata-Version, Name, Version, Summary, Home-page, Download-URL,
//	Keywords, Author, Author-email, Maintainer, Maintainer-email,
//	Requires-Python, Description-Content-Type, License-Expression | License,
//	Platform, Supported-Platform, Classifier*, License-File*, Requires-Dist*,
//	Provides-Dist*, Obsoletes-Dist*, Requires-External*, Project-URL*,
//	Provides-Extra*, Dynamic*, Import-Name*, Import-Namespace*,
//	then a blank line and the description.
//
// Every header line ends in "\n" (flit 4.0.0's missing newline after
// Import-Name is a bug and is not reproduced). The body, when present, is
// followed by a single "\n" as flit_core writes it.
func (m *Metadata) Write(w io.Writer) error {
	var b bytes.Buffer
	// flit_core folds only Summary..Description-Content-Type; any other
	// multi-line value would corrupt the file, so every value is folded.
	one := func(name, v string) {
		if v == "" && !m.blank(name) {
			return
		}
		b.WriteString(name + ": " + fold(v) + "\n")
	}
	many := func(name string, vs []string) {
		for _, v := range vs {
			b.WriteString(name + ": " + fold(v) + "\n")
		}
	}
	one("Metadata-Version", m.MetadataVersion)
	one("Name", m.Name)
	one("Version", m.Version)
	one("Summary", m.Summary)
	one("Home-page", m.HomePage)
	one("Download-URL", m.DownloadURL)
	one("Keywords", strings.Join(m.Keywords, ","))
	one("Author", m.Author)
	one("Author-email", m.AuthorEmail)
	one("Maintainer", m.Maintainer)
	one("Maintainer-email", m.MaintainerEmail)
	one("Requires-Python", m.RequiresPython)
	one("Description-Content-Type", m.DescriptionContentType)
	one("License-Expression", m.LicenseExpression)
	one("License", m.License)
	many("Platform", m.Platforms)
	many("Supported-Platform", m.SupportedPlatforms)
	many("Classifier", m.Classifiers)
	many("License-File", m.LicenseFiles)
	many("Requires-Dist", m.RequiresDist)
	many("Provides-Dist", m.ProvidesDist)
	many("Obsoletes-Dist", m.ObsoletesDist)
	many("Requires-External", m.RequiresExternal)
	many("Project-URL", m.ProjectURLs)
	many("Provides-Extra", m.ProvidesExtra)
	many("Dynamic", m.Dynamic)
	many("Import-Name", m.ImportNames)
	many("Import-Namespace", m.ImportNamespaces)
	if m.HasDescription || m.Description != "" {
		b.WriteString("\n")
		b.WriteString(m.Description)
		b.WriteString("\n")
	}
	_, err := w.Write(b.Bytes())
	return err
}

// Bytes returns the written form of m.
func (m *Metadata) Bytes() []byte {
	var b bytes.Buffer
	_ = m.Write(&b)
	return b.Bytes()
}

// Field is one header line as parsed, continuation lines unfolded with "\n".
type Field struct {
	Name  string // as written in the file, e.g. "Requires-Dist"
	Value string
	Line  int // 1-based line number of the field in the file
}

// File is a parsed metadata file: the raw header fields in order, the body,
// and the fields mapped onto Metadata. Unknown lists field names that are
// not core metadata fields (case-insensitive match), for checkers.
type File struct {
	Fields   []Field
	Body     string
	HasBody  bool
	Metadata Metadata
	Unknown  []Field
}

// Get returns the first value of the named field (case-insensitive).
func (f *File) Get(name string) (string, bool) {
	for _, fl := range f.Fields {
		if strings.EqualFold(fl.Name, name) {
			return fl.Value, true
		}
	}
	return "", false
}

// GetAll returns every value of the named field (case-insensitive).
func (f *File) GetAll(name string) []string {
	var out []string
	for _, fl := range f.Fields {
		if strings.EqualFold(fl.Name, name) {
			out = append(out, fl.Value)
		}
	}
	return out
}

// Parse reads a metadata file. It accepts LF, CRLF or CR line endings. A line
// that is neither "Name: value", a continuation (starting with space or
// tab) nor the blank separator is a syntax error naming the line. When the
// body is absent but a Description header exists, that header becomes the
// description (Metadata 1.x/2.0 style).
func Parse(data []byte) (*File, error) {
	// Universal newlines, as Python reads metadata in text mode: CRLF and a
	// lone CR both end a line.
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	data = bytes.ReplaceAll(data, []byte("\r"), []byte("\n"))
	f := &File{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), len(data)+1)
	lineNo := 0
	offset := 0
	for sc.Scan() {
		raw := sc.Text()
		lineNo++
		offset += len(raw) + 1
		line := raw
		if line == "" {
			f.HasBody = true
			if offset <= len(data) {
				f.Body = string(data[offset:])
			}
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			if len(f.Fields) == 0 {
				return nil, fmt.Errorf("line %d: continuation line before any field", lineNo)
			}
			last := &f.Fields[len(f.Fields)-1]
			last.Value += "\n" + strings.TrimLeft(line, " \t")
			continue
		}
		i := strings.IndexByte(line, ':')
		if i <= 0 || strings.ContainsAny(line[:i], " \t") {
			return nil, fmt.Errorf("line %d: expected \"Name: value\", found %q", lineNo, truncate(line, 60))
		}
		f.Fields = append(f.Fields, Field{Name: line[:i], Value: strings.TrimSpace(line[i+1:]), Line: lineNo})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if f.HasBody {
		// flit_core and setuptools end the body with one extra "\n".
		f.Body = strings.TrimSuffix(f.Body, "\n")
	}
	f.fill()
	return f, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// singleFields and multiFields map lower-cased header names to Metadata
// struct fields.
func (f *File) fill() {
	m := &f.Metadata
	single := map[string]*string{
		"metadata-version":         &m.MetadataVersion,
		"name":                     &m.Name,
		"version":                  &m.Version,
		"summary":                  &m.Summary,
		"home-page":                &m.HomePage,
		"download-url":             &m.DownloadURL,
		"author":                   &m.Author,
		"author-email":             &m.AuthorEmail,
		"maintainer":               &m.Maintainer,
		"maintainer-email":         &m.MaintainerEmail,
		"requires-python":          &m.RequiresPython,
		"description-content-type": &m.DescriptionContentType,
		"license-expression":       &m.LicenseExpression,
		"license":                  &m.License,
	}
	multi := map[string]*[]string{
		"platform":           &m.Platforms,
		"supported-platform": &m.SupportedPlatforms,
		"classifier":         &m.Classifiers,
		"license-file":       &m.LicenseFiles,
		"requires-dist":      &m.RequiresDist,
		"provides-dist":      &m.ProvidesDist,
		"obsoletes-dist":     &m.ObsoletesDist,
		"requires-external":  &m.RequiresExternal,
		"project-url":        &m.ProjectURLs,
		"provides-extra":     &m.ProvidesExtra,
		"dynamic":            &m.Dynamic,
		"import-name":        &m.ImportNames,
		"import-namespace":   &m.ImportNamespaces,
	}
	var descHeader string
	for _, fl := range f.Fields {
		key := strings.ToLower(fl.Name)
		switch {
		case single[key] != nil:
			*single[key] = fl.Value
			if fl.Value == "" {
				m.Blank = append(m.Blank, fl.Name)
			}
		case multi[key] != nil:
			*multi[key] = append(*multi[key], fl.Value)
		case key == "keywords":
			if strings.TrimSpace(fl.Value) == "" {
				m.Blank = append(m.Blank, fl.Name)
			}
			for _, k := range strings.Split(fl.Value, ",") {
				if k = strings.TrimSpace(k); k != "" {
					m.Keywords = append(m.Keywords, k)
				}
			}
		case key == "description":
			descHeader = fl.Value
		// Fields of metadata 1.x that are still legal but unused today.
		case key == "requires" || key == "provides" || key == "obsoletes":
		default:
			f.Unknown = append(f.Unknown, fl)
		}
	}
	if f.HasBody {
		m.Description, m.HasDescription = f.Body, true
	} else if descHeader != "" {
		m.Description, m.HasDescription = descHeader, true
	}
}
