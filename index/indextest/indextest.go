// Package indextest runs a `flit serve` index (package index) for tests of
// other packages: uploads, the simple API, trusted publishing.
package indextest

import (
	"testing"

	"goflit/index"
)

// Start serves an index on a free local port until the test ends and
// returns its base URL ("http://127.0.0.1:PORT") and the server. Files go
// to opt.Dir, a fresh temporary directory when it is empty.
func Start(t testing.TB, opt index.Options) (string, *index.Server) {
	t.Helper()
	if opt.Dir == "" {
		opt.Dir = t.TempDir()
	}
	srv, err := index.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	base, stop, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return base, srv
}
