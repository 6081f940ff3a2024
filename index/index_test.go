package index

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"goflit/check"
	"goflit/check/checktest"
	"goflit/internal/testutil"
	"goflit/upload/attest/attesttest"
	"goflit/upload/blake2b"
)

var fixedNow = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }

func start(t *testing.T, opt Options) string {
	t.Helper()
	if opt.Dir == "" {
		opt.Dir = t.TempDir()
	}
	if opt.Now == nil {
		opt.Now = fixedNow
	}
	s, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	base, stop, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return base
}

type part struct {
	name, value string
	file        bool   // send as a file part
	ctype       string // its Content-Type (default application/octet-stream)
}

// validForm is the form for a file, as a well-behaved client sends it.
func validForm(filename string, data []byte, name, version, filetype string) []part {
	sh := sha256.Sum256(data)
	b2 := blake2b.Sum256(data)
	pyv := "py3"
	if filetype == "sdist" {
		pyv = "source"
	}
	return []part{
		{name: ":action", value: "file_upload"}, {name: "protocol_version", value: "1"},
		{name: "metadata_version", value: "2.1"}, {name: "name", value: name}, {name: "version", value: version},
		{name: "summary", value: "A test package"}, {name: "description", value: "# Test\n"},
		{name: "description_content_type", value: "text/markdown"},
		{name: "filetype", value: filetype}, {name: "pyversion", value: pyv},
		{name: "sha256_digest", value: hex.EncodeToString(sh[:])}, {name: "blake2_256_digest", value: hex.EncodeToString(b2[:])},
		{name: "content", value: string(data), file: true},
	}
}

func with(parts []part, name, value string) []part {
	out := []part{}
	found := false
	for _, p := range parts {
		if p.name == name {
			found = true
			if value == "\x00drop" {
				continue
			}
			p.value = value
		}
		out = append(out, p)
	}
	if !found {
		out = append(out, part{name: name, value: value})
	}
	return out
}

func post(t *testing.T, url, filename string, parts []part, hdr map[string]string) (string, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		if p.file {
			fn := filename
			if p.name != "content" {
				fn = "x.txt"
			}
			h := textproto.MIMEHeader{}
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, p.name, fn))
			ct := p.ctype
			if ct == "" {
				ct = "application/octet-stream"
			}
			h.Set("Content-Type", ct)
			w, _ := mw.CreatePart(h)
			io.WriteString(w, p.value)
			continue
		}
		mw.WriteField(p.name, p.value)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", url, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.Status, string(body)
}

// TestUploadValidation walks Warehouse's validation order: each case is a
// request and the exact status line (message in the reason phrase) and
// body; the outputs are compared whole with testdata/upload_validation.txt.
func TestUploadValidation(t *testing.T) {
	base := start(t, Options{Tokens: []string{"pypi-ok"}, MaxFileSize: 4096, Check: check.Options{RST: check.BuiltinRST}})
	auth := func(user, pass string) map[string]string {
		r, _ := http.NewRequest("GET", "/", nil)
		r.SetBasicAuth(user, pass)
		return map[string]string{"Authorization": r.Header.Get("Authorization")}
	}
	ok := auth("__token__", "pypi-ok")
	w := checktest.Wheel{Name: "demo", Version: "1.0"}
	wdata := w.Bytes()
	wname := w.FilenameOf()
	good := validForm(wname, wdata, "demo", "1.0", "bdist_wheel")
	sd := checktest.Sdist{Name: "demo", Version: "1.0"}
	sdata := sd.Bytes()
	goodSdist := validForm(sd.FilenameOf(), sdata, "demo", "1.0", "sdist")
	sd2 := checktest.Sdist{Name: "demo", Version: "1.0", Files: []checktest.Entry{{Name: "other.py", Data: "x"}}, Filename: "demo-1.0.zip"}
	big := checktest.Wheel{Name: "demo", Version: "3.0", Files: []checktest.Entry{{Name: "demo/big.txt", Data: strings.Repeat("x", 9000), Method: checktest.Stored}}}
	broken := checktest.Wheel{Name: "demo", Version: "4.0", NoRecord: true}
	pep625 := checktest.Sdist{Name: "demo", Version: "5.0", Filename: "Demo-5.0.tar.gz"}
	otherName := checktest.Sdist{Name: "demo", Version: "5.0", Filename: "other-5.0.tar.gz"}
	changed := checktest.Wheel{Name: "demo", Version: "1.0", Files: []checktest.Entry{{Name: "demo/__init__.py", Data: "changed"}}}
	cases := []struct {
		name     string
		filename string
		parts    []part
		hdr      map[string]string
		url      string
	}{
		{"no auth", wname, good, nil, ""},
		{"wrong token", wname, good, auth("__token__", "nope"), ""},
		{"password login", wname, good, auth("ada", "pypi-ok"), ""},
		{"field sent as a file", wname, append(with(good, "summary", "\x00drop"), part{name: "summary", value: "x", file: true}), ok, ""},
		{"doc upload", wname, with(good, ":action", "doc_upload"), ok, ""},
		{"protocol version", wname, with(good, "protocol_version", "2"), ok, ""},
		{"metadata version 2.6", wname, with(good, "metadata_version", "2.6"), ok, ""},
		{"unknown filetype", wname, with(good, "filetype", "bdist_egg"), ok, ""},
		{"sdist pyversion", sd.FilenameOf(), with(goodSdist, "pyversion", "py3"), ok, ""},
		{"no digest", wname, with(with(good, "sha256_digest", "\x00drop"), "blake2_256_digest", "\x00drop"), ok, ""},
		{"local version", wname, with(good, "version", "1.0+local"), ok, ""},
		{"bad classifier", wname, with(good, "classifiers", "Private :: Do Not Upload"), ok, ""},
		{"no file", wname, good[:len(good)-1], ok, ""},
		{"description fails to render", wname, with(with(good, "description_content_type", "text/x-rst"), "description", "Title\n=\n\n*open\n"), ok, ""},
		{"bad extension", "demo-1.0.egg", good, ok, ""},
		{"image content type", wname, append(append([]part{}, good[:len(good)-1]...), part{name: "content", value: string(wdata), file: true, ctype: "image/png"}), ok, ""},
		{"too large", big.FilenameOf(), validForm(big.FilenameOf(), big.Bytes(), "demo", "3.0", "bdist_wheel"), ok, ""},
		{"digest mismatch", wname, with(good, "sha256_digest", strings.Repeat("0", 64)), ok, ""},
		{"invalid distribution", broken.FilenameOf(), validForm(broken.FilenameOf(), broken.Bytes(), "demo", "4.0", "bdist_wheel"), ok, ""},
		{"form version differs from the file name", wname, with(good, "version", "1.0.1"), ok, ""},
		{"attestations not JSON", wname, with(good, "attestations", "{"), ok, ""},
		{"attestation for another file", wname, with(good, "attestations", "["+string(attesttest.For(sd.FilenameOf(), sha256Hex(wdata)))+"]"), ok, ""},
		{"attestation digest mismatch", wname, with(good, "attestations", "["+string(attesttest.For(wname, sha256Hex(sdata)))+"]"), ok, ""},
		{"sdist name not normalized (PEP 625)", "Demo-5.0.tar.gz", validForm("Demo-5.0.tar.gz", pep625.Bytes(), "demo", "5.0", "sdist"), ok, ""},
		{"sdist named for another project", "other-5.0.tar.gz", validForm("other-5.0.tar.gz", otherName.Bytes(), "demo", "5.0", "sdist"), ok, ""},
		{"upload", wname, good, ok, ""},
		{"identical re-upload", wname, good, ok, ""},
		{"same name, other content", wname, validForm(wname, changed.Bytes(), "demo", "1.0", "bdist_wheel"), ok, ""},
		{"sdist", sd.FilenameOf(), goodSdist, ok, ""},
		{"second sdist", "demo-1.0.zip", validForm("demo-1.0.zip", sd2.Bytes(), "demo", "1.0", "sdist"), ok, ""},
		{"json error body", wname, with(good, "protocol_version", "9"), map[string]string{"Authorization": ok["Authorization"], "Accept": "application/json;q=0.9, text/plain;q=0.8"}, ""},
		{"legacy without slash", wname, good, ok, "/legacy"},
		{"simple is not the upload URL", wname, good, ok, "/simple/"},
	}
	var out strings.Builder
	for _, c := range cases {
		url := base + "/legacy/"
		if c.url != "" {
			url = base + c.url
		}
		status, body := post(t, url, c.filename, c.parts, c.hdr)
		body = strings.ReplaceAll(body, base, "http://INDEX")
		status = strings.ReplaceAll(status, base, "http://INDEX")
		fmt.Fprintf(&out, "== %s\n%s\n%s\n", c.name, status, strings.TrimRight(body, "\n"))
	}
	testutil.Golden(t, filepath.Join("testdata", "upload_validation.txt"), []byte(out.String()))
}

func TestSimpleAPI(t *testing.T) {
	base := start(t, Options{})
	w := checktest.Wheel{Name: "Demo.Pkg", Version: "1.0", Metadata: checktest.Metadata("Demo.Pkg", "1.0", "x", "Requires-Python: >=3.8")}
	form := with(validForm(w.FilenameOf(), w.Bytes(), "Demo.Pkg", "1.0", "bdist_wheel"), "requires_python", ">=3.8")
	if status, body := post(t, base+"/legacy/", w.FilenameOf(), form, nil); status != "200 OK" {
		t.Fatalf("%s %s", status, body)
	}
	get := func(path, accept string) string {
		req, _ := http.NewRequest("GET", base+path, nil)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return fmt.Sprintf("GET %s (Accept: %s)\n%s %s\n%s\n", path, accept, resp.Status, resp.Header.Get("Content-Type"), body)
	}
	var out strings.Builder
	out.WriteString(get("/simple/", ""))
	out.WriteString(get("/simple/", "application/vnd.pypi.simple.v1+json"))
	out.WriteString(get("/simple/demo-pkg/", "text/html"))
	out.WriteString(get("/simple/demo-pkg/", "application/vnd.pypi.simple.v1+json, text/html;q=0.1"))
	out.WriteString(get("/simple/Demo.Pkg/", ""))
	out.WriteString(get("/simple/demo-pkg", ""))
	out.WriteString(get("/simple/nothing/", ""))
	out.WriteString(get("/files/demo-pkg/demo_pkg-1.0-py3-none-any.whl.metadata", ""))
	testutil.Golden(t, filepath.Join("testdata", "simple_api.txt"), []byte(out.String()))
}

// TestProjectPage: the page an upload reports ("Package is at
// BASE/project/NAME/") leads to the project's files, under any spelling
// of the name; an unknown project is a 404.
func TestProjectPage(t *testing.T) {
	base := start(t, Options{})
	w := checktest.Wheel{Name: "Demo.Pkg", Version: "1.0"}
	if status, body := post(t, base+"/legacy/", w.FilenameOf(), validForm(w.FilenameOf(), w.Bytes(), "Demo.Pkg", "1.0", "bdist_wheel"), nil); status != "200 OK" {
		t.Fatalf("%s %s", status, body)
	}
	for _, tc := range []struct {
		path, status, want string
	}{
		{"/project/demo-pkg/", "200 OK", `<a href="../../files/demo-pkg/demo_pkg-1.0-py3-none-any.whl#sha256=`},
		{"/project/Demo.Pkg/", "200 OK", `>demo_pkg-1.0-py3-none-any.whl</a>`},
		{"/project/demo_pkg", "200 OK", `Links for demo-pkg`},
		{"/project/nothing/", "404 Not Found", ""},
		{"/project/", "404 Not Found", ""},
		{"/project/a/b/", "404 Not Found", ""},
	} {
		resp, err := http.Get(base + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.Status != tc.status || !strings.Contains(string(body), tc.want) {
			t.Errorf("GET %s: %s\n%s\nwant %s and %q", tc.path, resp.Status, body, tc.status, tc.want)
		}
	}
}

func TestPrefersJSON(t *testing.T) {
	for accept, want := range map[string]bool{
		"":                                  false,
		"application/json":                  true,
		"text/html, application/json;q=0.9": false,
		"application/json;q=0.9, text/plain;q=0.8, text/html;q=0.7": true,
		"*/*": false,
	} {
		if got := prefersJSON(accept); got != want {
			t.Errorf("%q: %v", accept, got)
		}
	}
}

func TestIDTokens(t *testing.T) {
	now := fixedNow()
	tok := SignIDToken("k", map[string]any{"aud": "pypi", "exp": now.Add(time.Minute).Unix()})
	if _, err := verifyIDToken("k", tok, now); err != nil {
		t.Error(err)
	}
	for name, c := range map[string]struct{ key, tok string }{
		"other key":    {"k2", tok},
		"expired":      {"k", SignIDToken("k", map[string]any{"aud": "pypi", "exp": now.Add(-time.Minute).Unix()})},
		"wrong aud":    {"k", SignIDToken("k", map[string]any{"aud": "other"})},
		"not a JWT":    {"k", "abc"},
		"garbage sig":  {"k", tok[:len(tok)-3] + "AAA"},
		"tampered aud": {"k", strings.Replace(tok, strings.Split(tok, ".")[1], "eyJhdWQiOiJweXBpIn0", 1)},
	} {
		if _, err := verifyIDToken(c.key, c.tok, now); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func FuzzVerifyIDToken(f *testing.F) {
	f.Add(SignIDToken("k", map[string]any{"aud": "pypi"}))
	f.Fuzz(func(t *testing.T, s string) { verifyIDToken("k", s, fixedNow()) })
}

func FuzzPrefersJSON(f *testing.F) {
	f.Add("application/json;q=0.9, text/html;q=0.7")
	f.Fuzz(func(t *testing.T, s string) { prefersJSON(s); reasonPhrase(s) })
}

// Files put into the directory by hand are served after a restart.
func TestImportLooseFiles(t *testing.T) {
	dir := t.TempDir()
	w := checktest.Wheel{Name: "Loose.Pkg", Version: "1.0"}
	if _, err := checktest.Write(dir, w.FilenameOf(), w.Bytes()); err != nil {
		t.Fatal(err)
	}
	sd := checktest.Sdist{Name: "Loose.Pkg", Version: "1.0"}
	os.MkdirAll(filepath.Join(dir, "loose-pkg"), 0o755)
	checktest.Write(filepath.Join(dir, "loose-pkg"), sd.FilenameOf(), sd.Bytes())
	checktest.Write(dir, "broken-1.0.tar.gz", []byte("not gzip"))
	base := start(t, Options{Dir: dir})
	resp, err := http.Get(base + "/simple/loose-pkg/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{w.FilenameOf() + "</a>", sd.FilenameOf() + "</a>", "data-core-metadata="} {
		if !strings.Contains(string(body), want) {
			t.Errorf("page lacks %q:\n%s", want, body)
		}
	}
	resp, err = http.Get(base + "/files/loose-pkg/" + w.FilenameOf())
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("%v %v", resp.Status, err)
	}
	resp.Body.Close()
	// A second start finds everything recorded and changes nothing.
	before, _ := os.ReadFile(filepath.Join(dir, "loose-pkg", ".files.json"))
	if _, err := New(Options{Dir: dir, Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, "loose-pkg", ".files.json"))
	if string(before) != string(after) {
		t.Errorf("restart changed .files.json")
	}
}

// TestProvenance: an upload with a PEP 740 attestation is stored and
// served back by the integrity API, linked from both simple API pages; a
// file uploaded without one has no link and a 404.
func TestProvenance(t *testing.T) {
	dir := t.TempDir()
	base := start(t, Options{Dir: dir})
	w := checktest.Wheel{Name: "Demo.Pkg", Version: "1.0"}
	att := attesttest.For(w.FilenameOf(), sha256Hex(w.Bytes()))
	form := with(validForm(w.FilenameOf(), w.Bytes(), "Demo.Pkg", "1.0", "bdist_wheel"), "attestations", "["+string(att)+"]")
	if status, body := post(t, base+"/legacy/", w.FilenameOf(), form, nil); status != "200 OK" {
		t.Fatalf("%s %s", status, body)
	}
	sd := checktest.Sdist{Name: "Demo.Pkg", Version: "1.0"}
	if status, body := post(t, base+"/legacy/", sd.FilenameOf(), validForm(sd.FilenameOf(), sd.Bytes(), "Demo.Pkg", "1.0", "sdist"), nil); status != "200 OK" {
		t.Fatalf("%s %s", status, body)
	}
	get := func(path, accept string) (string, string, []byte) {
		req, _ := http.NewRequest("GET", base+path, nil)
		req.Header.Set("Accept", accept)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.Status, resp.Header.Get("Content-Type"), body
	}
	_, _, page := get("/simple/demo-pkg/", "application/vnd.pypi.simple.v1+json")
	var simple struct {
		Files []struct {
			Filename   string  `json:"filename"`
			Provenance *string `json:"provenance"`
		} `json:"files"`
	}
	if err := json.Unmarshal(page, &simple); err != nil || len(simple.Files) != 2 {
		t.Fatalf("simple page: %v\n%s", err, page)
	}
	var provURL string
	for _, f := range simple.Files {
		switch {
		case f.Filename == w.FilenameOf() && f.Provenance != nil:
			provURL = *f.Provenance
		case f.Filename == sd.FilenameOf() && f.Provenance != nil:
			t.Errorf("the sdist has no attestation but a provenance URL %q", *f.Provenance)
		}
	}
	if want := "../../integrity/demo-pkg/1.0/demo_pkg-1.0-py3-none-any.whl/provenance"; provURL != want {
		t.Fatalf("provenance URL %q, want %q\n%s", provURL, want, page)
	}
	if _, _, html := get("/simple/demo-pkg/", "text/html"); !strings.Contains(string(html), ` data-provenance="`+provURL+`">demo_pkg-1.0-py3-none-any.whl</a>`) {
		t.Errorf("HTML page has no data-provenance:\n%s", html)
	}
	status, ctype, body := get("/integrity/demo-pkg/1.0/demo_pkg-1.0-py3-none-any.whl/provenance", "")
	if status != "200 OK" || ctype != "application/vnd.pypi.integrity.v1+json" {
		t.Fatalf("integrity API: %s %s\n%s", status, ctype, body)
	}
	var prov struct {
		Version int `json:"version"`
		Bundles []struct {
			Publisher    struct{ Kind string } `json:"publisher"`
			Attestations []json.RawMessage     `json:"attestations"`
		} `json:"attestation_bundles"`
	}
	if err := json.Unmarshal(body, &prov); err != nil || prov.Version != 1 || len(prov.Bundles) != 1 || len(prov.Bundles[0].Attestations) != 1 {
		t.Fatalf("provenance object: %v\n%s", err, body)
	}
	var compact bytes.Buffer
	json.Compact(&compact, att)
	if got := string(prov.Bundles[0].Attestations[0]); got != compact.String() {
		t.Errorf("served attestation differs from the uploaded one:\n%s\n%s", got, compact.String())
	}
	if prov.Bundles[0].Publisher.Kind != "unverified" {
		t.Errorf("publisher kind %q", prov.Bundles[0].Publisher.Kind)
	}
	if _, err := os.Stat(filepath.Join(dir, "demo-pkg", "demo_pkg-1.0-py3-none-any.whl.provenance")); err != nil {
		t.Errorf("not stored: %v", err)
	}
	for _, path := range []string{
		"/integrity/demo-pkg/1.0/demo_pkg-1.0.tar.gz/provenance",
		"/integrity/demo-pkg/2.0/demo_pkg-1.0-py3-none-any.whl/provenance",
		"/integrity/nothing/1.0/x.whl/provenance",
		"/integrity/demo-pkg/1.0/demo_pkg-1.0-py3-none-any.whl",
	} {
		if status, _, body := get(path, ""); status != "404 Not Found" {
			t.Errorf("GET %s: %s %s", path, status, body)
		}
	}
}
