package selfdist

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"

	"goflit/internal/diag"
	"goflit/internal/testutil"
)

func TestInTreePyproject(t *testing.T) {
	const block = "[build-system]\n" +
		"# goflit's sdist builds from source: the in-tree backend compiles the Go\n" +
		"# code in gosrc/ with the Go toolchain on PATH (go 1.26 or later).\n" +
		"requires = []\n" +
		"build-backend = \"goflit_gobuild\"\n" +
		"backend-path = [\"_gobuild\"]\n"
	tests := []struct{ name, in, want string }{
		{"first table",
			"[build-system]\nrequires = [\"goflit\"]\nbuild-backend = \"goflit.buildapi\"\n\n[project]\nname = \"goflit\"\n",
			block + "\n[project]\nname = \"goflit\"\n"},
		{"leading comment kept, comment before next table kept",
			"# top\n[build-system]\nrequires = [\"goflit\"]\n\n# the project\n[project]\nname = \"x\"\n",
			"# top\n" + block + "\n# the project\n[project]\nname = \"x\"\n"},
		{"last table",
			"[project]\nname = \"x\"\n\n[build-system]\nrequires = []\n",
			"[project]\nname = \"x\"\n\n" + block},
		{"no build-system",
			"[project]\nname = \"x\"",
			"[project]\nname = \"x\"\n\n" + block},
		{"empty", "", block},
		{"header spelled with spaces, quotes and a comment",
			"[ \"build-system\" ] # old\nrequires = []\n",
			block},
		{"next header without blank line",
			"[build-system]\nrequires = []\n[project]\nname = \"x\"\n",
			block + "\n[project]\nname = \"x\"\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := InTreePyproject(tc.in)
			if got != tc.want {
				t.Errorf("InTreePyproject:\n%s", testutil.Diff(tc.want, got))
			}
			if again := InTreePyproject(got); again != got {
				t.Errorf("not idempotent:\n%s", testutil.Diff(got, again))
			}
		})
	}
}

func FuzzInTreePyproject(f *testing.F) {
	for _, s := range []string{
		"[build-system]\nrequires = [\"goflit\"]\n\n[project]\nname = \"x\"\n",
		"[project]\nname = \"x\"\n",
		"",
		"[build-system]",
		"a = 1\n[build-system]\n# c\n\n[tool.x]\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		got := InTreePyproject(src)
		if again := InTreePyproject(got); again != got {
			t.Fatalf("not idempotent for %q:\n%s", src, testutil.Diff(got, again))
		}
		// A valid document with one [build-system] table stays valid and
		// gets the in-tree backend.
		var before map[string]any
		if toml.Unmarshal([]byte(src), &before) != nil || strings.Count(src, "[build-system]") != 1 ||
			strings.Contains(src, "[[") || strings.Contains(src, "\r") || strings.Contains(src, `"""`) || strings.Contains(src, "'''") {
			return
		}
		var after struct {
			BuildSystem struct {
				BuildBackend string   `toml:"build-backend"`
				BackendPath  []string `toml:"backend-path"`
			} `toml:"build-system"`
		}
		if err := toml.Unmarshal([]byte(got), &after); err != nil {
			t.Fatalf("%q became invalid TOML: %v\n%s", src, err, got)
		}
		if after.BuildSystem.BuildBackend != BackendModule || !slices.Equal(after.BuildSystem.BackendPath, []string{BackendDir}) {
			t.Fatalf("%q: build-system is %+v", src, after.BuildSystem)
		}
	})
}

func TestGoSourceFiles(t *testing.T) {
	testutil.NeedCommand(t, "go", "install Go")
	files, err := GoSourceFiles(testutil.ModuleRoot())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"go.mod", "go.sum", "cmd/flit/main.go", "internal/selfdist/mkwheels/main.go",
		"internal/selfdist/intree/goflit_gobuild.py", "spdx/licenses.txt", "backend/backend.go"} {
		if !slices.Contains(files, want) {
			t.Errorf("GoSourceFiles lacks %s", want)
		}
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || strings.Contains(f, "testdata/") || strings.HasPrefix(f, "python/") {
			t.Errorf("GoSourceFiles has %s", f)
		}
	}
	if !slices.IsSorted(files) {
		t.Error("GoSourceFiles is not sorted")
	}
}

// TestSdistBuildsFromSource: goflit's sdist, built by goflit's sdist
// writer, builds with pip (build isolation on, no index) through its
// in-tree backend into the same platform wheel `make wheels` makes for this
// machine; the wheel installs and its goflit runs. Without a Go toolchain
// the backend says what to install.
func TestSdistBuildsFromSource(t *testing.T) {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skip("installs the linux/amd64 wheel")
	}
	testutil.NeedCommand(t, "go", "install Go")
	py := testutil.PythonWith(t, "venv", "pip", "build")
	root := testutil.ModuleRoot()
	const sde = "1700000000"
	host, _ := Find(runtime.GOOS, runtime.GOARCH)
	// The checkout's wheel for this machine, as `make wheels` makes it (built
	// right before the sdist, so both see the same source).
	bin, err := CompileBinary(root, host, t.TempDir(), diag.Discard)
	if err != nil {
		t.Fatal(err)
	}
	checkoutDir := t.TempDir()
	if _, err := BuildWheel(filepath.Join(root, "python"), bin, host, checkoutDir, sde, diag.Discard); err != nil {
		t.Fatal(err)
	}
	sdDir := t.TempDir()
	name, err := BuildSdist(root, filepath.Join(root, "python"), sdDir, sde, diag.Discard)
	if err != nil {
		t.Fatal(err)
	}
	sdistPath := filepath.Join(sdDir, name)
	if name != "goflit-0.1.0.tar.gz" {
		t.Fatalf("sdist name %q", name)
	}
	members := tarMembers(t, sdistPath)
	for _, want := range []string{"PKG-INFO", "pyproject.toml", "goflit/buildapi.py", "_gobuild/goflit_gobuild.py",
		"gosrc/go.mod", "gosrc/cmd/flit/main.go", "gosrc/internal/selfdist/intree/goflit_gobuild.py"} {
		if !slices.Contains(members, "goflit-0.1.0/"+want) {
			t.Errorf("the sdist lacks %s", want)
		}
	}

	// The three checks below read the sdist only; they run in parallel.
	env := []string{"SOURCE_DATE_EPOCH=" + sde, "PIP_NO_INDEX=1", "PIP_NO_CACHE_DIR=1", "PIP_DISABLE_PIP_VERSION_CHECK=1"}
	t.Run("pip wheel", func(t *testing.T) {
		t.Parallel()
		// pip builds the wheel from the sdist (SOURCE_DATE_EPOCH reaches the
		// in-tree backend through pip).
		wheels := t.TempDir()
		testutil.MustRun(t, "", env, py, "-m", "pip", "wheel", "--no-deps", "-w", wheels, sdistPath)
		whl := "goflit-0.1.0-" + host.Tag() + ".whl"
		fromSdist, err := os.ReadFile(filepath.Join(wheels, whl))
		if err != nil {
			t.Fatalf("pip wheel of the sdist did not produce %s: %v", whl, err)
		}

		// The same wheel as from the checkout.
		fromCheckout, _ := os.ReadFile(filepath.Join(checkoutDir, whl))
		if !bytes.Equal(fromSdist, fromCheckout) {
			t.Errorf("the wheel built from the sdist differs from the checkout's:\n%s", testutil.Diff(zipListing(t, fromCheckout), zipListing(t, fromSdist)))
		}

		// It installs, and its binary runs.
		vpy := testutil.Venv(t)
		venv := filepath.Dir(filepath.Dir(vpy))
		testutil.MustRun(t, "", env, py, "-m", "pip", "--python", vpy, "install", filepath.Join(wheels, whl))
		bare := []string{"PATH=/usr/bin:/bin", "GOFLIT_BIN="}
		if out := testutil.MustRun(t, "", bare, filepath.Join(venv, "bin", "goflit"), "-V"); !strings.HasPrefix(out, "Flit ") {
			t.Errorf("goflit -V printed %q", out)
		}
		if out := testutil.MustRun(t, "", bare, vpy, "-m", "goflit", "-V"); !strings.HasPrefix(out, "Flit ") {
			t.Errorf("python -m goflit -V printed %q", out)
		}
	})

	unpacked := t.TempDir()
	testutil.MustRun(t, unpacked, nil, "tar", "xzf", sdistPath)
	t.Run("without go", func(t *testing.T) {
		t.Parallel()
		// Without Go on PATH the in-tree backend names what to install.
		out, err := testutil.Run(t, filepath.Join(unpacked, "goflit-0.1.0"), []string{"PATH=" + t.TempDir(), "GOFLIT_GO="},
			py, "-c", "import sys; sys.path.insert(0, '_gobuild'); import goflit_gobuild as b; b.build_wheel('out')")
		if err == nil || !strings.Contains(out, "RuntimeError: building goflit from source needs the Go toolchain (go 1.26 or later): install it from https://go.dev/dl/") {
			t.Errorf("in-tree backend without go: %v\n%s", err, out)
		}
	})

	t.Run("sdist rebuilds itself", func(t *testing.T) {
		t.Parallel()
		// The sdist rebuilds itself byte for byte (python -m build --sdist).
		again := t.TempDir()
		testutil.MustRun(t, filepath.Join(unpacked, "goflit-0.1.0"), env, py, "-m", "build", "--no-isolation", "--sdist", "--outdir", again, ".")
		a, _ := os.ReadFile(sdistPath)
		b, err := os.ReadFile(filepath.Join(again, name))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("the sdist built from the unpacked sdist differs from the original (%v)", err)
		}
	})
}

func tarMembers(t *testing.T, p string) []string {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return names
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
	}
}

func zipListing(t *testing.T, b []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return err.Error()
	}
	var sb strings.Builder
	for _, f := range zr.File {
		fmt.Fprintf(&sb, "%s %s %08x\n", f.Name, f.Mode(), f.CRC32)
	}
	return sb.String()
}
