package cext

import (
	"debug/elf"
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// manylinux-policy.json is auditwheel's policy data (pypa/auditwheel,
// src/auditwheel/policy/manylinux-policy.json, MIT licence): for each
// manylinux_X_Y policy, the allowed NEEDED libraries, the allowed symbol
// versions per namespace and architecture, and blacklisted symbols.
//
//go:embed policy/manylinux-policy.json
var policyJSON []byte

// Policy is one manylinux policy.
type Policy struct {
	Name           string                         `json:"name"` // "manylinux_2_17"
	Aliases        []string                       `json:"aliases"`
	Priority       int                            `json:"priority"` // higher = more compatible
	SymbolVersions map[string]map[string][]string `json:"symbol_versions"`
	LibWhitelist   []string                       `json:"lib_whitelist"`
	Blacklist      map[string][]string            `json:"blacklist"`
}

// glibc returns the policy's glibc version (2, 17) from its name.
func (p *Policy) glibc() (int, int) {
	var a, b int
	fmt.Sscanf(strings.TrimPrefix(p.Name, "manylinux_"), "%d_%d", &a, &b)
	return a, b
}

// Policies returns the manylinux policies, most compatible first.
var Policies = sync.OnceValues(func() ([]Policy, error) {
	var all []Policy
	if err := json.Unmarshal(policyJSON, &all); err != nil {
		return nil, fmt.Errorf("embedded manylinux policy: %v", err)
	}
	var out []Policy
	for _, p := range all {
		if strings.HasPrefix(p.Name, "manylinux_") {
			out = append(out, p)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Priority > out[j].Priority })
	return out, nil
})

// ELFInfo is what the audit reads from a built module.
type ELFInfo struct {
	Arch      string
	Needed    []string
	Undefined []Symbol // undefined dynamic symbols
	Exported  []string // defined global dynamic symbols
	RunPath   []string
}

// Symbol is an undefined dynamic symbol with its version requirement.
type Symbol struct {
	Name, Version, Library string
	Weak                   bool
}

// ReadELF reads the dynamic section facts of a shared object.
func ReadELF(path string) (*ELFInfo, error) {
	f, err := elf.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable ELF file: %v", path, err)
	}
	defer f.Close()
	info := &ELFInfo{Arch: elfArch(f)}
	if info.Needed, err = f.ImportedLibraries(); err != nil {
		return nil, fmt.Errorf("%s: reading NEEDED: %v", path, err)
	}
	for _, tag := range []elf.DynTag{elf.DT_RUNPATH, elf.DT_RPATH} {
		if v, err := f.DynString(tag); err == nil {
			for _, s := range v {
				info.RunPath = append(info.RunPath, strings.Split(s, ":")...)
			}
		}
	}
	syms, err := f.DynamicSymbols()
	if err != nil && err != elf.ErrNoSymbols {
		return nil, fmt.Errorf("%s: reading dynamic symbols: %v", path, err)
	}
	for _, s := range syms {
		bind := elf.ST_BIND(s.Info)
		if s.Name == "" || elf.ST_TYPE(s.Info) == elf.STT_SECTION {
			continue
		}
		if s.Section == elf.SHN_UNDEF {
			info.Undefined = append(info.Undefined, Symbol{Name: s.Name, Version: s.Version, Library: s.Library, Weak: bind == elf.STB_WEAK})
		} else if bind == elf.STB_GLOBAL || bind == elf.STB_WEAK {
			info.Exported = append(info.Exported, s.Name)
		}
	}
	return info, nil
}

func elfArch(f *elf.File) string {
	switch f.Machine {
	case elf.EM_X86_64:
		return "x86_64"
	case elf.EM_386:
		return "i686"
	case elf.EM_AARCH64:
		return "aarch64"
	case elf.EM_PPC64:
		if f.ByteOrder.String() == "LittleEndian" {
			return "ppc64le"
		}
		return "ppc64"
	case elf.EM_S390:
		return "s390x"
	case elf.EM_ARM:
		return "armv7l"
	case elf.EM_RISCV:
		return "riscv64"
	case elf.EM_LOONGARCH:
		return "loongarch64"
	}
	return strings.ToLower(strings.TrimPrefix(f.Machine.String(), "EM_"))
}

// AuditOptions refine the audit.
type AuditOptions struct {
	// UnversionedIsUnknown: the compiler does not guarantee versioned glibc
	// references (zig 0.11 links functions newer than its target glibc
	// as unversioned symbols), so any unversioned undefined symbol outside
	// the Python C API makes the glibc claim unverifiable.
	UnversionedIsUnknown bool
	// MinGlibc is the lowest glibc the build targets (from a zig triple
	// like x86_64-linux-gnu.2.17); the claim is never below it.
	MinGlibc [2]int
}

// Audit is the verdict for one module.
type Audit struct {
	Arch    string
	Policy  *Policy  // nil: no manylinux policy is met
	Reasons []string // why no more compatible policy (or none) is met
	Extra   []string // unexpected exported symbols (warnings)
}

// PlatformTags returns the platform tags for the audit: e.g.
// ["manylinux_2_17_x86_64", "manylinux2014_x86_64"], or ["linux_x86_64"].
func (a *Audit) PlatformTags() []string {
	if a.Policy == nil {
		return []string{"linux_" + a.Arch}
	}
	out := []string{a.Policy.Name + "_" + a.Arch}
	for _, al := range a.Policy.Aliases {
		out = append(out, al+"_"+a.Arch)
	}
	return out
}

func isPythonSymbol(name string) bool {
	return strings.HasPrefix(name, "Py") || strings.HasPrefix(name, "_Py")
}

// AuditELF checks info against every manylinux policy and picks the most
// compatible one that is met.
func AuditELF(info *ELFInfo, opts AuditOptions) (*Audit, error) {
	pols, err := Policies()
	if err != nil {
		return nil, err
	}
	a := &Audit{Arch: info.Arch}
	for _, s := range info.Exported {
		if !strings.HasPrefix(s, "PyInit_") {
			a.Extra = append(a.Extra, s)
		}
	}
	var global []string // reasons that rule out every policy
	for _, lib := range info.Needed {
		if strings.HasPrefix(lib, "libpython") {
			global = append(global, fmt.Sprintf("links %s (extension modules must not link libpython)", lib))
		}
	}
	if opts.UnversionedIsUnknown {
		var bad []string
		for _, s := range info.Undefined {
			if s.Version == "" && !s.Weak && !isPythonSymbol(s.Name) {
				bad = append(bad, s.Name)
			}
		}
		if len(bad) > 0 {
			sort.Strings(bad)
			global = append(global, fmt.Sprintf("unversioned undefined symbols %s: the compiler cannot prove they exist in the target glibc", strings.Join(bad, ", ")))
		}
	}
	for _, rp := range info.RunPath {
		if strings.HasPrefix(rp, "/") {
			global = append(global, fmt.Sprintf("absolute RUNPATH %s", rp))
		}
	}
	if len(global) > 0 {
		a.Reasons = global
		return a, nil
	}
	var lastReasons []string
	// Most compatible first: the first policy met wins.
	for i := range pols {
		p := &pols[i]
		maj, min := p.glibc()
		if maj < opts.MinGlibc[0] || (maj == opts.MinGlibc[0] && min < opts.MinGlibc[1]) {
			continue
		}
		reasons := policyViolations(p, info)
		if len(reasons) == 0 {
			a.Policy = p
			a.Reasons = lastReasons
			return a, nil
		}
		lastReasons = reasons
	}
	a.Reasons = lastReasons
	return a, nil
}

func policyViolations(p *Policy, info *ELFInfo) []string {
	var out []string
	versions, ok := p.SymbolVersions[info.Arch]
	if !ok {
		return []string{fmt.Sprintf("%s has no rules for %s", p.Name, info.Arch)}
	}
	for _, lib := range info.Needed {
		if strings.HasPrefix(lib, "ld-linux") || strings.HasPrefix(lib, "ld64.so") {
			continue
		}
		if !contains(p.LibWhitelist, lib) {
			out = append(out, fmt.Sprintf("needs %s, which %s does not allow (vendor it with auditwheel repair)", lib, p.Name))
		}
	}
	for _, s := range info.Undefined {
		if s.Version != "" {
			ns, ver, found := strings.Cut(s.Version, "_")
			if !found {
				continue
			}
			allowed, known := versions[ns]
			if known && !contains(allowed, ver) {
				out = append(out, fmt.Sprintf("%s@%s is newer than %s allows", s.Name, s.Version, p.Name))
			}
		}
		for lib, names := range p.Blacklist {
			if (s.Library == lib || (s.Library == "" && contains(info.Needed, lib))) && contains(names, s.Name) {
				out = append(out, fmt.Sprintf("%s from %s is blacklisted by %s", s.Name, lib, p.Name))
			}
		}
	}
	return out
}

// parseGlibcTarget extracts the glibc version from a zig triple such as
// "x86_64-linux-gnu.2.17" (zero when absent).
func parseGlibcTarget(triple string) [2]int {
	i := strings.Index(triple, "-gnu.")
	if i < 0 {
		return [2]int{}
	}
	parts := strings.SplitN(triple[i+len("-gnu."):], ".", 3)
	if len(parts) < 2 {
		return [2]int{}
	}
	a, err1 := strconv.Atoi(parts[0])
	b, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil {
		return [2]int{}
	}
	return [2]int{a, b}
}

// compressTags joins platform tags for one wheel: "cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64".
func compressTags(interp, abi string, plats []string) string {
	return interp + "-" + abi + "-" + strings.Join(plats, ".")
}
