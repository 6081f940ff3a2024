package upload

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/textproto"
	"os"
	"strings"

	"goflit/check"
	"goflit/internal/digest"
)

// Field is one form field; multiple-use fields appear once per value.
type Field struct{ Name, Value string }

// formNames maps core metadata header names (lower case) to Warehouse's
// form field names. Multiple-use fields take the plural form, except
// platform, supported_platform, license_file and (Warehouse's _override)
// import_name / import_namespace.
var formNames = map[string]string{
	"metadata-version":         "metadata_version",
	"name":                     "name",
	"version":                  "version",
	"summary":                  "summary",
	"home-page":                "home_page",
	"download-url":             "download_url",
	"keywords":                 "keywords",
	"author":                   "author",
	"author-email":             "author_email",
	"maintainer":               "maintainer",
	"maintainer-email":         "maintainer_email",
	"license":                  "license",
	"license-expression":       "license_expression",
	"license-file":             "license_file",
	"requires-python":          "requires_python",
	"description-content-type": "description_content_type",
	"platform":                 "platform",
	"supported-platform":       "supported_platform",
	"classifier":               "classifiers",
	"requires-dist":            "requires_dist",
	"provides-dist":            "provides_dist",
	"obsoletes-dist":           "obsoletes_dist",
	"requires-external":        "requires_external",
	"project-url":              "project_urls",
	"provides-extra":           "provides_extra",
	"dynamic":                  "dynamic",
	"import-name":              "import_name",
	"import-namespace":         "import_namespace",
	"requires":                 "requires",
	"provides":                 "provides",
	"obsoletes":                "obsoletes",
}

// Digests are the hex digests of a file.
type Digests = digest.Sums

// FileDigests hashes a file in one streaming pass.
func FileDigests(path string) (Digests, error) {
	f, err := os.Open(path)
	if err != nil {
		return Digests{}, err
	}
	defer f.Close()
	sums, _, err := digest.Copy(io.Discard, f, 4<<20)
	if err != nil {
		return Digests{}, fmt.Errorf("%s: %v", path, err)
	}
	return sums, nil
}

// Form returns the upload form for d: every metadata field of the
// artifact's own METADATA/PKG-INFO under Warehouse's names (values as in
// the file: the real metadata_version, requires_dist unchanged), the
// description, requires_python (always, empty when unset), then
// :action, protocol_version, filetype, pyversion and the digests.
func Form(d *check.Dist, dg Digests) []Field {
	var fields []Field
	add := func(n, v string) {
		if v == "" || v == "UNKNOWN" {
			return
		}
		fields = append(fields, Field{n, strings.ReplaceAll(v, "\x00", "\\x00")})
	}
	add(":action", "file_upload")
	add("protocol_version", "1")
	hasRP := false
	for _, fl := range d.Meta.Fields {
		key := strings.ToLower(fl.Name)
		if key == "description" {
			continue
		}
		if key == "license-file" && d.Meta.Metadata.MetadataVersion < "2.4" {
			continue // as twine: older setuptools wrote it into 2.1/2.2 metadata
		}
		if n, ok := formNames[key]; ok {
			if n == "requires_python" {
				hasRP = true
			}
			add(n, fl.Value)
		}
	}
	if !hasRP {
		fields = append(fields, Field{"requires_python", ""})
	}
	add("description", d.Meta.Metadata.Description)
	add("filetype", d.Filetype)
	add("pyversion", d.PyVersion)
	add("sha256_digest", dg.SHA256)
	add("blake2_256_digest", dg.Blake2b256)
	return fields
}

// body is a multipart/form-data request body whose file part streams from
// disk: the fields and the part header are built in memory, the file is
// read as the request is sent, so the length is known in advance.
type body struct {
	contentType string
	prefix      []byte
	suffix      []byte
	path        string
	size        int64
}

type switchWriter struct{ w io.Writer }

func (s *switchWriter) Write(p []byte) (int, error) { return s.w.Write(p) }

func newBody(fields []Field, path, filename string, size int64) (*body, error) {
	var pre, suf bytes.Buffer
	sw := &switchWriter{&pre}
	mw := multipart.NewWriter(sw)
	for _, f := range fields {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"`, escapeQuotes(f.Name)))
		w, err := mw.CreatePart(h)
		if err != nil {
			return nil, err
		}
		io.WriteString(w, f.Value)
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="content"; filename="%s"`, escapeQuotes(filename)))
	h.Set("Content-Type", "application/octet-stream")
	if _, err := mw.CreatePart(h); err != nil {
		return nil, err
	}
	sw.w = &suf
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return &body{contentType: mw.FormDataContentType(), prefix: pre.Bytes(), suffix: suf.Bytes(), path: path, size: size}, nil
}

func escapeQuotes(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}

func (b *body) length() int64 { return int64(len(b.prefix)) + b.size + int64(len(b.suffix)) }

// open returns a fresh reader over the whole body (one per attempt: the
// file is re-opened), and a closer for the file.
func (b *body) open(progress func(n int64)) (io.Reader, io.Closer, error) {
	f, err := os.Open(b.path)
	if err != nil {
		return nil, nil, err
	}
	var file io.Reader = io.LimitReader(f, b.size)
	if progress != nil {
		file = &progressReader{r: file, fn: progress}
	}
	return io.MultiReader(bytes.NewReader(b.prefix), file, bytes.NewReader(b.suffix)), f, nil
}

type progressReader struct {
	r    io.Reader
	n    int64
	fn   func(int64)
	last int64
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.n += int64(n)
	if p.n-p.last >= 256<<10 || err != nil {
		p.last = p.n
		p.fn(p.n)
	}
	return n, err
}
