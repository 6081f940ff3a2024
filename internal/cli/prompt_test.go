package cli

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"testing"
	"time"
)

// A signal while flit publish waits at a prompt ends the prompt at once
// (Ctrl-C at "Password:" did nothing until Enter: the read cannot be
// interrupted, so it must not be waited for).
func TestPromptEndsOnCancel(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	cause := errors.New("interrupt")
	ctx, cancel := context.WithCancelCause(context.Background())
	p := &termPrompt{ctx: ctx, in: bufio.NewReader(r), fd: int(r.Fd()), out: io.Discard}
	done := make(chan error, 1)
	go func() {
		_, err := p.Line("Username: ")
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	cancel(cause)
	select {
	case err := <-done:
		if !errors.Is(err, cause) {
			t.Fatalf("got %v, want the cancellation cause", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the prompt kept waiting after the signal")
	}
	// Without a signal the answer comes through (a fresh pipe: the
	// abandoned read above still holds the first one).
	r2, w2, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Close()
	defer w2.Close()
	p = &termPrompt{ctx: context.Background(), in: bufio.NewReader(r2), fd: int(r2.Fd()), out: io.Discard}
	go func() { w2.Write([]byte("ada\n")) }()
	if s, err := p.Line("Username: "); err != nil || s != "ada" {
		t.Fatalf("%q %v", s, err)
	}
}
