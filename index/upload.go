package index

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"goflit/check"
	"goflit/coremeta"
	"goflit/internal/atomicfile"
	"goflit/internal/digest"
	"goflit/names"
	"goflit/pep440"
	"goflit/tags"
	"goflit/upload/attest"
)

const metadataHelp = " See https://packaging.python.org/specifications/core-metadata for more information."

var hexDigestRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-fA-F0-9]{64}$`) })

// form is a parsed upload request: text fields and the file spooled to disk.
type form struct {
	values   map[string][]string
	tuples   []string // non-file fields sent as file parts
	file     string   // temp file path, "" when no content part
	filename string
	ctype    string // the content part's Content-Type
	size     int64
	tooBig   bool
	sha256   string
	blake2   string
}

func (f *form) get(k string) string {
	if v := f.values[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// readForm streams a multipart body: fields into memory (bounded), the
// "content" part into a temporary file in dir while hashing it.
func readForm(r *http.Request, dir string, maxSize int64) (*form, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, err
	}
	f := &form{values: map[string][]string{}}
	var fieldBytes int64
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return f, nil
		}
		if err != nil {
			f.cleanup()
			return nil, err
		}
		name := part.FormName()
		if name == "content" && part.FileName() != "" && f.file == "" {
			tmp, err := os.CreateTemp(dir, ".upload-*")
			if err != nil {
				f.cleanup()
				return nil, err
			}
			f.file, f.filename, f.ctype = tmp.Name(), part.FileName(), part.Header.Get("Content-Type")
			sums, n, err := digest.Copy(&sparseWriter{f: tmp}, io.LimitReader(part, maxSize+1), 1<<20)
			if err == nil {
				err = tmp.Truncate(n) // a trailing hole needs the size set
			}
			tmp.Close()
			if err != nil {
				f.cleanup()
				return nil, err
			}
			f.size = n
			if n > maxSize {
				f.tooBig = true
				io.Copy(io.Discard, part)
			}
			f.sha256, f.blake2 = sums.SHA256, sums.Blake2b256
			continue
		}
		if part.FileName() != "" {
			f.tuples = append(f.tuples, name)
		}
		data, err := io.ReadAll(io.LimitReader(part, 8<<20))
		if err != nil {
			f.cleanup()
			return nil, err
		}
		fieldBytes += int64(len(data))
		if fieldBytes > 32<<20 {
			f.cleanup()
			return nil, errors.New("form fields too large")
		}
		f.values[name] = append(f.values[name], string(data))
	}
}

// sparseWriter writes to a file, seeking over all-zero chunks so that
// large runs of zeros (sparse test files, padding) cost no disk space.
type sparseWriter struct {
	f    *os.File
	zero []byte
}

func (s *sparseWriter) Write(p []byte) (int, error) {
	if len(s.zero) < len(p) {
		s.zero = make([]byte, len(p))
	}
	if bytes.Equal(p, s.zero[:len(p)]) {
		if _, err := s.f.Seek(int64(len(p)), io.SeekCurrent); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	return s.f.Write(p)
}

func (f *form) cleanup() {
	if f.file != "" {
		os.Remove(f.file)
	}
}

// metadata assembles core metadata from the form, as Warehouse does
// (release metadata comes from the form, not the file).
func (f *form) metadata() *coremeta.Metadata {
	m := &coremeta.Metadata{
		MetadataVersion:        f.get("metadata_version"),
		Name:                   f.get("name"),
		Version:                f.get("version"),
		Summary:                f.get("summary"),
		HomePage:               f.get("home_page"),
		DownloadURL:            f.get("download_url"),
		Author:                 f.get("author"),
		AuthorEmail:            f.get("author_email"),
		Maintainer:             f.get("maintainer"),
		MaintainerEmail:        f.get("maintainer_email"),
		RequiresPython:         f.get("requires_python"),
		DescriptionContentType: f.get("description_content_type"),
		LicenseExpression:      f.get("license_expression"),
		License:                f.get("license"),
		Platforms:              f.values["platform"],
		SupportedPlatforms:     f.values["supported_platform"],
		Classifiers:            f.values["classifiers"],
		LicenseFiles:           f.values["license_file"],
		RequiresDist:           f.values["requires_dist"],
		ProvidesDist:           f.values["provides_dist"],
		ObsoletesDist:          f.values["obsoletes_dist"],
		RequiresExternal:       f.values["requires_external"],
		ProjectURLs:            f.values["project_urls"],
		ProvidesExtra:          f.values["provides_extra"],
		Dynamic:                f.values["dynamic"],
		ImportNames:            f.values["import_name"],
		ImportNamespaces:       f.values["import_namespace"],
		Description:            f.get("description"),
	}
	if k := f.get("keywords"); k != "" {
		m.Keywords = strings.Split(k, ",")
	}
	return m
}

var allowedMetadataVersions = map[string]bool{"1.0": true, "1.1": true, "1.2": true, "2.1": true, "2.2": true, "2.3": true, "2.4": true, "2.5": true}

// authorized checks HTTP Basic auth against the configured and minted
// tokens. It returns "" when the request may upload, else the 403 message.
func (s *Server) authorized(r *http.Request) string {
	if len(s.tokens) == 0 && s.opt.OIDCTestKey == "" {
		return "" // an open index
	}
	user, pass, ok := r.BasicAuth()
	if !ok || pass == "" {
		return "Invalid or non-existent authentication information. See " + baseURL(r) + "/help/#invalid-auth for more information."
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if exp, ok := s.minted[pass]; ok && user == "__token__" {
		if s.opt.Now().Before(exp) {
			return ""
		}
		return "Invalid API Token: token expired. See " + baseURL(r) + "/help/#invalid-auth for more information."
	}
	if !s.tokens[pass] && s.minted[pass].IsZero() {
		return "Invalid or non-existent authentication information. See " + baseURL(r) + "/help/#invalid-auth for more information."
	}
	if user != "__token__" {
		return "Username/Password authentication is no longer supported. Migrate to API Tokens or Trusted Publishers instead. See " + baseURL(r) + "/help/#apitoken"
	}
	return ""
}

func baseURL(r *http.Request) string { return "http://" + r.Host }

func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	// 1. The upload gate: authentication.
	if msg := s.authorized(r); msg != "" {
		s.fail(w, r, 403, msg)
		return
	}
	s.mu.Lock()
	if s.faults > 0 {
		s.faults--
		s.mu.Unlock()
		if s.opt.FailUploads.Status == 429 {
			w.Header().Set("Retry-After", "1")
		}
		s.fail(w, r, s.opt.FailUploads.Status, fmt.Sprintf("Injected failure (--fail-uploads), %d more to come", s.faults))
		return
	}
	s.mu.Unlock()
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		s.fail(w, r, 400, "Invalid request: the upload must be multipart/form-data.")
		return
	}
	tmpDir := filepath.Join(s.opt.Dir, ".incoming")
	if err := os.MkdirAll(tmpDir, 0o755); err != nil {
		s.fail(w, r, 500, "Internal error: "+err.Error())
		return
	}
	f, err := readForm(r, tmpDir, s.opt.MaxFileSize)
	if err != nil {
		s.fail(w, r, 400, "Invalid request: "+err.Error())
		return
	}
	defer f.cleanup()
	code, msg := s.accept(r, f)
	if code != 200 {
		s.fail(w, r, code, msg)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(200)
	fmt.Fprintln(w, msg)
}

// accept validates an upload in Warehouse's order and stores it.
func (s *Server) accept(r *http.Request, f *form) (int, string) {
	// 2. Protocol and form checks.
	for _, t := range f.tuples {
		return 400, t + ": Should not be a tuple."
	}
	switch a := f.get(":action"); a {
	case "file_upload":
	case "submit", "submit_pkg_info":
		return 410, "Project pre-registration is no longer required or supported, upload your files instead."
	case "doc_upload":
		return 410, "Uploading documentation is no longer supported, we recommend using https://readthedocs.org/."
	default:
		return 400, fmt.Sprintf("Unknown action %q.", a)
	}
	if f.get("protocol_version") != "1" {
		return 400, "Unknown protocol version."
	}
	if mv := f.get("metadata_version"); !allowedMetadataVersions[mv] {
		return 400, fmt.Sprintf("'%s' is an invalid value for Metadata-Version. Error: Use a known metadata version.%s", mv, metadataHelp)
	}
	if f.get("name") == "" {
		return 400, "'' is an invalid value for Name. Error: This field is required." + metadataHelp
	}
	if f.get("version") == "" {
		return 400, "'' is an invalid value for Version. Error: This field is required." + metadataHelp
	}
	filetype := f.get("filetype")
	if filetype != "sdist" && filetype != "bdist_wheel" {
		return 400, "Invalid value for filetype. Error: Use a known file type."
	}
	pyversion := f.get("pyversion")
	if filetype == "sdist" && pyversion != "" && pyversion != "source" {
		return 400, "Invalid value for pyversion. Error: Use 'source' as Python version for an sdist."
	}
	if filetype == "bdist_wheel" && pyversion == "" {
		return 400, "Invalid value for pyversion. Error: Python version is required for binary distribution uploads."
	}
	md5, sha, b2 := f.get("md5_digest"), f.get("sha256_digest"), f.get("blake2_256_digest")
	if md5 == "" && sha == "" && b2 == "" {
		return 400, "Include at least one message digest."
	}
	for _, d := range []string{sha, b2} {
		if d != "" && !hexDigestRE().MatchString(d) {
			return 400, "Invalid value for digest. Error: Use a valid, hex-encoded, SHA256 or BLAKE2b-256 message digest."
		}
	}
	// 3. Metadata validation (the form's metadata).
	m := f.metadata()
	for _, p := range check.CheckMetadata(m, s.opt.Check) {
		if p.Warning {
			continue
		}
		return 400, fmt.Sprintf("Invalid value for %s. Error: %s.%s", p.Field, strings.TrimSuffix(strings.TrimPrefix(p.Msg, p.Field+": "), "."), metadataHelp)
	}
	// 4. The file.
	if f.file == "" {
		return 400, "Upload payload does not have a file."
	}
	// 6. Description rendering.
	for _, p := range check.CheckReadme(m, s.opt.Check) {
		if !p.Warning {
			ct := m.DescriptionContentType
			if ct == "" {
				ct = "text/x-rst"
			}
			return 400, fmt.Sprintf("The description failed to render for '%s'. See https://pypi.org/help/#description-content-type for more information.", ct)
		}
	}
	// 7. File name.
	fn := f.filename
	if strings.ContainsAny(fn, `/\`) {
		return 400, "Cannot upload a file with '/' or '\\' in the name."
	}
	if strings.ContainsFunc(fn, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return 400, "Cannot upload a file with non-printable characters (ordinals 0-31) or the DEL character (ordinal 127) in the name."
	}
	if (filetype == "sdist" && !strings.HasSuffix(fn, ".tar.gz") && !strings.HasSuffix(fn, ".zip")) ||
		(filetype == "bdist_wheel" && !strings.HasSuffix(fn, ".whl")) {
		return 400, "Invalid file extension: Use .tar.gz, .whl or .zip extension. See https://www.python.org/dev/peps/pep-0527 and https://peps.python.org/pep-0715/ for more information."
	}
	// Warehouse refuses an image sent as the file (a part without a
	// Content-Type is text/plain to it, as flit sends it, and accepted).
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(f.ctype)), "image/") {
		return 400, "Invalid distribution file."
	}
	norm := check.Normalize(m.Name)
	// 8. Size.
	if f.tooBig {
		limit := fmt.Sprintf("%d MB", s.opt.MaxFileSize>>20)
		if s.opt.MaxFileSize < 1<<20 {
			limit = fmt.Sprintf("%d bytes", s.opt.MaxFileSize)
		}
		return 400, fmt.Sprintf("File too large. Limit for project '%s' is %s. See https://pypi.org/help/#file-size-limit for more information.", m.Name, limit)
	}
	// 9. Digests.
	if (sha != "" && !strings.EqualFold(sha, f.sha256)) || (b2 != "" && !strings.EqualFold(b2, f.blake2)) {
		return 400, "The digest supplied does not match a digest calculated from the uploaded file."
	}
	if md5 != "" && sha == "" && b2 == "" {
		return 400, "Use a SHA256 or BLAKE2b-256 digest: MD5 alone is not accepted by this index."
	}
	// 10-12. Duplicates and one sdist per release (checked again when
	// storing, under the same lock, in case of a concurrent upload).
	s.mu.Lock()
	code, msg := s.duplicates(norm, fn, filetype, m.Version, f)
	s.mu.Unlock()
	if code != 0 {
		return code, msg
	}
	// 13-15. Archive policy and file name rules, on the file itself (outside
	// the lock: it reads the whole archive).
	d, probs := inspectAs(f.file, fn, s.opt.Check)
	for _, p := range probs {
		if p.Warning || p.Stage == check.StageMetadata || p.Stage == check.StageReadme {
			continue
		}
		if p.Stage == check.StageArchive {
			return 400, "Invalid distribution file. " + p.String()
		}
		if p.Stage == check.StageFilename && filetype == "sdist" {
			// Warehouse's wording (twine users search for it).
			return 400, sdistFilenameMessage(fn, m.Name, m.Version)
		}
		return 400, p.String()
	}
	if d != nil && filetype == "bdist_wheel" {
		if w, err := tags.ParseWheelFilename(fn); err == nil {
			fv, err1 := pep440.Parse(w.Version)
			mv, err2 := pep440.Parse(m.Version)
			if err1 != nil || err2 != nil || !fv.Equal(mv) {
				return 400, fmt.Sprintf("Version in filename should be '%s' not '%s'.", m.Version, w.Version)
			}
		}
	}
	if d != nil && check.Normalize(d.Meta.Metadata.Name) != norm {
		return 400, fmt.Sprintf("The name in the file's metadata (%q) does not match the form's name %q.", d.Meta.Metadata.Name, m.Name)
	}
	// 16. Attestations (structure and subject only: see provenance.go).
	var provenance []byte
	if vals, ok := f.values["attestations"]; ok {
		atts, err := attest.CheckList([]byte(vals[0]), fn, f.sha256)
		if err != nil {
			return 400, "Invalid attestations supplied during upload: " + err.Error()
		}
		if provenance, err = provenanceObject(atts); err != nil {
			return 500, "Internal error: " + err.Error()
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if code, msg := s.duplicates(norm, fn, filetype, m.Version, f); code != 0 {
		return code, msg
	}
	recs, err := s.loadRecords(norm)
	if err != nil {
		return 500, "Internal error: " + err.Error()
	}
	dir := s.projectDir(norm)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 500, "Internal error: " + err.Error()
	}
	rec := record{Filename: fn, Name: m.Name, Version: m.Version, Filetype: filetype, Size: f.size,
		SHA256: f.sha256, Blake2b256: f.blake2, RequiresPython: m.RequiresPython, UploadTime: s.opt.Now().UTC()}
	if filetype == "bdist_wheel" && d != nil {
		if err := atomicfile.WriteFile(filepath.Join(dir, fn+".metadata"), d.Metadata, 0o644); err != nil {
			return 500, "Internal error: " + err.Error()
		}
		rec.MetadataSHA256 = sha256Hex(d.Metadata)
	}
	if provenance != nil {
		if err := atomicfile.WriteFile(filepath.Join(dir, fn+".provenance"), provenance, 0o644); err != nil {
			return 500, "Internal error: " + err.Error()
		}
		rec.Provenance = true
	}
	if err := os.Chmod(f.file, 0o644); err != nil {
		return 500, "Internal error: " + err.Error()
	}
	if err := os.Rename(f.file, filepath.Join(dir, fn)); err != nil {
		return 500, "Internal error: " + err.Error()
	}
	f.file = ""
	if err := s.saveRecords(norm, append(recs, rec)); err != nil {
		return 500, "Internal error: " + err.Error()
	}
	s.opt.Log.Infof("%s: stored %s (%d bytes)", time.Now().UTC().Format(time.TimeOnly), fn, f.size)
	return 200, "OK"
}

// duplicates applies Warehouse's file reuse rules; code 0 means go on.
// The caller holds s.mu.
func (s *Server) duplicates(norm, fn, filetype, version string, f *form) (int, string) {
	recs, err := s.loadRecords(norm)
	if err != nil {
		return 500, "Internal error: " + err.Error()
	}
	for _, rec := range recs {
		if rec.Filename == fn && rec.SHA256 == f.sha256 && rec.Blake2b256 == f.blake2 {
			return 200, "OK (identical file already uploaded)"
		}
		if rec.Filename == fn || rec.Blake2b256 == f.blake2 {
			return 400, fmt.Sprintf("File already exists ('%s', with blake2_256 hash '%s'). See https://pypi.org/help/#file-name-reuse for more information.", rec.Filename, rec.Blake2b256)
		}
		if filetype == "sdist" && rec.Filetype == "sdist" && rec.Version == version {
			return 400, "Only one sdist may be uploaded per release."
		}
	}
	return 0, ""
}

// sdistFilenameMessage is Warehouse's refusal of an sdist name: another
// project's prefix, or not exactly {name_norm}-{version}.tar.gz (PEP 625).
func sdistFilenameMessage(fn, name, version string) string {
	prefix := strings.ToLower(fn)
	if i := strings.LastIndexByte(prefix, '-'); i >= 0 {
		prefix = prefix[:i]
	}
	prefix = strings.NewReplacer(".", "_", "-", "_").Replace(prefix)
	want := names.Escape(name)
	if prefix != want {
		return fmt.Sprintf("Start filename for '%s' with '%s'.", name, want)
	}
	return fmt.Sprintf("Filename '%s' is invalid, should be '%s-%s.tar.gz'.", fn, want, version)
}

// inspectAs runs the checks on a temp file as if it had the uploaded name.
func inspectAs(path, filename string, opt check.Options) (*check.Dist, []check.Problem) {
	link := filepath.Join(filepath.Dir(path), ".chk-"+randomToken(), filename)
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err == nil {
		defer os.RemoveAll(filepath.Dir(link))
		if os.Link(path, link) == nil {
			return check.Inspect(link, opt)
		}
	}
	return check.Inspect(path, opt)
}
