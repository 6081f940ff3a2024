package upload_test

import (
	"crypto/sha256"
	"encoding/base64"
	"testing"

	"goflit/internal/testutil"
)

func pythonWith(t *testing.T, mods ...string) string { return testutil.PythonWith(t, mods...) }

func b64sha(data string) string {
	h := sha256.Sum256([]byte(data))
	return "sha256=" + base64.RawURLEncoding.EncodeToString(h[:])
}
