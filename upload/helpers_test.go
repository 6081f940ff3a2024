package upload_test

import (
	"crypto/sha256"
	"encoding/base64"
)

func b64sha(data string) string {
	h := sha256.Sum256([]byte(data))
	return "sha256=" + base64.RawURLEncoding.EncodeToString(h[:])
}
