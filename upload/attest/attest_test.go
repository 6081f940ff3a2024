package attest_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"goflit/upload/attest"
	"goflit/upload/attest/attesttest"
)

const (
	file = "demo_pkg-1.0-py3-none-any.whl"
	sum  = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	sum2 = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
)

func good() map[string]any {
	return attesttest.Object(attesttest.Statement(attest.PublishV1, attesttest.Subject{Name: file, SHA256: sum}))
}

func with(edit func(o map[string]any)) []byte {
	o := good()
	edit(o)
	return attesttest.JSON(o)
}

func withStatement(st string) []byte {
	return with(func(o map[string]any) {
		o["envelope"].(map[string]any)["statement"] = base64.StdEncoding.EncodeToString([]byte(st))
	})
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		want string // "" = accepted
	}{
		{"good", attesttest.For(file, sum), ""},
		{"upper-case digest", attesttest.For(file, strings.ToUpper(sum)), ""},
		{"SLSA predicate", attesttest.JSON(attesttest.Object(attesttest.Statement("https://slsa.dev/provenance/v1", attesttest.Subject{Name: file, SHA256: sum}))), ""},
		{"wrong name", attesttest.For("demo_pkg-1.0.tar.gz", sum), `statement subject is "demo_pkg-1.0.tar.gz", not the file "demo_pkg-1.0-py3-none-any.whl"`},
		{"wrong digest", attesttest.For(file, sum2), "statement subject's sha256 " + sum2 + " does not match the file's sha256 " + sum + " (an attestation for another build of demo_pkg-1.0-py3-none-any.whl?)"},
		{"not JSON", []byte("-----BEGIN SIGSTORE BUNDLE-----\n"), "not a JSON object: invalid character '-' in numeric literal"},
		{"JSON array", []byte(`[{}]`), "not a JSON object: a JSON array"},
		{"null", []byte(`null`), "not a JSON object: null"},
		{"trailing data", append(attesttest.For(file, sum), "{}"...), "not a JSON object: data after the JSON value"},
		{"two subjects", attesttest.JSON(attesttest.Object(attesttest.Statement(attest.PublishV1,
			attesttest.Subject{Name: file, SHA256: sum}, attesttest.Subject{Name: "demo_pkg-1.0.tar.gz", SHA256: sum2}))), "statement has 2 subjects, not exactly one"},
		{"no subjects", attesttest.JSON(attesttest.Object(attesttest.Statement(attest.PublishV1))), "statement has 0 subjects, not exactly one"},
		{"no version", with(func(o map[string]any) { delete(o, "version") }), `no "version" (PEP 740 attestations have "version": 1)`},
		{"version 2", with(func(o map[string]any) { o["version"] = 2 }), `"version" is 2, not 1 (the only PEP 740 attestation version)`},
		{"version string", with(func(o map[string]any) { o["version"] = "1" }), `"version" is "1", not 1 (the only PEP 740 attestation version)`},
		{"no verification material", with(func(o map[string]any) { delete(o, "verification_material") }), `no "verification_material"`},
		{"verification material not an object", with(func(o map[string]any) { o["verification_material"] = "x" }), `malformed "verification_material": a JSON string`},
		{"no certificate", with(func(o map[string]any) { delete(o["verification_material"].(map[string]any), "certificate") }), "no verification_material.certificate"},
		{"certificate not base64", with(func(o map[string]any) { o["verification_material"].(map[string]any)["certificate"] = "not base64!" }), "verification_material.certificate is not base64"},
		{"no transparency entries", with(func(o map[string]any) { o["verification_material"].(map[string]any)["transparency_entries"] = []any{} }), "no verification_material.transparency_entries"},
		{"no envelope", with(func(o map[string]any) { delete(o, "envelope") }), `no "envelope"`},
		{"no signature", with(func(o map[string]any) { delete(o["envelope"].(map[string]any), "signature") }), "no envelope.signature"},
		{"statement not base64", with(func(o map[string]any) { o["envelope"].(map[string]any)["statement"] = "{...}" }), "envelope.statement is not base64"},
		{"statement number", with(func(o map[string]any) { o["envelope"].(map[string]any)["statement"] = 7 }), `malformed "envelope": envelope.statement is a JSON number, not a string`},
		{"statement not JSON", withStatement("hello"), "envelope.statement is not an in-toto statement: invalid character 'h' looking for beginning of value"},
		{"statement type", withStatement(`{"_type":"https://in-toto.io/Statement/v0.1","subject":[],"predicateType":"x"}`), `statement _type is "https://in-toto.io/Statement/v0.1", not "https://in-toto.io/Statement/v1"`},
		{"no predicate type", withStatement(`{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"` + file + `","digest":{"sha256":"` + sum + `"}}]}`), "statement has no predicateType"},
		{"no sha256", withStatement(`{"_type":"https://in-toto.io/Statement/v1","predicateType":"x","subject":[{"name":"` + file + `","digest":{"sha512":"ab"}}]}`), `statement subject "demo_pkg-1.0-py3-none-any.whl" has no sha256 digest`},
		{"too big", append(attesttest.For(file, sum), make([]byte, attest.MaxSize)...), fmt.Sprintf("%d bytes, more than the 1048576 an attestation may have", len(attesttest.For(file, sum))+attest.MaxSize)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := attest.Check(tc.data, file, sum)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if !json.Valid(c.JSON) || strings.ContainsAny(string(c.JSON), "\n ") {
					t.Errorf("not compact JSON: %s", c.JSON)
				}
				return
			}
			if err == nil || err.Error() != tc.want {
				t.Fatalf("got  %v\nwant %s", err, tc.want)
			}
		})
	}
}

func TestCheckList(t *testing.T) {
	one := attesttest.For(file, sum)
	slsa := attesttest.JSON(attesttest.Object(attesttest.Statement("https://slsa.dev/provenance/v1", attesttest.Subject{Name: file, SHA256: sum})))
	list := func(items ...[]byte) []byte {
		return []byte("[" + strings.Join(func() []string {
			var s []string
			for _, it := range items {
				s = append(s, string(it))
			}
			return s
		}(), ",") + "]")
	}
	got, err := attest.CheckList(list(one, slsa), file, sum)
	if err != nil || len(got) != 2 {
		t.Fatalf("got %d, %v", len(got), err)
	}
	for _, tc := range []struct{ name, data, want string }{
		{"object", string(one), "not a JSON array of attestations: a JSON object"},
		{"empty", "[]", "an empty list of attestations"},
		{"same predicate twice", string(list(one, one)), `more than one attestation with predicate type "https://docs.pypi.org/attestations/publish/v1"`},
		{"second wrong", string(list(one, attesttest.For(file, sum2))), "attestation 2: statement subject's sha256 " + sum2 + " does not match the file's sha256 " + sum + " (an attestation for another build of demo_pkg-1.0-py3-none-any.whl?)"},
	} {
		if _, err := attest.CheckList([]byte(tc.data), file, sum); err == nil || err.Error() != tc.want {
			t.Errorf("%s: got  %v\nwant %s", tc.name, err, tc.want)
		}
	}
}

func FuzzCheck(f *testing.F) {
	f.Add(attesttest.For(file, sum))
	f.Add(withStatement(`{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":1}]}`))
	f.Add([]byte(`{"version":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := attest.Check(data, file, sum)
		if err == nil && !json.Valid(c.JSON) {
			t.Fatalf("accepted invalid JSON %q", data)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Fatalf("multi-line error %q", err)
		}
	})
}
