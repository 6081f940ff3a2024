package indextest

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"goflit/index"
)

func TestStart(t *testing.T) {
	dir := t.TempDir()
	base, srv := Start(t, index.Options{Dir: dir})
	if srv == nil || !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("Start = %q, %v", base, srv)
	}
	resp, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "upload: /legacy/") {
		t.Errorf("GET /: %s\n%s", resp.Status, body)
	}
}
