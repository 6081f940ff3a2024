//go:build unix

package build_test

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"goflit/archive"
	"goflit/internal/build"
	"goflit/internal/testutil"
)

// TestReproducible: two builds of every sample, in different folders, with
// different umasks and file times, and SOURCE_DATE_EPOCH set, give
// byte-identical wheels and sdists.
//
// It changes the process umask, so it must not be parallel.
func TestReproducible(t *testing.T) {
	base := t.TempDir()
	old := syscall.Umask(0o077)
	a := map[string][]byte{}
	var names []string
	for _, name := range sampleNames(t) {
		s := setupSample(t, name, filepath.Join(base, "one"))
		if s.wantErr {
			continue
		}
		touchAll(t, s.root, time.Date(2001, 2, 3, 4, 5, 6, 789, time.UTC))
		arts, err := buildSample(s, filepath.Join(base, "out1", name))
		if err != nil {
			syscall.Umask(old)
			t.Fatalf("%s: %v", name, err)
		}
		for _, art := range arts {
			data, _ := os.ReadFile(art.Path)
			a[name+"/"+art.Filename] = data
		}
		names = append(names, name)
	}
	syscall.Umask(0o002)
	b := map[string][]byte{}
	for _, name := range names {
		s := setupSample(t, name, filepath.Join(base, "second", "deeper"))
		touchAll(t, s.root, time.Now())
		arts, err := buildSample(s, filepath.Join(base, "out2", name))
		if err != nil {
			syscall.Umask(old)
			t.Fatalf("%s: %v", name, err)
		}
		for _, art := range arts {
			data, _ := os.ReadFile(art.Path)
			b[name+"/"+art.Filename] = data
		}
	}
	syscall.Umask(old)
	if len(a) < 40 || len(a) != len(b) {
		t.Fatalf("built %d and %d artifacts", len(a), len(b))
	}
	for k, v := range a {
		if !bytes.Equal(v, b[k]) {
			t.Errorf("%s: not byte-identical across builds", k)
		}
	}
}

func listDir(t *testing.T, dir string) string {
	t.Helper()
	var out []string
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return nil
		}
		data := []byte{}
		if info.Mode().IsRegular() {
			data, _ = os.ReadFile(p)
		}
		rel, _ := filepath.Rel(dir, p)
		if info.IsDir() {
			// A directory's mtime changes when the staging dir comes and goes.
			out = append(out, rel+" "+info.Mode().String())
			return nil
		}
		out = append(out, rel+" "+info.Mode().String()+" "+info.ModTime().String()+" "+string(data))
		return nil
	})
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// TestFailureLeavesDistAlone: a build failing in the sdist or in the wheel
// (after the sdist was made) leaves dist/ exactly as it was, and no
// temporary files next to it.
func TestFailureLeavesDistAlone(t *testing.T) {
	for _, c := range []struct{ name, pyproject string }{
		{"sdist fails", `[project]
name = "fails"
version = "1"
description = "x"
readme = "README.md"
[tool.flit.sdist]
exclude = ["README.md"]
`},
		{"wheel fails after the sdist", `[project]
name = "fails"
version = "1"
description = "x"
[tool.flit.external-data]
directory = "data"
[tool.flit.sdist]
exclude = ["data"]
`},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "pyproject.toml"), []byte(c.pyproject), 0o644)
			os.WriteFile(filepath.Join(dir, "README.md"), []byte("r\n"), 0o644)
			os.WriteFile(filepath.Join(dir, "fails.py"), []byte("x = 1\n"), 0o644)
			os.MkdirAll(filepath.Join(dir, "data", "share"), 0o755)
			os.WriteFile(filepath.Join(dir, "data", "share", "f"), []byte("f\n"), 0o644)
			// Without dist/: it must not exist afterwards.
			before := listDir(t, dir)
			if _, err := build.Run(build.Request{ProjectFile: filepath.Join(dir, "pyproject.toml"), Getenv: envWith()}); err == nil {
				t.Fatal("build succeeded")
			}
			if after := listDir(t, dir); after != before {
				t.Errorf("the project directory changed:\n%s", testutil.Diff(before, after))
			}
			// With dist/ and older artifacts: they stay exactly as they were.
			dist := filepath.Join(dir, "dist")
			os.MkdirAll(dist, 0o755)
			os.WriteFile(filepath.Join(dist, "fails-0.9.tar.gz"), []byte("an older build"), 0o644)
			os.WriteFile(filepath.Join(dist, "fails-1.tar.gz"), []byte("to be kept"), 0o600)
			before = listDir(t, dir)
			_, err := build.Run(build.Request{ProjectFile: filepath.Join(dir, "pyproject.toml"), Getenv: envWith()})
			if err == nil {
				t.Fatal("build succeeded")
			}
			t.Logf("error: %v", err)
			if after := listDir(t, dir); after != before {
				t.Errorf("the project directory changed:\n%s", testutil.Diff(before, after))
			}
		})
	}
}

// TestTimesWithoutSourceDateEpoch: wheel entries from disk get their mtime
// in UTC, generated ones 2016-01-01; sdist members keep their fractional
// mtimes (PAX records), PKG-INFO gets 0, the gzip header 2016-01-01.
func TestTimesWithoutSourceDateEpoch(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "pyproject.toml"), []byte("[project]\nname = \"times\"\nversion = \"1\"\ndescription = \"x\"\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "times.py"), []byte("x = 1\n"), 0o644)
	// A local time zone far from UTC must not leak into the wheel.
	oldLocal := time.Local
	time.Local = time.FixedZone("UTC-5", -5*3600)
	defer func() { time.Local = oldLocal }()
	mt := time.Date(2020, 5, 6, 7, 8, 9, 500_000_000, time.UTC)
	touchAll(t, dir, mt)
	arts, err := build.Run(build.Request{ProjectFile: filepath.Join(dir, "pyproject.toml"), Getenv: envWith()})
	if err != nil {
		t.Fatal(err)
	}
	var got strings.Builder
	for _, a := range arts {
		l, err := archive.ListFile(a.Path)
		if err != nil {
			t.Fatal(err)
		}
		got.WriteString(l)
	}
	for _, want := range []string{
		`gzip name="times-1.tar" mtime=1451606400`,
		"0100644 2020-05-06T07:08:09.5        6 9e26bf369911c45c243c684147b23fc9e1dcfcf257d299a1c632016a6fcd33f4 times-1/times.py",
		"0100644 1970-01-01T00:00:00",
		"0100644 2020-05-06T07:08:08        6 9e26bf369911c45c243c684147b23fc9e1dcfcf257d299a1c632016a6fcd33f4 times.py", // DOS time: 2-second steps
		"0100644 2016-01-01T00:00:00      101 3171757492d2bd103f8261ea12616bc98ccd058198754aac721e1ef9f8064b81 times-1.dist-info/WHEEL",
	} {
		if !strings.Contains(got.String(), want) {
			t.Errorf("listing lacks %q:\n%s", want, got.String())
		}
	}
}

// SOURCE_DATE_EPOCH=0: zip times clamp to 1980, tar members get 0 and the
// gzip header keeps its default; a non-integer value fails every build
// (sdist, wheel, both) with the same one-line error, writing nothing.
func TestSourceDateEpochEdges(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "pyproject.toml"), []byte("[project]\nname = \"sde\"\nversion = \"1\"\ndescription = \"x\"\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "sde.py"), []byte("x = 1\n"), 0o644)
	arts, err := build.Run(build.Request{ProjectFile: filepath.Join(dir, "pyproject.toml"), OutDir: filepath.Join(dir, "o1"), Getenv: envWith("SOURCE_DATE_EPOCH", "0")})
	if err != nil {
		t.Fatal(err)
	}
	var got strings.Builder
	for _, a := range arts {
		l, _ := archive.ListFile(a.Path)
		got.WriteString(l)
	}
	for _, want := range []string{`mtime=1451606400`, "1970-01-01T00:00:00        6 9e26bf369911c45c243c684147b23fc9e1dcfcf257d299a1c632016a6fcd33f4 sde-1/sde.py", "1980-01-01T00:00:00        6 9e26bf369911c45c243c684147b23fc9e1dcfcf257d299a1c632016a6fcd33f4 sde.py"} {
		if !strings.Contains(got.String(), want) {
			t.Errorf("listing lacks %q:\n%s", want, got.String())
		}
	}
	const want = `SOURCE_DATE_EPOCH="yesterday": must be an integer number of seconds (unset it or fix its value)`
	for _, formats := range [][]string{nil, {"sdist"}, {"wheel"}} {
		out := filepath.Join(dir, "o2")
		_, err = build.Run(build.Request{ProjectFile: filepath.Join(dir, "pyproject.toml"), Formats: formats, OutDir: out, Getenv: envWith("SOURCE_DATE_EPOCH", "yesterday")})
		if err == nil || err.Error() != want {
			t.Errorf("formats %v, non-integer SOURCE_DATE_EPOCH: err = %v; want %s", formats, err, want)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("formats %v: %s exists after the failure (%v)", formats, out, err)
		}
	}
}
