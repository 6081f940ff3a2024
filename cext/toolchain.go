package cext

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"goflit/internal/diag"
)

// Toolchain is the compiler driver used for a build.
type Toolchain struct {
	Kind     string   // "zig", "gcc", "clang" or "cc" (unknown family, gcc-compatible flags)
	CC       []string // C driver argv prefix, e.g. ["/usr/bin/gcc"] or ["/x/zig", "cc"]
	CXX      []string // C++ driver argv prefix
	Origin   string   // how it was found, for messages: "compiler setting", "$CC", "zig on PATH", ...
	Identity string   // resolved paths and version output; part of every cache key
}

// shellSplit splits a command line the way a POSIX shell would for plain
// words, single and double quotes and backslash escapes (no expansion).
func shellSplit(s string) ([]string, error) {
	var out []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '\\':
			inWord = true
			if i+1 < len(s) {
				i++
				cur.WriteByte(s[i])
			}
		case c == '\'':
			inWord = true
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, fmt.Errorf("unterminated ' in %q", s)
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
		case c == '"':
			inWord = true
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\"\\$`\n", s[i+1]) >= 0 {
					i++
				}
				cur.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, fmt.Errorf("unterminated \" in %q", s)
			}
		default:
			inWord = true
			cur.WriteByte(c)
		}
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out, nil
}

// lookPath finds name on the PATH given by getenv (absolute or relative
// paths are checked as they are).
func lookPath(name string, getenv func(string) string) (string, bool) {
	if strings.ContainsRune(name, '/') {
		if isExecutable(name) {
			abs, _ := filepath.Abs(name)
			return abs, true
		}
		return "", false
	}
	for _, dir := range filepath.SplitList(getenv("PATH")) {
		if dir == "" {
			continue
		}
		p := filepath.Join(dir, name)
		if isExecutable(p) {
			return p, true
		}
	}
	return "", false
}

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// cxxFor derives the C++ driver from a C driver name: gcc -> g++,
// clang -> clang++, cc -> c++ (with version suffixes and triplet prefixes kept).
func cxxFor(cc string) string {
	dir, base := filepath.Split(cc)
	for _, pair := range [][2]string{{"clang", "clang++"}, {"gcc", "g++"}, {"cc", "c++"}} {
		if i := strings.LastIndex(base, pair[0]); i >= 0 && !strings.Contains(base, "++") {
			cand := dir + base[:i] + pair[1] + base[i+len(pair[0]):]
			return cand
		}
	}
	return cc
}

type toolFinder struct {
	getenv func(string) string
	python string // build-environment interpreter, for the ziglang package
	log    diag.Logger
	looked []string
}

func (f *toolFinder) note(s string) { f.looked = append(f.looked, s) }

// findToolchain applies the discovery order: the configured compiler, then
// $CC/$CXX, then zig ($ZIG, zig on PATH, python-zig on PATH, the ziglang
// package of the build interpreter), then cc, gcc and clang.
func findToolchain(compiler string, f *toolFinder) (*Toolchain, error) {
	if compiler != "" {
		return f.configured(compiler)
	}
	if cc := f.getenv("CC"); cc != "" {
		argv, err := shellSplit(cc)
		if err != nil || len(argv) == 0 {
			return nil, fmt.Errorf("$CC=%q cannot be split into a command: %v", cc, err)
		}
		p, ok := lookPath(argv[0], f.getenv)
		if !ok {
			return nil, fmt.Errorf("$CC=%q: %s not found on PATH (unset CC or fix it)", cc, argv[0])
		}
		argv[0] = p
		tc := &Toolchain{CC: argv, Origin: "$CC"}
		if cxx := f.getenv("CXX"); cxx != "" {
			if tc.CXX, err = shellSplit(cxx); err != nil || len(tc.CXX) == 0 {
				return nil, fmt.Errorf("$CXX=%q cannot be split into a command: %v", cxx, err)
			}
			p, ok := lookPath(tc.CXX[0], f.getenv)
			if !ok {
				return nil, fmt.Errorf("$CXX=%q: %s not found on PATH", cxx, tc.CXX[0])
			}
			tc.CXX[0] = p
		} else {
			tc.CXX = append(append([]string{}, argv[:len(argv)-1]...), cxxFor(argv[len(argv)-1]))
		}
		return f.finish(tc)
	}
	f.note("$CC")
	if zig, origin, ok := f.findZig(); ok {
		return f.finish(&Toolchain{Kind: "zig", CC: []string{zig, "cc"}, CXX: []string{zig, "c++"}, Origin: origin})
	}
	for _, name := range []string{"cc", "gcc", "clang"} {
		f.note(name + " on PATH")
		if p, ok := lookPath(name, f.getenv); ok {
			cxx := cxxFor(p)
			return f.finish(&Toolchain{CC: []string{p}, CXX: []string{cxx}, Origin: name + " on PATH"})
		}
	}
	return nil, fmt.Errorf("no C compiler found (looked for %s): add \"ziglang\" to [build-system] requires, or install one (apt-get install gcc), or set CC",
		strings.Join(f.looked, ", "))
}

func (f *toolFinder) configured(compiler string) (*Toolchain, error) {
	switch compiler {
	case "zig":
		if zig, origin, ok := f.findZig(); ok {
			return f.finish(&Toolchain{Kind: "zig", CC: []string{zig, "cc"}, CXX: []string{zig, "c++"}, Origin: "compiler = \"zig\" (" + origin + ")"})
		}
		return nil, fmt.Errorf("compiler \"zig\" not found (looked for %s): add \"ziglang\" to [build-system] requires or put zig on PATH",
			strings.Join(f.looked, ", "))
	case "gcc", "clang", "cc":
		p, ok := lookPath(compiler, f.getenv)
		if !ok {
			return nil, fmt.Errorf("compiler %q not found on PATH: install it or choose another compiler", compiler)
		}
		return f.finish(&Toolchain{CC: []string{p}, CXX: []string{cxxFor(p)}, Origin: "compiler = \"" + compiler + "\""})
	}
	argv, err := shellSplit(compiler)
	if err != nil || len(argv) == 0 {
		return nil, fmt.Errorf("compiler %q cannot be split into a command: %v", compiler, err)
	}
	p, ok := lookPath(argv[0], f.getenv)
	if !ok {
		return nil, fmt.Errorf("compiler %q not found: give an executable path or a command on PATH", compiler)
	}
	argv[0] = p
	tc := &Toolchain{CC: argv, Origin: "compiler = \"" + compiler + "\""}
	if base := filepath.Base(p); (base == "zig" || base == "python-zig") && len(argv) == 1 {
		tc.Kind, tc.CC, tc.CXX = "zig", []string{p, "cc"}, []string{p, "c++"}
	} else {
		tc.CXX = append(append([]string{}, argv[:len(argv)-1]...), cxxFor(argv[len(argv)-1]))
	}
	return f.finish(tc)
}

func (f *toolFinder) findZig() (path, origin string, ok bool) {
	if z := f.getenv("ZIG"); z != "" {
		f.note("$ZIG")
		if p, ok := lookPath(z, f.getenv); ok {
			return p, "$ZIG", true
		}
	}
	for _, name := range []string{"zig", "python-zig"} {
		f.note(name + " on PATH")
		if p, ok := lookPath(name, f.getenv); ok {
			return p, name + " on PATH", true
		}
	}
	if f.python != "" {
		f.note("the ziglang package of " + f.python)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, f.python, "-c", "import ziglang, os; print(os.path.dirname(ziglang.__file__))").Output()
		if err == nil {
			dir := strings.TrimSpace(string(out))
			for _, name := range []string{"zig", "zig.exe"} {
				if p := filepath.Join(dir, name); isExecutable(p) {
					return p, "the ziglang package", true
				}
			}
		}
	}
	return "", "", false
}

var versionCache sync.Map // joined argv -> string

// finish resolves the compiler's identity (version output) and family.
func (f *toolFinder) finish(tc *Toolchain) (*Toolchain, error) {
	argv := tc.CC
	verArgs := append(append([]string{}, argv...), "--version")
	if tc.Kind == "zig" {
		verArgs = []string{argv[0], "version"}
	}
	key := strings.Join(verArgs, "\x00")
	v, ok := versionCache.Load(key)
	if !ok {
		cmd := exec.Command(verArgs[0], verArgs[1:]...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			var ee *exec.ExitError
			if !errors.As(err, &ee) {
				return nil, fmt.Errorf("compiler %s (%s) does not run: %v", strings.Join(argv, " "), tc.Origin, err)
			}
		}
		v = out.String()
		versionCache.Store(key, v)
	}
	version := v.(string)
	if tc.Kind == "" {
		low := strings.ToLower(version)
		switch {
		case strings.Contains(low, "clang"):
			tc.Kind = "clang"
		case strings.Contains(low, "free software foundation") || strings.Contains(low, "gcc"):
			tc.Kind = "gcc"
		default:
			tc.Kind = "cc"
		}
	}
	resolved := argv[0]
	if r, err := filepath.EvalSymlinks(argv[0]); err == nil {
		resolved = r
	}
	tc.Identity = strings.Join(tc.CC, " ") + "\x00" + resolved + "\x00" + strings.Join(tc.CXX, " ") + "\x00" + version
	f.log.Debugf("compiler: %s (%s, %s)", strings.Join(tc.CC, " "), tc.Kind, tc.Origin)
	return tc, nil
}
