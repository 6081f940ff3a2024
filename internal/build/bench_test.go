package build_test

import (
	"os"
	"path/filepath"
	"testing"

	"goflit/internal/build"
)

// BenchmarkBuild builds the project named by GOFLIT_BENCH_PROJECT (e.g. one
// made by ../shared/tools/mkbigpkg.py), or the flat_pkg sample, both formats.
func BenchmarkBuild(b *testing.B) {
	proj := os.Getenv("GOFLIT_BENCH_PROJECT")
	if proj == "" {
		proj = setupSample(b, "flat_pkg", b.TempDir()).dir
	}
	out := b.TempDir()
	for b.Loop() {
		os.RemoveAll(out)
		if _, err := build.Run(build.Request{ProjectFile: filepath.Join(proj, "pyproject.toml"), OutDir: out, Getenv: envWith("SOURCE_DATE_EPOCH", sampleEpoch)}); err != nil {
			b.Fatal(err)
		}
	}
}
