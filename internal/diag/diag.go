// Package diag is the one error shape for problems found in user input:
// a message that names its subject first and points at the input
// (file:line:col), the offending source line with a caret, and an optional
// hint saying how to fix it. Validation code collects a List so that every
// problem is reported, not just the first.
package diag

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// Diagnostic is one problem (or warning) in an input file.
type Diagnostic struct {
	File    string // path as the user should see it, e.g. "pyproject.toml"
	Line    int    // 1-based; 0 when unknown
	Col     int    // 1-based byte offset in the line; 0 when unknown (shown in characters when Source is set)
	Msg     string // the message, e.g. `[project] has unknown key "reedme"`
	Hint    string // optional: how to fix it, e.g. `did you mean "readme"?`
	Source  string // optional: the text of line Line, for the caret display
	Warning bool   // a warning does not make List.Err non-nil
}

// Error renders the diagnostic on one line: "file:line:col: msg (hint)",
// with "warning: " before msg for a warning.
func (d Diagnostic) Error() string { return d.render(d.Warning) }

// Located renders the diagnostic like Error but without the warning marker,
// for a Logger's Warnf, which marks warnings itself.
func (d Diagnostic) Located() string { return d.render(false) }

func (d Diagnostic) render(marker bool) string {
	var b strings.Builder
	if d.File != "" {
		b.WriteString(d.File)
		if d.Line > 0 {
			fmt.Fprintf(&b, ":%d", d.Line)
			if d.Col > 0 {
				fmt.Fprintf(&b, ":%d", d.charCol())
			}
		}
		b.WriteString(": ")
	}
	if marker {
		b.WriteString("warning: ")
	}
	b.WriteString(d.Msg)
	if d.Hint != "" {
		b.WriteString(" (" + d.Hint + ")")
	}
	return b.String()
}

// charCol is the column as editors and Python's tomllib count it: in
// characters, not bytes, when the line's text is known.
func (d Diagnostic) charCol() int {
	if d.Source == "" || d.Col-1 > len(d.Source) {
		return d.Col
	}
	return utf8.RuneCountInString(d.Source[:d.Col-1]) + 1
}

// Caret returns the source line and a caret under column Col, or "" when
// the diagnostic has no source text.
func (d Diagnostic) Caret() string {
	if d.Source == "" || d.Col <= 0 {
		return ""
	}
	pad := make([]byte, 0, d.Col)
	for i, r := range d.Source {
		if i >= d.Col-1 {
			break
		}
		if r == '\t' {
			pad = append(pad, '\t')
		} else {
			pad = append(pad, ' ')
		}
	}
	return "    " + d.Source + "\n    " + string(pad) + "^"
}

// List is a set of diagnostics found in one pass.
type List []Diagnostic

// Add appends a diagnostic.
func (l *List) Add(d Diagnostic) { *l = append(*l, d) }

// Errors returns only the non-warning diagnostics.
func (l List) Errors() List {
	var out List
	for _, d := range l {
		if !d.Warning {
			out = append(out, d)
		}
	}
	return out
}

// Warnings returns only the warnings.
func (l List) Warnings() List {
	var out List
	for _, d := range l {
		if d.Warning {
			out = append(out, d)
		}
	}
	return out
}

// Sort orders diagnostics by file, line and column (stable for equal positions).
func (l List) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		if l[i].File != l[j].File {
			return l[i].File < l[j].File
		}
		if l[i].Line != l[j].Line {
			return l[i].Line < l[j].Line
		}
		return l[i].Col < l[j].Col
	})
}

// Err returns nil when the list holds no errors, else an *Error holding them.
func (l List) Err() error {
	errs := l.Errors()
	if len(errs) == 0 {
		return nil
	}
	return &Error{List: errs}
}

// Error is a non-empty list of diagnostics used as an error value.
type Error struct{ List List }

func (e *Error) Error() string {
	lines := make([]string, len(e.List))
	for i, d := range e.List {
		lines[i] = d.Error()
	}
	return strings.Join(lines, "\n")
}

// AsList extracts the diagnostics from err when it is (or wraps) an *Error
// or a Diagnostic.
func AsList(err error) (List, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e.List, true
	}
	var d Diagnostic
	if errors.As(err, &d) {
		return List{d}, true
	}
	return nil, false
}

// Logger receives progress messages from packages that do work (builds,
// installs, uploads). Only the CLI decides whether and how to print them.
type Logger interface {
	Infof(format string, args ...any)  // shown by default
	Warnf(format string, args ...any)  // shown by default, marked as a warning
	Debugf(format string, args ...any) // shown with -v / --debug (commands run, files selected)
}

// Discard is a Logger that drops everything.
var Discard Logger = discard{}

type discard struct{}

func (discard) Infof(string, ...any)  {}
func (discard) Warnf(string, ...any)  {}
func (discard) Debugf(string, ...any) {}
