package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"golang.org/x/term"
)

// Log prints progress to stderr. It implements diag.Logger. Paths under the
// working directory are shown relative to it.
type Log struct {
	mu      sync.Mutex
	w       io.Writer
	verbose bool
	dir     string // working directory + separator, or ""
}

func newLog(w io.Writer, verbose bool, dir string) *Log {
	l := &Log{w: w, verbose: verbose}
	if dir != "" {
		l.dir = strings.TrimSuffix(dir, string(filepath.Separator)) + string(filepath.Separator)
	}
	return l
}

func (l *Log) print(prefix, msg string) {
	if l.dir != "" {
		msg = strings.ReplaceAll(msg, l.dir, "")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprint(l.w, prefix+msg+"\n")
}

// Infof prints a progress message.
func (l *Log) Infof(format string, args ...any) { l.print("", fmt.Sprintf(format, args...)) }

// Warnf prints a warning (a diag.Diagnostic is passed as d.Located()).
func (l *Log) Warnf(format string, args ...any) { l.print("warning: ", fmt.Sprintf(format, args...)) }

// Debugf prints only with -v/--debug.
func (l *Log) Debugf(format string, args ...any) {
	if l.verbose {
		l.print("  ", fmt.Sprintf(format, args...))
	}
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }
