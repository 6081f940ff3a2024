package pyproject

import (
	"errors"
	"strings"

	"goflit/internal/pystr"
)

// formatAddress renders a name and an email address as Python's
// str(email.headerregistry.Address(name, addr_spec=email)) does: a display
// name containing RFC 5322 specials is quoted, an empty one is omitted.
// Addresses Python would reject (it raises InvalidHeaderDefect) are errors.
func formatAddress(name, email string) (string, error) {
	local, domain, err := splitAddrSpec(email)
	if err != nil {
		return "", err
	}
	lp := local
	if strings.ContainsAny(lp, "()<>@,:;\\\"[] \t") {
		lp = quoteString(lp)
	}
	addr := lp
	if domain != "" {
		addr += "@" + domain
	}
	disp := name
	if strings.ContainsAny(disp, `()<>@,:;.\"[]`) {
		disp = quoteString(disp)
	}
	if disp == "" {
		return addr, nil
	}
	return disp + " <" + addr + ">", nil
}

func quoteString(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `"`, `\"`)
	return `"` + s + `"`
}

// atext is RFC 5322 atext (plus non-ASCII, which Python's parser accepts).
func isAtext(r rune) bool {
	if r >= 0x80 {
		return true
	}
	if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
		return true
	}
	return strings.ContainsRune("!#$%&'*+-/=?^_`{|}~", r)
}

func isDotAtom(s string) bool {
	if s == "" || strings.HasPrefix(s, ".") || strings.HasSuffix(s, ".") || strings.Contains(s, "..") {
		return false
	}
	for _, r := range s {
		if r != '.' && !isAtext(r) {
			return false
		}
	}
	return true
}

// splitAddrSpec parses local@domain, returning the local part unquoted.
func splitAddrSpec(email string) (local, domain string, err error) {
	s := strings.TrimSpace(email)
	if s == "" {
		return "", "", errors.New("the address is empty")
	}
	if strings.HasPrefix(s, `"`) {
		end := -1
		for i := 1; i < len(s); i++ {
			if s[i] == '\\' {
				i++
				continue
			}
			if s[i] == '"' {
				end = i
				break
			}
		}
		if end < 0 {
			return "", "", errors.New("unterminated quoted local part in " + pystr.Repr(email))
		}
		q := s[1:end]
		var b strings.Builder
		for i := 0; i < len(q); i++ {
			if q[i] == '\\' && i+1 < len(q) {
				i++
			}
			b.WriteByte(q[i])
		}
		local = b.String()
		s = s[end+1:]
	} else {
		at := strings.LastIndexByte(s, '@')
		if at < 0 {
			return "", "", errors.New(pystr.Repr(email) + " has no '@' and domain")
		}
		local = s[:at]
		s = s[at:]
		if !isDotAtom(local) {
			return "", "", errors.New(pystr.Repr(email) + " has an invalid local part")
		}
	}
	if !strings.HasPrefix(s, "@") {
		return "", "", errors.New(pystr.Repr(email) + " has no '@' and domain")
	}
	domain = s[1:]
	if !isDotAtom(domain) && !(strings.HasPrefix(domain, "[") && strings.HasSuffix(domain, "]")) {
		return "", "", errors.New(pystr.Repr(email) + " has an invalid domain")
	}
	return local, domain, nil
}
