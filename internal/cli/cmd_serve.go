package cli

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"goflit/index"
)

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func serveCommand() *command {
	c := &command{
		name:  "serve",
		usage: "DIR [--host 127.0.0.1] [--port 8080] [--token TOKEN]... [--max-file-size MB]",
		short: "Run a local PyPI-compatible package index",
	}
	c.run = func(g *Globals, args []string) int {
		host, port := "127.0.0.1", 8080
		var tokens stringList
		var oidcKey, failUploads string
		maxMB := 100
		fs := newFlagSet(g, c, func(w io.Writer) {
			fmt.Fprint(w, `Serves the packages in DIR (created if needed) as a package index:
  upload: http://HOST:PORT/legacy/   (the legacy upload API, as PyPI: flit publish, twine)
  simple: http://HOST:PORT/simple/   (PEP 503 HTML and PEP 691 JSON: pip, uv)
  provenance: http://HOST:PORT/integrity/<project>/<version>/<file>/provenance
                                     (PEP 740: attestations uploaded with a file;
                                     their structure and digest are checked, the
                                     Sigstore signature and publisher are not)
Uploads are checked in PyPI's order with PyPI's messages; re-uploading an
identical file is accepted, other content under a used name is refused.
Files are stored as DIR/<normalized-name>/<file> with DIR/<name>/.files.json
recording their digests. Wheels and sdists put into DIR (or DIR/<name>/) by
hand are added when the server starts (top-level ones are linked into place).

  --host HOST           address to listen on (default 127.0.0.1)
  --port PORT           port (default 8080; 0 picks a free one)
  --token TOKEN         accept uploads with HTTP Basic auth __token__:TOKEN;
                        repeat for several; none means anyone may upload
  --max-file-size MB    per-file limit (default 100, as PyPI)

Testing only:
  --oidc-test-key KEY   enable /_/oidc/audience and /_/oidc/mint-token with a
                        test issuer: ID tokens are HS256 JWTs signed with KEY,
                        aud "pypi"; GET /_/test/github-id-token?audience=pypi
                        with "Authorization: bearer KEY" returns one, like
                        GitHub's ACTIONS_ID_TOKEN_REQUEST_URL
  --fail-uploads N:STATUS   fail the first N uploads with STATUS (e.g. 2:503)

Serves until interrupted.
`)
		})
		fs.StringVar(&host, "host", host, "")
		fs.IntVar(&port, "port", port, "")
		fs.Var(&tokens, "token", "")
		fs.IntVar(&maxMB, "max-file-size", maxMB, "")
		fs.StringVar(&oidcKey, "oidc-test-key", "", "")
		fs.StringVar(&failUploads, "fail-uploads", "", "")
		// Accept flags after DIR too.
		var dir string
		rest := args
		for {
			if code, ok := parseFlags(g, c, fs, rest); !ok {
				return code
			}
			if fs.NArg() == 0 {
				break
			}
			if dir != "" {
				return usageError(g, c, "unexpected argument %q", fs.Arg(0))
			}
			dir, rest = fs.Arg(0), fs.Args()[1:]
		}
		if dir == "" {
			return usageError(g, c, "missing DIR, the directory holding the packages")
		}
		if port < 0 || port > 65535 {
			return usageError(g, c, "--port %d: use a port from 0 to 65535 (0 picks a free one)", port)
		}
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(g.Env.Dir, dir)
		}
		if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
			return g.Fail(fmt.Errorf("%s is not a directory: DIR is the folder that holds (or will hold) the index's packages", g.shortPath(dir)))
		}
		opt := index.Options{Dir: dir, Tokens: tokens, OIDCTestKey: oidcKey, MaxFileSize: int64(maxMB) << 20, Log: g.Log, Check: checkOptions()}
		if failUploads != "" {
			n, st, ok := strings.Cut(failUploads, ":")
			count, err1 := strconv.Atoi(n)
			status, err2 := strconv.Atoi(st)
			if !ok || err1 != nil || err2 != nil || status < 400 || status > 599 {
				return usageError(g, c, "--fail-uploads %q: use N:STATUS, e.g. 2:503", failUploads)
			}
			opt.FailUploads = index.Fault{Count: count, Status: status}
		}
		// Listen first, so a busy port leaves no new DIR behind.
		l, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
		if err != nil {
			return g.Fail(fmt.Errorf("listening on %s:%d: %v (is another server using the port? try --port 0)", host, port, err))
		}
		srv, err := index.New(opt)
		if err != nil {
			l.Close()
			return g.Fail(err)
		}
		base := "http://" + l.Addr().String()
		fmt.Fprintf(g.Env.Stdout, "Serving %s\n  upload: %s/legacy/\n  simple: %s/simple/\n", dir, base, base)
		if len(tokens) == 0 {
			fmt.Fprintln(g.Env.Stdout, "  uploads are open to anyone (no --token given)")
		}
		if oidcKey != "" {
			g.Log.Warnf("--oidc-test-key: trusted publishing with a TEST issuer; never expose this server")
		}
		if f, ok := g.Env.Stdout.(*os.File); ok {
			f.Sync()
		}
		hs := &http.Server{Handler: srv, ReadHeaderTimeout: 30 * time.Second}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		errc := make(chan error, 1)
		go func() { errc <- hs.Serve(l) }()
		select {
		case <-ctx.Done():
			shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			hs.Shutdown(shut)
			fmt.Fprintln(g.Env.Stdout, "Stopped.")
			return 0
		case err := <-errc:
			return g.Fail(err)
		}
	}
	return c
}
