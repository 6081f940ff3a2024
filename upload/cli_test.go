package upload_test

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"goflit/check/checktest"
	"goflit/internal/testutil"
	"goflit/upload"
	"goflit/upload/attest/attesttest"
)

// startServe runs `flit serve DIR --port 0 ARGS...` and returns its base URL.
func startServe(t *testing.T, flit, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command(flit, append([]string{"serve", dir, "--port", "0"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
		}
	})
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if u, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "upload: "); ok {
			go func() {
				for sc.Scan() {
				}
			}()
			return strings.TrimSuffix(u, "/legacy/")
		}
	}
	t.Fatalf("flit serve printed no upload URL; stderr:\n%s", stderr.String())
	return ""
}

// runFlit runs flit in dir with only PATH, HOME=dir, SOURCE_DATE_EPOCH and
// env in its environment.
func runFlit(t *testing.T, flit, dir string, env map[string]string, args ...string) testutil.Result {
	t.Helper()
	cmd := exec.Command(flit, args...)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "SOURCE_DATE_EPOCH=1700000000"}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	return testutil.Capture(t, cmd)
}

// The whole story through the binary: flit publish (retried once after an
// injected 503) to flit serve, pip installs from it, --skip-existing,
// a changed file refused, a wrong token's 403 line, trusted publishing.
func TestCLIPublishToServe(t *testing.T) {
	flit := testutil.FlitBinary(t)
	py := testutil.PythonWith(t, "pip")
	root := t.TempDir()
	proj := filepath.Join(root, "hello")
	testutil.CopyDir(t, filepath.Join(testutil.ModuleRoot(), "examples", "hello"), proj)
	base := startServe(t, flit, filepath.Join(root, "index"), "--token", "pypi-T", "--fail-uploads", "1:503", "--oidc-test-key", "K")
	env := map[string]string{"FLIT_INDEX_URL": base + "/legacy/", "FLIT_USERNAME": "__token__", "FLIT_PASSWORD": "pypi-T"}

	r := runFlit(t, flit, proj, env, "--debug", "publish")
	if r.Code != 0 {
		t.Fatalf("publish: %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	for _, want := range []string{
		"warning: Unencrypted connection - credentials may be visible on the network.",
		"warning: hello_goflit-1.0.0-py3-none-any.whl: upload failed: 503 Injected failure (--fail-uploads), 0 more to come (the index had a problem; try again later) (retrying in 1s, attempt 2 of 4)",
		"Uploading hello_goflit-1.0.0.tar.gz...",
	} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("publish output lacks %q:\n%s", want, r.Stderr)
		}
	}
	if strings.Contains(r.Stdout+r.Stderr, "pypi-T") || !strings.Contains(r.Stderr, "Credentials: user __token__, password from FLIT_PASSWORD") {
		t.Errorf("--debug output leaks the token or lacks the credential source:\n%s", r.Stderr)
	}

	target := filepath.Join(root, "site")
	testutil.MustRun(t, "", nil, py, "-m", "pip", "install", "--disable-pip-version-check", "--no-cache-dir", "--index-url", base+"/simple/", "--no-deps", "--target", target, "hello-goflit")
	if _, err := os.Stat(filepath.Join(target, "hello_goflit", "__init__.py")); err != nil {
		t.Fatal(err)
	}

	r = runFlit(t, flit, proj, env, "publish", "--skip-existing")
	if r.Code != 0 || strings.Count(r.Stderr, "is already on the index with the same sha256: skipped") != 2 {
		t.Fatalf("skip-existing: %d\n%s", r.Code, r.Stderr)
	}

	// A changed readme, same version: refused with the server's message.
	os.WriteFile(filepath.Join(proj, "README.md"), []byte("# Changed\n"), 0o644)
	r = runFlit(t, flit, proj, env, "publish", "--format", "wheel")
	if r.Code != 1 || !strings.Contains(r.Stderr, "error: hello_goflit-1.0.0-py3-none-any.whl: upload failed: 400 File already exists ('hello_goflit-1.0.0-py3-none-any.whl', with blake2_256 hash '") {
		t.Fatalf("changed file: %d\n%s", r.Code, r.Stderr)
	}
	r = runFlit(t, flit, proj, env, "publish", "--format", "wheel", "--skip-existing")
	if r.Code != 1 || !strings.Contains(r.Stderr, "a different file with this name is already on the index") {
		t.Fatalf("changed file, skip-existing: %d\n%s", r.Code, r.Stderr)
	}

	bad := map[string]string{"FLIT_INDEX_URL": base + "/legacy/", "FLIT_USERNAME": "__token__", "FLIT_PASSWORD": "pypi-wrong"}
	r = runFlit(t, flit, proj, bad, "publish", "--format", "wheel")
	want403 := "error: hello_goflit-1.0.0-py3-none-any.whl: upload failed: 403 Invalid or non-existent authentication information. See " + base +
		"/help/#invalid-auth for more information. (check the API token and that it may upload to this project: FLIT_PASSWORD, .pypirc or keyring, with username __token__)\n"
	if r.Code != 1 || !strings.HasSuffix(r.Stderr, want403) {
		t.Fatalf("wrong token: %d\n%s\nwant suffix %s", r.Code, r.Stderr, want403)
	}

	r = runFlit(t, flit, proj, map[string]string{"FLIT_INDEX_URL": base + "/legacy/"}, "publish", "--format", "wheel")
	if r.Code != 1 || !strings.Contains(r.Stderr, "error: could not find a username for upload: set FLIT_USERNAME") {
		t.Fatalf("no credentials: %d\n%s", r.Code, r.Stderr)
	}

	// Trusted publishing in "GitHub Actions": a new version, no credentials.
	os.WriteFile(filepath.Join(proj, "hello_goflit", "__init__.py"), []byte("\"\"\"Hello.\"\"\"\n__version__ = \"1.1.0\"\ndef main():\n    print('hi')\n"), 0o644)
	gh := map[string]string{"FLIT_INDEX_URL": base + "/legacy/", "GITHUB_ACTIONS": "true",
		"ACTIONS_ID_TOKEN_REQUEST_URL": base + "/_/test/github-id-token?x=1", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "K"}
	r = runFlit(t, flit, proj, gh, "publish", "--format", "wheel")
	if r.Code != 0 || !strings.HasPrefix(r.Stdout, "::add-mask::pypi-") || !strings.Contains(r.Stderr, "using trusted publishing (GitHub Actions)") {
		t.Fatalf("trusted publishing: %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}

	r = runFlit(t, flit, proj, env, "publish", "--dry-run", "--format", "wheel")
	if r.Code != 0 || !strings.Contains(r.Stderr, "Dry run: would upload hello_goflit-1.1.0-py3-none-any.whl") {
		t.Fatalf("dry run: %d\n%s", r.Code, r.Stderr)
	}
}

func TestCLICheck(t *testing.T) {
	flit := testutil.FlitBinary(t)
	dir := t.TempDir()
	good := demoWheel("1.0", "# ok\n")
	writeArtifact(t, dir, good.FilenameOf(), good.Bytes())
	bad := demoWheel("1.0+local", "# bad\n")
	writeArtifact(t, dir, bad.FilenameOf(), bad.Bytes())
	r := runFlit(t, flit, dir, nil, "check", good.FilenameOf(), bad.FilenameOf())
	wantOut := "demo_pkg-1.0-py3-none-any.whl: PASSED\ndemo_pkg-1.0+local-py3-none-any.whl: FAILED (1 problem)\n"
	wantErr := "error: demo_pkg-1.0+local-py3-none-any.whl: demo_pkg-1.0+local.dist-info/METADATA:3: Version: the use of local versions in \"1.0+local\" is not allowed on PyPI\n"
	if r.Code != 1 || r.Stdout != wantOut || r.Stderr != wantErr {
		t.Fatalf("code %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
	r = runFlit(t, flit, dir, nil, "check", good.FilenameOf())
	if r.Code != 0 {
		t.Fatalf("%+v", r)
	}
	r = runFlit(t, flit, t.TempDir(), nil, "check")
	if r.Code != 1 || !strings.Contains(r.Stderr, "no wheels or sdists to check") {
		t.Fatalf("%+v", r)
	}
}

// Attestations through the binary: a bad one stops the publish before
// anything is uploaded; --no-attestations and FLIT_NO_ATTESTATIONS skip
// them; dry-run and -v show which go with which file; uploaded ones are
// served back by the index's integrity API.
func TestCLIPublishAttestations(t *testing.T) {
	flit := testutil.FlitBinary(t)
	root := t.TempDir()
	base := startServe(t, flit, filepath.Join(root, "index"), "--token", "pypi-T")
	env := map[string]string{"FLIT_INDEX_URL": base + "/legacy/", "FLIT_USERNAME": "__token__", "FLIT_PASSWORD": "pypi-T"}
	dist := filepath.Join(root, "dist")
	os.MkdirAll(dist, 0o755)
	w := demoWheel("1.0", "# Demo\n")
	whl := writeArtifact(t, dist, w.FilenameOf(), w.Bytes())
	sd := checktest.Sdist{Name: "Demo-Pkg", Version: "1.0"}
	sdist := writeArtifact(t, dist, sd.FilenameOf(), sd.Bytes())
	wdg, _ := upload.FileDigests(whl)
	sdg, _ := upload.FileDigests(sdist)
	os.WriteFile(whl+".publish.attestation", attesttest.For(w.FilenameOf(), wdg.SHA256), 0o644)
	// The sdist's attestation is for the wheel's content: refused locally.
	os.WriteFile(sdist+".publish.attestation", attesttest.For(sd.FilenameOf(), wdg.SHA256), 0o644)
	glob := func() []string {
		m, _ := filepath.Glob(filepath.Join("dist", "*"))
		return m
	}
	files := func(args ...string) []string { return append(append([]string{"publish"}, args...), glob()...) }
	onIndex := func() int {
		fs, err := upload.ProjectFiles(context.Background(), nil, base+"/simple/", "demo-pkg")
		if err != nil {
			return 0
		}
		return len(fs)
	}
	// dist/* also matches the attestation files: they go with their dist.
	t.Chdir(root)

	r := runFlit(t, flit, root, env, files()...)
	wantErr := "error: dist/demo_pkg-1.0.tar.gz.publish.attestation: statement subject's sha256 " + wdg.SHA256 + " does not match the file's sha256 " + sdg.SHA256 +
		" (an attestation for another build of demo_pkg-1.0.tar.gz?) (fix or remove the file, or publish with --no-attestations)\n"
	if r.Code != 1 || !strings.HasSuffix(r.Stderr, wantErr) || strings.Contains(r.Stderr, "Uploading") {
		t.Fatalf("bad attestation: %d\n%s\nwant suffix %s", r.Code, r.Stderr, wantErr)
	}
	if n := onIndex(); n != 0 {
		t.Fatalf("%d files uploaded despite a bad attestation", n)
	}

	// Skipped: the flag, the variable.
	r = runFlit(t, flit, root, env, files("--dry-run", "--no-attestations")...)
	if r.Code != 0 || strings.Contains(r.Stderr, "attestation") || strings.Count(r.Stderr, "Dry run: would upload") != 2 {
		t.Fatalf("--no-attestations: %d\n%s", r.Code, r.Stderr)
	}
	noEnv := map[string]string{"FLIT_NO_ATTESTATIONS": "1"}
	for k, v := range env {
		noEnv[k] = v
	}
	r = runFlit(t, flit, root, noEnv, files("--dry-run")...)
	if r.Code != 0 || strings.Contains(r.Stderr, "attestation") {
		t.Fatalf("FLIT_NO_ATTESTATIONS=1: %d\n%s", r.Code, r.Stderr)
	}

	// Without the bad one: dry-run lists the good one, then -v uploads it.
	os.Remove(sdist + ".publish.attestation")

	// An attestation named on the command line without its file.
	r = runFlit(t, flit, root, env, "publish", "--dry-run", "dist/"+sd.FilenameOf(), "dist/"+w.FilenameOf()+".publish.attestation")
	if r.Code != 1 || !strings.Contains(r.Stderr, "error: dist/"+w.FilenameOf()+".publish.attestation: attestation for none of the files being uploaded") {
		t.Fatalf("stray attestation: %d\n%s", r.Code, r.Stderr)
	}

	r = runFlit(t, flit, root, env, files("--dry-run")...)
	if r.Code != 0 || !strings.Contains(r.Stderr, "Dry run: would upload demo_pkg-1.0-py3-none-any.whl (") ||
		!strings.Contains(r.Stderr, "\n  with attestation demo_pkg-1.0-py3-none-any.whl.publish.attestation (https://docs.pypi.org/attestations/publish/v1)\n") ||
		strings.Count(r.Stderr, "with attestation") != 1 {
		t.Fatalf("dry run: %d\n%s", r.Code, r.Stderr)
	}
	r = runFlit(t, flit, root, env, append([]string{"-v"}, files()...)...)
	if r.Code != 0 || !strings.Contains(r.Stderr, "demo_pkg-1.0-py3-none-any.whl: with attestation demo_pkg-1.0-py3-none-any.whl.publish.attestation") {
		t.Fatalf("publish: %d\n%s", r.Code, r.Stderr)
	}
	if strings.Contains(r.Stderr, "trusted publishing") {
		t.Errorf("a local index got PyPI's trusted publishing warning:\n%s", r.Stderr)
	}
	if n := onIndex(); n != 2 {
		t.Fatalf("%d files on the index, want 2", n)
	}
	att, _ := upload.LoadAttestations(whl, wdg.SHA256)
	if got := fetchProvenance(t, base, "demo-pkg", w.FilenameOf()); len(got) != 1 || string(got[0]) != string(att[0].JSON) {
		t.Errorf("served %s", got)
	}
	if got := fetchProvenance(t, base, "demo-pkg", sd.FilenameOf()); got != nil {
		t.Errorf("the sdist was uploaded without attestations, served %s", got)
	}

	// --no-attestations on a real upload: the index gets none.
	w2 := demoWheel("2.0", "# Demo\n")
	whl2 := writeArtifact(t, dist, w2.FilenameOf(), w2.Bytes())
	dg2, _ := upload.FileDigests(whl2)
	os.WriteFile(whl2+".publish.attestation", attesttest.For(w2.FilenameOf(), dg2.SHA256), 0o644)
	r = runFlit(t, flit, root, env, "publish", "--no-attestations", "dist/"+w2.FilenameOf())
	if r.Code != 0 {
		t.Fatalf("%d\n%s", r.Code, r.Stderr)
	}
	if got := fetchProvenance(t, base, "demo-pkg", w2.FilenameOf()); got != nil {
		t.Errorf("--no-attestations, served %s", got)
	}
}
