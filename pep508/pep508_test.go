package pep508

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"goflit/internal/testutil"
)

func TestParseRequirement(t *testing.T) {
	tests := []struct {
		in                      string
		name, spec, url, marker string
		extras                  []string
		canonical               string
	}{
		{in: "requests", name: "requests", canonical: "requests"},
		{in: "requests [socks, security] >= 2.8.1, == 2.8.* ; python_version < '2.7'",
			name: "requests", extras: []string{"socks", "security"}, spec: ">= 2.8.1, == 2.8.*",
			marker: `python_version < "2.7"`, canonical: `requests[security,socks]==2.8.*,>=2.8.1; python_version < "2.7"`},
		{in: "foo (>=1.0, <2)", name: "foo", spec: ">=1.0, <2", canonical: "foo<2,>=1.0"},
		{in: "pip @ https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee9982d4bbb3c72346a6de940a148ea686",
			name: "pip", url: "https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee9982d4bbb3c72346a6de940a148ea686",
			canonical: "pip@ https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee9982d4bbb3c72346a6de940a148ea686"},
		{in: "name@http://foo.com ; os.name=='a'", name: "name", url: "http://foo.com", marker: `os_name == "a"`,
			canonical: `name@ http://foo.com ; os_name == "a"`},
		{in: "foo>=1.0,", name: "foo", spec: ">=1.0,", canonical: "foo>=1.0"},
		{in: "foo; extra == 'Test_X'", name: "foo", marker: `extra == "test-x"`, canonical: `foo; extra == "test-x"`},
		{in: "foo\n", name: "foo", canonical: "foo"},
	}
	for _, tt := range tests {
		r, err := ParseRequirement(tt.in)
		if err != nil {
			t.Errorf("ParseRequirement(%q): %v", tt.in, err)
			continue
		}
		m := ""
		if r.Marker != nil {
			m = r.Marker.String()
		}
		if r.Name != tt.name || r.Specifier != tt.spec || r.URL != tt.url || m != tt.marker ||
			!slices.Equal(r.Extras, tt.extras) || r.String() != tt.canonical {
			t.Errorf("ParseRequirement(%q) = %+v marker %q string %q", tt.in, r, m, r.String())
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in, msg string
		off     int
	}{
		{"foo bar", "Expected end or semicolon (after name and no valid version specifier)", 4},
		{"", "Expected package name at the start of dependency specifier", 0},
		{"foo[bar", "Expected closing RIGHT_BRACKET", 3},
		{"foo[a b]", "Expected comma between extra names", 6},
		{"foo[a,]", "Expected extra name after comma", 6},
		{"foo (>=1", "Expected closing RIGHT_PARENTHESIS", 4},
		{"foo >=1.0 bar", "Expected end or semicolon (after version specifier)", 4},
		{"foo @ ", "Expected URL after @", 6},
		{"foo @ http://x.com bar", "Expected end or semicolon (after URL and whitespace)", 6},
		{"foo; python_version", "Expected marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in", 19},
		{"foo; python_version not'1'", "Expected whitespace after 'not'", 23},
		{"foo; os_name == bar", "Expected a marker variable or quoted string", 16},
		{"foo @ notaurl", "Invalid URL: notaurl", 6},
		{"foo @ file:/tmp/x", "Invalid URL given", 6},
	}
	for _, tt := range tests {
		_, err := ParseRequirement(tt.in)
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Msg != tt.msg || pe.Offset != tt.off {
			t.Errorf("ParseRequirement(%q) error = %#v, want %q at %d", tt.in, err, tt.msg, tt.off)
			continue
		}
		if strings.Contains(pe.Error(), "\n") {
			t.Errorf("multi-line Error(): %q", pe.Error())
		}
	}
	_, err := ParseRequirement("foo bar")
	var pe *ParseError
	errors.As(err, &pe)
	if got := pe.Caret(); got != "foo bar\n    ^" {
		t.Errorf("Caret() = %q", got)
	}
	if got := pe.Error(); got != `invalid requirement "foo bar": Expected end or semicolon (after name and no valid version specifier) (at offset 4)` {
		t.Errorf("Error() = %q", got)
	}
}

func TestMarker(t *testing.T) {
	env := map[string]string{
		"python_version": "3.11", "python_full_version": "3.11.2", "os_name": "posix",
		"sys_platform": "linux", "platform_machine": "x86_64", "platform_python_implementation": "CPython",
		"implementation_name": "cpython", "extra": "Test_Extra",
	}
	tests := []struct {
		in, str string
		want    bool
		vars    []string
	}{
		{`python_version >= "3.8"`, `python_version >= "3.8"`, true, []string{"python_version"}},
		{`python_version<'3.10'`, `python_version < "3.10"`, false, []string{"python_version"}},
		{`(python_version > "3" or os_name=='nt') and extra == "test-extra"`,
			`(python_version > "3" or os_name == "nt") and extra == "test-extra"`, true, []string{"extra", "os_name", "python_version"}},
		{`os_name == "nt" or sys_platform == "linux" and platform_machine == "x86_64"`,
			`os_name == "nt" or sys_platform == "linux" and platform_machine == "x86_64"`, true, []string{"os_name", "platform_machine", "sys_platform"}},
		{`"linux" in sys_platform`, `"linux" in sys_platform`, true, []string{"sys_platform"}},
		{`"win" not in sys.platform`, `"win" not in sys_platform`, true, []string{"sys_platform"}},
		{`((python_version > "3"))`, `python_version > "3"`, true, []string{"python_version"}},
		{`python_full_version == "3.11.*"`, `python_full_version == "3.11.*"`, true, []string{"python_full_version"}},
		{`implementation_name > "a"`, `implementation_name > "a"`, true, []string{"implementation_name"}},
	}
	for _, tt := range tests {
		m, err := ParseMarker(tt.in)
		if err != nil {
			t.Errorf("ParseMarker(%q): %v", tt.in, err)
			continue
		}
		got, err := m.Evaluate(env)
		if err != nil || got != tt.want || m.String() != tt.str || !slices.Equal(m.Variables(), tt.vars) {
			t.Errorf("ParseMarker(%q): %q eval %v %v vars %v", tt.in, m.String(), got, err, m.Variables())
		}
	}
	m, _ := ParseMarker(`platform_release == "5"`)
	if _, err := m.Evaluate(env); err == nil {
		t.Error("undefined variable not reported")
	}
	m, _ = ParseMarker(`os_name ~= "posix"`)
	if _, err := m.Evaluate(env); err == nil {
		t.Error("~= on strings not reported")
	}
	if _, err := ParseMarker(`os_name == "a" garbage`); err == nil {
		t.Error("trailing garbage accepted")
	}
}

// requirementCorpus is compared with Debian's python3-packaging.
var requirementCorpus = []string{
	"requests", "requests>=2.0", "requests >= 2.0, < 3", "requests (>=2.0,<3)", "requests[socks]",
	"requests[ socks , security ]>=2", "Foo.Bar_baz-qux==1.0", "foo==1.0.*", "foo!=1.0.*,>=0.9",
	"foo~=1.4.5", "foo===1.0", "foo===foo", "foo>=1.0a1", "foo<=2.0.post1", "foo==1.0+local",
	"foo @ https://example.com/foo-1.0.tar.gz", "foo@https://example.com/x.whl ; python_version>'3'",
	"foo @ file:///tmp/foo", "foo @ file://localhost/tmp/foo", "foo @ file:/tmp/foo", "foo @ notaurl",
	"foo @ git+https://github.com/a/b.git@v1#egg=foo", "foo; python_version < '3.8'",
	"foo ; python_version >= \"3.6\" and sys_platform == 'win32'",
	"foo; (os_name == 'nt' or os_name == 'posix') and python_version > '2.7'",
	"foo; os.name == 'posix' or sys.platform == 'darwin'", "foo; platform.python_implementation == 'CPython'",
	"foo; python_implementation == 'PyPy'", "foo; extra == 'Test_Extra'", "foo; 'linux' in sys_platform",
	"foo; 'win' not in sys_platform", "foo; python_full_version == '3.11.*'", "foo; python_version ~= '3.7'",
	"foo; python_version === '3.11'", "foo; platform_release >= '5'", "foo; implementation_version > '3.0.0a1'",
	"foo;python_version<'3'", "foo; ((python_version > '3'))", "foo; (python_version > '3') and os_name == 'posix'",
	"foo;os_name=='a'or os_name=='b'", "foo; os_name == 'a' and os_name == 'b' or os_name == 'posix'",
	"foo bar", "foo[bar", "foo[a b]", "foo[a,]", "foo (>=1", "foo >=1.0 bar", "foo @ ", "1foo", "-foo",
	"foo-", "foo.", "foo>=1.0abc", "foo>=1.0,", "foo>=1.0,,<2", "foo>=", "foo==1.0a1.*", "foo~=1",
	"foo<=1.0+local", "foo; python_version", "foo; python_version not'1'", "foo; os_name == bar",
	"foo; os_name == 'a' garbage", "foo; ", "foo;", "(foo)", "foo ; python_version > '3' ; x", "foo\n",
	"foo\t>=1.0\t;\tpython_version>'3'", "foo[]", "foo [ ] >= 1", "foo;extra=='A.B'", "FOO[Bar,baz]==2",
	"foo>=1.0;python_version>'3'", "foo @ http://[::1]/x", "foo @ http://[::1/x", "foo; os_name in 'posix nt'",
	"foo (==1.0) ; python_version > '3'", "foo @ http://[::1]x", "foo @ http://[:1]/x", "foo @ file:////tmp/x", "foo @ FILE:///x", "foo@\nhttps://example.com/x", "foo; os_name == 'a\nb'", "foo>=1.0.dev0", "foo>1.0.post1,<1.0.post3", "foo==v1.0",
}

var markerEnvs = []map[string]string{
	{"python_version": "3.11", "python_full_version": "3.11.2", "os_name": "posix", "sys_platform": "linux",
		"platform_release": "6.1.0", "platform_system": "Linux", "platform_version": "#1 SMP", "platform_machine": "x86_64",
		"platform_python_implementation": "CPython", "implementation_name": "cpython", "implementation_version": "3.11.2", "extra": ""},
	{"python_version": "3.7", "python_full_version": "3.7.0", "os_name": "nt", "sys_platform": "win32",
		"platform_release": "10", "platform_system": "Windows", "platform_version": "10.0.19041", "platform_machine": "AMD64",
		"platform_python_implementation": "CPython", "implementation_name": "cpython", "implementation_version": "3.7.0", "extra": "test-extra"},
	{"python_version": "2.7", "python_full_version": "2.7.18", "os_name": "posix", "sys_platform": "darwin",
		"platform_release": "22.1.0", "platform_system": "Darwin", "platform_version": "Darwin Kernel", "platform_machine": "arm64",
		"platform_python_implementation": "PyPy", "implementation_name": "pypy", "implementation_version": "7.3.11a1", "extra": "a-b"},
}

const pyScript = `
import json, sys
from packaging.requirements import Requirement
data = json.loads(sys.stdin.read())
out = []
for s in data["reqs"]:
    try:
        r = Requirement(s)
    except Exception as e:
        out.append({"valid": False})
        continue
    ev = []
    for env in data["envs"]:
        if r.marker is None:
            ev.append("none")
            continue
        try:
            ev.append(str(r.marker.evaluate(env)).lower())
        except Exception as e:
            ev.append("error")
    out.append({"valid": True, "str": str(r), "name": r.name, "url": r.url or "", "extras": sorted(r.extras),
                "spec": str(r.specifier), "marker": str(r.marker) if r.marker else "", "eval": ev})
print(json.dumps(out))
`

// TestAgainstPackaging compares parsing, printing and marker evaluation with
// Debian's python3-packaging.
func TestAgainstPackaging(t *testing.T) {
	py := testutil.PythonWith(t, "packaging")
	var out []struct {
		Valid                        bool
		Str, Name, URL, Spec, Marker string
		Extras                       []string
		Eval                         []string
	}
	testutil.PythonJSON(t, py, pyScript, map[string]any{"reqs": requirementCorpus, "envs": markerEnvs}, &out)
	for i, s := range requirementCorpus {
		want := out[i]
		r, err := ParseRequirement(s)
		if (err == nil) != want.Valid {
			t.Errorf("ParseRequirement(%q) error = %v, packaging valid = %v", s, err, want.Valid)
			continue
		}
		if err != nil {
			continue
		}
		ex := slices.Clone(r.Extras)
		slices.Sort(ex)
		ex = slices.Compact(ex)
		if want.Extras == nil {
			want.Extras = []string{}
		}
		if ex == nil {
			ex = []string{}
		}
		m := ""
		if r.Marker != nil {
			m = r.Marker.String()
		}
		if r.String() != want.Str || r.Name != want.Name || r.URL != want.URL || r.Specifiers.String() != want.Spec ||
			m != want.Marker || !slices.Equal(ex, want.Extras) {
			t.Errorf("ParseRequirement(%q):\n got  %q name=%q url=%q spec=%q marker=%q extras=%v\n want %q name=%q url=%q spec=%q marker=%q extras=%v",
				s, r.String(), r.Name, r.URL, r.Specifiers.String(), m, ex, want.Str, want.Name, want.URL, want.Spec, want.Marker, want.Extras)
		}
		for j, env := range markerEnvs {
			w := want.Eval[j]
			if r.Marker == nil || w == "error" {
				continue
			}
			got, err := r.Marker.Evaluate(env)
			if err != nil {
				t.Errorf("%q in env %d: %v, packaging %s", s, j, err, w)
			} else if (map[bool]string{true: "true", false: "false"})[got] != w {
				t.Errorf("%q in env %d = %v, packaging %s", s, j, got, w)
			}
		}
	}
}

func FuzzRequirement(f *testing.F) {
	for _, s := range requirementCorpus {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRequirement(s)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Offset < 0 || pe.Offset > len(s) {
				t.Fatalf("bad error for %q: %#v", s, err)
			}
			_ = pe.Caret()
			return
		}
		out := r.String()
		r2, err := ParseRequirement(out)
		if err != nil {
			t.Fatalf("ParseRequirement(%q) printed %q, which does not parse: %v", s, out, err)
		}
		if r2.String() != out {
			t.Fatalf("not a fixed point: %q -> %q -> %q", s, out, r2.String())
		}
	})
}

func FuzzMarker(f *testing.F) {
	for _, s := range requirementCorpus {
		if _, m, ok := strings.Cut(s, ";"); ok {
			f.Add(m)
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMarker(s)
		if err != nil {
			return
		}
		out := m.String()
		m2, err := ParseMarker(out)
		if err != nil {
			t.Fatalf("ParseMarker(%q) printed %q, which does not parse: %v", s, out, err)
		}
		if m2.String() != out {
			t.Fatalf("not a fixed point: %q -> %q -> %q", s, out, m2.String())
		}
		for _, env := range markerEnvs {
			a, errA := m.Evaluate(env)
			b, errB := m2.Evaluate(env)
			if a != b || (errA == nil) != (errB == nil) {
				t.Fatalf("%q and %q evaluate differently", s, out)
			}
		}
	})
}

func BenchmarkParseRequirement(b *testing.B) {
	const s = `requests [socks, security] >= 2.8.1, == 2.8.* ; python_version < "2.7" and sys_platform == "linux"`
	for b.Loop() {
		if _, err := ParseRequirement(s); err != nil {
			b.Fatal(err)
		}
	}
}
