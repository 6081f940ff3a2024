package install

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
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

// Interp is what InstallWheel and the CLI need to know about an interpreter.
// It is filled by one call to the interpreter (QueryInterp) and cached.
//
// TODO(issue 5): switch to internal/python.Query when it lands.
type Interp struct {
	Executable      string  `json:"executable"`
	Version         string  `json:"version"` // "3.11"
	CacheTag        string  `json:"cache_tag"`
	Prefix          string  `json:"prefix"`
	UserBase        string  `json:"userbase"`
	InVenv          bool    `json:"venv"`
	UserSiteEnabled bool    `json:"user_site"`
	Default         Scheme  `json:"default"`
	User            *Scheme `json:"user"`
}

// Target returns the install target for a user or environment install.
func (in *Interp) Target(user bool) (*Target, error) {
	if user {
		if in.User == nil {
			return nil, fmt.Errorf("%s has no user scheme (user site-packages are disabled, e.g. in a virtual environment): use --env", in.Executable)
		}
		return &Target{Python: in.Executable, Scheme: *in.User, Prefix: in.UserBase, User: true, CacheTag: in.CacheTag}, nil
	}
	return &Target{Python: in.Executable, Scheme: in.Default, Prefix: in.Prefix, CacheTag: in.CacheTag}, nil
}

const queryScript = `
import json, os, site, sys, sysconfig
ver = "%d.%d" % sys.version_info[:2]
venv = sys.prefix != getattr(sys, "base_prefix", sys.prefix)
def scheme(name, user):
    try:
        p = sysconfig.get_paths(scheme=name) if name else sysconfig.get_paths()
    except KeyError:
        return None
    if venv and not user:
        headers = os.path.join(sys.prefix, "include", "site", "python" + ver)
    else:
        headers = os.path.join(p["data"], "include", "python" + ver)
    return {"Purelib": p["purelib"], "Platlib": p["platlib"], "Scripts": p["scripts"],
            "Data": p["data"], "Headers": headers}
if hasattr(sysconfig, "get_preferred_scheme"):
    us = sysconfig.get_preferred_scheme("user")
elif sys.platform == "darwin" and sys._framework:
    us = "osx_framework_user"
else:
    us = os.name + "_user"
user_site = bool(site.ENABLE_USER_SITE)
print(json.dumps({
    "executable": os.path.abspath(sys.executable), "version": ver,
    "cache_tag": sys.implementation.cache_tag or "", "prefix": sys.prefix,
    "userbase": site.getuserbase(), "venv": venv, "user_site": user_site,
    "default": scheme(None, False), "user": scheme(us, True) if not venv else None,
}))
`

var interpCache sync.Map // python path -> *Interp

// QueryInterp asks python for its install schemes (one call, cached per
// interpreter path for the life of the process).
func QueryInterp(python string) (*Interp, error) {
	if v, ok := interpCache.Load(python); ok {
		return v.(*Interp), nil
	}
	cmd := exec.Command(python, "-c", queryScript)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("%s: cannot query the interpreter's install paths: %s", python, lastLine(msg))
	}
	var in Interp
	if err := json.Unmarshal(out, &in); err != nil {
		return nil, fmt.Errorf("%s: unexpected answer to the install paths query: %v", python, err)
	}
	interpCache.Store(python, &in)
	return &in, nil
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// FindPython resolves flit's --python / FLIT_INSTALL_PYTHON value to an
// interpreter path: a directory is searched for bin/python then
// Scripts/python.exe (a venv), an absolute path is used as is, a name is
// looked up on PATH. An empty spec means the active virtual environment
// ($VIRTUAL_ENV), else python3 (then python) on PATH.
//
// TODO(issue 5): switch to internal/python.Find when it lands.
func FindPython(spec string, getenv func(string) string) (string, error) {
	if spec == "" {
		if ve := getenv("VIRTUAL_ENV"); ve != "" {
			if p, err := FindPython(ve, getenv); err == nil {
				return p, nil
			}
		}
		for _, name := range []string{"python3", "python"} {
			if p, err := exec.LookPath(name); err == nil {
				return filepath.Abs(p)
			}
		}
		return "", fmt.Errorf("no Python interpreter found (python3 is not on PATH): pass --python PATH or set FLIT_INSTALL_PYTHON")
	}
	if fi, err := os.Stat(spec); err == nil && fi.IsDir() {
		for _, c := range []string{filepath.Join("bin", "python"), filepath.Join("Scripts", "python.exe")} {
			p := filepath.Join(spec, c)
			if _, err := os.Stat(p); err == nil {
				return filepath.Abs(p)
			}
		}
		return "", fmt.Errorf("Unable to resolve Python executable '%s': the directory has no bin/python or Scripts/python.exe", spec)
	}
	if filepath.IsAbs(spec) {
		if _, err := os.Stat(spec); err != nil {
			return "", fmt.Errorf("Unable to resolve Python executable '%s': %v", spec, err)
		}
		return spec, nil
	}
	p, err := exec.LookPath(spec)
	if err != nil {
		return "", fmt.Errorf("Unable to resolve Python executable '%s': not found on PATH", spec)
	}
	return filepath.Abs(p)
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
