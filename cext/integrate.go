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
