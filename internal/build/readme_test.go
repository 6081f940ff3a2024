package build_test

import (
	"path/filepath"
	"strings"
	"testing"

	"goflit/internal/build"
	"goflit/internal/testutil"
	"goflit/internal/validate"
)

// TestInvalidRSTReadme: flit build (Validate) refuses a README.rst that
// PyPI would not render, as flit does; FLIT_ALLOW_INVALID lets it through
// with warnings; the PEP 517 path (no Validate) does not check.
func TestInvalidRSTReadme(t *testing.T) {
	dir := t.TempDir()
	testutil.WriteFiles(t, dir, map[string]string{
		"pyproject.toml": "[project]\nname = \"rd\"\nversion = \"1\"\ndescription = \"x\"\nreadme = \"README.rst\"\n",
		"rd.py":          "x = 1\n",
		"README.rst":     "Title\n=====\n\nText with *unclosed emphasis.\n",
	})
	req := build.Request{ProjectFile: filepath.Join(dir, "pyproject.toml"), OutDir: filepath.Join(dir, "a"), Getenv: envWith(), Validate: true}
	_, err := build.Run(req)
	if err == nil || !strings.Contains(err.Error(), validate.InvalidRST+": line 4: ") {
		t.Fatalf("err = %v; want %q", err, validate.InvalidRST)
	}
	var log testutil.Log
	req.Getenv, req.Log, req.OutDir = envWith("FLIT_ALLOW_INVALID", "1"), &log, filepath.Join(dir, "b")
	if _, err := build.Run(req); err != nil {
		t.Fatalf("with FLIT_ALLOW_INVALID: %v", err)
	}
	if got := log.String(); !strings.Contains(got, "warning: "+filepath.Join(dir, "pyproject.toml")) || !strings.Contains(got, validate.InvalidRST) || !strings.Contains(got, validate.AllowInvalidWarning) {
		t.Errorf("with FLIT_ALLOW_INVALID, log:\n%s", got)
	}
	req.Validate, req.Getenv, req.OutDir = false, envWith(), filepath.Join(dir, "c")
	if _, err := build.Run(req); err != nil {
		t.Errorf("without Validate: %v", err)
	}
}
