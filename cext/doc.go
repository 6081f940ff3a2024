// Package cext builds CPython C and C++ extension modules declared in
// pyproject.toml, the job the zlig backend did on top of Flit: no setup.py,
// no CMake, any C compiler or zig, a content-addressed cache, and a wheel
// tag earned by auditing the built binaries.
//
// # Configuration
//
//	[tool.goflit]
//	extensions = [{ name = "pkg._speed", sources = ["src/pkg/*.c"] }]   # inline form
//
//	[[tool.goflit.extension]]                  # array-of-tables form (both may be used)
//	name = "pkg.core._core"                    # dotted, inside the project's package
//	sources = ["src/pkg/core/**/*.c", "src/pkg/core/*.cpp"]   # globs, project-relative
//	language = "c++"                           # optional link language (units compile by suffix:
//	                                           # .c C; .cc .cpp .cxx C++); inferred when absent
//	c-std = "c11"                              # -std= for C units; cxx-std for C++ units
//	include-dirs = ["src/pkg/core/include"]
//	define-macros = { FOO = "1", BAR = true }  # or setuptools pairs [["FOO", "1"], ["BAR"]]
//	undef-macros = ["NDEBUG"]
//	libraries = ["m"]
//	library-dirs = []
//	extra-compile-args = ["-Wall"]             # after the generated flags
//	extra-link-args = []
//	depends = ["src/pkg/core/*.h"]             # cache inputs and sdist files (each must match)
//	py-limited-api = "cp38"                    # false | "cp3N": Py_LIMITED_API, .abi3.so, cp3N-abi3 tag
//	optional = false                           # true: a failure warns and skips the module
//
//	[tool.goflit.build]
//	compiler = "auto"        # auto | zig | gcc | clang | cc | a path or command ("ccache gcc")
//	build-type = "release"   # release (-O2 -DNDEBUG) | debug (-O0 -g) | size (-Os -DNDEBUG)
//	jobs = 0                 # parallel compiles; 0 = one per CPU
//	target = "native"        # a zig triple, e.g. "x86_64-linux-gnu.2.17" (needs zig)
//	strip = true
//	manylinux = "auto"       # auto: the best policy the audit proves | off | "2_17": required
//	python = "auto"          # the target interpreter
//
// zlig's table is read as written: [tool.zlig] extensions = [{name, sources}].
// Unknown keys are errors with their position and a did-you-mean hint.
// PEP 517 config settings override the build table (-C compiler=zig,
// -C jobs=2, -C target=..., -C build-type=..., -C strip=..., -C manylinux=...,
// -C python=...), and CC, CXX, CFLAGS, CXXFLAGS, CPPFLAGS and LDFLAGS are
// honoured. Other config settings are ignored with a warning (with a
// did-you-mean hint for near misses such as compilr).
//
// # Compiler
//
// First found wins: the compiler setting; $CC/$CXX (shell-split); zig
// ($ZIG, zig or python-zig on PATH, the ziglang package of the build
// interpreter); cc, gcc, clang. Units compile in parallel with -O2 -DNDEBUG
// -fPIC -fvisibility=hidden -ffile-prefix-map=ROOT=. (zig always gets a
// -target); each module links with a version script exporting only
// PyInit_<name>, never against libpython, with the C++ driver when any unit
// is C++ (gcc: -static-libstdc++ -static-libgcc).
//
// # Cache
//
// Objects and linked modules live under $XDG_CACHE_HOME/goflit/ext
// (GOFLIT_EXT_CACHE overrides; trimmed to GOFLIT_EXT_CACHE_MAX). An object's
// key covers the cache schema, the compiler's resolved path and version
// output, the target, the language, the flags with the project root
// rewritten, the source bytes, the depends files and the bytes of every
// header the compiler reported reading (-MD depfiles, remembered in a
// manifest per compiler+flags+source, like ccache's direct mode). A
// rebuild with nothing changed runs no compiler, even from a fresh copy of
// the project, as pip builds do. A cache directory that cannot be created
// or written (HOME=/nonexistent in Debian's sbuild) is warned about and the
// build goes on with a cache that lasts only for that build.
//
// # Tag
//
// cpXY-cpXY (or cp3N-abi3) plus a platform computed from the built ELF
// files with debug/elf against auditwheel's embedded manylinux policies:
// NEEDED libraries on the whitelist, symbol versions (GLIBC, GLIBCXX,
// CXXABI, GCC, ...) within the policy, no blacklisted symbols, no libpython,
// no absolute RUNPATH, and with zig no unversioned undefined symbols outside
// the Python C API (zig 0.11 links functions newer than its target glibc
// that way). manylinux_X_Y (with its legacy alias) is claimed only when
// proven, else linux_<arch>.
//
// After linking, the modules are loaded (dlopen with RTLD_NOW, PyInit_ not
// called) into the target interpreter: an undefined symbol, which a
// shared object may link with (a source file left out of sources, a
// library missing from libraries), is a warning naming the symbol, since
// the module would fail only at import.
//
// # Stable ABI
//
// A py-limited-api = "cp3N" extension compiles with Py_LIMITED_API=0x030N0000
// (C units also with -Werror=implicit-function-declaration) and links to
// <name>.abi3.so; the wheel is cp3N-abi3 when every module is, with the
// highest N. After linking, each undefined dynamic symbol of the module
// that begins with Py or _Py must be in CPython's stable ABI, added in 3.N
// or earlier and present on Linux (not Windows-only, USE_STACKCHECK or
// Py_REF_DEBUG): stableabi.txt embeds every function and data symbol of
// python/cpython's Misc/stable_abi.toml with its version (gen_stableabi.go
// regenerates it; its header names the CPython commit). A module that
// declares a newer function itself (say PyUnicode_AsUTF8AndSize, 3.10, under
// cp38) would install on 3.8 and fail to import there, so the build fails
// instead, before anything is written, pointing at py-limited-api and
// naming the symbols with their versions (or "not in the stable ABI") and
// the fix: raise py-limited-api to the version that has them, stop using
// them, or drop py-limited-api. An optional extension is skipped with that
// message as a warning.
//
// Build returns the modules and the tag for wheel.Build (PrepareWheel wires
// them in, in place for editable wheels); SdistFiles/PrepareSdist give the
// sdist its sources and keep built modules out; BuildRequires asks for
// ziglang when no compiler is available.
package cext
