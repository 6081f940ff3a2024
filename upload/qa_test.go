package upload_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"goflit/internal/testutil"
	"goflit/upload"
)

// A server (or a proxy in front of it) that echoes the Authorization header
// or the token in its refusal must not get the secret printed: nothing flit
// shows may contain the password or token.
func TestRefusalNeverShowsTheSecret(t *testing.T) {
	const secret = "pypi-AgEIcHlwaS5vcmcSECRET"
	basic := base64.StdEncoding.EncodeToString([]byte("__token__:" + secret))
	for name, h := range map[string]http.HandlerFunc{
		"reason phrase echoes Authorization": func(w http.ResponseWriter, r *http.Request) {
			hj, _, _ := w.(http.Hijacker).Hijack()
			defer hj.Close()
			body := "denied"
			hj.Write([]byte("HTTP/1.1 403 Denied for " + r.Header.Get("Authorization") + "\r\nContent-Length: 6\r\nConnection: close\r\n\r\n" + body))
		},
		"JSON body echoes the token": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(403)
			w.Write([]byte(`{"message":"Invalid API Token: ` + secret + ` is not valid"}`))
		},
		"5xx text body echoes the token": func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(500)
			w.Write([]byte("bad token " + secret))
		},
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(h)
			defer srv.Close()
			w := demoWheel("1.0", "x")
			p := writeArtifact(t, t.TempDir(), w.FilenameOf(), w.Bytes())
			log := &testutil.Log{}
			c := &upload.Client{Log: log, Retries: 1, Sleep: noSleep}
			_, err := c.Upload(context.Background(), upload.Request{Target: &upload.Target{URL: srv.URL + "/legacy/", Username: "__token__", Password: secret}, Path: p})
			if err == nil {
				t.Fatal("upload succeeded")
			}
			all := err.Error() + "\n" + log.String()
			if strings.Contains(all, secret) || strings.Contains(all, basic) {
				t.Fatalf("secret shown:\n%s", all)
			}
			if !strings.Contains(err.Error(), "****") {
				t.Errorf("the message lost more than the secret: %v", err)
			}
		})
	}
}

// TLS to a port that speaks plain HTTP (or a certificate that does not
// verify) fails the same way every time: no retries, and a hint.
func TestTLSMismatchNotRetried(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	tlsSrv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0)
	tlsSrv.StartTLS()
	defer tlsSrv.Close()
	w := demoWheel("1.0", "x")
	p := writeArtifact(t, t.TempDir(), w.FilenameOf(), w.Bytes())
	for _, tc := range []struct{ url, hint string }{
		{"https://" + strings.TrimPrefix(srv.URL, "http://") + "/legacy/", "the server speaks plain HTTP"},
		{tlsSrv.URL + "/legacy/", "certificate"},
	} {
		attempts := 0
		c := &upload.Client{Retries: 3, Sleep: func(context.Context, time.Duration) error { attempts++; return nil }}
		_, err := c.Upload(context.Background(), upload.Request{Target: &upload.Target{URL: tc.url}, Path: p})
		if err == nil || attempts != 0 || !strings.Contains(err.Error(), tc.hint) {
			t.Errorf("%s: %d retries, err %v", tc.url, attempts, err)
		}
	}
}

// A server that closes the connection while the file is being sent was
// reached: the message says the connection was closed, and it is retried.
func TestClosedMidUpload(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			buf := make([]byte, 200)
			c.Read(buf)
			c.Close()
		}
	}()
	w := demoWheel("1.0", "x")
	p := writeArtifact(t, t.TempDir(), w.FilenameOf(), w.Bytes())
	attempts := 0
	c := &upload.Client{Retries: 1, Sleep: func(context.Context, time.Duration) error { attempts++; return nil }}
	_, err = c.Upload(context.Background(), upload.Request{Target: &upload.Target{URL: "http://" + ln.Addr().String() + "/legacy/"}, Path: p})
	if err == nil || attempts != 1 || !strings.Contains(err.Error(), "the server closed the connection") || strings.Contains(err.Error(), "cannot reach") {
		t.Fatalf("attempts %d: %v", attempts, err)
	}
}

// A server that takes the connection and then neither reads nor answers
// must not hang flit publish (a CI job would wait for hours): after
// IdleTimeout without progress the attempt fails and is retried.
func TestStalledServerTimesOut(t *testing.T) {
	for _, mode := range []string{"never answers", "stops reading"} {
		t.Run(mode, func(t *testing.T) {
			addr, _ := testutil.StalledServer(t, mode == "never answers")
			// A body larger than the socket buffers, so that a server that
			// does not read stalls the sending.
			w := demoWheel("1.0", strings.Repeat("x", 8<<20))
			p := writeArtifact(t, t.TempDir(), w.FilenameOf(), w.Bytes())
			attempts := 0
			c := &upload.Client{Retries: 1, IdleTimeout: 300 * time.Millisecond, Sleep: func(context.Context, time.Duration) error { attempts++; return nil }}
			start := time.Now()
			_, err := c.Upload(context.Background(), upload.Request{Target: &upload.Target{URL: "http://" + addr + "/legacy/"}, Path: p})
			if err == nil || attempts != 1 || !strings.Contains(err.Error(), "no progress for 300ms") {
				t.Fatalf("attempts %d: %v", attempts, err)
			}
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("took %s", d)
			}
		})
	}
}

// A Retry-After longer than flit is willing to sleep (an index asking for an
// hour) is not slept through: the 429 is reported at once.
func TestLongRetryAfterNotSlept(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(429)
	}))
	defer srv.Close()
	w := demoWheel("1.0", "x")
	p := writeArtifact(t, t.TempDir(), w.FilenameOf(), w.Bytes())
	var waits []time.Duration
	c := &upload.Client{Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }}
	_, err := c.Upload(context.Background(), upload.Request{Target: &upload.Target{URL: srv.URL + "/legacy/"}, Path: p})
	if err == nil || len(waits) != 0 || !strings.Contains(err.Error(), "429") || !strings.Contains(err.Error(), "asks to wait 1h0m0s") {
		t.Fatalf("waits %v: %v", waits, err)
	}
}

// --skip-existing asks the simple API first: a server that never answers
// that request does not hang flit either.
func TestSkipExistingStalledCheck(t *testing.T) {
	addr, _ := testutil.StalledServer(t, false)
	w := demoWheel("1.0", "x")
	p := writeArtifact(t, t.TempDir(), w.FilenameOf(), w.Bytes())
	c := &upload.Client{IdleTimeout: 300 * time.Millisecond, Sleep: noSleep}
	res := make(chan error, 1)
	go func() {
		_, err := c.Upload(context.Background(), upload.Request{Target: &upload.Target{URL: "http://" + addr + "/legacy/"}, Path: p, SkipExisting: true})
		res <- err
	}()
	select {
	case err := <-res:
		if err == nil || !strings.Contains(err.Error(), "checking http://"+addr+"/simple/demo-pkg/ for existing files") {
			t.Fatalf("%v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the simple API check hung")
	}
}

// The --skip-existing check is retried like the upload: a 503 from the
// simple API (PyPI's CDN has them) does not fail the release.
func TestSkipExistingCheckRetried(t *testing.T) {
	w := demoWheel("1.0", "x")
	data := w.Bytes()
	p := writeArtifact(t, t.TempDir(), w.FilenameOf(), data)
	dg, err := upload.FileDigests(p)
	if err != nil {
		t.Fatal(err)
	}
	gets, posts := 0, 0
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" {
			posts++
			rw.WriteHeader(500)
			return
		}
		gets++
		if gets <= 2 {
			rw.WriteHeader(503)
			return
		}
		rw.Header().Set("Content-Type", "application/vnd.pypi.simple.v1+json")
		rw.Write([]byte(`{"meta":{"api-version":"1.1"},"name":"demo-pkg","files":[{"filename":"` + w.FilenameOf() + `","url":"x","hashes":{"sha256":"` + dg.SHA256 + `"}}]}`))
	}))
	defer srv.Close()
	var waits []time.Duration
	c := &upload.Client{Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }}
	out, err := c.Upload(context.Background(), upload.Request{Target: &upload.Target{URL: srv.URL + "/legacy/"}, Path: p, SkipExisting: true})
	if err != nil || out != upload.AlreadyThere || posts != 0 || gets != 3 {
		t.Fatalf("outcome %v, %d GETs, %d POSTs: %v", out, gets, posts, err)
	}
	if len(waits) != 2 {
		t.Errorf("waits %v", waits)
	}
}

// Ctrl-C (or SIGTERM) during an upload ends flit publish as the other
// commands end: 130/143 and a line that says it was interrupted, not
// "error: context canceled" with status 1.
func TestCLIPublishInterrupted(t *testing.T) {
	flit := testutil.FlitBinary(t)
	dir := t.TempDir()
	w := demoWheel("1.0", "x")
	p := writeArtifact(t, dir, w.FilenameOf(), w.Bytes())
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		addr, got := testutil.StalledServer(t, false)
		cmd := exec.Command(flit, "publish", p)
		cmd.Dir = dir
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "FLIT_USERNAME=__token__", "FLIT_PASSWORD=x",
			"FLIT_INDEX_URL=http://" + addr + "/legacy/"}
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-got:
		case err := <-done:
			t.Fatalf("flit publish ended before uploading: %v\n%s", err, out.String())
		case <-time.After(time.Minute):
			cmd.Process.Kill()
			t.Fatal("no upload arrived")
		}
		cmd.Process.Signal(tc.sig)
		var err error
		select {
		case err = <-done:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			<-done
			t.Fatalf("%v: flit publish did not stop\n%s", tc.sig, out.String())
		}
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != tc.code {
			t.Errorf("%v: %v, want exit %d\n%s", tc.sig, err, tc.code, out.String())
		}
		if s := out.String(); !strings.Contains(s, "error: publish interrupted ("+tc.sig.String()+")") || strings.Contains(s, "context canceled") {
			t.Errorf("%v: output\n%s", tc.sig, s)
		}
	}
}
