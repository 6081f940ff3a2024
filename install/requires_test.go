package install

import (
	"strings"
	"testing"

	"goflit/internal/python"
	"goflit/pyproject"
)

func TestCheckRequiresPython(t *testing.T) {
	py311 := &python.Info{Executable: "/venv/bin/python", VersionInfo: [3]int{3, 11, 2}}
	for _, tc := range []struct {
		spec string
		want string // "" = accepted, else a substring of the error
	}{
		{"", ""},
		{">=3.8", ""},
		{">=3.11", ""},
		{"~=3.11", ""},
		{">=3.8,<4", ""},
		{"==3.11.*", ""},
		{">=3.12", `requires-python ">=3.12" excludes the target interpreter /venv/bin/python (Python 3.11.2): pass --python`},
		{"<3.11", `requires-python "<3.11" excludes`},
		{"!=3.11.2", `requires-python "!=3.11.2" excludes`},
		{">=3.11.3", `(Python 3.11.2)`},
	} {
		p := &pyproject.Project{File: "pyproject.toml"}
		p.Metadata.RequiresPython = tc.spec
		err := CheckRequiresPython(p, py311)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%q: unexpected error %v", tc.spec, err)
		case tc.want != "" && err == nil:
			t.Errorf("%q: accepted Python 3.11.2", tc.spec)
		case tc.want != "" && !strings.Contains(err.Error(), tc.want):
			t.Errorf("%q: error %q does not contain %q", tc.spec, err, tc.want)
		case err != nil && (strings.Contains(err.Error(), "\n") || !strings.HasPrefix(err.Error(), "pyproject.toml: ")):
			t.Errorf("%q: error is not one line naming the file: %q", tc.spec, err)
		}
	}
}
