package cli

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"
)

// signalContext returns a context that Ctrl-C or SIGTERM cancels, with a
// signalError as its cause, so that a command can stop what is under way
// and clean up instead of being killed midway; stop releases the signals.
func signalContext() (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigc := make(chan os.Signal, 1)
	signal.Notify(sigc, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case s := <-sigc:
			cancel(signalError{s})
		case <-ctx.Done():
		}
	}()
	return ctx, func() {
		signal.Stop(sigc)
		cancel(nil)
	}
}

// signalError names the signal that cancelled a command ("interrupt",
// "terminated").
type signalError struct{ sig os.Signal }

func (e signalError) Error() string { return e.sig.String() }

// signalExit reports whether a signal cancelled ctx, and the exit status
// for it: 128+signal, as for the other commands (internal/interrupt).
func signalExit(ctx context.Context) (sig os.Signal, code int, ok bool) {
	var se signalError
	if !errors.As(context.Cause(ctx), &se) {
		return nil, 0, false
	}
	if s, ok := se.sig.(syscall.Signal); ok {
		return se.sig, 128 + int(s), true
	}
	return se.sig, 130, true
}
