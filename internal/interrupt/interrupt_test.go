//go:build unix

package interrupt

import (
	"slices"
	"syscall"
	"testing"
	"time"
)

// TestSignalRunsCleanups sends the test process SIGINT and SIGTERM while
// cleanups are registered: they run newest first, a forgotten one does
// not, and the exit code is 128+signal.
func TestSignalRunsCleanups(t *testing.T) {
	codes := make(chan int, 1)
	exit = func(code int) { codes <- code }
	defer func() { exit = nil }()
	Enable()
	for _, c := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		var ran []string
		Register(func() { ran = append(ran, "first") })
		forget := Register(func() { ran = append(ran, "forgotten") })
		Register(func() { ran = append(ran, "last") })
		forget()
		forget()
		if err := syscall.Kill(syscall.Getpid(), c.sig); err != nil {
			t.Fatal(err)
		}
		select {
		case code := <-codes:
			if code != c.code {
				t.Errorf("%v: exit code %d; want %d", c.sig, code, c.code)
			}
		case <-time.After(time.Minute):
			t.Fatalf("%v: no exit after the signal", c.sig)
		}
		mu.Lock()
		if want := []string{"last", "first"}; !slices.Equal(ran, want) {
			t.Errorf("%v: cleanups ran %v; want %v", c.sig, ran, want)
		}
		if len(cleanups) != 0 || sigs != nil {
			t.Errorf("%v: state left after handling: %d cleanups, catching=%v", c.sig, len(cleanups), sigs != nil)
		}
		mu.Unlock()
	}
}

// TestUnregisterStopsCatching: with nothing registered the signals are
// not caught, so the default action (or another command's own handling)
// applies.
func TestUnregisterStopsCatching(t *testing.T) {
	Enable()
	a := Register(func() {})
	b := Register(func() {})
	mu.Lock()
	catching := sigs != nil
	mu.Unlock()
	if !catching {
		t.Fatal("not catching signals with cleanups registered")
	}
	a()
	b()
	mu.Lock()
	defer mu.Unlock()
	if sigs != nil || len(cleanups) != 0 || len(order) != 0 {
		t.Errorf("still catching after the last unregister: %d cleanups", len(cleanups))
	}
}
