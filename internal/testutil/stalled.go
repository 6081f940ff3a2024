package testutil

import (
	"io"
	"net"
	"sync"
	"testing"
)

// StalledServer listens on 127.0.0.1 and accepts connections but never
// answers: an index that hangs. It reads the start of each request (up to
// 64 KiB) and closes arrived once some has come; with drain it goes on
// reading and discarding, without it stops reading, so a large request
// body stalls in the socket buffers. It returns the host:port; everything
// is closed when the test ends.
func StalledServer(t testing.TB, drain bool) (addr string, arrived <-chan struct{}) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { close(done); ln.Close() })
	got := make(chan struct{})
	var once sync.Once
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				if n, _ := c.Read(make([]byte, 64<<10)); n > 0 {
					once.Do(func() { close(got) })
				}
				if drain {
					io.Copy(io.Discard, c)
				}
				<-done
			}()
		}
	}()
	return ln.Addr().String(), got
}
