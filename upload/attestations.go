package upload

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"goflit/upload/attest"
)

// Attestation is a checked PEP 740 attestation file that goes with a dist.
type Attestation struct {
	Path string // the file, <dist filename>.<kind>.attestation
	Kind string // "publish" for <dist>.publish.attestation
	JSON []byte // the object, compacted
	// Predicate is the statement's predicate type.
	Predicate string
}

// SourceTrustedPublishing is Target.Source for a token minted by trusted
// publishing.
const SourceTrustedPublishing = "trusted publishing"

// AttestationError is a bad attestation file: Path names it, Msg says
// what is wrong.
type AttestationError struct {
	Path string
	Msg  string
}

func (e *AttestationError) Error() string {
	return e.Path + ": " + e.Msg + " (fix or remove the file, or publish with --no-attestations)"
}

// IsAttestation reports whether a file name is an attestation file name,
// <something>.<kind>.attestation.
func IsAttestation(name string) bool {
	base := filepath.Base(name)
	stem, ok := strings.CutSuffix(base, ".attestation")
	return ok && strings.Contains(stem, ".") && !strings.HasSuffix(stem, ".")
}

// FindAttestations lists the attestation files next to a dist,
// <dist filename>.<kind>.attestation, sorted.
func FindAttestations(dist string) ([]string, error) {
	dir, base := filepath.Split(dist)
	if dir == "" {
		dir = "."
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		kind, ok := attestationKind(base, e.Name())
		if ok && kind != "" && !e.IsDir() {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(out)
	return out, nil
}

// attestationKind returns the kind of name when it is an attestation
// file for the dist named base.
func attestationKind(base, name string) (string, bool) {
	rest, ok := strings.CutPrefix(name, base+".")
	if !ok {
		return "", false
	}
	kind, ok := strings.CutSuffix(rest, ".attestation")
	return kind, ok
}

// LoadAttestations finds the attestation files next to dist and checks
// each against the dist's file name and sha256 (structure only: the
// Sigstore signature is not verified). A bad file is an
// *AttestationError.
func LoadAttestations(dist, sha256 string) ([]Attestation, error) {
	paths, err := FindAttestations(dist)
	if err != nil {
		return nil, err
	}
	base := filepath.Base(dist)
	var out []Attestation
	for _, p := range paths {
		kind, _ := attestationKind(base, filepath.Base(p))
		f, err := os.Open(p)
		if err != nil {
			return nil, &AttestationError{Path: p, Msg: "cannot read: " + unwrapPathErr(err)}
		}
		data, err := io.ReadAll(io.LimitReader(f, attest.MaxSize+1))
		f.Close()
		if err != nil {
			return nil, &AttestationError{Path: p, Msg: "cannot read: " + unwrapPathErr(err)}
		}
		c, err := attest.Check(data, base, sha256)
		if err != nil {
			return nil, &AttestationError{Path: p, Msg: err.Error()}
		}
		for _, prev := range out {
			if prev.Predicate == c.PredicateType {
				return nil, &AttestationError{Path: p, Msg: fmt.Sprintf("a second attestation with predicate type %q for %s (%s has it too; PyPI takes one per type)", c.PredicateType, base, filepath.Base(prev.Path))}
			}
		}
		out = append(out, Attestation{Path: p, Kind: kind, JSON: c.JSON, Predicate: c.PredicateType})
	}
	return out, nil
}

func unwrapPathErr(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

// attestationsField is the upload form's "attestations" value: a JSON
// array of the attestation objects.
func attestationsField(atts []Attestation) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, a := range atts {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(a.JSON)
	}
	b.WriteByte(']')
	return b.String()
}

// AttestationWarning returns a warning when attestations are about to go
// to PyPI or TestPyPI with credentials other than trusted publishing,
// which PyPI refuses ("Attestations are only supported when using Trusted
// Publishing"), else "".
func AttestationWarning(t *Target) string {
	u, err := url.Parse(t.URL)
	if err != nil || t.Source == SourceTrustedPublishing {
		return ""
	}
	switch strings.ToLower(u.Hostname()) {
	case "upload.pypi.org", "pypi.org", "test.pypi.org":
	default:
		return ""
	}
	src := t.Source
	if src == "" {
		src = "the configured credentials"
	}
	return fmt.Sprintf("%s accepts attestations only with trusted publishing, not with a token from %s: expect the upload to be refused (use --no-attestations to upload without them)", u.Hostname(), src)
}
