// Package upload publishes wheels and sdists to a package index through the
// legacy upload API (https://docs.pypi.org/api/upload/), resolving the
// repository and credentials exactly as flit does (.pypirc, FLIT_INDEX_URL,
// FLIT_USERNAME, FLIT_PASSWORD, keyring, a terminal prompt) plus trusted
// publishing (OIDC) in GitHub Actions and GitLab CI. Uploads stream the file
// (it is never held in memory), retry on connection errors, 429 and 5xx,
// and can skip files already on the index with the same hash.
package upload

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"goflit/internal/atomicfile"
)

// PyPI is the default upload URL.
const PyPI = "https://upload.pypi.org/legacy/"

// Repository is one index as configured in .pypirc.
type Repository struct {
	Name     string
	URL      string
	Username string
	Password string
}

// Pypirc is a parsed .pypirc file.
type Pypirc struct {
	IndexServers []string
	Repos        map[string]Repository
	// Sections are all the file's section names (to tell a section missing
	// from index-servers from one missing altogether); Missing is true when
	// there was no file.
	Sections map[string]bool
	Missing  bool
}

// ParsePypirc reads a .pypirc the way Python's ConfigParser does with
// interpolation off (a "%" is literal): [section] headers, "key = value" or
// "key: value", case-insensitive keys, # and ; comments, indented
// continuation lines. Repositories are the sections named in
// [distutils] index-servers (default "pypi"); each gets repository (default
// PyPI), username and password.
func ParsePypirc(r io.Reader, name string) (*Pypirc, error) {
	sections := map[string]map[string]string{}
	var cur map[string]string
	var lastKey string
	blanks := 0 // blank lines since the last line of lastKey's value
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		raw := strings.TrimRight(sc.Text(), "\r")
		trimmed := strings.TrimSpace(raw)
		// As ConfigParser (empty_lines_in_values): blank and comment lines
		// do not end a value; a blank line followed by a continuation is
		// kept in it, trailing ones are not.
		if trimmed == "" {
			blanks++
			continue
		}
		if trimmed[0] == '#' || trimmed[0] == ';' {
			continue
		}
		if raw[0] == ' ' || raw[0] == '\t' {
			if cur == nil || lastKey == "" {
				return nil, fmt.Errorf("%s:%d: unexpected indented line", name, n)
			}
			if cur[lastKey] == "" && blanks == 0 {
				cur[lastKey] = trimmed
			} else {
				cur[lastKey] += strings.Repeat("\n", blanks+1) + trimmed
			}
			blanks = 0
			continue
		}
		blanks = 0
		if trimmed[0] == '[' {
			end := strings.IndexByte(trimmed, ']')
			if end < 0 {
				return nil, fmt.Errorf("%s:%d: section header %q has no closing ]", name, n, trimmed)
			}
			sec := trimmed[1:end]
			if sections[sec] == nil {
				sections[sec] = map[string]string{}
			}
			cur, lastKey = sections[sec], ""
			continue
		}
		if cur == nil {
			return nil, fmt.Errorf("%s:%d: %q is outside any [section]", name, n, trimmed)
		}
		i := strings.IndexAny(trimmed, "=:")
		if i <= 0 {
			return nil, fmt.Errorf("%s:%d: expected \"key = value\", found %q", name, n, trimmed)
		}
		lastKey = strings.ToLower(strings.TrimSpace(trimmed[:i]))
		cur[lastKey] = strings.TrimSpace(trimmed[i+1:])
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	p := &Pypirc{IndexServers: []string{"pypi"}, Repos: map[string]Repository{}, Sections: map[string]bool{}}
	for sec := range sections {
		p.Sections[sec] = true
	}
	if d, ok := sections["distutils"]; ok {
		if v, ok := d["index-servers"]; ok {
			p.IndexServers = strings.Fields(v)
		}
	}
	for _, s := range p.IndexServers {
		sec := sections[s]
		repo := Repository{Name: s, URL: PyPI}
		if sec != nil {
			if v := sec["repository"]; v != "" {
				repo.URL = v
			}
			repo.Username, repo.Password = sec["username"], sec["password"]
		}
		p.Repos[s] = repo
	}
	return p, nil
}

// ReadPypirc reads path; a missing file is a single "pypi" entry with the
// default URL, as in flit.
func ReadPypirc(path string) (*Pypirc, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return &Pypirc{IndexServers: []string{"pypi"}, Repos: map[string]Repository{"pypi": {Name: "pypi", URL: PyPI}}, Missing: true}, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParsePypirc(f, path)
}

// writeNewPypirc writes "[pypi]\nusername = X\n" to path when it does not
// exist yet (flit does this after prompting for the username), atomically.
func writeNewPypirc(path, username string) error {
	if _, err := os.Lstat(path); err == nil {
		return nil
	}
	return atomicfile.WriteFile(path, []byte("[pypi]\nusername = "+username+"\n"), 0o600)
}
