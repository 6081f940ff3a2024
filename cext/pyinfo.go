package cext

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

// PyInfo describes the target interpreter: what extension modules built for
// it must look like and where its C headers are.
type PyInfo struct {
	Executable     string   `json:"executable"`
	Implementation string   `json:"implementation"` // "cpython"
	Major          int      `json:"major"`
	Minor          int      `json:"minor"`
	ExtSuffix      string   `json:"ext_suffix"` // ".cpython-311-x86_64-linux-gnu.so"
	SOABI          string   `json:"soabi"`      // "cpython-311-x86_64-linux-gnu"
	Include        string   `json:"include"`    // INCLUDEPY / sysconfig include
	PlatInclude    string   `json:"platinclude"`
	Multiarch      string   `json:"multiarch"` // "x86_64-linux-gnu" (Debian)
	Platform       string   `json:"platform"`  // sysconfig.get_platform(): "linux-x86_64"
	Suffixes       []string `json:"suffixes"`  // importlib.machinery.EXTENSION_SUFFIXES
	GILDisabled    bool     `json:"gil_disabled"`
}

// The query runs once per interpreter and process; it prints one JSON line.
const pyQuery = `import sys, sysconfig, json, importlib.machinery as m
p = sysconfig.get_paths()
print(json.dumps({"executable": sys.executable, "implementation": sys.implementation.name,
 "major": sys.version_info[0], "minor": sys.version_info[1],
 "ext_suffix": sysconfig.get_config_var("EXT_SUFFIX") or "", "soabi": sysconfig.get_config_var("SOABI") or "",
 "include": sysconfig.get_config_var("INCLUDEPY") or p.get("include", ""), "platinclude": p.get("platinclude", ""),
 "multiarch": sysconfig.get_config_var("MULTIARCH") or "", "platform": sysconfig.get_platform(),
 "suffixes": list(m.EXTENSION_SUFFIXES), "gil_disabled": bool(sysconfig.get_config_var("Py_GIL_DISABLED"))}))`

var pyInfoCache sync.Map // executable -> *pyInfoEntry

type pyInfoEntry struct {
	once sync.Once
	info *PyInfo
	err  error
}

// QueryPython asks the interpreter py (a path or a name on PATH) for its
// extension-building facts. Results are cached for the life of the process.
func QueryPython(py string) (*PyInfo, error) {
	exe, err := exec.LookPath(py)
	if err != nil {
		return nil, fmt.Errorf("python interpreter %q not found: %v (pass the target interpreter with -C python=PATH)", py, err)
	}
	e, _ := pyInfoCache.LoadOrStore(exe, &pyInfoEntry{})
	ent := e.(*pyInfoEntry)
	ent.once.Do(func() {
		cmd := exec.Command(exe, "-I", "-c", pyQuery)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			ent.err = fmt.Errorf("%s: asking for sysconfig failed: %v: %s", exe, err, strings.TrimSpace(stderr.String()))
			return
		}
		var info PyInfo
		if err := json.Unmarshal(bytes.TrimSpace(out), &info); err != nil {
			ent.err = fmt.Errorf("%s: unreadable sysconfig answer: %v", exe, err)
			return
		}
		ent.info = &info
	})
	return ent.info, ent.err
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
