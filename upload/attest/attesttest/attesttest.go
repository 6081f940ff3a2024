// Package attesttest builds PEP 740 attestations for tests: real structure
// (an in-toto statement in a DSSE envelope with verification material),
// fake signature and certificate. Nothing here verifies with Sigstore.
package attesttest

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strconv"

	"goflit/upload/attest"
)

// Subject is one (name, sha256 hex) pair of a statement.
type Subject struct{ Name, SHA256 string }

// Statement returns an in-toto v1 statement about subjects with the given
// predicate type and an empty predicate.
func Statement(predicateType string, subjects ...Subject) []byte {
	type sub struct {
		Name   string            `json:"name"`
		Digest map[string]string `json:"digest"`
	}
	st := struct {
		Type          string         `json:"_type"`
		Subject       []sub          `json:"subject"`
		PredicateType string         `json:"predicateType"`
		Predicate     map[string]any `json:"predicate"`
	}{Type: attest.StatementType, Subject: []sub{}, PredicateType: predicateType, Predicate: map[string]any{}}
	for _, s := range subjects {
		st.Subject = append(st.Subject, sub{s.Name, map[string]string{"sha256": s.SHA256}})
	}
	data, _ := json.Marshal(st)
	return data
}

// Object returns a PEP 740 attestation object (as generic JSON, for tests
// to break) wrapping statement: the DSSE "signature" is a SHA-256 of the
// DSSE pre-authentication encoding, the certificate is not one.
func Object(statement []byte) map[string]any {
	const payloadType = "application/vnd.in-toto+json"
	pae := "DSSEv1 " + strconv.Itoa(len(payloadType)) + " " + payloadType + " " + strconv.Itoa(len(statement)) + " " + string(statement)
	sig := sha256.Sum256([]byte(pae))
	return map[string]any{
		"version": 1,
		"verification_material": map[string]any{
			"certificate": base64.StdEncoding.EncodeToString([]byte("fake DER certificate for tests")),
			"transparency_entries": []any{map[string]any{
				"logIndex":       "1",
				"logId":          map[string]any{"keyId": base64.StdEncoding.EncodeToString(make([]byte, 32))},
				"kindVersion":    map[string]any{"kind": "dsse", "version": "0.0.1"},
				"integratedTime": "1700000000",
			}},
		},
		"envelope": map[string]any{
			"statement": base64.StdEncoding.EncodeToString(statement),
			"signature": base64.StdEncoding.EncodeToString(sig[:]),
		},
	}
}

// JSON encodes an attestation object with two-space indentation, the way
// attestation files usually look.
func JSON(obj map[string]any) []byte {
	data, _ := json.MarshalIndent(obj, "", "  ")
	return append(data, '\n')
}

// For returns a well-formed publish attestation for a file.
func For(filename, sha256 string) []byte {
	return JSON(Object(Statement(attest.PublishV1, Subject{filename, sha256})))
}
