package pep440

import (
	"fmt"
	"testing"

	"goflit/internal/testutil"
)

// flit_core's test_versionno cases plus the examples in flit.md §3.4.
func TestNormalizeFlit(t *testing.T) {
	tests := []struct{ in, want string }{
		{"4.3.1", "4.3.1"},
		{"1.0b2", "1.0b2"},
		{"2!1.3", "2!1.3"},
		{"1.0B2", "1.0b2"},
		{"1.0.b2", "1.0b2"},
		{"1.0beta2", "1.0b2"},
		{"1.01beta002", "1.1b2"},
		{"1.0-preview2", "1.0rc2"},
		{"1.0_c", "1.0rc0"},
		{"1.0post-2", "1.0.post2"},
		{"1.0post", "1.0.post0"},
		{"1.0-rev3", "1.0.post3"},
		{"1.0-2", "1.0.post2"},
		{"1.0dev-2", "1.0.dev2"},
		{"1.0dev", "1.0.dev0"},
		{"1.0-dev3", "1.0.dev3"},
		{"1.0+ubuntu-01", "1.0+ubuntu.1"},
		{"v1.3-pre2", "1.3rc2"},
		{" 1.2.5.6\t", "1.2.5.6"},
		{"1.0-alpha3-post02+ubuntu_xenial_5", "1.0a3.post2+ubuntu.xenial.5"},
		{"0.03", "0.3"},
		{"1.01", "1.1"},
		{"1.0.0-RC1", "1.0.0rc1"},
		{"0!1.0", "0!1.0"},
		{"1.0a-1", "1.0a1"},
		{"1.0-r", "1.0.post0"},
		{"1.0rc", "1.0rc0"},
		{"1.0preview", "1.0rc0"},
		{"1.0alpha", "1.0a0"},
		{"1.0.post.dev", "1.0.post0.dev0"},
		{"1.0+ABC.007", "1.0+abc.7"},
		{"100000000000000000000000.1", "100000000000000000000000.1"},
	}
	for _, tt := range tests {
		got, err := Normalize(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("Normalize(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestNormalizeErrors(t *testing.T) {
	tests := []struct{ in, msg string }{
		{"abc", "Version number 'abc' does not match PEP 440 rules"},
		{"3!", "Version number '3!' does not match PEP 440 rules"},
		{"", "Version number '' does not match PEP 440 rules"},
		{"1.0\n-x", `Version number '1.0\n-x' does not match PEP 440 rules`},
		{"it's", `Version number "it's" does not match PEP 440 rules`},
		{"1.0+", "Version number '1.0+' does not match PEP 440 rules"},
		{"1..0", "Version number '1..0' does not match PEP 440 rules"},
		{"1.0-", "Version number '1.0-' does not match PEP 440 rules"},
		{"1.0+a_", "Version number '1.0+a_' does not match PEP 440 rules"},
		{"1.0.*", "Version number '1.0.*' does not match PEP 440 rules"},
	}
	for _, tt := range tests {
		_, err := Normalize(tt.in)
		if err == nil || err.Error() != tt.msg {
			t.Errorf("Normalize(%q) error = %v, want %q", tt.in, err, tt.msg)
		}
	}
}

func TestOrdering(t *testing.T) {
	// Strictly increasing, from PEP 440's examples.
	order := []string{
		"1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12",
		"1.0b1.dev456", "1.0b2", "1.0b2.post345.dev456", "1.0b2.post345",
		"1.0rc1.dev456", "1.0rc1", "1.0", "1.0+abc.5", "1.0+abc.7", "1.0+5",
		"1.0.post456.dev34", "1.0.post456", "1.0.15", "1.1.dev1", "1!0.1",
	}
	for i := 0; i+1 < len(order); i++ {
		a, b := MustParse(order[i]), MustParse(order[i+1])
		if Compare(a, b) != -1 || Compare(b, a) != 1 {
			t.Errorf("want %s < %s", order[i], order[i+1])
		}
	}
	for _, eq := range [][2]string{{"1.0", "1"}, {"1.0.0", "1"}, {"v1.0", "1"}, {"1.0+AbC", "1.0+abc"}, {"0!1", "1"}, {"1.0+1", "1.0+01"}} {
		if Compare(MustParse(eq[0]), MustParse(eq[1])) != 0 {
			t.Errorf("want %s == %s", eq[0], eq[1])
		}
	}
}

func TestAccessors(t *testing.T) {
	v := MustParse("2!1.02.3rc4.post5.dev6+Ubuntu-1")
	if v.String() != "2!1.2.3rc4.post5.dev6+ubuntu.1" || v.Public() != "2!1.2.3rc4.post5.dev6" ||
		v.Local() != "ubuntu.1" || v.Epoch() != 2 || fmt.Sprint(v.Release()) != "[1 2 3]" ||
		!v.IsPrerelease() || !v.IsDevrelease() || !v.IsPostrelease() || v.BaseVersion() != "2!1.2.3" {
		t.Errorf("accessors wrong for %#v", v)
	}
	if l, n := v.Pre(); l != "rc" || n != 4 {
		t.Errorf("Pre() = %s %d", l, n)
	}
	f := MustParse("1.0.post1")
	if f.IsPrerelease() || !f.IsPostrelease() || f.Local() != "" || f.HasLocal() {
		t.Errorf("accessors wrong for %#v", f)
	}
}

func TestSpecifierTable(t *testing.T) {
	tests := []struct {
		spec, version string
		want, wantPre bool // Contains(v, false), Contains(v, true)
	}{
		{">=1.0", "1.0", true, true},
		{">=1.0", "1.1a1", false, true},
		{">=1.0a1", "1.1a1", true, true},
		{"==1.*", "1.5", true, true},
		{"==1.*", "2.0", false, false},
		{"==1.0.*", "1.0a1", false, true},
		{"!=1.0.*", "1.0.1", false, false},
		{"~=1.4.5", "1.4.9", true, true},
		{"~=1.4.5", "1.5.0", false, false},
		{"~=1.4", "1.9", true, true},
		{"==1.0", "1.0+local", true, true},
		{"==1.0+local", "1.0", false, false},
		{"<2.0", "2.0a1", false, false},
		{"<2.0rc1", "2.0a1", false, true}, // "<" never opts in to pre-releases
		{">1.0", "1.0.post1", false, false},
		{">1.0.post1", "1.0.post2", true, true},
		{">1.0", "1.0+local", false, false},
		{"===1.0", "1.0", true, true},
		{"===1.0", "1.0.0", false, false},
		{"<=1.0", "1.0+local", true, true},
		{">=1.0,<2.0,!=1.5", "1.5", false, false},
		{"", "1.0a1", false, true},
		{"", "1.0", true, true},
	}
	for _, tt := range tests {
		ss, err := ParseSpecifierSet(tt.spec)
		if err != nil {
			t.Errorf("ParseSpecifierSet(%q): %v", tt.spec, err)
			continue
		}
		v := MustParse(tt.version)
		if got := ss.Contains(v, false); got != tt.want {
			t.Errorf("%q contains %q = %v, want %v", tt.spec, tt.version, got, tt.want)
		}
		if got := ss.Contains(v, true); got != tt.wantPre {
			t.Errorf("%q contains %q (prereleases) = %v, want %v", tt.spec, tt.version, got, tt.wantPre)
		}
	}
}

func TestSpecifierErrors(t *testing.T) {
	for _, s := range []string{"1.0", "=1.0", "~=1", ">=1.0.*", "<1.0+local", "==1.0a1.*", "=>1.0", ">=1.0 .*", "== 1.0 .*", "===a b", "==="} {
		_, err := ParseSpecifier(s)
		if s == "===" {
			// packaging accepts an empty arbitrary version
			if err != nil {
				t.Errorf("ParseSpecifier(%q): %v", s, err)
			}
			continue
		}
		if err == nil || err.Error() != "Invalid specifier: '"+s+"'" {
			t.Errorf("ParseSpecifier(%q) error = %v", s, err)
		}
	}
	ss, err := ParseSpecifierSet(" >=1.0 , <2 ,, ==1.0.0, ==1")
	if err != nil || ss.String() != "<2,==1.0.0,>=1.0" {
		t.Errorf("ParseSpecifierSet: %q %v", ss.String(), err)
	}
}

// versionCorpus mixes valid, odd and invalid version strings.
var versionCorpus = []string{
	"1.0", "1", "1.0.0", "0", "00", "1.0a1", "1.0A1", "1.0alpha1", "1.0.a.1", "1.0-a-1", "1.0_a_1",
	"1.0b2", "1.0beta", "1.0c1", "1.0rc1", "1.0pre", "1.0preview3", "1.0rc1.post1", "1.0.post1",
	"1.0-1", "1.0-r1", "1.0rev", "1.0post", "1.0.dev1", "1.0dev", "1.0-dev", "1.0.post1.dev2",
	"1.0a1.dev1", "1.0+local", "1.0+LOCAL.1", "1.0+1.2.3", "1.0+abc-01_x", "1!1.0", "0!1.0",
	"2!0.1", "v1.0", "V1.0", " 1.0 ", "\t1.0\n", "1.0.0.0.0", "1.2.3.4.5.6", "1.0a", "1.0a-",
	"1.0-", "1..0", ".1", "1.", "abc", "", "1.0+", "1.0+a..b", "1.0.*", "1.0 a1", "1.0a1a1",
	"1.0.post1.post2", "1.0-1-1", "1.0rc1-1", "1.0-post", "1.0a1+x", "1.0.dev1+x", "01.02.03",
	"1.0rc01", "1.0r", "1.0-r", "1.0_r_", "1.0dev-", "1.0.dev.", "1!", "!1", "1.0+_x", "1.0+x_",
	"1.0\u00a0", "\u20281.0", "1.0\x1f", "１.0", "1.0ＲＣ1", "1.0ſ1", "99999999999999999999999.1",
	"1.0.post1.dev1+ubuntu", "2.0", "2.0a1", "2.0.dev1", "1.5", "1.4.9", "1.4.5", "1.5.0",
	"1.1", "1.1a1", "1.0.1", "1.0.15", "1.0+5", "1.0+abc", "1.0.post0", "3.0", "0.9", "1.0.0.1",
	"1!2.0", "1!2.0.0", "1!2.0.1",
}

var specCorpus = []string{
	"", ">=1.0", ">=1.0a1", "<2.0", "<2.0rc1", "<=1.0", "<=1.0.post1", ">1.0", ">1.0.post1",
	">1.0.dev1", "==1.0", "==1.0.0", "==1.0+local", "==1.0+LOCAL", "==1.*", "==1.0.*", "==1!2.*",
	"==1!2.0.*", "!=1.0", "!=1.0.*", "!=1.0+local", "~=1.0", "~=1.4.5", "~=1.4.5a4", "~=1.0.post1",
	"~=1!1.4", "~=1.0-1", "~=2.0.dev1", "===1.0", "===1.0.0", "===foo", ">=1.0,<2.0", ">=1.0, !=1.5, <2",
	" >= 1.0 ", "==V1.0", ">=1.0a1,<2", "~=1", "=1.0", "1.0", ">=1.0.*", "<1.0+local", "==1.0a1.*",
	">= 1.0 .*", "===a b", ">=1.0,,<3", "==1.0,==1.0.0", "==0!1.0", ">=1!1", "<1!0", "~=0.9",
	"==1.0.post1.dev1", "!=1.0a1", "==1.0a1", ">1.0a1", "<1.0a1", "<=1.0a1", ">=1.0.dev0",
	"=== 1.0", "==1.0.*,!=1.0.1", ">=1.0;", "<(1.0)",
}

type pyVersion struct {
	Valid  bool   `json:"valid"`
	Str    string `json:"str"`
	Public string `json:"public"`
	Local  string `json:"local"`
	Pre    bool   `json:"pre"`
	Post   bool   `json:"post"`
	Dev    bool   `json:"dev"`
}

type pySpec struct {
	Valid    bool     `json:"valid"`
	Str      string   `json:"str"`
	Contains [][]bool `json:"contains"` // per valid version: [default, prereleases=True]
}

const pyScript = `
import json, sys
from packaging.version import Version, InvalidVersion
from packaging.specifiers import SpecifierSet, InvalidSpecifier
data = json.loads(sys.stdin.read())
vs = []
for s in data["versions"]:
    try:
        v = Version(s)
    except InvalidVersion:
        vs.append(None)
        continue
    vs.append(v)
out = {"versions": [], "cmp": [], "specs": []}
for v in vs:
    if v is None:
        out["versions"].append({"valid": False})
    else:
        out["versions"].append({"valid": True, "str": str(v), "public": v.public, "local": v.local or "",
            "pre": v.is_prerelease, "post": v.is_postrelease, "dev": v.is_devrelease})
valid = [v for v in vs if v is not None]
out["cmp"] = [[(a > b) - (a < b) for b in valid] for a in valid]
for s in data["specs"]:
    try:
        ss = SpecifierSet(s)
    except InvalidSpecifier:
        out["specs"].append({"valid": False})
        continue
    res = []
    for v in valid:
        try:
            res.append([ss.contains(v), ss.contains(v, prereleases=True)])
        except InvalidVersion:
            res.append(None)
    out["specs"].append({"valid": True, "str": str(ss), "contains": res})
print(json.dumps(out))
`

// TestAgainstPackaging compares parsing, normalisation, ordering and
// specifier matching with Debian's python3-packaging over the corpora.
func TestAgainstPackaging(t *testing.T) {
	py := testutil.PythonWith(t, "packaging")
	var out struct {
		Versions []pyVersion `json:"versions"`
		Cmp      [][]int     `json:"cmp"`
		Specs    []pySpec    `json:"specs"`
	}
	testutil.PythonJSON(t, py, pyScript, map[string]any{"versions": versionCorpus, "specs": specCorpus}, &out)
	var valid []Version
	var validSrc []string
	for i, s := range versionCorpus {
		want := out.Versions[i]
		v, err := Parse(s)
		if (err == nil) != want.Valid {
			t.Errorf("Parse(%q) error = %v, packaging valid = %v", s, err, want.Valid)
			continue
		}
		if err != nil {
			continue
		}
		valid, validSrc = append(valid, v), append(validSrc, s)
		got := pyVersion{true, v.String(), v.Public(), v.Local(), v.IsPrerelease(), v.IsPostrelease(), v.IsDevrelease()}
		if got != want {
			t.Errorf("Parse(%q) = %+v, packaging %+v", s, got, want)
		}
	}
	if len(valid) != len(out.Cmp) {
		t.Fatalf("valid version count differs: %d vs %d", len(valid), len(out.Cmp))
	}
	for i := range valid {
		for j := range valid {
			if got := Compare(valid[i], valid[j]); got != out.Cmp[i][j] {
				t.Errorf("Compare(%q, %q) = %d, packaging %d", validSrc[i], validSrc[j], got, out.Cmp[i][j])
			}
		}
	}
	for i, s := range specCorpus {
		want := out.Specs[i]
		ss, err := ParseSpecifierSet(s)
		if (err == nil) != want.Valid {
			t.Errorf("ParseSpecifierSet(%q) error = %v, packaging valid = %v", s, err, want.Valid)
			continue
		}
		if err != nil {
			continue
		}
		if ss.String() != want.Str {
			t.Errorf("ParseSpecifierSet(%q).String() = %q, packaging %q", s, ss.String(), want.Str)
		}
		for j, v := range valid {
			w := want.Contains[j]
			if w == nil {
				continue // packaging raised (=== with a non-version)
			}
			if got := ss.Contains(v, false); got != w[0] {
				t.Errorf("%q contains %q = %v, packaging %v", s, validSrc[j], got, w[0])
			}
			if got := ss.Contains(v, true); got != w[1] {
				t.Errorf("%q contains %q (prereleases) = %v, packaging %v", s, validSrc[j], got, w[1])
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range versionCorpus {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, nerr := Normalize(s)
		v, err := Parse(s)
		if err != nil {
			return
		}
		str := v.String()
		v2, err := Parse(str)
		if err != nil {
			t.Fatalf("Parse(%q) ok but canonical %q does not parse: %v", s, str, err)
		}
		if v2.String() != str || Compare(v, v2) != 0 {
			t.Fatalf("not a fixed point: %q -> %q -> %q", s, str, v2.String())
		}
		if nerr == nil {
			nv, err := Parse(n)
			if err != nil || Compare(nv, v) != 0 {
				t.Fatalf("Normalize(%q) = %q, which is not the same version", s, n)
			}
		}
	})
}

func FuzzSpecifier(f *testing.F) {
	for _, s := range specCorpus {
		f.Add(s, "1.0")
	}
	f.Fuzz(func(t *testing.T, spec, ver string) {
		ss, err := ParseSpecifierSet(spec)
		if err != nil {
			return
		}
		ss2, err := ParseSpecifierSet(ss.String())
		if err != nil || ss2.String() != ss.String() {
			t.Fatalf("String() of %q = %q does not round-trip: %q %v", spec, ss.String(), ss2.String(), err)
		}
		if v, err := Parse(ver); err == nil {
			if ss.Contains(v, false) != ss2.Contains(v, false) {
				t.Fatalf("round-tripped set disagrees on %q", ver)
			}
			if ss.Contains(v, false) && !ss.Contains(v, true) {
				t.Fatalf("%q contains %q only without prereleases", spec, ver)
			}
		}
	})
}

// TestFlit40 replays the results flit_core 4.0.0's normalise_version gave
// for testdata/corpus.json (recorded by testdata/gen_flit40.py).
func TestFlit40(t *testing.T) {
	testutil.ReplayCases(t, "testdata/flit40.json", 100, "Normalize", Normalize)
}

func BenchmarkParse(b *testing.B) {
	for b.Loop() {
		for _, s := range []string{"1.0", "2!1.02.3rc4.post5.dev6+Ubuntu-1", "v1.3-pre2"} {
			if _, err := Parse(s); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkSpecifierSetContains(b *testing.B) {
	ss, _ := ParseSpecifierSet(">=1.0,!=1.5.*,<2,~=1.4")
	v := MustParse("1.4.7")
	for b.Loop() {
		ss.Contains(v, false)
	}
}
