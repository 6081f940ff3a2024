package tags

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"goflit/internal/testutil"
)

func TestParseTagSet(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		err  bool
	}{
		{in: "py3-none-any", want: []string{"py3-none-any"}},
		{in: "py2.py3-none-any", want: []string{"py2-none-any", "py3-none-any"}},
		{in: "cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64",
			want: []string{"cp312-cp312-manylinux_2_17_x86_64", "cp312-cp312-manylinux2014_x86_64"}},
		{in: "cp38.cp39-abi3.none-any", want: []string{"cp38-abi3-any", "cp38-none-any", "cp39-abi3-any", "cp39-none-any"}},
		{in: "PY3-NONE-ANY", want: []string{"py3-none-any"}},
		{in: "py3.py3-none-any", want: []string{"py3-none-any"}},
		{in: "py3-none", err: true},
		{in: "py3-none-any-x", err: true},
		{in: "py3..py2-none-any", err: true},
		{in: "py3-none-", err: true},
		{in: "py 3-none-any", err: true},
	}
	for _, tt := range tests {
		got, err := ParseTagSet(tt.in)
		if tt.err {
			if err == nil {
				t.Errorf("ParseTagSet(%q) = %v, want error", tt.in, got)
			}
			continue
		}
		var s []string
		for _, tg := range got {
			s = append(s, tg.String())
		}
		if err != nil || !slices.Equal(s, tt.want) {
			t.Errorf("ParseTagSet(%q) = %v, %v; want %v", tt.in, s, err, tt.want)
		}
	}
}

func TestCompress(t *testing.T) {
	tests := []struct {
		in   []Tag
		want string
	}{
		{[]Tag{{"py3", "none", "any"}, {"py2", "none", "any"}}, "py2.py3-none-any"},
		{[]Tag{{"cp312", "cp312", "manylinux_2_17_x86_64"}, {"cp312", "cp312", "manylinux2014_x86_64"}},
			"cp312-cp312-manylinux2014_x86_64.manylinux_2_17_x86_64"},
		{[]Tag{{"py3", "none", "any"}, {"py3", "none", "any"}}, "py3-none-any"},
		{nil, ""},
	}
	for _, tt := range tests {
		if got := Compress(tt.in); got != tt.want {
			t.Errorf("Compress(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseWheelFilename(t *testing.T) {
	tests := []struct {
		in, name, version, build, tags string
		err                            bool
	}{
		{in: "module1-0.1-py2.py3-none-any.whl", name: "module1", version: "0.1", tags: "py2.py3-none-any"},
		{in: "ex_pkg-1.0.dev0+test-1abc-py3-none-any.whl", name: "ex_pkg", version: "1.0.dev0+test", build: "1abc", tags: "py3-none-any"},
		{in: "numpy-2.1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", name: "numpy", version: "2.1.0",
			tags: "cp312-cp312-manylinux2014_x86_64.manylinux_2_17_x86_64"},
		{in: "pkg-1.0-py3-none-any.zip", err: true},
		{in: "pkg-1.0-none-any.whl", err: true},
		{in: "a-b-1.0-x-py3-none-any.whl", err: true},
		{in: "a__b-1.0-py3-none-any.whl", err: true},
		{in: "pkg-1.0-abc-py3-none-any.whl", err: true},
		{in: "pkg-x1.0-py3-none-any.whl", err: true},
		{in: "p+kg-1.0-py3-none-any.whl", err: true},
	}
	for _, tt := range tests {
		w, err := ParseWheelFilename(tt.in)
		if tt.err {
			if err == nil {
				t.Errorf("ParseWheelFilename(%q) = %+v, want error", tt.in, w)
			} else if !strings.Contains(err.Error(), tt.in) {
				t.Errorf("error does not name the file: %v", err)
			}
			continue
		}
		if err != nil || w.Name != tt.name || w.Version != tt.version || w.Build != tt.build || Compress(w.Tags) != tt.tags {
			t.Errorf("ParseWheelFilename(%q) = %+v, %v", tt.in, w, err)
		}
	}
	if n, rest, err := BuildNumber("12abc"); n != 12 || rest != "abc" || err != nil {
		t.Errorf("BuildNumber = %d %q %v", n, rest, err)
	}
}

func TestPyPIPlatformOK(t *testing.T) {
	ok := []string{
		"any", "win32", "win_amd64", "win_arm64", "manylinux1_x86_64", "manylinux2014_aarch64", "linux_armv7l",
		"manylinux_2_17_x86_64", "manylinux_2_28_aarch64", "manylinux_2_17_ppc64", "manylinux_2_39_riscv64",
		"musllinux_1_2_x86_64", "musllinux_1_1_aarch64", "macosx_10_9_x86_64", "macosx_10_15_universal2",
		"macosx_11_0_arm64", "macosx_14_0_arm64", "macosx_26_0_arm64", "ios_13_0_arm64_iphoneos",
		"ios_13_0_x86_64_iphonesimulator", "android_21_arm64_v8a", "android_24_x86", "pyemscripten_2024_0_wasm32",
	}
	bad := []string{
		"linux_x86_64", "linux_aarch64", "manylinux1_aarch64", "manylinux_2_17_sparc", "musllinux_1_2_ppc64",
		"macosx_11_1_arm64", "macosx_16_0_arm64", "macosx_10_9_sparc", "macosx_10_x_x86_64", "ios_13_0_arm64",
		"ios_13_0_armv7_iphoneos", "android_arm64_v8a", "android_21_mips", "pyemscripten_2024_0_wasm64",
		"", "ANY", "win_amd64 ", "manylinux_2_x86_64", "emscripten_3_1_wasm32",
	}
	for _, p := range ok {
		if !PyPIPlatformOK(p) {
			t.Errorf("PyPIPlatformOK(%q) = false, want true", p)
		}
	}
	for _, p := range bad {
		if PyPIPlatformOK(p) {
			t.Errorf("PyPIPlatformOK(%q) = true, want false", p)
		}
	}
}

func TestManylinuxTag(t *testing.T) {
	tests := []struct {
		major, minor int
		arch         string
		want         []string
	}{
		{2, 17, "x86_64", []string{"manylinux_2_17_x86_64", "manylinux2014_x86_64"}},
		{2, 17, "riscv64", []string{"manylinux_2_17_riscv64"}},
		{2, 5, "i686", []string{"manylinux_2_5_i686", "manylinux1_i686"}},
		{2, 5, "aarch64", []string{"manylinux_2_5_aarch64"}},
		{2, 12, "x86_64", []string{"manylinux_2_12_x86_64", "manylinux2010_x86_64"}},
		{2, 28, "aarch64", []string{"manylinux_2_28_aarch64"}},
	}
	for _, tt := range tests {
		if got := ManylinuxTag(tt.major, tt.minor, tt.arch); !slices.Equal(got, tt.want) {
			t.Errorf("ManylinuxTag(%d, %d, %q) = %v, want %v", tt.major, tt.minor, tt.arch, got, tt.want)
		}
		for _, p := range ManylinuxTag(tt.major, tt.minor, tt.arch) {
			if !PyPIPlatformOK(p) && tt.arch != "riscv64" {
				t.Errorf("%s from ManylinuxTag not accepted by PyPI", p)
			}
		}
	}
}

var wheelCorpus = []string{
	"module1-0.1-py2.py3-none-any.whl", "ex_pkg-1.0.dev0+test-1abc-py3-none-any.whl",
	"numpy-2.1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", "Foo.Bar-1.0-py3-none-any.whl",
	"pkg-1.0-PY3-NONE-ANY.whl", "pkg-1.0-2-py3-none-any.whl", "pkg-1.0-cp38.cp39-abi3.none-any.whl",
	"pkg-1.0-py3-none-any.zip", "pkg-1.0-none-any.whl", "a__b-1.0-py3-none-any.whl", "pkg-1.0-abc-py3-none-any.whl",
}

// TestAgainstPackaging compares wheel file name parsing with Debian's
// python3-packaging (parse_wheel_filename).
func TestAgainstPackaging(t *testing.T) {
	py := testutil.PythonWith(t, "packaging")
	script := `import json, sys
from packaging.utils import parse_wheel_filename
out = []
for fn in json.loads(sys.stdin.read()):
    try:
        name, ver, build, tags = parse_wheel_filename(fn)
        out.append(sorted(str(t) for t in tags))
    except Exception:
        out.append(None)
print(json.dumps(out))`
	var want [][]string
	testutil.PythonJSON(t, py, script, wheelCorpus, &want)
	for i, fn := range wheelCorpus {
		w, err := ParseWheelFilename(fn)
		if (err == nil) != (want[i] != nil) {
			t.Errorf("ParseWheelFilename(%q) error = %v, packaging tags %v", fn, err, want[i])
			continue
		}
		if err != nil {
			continue
		}
		var got []string
		for _, tg := range w.Tags {
			got = append(got, tg.String())
		}
		slices.Sort(got)
		if !slices.Equal(got, want[i]) {
			t.Errorf("ParseWheelFilename(%q) tags %v, packaging %v", fn, got, want[i])
		}
	}
}

func FuzzTagSet(f *testing.F) {
	for _, s := range []string{"py3-none-any", "py2.py3-none-any", "cp38.cp39-abi3.none-any", "a-b-c.d.e", "x-y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tags, err := ParseTagSet(s)
		if err != nil {
			return
		}
		c := Compress(tags)
		again, err := ParseTagSet(c)
		if err != nil {
			t.Fatalf("Compress(ParseTagSet(%q)) = %q does not parse: %v", s, c, err)
		}
		a, b := fmt.Sprint(sorted(tags)), fmt.Sprint(sorted(again))
		if a != b {
			t.Fatalf("round trip of %q changed the set: %s vs %s", s, a, b)
		}
		if Compress(again) != c {
			t.Fatalf("Compress not stable for %q", s)
		}
	})
}

func FuzzWheelFilename(f *testing.F) {
	for _, s := range wheelCorpus {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := ParseWheelFilename(s)
		if err != nil {
			return
		}
		w2, err := ParseWheelFilename(w.String())
		if err != nil || w2.String() != w.String() {
			t.Fatalf("%q -> %q does not round-trip: %v", s, w.String(), err)
		}
	})
}

func sorted(ts []Tag) []string {
	var s []string
	for _, t := range ts {
		s = append(s, t.String())
	}
	slices.Sort(s)
	return s
}
