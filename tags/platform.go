package tags

import (
	"fmt"
	"strings"
)

// pypiStatic is warehouse's fixed list of accepted platform tags.
var pypiStatic = map[string]bool{
	"any": true, "win32": true, "win_arm64": true, "win_amd64": true, "win_ia64": true,
	"manylinux1_x86_64": true, "manylinux1_i686": true,
	"manylinux2010_x86_64": true, "manylinux2010_i686": true,
	"manylinux2014_x86_64": true, "manylinux2014_i686": true, "manylinux2014_aarch64": true,
	"manylinux2014_armv7l": true, "manylinux2014_ppc64": true, "manylinux2014_ppc64le": true,
	"manylinux2014_s390x": true, "linux_armv6l": true, "linux_armv7l": true,
}

var (
	macosxArches = map[string]bool{
		"ppc": true, "ppc64": true, "i386": true, "x86_64": true, "arm64": true, "intel": true,
		"fat": true, "fat3": true, "fat64": true, "universal": true, "universal2": true,
	}
	macosxMajors   = map[string]bool{"11": true, "12": true, "13": true, "14": true, "15": true, "26": true}
	musllinuxArch  = map[string]bool{"x86_64": true, "i686": true, "aarch64": true, "armv7l": true, "ppc64le": true, "s390x": true, "riscv64": true}
	iosArches      = map[string]bool{"arm64": true, "x86_64": true}
	androidArches  = map[string]bool{"armeabi_v7a": true, "arm64_v8a": true, "x86": true, "x86_64": true}
	manylinuxArchs = func(a string) bool { return musllinuxArch[a] || a == "ppc64" }
)

// number consumes a run of ASCII digits followed by "_" and returns it and
// the rest.
func number(s string) (n, rest string, ok bool) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || i >= len(s) || s[i] != '_' {
		return "", "", false
	}
	return s[:i], s[i+1:], true
}

// versioned matches prefix_X_Y_arch and returns X, Y and arch.
func versioned(tag, prefix string) (major, minor, arch string, ok bool) {
	rest, found := strings.CutPrefix(tag, prefix+"_")
	if !found {
		return "", "", "", false
	}
	if major, rest, ok = number(rest); !ok {
		return "", "", "", false
	}
	if minor, arch, ok = number(rest); !ok {
		return "", "", "", false
	}
	return major, minor, arch, true
}

// PyPIPlatformOK reports whether PyPI accepts uploads of wheels with this
// platform tag (warehouse's platform-tag check). Plain linux_x86_64 is
// refused.
func PyPIPlatformOK(platform string) bool {
	if pypiStatic[platform] {
		return true
	}
	if major, minor, arch, ok := versioned(platform, "macosx"); ok {
		return macosxArches[arch] && (major == "10" || macosxMajors[major] && minor == "0")
	}
	if _, _, arch, ok := versioned(platform, "manylinux"); ok {
		return manylinuxArchs(arch)
	}
	if _, _, arch, ok := versioned(platform, "musllinux"); ok {
		return musllinuxArch[arch]
	}
	if _, _, rest, ok := versioned(platform, "ios"); ok {
		for _, sdk := range []string{"_iphoneos", "_iphonesimulator"} {
			if arch, found := strings.CutSuffix(rest, sdk); found && iosArches[arch] {
				return true
			}
		}
		return false
	}
	if rest, found := strings.CutPrefix(platform, "android_"); found {
		if _, arch, ok := number(rest); ok {
			return androidArches[arch]
		}
		return false
	}
	if _, _, arch, ok := versioned(platform, "pyemscripten"); ok {
		return arch == "wasm32"
	}
	return false
}

// legacyManylinux maps a glibc level to the pre-PEP 600 alias and the
// architectures that alias was defined for.
var legacyManylinux = map[[2]int]struct {
	name   string
	arches []string
}{
	{2, 5}:  {"manylinux1", []string{"x86_64", "i686"}},
	{2, 12}: {"manylinux2010", []string{"x86_64", "i686"}},
	{2, 17}: {"manylinux2014", []string{"x86_64", "i686", "aarch64", "armv7l", "ppc64", "ppc64le", "s390x"}},
}

// ManylinuxTag returns the PEP 600 platform tag for a glibc version and
// architecture, followed by its legacy alias when one exists:
// (2, 17, "x86_64") -> ["manylinux_2_17_x86_64", "manylinux2014_x86_64"].
func ManylinuxTag(glibcMajor, glibcMinor int, arch string) []string {
	out := []string{fmt.Sprintf("manylinux_%d_%d_%s", glibcMajor, glibcMinor, arch)}
	if l, ok := legacyManylinux[[2]int{glibcMajor, glibcMinor}]; ok {
		for _, a := range l.arches {
			if a == arch {
				out = append(out, l.name+"_"+arch)
			}
		}
	}
	return out
}
