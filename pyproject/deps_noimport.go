//go:build !goflit_python

package pyproject

import (
	"errors"

	"goflit/internal/pysrc"
)

// importInfo is the import fallback while internal/python is not yet in
// the tree: it reports that the value could not be read statically.
func importInfo(opts Options, m *pysrc.Module) (string, any, error) {
	return "", nil, errors.New("cannot read the docstring or __version__ of module " + m.Name +
		" statically, and the import fallback is not available in this build; write them as plain literals or set version/description under [project]")
}
