package upload

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"goflit/check"
	"goflit/names"
)

// SimpleURL derives the simple index from an upload URL, as uv's
// --check-url would be set by hand: PyPI and TestPyPI map to their
// /simple/, and an upload path ending in /legacy/ becomes /simple/.
func SimpleURL(uploadURL string) string {
	u, err := url.Parse(uploadURL)
	if err != nil {
		return ""
	}
	u.User = nil
	switch u.Host {
	case "upload.pypi.org":
		return "https://pypi.org/simple/"
	case "test.pypi.org":
		return "https://test.pypi.org/simple/"
	}
	p := strings.TrimSuffix(u.Path, "/")
	if strings.HasSuffix(p, "/legacy") {
		u.Path = strings.TrimSuffix(p, "legacy") + "simple/"
		return u.String()
	}
	return ""
}

// IndexFile is one file of a project on a simple index.
type IndexFile struct {
	Filename string
	URL      string
	SHA256   string
}

// ProjectFiles lists a project's files through the simple API, preferring
// PEP 691 JSON and reading PEP 503 HTML otherwise. A 404 is an empty list.
func ProjectFiles(ctx context.Context, client *http.Client, simpleURL, project string) ([]IndexFile, error) {
	return projectFiles(ctx, client, simpleURL, project, nil)
}

// projectFiles is ProjectFiles with the upload credentials sent along when
// the simple index is on the upload host (private indexes need them).
func projectFiles(ctx context.Context, client *http.Client, simpleURL, project string, t *Target) ([]IndexFile, error) {
	base := strings.TrimSuffix(simpleURL, "/") + "/" + names.Normalize(project) + "/"
	req, err := http.NewRequestWithContext(ctx, "GET", base, nil)
	if err != nil {
		return nil, fmt.Errorf("check URL %q: %v", Redacted(simpleURL), err)
	}
	req.Header.Set("Accept", "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.1")
	if client == nil {
		client = http.DefaultClient
	}
	if t != nil && (t.Username != "" || t.Password != "") && sameHost(simpleURL, t.URL) {
		req.SetBasicAuth(t.Username, t.Password)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, &transientError{fmt.Errorf("checking %s for existing files: %v", Redacted(base), err)}
	}
	defer resp.Body.Close()
	if resp.StatusCode == 404 {
		return nil, nil
	}
	if resp.StatusCode == 429 || resp.StatusCode >= 500 {
		return nil, &transientError{fmt.Errorf("checking %s for existing files: %s", Redacted(base), resp.Status)}
	}
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("checking %s for existing files: %s (is --check-url a simple index?)", Redacted(base), resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, &transientError{fmt.Errorf("checking %s for existing files: %v", Redacted(base), err)}
	}
	if strings.Contains(resp.Header.Get("Content-Type"), "json") {
		return parseSimpleJSON(data)
	}
	return parseSimpleHTML(string(data)), nil
}

func parseSimpleJSON(data []byte) ([]IndexFile, error) {
	var page struct {
		Files []struct {
			Filename string            `json:"filename"`
			URL      string            `json:"url"`
			Hashes   map[string]string `json:"hashes"`
		} `json:"files"`
	}
	if err := json.Unmarshal(data, &page); err != nil {
		return nil, fmt.Errorf("simple API JSON: %v", err)
	}
	var out []IndexFile
	for _, f := range page.Files {
		out = append(out, IndexFile{Filename: f.Filename, URL: f.URL, SHA256: f.Hashes["sha256"]})
	}
	return out, nil
}

// parseSimpleHTML reads the anchors of a PEP 503 page: the text is the
// file name, the href fragment "#sha256=…" the hash.
func parseSimpleHTML(page string) []IndexFile {
	var out []IndexFile
	rest := page
	for {
		i := strings.Index(lowerASCII(rest), "<a ")
		if i < 0 {
			return out
		}
		rest = rest[i:]
		end := strings.IndexByte(rest, '>')
		if end < 0 {
			return out
		}
		tag := rest[:end]
		closeAt := strings.Index(lowerASCII(rest[end:]), "</a>")
		if closeAt < 0 {
			return out
		}
		text := strings.TrimSpace(unescape(rest[end+1 : end+closeAt]))
		href := attr(tag, "href")
		f := IndexFile{Filename: text, URL: href}
		if _, frag, ok := strings.Cut(href, "#"); ok {
			if v, ok := strings.CutPrefix(frag, "sha256="); ok {
				f.SHA256 = v
			}
		}
		if f.Filename == "" {
			if u, err := url.Parse(href); err == nil {
				f.Filename = u.Path[strings.LastIndexByte(u.Path, '/')+1:]
			}
		}
		out = append(out, f)
		rest = rest[end+closeAt:]
	}
}

func attr(tag, name string) string {
	lower := lowerASCII(tag)
	i := strings.Index(lower, name+"=")
	if i < 0 {
		return ""
	}
	v := tag[i+len(name)+1:]
	if v == "" {
		return ""
	}
	if q := v[0]; q == '"' || q == '\'' {
		if j := strings.IndexByte(v[1:], q); j >= 0 {
			return unescape(v[1 : 1+j])
		}
		return ""
	}
	if j := strings.IndexAny(v, " \t\n>"); j >= 0 {
		v = v[:j]
	}
	return unescape(v)
}

func unescape(s string) string {
	r := strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#39;", "'", "&#x27;", "'")
	return r.Replace(s)
}

// existing reports whether d is on the index with the same sha256; the
// same name with other content is an error.
func (c *Client) existing(ctx context.Context, checkURL string, target *Target, d *check.Dist, dg Digests) (bool, error) {
	if checkURL == "" {
		return false, fmt.Errorf("%s: --skip-existing needs the index's simple API: cannot derive it from the upload URL, pass --check-url", d.Filename)
	}
	idle := c.idleTimeout()
	retries, backoff := c.retries()
	var files []IndexFile
	for attempt := 0; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, idle) // a stalled index must not hang flit
		var err error
		files, err = projectFiles(actx, c.http(), checkURL, d.Meta.Metadata.Name, target)
		cancel()
		var te *transientError
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		if !errors.As(err, &te) || retries < 0 || attempt >= retries {
			return false, err
		}
		wait := backoff << attempt
		c.log().Warnf("%v (retrying in %s, attempt %d of %d)", err, wait, attempt+2, retries+1)
		if err := c.sleep(ctx, wait); err != nil {
			return false, err
		}
	}
	for _, f := range files {
		if f.Filename != d.Filename {
			continue
		}
		switch {
		case f.SHA256 == "":
			return false, fmt.Errorf("%s: is on the index, which gives no sha256 to compare: cannot tell whether it is the same file", d.Filename)
		case strings.EqualFold(f.SHA256, dg.SHA256):
			return true, nil
		default:
			return false, fmt.Errorf("%s: a different file with this name is already on the index (sha256 %s there, %s here): bump the version", d.Filename, f.SHA256, dg.SHA256)
		}
	}
	return false, nil
}

// transientError is a failed simple API request worth retrying
// (connection error, 429, 5xx).
type transientError struct{ err error }

func (e *transientError) Error() string { return e.err.Error() }
func (e *transientError) Unwrap() error { return e.err }

func sameHost(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	return err1 == nil && err2 == nil && ua.Scheme == ub.Scheme && ua.Host == ub.Host
}

// lowerASCII lowercases only A-Z, keeping every byte offset of s valid in
// the result (strings.ToLower turns invalid UTF-8 into 3-byte U+FFFD, which
// shifts offsets: found by FuzzSimpleHTML).
func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
