package upload_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"goflit/index"
	"goflit/index/indextest"
	"goflit/internal/testutil"
	"goflit/upload"
	"goflit/upload/attest"
	"goflit/upload/attest/attesttest"
)

func TestFindAttestations(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{
		"demo-1.0.tar.gz", "demo-1.0.tar.gz.publish.attestation", "demo-1.0.tar.gz.slsa.attestation",
		"demo-1.0.tar.gz.attestation",          // no kind
		"demo-1.0.tar.gz2.publish.attestation", // another file's
		"other-1.0.tar.gz.publish.attestation", "demo-1.0.tar.gz.publish.attestation.bak",
	} {
		os.WriteFile(filepath.Join(dir, n), nil, 0o644)
	}
	got, err := upload.FindAttestations(filepath.Join(dir, "demo-1.0.tar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "demo-1.0.tar.gz.publish.attestation"), filepath.Join(dir, "demo-1.0.tar.gz.slsa.attestation")}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got %q\nwant %q", got, want)
	}
	for name, want := range map[string]bool{
		"dist/demo-1.0.tar.gz.publish.attestation": true, "x.whl.publish.attestation": true,
		"demo.attestation": false, ".attestation": false, "x..attestation": false, "x.whl": false, "x.whl.publish.attestation.bak": false,
	} {
		if got := upload.IsAttestation(name); got != want {
			t.Errorf("IsAttestation(%q) = %v", name, got)
		}
	}
}

func TestLoadAttestations(t *testing.T) {
	dir := t.TempDir()
	w := demoWheel("1.0", "x")
	whl := writeArtifact(t, dir, w.FilenameOf(), w.Bytes())
	dg, err := upload.FileDigests(whl)
	if err != nil {
		t.Fatal(err)
	}
	if atts, err := upload.LoadAttestations(whl, dg.SHA256); err != nil || len(atts) != 0 {
		t.Fatalf("no attestation files: %v %v", atts, err)
	}
	pub := whl + ".publish.attestation"
	os.WriteFile(pub, attesttest.For(w.FilenameOf(), dg.SHA256), 0o644)
	atts, err := upload.LoadAttestations(whl, dg.SHA256)
	if err != nil || len(atts) != 1 || atts[0].Kind != "publish" || atts[0].Predicate != attest.PublishV1 || !json.Valid(atts[0].JSON) {
		t.Fatalf("%+v %v", atts, err)
	}
	// The same predicate twice.
	os.WriteFile(whl+".x.attestation", attesttest.For(w.FilenameOf(), dg.SHA256), 0o644)
	_, err = upload.LoadAttestations(whl, dg.SHA256)
	want := whl + `.x.attestation: a second attestation with predicate type "https://docs.pypi.org/attestations/publish/v1" for demo_pkg-1.0-py3-none-any.whl (demo_pkg-1.0-py3-none-any.whl.publish.attestation has it too; PyPI takes one per type) (fix or remove the file, or publish with --no-attestations)`
	if err == nil || err.Error() != want {
		t.Fatalf("got  %v\nwant %s", err, want)
	}
	os.Remove(whl + ".x.attestation")
	// An attestation of another build of the same file name.
	os.WriteFile(pub, attesttest.For(w.FilenameOf(), strings.Repeat("ab", 32)), 0o644)
	_, err = upload.LoadAttestations(whl, dg.SHA256)
	var ae *upload.AttestationError
	if !errors.As(err, &ae) || ae.Path != pub || !strings.HasPrefix(ae.Msg, "statement subject's sha256 "+strings.Repeat("ab", 32)+" does not match the file's sha256 "+dg.SHA256+" (") {
		t.Fatalf("got %v", err)
	}
}

func TestAttestationWarning(t *testing.T) {
	for _, tc := range []struct {
		url, source, want string
	}{
		{"https://upload.pypi.org/legacy/", "FLIT_PASSWORD", "upload.pypi.org accepts attestations only with trusted publishing, not with a token from FLIT_PASSWORD: expect the upload to be refused (use --no-attestations to upload without them)"},
		{"https://test.pypi.org/legacy/", ".pypirc", "test.pypi.org accepts attestations only with trusted publishing, not with a token from .pypirc: expect the upload to be refused (use --no-attestations to upload without them)"},
		{"https://upload.pypi.org/legacy/", upload.SourceTrustedPublishing, ""},
		{"http://127.0.0.1:8080/legacy/", "FLIT_PASSWORD", ""},
		{"https://gitlab.example.com/api/v4/projects/1/packages/pypi", "FLIT_PASSWORD", ""},
	} {
		if got := upload.AttestationWarning(&upload.Target{URL: tc.url, Source: tc.source}); got != tc.want {
			t.Errorf("%s %s:\ngot  %q\nwant %q", tc.url, tc.source, got, tc.want)
		}
	}
}

// A publish with an attestation: the index stores it and serves it back
// through the integrity API the simple API links to; a bad one the server
// refuses (PyPI's message) with a hint, and nothing is stored.
func TestPublishAttestationToIndex(t *testing.T) {
	base, _ := indextest.Start(t, index.Options{})
	dir := t.TempDir()
	w := demoWheel("1.0", "x")
	whl := writeArtifact(t, dir, w.FilenameOf(), w.Bytes())
	dg, _ := upload.FileDigests(whl)
	os.WriteFile(whl+".publish.attestation", attesttest.For(w.FilenameOf(), dg.SHA256), 0o644)
	atts, err := upload.LoadAttestations(whl, dg.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	log := &testutil.Log{}
	c := &upload.Client{Log: log, Sleep: noSleep}
	target := &upload.Target{URL: base + "/legacy/"}
	ctx := context.Background()

	if out, err := c.Upload(ctx, upload.Request{Target: target, Path: whl, Attestations: atts, DryRun: true}); err != nil || out != upload.DryRun {
		t.Fatal(out, err)
	}
	if !strings.Contains(log.String(), "  with attestation demo_pkg-1.0-py3-none-any.whl.publish.attestation (https://docs.pypi.org/attestations/publish/v1)") {
		t.Errorf("dry run does not show the attestation:\n%s", log)
	}

	// A wrong attestation that skipped the local check: the server says no.
	other := attesttest.For("demo_pkg-1.0.tar.gz", dg.SHA256)
	var compact bytes.Buffer
	json.Compact(&compact, other)
	bad := []upload.Attestation{{Path: "x.publish.attestation", Kind: "publish", JSON: compact.Bytes()}}
	_, err = c.Upload(ctx, upload.Request{Target: target, Path: whl, Attestations: bad})
	want := `demo_pkg-1.0-py3-none-any.whl: upload failed: 400 Invalid attestations supplied during upload: attestation 1: statement subject is "demo_pkg-1.0.tar.gz", not the file "demo_pkg-1.0-py3-none-any.whl" (PyPI takes attestations only with trusted publishing, for the file they name; publish with --no-attestations to upload without them)`
	if err == nil || err.Error() != want {
		t.Fatalf("got  %v\nwant %s", err, want)
	}
	if files, _ := upload.ProjectFiles(ctx, nil, base+"/simple/", "demo-pkg"); len(files) != 0 {
		t.Fatalf("refused upload stored: %v", files)
	}

	if out, err := c.Upload(ctx, upload.Request{Target: target, Path: whl, Attestations: atts}); err != nil || out != upload.Uploaded {
		t.Fatalf("%v %v\n%s", out, err, log)
	}
	served := fetchProvenance(t, base, "demo-pkg", w.FilenameOf())
	if len(served) != 1 || string(served[0]) != string(atts[0].JSON) {
		t.Fatalf("served attestations %s\nwant [%s]", served, atts[0].JSON)
	}
}

// fetchProvenance follows the simple JSON page's provenance URL for a file
// and returns the attestations of the provenance object.
func fetchProvenance(t *testing.T, base, project, filename string) []json.RawMessage {
	t.Helper()
	pageURL := base + "/simple/" + project + "/"
	req, _ := http.NewRequest("GET", pageURL, nil)
	req.Header.Set("Accept", "application/vnd.pypi.simple.v1+json")
	var page struct {
		Files []struct {
			Filename   string `json:"filename"`
			Provenance string `json:"provenance"`
		} `json:"files"`
	}
	getJSON(t, req, &page)
	for _, f := range page.Files {
		if f.Filename != filename {
			continue
		}
		if f.Provenance == "" {
			return nil
		}
		u, err := url.Parse(pageURL)
		if err != nil {
			t.Fatal(err)
		}
		ref, err := u.Parse(f.Provenance)
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("GET", ref.String(), nil)
		var prov struct {
			Version int `json:"version"`
			Bundles []struct {
				Attestations []json.RawMessage `json:"attestations"`
			} `json:"attestation_bundles"`
		}
		getJSON(t, req, &prov)
		if prov.Version != 1 || len(prov.Bundles) != 1 {
			t.Fatalf("provenance object %+v", prov)
		}
		return prov.Bundles[0].Attestations
	}
	t.Fatalf("%s not on %s", filename, pageURL)
	return nil
}

func getJSON(t *testing.T, req *http.Request, v any) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s\n%s", req.URL, resp.Status, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v\n%s", req.URL, err, body)
	}
}
