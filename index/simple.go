package index

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"goflit/check"
)

const simpleJSON = "application/vnd.pypi.simple.v1+json"

func wantsSimpleJSON(r *http.Request) bool {
	if r.URL.Query().Get("format") == simpleJSON {
		return true
	}
	return bestMediaType(r.Header.Get("Accept")) == simpleJSON
}

func (s *Server) projects() []string {
	entries, _ := os.ReadDir(s.opt.Dir)
	var out []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			if _, err := os.Stat(filepath.Join(s.opt.Dir, e.Name(), ".files.json")); err == nil {
				out = append(out, e.Name())
			}
		}
	}
	sort.Strings(out)
	return out
}

func (s *Server) rootPage(w http.ResponseWriter, r *http.Request) {
	projects := s.projects()
	if wantsSimpleJSON(r) {
		type proj struct {
			Name string `json:"name"`
		}
		page := struct {
			Meta     map[string]string `json:"meta"`
			Projects []proj            `json:"projects"`
		}{Meta: map[string]string{"api-version": "1.4"}, Projects: []proj{}}
		for _, p := range projects {
			page.Projects = append(page.Projects, proj{p})
		}
		w.Header().Set("Content-Type", simpleJSON)
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.Encode(page)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html>\n  <head>\n    <meta name=\"pypi:repository-version\" content=\"1.4\">\n    <title>Simple index</title>\n  </head>\n  <body>\n")
	for _, p := range projects {
		fmt.Fprintf(&b, "    <a href=\"%s/\">%s</a><br/>\n", html.EscapeString(p), html.EscapeString(p))
	}
	b.WriteString("  </body>\n</html>\n")
	w.Write([]byte(b.String()))
}

func (s *Server) projectPage(w http.ResponseWriter, r *http.Request, name string) {
	norm := check.Normalize(name)
	if name != norm || !strings.HasSuffix(r.URL.Path, "/") {
		http.Redirect(w, r, "/simple/"+norm+"/", http.StatusMovedPermanently)
		return
	}
	s.mu.Lock()
	recs, err := s.loadRecords(norm)
	s.mu.Unlock()
	if err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	if recs == nil {
		http.NotFound(w, r)
		return
	}
	fileURL := func(fn string) string { return "../../files/" + norm + "/" + fn }
	if wantsSimpleJSON(r) {
		type file struct {
			Filename       string            `json:"filename"`
			URL            string            `json:"url"`
			Hashes         map[string]string `json:"hashes"`
			RequiresPython *string           `json:"requires-python,omitempty"`
			CoreMetadata   any               `json:"core-metadata"`
			Provenance     string            `json:"provenance,omitempty"`
			Size           int64             `json:"size"`
			UploadTime     string            `json:"upload-time"`
			Yanked         bool              `json:"yanked"`
		}
		page := struct {
			Meta     map[string]string `json:"meta"`
			Name     string            `json:"name"`
			Files    []file            `json:"files"`
			Versions []string          `json:"versions"`
		}{Meta: map[string]string{"api-version": "1.4"}, Name: norm, Files: []file{}, Versions: []string{}}
		seen := map[string]bool{}
		for _, rec := range recs {
			f := file{Filename: rec.Filename, URL: fileURL(rec.Filename), Hashes: map[string]string{"sha256": rec.SHA256}, // pip 23.0 refuses unknown hash names
				Size: rec.Size, UploadTime: rec.UploadTime.UTC().Format("2006-01-02T15:04:05.000000Z"), CoreMetadata: false}
			if rec.RequiresPython != "" {
				rp := rec.RequiresPython
				f.RequiresPython = &rp
			}
			if rec.MetadataSHA256 != "" {
				// PEP 714's name only: pip 23.0 (Debian bookworm) crashes on
				// the older "dist-info-metadata" key when it holds hashes.
				f.CoreMetadata = map[string]string{"sha256": rec.MetadataSHA256}
			}
			if rec.Provenance {
				f.Provenance = provenanceURL(norm, rec)
			}
			page.Files = append(page.Files, f)
			if !seen[rec.Version] {
				seen[rec.Version] = true
				page.Versions = append(page.Versions, rec.Version)
			}
		}
		w.Header().Set("Content-Type", simpleJSON)
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.Encode(page)
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html>\n  <head>\n    <meta name=\"pypi:repository-version\" content=\"1.4\">\n    <title>Links for %s</title>\n  </head>\n  <body>\n    <h1>Links for %s</h1>\n", html.EscapeString(norm), html.EscapeString(norm))
	for _, rec := range recs {
		attrs := ""
		if rec.RequiresPython != "" {
			attrs += fmt.Sprintf(` data-requires-python="%s"`, html.EscapeString(rec.RequiresPython))
		}
		if rec.MetadataSHA256 != "" {
			attrs += fmt.Sprintf(` data-dist-info-metadata="sha256=%s" data-core-metadata="sha256=%s"`, rec.MetadataSHA256, rec.MetadataSHA256)
		}
		if rec.Provenance {
			attrs += fmt.Sprintf(` data-provenance="%s"`, html.EscapeString(provenanceURL(norm, rec)))
		}
		fmt.Fprintf(&b, "    <a href=\"%s#sha256=%s\"%s>%s</a><br/>\n", html.EscapeString(fileURL(rec.Filename)), rec.SHA256, attrs, html.EscapeString(rec.Filename))
	}
	b.WriteString("  </body>\n</html>\n")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write([]byte(b.String()))
}

func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, rel string) {
	clean := path.Clean("/" + rel)[1:]
	parts := strings.Split(clean, "/")
	if len(parts) != 2 || strings.HasPrefix(parts[0], ".") || strings.HasPrefix(parts[1], ".") {
		http.NotFound(w, r)
		return
	}
	p := filepath.Join(s.opt.Dir, parts[0], parts[1])
	if strings.HasSuffix(p, ".metadata") {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	} else {
		w.Header().Set("Content-Type", "application/octet-stream")
	}
	http.ServeFile(w, r, p)
}
