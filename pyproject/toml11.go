package pyproject

// The TOML decoder accepts TOML 1.1, but flit_core, pip and build read
// pyproject.toml with Python's tomllib (or tomli), which read TOML 1.0 only:
// a file using 1.1 syntax builds with goflit and then fails for every
// Python frontend. toml11Syntax finds the first 1.1-only construct in a
// document the decoder has already accepted.

// toml11Finding is one TOML 1.1-only construct: where, what, and the fix.
type toml11Finding struct {
	Line, Col int // 1-based; Col counts bytes, as the decoder's errors do
	What, Fix string
}

// toml11Syntax scans data (valid TOML 1.1) for the constructs TOML 1.0
// lacks: newlines (and so comments) inside an inline table outside a
// nested array, a trailing comma in an inline table, the \e and \xHH
// escapes, and times without seconds. It returns nil when there is none.
func toml11Syntax(data []byte) *toml11Finding {
	line, lineStart := 1, 0
	at := func(i int, what, fix string) *toml11Finding {
		return &toml11Finding{Line: line, Col: i - lineStart + 1, What: what, Fix: fix}
	}
	var stack []byte // open '{' and '[' outside strings
	lastSig := -1    // index of the last non-blank byte outside strings and comments
	isDigit := func(i int) bool { return i >= 0 && i < len(data) && data[i] >= '0' && data[i] <= '9' }
	hasPrefix := func(i int, s string) bool {
		return i+len(s) <= len(data) && string(data[i:i+len(s)]) == s
	}
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case c == '\n':
			if len(stack) > 0 && stack[len(stack)-1] == '{' {
				return at(i, "a line break inside an inline table", "keep the inline table on one line, or write a [table] section")
			}
			line, lineStart = line+1, i+1
		case c == '#':
			for i+1 < len(data) && data[i+1] != '\n' {
				i++
			}
		case c == '"' || c == '\'':
			multi := hasPrefix(i, `"""`) || hasPrefix(i, "'''")
			quote := string(c)
			if multi {
				quote = string([]byte{c, c, c})
			}
			i += len(quote)
			for i < len(data) {
				if c == '"' && data[i] == '\\' && i+1 < len(data) {
					switch data[i+1] {
					case 'e':
						return at(i, `the \e escape`, `write \u001b`)
					case 'x':
						return at(i, `a \x escape`, `write \u00HH`)
					}
					if data[i+1] == '\n' {
						line, lineStart = line+1, i+2
					}
					i += 2
					continue
				}
				if data[i] == '\n' {
					line, lineStart = line+1, i+1
				}
				if hasPrefix(i, quote) {
					// A multi-line string may end with up to two more quotes.
					for multi && i+len(quote) < len(data) && data[i+len(quote)] == c {
						i++
					}
					break
				}
				i++
			}
			i += len(quote) - 1
			lastSig = i
		case c == '{' || c == '[':
			stack = append(stack, c)
			lastSig = i
		case c == '}':
			if lastSig >= 0 && data[lastSig] == ',' {
				return at(lastSig, "a trailing comma in an inline table", "remove the comma")
			}
			fallthrough
		case c == ']':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			lastSig = i
		case c >= '0' && c <= '9' && !isDigit(i-1) && (i == 0 || (data[i-1] != ':' && data[i-1] != '+' && data[i-1] != '-')):
			// HH:MM outside strings, not after the sign of a UTC offset
			// (-07:00, which has no seconds in any version), can only
			// start a time (keys cannot hold ':'): TOML 1.0 requires the
			// seconds.
			if isDigit(i+1) && i+2 < len(data) && data[i+2] == ':' && isDigit(i+3) && isDigit(i+4) {
				if i+5 >= len(data) || data[i+5] != ':' {
					return at(i, "a time without seconds", "write the seconds, e.g. 07:32:00")
				}
				i += 4
			}
			lastSig = i
		case c == ' ' || c == '\t' || c == '\r':
		default:
			lastSig = i
		}
	}
	return nil
}
