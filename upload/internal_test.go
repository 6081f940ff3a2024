package upload

import (
	"context"
	"strings"
	"testing"
	"time"

	"goflit/internal/testutil"
)

func TestServerMessage(t *testing.T) {
	tests := []struct {
		name string
		r    response
		want string
	}{
		{"PyPI reason phrase", response{status: 400, statusLine: "400 File already exists ('a.whl', with blake2_256 hash 'ab'). See https://pypi.org/help/#file-name-reuse", contentType: "text/html", body: []byte("<html>...</html>")},
			"File already exists ('a.whl', with blake2_256 hash 'ab'). See https://pypi.org/help/#file-name-reuse"},
		{"PyPI JSON over HTTP/2 (no reason)", response{status: 403, statusLine: "403 Forbidden", contentType: "application/json", body: []byte(`{"message":"Invalid API Token: x","code":"403 Invalid API Token: x","title":"Forbidden"}`)},
			"Invalid API Token: x"},
		{"JSON code only", response{status: 400, statusLine: "400 Bad Request", contentType: "application/json", body: []byte(`{"code":"400 Use a known file type."}`)},
			"Use a known file type."},
		{"GitLab", response{status: 400, statusLine: "400 Bad Request", contentType: "application/json", body: []byte(`{"message":"Validation failed: File name has already been taken"}`)},
			"Validation failed: File name has already been taken"},
		{"GitLab nested", response{status: 400, statusLine: "400 Bad Request", contentType: "application/json", body: []byte(`{"message":{"name":["is invalid"]}}`)},
			`{"name":["is invalid"]}`},
		{"problem+json", response{status: 422, statusLine: "422 Unprocessable Entity", contentType: "application/problem+json", body: []byte(`{"title":"Bad","detail":"version exists"}`)},
			"version exists"},
		{"pypiserver 409 HTML", response{status: 409, statusLine: "409 Conflict", contentType: "text/html", body: []byte("<html><head><title>Error</title></head><body><h1>Error: 409 Conflict</h1><p>Sorry, the requested URL caused an error:</p><pre>File not allowed to be overwritten</pre></body></html>")},
			"Error: 409 Conflict"},
		{"plain text body", response{status: 500, statusLine: "500 Internal Server Error", contentType: "text/plain", body: []byte("\n  database down \n")},
			"database down"},
		{"nothing", response{status: 502, statusLine: "502 Bad Gateway"}, "Bad Gateway"},
		{"nginx 413 page", response{status: 413, statusLine: "413 Request Entity Too Large", contentType: "text/html", body: []byte("<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n")},
			"Request Entity Too Large"},
		{"GitLab 502 page (status alone in <h1>)", response{status: 502, statusLine: "502 Bad Gateway", contentType: "text/html", body: []byte("<!DOCTYPE html>\n<html>\n<head><title>Something went wrong (502)</title><style>body{color:#5c5c5c}</style></head>\n<body>\n<h1>\n  502\n</h1>\n<div class=\"container\">\n  <h3>Whoops, GitLab is taking too much time to respond.</h3>\n</div>\n</body>\n</html>\n")},
			"Whoops, GitLab is taking too much time to respond."},
		{"style and script in the body", response{status: 503, statusLine: "503 Service Unavailable", contentType: "text/html", body: []byte("<html><body><style>h1 { color: red }</style><script>var x = 1;</script><h1>Down for maintenance</h1></body></html>")},
			"Down for maintenance"},
		{"nginx 502 page", response{status: 502, statusLine: "502 Bad Gateway", contentType: "text/html", body: []byte("<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>")},
			"Bad Gateway"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := serverMessage(&tt.r); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestErrorHints(t *testing.T) {
	for status, want := range map[int]string{
		403: "check the API token",
		404: "wrong upload URL? The legacy upload API lives at /legacy/",
		405: "wrong upload URL?",
		409: "bump the version, or use --skip-existing",
		429: "too many requests",
		503: "try again later",
	} {
		e := responseError("a.whl", "https://x/legacy/", &response{status: status, statusLine: "x"})
		if e.Hint == "" || !strings.Contains(e.Hint, want) {
			t.Errorf("%d: hint %q", status, e.Hint)
		}
	}
	// The 404/405 hint names /legacy/ on the host being used, not PyPI's.
	for url, want := range map[string]string{
		"http://127.0.0.1:8080":          "e.g. http://127.0.0.1:8080/legacy/",
		"http://127.0.0.1:8080/simple/":  "e.g. http://127.0.0.1:8080/legacy/",
		"https://upload.pypi.org/":       "e.g. https://upload.pypi.org/legacy/",
		"https://test.pypi.org/legacy/x": "e.g. https://test.pypi.org/legacy/",
	} {
		e := responseError("a.whl", url, &response{status: 405, statusLine: "405 Method Not Allowed"})
		if !strings.Contains(e.Hint, want) || strings.Contains(e.Hint, "upload.pypi.org") != strings.Contains(url, "upload.pypi.org") {
			t.Errorf("%s: hint %q, want %q", url, e.Hint, want)
		}
	}
	e := responseError("a.whl", "https://x/legacy", &response{status: 308, statusLine: "308 Permanent Redirect", location: "https://x/legacy/"})
	if e.Error() != "a.whl: upload failed: 308 Permanent Redirect (the upload URL redirects to https://x/legacy/: use that URL; upload URLs end with a slash, e.g. https://x/legacy/)" {
		t.Errorf("%s", e)
	}
}

func TestSimpleURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://upload.pypi.org/legacy/":                        "https://pypi.org/simple/",
		"https://test.pypi.org/legacy/":                          "https://test.pypi.org/simple/",
		"http://127.0.0.1:8080/legacy/":                          "http://127.0.0.1:8080/simple/",
		"https://u:p@nexus.example/repo/x/legacy":                "https://nexus.example/repo/x/simple/",
		"https://gitlab.example/api/v4/projects/1/packages/pypi": "",
	} {
		if got := SimpleURL(in); got != want {
			t.Errorf("%s: %q, want %q", in, got, want)
		}
	}
}

func TestPackageURLAndRedaction(t *testing.T) {
	if got := packageURL("https://upload.pypi.org/legacy/", "Foo"); got != "https://pypi.org/project/Foo/" {
		t.Error(got)
	}
	if got := packageURL("https://u:secret@idx.example/upload", "Foo"); got != "https://u:xxxxx@idx.example/upload/Foo" {
		t.Error(got)
	}
	if got := Redacted("https://u:secret@idx.example/legacy/"); got != "https://u:xxxxx@idx.example/legacy/" {
		t.Error(got)
	}
}

// The PEP 503 HTML fallback reads the index server's own HTML page.
func TestSimpleHTMLFromIndex(t *testing.T) {
	page := `<!DOCTYPE html>
<html><body>
    <a href="../../files/demo-pkg/demo_pkg-1.0-py3-none-any.whl#sha256=8bdf23" data-requires-python="&gt;=3.8">demo_pkg-1.0-py3-none-any.whl</a><br/>
    <A HREF='https://files.example/x/demo-pkg-1.0.tar.gz'>demo-pkg-1.0.tar.gz</A>
    <a href="../../files/demo-pkg/demo_pkg-0.9.tar.gz#md5=abc"></a>
</body></html>`
	got := parseSimpleHTML(page)
	want := []IndexFile{
		{Filename: "demo_pkg-1.0-py3-none-any.whl", URL: "../../files/demo-pkg/demo_pkg-1.0-py3-none-any.whl#sha256=8bdf23", SHA256: "8bdf23"},
		{Filename: "demo-pkg-1.0.tar.gz", URL: "https://files.example/x/demo-pkg-1.0.tar.gz"},
		{Filename: "demo_pkg-0.9.tar.gz", URL: "../../files/demo-pkg/demo_pkg-0.9.tar.gz#md5=abc"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

// TestMaskSecret: long secrets are masked everywhere, short ones only where
// they are credentials, so error text stays readable.
func TestMaskSecret(t *testing.T) {
	for _, tc := range []struct{ in, user, pw, want string }{
		{"lookup nonexistent: no such host", "u", "x", "lookup nonexistent: no such host"},
		{"GET https://u:x@idx.example/: refused", "u", "x", "GET https://u:****@idx.example/: refused"},
		{"Authorization: Bearer ab", "u", "ab", "Authorization: Bearer ****"},
		{"Authorization: token ab.", "u", "ab", "Authorization: token ****."},
		{"token abc", "u", "ab", "token abc"},
		{"Authorization: Basic dTp4", "u", "x", "Authorization: Basic ****"},
		{"echo pypi-secret-token and pypi-secret-token", "__token__", "pypi-secret-token", "echo **** and ****"},
		{"s3cret inside words: xs3cretx", "u", "s3cret", "**** inside words: x****x"},
		{"nothing to mask", "u", "", "nothing to mask"},
	} {
		if got := maskSecret(tc.in, tc.user, tc.pw); got != tc.want {
			t.Errorf("maskSecret(%q, %q, %q) = %q, want %q", tc.in, tc.user, tc.pw, got, tc.want)
		}
	}
}

// Trusted publishing's requests (audience, ID token, mint) are bounded: a
// stalled index does not hang flit publish.
func TestTrustedPublishingStalledIndex(t *testing.T) {
	addr, _ := testutil.StalledServer(t, false)
	defer func(d time.Duration) { oidcTimeout = d }(oidcTimeout)
	oidcTimeout = 300 * time.Millisecond
	env := map[string]string{"GITHUB_ACTIONS": "true", "ACTIONS_ID_TOKEN_REQUEST_URL": "http://" + addr + "/token", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "x"}
	res := make(chan error, 1)
	go func() {
		_, err := TrustedPublishing(context.Background(), nil, "http://"+addr+"/legacy/", "", func(k string) string { return env[k] }, nil)
		res <- err
	}()
	select {
	case err := <-res:
		if err == nil {
			t.Fatal("no error")
		}
	case <-time.After(20 * time.Second):
		t.Fatal("trusted publishing hung on a stalled index")
	}
}
