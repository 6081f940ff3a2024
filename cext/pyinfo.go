package cext

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"goflit/internal/python"
)

// PyInfo describes the target interpreter: what extension modules built for
// it must look like and where its C headers are (from internal/python's
// Query, one cached call per interpreter).
type PyInfo struct {
	Executable     string
	Implementation string // "cpython"
	Major, Minor   int
	ExtSuffix      string   // ".cpython-311-x86_64-linux-gnu.so"
	SOABI          string   // "cpython-311-x86_64-linux-gnu"
	Include        string   // INCLUDEPY
	PlatInclude    string   // sysconfig platinclude
	Multiarch      string   // "x86_64-linux-gnu" (Debian)
	Platform       string   // sysconfig.get_platform(): "linux-x86_64"
	Suffixes       []string // importlib.machinery.EXTENSION_SUFFIXES
	GILDisabled    bool
}

// QueryPython resolves spec (a path, a venv directory or a name on PATH;
// "" = $GOFLIT_BUILD_PYTHON, set by the PEP 517 shim to the interpreter
// running the hook, then FLIT_INSTALL_PYTHON, then python3) and asks it for its
// extension-building facts.
func QueryPython(spec string, getenv func(string) string) (*PyInfo, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	if spec == "" {
		// The PEP 517 shim names the interpreter running the build hook.
		spec = getenv("GOFLIT_BUILD_PYTHON")
	}
	exe, err := python.Find(spec, getenv)
	if err != nil {
		return nil, fmt.Errorf("%v (the target interpreter for extension modules: set -C python=PATH)", err)
	}
	info, err := python.Query(exe)
	if err != nil {
		return nil, err
	}
	include := info.IncludePy
	if include == "" {
		include = info.Paths.Include
	}
	return &PyInfo{
		Executable: info.Executable, Implementation: info.Implementation,
		Major: info.VersionInfo[0], Minor: info.VersionInfo[1],
		ExtSuffix: info.ExtSuffix, SOABI: info.SOABI, Include: include, PlatInclude: info.Paths.Platinclude,
		Multiarch: info.Multiarch, Platform: info.Platform, Suffixes: info.ExtensionSuffixes, GILDisabled: info.GILDisabled,
	}, nil
}

// headerDirs returns the -I directories for the Python headers, after
// checking that Python.h exists. shimRoot is a directory cext may create
// for Debian's multiarch pyconfig.h wrapper (needed by compilers, like zig,
// that do not search /usr/include).
func (pi *PyInfo) headerDirs(shimRoot string, needShim bool) ([]string, error) {
	if pi.Include == "" {
		return nil, fmt.Errorf("%s reports no include directory (INCLUDEPY): cannot find Python.h", pi.Executable)
	}
	if _, err := os.Stat(filepath.Join(pi.Include, "Python.h")); err != nil {
		return nil, fmt.Errorf("Python.h not found in %s (the C headers of %s): install them, e.g. apt-get install python3-dev (or python%d.%d-dev)",
			pi.Include, pi.Executable, pi.Major, pi.Minor)
	}
	dirs := []string{pi.Include}
	if pi.PlatInclude != "" && pi.PlatInclude != pi.Include {
		dirs = append(dirs, pi.PlatInclude)
	}
	ver := fmt.Sprintf("python%d.%d", pi.Major, pi.Minor)
	if pi.Multiarch != "" {
		// Debian: /usr/include/python3.11/pyconfig.h includes
		// <x86_64-linux-gnu/python3.11/pyconfig.h> from /usr/include.
		real := filepath.Join(filepath.Dir(pi.Include), pi.Multiarch, ver)
		if st, err := os.Stat(filepath.Join(real, "pyconfig.h")); err == nil && !st.IsDir() && needShim {
			shim := filepath.Join(shimRoot, "pyinc", hashStrings(real)[:16])
			link := filepath.Join(shim, pi.Multiarch, ver)
			if target, err := os.Readlink(link); err != nil || target != real {
				if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
					return nil, fmt.Errorf("creating header shim %s: %v", shim, err)
				}
				tmp := link + ".tmp" + fmt.Sprint(os.Getpid())
				_ = os.Remove(tmp)
				if err := os.Symlink(real, tmp); err != nil {
					return nil, fmt.Errorf("creating header shim %s: %v", shim, err)
				}
				if err := os.Rename(tmp, link); err != nil {
					return nil, fmt.Errorf("creating header shim %s: %v", shim, err)
				}
			}
			dirs = append(dirs, shim)
		}
	}
	return dirs, nil
}

// abiTag is the wheel ABI tag from SOABI: "cpython-311-x86_64-linux-gnu" ->
// "cp311", "cpython-313t-..." -> "cp313t", "cpython-311d-..." -> "cp311d".
func (pi *PyInfo) abiTag() string {
	if strings.HasPrefix(pi.SOABI, "cpython-") {
		rest := strings.TrimPrefix(pi.SOABI, "cpython-")
		if i := strings.IndexByte(rest, '-'); i >= 0 {
			rest = rest[:i]
		}
		return "cp" + rest
	}
	if pi.SOABI != "" {
		return strings.NewReplacer("-", "_", ".", "_").Replace(pi.SOABI)
	}
	return fmt.Sprintf("cp%d%d", pi.Major, pi.Minor)
}

// interpreterTag is "cp311" for CPython 3.11.
func (pi *PyInfo) interpreterTag() string {
	if pi.Implementation != "" && pi.Implementation != "cpython" {
		return fmt.Sprintf("%s%d%d", shortImpl(pi.Implementation), pi.Major, pi.Minor)
	}
	return fmt.Sprintf("cp%d%d", pi.Major, pi.Minor)
}

func shortImpl(name string) string {
	switch name {
	case "pypy":
		return "pp"
	case "ironpython":
		return "ip"
	case "jython":
		return "jy"
	}
	return name
}

// stableSuffix is the file suffix for limited-API (abi3) modules.
func (pi *PyInfo) stableSuffix() string {
	for _, s := range pi.Suffixes {
		if strings.HasPrefix(s, ".abi3") {
			return s
		}
	}
	if strings.HasSuffix(pi.ExtSuffix, ".pyd") {
		return ".pyd"
	}
	return ".abi3.so"
}

// arch is the machine part of the platform: "linux-x86_64" -> "x86_64".
func (pi *PyInfo) arch() string {
	if i := strings.IndexByte(pi.Platform, '-'); i >= 0 {
		return pi.Platform[i+1:]
	}
	return pi.Platform
}
