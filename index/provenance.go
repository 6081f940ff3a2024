package index

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"goflit/check"
)

// The PEP 740 side of the index. An upload's "attestations" field is
// checked with goflit/upload/attest (structure, and the one in-toto
// subject against the file's name and sha256; not the Sigstore signature,
// not the publisher identity, and unlike PyPI any credentials may upload
// attestations), then stored as a provenance object in
// DIR/<name>/<filename>.provenance and served by the integrity API,
// GET /integrity/<project>/<version>/<filename>/provenance, which the
// simple API links to ("provenance" in JSON, data-provenance in HTML).

// integrityType is the integrity API's media type.
const integrityType = "application/vnd.pypi.integrity.v1+json"

// provenanceObject wraps checked attestations in PEP 740's provenance
// object. The publisher is not verified, so its kind says so.
func provenanceObject(atts []json.RawMessage) ([]byte, error) {
	type publisher struct {
		Kind   string         `json:"kind"`
		Claims map[string]any `json:"claims"`
	}
	type bundle struct {
		Publisher    publisher         `json:"publisher"`
		Attestations []json.RawMessage `json:"attestations"`
	}
	p := struct {
		Version int      `json:"version"`
		Bundles []bundle `json:"attestation_bundles"`
	}{Version: 1, Bundles: []bundle{{Publisher: publisher{Kind: "unverified", Claims: map[string]any{}}, Attestations: atts}}}
	return json.Marshal(p)
}

// provenanceURL is the integrity API path of a file's provenance,
// relative to a project's simple page (/simple/<name>/).
func provenanceURL(norm string, rec record) string {
	return "../../integrity/" + url.PathEscape(norm) + "/" + url.PathEscape(rec.Version) + "/" + url.PathEscape(rec.Filename) + "/provenance"
}

// serveProvenance answers GET /integrity/<project>/<version>/<filename>/provenance.
func (s *Server) serveProvenance(w http.ResponseWriter, r *http.Request, rest string) {
	parts := strings.Split(rest, "/")
	if len(parts) != 4 || parts[3] != "provenance" || parts[0] == "" || parts[2] == "" {
		http.NotFound(w, r)
		return
	}
	name, version, fn := parts[0], parts[1], parts[2]
	norm := check.Normalize(name)
	s.mu.Lock()
	recs, err := s.loadRecords(norm)
	s.mu.Unlock()
	if err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	for _, rec := range recs {
		if rec.Filename != fn || rec.Version != version {
			continue
		}
		if !rec.Provenance {
			writeJSON(w, 404, map[string]string{"message": "No provenance available for " + fn})
			return
		}
		data, err := os.ReadFile(filepath.Join(s.projectDir(norm), fn+".provenance"))
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Header().Set("Content-Type", integrityType)
		w.Write(data)
		return
	}
	writeJSON(w, 404, map[string]string{"message": "Project, version or file not found"})
}
