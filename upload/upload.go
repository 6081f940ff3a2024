package upload

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"goflit/check"
	"goflit/internal/diag"
)

// Client uploads files to one index.
type Client struct {
	HTTP      *http.Client // nil: a client that does not follow redirects
	Log       diag.Logger
	UserAgent string
	// Retries is how many times a failed attempt (connection error, 429,
	// 5xx) is retried; negative means none. Default 3.
	Retries int
	// Backoff is the first retry delay, doubled each time (default 1s).
	Backoff time.Duration
	// Progress, when set, is called with (file, sent, total) while
	// uploading: the CLI draws a bar on a terminal and sets nothing otherwise.
	Progress func(file string, sent, total int64)
	// IdleTimeout ends an attempt when the server neither takes any of the
	// upload nor answers for this long (a stalled connection would
	// otherwise hang flit forever); the attempt is then retried. Default
	// 5 minutes, generous for an index checking a large file.
	IdleTimeout time.Duration
	// Sleep waits between retries (tests may shorten it); default time.Sleep
	// that honours ctx.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Request is one file to upload.
type Request struct {
	Target       *Target
	Path         string
	SkipExisting bool   // a file already on the index with the same sha256 counts as uploaded
	CheckURL     string // simple index URL for SkipExisting ("" = derived from the upload URL)
	DryRun       bool   // everything but the POST
	// Attestations go into the form's "attestations" field (checked by
	// LoadAttestations against this file).
	Attestations []Attestation
}

// Outcome says what happened to a file.
type Outcome int

const (
	Uploaded Outcome = iota
	AlreadyThere
	DryRun
)

// Error is a refused upload, rendered as one line: the file, the server's
// status and message, and a hint.
type Error struct {
	File    string
	Status  int    // HTTP status, 0 for connection errors
	Message string // the server's message (reason phrase or JSON body)
	Hint    string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File + ": upload failed: ")
	if e.Status != 0 {
		b.WriteString(strconv.Itoa(e.Status) + " ")
	}
	b.WriteString(e.Message)
	if e.Hint != "" {
		b.WriteString(" (" + e.Hint + ")")
	}
	return b.String()
}

func (c *Client) log() diag.Logger {
	if c.Log == nil {
		return diag.Discard
	}
	return c.Log
}

func (c *Client) http() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// retries returns Retries and Backoff with their defaults.
func (c *Client) retries() (int, time.Duration) {
	retries := c.Retries
	if retries == 0 {
		retries = 3
	}
	backoff := c.Backoff
	if backoff == 0 {
		backoff = time.Second
	}
	return retries, backoff
}

// idleTimeout returns IdleTimeout with its default.
func (c *Client) idleTimeout() time.Duration {
	if c.IdleTimeout <= 0 {
		return 5 * time.Minute
	}
	return c.IdleTimeout
}

func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	if c.Sleep != nil {
		return c.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Upload sends one wheel or sdist. The form is built from the file's own
// metadata; the file is hashed in one pass and streamed from disk for each
// attempt.
func (c *Client) Upload(ctx context.Context, r Request) (Outcome, error) {
	log := c.log()
	d, err := check.Open(r.Path)
	if err != nil {
		return 0, err
	}
	dg, err := FileDigests(r.Path)
	if err != nil {
		return 0, err
	}
	log.Debugf("%s: sha256=%s blake2_256=%s", d.Filename, dg.SHA256, dg.Blake2b256)
	checkURL := r.CheckURL
	if r.SkipExisting && checkURL == "" {
		checkURL = SimpleURL(r.Target.URL)
	}
	if r.SkipExisting {
		there, err := c.existing(ctx, checkURL, r.Target, d, dg)
		if err != nil {
			return 0, err
		}
		if there {
			log.Infof("%s is already on the index with the same sha256: skipped", d.Filename)
			return AlreadyThere, nil
		}
	}
	fields := Form(d, dg)
	if len(r.Attestations) > 0 {
		fields = append(fields, Field{"attestations", attestationsField(r.Attestations)})
	}
	b, err := newBody(fields, r.Path, d.Filename, d.Size)
	if err != nil {
		return 0, err
	}
	if r.DryRun {
		log.Infof("Dry run: would upload %s (%d bytes, %d form fields) to %s", d.Filename, d.Size, len(fields), Redacted(r.Target.URL))
		for _, a := range r.Attestations {
			log.Infof("  with attestation %s (%s)", filepath.Base(a.Path), a.Predicate)
		}
		return DryRun, nil
	}
	for _, a := range r.Attestations {
		log.Debugf("%s: with attestation %s (%s)", d.Filename, filepath.Base(a.Path), a.Predicate)
	}
	log.Infof("Uploading %s...", d.Filename)
	retries, backoff := c.retries()
	for attempt := 0; ; attempt++ {
		resp, err := c.post(ctx, r.Target, b, d.Filename)
		var uerr *Error
		final := false // a transport failure that would fail the same way again
		retryAfter := time.Duration(0)
		switch {
		case err != nil:
			var le *localError
			if errors.As(err, &le) {
				return 0, le.err
			}
			if ctx.Err() != nil {
				return 0, ctx.Err()
			}
			uerr, final = transportError(d.Filename, r.Target, err)
		case resp.status >= 200 && resp.status < 300:
			log.Infof("Package is at %s", packageURL(r.Target.URL, d.Meta.Metadata.Name))
			return Uploaded, nil
		default:
			uerr = responseError(d.Filename, r.Target.URL, resp)
			if s := resp.retryAfter; s > 0 {
				retryAfter = time.Duration(s) * time.Second
			}
		}
		// Whatever the server said may echo the credentials (a proxy
		// showing the Authorization header, a body quoting the token).
		uerr.Message = maskSecret(uerr.Message, r.Target.Username, r.Target.Password)
		uerr.Hint = maskSecret(uerr.Hint, r.Target.Username, r.Target.Password)
		retryable := uerr.Status == 0 && !final || uerr.Status == 429 || uerr.Status >= 500
		if retryAfter > maxRetryAfter {
			// Sleeping for an hour is no retry a person waits for.
			uerr.Hint = fmt.Sprintf("the index asks to wait %s before trying again", retryAfter)
			retryable = false
		}
		if !retryable || attempt >= retries || retries < 0 {
			if r.SkipExisting && (uerr.Status == 400 || uerr.Status == 409) {
				// A parallel job may have uploaded the same file meanwhile.
				if there, err2 := c.existing(ctx, checkURL, r.Target, d, dg); err2 == nil && there {
					log.Infof("%s is already on the index with the same sha256: skipped", d.Filename)
					return AlreadyThere, nil
				} else if err2 != nil {
					return 0, err2
				}
			}
			return 0, uerr
		}
		wait := backoff << attempt
		if retryAfter > wait {
			wait = retryAfter
		}
		log.Warnf("%s (retrying in %s, attempt %d of %d)", uerr.Error(), wait, attempt+2, retries+1)
		if err := c.sleep(ctx, wait); err != nil {
			return 0, err
		}
	}
}

// transportError describes a request that got no HTTP response. final is
// true for failures that a retry would meet again: TLS spoken to a plain
// HTTP port, a certificate that does not verify.
func transportError(file string, t *Target, err error) (e *Error, final bool) {
	msg := redactErr(err, t)
	unreachable := func(hint string) *Error {
		return &Error{File: file, Message: "cannot reach " + Redacted(t.URL) + ": " + msg, Hint: hint}
	}
	var (
		rec      tls.RecordHeaderError
		verify   *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
	)
	switch {
	case strings.Contains(msg, "server gave HTTP response to HTTPS client"):
		return unreachable("the server speaks plain HTTP on this port: use an http:// upload URL if that is intended, or the index's HTTPS address"), true
	case errors.As(err, &rec):
		return unreachable("the server does not speak TLS on this port: check the scheme and port of the upload URL"), true
	case errors.As(err, &verify), errors.As(err, &unknown), errors.As(err, &hostname), errors.As(err, &invalid):
		return unreachable("the server's certificate does not verify: for an index with a private CA, point SSL_CERT_FILE at a bundle holding its certificate"), true
	case errors.As(err, new(*stalledError)):
		return &Error{File: file, Message: Redacted(t.URL) + ": " + msg}, false
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, net.ErrClosed): // the transport closed it on seeing the server close
		return &Error{File: file, Message: "the server closed the connection during the upload (" + Redacted(t.URL) + "): " + msg}, false
	}
	return unreachable(""), false
}

// maxRetryAfter is the longest Retry-After flit sleeps through.
const maxRetryAfter = 5 * time.Minute

// localError is a problem on this side (the file vanished), not worth a retry.
type localError struct{ err error }

func (e *localError) Error() string { return e.err.Error() }

type response struct {
	status      int
	statusLine  string // full status line text, e.g. "400 File already exists"
	contentType string
	body        []byte
	location    string
	retryAfter  int
}

func (c *Client) post(ctx context.Context, t *Target, b *body, filename string) (*response, error) {
	var progress func(int64)
	if c.Progress != nil {
		progress = func(n int64) { c.Progress(filename, n, b.size) }
	}
	rd, closer, err := b.open(progress)
	if err != nil {
		return nil, &localError{err}
	}
	defer closer.Close()
	idle := c.idleTimeout()
	stalled := &stalledError{idle: idle}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	watchdog := time.AfterFunc(idle, func() { cancel(stalled) })
	defer watchdog.Stop()
	rd = &idleReader{r: rd, reset: func() { watchdog.Reset(idle) }}
	resp, err := c.send(ctx, t, rd, b)
	if err != nil && errors.Is(context.Cause(ctx), stalled) {
		return nil, stalled
	}
	return resp, err
}

// stalledError is an attempt ended by Client.IdleTimeout.
type stalledError struct{ idle time.Duration }

func (e *stalledError) Error() string {
	return fmt.Sprintf("no progress for %s: the server stopped taking the upload or did not answer", e.idle)
}

// idleReader calls reset whenever the transport takes more of the body.
type idleReader struct {
	r     io.Reader
	reset func()
}

func (r *idleReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.reset()
	return n, err
}

func (c *Client) send(ctx context.Context, t *Target, rd io.Reader, b *body) (*response, error) {
	req, err := http.NewRequestWithContext(ctx, "POST", t.URL, rd)
	if err != nil {
		return nil, fmt.Errorf("upload URL %q: %v", Redacted(t.URL), err)
	}
	req.ContentLength = b.length()
	req.Header.Set("Content-Type", b.contentType)
	req.Header.Set("Accept", "application/json;q=0.9, text/plain;q=0.8, text/html;q=0.7")
	ua := c.UserAgent
	if ua == "" {
		ua = "goflit"
	}
	req.Header.Set("User-Agent", ua)
	if t.Username != "" || t.Password != "" {
		req.SetBasicAuth(t.Username, t.Password)
	}
	c.log().Debugf("POST %s (%d bytes)", Redacted(t.URL), req.ContentLength)
	resp, err := c.http().Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	r := &response{status: resp.StatusCode, statusLine: resp.Status, contentType: resp.Header.Get("Content-Type"),
		body: data, location: resp.Header.Get("Location")}
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil {
		r.retryAfter = s
	}
	return r, nil
}

// redactErr keeps credentials out of error text (url.Error includes the URL).
func redactErr(err error, t *Target) string {
	s := err.Error()
	var ue *url.Error
	if errors.As(err, &ue) {
		s = ue.Err.Error()
	}
	return maskSecret(s, t.Username, t.Password)
}

// minMaskLen is the shortest secret masked wherever it appears in text:
// a shorter one is only masked where it would be a credential (a URL's
// userinfo, an Authorization value), so that FLIT_PASSWORD=x does not
// turn "nonexistent" into "none****istent".
const minMaskLen = 6

// maskSecret replaces password in s with "****": everywhere when it is at
// least minMaskLen long, else as a URL's userinfo password (":pw@") or an
// Authorization value (Bearer/token pw, Basic base64(user:pw)).
func maskSecret(s, username, password string) string {
	if password == "" {
		return s
	}
	if basic := base64.StdEncoding.EncodeToString([]byte(username + ":" + password)); strings.Contains(s, basic) {
		s = strings.ReplaceAll(s, basic, "****")
	}
	if len(password) >= minMaskLen {
		return strings.ReplaceAll(s, password, "****")
	}
	var b strings.Builder
	for {
		i := strings.Index(s, password)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := i + len(password)
		before, after := s[:i], s[end:]
		credential := strings.HasSuffix(before, ":") && strings.HasPrefix(after, "@") ||
			(hasFoldSuffix(before, "bearer ") || hasFoldSuffix(before, "token ")) && (after == "" || !isWordByte(after[0]))
		b.WriteString(before)
		if credential {
			b.WriteString("****")
		} else {
			b.WriteString(password)
		}
		s = after
	}
}

func hasFoldSuffix(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}

func isWordByte(c byte) bool {
	return c == '_' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// responseError turns a refused upload into one line with a hint.
func responseError(file, uploadURL string, r *response) *Error {
	msg := serverMessage(r)
	e := &Error{File: file, Status: r.status, Message: msg}
	lower := strings.ToLower(msg)
	switch {
	case r.status >= 300 && r.status < 400:
		e.Hint = "the upload URL redirects"
		if r.location != "" {
			e.Hint += " to " + Redacted(r.location) + ": use that URL"
		}
		if !strings.HasSuffix(uploadURL, "/") {
			e.Hint += "; upload URLs end with a slash, e.g. " + Redacted(uploadURL) + "/"
		}
	case r.status == 401 || r.status == 403:
		e.Hint = "check the API token and that it may upload to this project: FLIT_PASSWORD, .pypirc or keyring, with username __token__"
	case r.status == 404 || r.status == 405:
		e.Hint = "wrong upload URL? The legacy upload API lives at /legacy/, e.g. " + legacyOn(uploadURL) +
			" (a /simple/ URL is for installing; other indexes document their upload URL)"
	case r.status == 409 || r.status == 400 && strings.Contains(lower, "already exist"):
		e.Hint = "a file with this name is already on the index: bump the version, or use --skip-existing if it is the same file"
	case r.status == 400 && strings.Contains(lower, "attestation"):
		e.Hint = "PyPI takes attestations only with trusted publishing, for the file they name; publish with --no-attestations to upload without them"
	case r.status == 413:
		e.Hint = "the file is larger than the index allows"
	case r.status == 429:
		e.Hint = "too many requests: try again later"
	case r.status >= 500:
		e.Hint = "the index had a problem; try again later"
	}
	return e
}

// serverMessage extracts the server's explanation: PyPI puts it in the
// reason phrase and, for JSON clients, in {"message": …}; RFC 9457 problem
// details use "detail"/"title"; GitLab uses {"message": …}. HTML and text
// bodies give their first line of text.
func serverMessage(r *response) string {
	var j struct {
		Message any    `json:"message"`
		Code    string `json:"code"`
		Detail  string `json:"detail"`
		Title   string `json:"title"`
	}
	if strings.Contains(r.contentType, "json") && json.Unmarshal(r.body, &j) == nil {
		switch m := j.Message.(type) {
		case string:
			if m != "" {
				return oneLine(stripPrefixStatus(m, r.status))
			}
		case map[string]any, []any:
			data, _ := json.Marshal(m)
			return oneLine(string(data))
		}
		if j.Code != "" {
			return oneLine(stripPrefixStatus(j.Code, r.status))
		}
		if j.Detail != "" {
			return oneLine(j.Detail)
		}
		if j.Title != "" {
			return oneLine(j.Title)
		}
	}
	reason := strings.TrimSpace(strings.TrimPrefix(r.statusLine, strconv.Itoa(r.status)))
	if reason != "" && reason != http.StatusText(r.status) {
		return oneLine(reason)
	}
	// nginx's and Apache's pages start with the status again, GitLab's
	// has it alone in <h1>: the first line that says more is the message.
	code := strconv.Itoa(r.status)
	if text := firstText(string(r.body), func(line string) bool { return line == code }); text != "" {
		return stripPrefixStatus(text, r.status)
	}
	if reason != "" {
		return reason
	}
	return http.StatusText(r.status)
}

func stripPrefixStatus(s string, status int) string {
	return strings.TrimSpace(strings.TrimPrefix(s, strconv.Itoa(status)+" "))
}

// firstText returns the first non-empty line of a body with HTML tags
// (and the head, scripts and styles) removed that skip does not pass
// over, shortened to 300 characters.
func firstText(body string, skip func(string) bool) string {
	for _, tag := range []string{"head", "script", "style"} {
		open, end := "<"+tag, "</"+tag+">"
		lower := lowerASCII(body)
		var kept strings.Builder
		pos := 0
		for {
			i := strings.Index(lower[pos:], open)
			if i < 0 {
				break
			}
			j := strings.Index(lower[pos+i:], end)
			if j < 0 {
				break
			}
			kept.WriteString(body[pos : pos+i])
			pos += i + j + len(end)
		}
		kept.WriteString(body[pos:])
		body = kept.String()
	}
	var b strings.Builder
	in := false
	for _, r := range body {
		switch {
		case r == '<':
			in = true
			b.WriteByte('\n')
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	for _, line := range strings.Split(b.String(), "\n") {
		line = oneLine(html.UnescapeString(line))
		if line == "" || strings.EqualFold(line, "html") || skip(line) {
			continue
		}
		if len(line) > 300 {
			line = line[:300] + "…"
		}
		return line
	}
	return ""
}

// legacyOn is /legacy/ on the host of an upload URL (PyPI's when the URL
// does not parse).
func legacyOn(uploadURL string) string {
	u, err := url.Parse(uploadURL)
	if err != nil || u.Host == "" || u.Scheme == "" {
		return PyPI
	}
	return u.Scheme + "://" + u.Host + "/legacy/"
}

// packageURL is where flit says the package is after an upload.
func packageURL(uploadURL, name string) string {
	u := strings.TrimSuffix(uploadURL, "/")
	if strings.HasSuffix(u, "/legacy") {
		if p, err := url.Parse(u); err == nil {
			return p.Scheme + "://" + strings.TrimPrefix(p.Host, "upload.") + "/project/" + name + "/"
		}
	}
	return Redacted(u) + "/" + name
}
