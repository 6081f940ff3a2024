package selfdist

import (
	_ "embed"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"goflit/internal/diag"
	"goflit/pyproject"
	"goflit/sdist"
)

// The layout of goflit's sdist, next to the shim project's own files.
const (
	// GoSrcDir holds the Go module: go.mod, go.sum and the packages the
	// goflit binary and mkwheels are built from.
	GoSrcDir = "gosrc"
	// BackendDir holds the in-tree backend (pyproject's backend-path).
	BackendDir = "_gobuild"
	// BackendModule is the in-tree backend's module name.
	BackendModule = "goflit_gobuild"
)

//go:embed intree/goflit_gobuild.py
var inTreeBackend []byte

// BuildMains are the commands the sdist must be able to build.
var BuildMains = []string{"./cmd/flit", "./internal/selfdist/mkwheels"}

// sdistGOOS are the systems whose build-constrained files the sdist carries.
var sdistGOOS = []string{"linux", "darwin", "windows"}

// GoSourceFiles lists, relative to moduleRoot and slash-separated, the files
// needed to build BuildMains for every system goflit ships: go.mod, go.sum,
// and of each main-module package its non-test Go files (including the ones
// other systems' build constraints select) and embedded files.
func GoSourceFiles(moduleRoot string) ([]string, error) {
	seen := map[string]bool{"go.mod": true, "go.sum": true}
	const format = `{{if and .Module .Module.Main}}{{.Dir}}{{range .GoFiles}}|{{.}}{{end}}` +
		`{{range .IgnoredGoFiles}}|{{.}}{{end}}{{range .EmbedFiles}}|{{.}}{{end}}` +
		`{{range .CFiles}}|{{.}}{{end}}{{range .HFiles}}|{{.}}{{end}}{{range .SFiles}}|{{.}}{{end}}{{end}}`
	for _, goos := range sdistGOOS {
		cmd := exec.Command("go", append([]string{"list", "-deps", "-f", format}, BuildMains...)...)
		cmd.Dir = moduleRoot
		cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64", "CGO_ENABLED=0")
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("go list of goflit's packages (GOOS=%s) failed: %v\n%s", goos, err, stderr.String())
		}
		for _, line := range strings.Split(string(out), "\n") {
			parts := strings.Split(line, "|")
			if parts[0] == "" {
				continue
			}
			rel, err := filepath.Rel(moduleRoot, parts[0])
			if err != nil || strings.HasPrefix(rel, "..") {
				return nil, fmt.Errorf("go list: package folder %s is outside the module %s", parts[0], moduleRoot)
			}
			for _, f := range parts[1:] {
				if strings.HasSuffix(f, "_test.go") {
					continue
				}
				seen[path.Join(filepath.ToSlash(rel), f)] = true
			}
		}
	}
	files := make([]string, 0, len(seen))
	for f := range seen {
		files = append(files, f)
	}
	sort.Strings(files)
	return files, nil
}

// InTreePyproject rewrites the shim project's pyproject.toml for the sdist:
// its [build-system] table (up to the next table header) is replaced by one
// that uses the in-tree backend and requires nothing, so that frontends build
// goflit from source. Applying it twice gives the same text.
func InTreePyproject(src string) string {
	block := "[build-system]\n" +
		"# goflit's sdist builds from source: the in-tree backend compiles the Go\n" +
		"# code in " + GoSrcDir + "/ with the Go toolchain on PATH (go 1.26 or later).\n" +
		"requires = []\n" +
		"build-backend = \"" + BackendModule + "\"\n" +
		"backend-path = [\"" + BackendDir + "\"]\n"
	lines := strings.SplitAfter(src, "\n")
	start, end := -1, len(lines)
	for i, l := range lines {
		h := strings.TrimSpace(l)
		if start < 0 {
			if isBuildSystemHeader(h) {
				start = i
			}
			continue
		}
		if strings.HasPrefix(h, "[") {
			end = i
			break
		}
	}
	if start < 0 {
		// Keys before the first header belong to the root table: append.
		if src != "" && !strings.HasSuffix(src, "\n") {
			src += "\n"
		}
		if src != "" {
			src += "\n"
		}
		return src + block
	}
	// Keep the comments and blank lines that lead into the next table.
	for end > start+1 {
		h := strings.TrimSpace(lines[end-1])
		if h != "" && !strings.HasPrefix(h, "#") {
			break
		}
		end--
	}
	rest := strings.Join(lines[end:], "")
	if rest != "" && !strings.HasPrefix(rest, "\n") {
		rest = "\n" + rest
	}
	return strings.Join(lines[:start], "") + block + rest
}

// isBuildSystemHeader reports whether a trimmed line is the [build-system]
// table header, allowing TOML's spaces, quoting and a trailing comment.
func isBuildSystemHeader(h string) bool {
	if !strings.HasPrefix(h, "[") || strings.HasPrefix(h, "[[") {
		return false
	}
	body, rest, ok := strings.Cut(h[1:], "]")
	if !ok {
		return false
	}
	if rest = strings.TrimSpace(rest); rest != "" && !strings.HasPrefix(rest, "#") {
		return false
	}
	switch strings.TrimSpace(body) {
	case "build-system", `"build-system"`, "'build-system'":
		return true
	}
	return false
}

// BuildSdist writes goflit's sdist into outDir: the shim project from
// projectDir with the in-tree pyproject.toml, the in-tree backend under
// _gobuild/, and the Go source from moduleRoot under gosrc/. Building a
// wheel from it needs only Python and a Go toolchain.
func BuildSdist(moduleRoot, projectDir, outDir, sourceDateEpoch string, log diag.Logger) (string, error) {
	goFiles, err := GoSourceFiles(moduleRoot)
	if err != nil {
		return "", err
	}
	stage, err := os.MkdirTemp("", "goflit-sdist-stage-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(stage)

	// The shim project, minus what this function adds (when building from
	// an unpacked sdist) and caches.
	skip := map[string]bool{GoSrcDir: true, BackendDir: true, "PKG-INFO": true, "pyproject.toml": true, "__pycache__": true, "dist": true}
	err = filepath.WalkDir(projectDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(projectDir, p)
		if rel == "." {
			return nil
		}
		if skip[d.Name()] && (d.IsDir() || !strings.Contains(rel, string(filepath.Separator))) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(stage, rel), 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		return copyFile(p, filepath.Join(stage, rel))
	})
	if err != nil {
		return "", err
	}
	pp, err := os.ReadFile(filepath.Join(projectDir, "pyproject.toml"))
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(stage, "pyproject.toml"), []byte(InTreePyproject(string(pp))), 0o644); err != nil {
		return "", err
	}
	backendFile := path.Join(BackendDir, BackendModule+".py")
	if err := os.MkdirAll(filepath.Join(stage, BackendDir), 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(stage, filepath.FromSlash(backendFile)), inTreeBackend, 0o644); err != nil {
		return "", err
	}
	extra := []string{backendFile}
	for _, f := range goFiles {
		dst := path.Join(GoSrcDir, f)
		if err := copyFile(filepath.Join(moduleRoot, filepath.FromSlash(f)), filepath.Join(stage, filepath.FromSlash(dst))); err != nil {
			return "", err
		}
		extra = append(extra, dst)
	}

	p, err := pyproject.Load(filepath.Join(stage, "pyproject.toml"), pyproject.Options{NoImport: true, Log: log})
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return "", err
	}
	return sdist.Build(p, outDir, sdist.Options{SourceDateEpoch: sourceDateEpoch, Log: log, Extra: extra})
}

func copyFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o644)
}
