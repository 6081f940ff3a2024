package cext

import (
	"os"

	"goflit/pyproject"
	"goflit/sdist"
	"goflit/wheel"
)

// PrepareWheel builds p's extension modules (when it declares any) and sets
// up wo for them: the modules as ExtraFiles (a wheel) or built in place (an
// editable wheel, whose .pth points at the source tree), the computed Tag,
// Root-Is-Purelib false, and the exclusion of sources and stale in-tree
// outputs. opts.OutDir and opts.InPlace are chosen here. The returned
// cleanup removes the scratch directory once the wheel is written.
func PrepareWheel(p *pyproject.Project, wo *wheel.Options, opts Options) (cleanup func(), err error) {
	cleanup = func() {}
	if !Configured(p) {
		return cleanup, nil
	}
	opts.InPlace = wo.Editable
	if !opts.InPlace {
		dir, err := os.MkdirTemp("", "goflit-ext-out-")
		if err != nil {
			return cleanup, err
		}
		cleanup = func() { os.RemoveAll(dir) }
		opts.OutDir = dir
	}
	res, err := Build(p, opts)
	if err != nil {
		cleanup()
		return func() {}, err
	}
	if !wo.Editable {
		for _, f := range res.Files {
			wo.ExtraFiles = append(wo.ExtraFiles, wheel.File{ArchivePath: f.ArchivePath, DiskPath: f.DiskPath})
		}
	}
	if res.Tag != "" {
		wo.Tag = res.Tag
		pure := false
		wo.Purelib = &pure
	}
	prev := wo.Exclude
	wo.Exclude = func(rel string) bool {
		return res.ExcludeFromWheel(rel) || (prev != nil && prev(rel))
	}
	return cleanup, nil
}

// PrepareSdist adds p's extension sources, depends and include-dir headers
// to so.Extra, and the patterns of built modules (and the in-place
// manifest) to p.SdistExclude, so that outputs never reach the sdist.
func PrepareSdist(p *pyproject.Project, so *sdist.Options) error {
	include, exclude, err := SdistFiles(p)
	if err != nil {
		return err
	}
	so.Extra = append(so.Extra, include...)
	p.SdistExclude = append(p.SdistExclude, exclude...)
	return nil
}

// BuildRequires is what get_requires_for_build_wheel/editable should add
// for p: ["ziglang"] when p declares extension modules, no compiler is
// configured (in [tool.goflit.build] or by configSettings, the hook's PEP
// 517 config_settings: -C compiler=zig asks for zig), and none is found ($CC, zig, cc, gcc, clang), so that the
// frontend installs zig into the build environment; else nil. It runs no
// compiler.
func BuildRequires(p *pyproject.Project, configSettings map[string]string, getenv func(string) string) []string {
	if !Configured(p) {
		return nil
	}
	if getenv == nil {
		getenv = os.Getenv
	}
	cfg, err := LoadConfig(p, configSettings)
	if err != nil || (cfg.Build.Compiler != "" && cfg.Build.Compiler != "zig") {
		return nil // errors surface in build_wheel; an explicit compiler is the user's choice
	}
	if cfg.Build.Compiler == "" && getenv("CC") != "" {
		return nil
	}
	for _, name := range []string{getenv("ZIG"), "zig", "python-zig", "cc", "gcc", "clang"} {
		if name == "" {
			continue
		}
		if _, ok := lookPath(name, getenv); ok {
			if cfg.Build.Compiler == "zig" && (name == "cc" || name == "gcc" || name == "clang") {
				continue
			}
			return nil
		}
	}
	return []string{"ziglang"}
}
