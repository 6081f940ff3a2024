package pysrc

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"goflit/internal/diag"
	"goflit/internal/testutil"
)

var sampleModules = []struct{ dir, name string }{
	{"module1", "module1"},
	{"module2", "module2"},
	{"moduleunimportable", "moduleunimportable"},
	{"moduleunimportabledouble", "moduleunimportabledouble"},
	{"no_docstring", "no_docstring"},
	{"invalid_version1", "invalid_version1"},
	{"annotated_version", "module1"},
	{"constructed_version", "module1"},
	{"imported_version", "package1"},
	{"conflicting_modules", "module1"},
	{"ns1-pkg", "ns1.pkg"},
	{"sample-stubs", "wcwidth-stubs"},
	{"float_version", "module1"},
	{"bytes_version", "module1"},
	{"empty_version", "module1"},
	{"nested_version", "module1"},
	{"version_files", "pkg"},
	{"latin1", "module1"},
	{"cp1252", "module1"},
	{"bom", "module1"},
	{"src_layout", "pkg"},
	{"missing", "module1"},
	{"syntax_error", "module1"},
	{"concat_doc", "module1"},
	{"semicolon", "module1"},
	{"no_init", "pkg"},
}

// TestSamples golden-tests FindModule, Files and ReadInfo over the sample
// projects in testdata/samples.
func TestSamples(t *testing.T) {
	var b strings.Builder
	for _, s := range sampleModules {
		root, err := filepath.Abs(filepath.Join("testdata", "samples", s.dir))
		if err != nil {
			t.Fatal(err)
		}
		rel := func(p string) string {
			r, err := filepath.Rel(root, p)
			if err != nil {
				return p
			}
			return filepath.ToSlash(r)
		}
		scrub := func(err error) string { return strings.ReplaceAll(err.Error(), root, "$ROOT") }
		fmt.Fprintf(&b, "== %s (%s)\n", s.dir, s.name)
		m, err := FindModule(s.name, root, true)
		if err != nil {
			fmt.Fprintf(&b, "find error: %s\n\n", scrub(err))
			continue
		}
		fmt.Fprintf(&b, "module: name=%s path=%s source_dir=%s package=%v stubs=%v namespace=%v file=%s\n",
			m.Name, rel(m.Path), rel(m.SourceDir), m.IsPackage, m.IsStubs, m.InNamespacePackage(), rel(m.File()))
		files, err := m.Files()
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			fmt.Fprintf(&b, "  file %s\n", rel(f))
		}
		info, err := ReadInfo(m)
		if err != nil {
			fmt.Fprintf(&b, "read error: %s\n\n", scrub(err))
			continue
		}
		fmt.Fprintf(&b, "doc=%q hasdoc=%v\nversion=%q has=%v kind=%s truthy=%v file=%s\nneeds import: version=%v doc=%v\n\n",
			info.Doc, info.HasDoc, info.Version, info.HasVersion, info.VersionKind, info.VersionTruthy, rel(info.File),
			info.NeedsImport(true, false), info.NeedsImport(false, true))
	}
	testutil.Golden(t, filepath.Join("testdata", "samples.golden"), []byte(b.String()))
}

func TestFindModuleErrors(t *testing.T) {
	root := filepath.Join("testdata", "samples", "conflicting_modules")
	_, err := FindModule("module1", root, true)
	if err == nil || !strings.HasPrefix(err.Error(), "Multiple files or folders could be module module1: module1.py, src/module1.py") {
		t.Errorf("conflict: got %v", err)
	}
	_, err = FindModule("nothere", root, true)
	if err == nil || !strings.HasPrefix(err.Error(), "No file/folder found for module nothere") {
		t.Errorf("missing: got %v", err)
	}
	for _, bad := range []string{"", ".", "a..b", "../x", "a/b", ".x"} {
		if _, err := FindModule(bad, root, true); err == nil {
			t.Errorf("FindModule(%q) succeeded", bad)
		}
	}
	// Without stubs support a -stubs name is a plain name.
	m, err := FindModule("wcwidth-stubs", filepath.Join("testdata", "samples", "sample-stubs"), false)
	if err != nil || m.IsStubs {
		t.Errorf("stubs disallowed: %v %+v", err, m)
	}
}

func TestPathLess(t *testing.T) {
	got := []string{"src/x", "src-a", "src", "a.b", "a/b", "a"}
	sort.Slice(got, func(i, j int) bool { return pathLess(got[i], got[j]) })
	want := "a a/b a.b src src/x src-a"
	if strings.Join(got, " ") != want {
		t.Errorf("got %v, want %s", got, want)
	}
}

// TestFilesWalk checks the walk rules on a tree with symlinks, caches and
// compiled files, which cannot live in git.
func TestFilesWalk(t *testing.T) {
	root := t.TempDir()
	testutil.CopyDir(t, filepath.Join("testdata", "samples", "src_layout"), root)
	pkg := filepath.Join(root, "src", "pkg")
	write := func(rel string) {
		testutil.WriteFile(t, filepath.Join(pkg, rel), "x")
	}
	write("__pycache__/mod.cpython-311.pyc")
	write("sub/mod.pyc")
	write("a_data/__pycache__/x.pyc")
	write("a_data/y.pyc")
	write("dir.pyc/inside.py")
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "real.py"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{
		"linkdir":     outside,
		"linkfile.py": filepath.Join(outside, "real.py"),
		"broken.py":   filepath.Join(outside, "nope.py"),
	} {
		if err := os.Symlink(target, filepath.Join(pkg, name)); err != nil {
			t.Fatal(err)
		}
	}
	m, err := FindModule("pkg", root, true)
	if err != nil {
		t.Fatal(err)
	}
	files, err := m.Files()
	if err != nil {
		t.Fatal(err)
	}
	data, err := WalkDataDir(pkg)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, f := range files {
		r, _ := filepath.Rel(root, f)
		b.WriteString("module " + filepath.ToSlash(r) + "\n")
	}
	for _, f := range data {
		r, _ := filepath.Rel(root, f)
		b.WriteString("data " + filepath.ToSlash(r) + "\n")
	}
	testutil.Golden(t, filepath.Join("testdata", "walk.golden"), []byte(b.String()))
	if _, err := WalkDataDir(filepath.Join(root, "nonexistent")); err == nil {
		t.Error("WalkDataDir of a missing directory succeeded")
	}
}

func TestCleandoc(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"one line", "one line"},
		{"  lead", "lead"},
		{"\n    a\n      b\n    c\n    ", "a\n  b\nc"},
		{"first\n\tsecond", "first\nsecond"},
		{"\n\n\nx\n\n", "x"},
		{"a\n   \n  b", "a\n \nb"},
		{"x\n\u00a0 y", "x\ny"},
	} {
		if got := cleandoc(c.in); got != c.want {
			t.Errorf("cleandoc(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// snippets are sources whose docstring/__version__/syntax verdict must
// match Python's own ast module.
var snippets = map[string]string{
	"plain":                "'''Doc'''\n__version__ = '1.0'\n",
	"crlf":                 "\"\"\"Doc\r\n   more\r\n\"\"\"\r\n__version__ = '1.0'\r\n",
	"cr":                   "'Doc'\r__version__ = '1.0'\r",
	"no_newline_eof":       "'Doc'\n__version__ = '1.0'",
	"bytes_doc":            "b'Doc'\n__version__ = '1'\n",
	"fdoc":                 "f'Doc'\n__version__ = '1'\n",
	"u_doc":                "U'Doc \\u00e9'\n",
	"raw_doc":              "R'Doc \\n \\''\n",
	"mixed_prefix":         "Rb'x' bR'y'\n__version__ = rB'1'\n",
	"mix_error":            "'a' b'b'\n",
	"escapes":              "'\\a\\b\\f\\n\\r\\t\\v\\\\ \\' \\\" \\0 \\101 \\7777 \\x41 \\u00e9 \\U0001F600 \\N{LATIN SMALL LETTER E WITH ACUTE} \\N{latin small letter a} \\q \\\n end'\n",
	"cjk_name":             "'\\N{CJK UNIFIED IDEOGRAPH-4E00}\\N{HANGUL SYLLABLE GAG}\\N{HANGUL SYLLABLE A}'\n",
	"bad_name":             "'\\N{NO SUCH CHARACTER NAME}'\n",
	"bad_x":                "x = '\\x4'\n",
	"bytes_escapes":        "'d'\n__version__ = b'\\x41\\101\\u0041\\N{X}'\n",
	"bytes_nonascii":       "x = b'\u00e9'\n",
	"ann_only":             "'d'\n__version__: str\n__version__ = '2'\n",
	"ann_paren":            "'d'\n(__version__): str = '3'\n",
	"paren_target":         "'d'\n(__version__) = '4'\n",
	"tuple_target":         "'d'\n(__version__,) = ('5',)\n__version__ = '6'\n",
	"list_target":          "'d'\n[__version__] = ['5']\n",
	"attr_target":          "'d'\nx.__version__ = '5'\n",
	"chain":                "'d'\na = b = __version__ = c = '7'\n",
	"subscript":            "'d'\na[__version__] = '7'\n__version__ = '8'\n",
	"aug":                  "'d'\n__version__ += '7'\n__version__ = '8'\n",
	"walrus":               "'d'\n(__version__ := '7')\n",
	"numbers":              "'d'\n__version__ = 0x_1F\n",
	"zero":                 "'d'\n__version__ = 0\n",
	"zero_float":           "'d'\n__version__ = 0.0e10\n",
	"complex":              "'d'\n__version__ = 1j\n",
	"none":                 "'d'\n__version__ = None\n",
	"true":                 "'d'\n__version__ = True\n",
	"ellipsis":             "'d'\n__version__ = ...\n",
	"neg":                  "'d'\n__version__ = -1\n__version__ = '9'\n",
	"lambda":               "'d'\n__version__ = lambda v='1': v\n__version__ = '2'\n",
	"if_inline":            "'d'\nif 1: __version__ = '1'\n__version__ = '2'\n",
	"decorated":            "'d'\n@dec\nclass A: __version__ = '1'\n__version__ = '2'\n",
	"match":                "'d'\nmatch x:\n    case 1:\n        __version__ = '1'\nmatch = 1\n__version__ = '2'\n",
	"match_var":            "'d'\nmatch: int = 3\n__version__ = '2'\n",
	"fstring_nested":       "'d'\nx = f\"{'a' + f'{1:>{2}}'}\" f'{{}}' rf'\\d{x!r:3}'\n__version__ = '3'\n",
	"fstring_version":      "'d'\n__version__ = 'a' f'b'\n__version__ = '3'\n",
	"triple_in_brackets":   "x = (1,\n  2,\n  '''a\nb''')\n__version__ = '1'\n",
	"continuation":         "'d'\n__version__ = \\\n  '1'\n",
	"comment_only":         "# just a comment",
	"empty":                "",
	"docstring_only_paren": "(\n 'a'\n 'b'\n)\n",
	"docstring_not_first":  "import os\n'Doc'\n",
	"second_stmt_doc":      "x = 1; 'Doc'\n",
	"unterminated":         "'d'\nx = 'abc\n",
	"unterminated3":        "'d'\nx = '''abc\n\n",
	"unclosed":             "'d'\nx = (1,\n2\n",
	"mismatch":             "'d'\nx = (1]\n",
	"bad_indent":           "'d'\n  x = 1\n",
	"bad_dedent":           "if x:\n        a = 1\n    b = 2\n",
	"no_block":             "if x:\nb = 2\n",
	"no_block_eof":         "if x:\n",
	"tabs":                 "if x:\n\ta = 1\n        b = 2\n",
	"stray_char":           "'d'\nx = 1 $ 2\n",
	"stray_bang":           "x = !a\n",
	"backslash":            "x = 1 \\ 2\n",
	"leading_zero":         "x = 0777\n",
	"zeros":                "'d'\n__version__ = 00\n",
	"nul":                  "'d'\x00\n",
	"invalid_utf8":         "'d \xff'\n",
	"invalid_utf8_comment": "'d' # \xff\xfe\n#\xc3\n__version__ = '1' #\xff",
	"invalid_utf8_ident":   "x\xff = 1\n",
	"invalid_utf8_fstring": "x = f'\xff'\n",
	"invalid_utf8_bytes":   "x = b'\xff'\n",
	"invalid_utf8_triple":  "'''\n\xff'''\n",
	"invalid_utf8_cookie":  "# coding: utf-8\n#\xff\n'd'\n",
	"latin1_line2":         "#!/bin/python\n# coding=latin-1\n'caf\xe9'\n",
	"coding_line3":         "\n\n# coding: latin-1\n'caf\xc3\xa9'\n",
	"coding_after_code":    "x = 1\n# coding: latin-1\n'caf\xc3\xa9'\n",
	"bom_latin1":           "\xef\xbb\xbf# coding: latin-1\n'x'\n",
	"bom_utf8":             "\xef\xbb\xbf# coding: utf8\n'x'\n",
	"bom_utf_8":            "\xef\xbb\xbf# coding: UTF_8\n'x'\n",
	"ascii_bad":            "# coding: ascii\n'caf\xc3\xa9'\n",
	"iso15":                "# coding: iso-8859-15\n'\xa4 \xbc \xbd'\n",
	"cp1252_undef":         "# coding: cp1252\n'\x81'\n",
	"unicode_ident":        "'d'\nvariable\u00e9 = 1\n__version__ = '1'\n",
	"nbsp":                 "x = 1\u00a0+ 2\n",
	"tab_doc":              "'''\tfirst\n\t\tsecond\n\tthird'''\n",
	"formfeed":             "\f'd'\n\f__version__ = '1'\n",
	"deep_try":             "'d'\ntry:\n    import x\nexcept ImportError:\n    x = None\nelse:\n    pass\nfinally:\n    pass\n__version__ = '1'\n",
	"async":                "'d'\nasync def f():\n    await g()\n__version__ = '1'\n",
	"semicolons":           "'d';;\n",
	"semicolons2":          "'d'; __version__ = '1'; __version__ = '2'\n",
	"dict_value":           "'d'\n__version__ = {'a': 1}\n__version__ = '2'\n",
	"ann_lambda":           "'d'\n__version__: lambda: 1 = '1'\n",
	"lambda_nested":        "'d'\nx = lambda a=lambda: 1: a; __version__ = lambda b=2: '1'\n__version__ = '4'\n",
	"ann_lambda_default":   "'d'\n__version__: lambda a=1: a = '5'\n",
	"star":                 "'d'\n*a, __version__ = '1', '2'\n__version__ = '3'\n",
	"yield_top":            "'d'\n__version__ = 1 if x else 2\n__version__ = '3'\n",
	"float_forms":          "'d'\n__version__ = 1_0.5e-3_0\n",
	"underflow":            "'d'\n__version__ = 1e-400\n",
	"dot_float":            "'d'\n__version__ = .5\n",
	"hex_zero":             "'d'\n__version__ = 0x00\n",
	"keyword_num":          "'d'\nx = 1if 1 else 2\n__version__ = '1'\n",
	"num_ident":            "x = 1abc\n",
	"hex_ident":            "x = 0x1g\n",
	"hex_for":              "x = [0x1for y in z]\n",
	"imag_ident":           "x = 1jk\n",
	"num_kw":               "'d'\nx = [1for y in z]\nx = 1or 2\nx = 1and 2\nx = 1in y\nx = 1is 2\nx = 1not in y\n__version__ = '1'\n",
	"num_underscore":       "x = 1_\n",
	"oct_digit":            "x = 0o8\n",
	"exp_ident":            "x = 1ex\n",
	"num_nonascii":         "x = 1\u00e9\n",
	"starts_eq":            "= 1\n",
	"ends_eq":              "x =\n",
	"eq_eq":                "x = = 1\n",
	"ends_dot":             "import os.\n",
	"ends_plus":            "if x:\n    y = 1 +\n",
	"from_star":            "'d'\nfrom os import *\n__version__ = '1',\n",
	"star_target":          "'d'\n*a, b = 1, 2\n-x\n~x\n...\n",
	"empty_doc":            "''\n",
	"ws_doc":               "'  \\n  '\n",
}

// TestAgainstPythonAST compares the reader with CPython's ast module (what
// flit_core uses) on the snippets above and on the standard library.
func TestAgainstPythonAST(t *testing.T) {
	py := testutil.PythonWith(t)
	if p := os.Getenv("PYSRC_PYTHON"); p != "" {
		py = p // manual check against another CPython (with PYSRC_CORPUS)
	}
	dir := t.TempDir()
	var paths []string
	for name, src := range snippets {
		p := filepath.Join(dir, name+".py")
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	stdlib, _ := filepath.Glob("/usr/lib/python3.11/*.py")
	more, _ := filepath.Glob("/usr/lib/python3/dist-packages/flit_core/*.py")
	paths = append(paths, stdlib...)
	paths = append(paths, more...)
	walkPy := func(dir string) {
		_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && strings.HasSuffix(p, ".py") && d.Type().IsRegular() {
				paths = append(paths, p)
			}
			return nil
		})
	}
	walkPy(filepath.Join("testdata", "samples"))
	// PYSRC_CORPUS=DIR[:DIR] adds every .py file below those directories
	// (a manual, slower check: e.g. /usr/lib/python3.11:/usr/lib/python3/dist-packages).
	for _, dir := range filepath.SplitList(os.Getenv("PYSRC_CORPUS")) {
		walkPy(dir)
	}
	sort.Strings(paths)
	out, err := exec.Command(py, append([]string{filepath.Join("testdata", "astinfo.py")}, paths...)...).Output()
	if err != nil {
		t.Fatalf("astinfo.py: %v", err)
	}
	var want map[string]struct {
		Error   bool
		Line    int
		Msg     string
		Doc     *string
		Version *string
		Kind    string
		Truthy  bool
	}
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		w := want[p]
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ReadSource(p, data)
		name := strings.TrimPrefix(p, dir+"/")
		if w.Error {
			var d diag.Diagnostic
			if err == nil {
				t.Errorf("%s: Python rejects it (line %d: %s), the reader accepted it", name, w.Line, w.Msg)
			} else if !errors.As(err, &d) {
				t.Errorf("%s: error is not a diag.Diagnostic: %v", name, err)
			} else if w.Line != 0 && d.Line != w.Line {
				t.Errorf("%s: error on line %d, Python says line %d (%s): %v", name, d.Line, w.Line, w.Msg, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: Python accepts it, the reader says %v", name, err)
			continue
		}
		if (w.Doc != nil) != got.HasDoc || w.Doc != nil && *w.Doc != got.Doc {
			t.Errorf("%s: doc = %v %q, Python has %v", name, got.HasDoc, got.Doc, jsonStr(w.Doc))
		}
		if (w.Version != nil) != got.HasVersion {
			t.Errorf("%s: has version = %v (%q), Python has %v", name, got.HasVersion, got.Version, jsonStr(w.Version))
			continue
		}
		if w.Version == nil {
			continue
		}
		if got.VersionKind != w.Kind || got.VersionTruthy != w.Truthy {
			t.Errorf("%s: version kind %s truthy %v, Python: %s %v", name, got.VersionKind, got.VersionTruthy, w.Kind, w.Truthy)
		}
		switch w.Kind {
		case "str", "bytes", "bool", "NoneType", "ellipsis":
			if got.Version != *w.Version {
				t.Errorf("%s: version %q, Python %q", name, got.Version, *w.Version)
			}
		}
	}
}

func jsonStr(s *string) string {
	if s == nil {
		return "none"
	}
	return fmt.Sprintf("%q", *s)
}

func FuzzReadSource(f *testing.F) {
	for _, src := range snippets {
		f.Add([]byte(src))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := ReadSource("fuzz.py", data)
		if err != nil {
			var d diag.Diagnostic
			if !errors.As(err, &d) && !errors.Is(err, ErrUnsupportedEncoding) {
				t.Fatalf("error of unexpected type %T: %v", err, err)
			}
			return
		}
		if info.HasVersion && info.VersionKind == "" {
			t.Fatal("version without kind")
		}
	})
}
