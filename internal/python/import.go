package python

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strconv"

	"goflit/internal/pysrc"
)

// Object is a __version__ value of a type without a natural Go
// counterpart (complex, a custom class, an int beyond int64).
type Object struct {
	Type   string // Python type name, e.g. "complex", "Version"
	Repr   string // repr(value)
	Truthy bool   // bool(value)
}

func (o Object) String() string { return o.Repr }

// ImportInfo is flit_core's import fallback with the package-level client.
func ImportInfo(py string, m *pysrc.Module) (doc string, version any, err error) {
	return std.ImportInfo(py, m)
}

// importScript executes the module file under flit's dummy name, registered
// in sys.modules so that relative imports work. Its parents flit_core and
// flit_core.dummy are the real flit_core when the interpreter has it, else
// empty stub packages (goflit users' interpreters usually lack flit_core),
// removed again afterwards. The module's source
// directory on sys.path, and writes __doc__ and __version__ as JSON to the
// original stdout (the module's own prints go to stderr).
const importScript = `
import sys
if sys.path and sys.path[0] in ('', '.'):
    del sys.path[0]
import json, os, traceback, types
from importlib.util import spec_from_file_location, module_from_spec
out = os.fdopen(os.dup(1), 'w')
os.dup2(2, 1)
sys.stdout = sys.stderr
path, srcdir = sys.argv[1], sys.argv[2]
sys.path.insert(0, srcdir)
def enc(v):
    d = {'type': type(v).__name__, 'repr': repr(v)}
    try:
        d['truthy'] = bool(v)
    except Exception:
        d['truthy'] = True
    if v is None or isinstance(v, (str, bool, float)):
        d['value'] = v
    elif isinstance(v, int):
        d['value'] = str(v)
    elif isinstance(v, bytes):
        d['value'] = list(v)
    elif isinstance(v, (tuple, list)):
        d['items'] = [enc(x) for x in v]
    return d
name = 'flit_core.dummy.import1'
stubs = []
def stub(parent):
    m = types.ModuleType(parent)
    m.__path__ = []
    sys.modules[parent] = m
    stubs.append(parent)
try:
    if 'flit_core' not in sys.modules:
        try:
            import flit_core
        except ImportError:
            stub('flit_core')
    if 'flit_core.dummy' not in sys.modules:
        stub('flit_core.dummy')
    spec = spec_from_file_location(name, path)
    mod = module_from_spec(spec)
    sys.modules[name] = mod
    try:
        spec.loader.exec_module(mod)
    finally:
        sys.modules.pop(name, None)
        for s in stubs:
            sys.modules.pop(s, None)
except BaseException as e:
    traceback.print_exc()
    tb = traceback.extract_tb(e.__traceback__)
    where = ''
    if tb:
        where = '%s:%s' % (tb[-1].filename, tb[-1].lineno)
    msg = traceback.format_exception_only(type(e), e)[-1].strip()
    json.dump({'error': msg, 'where': where}, out)
    out.write('\n')
    out.close()
    sys.exit(0)
doc = mod.__dict__.get('__doc__', None)
res = {'has_doc': isinstance(doc, str), 'doc': doc if isinstance(doc, str) else None}
if '__version__' in mod.__dict__:
    res['version'] = enc(mod.__dict__['__version__'])
json.dump(res, out)
out.write('\n')
out.close()
`

type encoded struct {
	Type   string          `json:"type"`
	Repr   string          `json:"repr"`
	Truthy bool            `json:"truthy"`
	Value  json.RawMessage `json:"value"`
	Items  []encoded       `json:"items"`
}

func (e encoded) decode() any {
	switch e.Type {
	case "NoneType":
		return nil
	case "str":
		var s string
		if json.Unmarshal(e.Value, &s) == nil {
			return s
		}
	case "bool":
		var b bool
		if json.Unmarshal(e.Value, &b) == nil {
			return b
		}
	case "float":
		var f float64
		if json.Unmarshal(e.Value, &f) == nil {
			return f
		}
		if f, err := strconv.ParseFloat(e.Repr, 64); err == nil {
			return f // inf, nan
		}
	case "int":
		var s string
		if json.Unmarshal(e.Value, &s) == nil {
			if n, err := strconv.ParseInt(s, 10, 64); err == nil {
				return n
			}
			if _, ok := new(big.Int).SetString(s, 10); ok {
				return Object{Type: "int", Repr: s, Truthy: e.Truthy}
			}
		}
	case "bytes":
		var b []byte
		var ints []int
		if json.Unmarshal(e.Value, &ints) == nil {
			b = make([]byte, len(ints))
			for i, v := range ints {
				b[i] = byte(v)
			}
			return b
		}
	case "tuple", "list":
		if e.Type == "tuple" || e.Items != nil {
			items := make([]any, len(e.Items))
			for i, it := range e.Items {
				items[i] = it.decode()
			}
			if e.Type == "tuple" {
				return items
			}
		}
	}
	return Object{Type: e.Type, Repr: e.Repr, Truthy: e.Truthy}
}

// ImportInfo is flit_core's import fallback: the interpreter py executes
// the module's file (m.File()) and reports its __doc__ and __version__.
// doc is "" when __doc__ is None. version is nil when there is none (or
// it is None), else a string, bool, int64, float64, []byte, []any (a
// tuple) or an Object. An exception while importing becomes an error that
// names the module file and carries the exception's last traceback line.
func (c *Client) ImportInfo(py string, m *pysrc.Module) (doc string, version any, err error) {
	file := m.File()
	out, err := c.run(py, m.SourceDir, []string{"-c", importScript, file, m.SourceDir}, fmt.Sprintf("<import %s as flit_core.dummy.import1>", file))
	if err != nil {
		var re *RunError
		if errors.As(err, &re) {
			return "", nil, fmt.Errorf("%s: importing module %s with %s to read its docstring and __version__ failed: %s", file, m.Name, py, re.Msg)
		}
		return "", nil, fmt.Errorf("%s: cannot import module %s to read its docstring and __version__: %v; or write __version__ = \"1.0\" and the docstring as plain literals, or set version and description in [project]", file, m.Name, err)
	}
	var res struct {
		Error   string   `json:"error"`
		Where   string   `json:"where"`
		HasDoc  bool     `json:"has_doc"`
		Doc     *string  `json:"doc"`
		Version *encoded `json:"version"`
	}
	if err := json.Unmarshal(lastJSONLine(out), &res); err != nil {
		return "", nil, fmt.Errorf("%s: importing module %s with %s gave no result (%v)", file, m.Name, py, err)
	}
	if res.Error != "" {
		at := ""
		if res.Where != "" {
			at = " (at " + res.Where + ")"
		}
		return "", nil, fmt.Errorf("%s: importing module %s with %s failed: %s%s; install its dependencies into that interpreter, or write __version__ = \"1.0\" and the docstring as plain literals, or set version and description in [project]",
			file, m.Name, py, res.Error, at)
	}
	if res.Doc != nil {
		doc = *res.Doc
	}
	if res.Version != nil {
		version = res.Version.decode()
	}
	return doc, version, nil
}
