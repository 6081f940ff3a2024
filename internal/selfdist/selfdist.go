// Package selfdist builds goflit's own Python distribution: platform wheels
// that carry the static goflit binary under goflit-VER.data/scripts/ next
// to the pure-Python PEP 517 shim (python/goflit), the way ruff and uv ship
// themselves. The wheels are made with goflit's own wheel writer from
// python/pyproject.toml, so goflit dogfoods its build path.
package selfdist

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"goflit/internal/diag"
	"goflit/pyproject"
	"goflit/wheel"
)

// Target is one platform goflit ships a wheel for.
type Target struct {
	GOOS, GOARCH string
	// Platforms are the wheel platform tags. A static Go binary has no glibc
	// or musl dependency, so one Linux wheel is valid for both families.
	Platforms []string
}

// Targets are the platforms of `make wheels`. macOS starts at 11.0 because
// current Go needs macOS 11 or later.
var Targets = []Target{
	{"linux", "amd64", []string{"manylinux_2_17_x86_64", "manylinux2014_x86_64", "musllinux_1_2_x86_64"}},
	{"linux", "arm64", []string{"manylinux_2_17_aarch64", "manylinux2014_aarch64", "musllinux_1_2_aarch64"}},
	{"darwin", "amd64", []string{"macosx_11_0_x86_64"}},
	{"darwin", "arm64", []string{"macosx_11_0_arm64"}},
	{"windows", "amd64", []string{"win_amd64"}},
	{"windows", "arm64", []string{"win_arm64"}},
}

// Tag is the compressed wheel tag set: py3-none-<plat1>.<plat2>...
func (t Target) Tag() string { return "py3-none-" + strings.Join(t.Platforms, ".") }

// ExeName is the binary's name inside the wheel's scripts folder.
func (t Target) ExeName() string {
	if t.GOOS == "windows" {
		return "goflit.exe"
	}
	return "goflit"
}

// Find returns the target for GOOS/GOARCH.
func Find(goos, goarch string) (Target, bool) {
	for _, t := range Targets {
		if t.GOOS == goos && t.GOARCH == goarch {
			return t, true
		}
	}
	return Target{}, false
}

// CompileBinary cross-compiles cmd/flit for t into dir: static
// (CGO_ENABLED=0), stripped, reproducible (-trimpath, no build ID, no VCS
// stamp, so that a checkout and goflit's sdist give the same binary).
func CompileBinary(moduleRoot string, t Target, dir string, log diag.Logger) (string, error) {
	out := filepath.Join(dir, t.GOOS+"-"+t.GOARCH, t.ExeName())
	args := []string{"build", "-trimpath", "-buildvcs=false", "-ldflags=-s -w -buildid=", "-o", out, "./cmd/flit"}
	cmd := exec.Command("go", args...)
	cmd.Dir = moduleRoot
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+t.GOOS, "GOARCH="+t.GOARCH)
	log.Debugf("GOOS=%s GOARCH=%s CGO_ENABLED=0 go %s", t.GOOS, t.GOARCH, strings.Join(args, " "))
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build for %s/%s failed: %v\n%s", t.GOOS, t.GOARCH, err, b)
	}
	return out, nil
}

// BuildWheel writes goflit's wheel for t into outDir, taking the shim
// project from projectDir (python/) and the binary from binary.
func BuildWheel(projectDir, binary string, t Target, outDir, sourceDateEpoch string, log diag.Logger) (string, error) {
	p, err := pyproject.Load(filepath.Join(projectDir, "pyproject.toml"), pyproject.Options{NoImport: true, Log: log})
	if err != nil {
		return "", err
	}
	purelib := false
	return wheel.Build(p, outDir, wheel.Options{
		SourceDateEpoch: sourceDateEpoch,
		Log:             log,
		ExtraFiles: []wheel.File{{
			ArchivePath: wheel.DistName(p) + "-" + p.Version + ".data/scripts/" + t.ExeName(),
			DiskPath:    binary,
			Executable:  true,
		}},
		Tag:     t.Tag(),
		Purelib: &purelib,
	})
}
