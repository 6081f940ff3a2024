package pyproject

import (
	"goflit/pep440"
	"goflit/spdx"
)

// normalizeVersion is flit_core's normalise_version (error text included).
func normalizeVersion(s string) (string, error) { return pep440.Normalize(s) }

// normalizeLicense is flit_core's normalise_compound_license_expr.
func normalizeLicense(s string) (string, error) { return spdx.Normalize(s) }
