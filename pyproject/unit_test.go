package pyproject

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"goflit/internal/pyglob"
	"goflit/internal/testutil"
)

func TestProfileFor(t *testing.T) {
	tests := []struct {
		requires []string
		want     string
	}{
		{nil, "flit_core 4"},
		{[]string{"flit_core >=3.2,<4"}, "flit_core 3"},
		{[]string{"flit_core<4"}, "flit_core 3"},
		{[]string{"flit_core ~=3.2"}, "flit_core 3"},
		{[]string{"flit_core ~=3.2.0"}, "flit_core 3"},
		{[]string{"flit_core==3.8.0"}, "flit_core 3"},
		{[]string{"flit_core ==3.*"}, "flit_core 3"},
		{[]string{"flit-core (>=2, <4)"}, "flit_core 3"},
		{[]string{"Flit.Core >=2,<4; python_version>='3'"}, "flit_core 3"},
		{[]string{"flit >=2,<4"}, "flit_core 3"},
		{[]string{"flit_core <=3.99"}, "flit_core 3"},
		{[]string{"flit_core <4.0.0"}, "flit_core 3"},
		{[]string{"flit_core >=3.2,<5"}, "flit_core 4"},
		{[]string{"flit_core >=3.11,<5"}, "flit_core 4"},
		{[]string{"flit_core"}, "flit_core 4"},
		{[]string{"flit_core ~=4.0"}, "flit_core 4"},
		{[]string{"flit_core >=4"}, "flit_core 4"},
		{[]string{"flit_core <=4.0"}, "flit_core 4"},
		{[]string{"flit_core !=4.*"}, "flit_core 3"},
		{[]string{"flit_core ==4.0.1"}, "flit_core 4"},
		{[]string{"flit_core >=5"}, "flit_core 3"},
		{[]string{"flit_core @ https://example.com/flit_core.whl"}, "flit_core 4"},
		{[]string{"setuptools<4", "wheel"}, "flit_core 4"},
		{[]string{"goflit", "flit_core >=3.2,<4"}, "flit_core 3"},
	}
	for _, tt := range tests {
		got := ProfileFor(tt.requires).Name
		if got != tt.want {
			t.Errorf("ProfileFor(%q) = %s, want %s", tt.requires, got, tt.want)
		}
	}
	if Flit4.Generator != "goflit "+GoflitVersion || Flit3.MetadataVersion != "2.4" || Flit4.MetadataVersion != "2.5" {
		t.Errorf("profiles: %+v / %+v", Flit4, Flit3)
	}
}

func TestSuggest(t *testing.T) {
	tests := []struct{ key, want string }{
		{"reedme", `did you mean "readme"?`},
		{"descripton", `did you mean "description"?`},
		{"dependecies", `did you mean "dependencies"?`},
		{"optional_dependencies", `did you mean "optional-dependencies"?`},
		{"homepage", ""},
		{"x", ""},
	}
	for _, tt := range tests {
		if got := suggest(tt.key, projectKeys, `"%s"`); got != tt.want {
			t.Errorf("suggest(%q) = %q, want %q", tt.key, got, tt.want)
		}
	}
}

func TestFnmatch(t *testing.T) {
	tests := []struct {
		pat, name string
		want      bool
	}{
		{"LICEN[CS]E*", "LICENSE.txt", true},
		{"LICEN[CS]E*", "LICENCE", true},
		{"LICEN[CS]E*", "LICENTE", false},
		{"*", ".hidden", true},
		{"?.txt", "a.txt", true},
		{"[!a]*", "abc", false},
		{"[!a]*", "bc", true},
		{"[a-c]x", "bx", true},
		{"[]]x", "]x", true},
		{"[x", "[x", true},
		{"a*b*c", "aXbYc", true},
		{"a*b*c", "aXbY", false},
	}
	for _, tt := range tests {
		if got := pyglob.Fnmatch(tt.pat, tt.name); got != tt.want {
			t.Errorf("fnmatch(%q, %q) = %v, want %v", tt.pat, tt.name, got, tt.want)
		}
	}
}

// TestGlobMatchesPathlib compares pathlibGlob with Debian's Python pathlib
// (Path.glob + is_file, as flit_core uses it) over one file tree.
func TestGlobMatchesPathlib(t *testing.T) {
	py := testutil.PythonWith(t)
	root := t.TempDir()
	for _, f := range []string{
		"LICENSE", "LICENCE.md", "COPYING", ".LICENSE.hidden", "NOTICE",
		"LICENSES/MIT.txt", "LICENSES/sub/Apache.txt", "LICENSES/.dot",
		"pkg/LICENSE", "pkg/vendor/LICENSE_VENDOR", "pkg/vendor/deep/x/NOTICE.txt",
		"Third Party Notices.md", "dir.d/LICENSE",
	} {
		testutil.WriteFile(t, filepath.Join(root, filepath.FromSlash(f)), "x")
	}
	if err := os.Mkdir(filepath.Join(root, "LICENSE_DIR"), 0o755); err != nil {
		t.Fatal(err)
	}
	patterns := []string{
		"LICENSE", "LICEN[CS]E*", "*", ".*", "**/LICENSE*", "**/*", "LICENSES/*",
		"LICENSES/**", "LICENSES/**/*.txt", "*/LICENSE", "pkg/**/NOTICE*",
		"Third Party Notices.md", "?ICENSE", "[!L]*", "LICENSE_DIR", "**",
		"pkg//vendor/*", "./LICENSE", "*.d/*", "[L]ICENSES/*/*",
	}
	script := `
import pathlib, sys
root = pathlib.Path(sys.argv[1])
for pat in sys.argv[2:]:
    files = sorted(p.relative_to(root).as_posix() for p in root.glob(pat) if p.is_file())
    print(pat + "\t" + "|".join(files))
`
	out, err := testutil.Run(t, "", nil, py, append([]string{"-c", script, root}, patterns...)...)
	if err != nil {
		t.Fatalf("python: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		pat, want, _ := strings.Cut(line, "\t")
		files, err := pathlibGlob(root, pat)
		if err != nil {
			t.Errorf("pathlibGlob(%q): %v", pat, err)
			continue
		}
		if got := strings.Join(files, "|"); got != want {
			t.Errorf("pattern %q:\n got  %s\n want %s", pat, got, want)
		}
	}
}

// TestAddressMatchesPython compares formatAddress with Python's
// str(email.headerregistry.Address(name, addr_spec=email)).
func TestAddressMatchesPython(t *testing.T) {
	py := testutil.PythonWith(t)
	cases := [][2]string{
		{"Jane Doe", "jane@example.com"},
		{"J. Doe", "jd@example.com"},
		{"Doe, Jane", "jane@example.com"},
		{"Sir Röbin", "robin@camelot.uk"},
		{`Quote "Q" Person`, "q@example.com"},
		{`Back\slash`, "b@example.com"},
		{"", "empty@example.com"},
		{"(paren)", "p@example.com"},
		{"Name", "first.last+tag@sub.example.co.uk"},
		{"Name", `"quoted local"@example.com`},
		{"Name", "user@[127.0.0.1]"},
	}
	var args []string
	for _, c := range cases {
		args = append(args, c[0], c[1])
	}
	script := `
import sys
from email.headerregistry import Address
a = sys.argv[1:]
for i in range(0, len(a), 2):
    print(str(Address(a[i], addr_spec=a[i+1])))
`
	out, err := testutil.Run(t, "", nil, py, append([]string{"-c", script}, args...)...)
	if err != nil {
		t.Fatalf("python: %v\n%s", err, out)
	}
	want := strings.Split(strings.TrimRight(out, "\n"), "\n")
	for i, c := range cases {
		got, err := formatAddress(c[0], c[1])
		if err != nil {
			t.Errorf("formatAddress(%q, %q): %v", c[0], c[1], err)
			continue
		}
		if got != want[i] {
			t.Errorf("formatAddress(%q, %q) = %s, want %s", c[0], c[1], got, want[i])
		}
	}
	for _, bad := range []string{"not an email", "a@", "@b.com", "a@b@c", "a..b@c.com"} {
		if _, err := formatAddress("Name", bad); err == nil {
			t.Errorf("formatAddress(%q) accepted an address Python rejects", bad)
		}
	}
}

func TestSPDXHint(t *testing.T) {
	for _, c := range []struct{ msg, want string }{
		{"'GPL-3.0' is not a recognised SPDX license ID", "a deprecated ID: write 'GPL-3.0-only' or 'GPL-3.0-or-later'; see https://spdx.org/licenses/"},
		{"'lgpl-2.1+' is not a recognised SPDX license ID", "a deprecated ID: write 'LGPL-2.1-or-later'; see https://spdx.org/licenses/"},
		{"'Foo' is not a recognised SPDX license ID", "see https://spdx.org/licenses/"},
		{"The SPDX license expression must not be empty", "see https://spdx.org/licenses/"},
	} {
		if got := spdxHint(c.msg); got != c.want {
			t.Errorf("spdxHint(%q) = %q, want %q", c.msg, got, c.want)
		}
	}
}
