// Package index is a small PyPI-compatible package index: the legacy
// upload API (POST /legacy/) with Warehouse's validation order and
// messages, the PEP 503 HTML and PEP 691 JSON simple API (/simple/) with
// hashes, requires-python, sizes, upload times and PEP 658 core-metadata
// files, so pip and uv install from it, and the trusted publishing (OIDC)
// endpoints with a test-only issuer. `flit serve` runs it; the upload
// tests use it as their real peer.
//
// Uploads may carry PEP 740 attestations (checked for structure and
// against the file, not for their signature), kept as <filename>.provenance
// and served by the integrity API (see provenance.go).
//
// Storage: DIR/<normalized-name>/<filename>, the wheel's METADATA as
// <filename>.metadata, and DIR/<normalized-name>/.files.json recording
// digests, requires-python and upload time. Every file is written to a
// temporary file in its directory and renamed. Wheels and sdists put into
// DIR (or DIR/<name>/) by hand are added when the server starts.
package index

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"goflit/check"
	"goflit/internal/atomicfile"
	"goflit/internal/diag"
)

// Fault makes the server fail the next Count upload requests with Status
// (test-only fault injection, `flit serve --fail-uploads 2:503`).
type Fault struct {
	Count  int
	Status int
}

// Options configure a Server.
type Options struct {
	Dir string
	// Tokens are the accepted upload passwords (HTTP Basic auth, username
	// __token__). None (and no OIDCTestKey) means uploads are open to anyone.
	Tokens []string
	// OIDCTestKey enables the trusted publishing endpoints with a test-only
	// issuer: ID tokens are HS256 JWTs signed with this key (see
	// SignIDToken), with aud "pypi"; GET /_/test/github-id-token?audience=A
	// with "Authorization: bearer KEY" hands them out the way GitHub
	// Actions' ACTIONS_ID_TOKEN_REQUEST_URL does. Never use it for anything
	// but tests.
	OIDCTestKey string
	// FailUploads fails the first uploads with a status (retry tests).
	FailUploads Fault
	// MaxFileSize is the per-file limit in bytes (default 100 MB, as PyPI).
	MaxFileSize int64
	// Check configures the archive and description checks.
	Check check.Options
	Log   diag.Logger
	Now   func() time.Time
}

// Server is the index. It is safe for concurrent uploads.
type Server struct {
	opt    Options
	mu     sync.Mutex // guards commits (duplicate check, rename, .files.json)
	faults int
	minted map[string]time.Time // OIDC-minted tokens -> expiry
	tokens map[string]bool
}

// New returns a server storing files in opt.Dir (created if needed).
func New(opt Options) (*Server, error) {
	if opt.Dir == "" {
		return nil, errors.New("index: no directory given")
	}
	if err := os.MkdirAll(opt.Dir, 0o755); err != nil {
		return nil, err
	}
	if opt.MaxFileSize == 0 {
		opt.MaxFileSize = 100 << 20
	}
	if opt.Log == nil {
		opt.Log = diag.Discard
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	s := &Server{opt: opt, faults: opt.FailUploads.Count, minted: map[string]time.Time{}, tokens: map[string]bool{}}
	for _, t := range opt.Tokens {
		s.tokens[t] = true
	}
	s.importLoose()
	return s, nil
}

// Serve serves HTTP on l until it is closed.
func (s *Server) Serve(l net.Listener) error {
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 30 * time.Second}
	return srv.Serve(l)
}

// Start listens on addr ("127.0.0.1:0" for any free port) and serves in
// the background. It returns the base URL ("http://127.0.0.1:PORT") and a
// function that stops the server.
func (s *Server) Start(addr string) (string, func(), error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 30 * time.Second}
	go srv.Serve(l)
	return "http://" + l.Addr().String(), func() { srv.Close() }, nil
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if r.Method != http.MethodGet && r.Method != http.MethodHead && p != "/legacy/" && p != "/legacy" && p != "/_/oidc/mint-token" {
		w.Header().Set("Allow", "GET, HEAD")
		s.fail(w, r, 405, "Method Not Allowed")
		return
	}
	switch {
	case p == "/legacy/":
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			s.fail(w, r, 405, "Method Not Allowed: the upload API only accepts POST")
			return
		}
		s.upload(w, r)
	case p == "/legacy":
		w.Header().Set("Location", "/legacy/")
		s.fail(w, r, 308, "An upload was attempted to /legacy but the expected upload URL is /legacy/ (with a trailing slash)")
	case p == "/_/oidc/audience" && s.opt.OIDCTestKey != "":
		writeJSON(w, 200, map[string]string{"audience": testAudience})
	case p == "/_/oidc/mint-token" && s.opt.OIDCTestKey != "":
		s.mintToken(w, r)
	case p == "/_/test/github-id-token" && s.opt.OIDCTestKey != "":
		s.githubIDToken(w, r)
	case p == "/simple" || p == "/simple/":
		s.rootPage(w, r)
	case strings.HasPrefix(p, "/simple/"):
		s.projectPage(w, r, strings.Trim(strings.TrimPrefix(p, "/simple/"), "/"))
	case strings.HasPrefix(p, "/project/"):
		// The page an upload reports ("Package is at .../project/NAME/"):
		// the project's simple page lists its files with links.
		name := strings.Trim(strings.TrimPrefix(p, "/project/"), "/")
		if name == "" || strings.Contains(name, "/") {
			http.NotFound(w, r)
			return
		}
		http.Redirect(w, r, "/simple/"+check.Normalize(name)+"/", http.StatusFound)
	case strings.HasPrefix(p, "/integrity/"):
		s.serveProvenance(w, r, strings.TrimPrefix(p, "/integrity/"))
	case strings.HasPrefix(p, "/files/"):
		s.serveFile(w, r, strings.TrimPrefix(p, "/files/"))
	case p == "/":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "goflit package index\nupload: /legacy/\nsimple: /simple/\n")
	default:
		http.NotFound(w, r)
	}
}

// fail answers with Warehouse's error shape: the message in the reason
// phrase, and in the body as JSON when the client prefers it, else text.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, code int, msg string) {
	if r.URL.Path == "/legacy/" {
		s.opt.Log.Infof("%s: refused an upload: %d %s", time.Now().UTC().Format(time.TimeOnly), code, msg)
	} else {
		s.opt.Log.Debugf("%s %s: %d %s", r.Method, r.URL.Path, code, msg)
	}
	reason := reasonPhrase(msg)
	var body []byte
	ctype := "text/plain; charset=utf-8"
	if prefersJSON(r.Header.Get("Accept")) {
		ctype = "application/json"
		body, _ = json.Marshal(map[string]string{"message": msg, "code": fmt.Sprintf("%d %s", code, reason), "title": http.StatusText(code)})
	} else {
		body = []byte(fmt.Sprintf("%d %s\n\n%s\n", code, http.StatusText(code), msg))
	}
	// net/http always sends the standard reason phrase; Warehouse's clients
	// read the message from it, so write the response by hand.
	hj, ok := w.(http.Hijacker)
	if !ok {
		w.Header().Set("Content-Type", ctype)
		w.WriteHeader(code)
		w.Write(body)
		return
	}
	// Read what is left of the request (bounded) so the client sees the
	// answer rather than a reset connection.
	io.Copy(io.Discard, io.LimitReader(r.Body, 16<<20))
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\n", code, reason)
	for k, vs := range w.Header() {
		for _, v := range vs {
			fmt.Fprintf(buf, "%s: %s\r\n", k, v)
		}
	}
	fmt.Fprintf(buf, "Content-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", ctype, len(body))
	buf.Write(body)
	buf.Flush()
}

// reasonPhrase keeps a message safe for a status line (latin-1, one line).
func reasonPhrase(msg string) string {
	var b strings.Builder
	for _, r := range msg {
		switch {
		case r == '\r' || r == '\n' || r == '\t':
			b.WriteByte(' ')
		case r < 0x20 || r == 0x7f:
		case r > 0xff:
			b.WriteByte('?')
		default:
			b.WriteByte(byte(r))
		}
	}
	return b.String()
}

// prefersJSON reports whether an Accept header ranks JSON above HTML/text.
func prefersJSON(accept string) bool {
	return strings.Contains(bestMediaType(accept), "json")
}

// bestMediaType is the media type an Accept header gives the highest q
// value (the first of equals), or "" for an empty header.
func bestMediaType(accept string) string {
	best, bestQ := "", -1.0
	for _, part := range strings.Split(accept, ",") {
		fields := strings.Split(part, ";")
		mt := strings.TrimSpace(fields[0])
		q := 1.0
		for _, f := range fields[1:] {
			if v, ok := strings.CutPrefix(strings.TrimSpace(f), "q="); ok {
				fmt.Sscanf(v, "%g", &q)
			}
		}
		if q > bestQ {
			best, bestQ = mt, q
		}
	}
	return best
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func randomToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// record is one stored file, as kept in .files.json.
type record struct {
	Filename       string    `json:"filename"`
	Name           string    `json:"name"`
	Version        string    `json:"version"`
	Filetype       string    `json:"filetype"`
	Size           int64     `json:"size"`
	SHA256         string    `json:"sha256"`
	Blake2b256     string    `json:"blake2_256"`
	RequiresPython string    `json:"requires_python,omitempty"`
	MetadataSHA256 string    `json:"metadata_sha256,omitempty"`
	Provenance     bool      `json:"provenance,omitempty"` // <filename>.provenance holds its PEP 740 attestations
	UploadTime     time.Time `json:"upload_time"`
}

func (s *Server) projectDir(norm string) string { return filepath.Join(s.opt.Dir, norm) }

func (s *Server) loadRecords(norm string) ([]record, error) {
	data, err := os.ReadFile(filepath.Join(s.projectDir(norm), ".files.json"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var recs []record
	if err := json.Unmarshal(data, &recs); err != nil {
		return nil, fmt.Errorf("%s/.files.json: %v", norm, err)
	}
	return recs, nil
}

func (s *Server) saveRecords(norm string, recs []record) error {
	sort.Slice(recs, func(i, j int) bool { return recs[i].Filename < recs[j].Filename })
	data, err := json.MarshalIndent(recs, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(s.projectDir(norm), ".files.json"), data, 0o644)
}

func sha256Hex(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}
