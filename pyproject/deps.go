package pyproject

import (
	"goflit/internal/pysrc"
	"goflit/internal/python"
)

// importInfo imports the module with a Python interpreter to read its
// docstring and __version__ (flit_core's import fallback).
func importInfo(opts Options, m *pysrc.Module) (string, any, error) {
	py, err := python.Find(opts.Python, opts.Getenv)
	if err != nil {
		return "", nil, err
	}
	opts.Log.Debugf("running %s to import %s and read its __doc__ and __version__", py, m.File())
	return python.ImportInfo(py, m)
}
