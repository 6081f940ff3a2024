package upload_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"goflit/check/checktest"
	"goflit/index"
	"goflit/index/indextest"
	"goflit/internal/testutil"
	"goflit/upload"
)

func noSleep(context.Context, time.Duration) error { return nil }

func writeArtifact(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p, err := checktest.Write(dir, name, data)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func demoWheel(version, body string) checktest.Wheel {
	return checktest.Wheel{Name: "Demo-Pkg", Version: version,
		Metadata: checktest.Metadata("Demo-Pkg", version, body, "Requires-Python: >=3.8", "Requires-Dist: attrs >=1; extra == 'x'", "Provides-Extra: x"),
		Files:    []checktest.Entry{{Name: "demo_pkg/__init__.py", Data: "VALUE = " + fmt.Sprintf("%q", version) + "\n"}}}
}

func TestPublishInstallSkipExistingAndRefusals(t *testing.T) {
	base, _ := indextest.Start(t, index.Options{Tokens: []string{"pypi-secret"}})
	dir := t.TempDir()
	w := demoWheel("1.0", "# Demo\n")
	whl := writeArtifact(t, dir, w.FilenameOf(), w.Bytes())
	sd := checktest.Sdist{Name: "Demo-Pkg", Version: "1.0"}
	sdist := writeArtifact(t, dir, sd.FilenameOf(), sd.Bytes())
	target := &upload.Target{URL: base + "/legacy/", Username: "__token__", Password: "pypi-secret"}
	log := &testutil.Log{}
	c := &upload.Client{Log: log, Sleep: noSleep}
	ctx := context.Background()
	for _, p := range []string{whl, sdist} {
		out, err := c.Upload(ctx, upload.Request{Target: target, Path: p})
		if err != nil || out != upload.Uploaded {
			t.Fatalf("upload %s: %v %v\n%s", p, out, err, log)
		}
	}
	if !strings.Contains(log.String(), "Package is at http://"+strings.TrimPrefix(base, "http://")+"/project/Demo-Pkg/") {
		t.Errorf("no package URL logged:\n%s", log)
	}

	// Debian's pip installs it from the simple index.
	t.Run("pip", func(t *testing.T) {
		py := testutil.PythonWith(t, "pip")
		target := t.TempDir()
		out := testutil.MustRun(t, "", nil, py, "-m", "pip", "install", "--disable-pip-version-check", "--no-cache-dir", "--index-url", base+"/simple/",
			"--no-deps", "--target", target, "demo-pkg==1.0")
		data, err := os.ReadFile(filepath.Join(target, "demo_pkg", "__init__.py"))
		if err != nil || !strings.Contains(string(data), `"1.0"`) {
			t.Fatalf("installed module: %q %v\npip said:\n%s", data, err, out)
		}
	})

	// The same file again: --skip-existing sees the same hash and skips;
	// without it, PyPI-style idempotence answers 200.
	t.Run("skip-existing same file", func(t *testing.T) {
		out, err := c.Upload(ctx, upload.Request{Target: target, Path: whl, SkipExisting: true})
		if err != nil || out != upload.AlreadyThere {
			t.Fatalf("got %v, %v", out, err)
		}
		out, err = c.Upload(ctx, upload.Request{Target: target, Path: whl})
		if err != nil || out != upload.Uploaded {
			t.Fatalf("identical re-upload: %v, %v", out, err)
		}
	})

	// A changed file with the same name is refused with the server's message.
	changedDir := t.TempDir()
	w2 := demoWheel("1.0", "# Demo, changed\n")
	changed := writeArtifact(t, changedDir, w2.FilenameOf(), w2.Bytes())
	t.Run("changed file", func(t *testing.T) {
		_, err := c.Upload(ctx, upload.Request{Target: target, Path: changed})
		want := "demo_pkg-1.0-py3-none-any.whl: upload failed: 400 File already exists ('demo_pkg-1.0-py3-none-any.whl', with blake2_256 hash '"
		if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "(a file with this name is already on the index") {
			t.Fatalf("got %v", err)
		}
		_, err = c.Upload(ctx, upload.Request{Target: target, Path: changed, SkipExisting: true})
		if err == nil || !strings.Contains(err.Error(), "a different file with this name is already on the index") {
			t.Fatalf("skip-existing with a changed file: %v", err)
		}
	})

	t.Run("wrong token", func(t *testing.T) {
		bad := &upload.Target{URL: target.URL, Username: "__token__", Password: "pypi-wrong"}
		w3 := demoWheel("2.0", "x")
		p := writeArtifact(t, t.TempDir(), w3.FilenameOf(), w3.Bytes())
		_, err := c.Upload(ctx, upload.Request{Target: bad, Path: p})
		want := "demo_pkg-2.0-py3-none-any.whl: upload failed: 403 Invalid or non-existent authentication information. See " + base +
			"/help/#invalid-auth for more information. (check the API token and that it may upload to this project: FLIT_PASSWORD, .pypirc or keyring, with username __token__)"
		if err == nil || err.Error() != want {
			t.Fatalf("got  %v\nwant %s", err, want)
		}
		if strings.Contains(log.String(), "pypi-wrong") || strings.Contains(log.String(), "pypi-secret") {
			t.Errorf("a token leaked into the log:\n%s", log)
		}
	})

	t.Run("wrong URL", func(t *testing.T) {
		_, err := c.Upload(ctx, upload.Request{Target: &upload.Target{URL: base + "/simple/", Username: "__token__", Password: "x"}, Path: whl})
		if err == nil || !strings.Contains(err.Error(), "405") || !strings.Contains(err.Error(), "/legacy/") {
			t.Fatalf("got %v", err)
		}
		_, err = c.Upload(ctx, upload.Request{Target: &upload.Target{URL: base + "/legacy", Username: "__token__", Password: "x"}, Path: whl})
		if err == nil || !strings.Contains(err.Error(), "308") || !strings.Contains(err.Error(), "upload URLs end with a slash") {
			t.Fatalf("got %v", err)
		}
	})

	t.Run("dry run", func(t *testing.T) {
		w4 := demoWheel("3.0", "x")
		p := writeArtifact(t, t.TempDir(), w4.FilenameOf(), w4.Bytes())
		out, err := c.Upload(ctx, upload.Request{Target: target, Path: p, DryRun: true})
		if err != nil || out != upload.DryRun {
			t.Fatal(out, err)
		}
		files, err := upload.ProjectFiles(ctx, nil, base+"/simple/", "demo-pkg")
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.Contains(f.Filename, "3.0") {
				t.Errorf("dry run uploaded %s", f.Filename)
			}
		}
	})
}

func TestRetriesThenSucceeds(t *testing.T) {
	base, _ := indextest.Start(t, index.Options{FailUploads: index.Fault{Count: 2, Status: 503}})
	w := demoWheel("1.0", "x")
	p := writeArtifact(t, t.TempDir(), w.FilenameOf(), w.Bytes())
	var waits []time.Duration
	log := &testutil.Log{}
	c := &upload.Client{Log: log, Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }}
	out, err := c.Upload(context.Background(), upload.Request{Target: &upload.Target{URL: base + "/legacy/"}, Path: p})
	if err != nil || out != upload.Uploaded {
		t.Fatalf("%v %v\n%s", out, err, log)
	}
	if fmt.Sprint(waits) != "[1s 2s]" {
		t.Errorf("backoff waits %v, want [1s 2s]", waits)
	}
	if n := strings.Count(log.String(), "upload failed: 503 Injected failure"); n != 2 {
		t.Errorf("%d retry warnings:\n%s", n, log)
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	base, _ := indextest.Start(t, index.Options{FailUploads: index.Fault{Count: 1, Status: 429}})
	w := demoWheel("1.0", "x")
	p := writeArtifact(t, t.TempDir(), w.FilenameOf(), w.Bytes())
	var waits []time.Duration
	c := &upload.Client{Backoff: time.Millisecond, Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }}
	if _, err := c.Upload(context.Background(), upload.Request{Target: &upload.Target{URL: base + "/legacy/"}, Path: p}); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(waits) != "[1s]" {
		t.Errorf("waits %v, want the server's Retry-After of 1s", waits)
	}
}

func TestNoRetryOn4xxAndGiveUp(t *testing.T) {
	base, _ := indextest.Start(t, index.Options{FailUploads: index.Fault{Count: 10, Status: 502}})
	w := demoWheel("1.0", "x")
	p := writeArtifact(t, t.TempDir(), w.FilenameOf(), w.Bytes())
	attempts := 0
	c := &upload.Client{Retries: 2, Sleep: func(context.Context, time.Duration) error { attempts++; return nil }}
	_, err := c.Upload(context.Background(), upload.Request{Target: &upload.Target{URL: base + "/legacy/"}, Path: p})
	if err == nil || !strings.Contains(err.Error(), "502 Injected failure") || attempts != 2 {
		t.Fatalf("attempts %d, err %v", attempts, err)
	}
	base2, _ := indextest.Start(t, index.Options{FailUploads: index.Fault{Count: 10, Status: 400}})
	attempts = 0
	_, err = c.Upload(context.Background(), upload.Request{Target: &upload.Target{URL: base2 + "/legacy/"}, Path: p})
	if err == nil || attempts != 0 {
		t.Fatalf("4xx retried %d times: %v", attempts, err)
	}
}

func TestConnectionErrorRetried(t *testing.T) {
	w := demoWheel("1.0", "x")
	p := writeArtifact(t, t.TempDir(), w.FilenameOf(), w.Bytes())
	attempts := 0
	c := &upload.Client{Retries: 1, Sleep: func(context.Context, time.Duration) error { attempts++; return nil }}
	_, err := c.Upload(context.Background(), upload.Request{Target: &upload.Target{URL: "http://127.0.0.1:1/legacy/", Password: "s3cret"}, Path: p})
	if err == nil || attempts != 1 || !strings.Contains(err.Error(), "cannot reach http://127.0.0.1:1/legacy/") || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("attempts %d: %v", attempts, err)
	}
}

func TestConcurrentUploads(t *testing.T) {
	base, _ := indextest.Start(t, index.Options{})
	dir := t.TempDir()
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		w := demoWheel(fmt.Sprintf("1.%d", i), "x")
		p := writeArtifact(t, dir, w.FilenameOf(), w.Bytes())
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = (&upload.Client{}).Upload(context.Background(), upload.Request{Target: &upload.Target{URL: base + "/legacy/"}, Path: p})
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	files, err := upload.ProjectFiles(context.Background(), nil, base+"/simple/", "Demo_Pkg")
	if err != nil || len(files) != 8 {
		t.Fatalf("%d files on the index: %v", len(files), err)
	}
}

// --check-url against a static PEP 503 tree (HTML only, as served by any
// web server): the same hash counts as uploaded without any POST.
func TestSkipExistingStaticHTMLIndex(t *testing.T) {
	w := demoWheel("1.0", "x")
	p := writeArtifact(t, t.TempDir(), w.FilenameOf(), w.Bytes())
	dg, err := upload.FileDigests(p)
	if err != nil {
		t.Fatal(err)
	}
	static := t.TempDir()
	os.MkdirAll(filepath.Join(static, "demo-pkg"), 0o755)
	write := func(hash string) {
		page := fmt.Sprintf("<html><body><a href=\"/x/%s#sha256=%s\">%s</a></body></html>\n", w.FilenameOf(), hash, w.FilenameOf())
		os.WriteFile(filepath.Join(static, "demo-pkg", "index.html"), []byte(page), 0o644)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(static)))
	defer srv.Close()
	c := &upload.Client{Retries: -1}
	req := upload.Request{Target: &upload.Target{URL: "http://127.0.0.1:1/legacy/"}, Path: p, SkipExisting: true, CheckURL: srv.URL + "/"}
	write(dg.SHA256)
	if out, err := c.Upload(context.Background(), req); err != nil || out != upload.AlreadyThere {
		t.Fatalf("%v %v", out, err)
	}
	write(strings.Repeat("0", 64))
	if _, err := c.Upload(context.Background(), req); err == nil || !strings.Contains(err.Error(), "a different file with this name is already on the index (sha256 "+strings.Repeat("0", 64)+" there, "+dg.SHA256+" here)") {
		t.Fatal(err)
	}
}
