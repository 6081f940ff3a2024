package install

import (
	"fmt"

	"goflit/internal/python"
	"goflit/pep440"
	"goflit/pyproject"
)

// CheckRequiresPython refuses to install project p for interp when p's
// requires-python excludes interp's version (pip's rule: the release
// version_info[:3], pre-releases allowed). An invalid requires-python was
// already reported by pyproject; it is not checked again here.
func CheckRequiresPython(p *pyproject.Project, interp *python.Info) error {
	spec := p.Metadata.RequiresPython
	if spec == "" {
		return nil
	}
	set, err := pep440.ParseSpecifierSet(spec)
	if err != nil {
		return nil
	}
	vi := interp.VersionInfo
	ver := fmt.Sprintf("%d.%d.%d", vi[0], vi[1], vi[2])
	v, err := pep440.Parse(ver)
	if err != nil {
		return fmt.Errorf("%s: cannot read the version of the target interpreter %s (%q)", p.File, interp.Executable, ver)
	}
	if set.Contains(v, true) {
		return nil
	}
	return fmt.Errorf("%s: requires-python %q excludes the target interpreter %s (Python %s): pass --python with an interpreter that satisfies it (or a virtual environment made with one)", p.File, spec, interp.Executable, ver)
}
