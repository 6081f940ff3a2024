package cext

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"goflit/internal/testutil"
)

func TestAuditPolicies(t *testing.T) {
	libc := func(name, ver string) Symbol { return Symbol{Name: name, Version: ver, Library: "libc.so.6"} }
	py := Symbol{Name: "PyLong_FromLong"}
	cases := []struct {
		name string
		info ELFInfo
		opts AuditOptions
		want string // platform tags joined by "."
		why  string // substring of the reasons when no policy is met
	}{
		{"python only", ELFInfo{Arch: "x86_64", Undefined: []Symbol{py}}, AuditOptions{}, "manylinux_2_5_x86_64.manylinux1_x86_64", ""},
		{"memcpy 2.14", ELFInfo{Arch: "x86_64", Needed: []string{"libc.so.6"}, Undefined: []Symbol{py, libc("memcpy", "GLIBC_2.14")}}, AuditOptions{},
			"manylinux_2_17_x86_64.manylinux2014_x86_64", ""},
		{"getrandom 2.25", ELFInfo{Arch: "x86_64", Needed: []string{"libc.so.6"}, Undefined: []Symbol{libc("getrandom", "GLIBC_2.25")}}, AuditOptions{},
			"manylinux_2_26_x86_64", ""},
		{"pow 2.29", ELFInfo{Arch: "x86_64", Needed: []string{"libm.so.6", "libc.so.6"}, Undefined: []Symbol{{Name: "pow", Version: "GLIBC_2.29", Library: "libm.so.6"}}}, AuditOptions{},
			"manylinux_2_31_x86_64", ""},
		{"floor from the zig triple", ELFInfo{Arch: "x86_64", Undefined: []Symbol{py}}, AuditOptions{MinGlibc: [2]int{2, 17}},
			"manylinux_2_17_x86_64.manylinux2014_x86_64", ""},
		{"GLIBCXX 3.4.30", ELFInfo{Arch: "x86_64", Needed: []string{"libstdc++.so.6"}, Undefined: []Symbol{{Name: "_ZSt4cout", Version: "GLIBCXX_3.4.30", Library: "libstdc++.so.6"}}}, AuditOptions{},
			"manylinux_2_35_x86_64", ""},
		{"aarch64", ELFInfo{Arch: "aarch64", Needed: []string{"libc.so.6"}, Undefined: []Symbol{libc("malloc", "GLIBC_2.17")}}, AuditOptions{},
			"manylinux_2_17_aarch64.manylinux2014_aarch64", ""},
		{"not whitelisted", ELFInfo{Arch: "x86_64", Needed: []string{"libturbojpeg.so.0", "libc.so.6"}}, AuditOptions{},
			"linux_x86_64", "needs libturbojpeg.so.0"},
		{"libpython", ELFInfo{Arch: "x86_64", Needed: []string{"libpython3.11.so.1.0"}}, AuditOptions{}, "linux_x86_64", "must not link libpython"},
		{"zig unversioned getrandom", ELFInfo{Arch: "x86_64", Undefined: []Symbol{py, {Name: "getrandom"}, {Name: "__gmon_start__", Weak: true}}},
			AuditOptions{UnversionedIsUnknown: true, MinGlibc: [2]int{2, 17}}, "linux_x86_64", "unversioned undefined symbols getrandom:"},
		{"unversioned is fine for gcc", ELFInfo{Arch: "x86_64", Needed: []string{"libz.so.1"}, Undefined: []Symbol{{Name: "deflate"}}}, AuditOptions{},
			"manylinux_2_5_x86_64.manylinux1_x86_64", ""},
		{"blacklisted", ELFInfo{Arch: "x86_64", Needed: []string{"libc.so.6"}, Undefined: []Symbol{libc("__cxa_thread_atexit_impl", "GLIBC_2.18")}}, AuditOptions{},
			"manylinux_2_24_x86_64", "__cxa_thread_atexit_impl from libc.so.6 is blacklisted by manylinux_2_17"},
		{"absolute runpath", ELFInfo{Arch: "x86_64", RunPath: []string{"/opt/lib"}}, AuditOptions{}, "linux_x86_64", "absolute RUNPATH /opt/lib"},
		{"GLIBC_PRIVATE", ELFInfo{Arch: "x86_64", Needed: []string{"libc.so.6"}, Undefined: []Symbol{libc("__libc_secret", "GLIBC_PRIVATE")}}, AuditOptions{},
			"linux_x86_64", "GLIBC_PRIVATE"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := AuditELF(&c.info, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(a.PlatformTags(), "."); got != c.want {
				t.Errorf("tags = %s, want %s (reasons: %v)", got, c.want, a.Reasons)
			}
			if c.why != "" && !strings.Contains(strings.Join(a.Reasons, "; "), c.why) {
				t.Errorf("reasons = %v, want one containing %q", a.Reasons, c.why)
			}
		})
	}
}

func TestPoliciesEmbedded(t *testing.T) {
	pols, err := Policies()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range pols {
		names = append(names, p.Name)
	}
	for _, want := range []string{"manylinux_2_5", "manylinux_2_12", "manylinux_2_17", "manylinux_2_28", "manylinux_2_39"} {
		if !slices.Contains(names, want) {
			t.Errorf("policy %s missing (have %v)", want, names)
		}
	}
	if names[0] != "manylinux_2_5" {
		t.Errorf("most compatible policy first: got %s", names[0])
	}
}

func TestParseGlibcTarget(t *testing.T) {
	for in, want := range map[string][2]int{
		"x86_64-linux-gnu.2.17": {2, 17}, "aarch64-linux-gnu.2.28": {2, 28}, "x86_64-linux-gnu": {}, "native": {},
		"x86_64-linux-musl": {}, "x86_64-linux-gnu.2": {}, "x86_64-linux-gnu.2.x": {},
	} {
		if got := parseGlibcTarget(in); got != want {
			t.Errorf("parseGlibcTarget(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestParseDepfile(t *testing.T) {
	cases := []struct {
		in   string
		want []string
		err  bool
	}{
		{"a.o: a.c b.h\n", []string{"a.c", "b.h"}, false},
		{"/tmp/x/a.o: src/a.c \\\n  /usr/include/python3.11/Python.h \\\n  inc/my\\ file.h\n", []string{"src/a.c", "/usr/include/python3.11/Python.h", "inc/my file.h"}, false},
		{"a.o: a.c b.h\nb.h:\n", []string{"a.c", "b.h"}, false},
		{"a.o: a$$b.h a.c a.c\r\n", []string{"a$b.h", "a.c"}, false},
		{"", nil, false},
		{"no colon here\n", nil, true},
	}
	for _, c := range cases {
		got, err := parseDepfile([]byte(c.in))
		if (err != nil) != c.err {
			t.Errorf("parseDepfile(%q) error = %v", c.in, err)
			continue
		}
		if !c.err && !slices.Equal(got, c.want) {
			t.Errorf("parseDepfile(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func FuzzParseDepfile(f *testing.F) {
	f.Add([]byte("a.o: a.c \\\n b.h\n"))
	f.Add([]byte("x: a\\ b $$ c\\#d\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		deps, err := parseDepfile(data)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, d := range deps {
			if d == "" || seen[d] {
				t.Fatalf("empty or duplicate dependency %q in %q", d, deps)
			}
			seen[d] = true
		}
	})
}

func TestShellSplit(t *testing.T) {
	cases := []struct {
		in   string
		want []string
		err  bool
	}{
		{"gcc", []string{"gcc"}, false},
		{"ccache  gcc -m64", []string{"ccache", "gcc", "-m64"}, false},
		{`'/opt/my cc/bin/cc' -DX="a b"`, []string{"/opt/my cc/bin/cc", "-DX=a b"}, false},
		{`a\ b "c\"d" ''`, []string{"a b", `c"d`, ""}, false},
		{`"unterminated`, nil, true},
		{`'unterminated`, nil, true},
		{"", nil, false},
	}
	for _, c := range cases {
		got, err := shellSplit(c.in)
		if (err != nil) != c.err || (!c.err && !slices.Equal(got, c.want)) {
			t.Errorf("shellSplit(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func FuzzShellSplit(f *testing.F) {
	f.Add("ccache gcc -O2")
	f.Add(`'a b' "c\"d" e\ f`)
	f.Fuzz(func(t *testing.T, s string) {
		words, err := shellSplit(s)
		if err != nil {
			return
		}
		// Quoting each word and splitting again gives the same words.
		again, err := shellSplit(shellJoin(words))
		if err != nil || !slices.Equal(again, words) {
			t.Fatalf("round trip of %q: %q -> %q (%v)", s, words, again, err)
		}
	})
}

func TestCxxFor(t *testing.T) {
	for in, want := range map[string]string{
		"/usr/bin/gcc": "/usr/bin/g++", "gcc-12": "g++-12", "x86_64-linux-gnu-gcc": "x86_64-linux-gnu-g++",
		"clang": "clang++", "clang-14": "clang++-14", "/usr/bin/cc": "/usr/bin/c++", "icx": "icx",
	} {
		if got := cxxFor(in); got != want {
			t.Errorf("cxxFor(%q) = %q, want %q", in, got, want)
		}
	}
}

// fakeTool writes an executable shell script that prints a version.
func fakeTool(t *testing.T, dir, name, version string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte("#!/bin/sh\necho '"+version+"'\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFindToolchain(t *testing.T) {
	bin := t.TempDir()
	fakeTool(t, bin, "gcc", "gcc (Debian 12.2.0-14) 12.2.0\nCopyright (C) 2022 Free Software Foundation, Inc.")
	fakeTool(t, bin, "clang", "Debian clang version 14.0.6")
	fakeTool(t, bin, "clang++", "Debian clang version 14.0.6")
	fakeTool(t, bin, "ccache", "ccache version 4.8")
	zigDir := t.TempDir()
	zig := fakeTool(t, zigDir, "python-zig", "0.11.0")
	env := func(m map[string]string) func(string) string {
		return func(k string) string { return m[k] }
	}
	cases := []struct {
		name, compiler string
		env            map[string]string
		kind, cc, cxx  string
		err            string
	}{
		{"configured gcc", "gcc", map[string]string{"PATH": bin, "CC": "clang"}, "gcc", bin + "/gcc", bin + "/g++", ""},
		{"configured path", bin + "/clang", map[string]string{"PATH": ""}, "clang", bin + "/clang", bin + "/clang++", ""},
		{"configured zig", "zig", map[string]string{"PATH": bin + ":" + zigDir}, "zig", zig + " cc", zig + " c++", ""},
		{"$CC with ccache", "", map[string]string{"PATH": bin, "CC": "ccache gcc"}, "cc", bin + "/ccache gcc", bin + "/ccache g++", ""},
		{"$CC and $CXX", "", map[string]string{"PATH": bin, "CC": "clang", "CXX": "clang++ -stdlib=libc++"}, "clang", bin + "/clang", bin + "/clang++ -stdlib=libc++", ""},
		{"zig before gcc", "", map[string]string{"PATH": bin + ":" + zigDir}, "zig", zig + " cc", zig + " c++", ""},
		{"$ZIG", "", map[string]string{"PATH": bin, "ZIG": zig}, "zig", zig + " cc", zig + " c++", ""},
		{"gcc when no zig", "", map[string]string{"PATH": bin}, "gcc", bin + "/gcc", bin + "/g++", ""},
		{"nothing", "", map[string]string{"PATH": t.TempDir()}, "", "", "", `no C compiler found (looked for $CC, zig on PATH, python-zig on PATH, cc on PATH, gcc on PATH, clang on PATH): add "ziglang" to [build-system] requires, or install one (apt-get install gcc), or set CC`},
		{"missing configured", "clang-99", map[string]string{"PATH": bin}, "", "", "", `compiler "clang-99" not found: give an executable path or a command on PATH`},
		{"missing zig", "zig", map[string]string{"PATH": bin}, "", "", "", `compiler "zig" not found (looked for zig on PATH, python-zig on PATH): add "ziglang" to [build-system] requires or put zig on PATH`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tc, err := findToolchain(c.compiler, &toolFinder{getenv: env(c.env), log: &testutil.Log{}})
			if c.err != "" {
				if err == nil || err.Error() != c.err {
					t.Errorf("error = %v\nwant    %s", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.Kind != c.kind || strings.Join(tc.CC, " ") != c.cc || strings.Join(tc.CXX, " ") != c.cxx {
				t.Errorf("got %s %q %q, want %s %q %q", tc.Kind, tc.CC, tc.CXX, c.kind, c.cc, c.cxx)
			}
			if tc.Identity == "" {
				t.Error("empty identity")
			}
		})
	}
}

func TestMissingPythonHeaders(t *testing.T) {
	pi := &PyInfo{Executable: "/opt/py/bin/python3", Include: t.TempDir(), Major: 3, Minor: 12}
	_, err := pi.headerDirs(t.TempDir(), false)
	want := "Python.h not found in " + pi.Include + " (the C headers of /opt/py/bin/python3): install them, e.g. apt-get install python3-dev (or python3.12-dev)"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant    %s", err, want)
	}
}

func TestDebianHeaderShim(t *testing.T) {
	root := t.TempDir()
	inc := filepath.Join(root, "include", "python3.11")
	plat := filepath.Join(root, "include", "x86_64-linux-gnu", "python3.11")
	for _, f := range []string{filepath.Join(inc, "Python.h"), filepath.Join(plat, "pyconfig.h")} {
		os.MkdirAll(filepath.Dir(f), 0o755)
		os.WriteFile(f, nil, 0o644)
	}
	pi := &PyInfo{Executable: "py", Include: inc, PlatInclude: inc, Multiarch: "x86_64-linux-gnu", Major: 3, Minor: 11}
	shimRoot := t.TempDir()
	dirs, err := pi.headerDirs(shimRoot, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) != 2 || dirs[0] != inc {
		t.Fatalf("dirs = %v", dirs)
	}
	if _, err := os.Stat(filepath.Join(dirs[1], "x86_64-linux-gnu", "python3.11", "pyconfig.h")); err != nil {
		t.Errorf("shim does not expose <x86_64-linux-gnu/python3.11/pyconfig.h>: %v", err)
	}
	again, err := pi.headerDirs(shimRoot, true)
	if err != nil || !slices.Equal(again, dirs) {
		t.Errorf("second call: %v %v", again, err)
	}
}

func TestGlobFiles(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"src/a.c": "", "src/sub/b.c": "", "src/sub/deep/c.c": "", "src/sub/d.h": "", "src/.hidden/e.c": "", "x.c": "",
	})
	cases := []struct {
		pat  string
		want []string
	}{
		{"src/*.c", []string{"src/a.c"}},
		{"src/**/*.c", []string{"src/a.c", "src/sub/b.c", "src/sub/deep/c.c"}},
		{"**/*.c", []string{"src/a.c", "src/sub/b.c", "src/sub/deep/c.c", "x.c"}},
		{"src/sub/*.[ch]", []string{"src/sub/b.c", "src/sub/d.h"}},
		{"x.c", []string{"x.c"}},
		{"nothing/*.c", nil},
	}
	for _, c := range cases {
		got, err := globFiles(dir, c.pat)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("globFiles(%q) = %q, %v; want %q", c.pat, got, err, c.want)
		}
	}
	for _, bad := range []string{"/etc/*.c", "../*.c", "src/../../x.c", "src/[.c"} {
		if _, err := globFiles(dir, bad); err == nil {
			t.Errorf("globFiles(%q) accepted", bad)
		}
	}
}

func TestTagNames(t *testing.T) {
	cases := []struct {
		pi                PyInfo
		interp, abi, abi3 string
	}{
		{PyInfo{Implementation: "cpython", Major: 3, Minor: 11, SOABI: "cpython-311-x86_64-linux-gnu", Suffixes: []string{".cpython-311-x86_64-linux-gnu.so", ".abi3.so", ".so"}}, "cp311", "cp311", ".abi3.so"},
		{PyInfo{Implementation: "cpython", Major: 3, Minor: 13, SOABI: "cpython-313t-x86_64-linux-gnu"}, "cp313", "cp313t", ".abi3.so"},
		{PyInfo{Implementation: "cpython", Major: 3, Minor: 11, SOABI: "cpython-311d-x86_64-linux-gnu"}, "cp311", "cp311d", ".abi3.so"},
		{PyInfo{Implementation: "pypy", Major: 3, Minor: 9, SOABI: "pypy39-pp73"}, "pp39", "pypy39_pp73", ".abi3.so"},
	}
	for _, c := range cases {
		if got := c.pi.interpreterTag(); got != c.interp {
			t.Errorf("%s: interpreter tag %s, want %s", c.pi.SOABI, got, c.interp)
		}
		if got := c.pi.abiTag(); got != c.abi {
			t.Errorf("%s: abi tag %s, want %s", c.pi.SOABI, got, c.abi)
		}
		if got := c.pi.stableSuffix(); got != c.abi3 {
			t.Errorf("%s: stable suffix %s, want %s", c.pi.SOABI, got, c.abi3)
		}
	}
	if got := limitedHex("cp38"); got != "0x03080000" {
		t.Errorf("limitedHex(cp38) = %s", got)
	}
	if got := limitedHex("cp312"); got != "0x030c0000" {
		t.Errorf("limitedHex(cp312) = %s", got)
	}
}

func TestOutputPatterns(t *testing.T) {
	for base, want := range map[string]bool{
		"_speed.cpython-311-x86_64-linux-gnu.so": true, "_speed.abi3.so": true, "_speed.so": true, "_speed.cp311-win_amd64.pyd": true,
		"_speed.c": false, "_speed.py": false, "_speedy.so": false, "_speed.h": false,
	} {
		if got := isOutputOf(base, "_speed"); got != want {
			t.Errorf("isOutputOf(%q) = %v", base, got)
		}
	}
}

func TestCacheTrim(t *testing.T) {
	c := &Cache{Dir: t.TempDir()}
	base := time.Now().Add(-time.Hour)
	for i, key := range []string{"aa01", "bb02", "cc03", "dd04"} {
		p := c.path("obj", key, ".o")
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, make([]byte, 100), 0o644)
		os.Chtimes(p, base.Add(time.Duration(i)*time.Minute), base.Add(time.Duration(i)*time.Minute))
	}
	touch(c.path("obj", "aa01", ".o")) // recently used: survives
	n, err := c.Trim(250)
	if err != nil || n != 2 {
		t.Fatalf("Trim removed %d (%v), want 2", n, err)
	}
	for key, want := range map[string]bool{"aa01": true, "bb02": false, "cc03": false, "dd04": true} {
		if got := fileExists(c.path("obj", key, ".o")); got != want {
			t.Errorf("%s kept = %v, want %v", key, got, want)
		}
	}
	// MaybeTrim walks at most once a day.
	if n, _ := c.MaybeTrim(1); n != 2 {
		t.Errorf("first MaybeTrim removed %d, want 2", n)
	}
	os.WriteFile(c.path("obj", "aa01", ".o"), make([]byte, 100), 0o644)
	if n, _ := c.MaybeTrim(1); n != 0 {
		t.Errorf("second MaybeTrim the same day removed %d", n)
	}
	for in, want := range map[string]int64{"100": 100, "2K": 2048, "3m": 3 << 20, "1G": 1 << 30} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v", in, got, err)
		}
	}
	if _, err := parseSize("lots"); err == nil {
		t.Error("parseSize(lots) accepted")
	}
}

// TestBuildPythonFromShim: the PEP 517 shim's GOFLIT_BUILD_PYTHON wins over
// FLIT_INSTALL_PYTHON and PATH; an explicit interpreter wins over both.
func TestBuildPythonFromShim(t *testing.T) {
	py := debianPython(t)
	env := func(m map[string]string) func(string) string {
		return func(k string) string { return m[k] }
	}
	pi, err := QueryPython("", env(map[string]string{"GOFLIT_BUILD_PYTHON": py, "FLIT_INSTALL_PYTHON": "/nonexistent/python", "PATH": ""}))
	if err != nil || pi.Executable != py {
		t.Errorf("QueryPython with GOFLIT_BUILD_PYTHON: %+v, %v", pi, err)
	}
	_, err = QueryPython("/nonexistent/python3", env(map[string]string{"GOFLIT_BUILD_PYTHON": py}))
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/python3") || !strings.Contains(err.Error(), "-C python=PATH") {
		t.Errorf("explicit missing interpreter: %v", err)
	}
}

func TestBuildRequires(t *testing.T) {
	ext := "[tool.goflit]\nextensions = [{name = \"pkg._a\", sources = [\"pkg/a.c\"]}]\n"
	withGCC := t.TempDir()
	fakeTool(t, withGCC, "gcc", "gcc (Debian 12.2.0-14) 12.2.0")
	empty := t.TempDir()
	cases := []struct {
		name, body string
		env        map[string]string
		want       []string
		settings   map[string]string
	}{
		{"pure project", "", map[string]string{"PATH": empty}, nil, nil},
		{"no compiler anywhere", ext, map[string]string{"PATH": empty}, []string{"ziglang"}, nil},
		{"gcc on PATH", ext, map[string]string{"PATH": withGCC}, nil, nil},
		{"CC set", ext, map[string]string{"PATH": empty, "CC": "mycc"}, nil, nil},
		{"zig wanted, only gcc", ext + "[tool.goflit.build]\ncompiler = \"zig\"\n", map[string]string{"PATH": withGCC}, []string{"ziglang"}, nil},
		{"explicit gcc", ext + "[tool.goflit.build]\ncompiler = \"gcc\"\n", map[string]string{"PATH": empty}, nil, nil},
		// PEP 517 config settings choose the compiler too (pip install . -C compiler=zig).
		{"-C compiler=zig, only gcc", ext, map[string]string{"PATH": withGCC}, []string{"ziglang"}, map[string]string{"compiler": "zig"}},
		{"-C compiler=gcc, nothing", ext, map[string]string{"PATH": empty}, nil, map[string]string{"compiler": "gcc"}},
		{"-C overrides the table", ext + "[tool.goflit.build]\ncompiler = \"gcc\"\n", map[string]string{"PATH": withGCC}, []string{"ziglang"}, map[string]string{"compiler": "zig"}},
	}
	for _, c := range cases {
		p := loadConfigFixture(t, c.body)
		got := BuildRequires(p, c.settings, func(k string) string { return c.env[k] })
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: BuildRequires = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestMakeflagsJobs(t *testing.T) {
	for in, want := range map[string]int{"": 0, "-j4": 4, "-j 3": 3, "--jobs=6 -k": 6, "-j": 0, "-k -s": 0, "-jx": 0} {
		if got := makeflagsJobs(in); got != want {
			t.Errorf("makeflagsJobs(%q) = %d, want %d", in, got, want)
		}
	}
}
