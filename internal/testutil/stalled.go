package testutil

import (
	"io"
	"net"
	"testing"
)

// StalledServer listens on 127.0.0.1 and accepts connections but never
// answers: an index that hangs. With drain it reads (and discards) what the
// client sends; without, it stops reading too, so a large request body
// stalls in the socket buffers. It returns the host:port; everything is
// closed when the test ends.
func StalledServer(t testing.TB, drain bool) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { close(done); ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				if drain {
					io.Copy(io.Discard, c)
				}
				<-done
			}()
		}
	}()
	return ln.Addr().String()
}
