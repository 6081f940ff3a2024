// Package spdx validates and normalises SPDX license expressions the way
// flit_core 4.0 does for the PEP 639 [project] license key.
//
// Grammar accepted (a subset of SPDX 2.2 annex D "license expressions"):
//
//	expr    = term { ("AND" | "OR") term }
//	term    = id [ "+" ] | "LicenseRef-" [A-Za-z0-9.-]+ | "(" expr ")"
//
// Tokens are separated by runs of spaces (only U+0020; tabs are part of a
// token) and by "(" and ")". Operators must be uppercase. IDs are matched
// case-insensitively against the non-deprecated IDs of the bundled SPDX
// License List (licenses.txt, whose header records the list version) and
// rewritten in the list's case; a trailing "+" is kept. "LicenseRef-" is
// case-normalised and the rest kept as written. The result is re-joined with
// single spaces around operators and none inside parentheses:
// "mit  AND  ( apache-2.0+  OR  mpl-2.0+ )" -> "MIT AND (Apache-2.0+ OR MPL-2.0+)".
// Structural errors carry flit's exact reasons.
//
// Decision on WITH: flit_core 4.0 rejects the WITH operator (in any case)
// with "The SPDX 'WITH' operator is not yet supported!". goflit keeps that:
// a project that builds with goflit must also build with flit, so we do not
// accept expressions flit refuses. DocumentRef- is likewise not supported,
// as in flit.
//
// The package does no I/O; the list is embedded and parsed on first use.
package spdx

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"

	"goflit/internal/pystr"
)

//go:embed licenses.txt
var licensesTxt string

// table maps lowercased IDs to their canonical spelling.
var table = sync.OnceValue(func() map[string]string {
	m := make(map[string]string, 700)
	for line := range strings.SplitSeq(licensesTxt, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		m[strings.ToLower(line)] = line
	}
	return m
})

// IsKnownID reports whether id (without a trailing "+") is a non-deprecated
// SPDX license ID, matched case-insensitively, and returns its canonical
// spelling ("mit" -> "MIT").
func IsKnownID(id string) (canonical string, ok bool) {
	canonical, ok = table()[pystr.Lower(id)]
	return canonical, ok
}

// Error is a license expression problem; Error() is flit's message.
type Error struct {
	Msg string
}

func (e *Error) Error() string { return e.Msg }

// tokens splits s on runs of spaces and around each parenthesis.
func tokens(s string) []string {
	var out []string
	start := -1
	flush := func(i int) {
		if start >= 0 {
			out = append(out, s[start:i])
			start = -1
		}
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ':
			flush(i)
		case '(', ')':
			flush(i)
			out = append(out, s[i:i+1])
		default:
			if start < 0 {
				start = i
			}
		}
	}
	flush(len(s))
	return out
}

// Normalize validates a compound license expression and returns its
// normalised form, or an *Error with flit_core 4.0's message.
func Normalize(expr string) (string, error) {
	if strings.TrimFunc(expr, pystr.IsSpace) == "" {
		return "", &Error{"The SPDX license expression must not be empty"}
	}
	invalid := func(reason string) error {
		return &Error{fmt.Sprintf("'%s' is not a valid SPDX license expression: %s", expr, reason)}
	}
	const and, or = " AND ", " OR "
	isOp := func(p string) bool { return p == and || p == or }
	var parts []string
	last := func() string {
		if len(parts) == 0 {
			return ""
		}
		return parts[len(parts)-1]
	}
	depth := 0
	for _, tok := range tokens(expr) {
		switch {
		case strings.ToUpper(tok) == "WITH":
			return "", &Error{"The SPDX 'WITH' operator is not yet supported!"}
		case tok == "AND" || tok == "OR":
			if len(parts) == 0 || isOp(last()) || last() == "(" {
				return "", invalid(fmt.Sprintf("a license ID is missing before '%s'", tok))
			}
			parts = append(parts, " "+tok+" ")
		case isOperatorWord(pystr.Lower(tok)):
			return "", invalid(fmt.Sprintf("operators must be uppercase, not '%s'", tok))
		case tok == "(":
			if len(parts) > 0 && !isOp(last()) && last() != "(" {
				return "", invalid("'(' must follow either AND, OR, or '('")
			}
			depth++
			parts = append(parts, tok)
		case tok == ")":
			if len(parts) == 0 || isOp(last()) || last() == "(" {
				return "", invalid("a license ID is missing before ')'")
			}
			depth--
			if depth < 0 {
				return "", invalid("unbalanced brackets")
			}
			parts = append(parts, tok)
		default:
			if len(parts) > 0 && !isOp(last()) && last() != "(" {
				return "", invalid("a license ID must follow either AND, OR, or '('")
			}
			id, err := normalizeSimple(tok)
			if err != nil {
				return "", err
			}
			parts = append(parts, id)
		}
	}
	if depth != 0 {
		return "", invalid("unbalanced brackets")
	}
	if isOp(last()) {
		return "", invalid(fmt.Sprintf("a license ID or expression should follow '%s'", strings.TrimSpace(last())))
	}
	return strings.Join(parts, ""), nil
}

func isOperatorWord(s string) bool { return s == "and" || s == "or" || s == "with" }

func isRefChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
}

// normalizeSimple normalises one ID, "ID+" or "LicenseRef-..." token.
func normalizeSimple(tok string) (string, error) {
	lower := pystr.Lower(tok)
	if strings.HasPrefix(lower, "licenseref-") {
		ref := tok[len("licenseref-"):]
		ok := ref != ""
		for i := 0; i < len(ref); i++ {
			ok = ok && isRefChar(ref[i])
		}
		if !ok {
			return "", &Error{"LicenseRef- license expression can only contain ASCII letters & digits, - and ."}
		}
		return "LicenseRef-" + ref, nil
	}
	base, plus := strings.CutSuffix(lower, "+")
	id, ok := table()[base]
	if !ok {
		return "", &Error{pystr.Repr(tok) + " is not a recognised SPDX license ID"}
	}
	if plus {
		id += "+"
	}
	return id, nil
}
