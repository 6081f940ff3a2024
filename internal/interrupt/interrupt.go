// Package interrupt removes temporary files when the process is stopped by
// Ctrl-C (SIGINT) or SIGTERM.
//
// Work that creates something big and temporary (flit build's staging
// directory in dist/, the unpacked sdist) registers a cleanup for as long
// as the thing exists. Once main has called Enable, a signal that arrives
// while at least one cleanup is registered runs the cleanups (newest
// first) and exits with 128+signal (130 for SIGINT, 143 for SIGTERM), as a
// shell reports a process killed by that signal.
//
// The signals are only caught while cleanups are registered: at other
// times the default action applies, and commands with their own handling
// (flit install rolls back, flit serve shuts down) are not interfered
// with. Without Enable (tests, library use) Register only records.
package interrupt

import (
	"os"
	"os/signal"
	"sync"
	"syscall"
)

var (
	mu       sync.Mutex
	enabled  bool
	exit     = os.Exit
	nextID   int
	cleanups = map[int]func(){}
	order    []int          // registration order of the ids in cleanups
	sigs     chan os.Signal // non-nil while signals are caught
	done     chan struct{}
)

// Enable lets registered cleanups run on SIGINT and SIGTERM. main calls it
// once, before any work.
func Enable() {
	mu.Lock()
	defer mu.Unlock()
	enabled = true
	if len(cleanups) > 0 {
		catch()
	}
}

// Register records f to run if the process is interrupted, and returns the
// function that forgets it again (call it, typically deferred, once the
// temporary thing is gone or kept). unregister may be called more than
// once.
func Register(f func()) (unregister func()) {
	mu.Lock()
	defer mu.Unlock()
	nextID++
	id := nextID
	cleanups[id] = f
	order = append(order, id)
	if enabled && sigs == nil {
		catch()
	}
	return func() {
		mu.Lock()
		defer mu.Unlock()
		if _, ok := cleanups[id]; !ok {
			return
		}
		delete(cleanups, id)
		for i, o := range order {
			if o == id {
				order = append(order[:i], order[i+1:]...)
				break
			}
		}
		if len(cleanups) == 0 && sigs != nil {
			signal.Stop(sigs)
			close(done)
			sigs, done = nil, nil
		}
	}
}

// catch starts catching the signals; mu is held.
func catch() {
	sigs, done = make(chan os.Signal, 1), make(chan struct{})
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go wait(sigs, done)
}

func wait(c <-chan os.Signal, stop <-chan struct{}) {
	select {
	case <-stop:
	case s := <-c:
		mu.Lock() // held until exit: nothing unregisters (or finishes) meanwhile
		for i := len(order) - 1; i >= 0; i-- {
			cleanups[order[i]]()
		}
		code := 130
		if s == syscall.SIGTERM {
			code = 143
		}
		exit(code)
		// Only a test's exit returns: forget everything and stop catching.
		clear(cleanups)
		order = nil
		if sigs != nil {
			signal.Stop(sigs)
		}
		sigs, done = nil, nil
		mu.Unlock()
	}
}
