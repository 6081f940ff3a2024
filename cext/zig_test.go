package cext

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"goflit/internal/testutil"
)

// Zig tests are few on purpose: zig's first compile of its libc stubs (and
// of libc++ for C++) takes seconds.

// TestZigManylinux2017: with zig and target x86_64-linux-gnu.2.17 a plain
// module gets manylinux_2_17 without docker; one calling getrandom (glibc
// 2.25), which zig 0.11 links as an unversioned symbol, does not.
func TestZigManylinux2017(t *testing.T) {
	t.Parallel()
	zig := zigPath(t)
	py := debianPython(t)
	cache := t.TempDir()
	env := cleanEnv(map[string]string{"ZIG": zig})
	settings := map[string]string{"compiler": "zig", "target": "x86_64-linux-gnu.2.17"}

	p := project(t, examplesDir("ext-zlig"))
	log := &testutil.Log{}
	res, err := Build(p, Options{ConfigSettings: settings, Getenv: env, InPlace: true, Python: py, CacheDir: cache, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	if want := "cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64"; res.Tag != want {
		t.Errorf("tag = %s, want %s", res.Tag, want)
	}
	if !slices.Equal(res.Tags, []string{"cp311-cp311-manylinux_2_17_x86_64", "cp311-cp311-manylinux2014_x86_64"}) {
		t.Errorf("tags = %v", res.Tags)
	}
	for _, line := range linesWith(log, "debug: compile: ") {
		if !strings.Contains(line, " cc -target x86_64-linux-gnu.2.17 -O2 -DNDEBUG -fPIC -fvisibility=hidden ") {
			t.Errorf("zig compile line lacks target/-O2: %s", line)
		}
	}
	if got := pyRun(t, py, filepath.Join(p.Root, "src"), "import demo; print(demo.add(20, 22))"); got != "42" {
		t.Errorf("demo.add = %s", got)
	}

	// The C example (two units, a project header, a -D macro) too.
	pc := project(t, examplesDir("ext-c"))
	res, err = Build(pc, Options{ConfigSettings: settings, Getenv: env, InPlace: true, Python: py, CacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	if want := "cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64"; res.Tag != want {
		t.Errorf("ext-c tag = %s, want %s", res.Tag, want)
	}
	if got := pyRun(t, py, pc.Root, "import extc; print(extc.add(1, 2), extc.fib(12), extc.scaled(2))"); got != "3 144 6" {
		t.Errorf("ext-c with zig: %s", got)
	}

	dir := getrandomProject(t)
	log = &testutil.Log{}
	res, err = Build(projectAt(t, dir), Options{ConfigSettings: settings, Getenv: env, OutDir: t.TempDir(), Python: py, CacheDir: cache, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	if res.Tag != "cp311-cp311-linux_x86_64" {
		t.Errorf("getrandom module built by zig for 2.17 tagged %s, want linux_x86_64", res.Tag)
	}
	if w := linesWith(log, "warning: "); len(w) != 1 || !strings.Contains(w[0], "getrandom") {
		t.Errorf("warnings = %v, want one naming getrandom", w)
	}
}

// TestZigCxx builds the C++ example with zig c++ (static libc++) and checks
// that only PyInit__vec is exported and no libstdc++ is needed.
func TestZigCxx(t *testing.T) {
	t.Parallel() // zig's first libc++ build is the slowest step of the package
	zig := zigPath(t)
	py := debianPython(t)
	p := project(t, examplesDir("ext-cpp"))
	res, err := Build(p, Options{ConfigSettings: map[string]string{"compiler": "zig", "target": "x86_64-linux-gnu.2.17", "jobs": "2"},
		Getenv: cleanEnv(map[string]string{"ZIG": zig}), InPlace: true, Python: py, CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if want := "cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64"; res.Tag != want {
		t.Errorf("tag = %s, want %s", res.Tag, want)
	}
	info, err := ReadELF(res.Files[0].DiskPath)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(info.Exported, []string{"PyInit__vec"}) {
		t.Errorf("exported = %v", info.Exported)
	}
	if got := pyRun(t, py, filepath.Join(p.Root, "src"), "import extcpp; print(extcpp.join('+', ['x', 'y']), extcpp.sum_squares([3, 4]))"); got != "x+y 25" {
		t.Errorf("python says %q", got)
	}

}
