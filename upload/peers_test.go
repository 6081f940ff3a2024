package upload_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"goflit/check"
	"goflit/check/checktest"
	"goflit/index"
	"goflit/index/indextest"
	"goflit/internal/testutil"
	"goflit/upload"
)

// Debian's twine uploads to the index: the server speaks the protocol
// other clients use. Twine 4.0 predates Metadata 2.4, so the wheel says 2.1.
func TestTwineUploadsToIndex(t *testing.T) {
	py := testutil.PythonWith(t, "twine")
	base, _ := indextest.Start(t, index.Options{Tokens: []string{"pypi-twine"}})
	dir := t.TempDir()
	w := demoWheel("1.0", "# Demo\n")
	whl := writeArtifact(t, dir, w.FilenameOf(), w.Bytes())
	sd := checktest.Sdist{Name: "Demo-Pkg", Version: "1.0"}
	sdist := writeArtifact(t, dir, sd.FilenameOf(), sd.Bytes())
	run := func(pass string, files ...string) (string, error) {
		args := append([]string{"-m", "twine", "upload", "--non-interactive", "--disable-progress-bar",
			"--repository-url", base + "/legacy/", "-u", "__token__", "-p", pass}, files...)
		return testutil.Run(t, "", []string{"HOME=" + dir}, py, args...)
	}
	if out, err := run("pypi-twine", whl, sdist); err != nil {
		t.Fatalf("twine upload: %v\n%s", err, out)
	}
	files, err := upload.ProjectFiles(context.Background(), nil, base+"/simple/", "demo-pkg")
	if err != nil || len(files) != 2 {
		t.Fatalf("index has %v (%v)", files, err)
	}
	// twine shows the reason phrase of a refusal.
	w2 := demoWheel("1.0", "# changed\n")
	changed := writeArtifact(t, t.TempDir(), w2.FilenameOf(), w2.Bytes())
	out, err := run("pypi-twine", changed)
	if err == nil || !strings.Contains(out, "File already exists") {
		t.Fatalf("twine re-upload of a changed file: %v\n%s", err, out)
	}
	// twine's --skip-existing recognises the "File already exists" reason.
	out, err = run("pypi-twine", "--skip-existing", changed)
	if err != nil || !strings.Contains(out, "Skipping demo_pkg-1.0-py3-none-any.whl because it appears to already") {
		t.Fatalf("twine --skip-existing: %v\n%s", err, out)
	}
	out, err = run("pypi-wrong", whl)
	if err == nil || !strings.Contains(out, "403") {
		t.Fatalf("twine with a wrong token: %v\n%s", err, out)
	}
}

// The form sent for a wheel: every METADATA field under Warehouse's name,
// the real metadata_version, license_expression / license_file /
// import_name singular, requires_dist as in the file.
func TestFormFields(t *testing.T) {
	md := checktest.Metadata("Form-Demo", "2.0", "# Form\n", "Metadata-Version: 2.5",
		"Author-email: Ada <ada@example.com>", "License-Expression: MIT OR Apache-2.0", "License-File: LICENSE", "License-File: NOTICE",
		"Classifier: Programming Language :: Python :: 3", "Requires-Dist: Requests[Socks] (>=2.0)", "Requires-Python: >=3.9",
		"Project-URL: Source, https://example.com/src", "Keywords: a,b", "Provides-Extra: test", "Import-Name: form_demo", "Dynamic: Requires-Dist")
	w := checktest.Wheel{Name: "Form-Demo", Version: "2.0", Metadata: md, Filename: "form_demo-2.0-py2.py3-none-any.whl",
		Extra: []checktest.Entry{{Name: "licenses/LICENSE", Data: "x"}, {Name: "licenses/NOTICE", Data: "y"}}}
	p := writeArtifact(t, t.TempDir(), w.FilenameOf(), w.Bytes())
	d, err := check.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, f := range upload.Form(d, upload.Digests{SHA256: "SHA", Blake2b256: "B2"}) {
		b.WriteString(f.Name + "=" + strings.ReplaceAll(f.Value, "\n", `\n`) + "\n")
	}
	testutil.Golden(t, filepath.Join("testdata", "form_wheel.txt"), []byte(b.String()))

	s := checktest.Sdist{Name: "Form-Demo", Version: "2.0", PKGInfo: checktest.Metadata("Form-Demo", "2.0", "")}
	p = writeArtifact(t, t.TempDir(), s.FilenameOf(), s.Bytes())
	if d, err = check.Open(p); err != nil {
		t.Fatal(err)
	}
	b.Reset()
	for _, f := range upload.Form(d, upload.Digests{SHA256: "SHA", Blake2b256: "B2"}) {
		b.WriteString(f.Name + "=" + f.Value + "\n")
	}
	testutil.Golden(t, filepath.Join("testdata", "form_sdist.txt"), []byte(b.String()))
}

// Trusted publishing end to end: the index's test issuer plays GitHub
// Actions' ID token endpoint; the minted token is masked and uploads.
func TestTrustedPublishing(t *testing.T) {
	const key = "test-oidc-key"
	base, _ := indextest.Start(t, index.Options{Tokens: []string{"unrelated"}, OIDCTestKey: key})
	ctx := context.Background()
	github := map[string]string{
		"FLIT_INDEX_URL":                 base + "/legacy/",
		"ACTIONS_ID_TOKEN_REQUEST_URL":   base + "/_/test/github-id-token?api-version=2.0",
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN": key,
	}
	var masked []string
	o := upload.Options{Pypirc: filepath.Join(t.TempDir(), "none"), Getenv: func(k string) string { return github[k] },
		Mask: func(l string) { masked = append(masked, l) }}
	tgt, err := upload.Resolve(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if tgt.Username != "__token__" || !strings.HasPrefix(tgt.Password, "pypi-") || tgt.Source != "trusted publishing" {
		t.Fatalf("%+v", tgt)
	}
	if len(masked) != 1 || masked[0] != "::add-mask::"+tgt.Password {
		t.Errorf("mask lines %q", masked)
	}
	w := demoWheel("1.0", "x")
	p := writeArtifact(t, t.TempDir(), w.FilenameOf(), w.Bytes())
	if _, err := (&upload.Client{}).Upload(ctx, upload.Request{Target: tgt, Path: p}); err != nil {
		t.Fatal(err)
	}

	// Not used when credentials are configured.
	github["FLIT_USERNAME"], github["FLIT_PASSWORD"] = "__token__", "unrelated"
	if tgt, err = upload.Resolve(ctx, o); err != nil || tgt.Source != "FLIT_PASSWORD" {
		t.Fatalf("%+v %v", tgt, err)
	}

	// GitLab: an id_tokens entry named PYPI_ID_TOKEN (or <REPO>_ID_TOKEN).
	gitlab := map[string]string{"FLIT_INDEX_URL": base + "/legacy/", "PYPI_ID_TOKEN": index.SignIDToken(key, map[string]any{"aud": "pypi"})}
	o.Getenv = func(k string) string { return gitlab[k] }
	if tgt, err = upload.Resolve(ctx, o); err != nil || !strings.HasPrefix(tgt.Password, "pypi-") {
		t.Fatalf("gitlab: %+v %v", tgt, err)
	}
	gitlab["PYPI_ID_TOKEN"] = index.SignIDToken("another key", map[string]any{"aud": "pypi"})
	_, err = upload.Resolve(ctx, o)
	want := "trusted publishing: " + base + " refused the ID token: Token request failed (invalid-publisher: valid token, but no corresponding publisher (invalid signature))"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("got  %v\nwant %s", err, want)
	}
}
