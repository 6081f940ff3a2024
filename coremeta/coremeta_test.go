package coremeta

import (
	"reflect"
	"testing"
)

// The example from flit_core 4.0's own test project, with the Import-Name
// newline bug fixed.
const full = `Metadata-Version: 2.5
Name: Ex.Pkg
Version: 1.0.0rc1
Summary: Example package.
Keywords: a,b
Author: Bob
Author-email: Jane Doe <jane@example.com>
Maintainer-email: m@example.com
Requires-Python: >=3.8
Description-Content-Type: text/markdown
License-Expression: MIT OR Apache-2.0
Classifier: Programming Language :: Python :: 3
License-File: AUTHORS
License-File: LICENSE
License-File: NOTICE.txt
Requires-Dist: requests >=2.6
Requires-Dist: attrs; python_version < '3.10'
Requires-Dist: foo[bar-baz, x-y]
Requires-Dist: sphinx ; extra == "doc"
Requires-Dist: pytest ; extra == "test-extra"
Requires-Dist: mock ; extra == "test-extra" and ( os_name == 'nt')
Project-URL: Documentation, https://example.com/doc
Project-URL: Source, https://example.com/src
Provides-Extra: doc
Provides-Extra: test-extra
Import-Name: ex_pkg

# Ex
`

func fullMeta() Metadata {
	return Metadata{
		MetadataVersion: "2.5", Name: "Ex.Pkg", Version: "1.0.0rc1", Summary: "Example package.",
		Keywords: []string{"a", "b"}, Author: "Bob", AuthorEmail: "Jane Doe <jane@example.com>",
		MaintainerEmail: "m@example.com", RequiresPython: ">=3.8", DescriptionContentType: "text/markdown",
		LicenseExpression: "MIT OR Apache-2.0",
		Classifiers:       []string{"Programming Language :: Python :: 3"},
		LicenseFiles:      []string{"AUTHORS", "LICENSE", "NOTICE.txt"},
		RequiresDist: []string{"requests >=2.6", "attrs; python_version < '3.10'", "foo[bar-baz, x-y]",
			`sphinx ; extra == "doc"`, `pytest ; extra == "test-extra"`, `mock ; extra == "test-extra" and ( os_name == 'nt')`},
		ProjectURLs:   []string{"Documentation, https://example.com/doc", "Source, https://example.com/src"},
		ProvidesExtra: []string{"doc", "test-extra"},
		ImportNames:   []string{"ex_pkg"},
		Description:   "# Ex", HasDescription: true,
	}
}

func TestWriteFull(t *testing.T) {
	m := fullMeta()
	if got := string(m.Bytes()); got != full {
		t.Errorf("Write:\n%s\nwant:\n%s", got, full)
	}
}

func TestFolding(t *testing.T) {
	m := Metadata{MetadataVersion: "2.1", Name: "x", Version: "1", Author: "A\nB"}
	want := "Metadata-Version: 2.1\nName: x\nVersion: 1\nAuthor: A\n        B\n"
	if got := string(m.Bytes()); got != want {
		t.Errorf("got %q want %q", got, want)
	}
	f, err := Parse([]byte(want))
	if err != nil {
		t.Fatal(err)
	}
	if f.Metadata.Author != "A\nB" {
		t.Errorf("unfolded author = %q", f.Metadata.Author)
	}
}

func TestRoundTrip(t *testing.T) {
	f, err := Parse([]byte(full))
	if err != nil {
		t.Fatal(err)
	}
	if want := fullMeta(); !reflect.DeepEqual(f.Metadata, want) {
		t.Errorf("Parse:\n%#v\nwant\n%#v", f.Metadata, want)
	}
	if got := string(f.Metadata.Bytes()); got != full {
		t.Errorf("round trip differs:\n%s", got)
	}
	if len(f.Unknown) != 0 {
		t.Errorf("unknown fields: %v", f.Unknown)
	}
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{" leading continuation\n", "Name x\n", "Bad Name: x\n"} {
		if _, err := Parse([]byte(in)); err == nil {
			t.Errorf("Parse(%q): want error", in)
		}
	}
	f, err := Parse([]byte("Metadata-Version: 1.0\r\nName: x\r\nDescription: hello\r\nX-Custom: 1\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if f.Metadata.Description != "hello" || len(f.Unknown) != 1 || f.Metadata.Name != "x" {
		t.Errorf("got %#v unknown %v", f.Metadata, f.Unknown)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(full))
	f.Add([]byte("Name: x\n  cont\n\nbody"))
	f.Fuzz(func(t *testing.T, data []byte) {
		pf, err := Parse(data)
		if err != nil {
			return
		}
		// Writing and re-parsing what was parsed must be stable.
		out := pf.Metadata.Bytes()
		pf2, err := Parse(out)
		if err != nil {
			t.Fatalf("re-parse of written metadata failed: %v\n%q", err, out)
		}
		if out2 := pf2.Metadata.Bytes(); string(out2) != string(out) {
			t.Fatalf("not a fixed point:\n%q\n%q", out, out2)
		}
	})
}

func TestBlankFields(t *testing.T) {
	m := Metadata{MetadataVersion: "2.1", Name: "x", Version: "1", Blank: []string{"Summary", "Keywords"}}
	want := "Metadata-Version: 2.1\nName: x\nVersion: 1\nSummary: \nKeywords: \n"
	if got := string(m.Bytes()); got != want {
		t.Fatalf("got %q want %q", got, want)
	}
	f, err := Parse([]byte(want))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(f.Metadata.Bytes()); got != want {
		t.Fatalf("round trip %q", got)
	}
}
