package cli

import (
	"fmt"
	"io"
	"os"
	"sync"

	"golang.org/x/term"
)

// Log prints progress to stderr. It implements diag.Logger.
type Log struct {
	mu      sync.Mutex
	w       io.Writer
	verbose bool
}

func newLog(w io.Writer, verbose bool) *Log { return &Log{w: w, verbose: verbose} }

func (l *Log) printf(prefix, format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, prefix+format+"\n", args...)
}

// Infof prints a progress message.
func (l *Log) Infof(format string, args ...any) { l.printf("", format, args...) }

// Warnf prints a warning.
func (l *Log) Warnf(format string, args ...any) { l.printf("warning: ", format, args...) }

// Debugf prints only with -v/--debug.
func (l *Log) Debugf(format string, args ...any) {
	if l.verbose {
		l.printf("  ", format, args...)
	}
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }
