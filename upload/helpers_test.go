package upload_test

import (
	"testing"

	"goflit/internal/testutil"
)

func pythonWith(t *testing.T, mods ...string) string { return testutil.PythonWith(t, mods...) }
