package install

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"goflit/internal/python"
)

// Scheme is where each kind of file goes (absolute directories).
type Scheme struct {
	Purelib string
	Platlib string
	Scripts string
	Data    string
	Headers string // base directory; a project's headers go to Headers/<name>
}

// dir returns the directory of a .data/<key> scheme ("" if unknown).
func (s Scheme) dir(key string) string {
	switch key {
	case "purelib":
		return s.Purelib
	case "platlib":
		return s.Platlib
	case "scripts":
		return s.Scripts
	case "data":
		return s.Data
	case "headers":
		return s.Headers
	}
	return ""
}

// Target is an interpreter and the scheme to install into for it.
type Target struct {
	Python   string // absolute interpreter path: shebangs, bytecode, pip
	Scheme   Scheme
	Prefix   string // sys.prefix (or the user base for user installs)
	User     bool   // a user (--user) install
	CacheTag string // sys.implementation.cache_tag, e.g. "cpython-311" ("" = no bytecode)
}

// roots are the directories the target may write to or remove from.
func (t *Target) roots() []string {
	var r []string
	for _, d := range []string{t.Scheme.Purelib, t.Scheme.Platlib, t.Scheme.Scripts, t.Scheme.Data, t.Scheme.Headers, t.Prefix} {
		if d != "" {
			r = append(r, filepath.Clean(d))
		}
	}
	return r
}

// NewTarget is the target for a user (--user) or environment install with
// the interpreter described by info (python.Query).
func NewTarget(info *python.Info, user bool) (*Target, error) {
	if user && info.InVenv {
		return nil, fmt.Errorf("%s is in a virtual environment, where user site-packages are not visible: install into the environment (--env)", info.Executable)
	}
	paths, err := info.Scheme(user)
	if err != nil {
		return nil, err
	}
	t := &Target{
		Python:   info.Executable,
		Prefix:   info.Prefix,
		User:     user,
		CacheTag: info.CacheTag,
		Scheme: Scheme{Purelib: paths.Purelib, Platlib: paths.Platlib, Scripts: paths.Scripts,
			Data: paths.Data, Headers: paths.Headers},
	}
	if user {
		t.Prefix = info.UserBase
	}
	return t, nil
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// Writable reports whether files can be created in dir (or in its nearest
// existing ancestor, when dir does not exist yet).
func Writable(dir string) bool {
	for {
		if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return false
		}
		dir = parent
	}
	f, err := os.CreateTemp(dir, ".goflit-writable-")
	if err != nil {
		return false
	}
	f.Close()
	os.Remove(f.Name())
	return true
}

// ExternallyManaged returns the PEP 668 EXTERNALLY-MANAGED marker of the
// interpreter's base installation, or "" when installing is allowed: the
// interpreter is in a virtual environment or its installation has no
// marker (Debian's python3 has one).
func ExternallyManaged(info *python.Info) string {
	if info.InVenv || info.BasePrefix == "" {
		return ""
	}
	v := info.VersionInfo
	marker := filepath.Join(info.BasePrefix, "lib", fmt.Sprintf("python%d.%d", v[0], v[1]), "EXTERNALLY-MANAGED")
	if _, err := os.Stat(marker); err == nil {
		return marker
	}
	return ""
}
