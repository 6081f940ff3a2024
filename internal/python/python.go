// Package python finds a Python interpreter the way flit's
// find_python_executable does and asks it things: its install paths and
// build configuration (Query, one process per interpreter, cached in memory
// and on disk) and, as flit_core's import fallback, a module's __doc__ and
// __version__ (ImportInfo).
//
// Commands are shown through a diag.Logger (Debugf); nothing is printed.
package python

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"goflit/internal/atomicfile"
	"goflit/internal/diag"
)

// DefaultName is the interpreter used when neither --python nor
// FLIT_INSTALL_PYTHON names one (flit uses the Python running it; goflit
// is not Python, so it takes python3 from PATH).
const DefaultName = "python3"

// Paths are the sysconfig install paths of one scheme.
type Paths struct {
	Purelib     string `json:"purelib"`     // pure-Python packages (site-packages / dist-packages)
	Platlib     string `json:"platlib"`     // packages with compiled code (same as Purelib on most systems)
	Scripts     string `json:"scripts"`     // console scripts (bin/, Scripts\)
	Data        string `json:"data"`        // the scheme's data root ("{dist}.data/data/" goes here)
	Include     string `json:"include"`     // the interpreter's C headers (Python.h) for this scheme
	Platinclude string `json:"platinclude"` // platform-specific C headers ("" if the scheme has none)
	// Headers is where a wheel's "{dist}.data/headers/" files go, as pip
	// computes it, without the distribution name (append it):
	// <prefix>/include/site/pythonX.Y in a virtual environment, else Include.
	Headers string `json:"headers"`
}

// Info describes an interpreter. Install uses the paths, the C extension
// builder the build configuration.
type Info struct {
	Executable     string `json:"executable"`     // sys.executable (absolute; a venv's own bin/python)
	Version        string `json:"version"`        // platform.python_version(), e.g. "3.11.2"
	VersionInfo    [3]int `json:"version_info"`   // sys.version_info[:3]
	Implementation string `json:"implementation"` // sys.implementation.name, e.g. "cpython", "pypy"
	CacheTag       string `json:"cache_tag"`      // sys.implementation.cache_tag, e.g. "cpython-311" (.pyc names)
	SysPlatform    string `json:"sys_platform"`   // sys.platform: "linux", "darwin", "win32"
	OSName         string `json:"os_name"`        // os.name: "posix" or "nt"
	Platform       string `json:"platform"`       // sysconfig.get_platform(), e.g. "linux-x86_64"
	PointerSize    int    `json:"pointer_size"`   // struct.calcsize("P"): 8 on 64-bit builds

	Prefix          string `json:"prefix"`            // sys.prefix (the venv in a venv)
	BasePrefix      string `json:"base_prefix"`       // sys.base_prefix (the base installation)
	ExecPrefix      string `json:"exec_prefix"`       // sys.exec_prefix
	InVenv          bool   `json:"in_venv"`           // sys.prefix != sys.base_prefix
	UserSiteEnabled bool   `json:"user_site_enabled"` // site.ENABLE_USER_SITE (false in venvs and with -s)
	UserBase        string `json:"user_base"`         // site.getuserbase(), e.g. ~/.local
	DefaultScheme   string `json:"default_scheme"`    // sysconfig.get_default_scheme(), e.g. "posix_prefix", "venv", Debian's "posix_local"
	UserScheme      string `json:"user_scheme"`       // "posix_user", "nt_user" or "osx_framework_user"

	Paths     Paths  `json:"paths"`      // sysconfig.get_paths() for the default scheme
	UserPaths *Paths `json:"user_paths"` // sysconfig.get_paths(UserScheme); nil if the scheme is unknown

	// Build configuration (sysconfig.get_config_var), for C extensions.
	ExtSuffix         string   `json:"ext_suffix"`         // EXT_SUFFIX, e.g. ".cpython-311-x86_64-linux-gnu.so"
	SOABI             string   `json:"soabi"`              // SOABI, e.g. "cpython-311-x86_64-linux-gnu"
	IncludePy         string   `json:"includepy"`          // INCLUDEPY: directory holding Python.h
	Multiarch         string   `json:"multiarch"`          // MULTIARCH, e.g. "x86_64-linux-gnu" ("" if none)
	ABIFlags          string   `json:"abiflags"`           // sys.abiflags, e.g. "" or "t" (free-threaded)
	GILDisabled       bool     `json:"gil_disabled"`       // Py_GIL_DISABLED: a free-threaded build
	LDVersion         string   `json:"ldversion"`          // LDVERSION, e.g. "3.11"
	LibDir            string   `json:"libdir"`             // LIBDIR
	LDLibrary         string   `json:"ldlibrary"`          // LDLIBRARY, e.g. "libpython3.11.so"
	CC                string   `json:"cc"`                 // CC the interpreter was built with ("" if unknown)
	ExtensionSuffixes []string `json:"extension_suffixes"` // importlib.machinery.EXTENSION_SUFFIXES, in import order
	SourceSuffixes    []string `json:"source_suffixes"`    // importlib.machinery.SOURCE_SUFFIXES
	BytecodeSuffixes  []string `json:"bytecode_suffixes"`  // importlib.machinery.BYTECODE_SUFFIXES
	MachineByteOrder  string   `json:"byteorder"`          // sys.byteorder: "little" or "big"
	Abi3Compatible    bool     `json:"abi3"`               // ".abi3.so" (or ".pyd" on Windows) is importable
}

// Scheme returns the install paths for a user or an environment install.
func (i *Info) Scheme(user bool) (*Paths, error) {
	if !user {
		return &i.Paths, nil
	}
	if i.UserPaths == nil {
		return nil, fmt.Errorf("%s has no user install scheme %q; install into the environment instead (--env)", i.Executable, i.UserScheme)
	}
	return i.UserPaths, nil
}

// Client runs interpreters. The zero value works: no logging, the on-disk
// cache under $XDG_CACHE_HOME/goflit/python (os.UserCacheDir).
type Client struct {
	Log diag.Logger // commands are shown with Debugf; nil: silent
	// CacheDir holds Query results keyed by interpreter; "" means
	// <os.UserCacheDir>/goflit/python, "-" disables the disk cache.
	CacheDir string

	mem sync.Map // absolute interpreter path -> *Info
}

var std = &Client{}

// SetLogger sets the logger of the package-level functions (the CLI calls
// it once with its -v aware logger).
func SetLogger(l diag.Logger) { std.Log = l }

// Find resolves the interpreter to use with the package-level client.
func Find(spec string, getenv func(string) string) (string, error) { return std.Find(spec, getenv) }

// Query describes an interpreter with the package-level client.
func Query(py string) (*Info, error) { return std.Query(py) }

func (c *Client) debugf(format string, args ...any) {
	if c.Log != nil {
		c.Log.Debugf(format, args...)
	}
}

// Find is flit's find_python_executable: spec (--python) or else
// FLIT_INSTALL_PYTHON or else DefaultName. A directory is taken as a
// virtual environment (its bin/python or Scripts/python.exe); an absolute
// path is used as it is; any other name is looked up on PATH and resolved
// to the interpreter's own sys.executable. getenv reads the environment
// (os.Getenv when nil).
func (c *Client) Find(spec string, getenv func(string) string) (string, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	if spec == "" {
		spec = getenv("FLIT_INSTALL_PYTHON")
	}
	if spec == "" {
		spec = DefaultName
	}
	if fi, err := os.Stat(spec); err == nil && fi.IsDir() {
		for _, exe := range []string{"bin/python", "Scripts/python.exe"} {
			p := filepath.Join(spec, filepath.FromSlash(exe))
			if _, err := os.Stat(p); err == nil {
				return filepath.Abs(p)
			}
		}
		return "", fmt.Errorf("Unable to resolve Python executable '%s': the directory has no bin/python or Scripts/python.exe (%s)", spec, hint)
	}
	if filepath.IsAbs(spec) {
		fi, err := os.Stat(spec)
		if err != nil {
			return "", fmt.Errorf("Unable to resolve Python executable '%s': no such file (%s)", spec, hint)
		}
		if fi.IsDir() || (runtime.GOOS != "windows" && fi.Mode()&0o111 == 0) {
			return "", fmt.Errorf("Unable to resolve Python executable '%s': not an executable file (%s)", spec, hint)
		}
		return spec, nil
	}
	resolved := lookPath(spec, getenv("PATH"))
	if resolved == "" {
		where := "not found on PATH"
		if strings.ContainsRune(spec, '/') || strings.ContainsRune(spec, filepath.Separator) {
			where = "no such executable file"
		}
		return "", fmt.Errorf("Unable to resolve Python executable '%s': %s (%s)", spec, where, hint)
	}
	info, err := c.Query(resolved)
	if err != nil {
		return "", fmt.Errorf("error occurred trying to find the absolute filepath of Python executable '%s' ('%s'): %v", spec, resolved, err)
	}
	if info.Executable == "" {
		return "", fmt.Errorf("Unable to resolve Python executable '%s': %s reports an empty sys.executable (%s)", spec, resolved, hint)
	}
	return info.Executable, nil
}

// hint says how to choose another interpreter: every command reads
// FLIT_INSTALL_PYTHON; only flit install has --python.
const hint = "set FLIT_INSTALL_PYTHON to an interpreter path or a virtual environment directory, or for flit install pass --python"

// lookPath is shutil.which: a name with a separator is checked as a path,
// anything else searched in the PATH directories.
func lookPath(name, path string) string {
	isExe := func(p string) bool {
		fi, err := os.Stat(p)
		return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
	}
	if strings.ContainsRune(name, '/') || strings.ContainsRune(name, filepath.Separator) {
		if isExe(name) {
			return name
		}
		return ""
	}
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			dir = "."
		}
		if p := filepath.Join(dir, name); isExe(p) {
			return p
		}
	}
	return ""
}

// queryScript prints the Info JSON. It must run on every Python 3.
const queryScript = `
import sys
if sys.path and sys.path[0] in ('', '.'):
    del sys.path[0]  # never import the current directory's files
import importlib.machinery as m, json, os, platform, site, struct, sysconfig
cv = sysconfig.get_config_var
def paths(scheme):
    try:
        p = sysconfig.get_paths(scheme) if scheme else sysconfig.get_paths()
    except KeyError:
        return None
    base = sys.prefix
    if scheme and scheme.endswith('_user'):
        base = site.getuserbase()
    if sys.prefix != sys.base_prefix:
        p['headers'] = os.path.join(base, 'include', 'site', 'python%d.%d' % sys.version_info[:2])
    else:
        p['headers'] = p.get('include', '')
    return {k: p.get(k, '') for k in ('purelib', 'platlib', 'scripts', 'data', 'include', 'platinclude', 'headers')}
if sys.platform == 'darwin' and cv('PYTHONFRAMEWORK'):
    user_scheme = 'osx_framework_user'
else:
    user_scheme = os.name + '_user'
try:
    default_scheme = sysconfig.get_default_scheme()
except AttributeError:
    default_scheme = sysconfig._get_default_scheme()
exts = list(m.EXTENSION_SUFFIXES)
json.dump(dict(
    executable=sys.executable, version=platform.python_version(),
    version_info=list(sys.version_info[:3]), implementation=sys.implementation.name,
    cache_tag=sys.implementation.cache_tag or '', sys_platform=sys.platform, os_name=os.name,
    platform=sysconfig.get_platform(), pointer_size=struct.calcsize('P'),
    prefix=sys.prefix, base_prefix=sys.base_prefix, exec_prefix=sys.exec_prefix,
    in_venv=sys.prefix != sys.base_prefix, user_site_enabled=bool(site.ENABLE_USER_SITE),
    user_base=site.getuserbase(), default_scheme=default_scheme, user_scheme=user_scheme,
    paths=paths(None), user_paths=paths(user_scheme),
    ext_suffix=cv('EXT_SUFFIX') or '', soabi=cv('SOABI') or '', includepy=cv('INCLUDEPY') or '',
    multiarch=cv('MULTIARCH') or '', abiflags=getattr(sys, 'abiflags', ''),
    gil_disabled=bool(cv('Py_GIL_DISABLED')), ldversion=cv('LDVERSION') or '',
    libdir=cv('LIBDIR') or '', ldlibrary=cv('LDLIBRARY') or '', cc=cv('CC') or '',
    extension_suffixes=exts, source_suffixes=list(m.SOURCE_SUFFIXES),
    bytecode_suffixes=list(m.BYTECODE_SUFFIXES), byteorder=sys.byteorder,
    abi3=any(s in ('.abi3.so', '.pyd') for s in exts),
), sys.stdout)
print()
`

// cacheVersion changes whenever queryScript or Info changes.
const cacheVersion = "1"

// Query runs the interpreter once and returns what it reports. Results are
// cached in memory per interpreter path and on disk, keyed by the path and
// the size and modification time of the interpreter (and of a virtual
// environment's pyvenv.cfg), so repeated runs do not start Python again.
func (c *Client) Query(py string) (*Info, error) {
	abs, err := filepath.Abs(py)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", py, err)
	}
	if v, ok := c.mem.Load(abs); ok {
		return v.(*Info), nil
	}
	key, keyErr := c.cacheKey(abs)
	cacheFile := ""
	if keyErr == nil {
		if dir := c.cacheDir(); dir != "" {
			cacheFile = filepath.Join(dir, key+".json")
			if data, err := os.ReadFile(cacheFile); err == nil {
				var info Info
				if json.Unmarshal(data, &info) == nil && info.Executable != "" {
					c.debugf("python: %s described by cache %s", abs, cacheFile)
					c.mem.Store(abs, &info)
					return &info, nil
				}
			}
		}
	}
	out, err := c.run(abs, "", []string{"-c", queryScript}, "<query sys.executable, sysconfig paths and config>")
	if err != nil {
		var re *RunError
		if errors.As(err, &re) {
			return nil, fmt.Errorf("%s: describing the interpreter failed: %s (is it a working Python 3 interpreter?)", abs, re.Msg)
		}
		return nil, err
	}
	out = lastJSONLine(out)
	var info Info
	if err := json.Unmarshal(out, &info); err != nil {
		return nil, fmt.Errorf("%s: cannot read the interpreter's description (%v); is it a Python 3 interpreter?", abs, err)
	}
	c.mem.Store(abs, &info)
	if cacheFile != "" {
		if err := writeAtomic(cacheFile, out); err != nil {
			c.debugf("python: not caching the description of %s: %v", abs, err)
		}
	}
	return &info, nil
}

func (c *Client) cacheDir() string {
	switch c.CacheDir {
	case "-":
		return ""
	case "":
		base, err := os.UserCacheDir()
		if err != nil {
			return ""
		}
		return filepath.Join(base, "goflit", "python")
	}
	return c.CacheDir
}

// cacheKey identifies an interpreter: its path, the link (if any) and the
// file it resolves to, the venv's pyvenv.cfg, and the environment
// variables that change what Query reports.
func (c *Client) cacheKey(abs string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "goflit python query %s\n%s\n", cacheVersion, abs)
	st := func(p string, follow bool) error {
		var fi fs.FileInfo
		var err error
		if follow {
			fi, err = os.Stat(p)
		} else {
			fi, err = os.Lstat(p)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %d %d %v\n", p, fi.Size(), fi.ModTime().UnixNano(), fi.Mode())
		return nil
	}
	if err := st(abs, false); err != nil {
		return "", err
	}
	if err := st(abs, true); err != nil {
		return "", err
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		fmt.Fprintf(h, "real %s\n", real)
	}
	cfg := filepath.Join(filepath.Dir(filepath.Dir(abs)), "pyvenv.cfg")
	_ = st(cfg, true)
	for _, v := range []string{"PYTHONHOME", "PYTHONUSERBASE", "PYTHONNOUSERSITE", "PYTHONPLATLIBDIR", "_PYTHON_HOST_PLATFORM", "_PYTHON_SYSCONFIGDATA_NAME"} {
		fmt.Fprintf(h, "%s=%q\n", v, os.Getenv(v))
	}
	return hex.EncodeToString(h.Sum(nil))[:32], nil
}

// run starts the interpreter with args; stdout is returned, and on failure
// the error carries the last line of stderr (the exception).
func (c *Client) run(py, dir string, args []string, show string) ([]byte, error) {
	c.debugf("running %s %s %s", py, args[0], show)
	cmd := exec.Command(py, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err == nil {
		return stdout.Bytes(), nil
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		msg := lastLine(stderr.String())
		if msg == "" {
			msg = ee.String()
		}
		return stdout.Bytes(), &RunError{Python: py, Msg: msg, Stderr: stderr.String()}
	}
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, exec.ErrNotFound) {
		return nil, fmt.Errorf("Python interpreter %s not found; %s", py, hint)
	}
	return nil, fmt.Errorf("running Python interpreter %s: %v", py, err)
}

// RunError is a Python process that failed; Msg is the last line of its
// stderr (usually "SomeError: message").
type RunError struct {
	Python string
	Msg    string
	Stderr string
}

func (e *RunError) Error() string { return e.Python + ": " + e.Msg }

// lastJSONLine returns the last non-empty line of a script's output: the
// JSON it printed, after whatever a sitecustomize may have written.
func lastJSONLine(out []byte) []byte {
	out = bytes.TrimRight(out, "\r\n\t ")
	if i := bytes.LastIndexByte(out, '\n'); i >= 0 {
		return out[i+1:]
	}
	return out
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\r\n\t "), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// writeAtomic writes a cache file (private to the user: 0600) atomically,
// creating its directory.
func writeAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.WriteFile(path, data, 0o600)
}
