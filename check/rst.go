package check

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
)

// reStructuredText: PyPI renders it with docutils (through readme_renderer)
// and refuses an upload whose description produces any docutils warning
// or error. The faithful check is docutils itself: DocutilsRST runs it in a
// Python interpreter that has it (Debian's python3-docutils). When none is
// available, BuiltinRST catches the common failures structurally (short
// title underlines, unclosed inline markup, unknown directives) and says
// nothing about the rest.

const docutilsScript = `
import io, sys
from docutils.core import publish_doctree
src = sys.stdin.buffer.read().decode("utf-8", "replace")
out = io.StringIO()
publish_doctree(src, settings_overrides={
    "report_level": 2, "halt_level": 5, "warning_stream": out,
    "file_insertion_enabled": False, "raw_enabled": False,
    "syntax_highlight": "none", "input_encoding": "unicode",
})
sys.stdout.write(out.getvalue())
`

var docutilsLineRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^<string>:(?:(\d+):)? \((\w+)/\d\) (.*)$`)
})

// DocutilsRST returns an RST checker that runs docutils in python (a path
// to an interpreter that can import docutils). The messages read
// "line N: Warning: Title underline too short.".
func DocutilsRST(python string) func(string) ([]string, error) {
	return func(text string) ([]string, error) {
		cmd := exec.Command(python, "-c", docutilsScript)
		cmd.Stdin = strings.NewReader(text)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("%s (docutils): %v: %s", python, err, strings.TrimSpace(stderr.String()))
		}
		var msgs []string
		for _, line := range strings.Split(string(out), "\n") {
			m := docutilsLineRE().FindStringSubmatch(line)
			if m == nil {
				continue
			}
			level := strings.ToUpper(m[2][:1]) + strings.ToLower(m[2][1:])
			if m[1] != "" {
				msgs = append(msgs, fmt.Sprintf("line %s: %s: %s", m[1], level, m[3]))
			} else {
				msgs = append(msgs, fmt.Sprintf("%s: %s", level, m[3]))
			}
		}
		return msgs, nil
	}
}

var (
	docutilsOnce sync.Once
	docutilsPy   string
)

// DefaultRST returns a checker that uses DocutilsRST with
// $GOFLIT_DOCUTILS_PYTHON or /usr/bin/python3 when it can import docutils,
// else BuiltinRST. The interpreter is looked for on first use only, so
// Markdown and plain-text descriptions never start Python.
func DefaultRST() func(string) ([]string, error) {
	return func(text string) ([]string, error) {
		docutilsOnce.Do(func() {
			for _, py := range []string{os.Getenv("GOFLIT_DOCUTILS_PYTHON"), "/usr/bin/python3"} {
				if py != "" && exec.Command(py, "-c", "import docutils.core").Run() == nil {
					docutilsPy = py
					return
				}
			}
		})
		if docutilsPy == "" {
			return BuiltinRST(text)
		}
		return DocutilsRST(docutilsPy)(text)
	}
}

var knownDirectives = map[string]bool{
	"attention": true, "caution": true, "danger": true, "error": true, "hint": true, "important": true,
	"note": true, "tip": true, "warning": true, "admonition": true, "image": true, "figure": true,
	"topic": true, "sidebar": true, "line-block": true, "parsed-literal": true, "code": true,
	"code-block": true, "sourcecode": true, "math": true, "rubric": true, "epigraph": true,
	"highlights": true, "pull-quote": true, "compound": true, "container": true, "table": true,
	"csv-table": true, "list-table": true, "contents": true, "sectnum": true, "section-numbering": true,
	"header": true, "footer": true, "target-notes": true, "meta": true, "replace": true, "unicode": true,
	"date": true, "class": true, "role": true, "default-role": true, "title": true, "include": true,
	"raw": true,
}

func isAdornment(s string) bool {
	if len(s) < 2 {
		return false
	}
	c := s[0]
	if !strings.ContainsRune("=-`:'\"~^_*+#<>.", rune(c)) {
		return false
	}
	return strings.Count(s, string(c)) == len(s)
}

// BuiltinRST is a structural reStructuredText check for when docutils is
// not available. It reports what docutils would report as warnings for
// short title underlines, unclosed inline markup and unknown directives,
// with the same wording; it is not a full parser.
func BuiltinRST(text string) ([]string, error) {
	var msgs []string
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	inLiteral := false
	literalIndent := -1
	var para []string
	paraStart := 0
	flush := func() {
		if len(para) > 0 {
			if m := inlineProblem(strings.Join(para, "\n")); m != "" {
				msgs = append(msgs, fmt.Sprintf("line %d: Warning: %s", paraStart, m))
			}
		}
		para = nil
	}
	for i, line := range lines {
		trimmed := strings.TrimRight(line, " \t")
		indent := len(line) - len(strings.TrimLeft(line, " \t"))
		if inLiteral {
			if trimmed == "" || indent > literalIndent {
				continue
			}
			inLiteral = false
		}
		if trimmed == "" {
			flush()
			continue
		}
		if strings.HasPrefix(strings.TrimSpace(line), ".. ") {
			flush()
			rest := strings.TrimSpace(line)[3:]
			if name, _, ok := strings.Cut(rest, "::"); ok && !strings.ContainsAny(name, " `_|[") && name != "" {
				if !knownDirectives[name] {
					msgs = append(msgs, fmt.Sprintf("line %d: Error: Unknown directive type %q.", i+1, name))
				}
			}
			inLiteral, literalIndent = true, indent // directive body / comment
			continue
		}
		if i+1 < len(lines) && len(para) == 0 && isAdornment(strings.TrimRight(lines[i+1], " \t")) && !isAdornment(trimmed) {
			under := strings.TrimRight(lines[i+1], " \t")
			if len([]rune(under)) < len([]rune(trimmed)) && len(under) >= 4 {
				msgs = append(msgs, fmt.Sprintf("line %d: Warning: Title underline too short.", i+2))
			}
			continue
		}
		if isAdornment(trimmed) && len(para) == 0 {
			continue
		}
		if len(para) == 0 {
			paraStart = i + 1
		}
		para = append(para, trimmed)
		if strings.HasSuffix(trimmed, "::") {
			flush()
			inLiteral, literalIndent = true, indent
		}
	}
	flush()
	return msgs, nil
}

// inlineProblem finds an inline markup start-string without its end-string.
func inlineProblem(p string) string {
	kinds := []struct{ start, name string }{{"``", "literal"}, {"**", "strong"}, {"*", "emphasis"}, {"`", "interpreted text or phrase reference"}}
	i := 0
	for i < len(p) {
		matched := false
		for _, k := range kinds {
			if !strings.HasPrefix(p[i:], k.start) {
				continue
			}
			matched = true
			after := i + len(k.start)
			startOK := (i == 0 || strings.ContainsRune(" \n\t'\"([{<-/:", rune(p[i-1]))) &&
				after < len(p) && !strings.ContainsRune(" \n\t", rune(p[after]))
			if !startOK {
				i = after
				break
			}
			end := findEnd(p, after, k.start)
			if end < 0 {
				return "Inline " + k.name + " start-string without end-string."
			}
			i = end + len(k.start)
			break
		}
		if !matched {
			i++
		}
	}
	return ""
}

func findEnd(p string, from int, s string) int {
	for j := from + 1; j <= len(p)-len(s); j++ {
		if !strings.HasPrefix(p[j:], s) || strings.ContainsRune(" \n\t", rune(p[j-1])) {
			continue
		}
		k := j + len(s)
		if s == "*" && k < len(p) && p[k] == '*' {
			continue
		}
		if s == "`" && k < len(p) && p[k] == '_' {
			k++
		}
		if k == len(p) || strings.ContainsRune(" \n\t'\")]}>-/:.,;!?\\_", rune(p[k])) {
			return j
		}
	}
	return -1
}
