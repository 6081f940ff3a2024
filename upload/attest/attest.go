// Package attest checks the structure of PEP 740 attestations: the JSON
// object that `flit publish` sends in the upload form's "attestations"
// field and `flit serve` stores. It checks that an attestation is for a
// given file (its in-toto statement names the file and its sha256); it
// does not verify the Sigstore signature, the certificate or the
// transparency log entries. Stdlib only, no I/O.
package attest

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// StatementType is the in-toto Statement v1 type PEP 740 requires.
const StatementType = "https://in-toto.io/Statement/v1"

// PublishV1 is PyPI's publish attestation predicate type.
const PublishV1 = "https://docs.pypi.org/attestations/publish/v1"

// MaxSize is the largest attestation accepted (real ones are a few KB).
const MaxSize = 1 << 20

// Statement is the part of an in-toto statement that is checked.
type Statement struct {
	Type          string    `json:"_type"`
	Subject       []Subject `json:"subject"`
	PredicateType string    `json:"predicateType"`
}

// Subject is one artifact an in-toto statement is about.
type Subject struct {
	Name   string            `json:"name"`
	Digest map[string]string `json:"digest"`
}

// Checked is an attestation that passed Check.
type Checked struct {
	// JSON is the attestation object, compacted (no insignificant space).
	JSON          json.RawMessage
	PredicateType string
}

// Check parses one PEP 740 attestation object and checks its structure:
// version 1, verification_material with a certificate and transparency
// entries, an envelope whose base64 statement is an in-toto v1 statement
// with exactly one subject named filename whose sha256 digest is sha256
// (hex). The error says what is wrong, without naming the attestation.
func Check(data []byte, filename, sha256 string) (*Checked, error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%d bytes, more than the %d an attestation may have", len(data), MaxSize)
	}
	var obj map[string]json.RawMessage
	if err := strictUnmarshal(data, &obj); err != nil {
		return nil, fmt.Errorf("not a JSON object: %v", jsonErr(err, ""))
	}
	if obj == nil {
		return nil, errors.New("not a JSON object: null")
	}
	if raw, ok := obj["version"]; !ok {
		return nil, errors.New(`no "version" (PEP 740 attestations have "version": 1)`)
	} else if strings.TrimSpace(string(raw)) != "1" {
		return nil, fmt.Errorf(`"version" is %s, not 1 (the only PEP 740 attestation version)`, oneLine(raw))
	}
	if err := checkMaterial(obj["verification_material"]); err != nil {
		return nil, err
	}
	st, err := checkEnvelope(obj["envelope"])
	if err != nil {
		return nil, err
	}
	if st.Type != StatementType {
		return nil, fmt.Errorf("statement _type is %q, not %q", st.Type, StatementType)
	}
	if st.PredicateType == "" {
		return nil, errors.New("statement has no predicateType")
	}
	if len(st.Subject) != 1 {
		return nil, fmt.Errorf("statement has %d subjects, not exactly one", len(st.Subject))
	}
	sub := st.Subject[0]
	if sub.Name != filename {
		return nil, fmt.Errorf("statement subject is %q, not the file %q", sub.Name, filename)
	}
	got, ok := sub.Digest["sha256"]
	if !ok {
		return nil, fmt.Errorf("statement subject %q has no sha256 digest", sub.Name)
	}
	if !strings.EqualFold(got, sha256) {
		return nil, fmt.Errorf("statement subject's sha256 %s does not match the file's sha256 %s (an attestation for another build of %s?)", digestText(got), digestText(sha256), filename)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, data); err != nil {
		return nil, fmt.Errorf("not a JSON object: %v", err)
	}
	return &Checked{JSON: buf.Bytes(), PredicateType: st.PredicateType}, nil
}

// CheckList checks the upload form's "attestations" value: a non-empty
// JSON array of attestation objects for the file, at most one per
// predicate type. It returns the compacted objects.
func CheckList(data []byte, filename, sha256 string) ([]json.RawMessage, error) {
	var list []json.RawMessage
	if err := strictUnmarshal(data, &list); err != nil {
		return nil, fmt.Errorf("not a JSON array of attestations: %v", jsonErr(err, ""))
	}
	if len(list) == 0 {
		return nil, errors.New("an empty list of attestations")
	}
	seen := map[string]bool{}
	out := make([]json.RawMessage, 0, len(list))
	for i, raw := range list {
		c, err := Check(raw, filename, sha256)
		if err != nil {
			return nil, fmt.Errorf("attestation %d: %v", i+1, err)
		}
		if seen[c.PredicateType] {
			return nil, fmt.Errorf("more than one attestation with predicate type %q", c.PredicateType)
		}
		seen[c.PredicateType] = true
		out = append(out, c.JSON)
	}
	return out, nil
}

func checkMaterial(raw json.RawMessage) error {
	if raw == nil {
		return errors.New(`no "verification_material"`)
	}
	var vm struct {
		Certificate         *string           `json:"certificate"`
		TransparencyEntries []json.RawMessage `json:"transparency_entries"`
	}
	if err := strictUnmarshal(raw, &vm); err != nil {
		return fmt.Errorf(`malformed "verification_material": %v`, jsonErr(err, "verification_material."))
	}
	if vm.Certificate == nil || *vm.Certificate == "" {
		return errors.New(`no verification_material.certificate`)
	}
	if _, err := base64.StdEncoding.DecodeString(*vm.Certificate); err != nil {
		return errors.New("verification_material.certificate is not base64")
	}
	if len(vm.TransparencyEntries) == 0 {
		return errors.New("no verification_material.transparency_entries")
	}
	for _, e := range vm.TransparencyEntries {
		if len(e) == 0 || e[0] != '{' {
			return errors.New("verification_material.transparency_entries holds something other than objects")
		}
	}
	return nil
}

func checkEnvelope(raw json.RawMessage) (*Statement, error) {
	if raw == nil {
		return nil, errors.New(`no "envelope"`)
	}
	var env struct {
		Statement *string `json:"statement"`
		Signature *string `json:"signature"`
	}
	if err := strictUnmarshal(raw, &env); err != nil {
		return nil, fmt.Errorf(`malformed "envelope": %v`, jsonErr(err, "envelope."))
	}
	if env.Statement == nil || *env.Statement == "" {
		return nil, errors.New("no envelope.statement")
	}
	if env.Signature == nil || *env.Signature == "" {
		return nil, errors.New("no envelope.signature")
	}
	if _, err := base64.StdEncoding.DecodeString(*env.Signature); err != nil {
		return nil, errors.New("envelope.signature is not base64")
	}
	payload, err := base64.StdEncoding.DecodeString(*env.Statement)
	if err != nil {
		return nil, errors.New("envelope.statement is not base64")
	}
	var st Statement
	if err := strictUnmarshal(payload, &st); err != nil {
		return nil, fmt.Errorf("envelope.statement is not an in-toto statement: %v", jsonErr(err, "statement "))
	}
	return &st, nil
}

// strictUnmarshal decodes one JSON value with numbers kept as text and
// nothing after it.
func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("data after the JSON value")
	}
	return nil
}

// jsonErr describes a decoding error in one line; prefix names where the
// decoded value sits.
func jsonErr(err error, prefix string) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field != "" {
			return fmt.Sprintf("%s%s is a JSON %s, not a %s", prefix, te.Field, te.Value, typeName(te.Type.Kind().String()))
		}
		return fmt.Sprintf("a JSON %s", te.Value)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

func typeName(kind string) string {
	switch kind {
	case "map", "struct":
		return "object"
	case "slice":
		return "array"
	case "ptr":
		return "string"
	}
	return kind
}

func oneLine(raw json.RawMessage) string {
	s := strings.Join(strings.Fields(string(raw)), " ")
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return s
}

// digestText quotes a digest for messages unless it is 64 hex digits (shown
// whole: digests that differ only at the end must look different).
func digestText(s string) string {
	if _, err := hex.DecodeString(s); err != nil || len(s) != 64 {
		return fmt.Sprintf("%q", s)
	}
	return s
}
