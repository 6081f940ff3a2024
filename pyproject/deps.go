package pyproject

import (
	"goflit/internal/pysrc"
	"goflit/internal/python"
	"goflit/pep440"
	"goflit/spdx"
)

// normalizeVersion is flit_core's normalise_version (error text included).
func normalizeVersion(s string) (string, error) { return pep440.Normalize(s) }

// normalizeLicense is flit_core's normalise_compound_license_expr.
func normalizeLicense(s string) (string, error) { return spdx.Normalize(s) }

// importInfo imports the module with a Python interpreter to read its
// docstring and __version__ (flit_core's import fallback).
func importInfo(opts Options, m *pysrc.Module) (string, any, error) {
	py, err := python.Find(opts.Python, opts.Getenv)
	if err != nil {
		return "", nil, err
	}
	return python.ImportInfo(py, m)
}
