package testutil

import (
	"fmt"
	"strings"
	"sync"
)

// Log is a diag.Logger that records every message, safe for concurrent use.
// Infof lines are kept as they are, Warnf lines get "warning: " in front and
// Debugf lines "debug: ", the way flit -v shows them.
type Log struct {
	mu    sync.Mutex
	lines []string
}

func (l *Log) add(prefix, format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, prefix+fmt.Sprintf(format, args...))
}

// Infof records an informational message.
func (l *Log) Infof(format string, args ...any) { l.add("", format, args...) }

// Warnf records a warning as "warning: MESSAGE".
func (l *Log) Warnf(format string, args ...any) { l.add("warning: ", format, args...) }

// Debugf records a debug message as "debug: MESSAGE".
func (l *Log) Debugf(format string, args ...any) { l.add("debug: ", format, args...) }

// Lines returns a copy of the recorded lines.
func (l *Log) Lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

// Len is the number of recorded lines.
func (l *Log) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.lines)
}

// String is the recorded lines joined by newlines.
func (l *Log) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}
