// Package backend implements the PEP 517 and PEP 660 hooks as Go functions.
// The Python shim (python/goflit/buildapi.py) runs `goflit backend HOOK DIR`
// in the source tree; the CLI calls Run and prints its result as the last
// line of stdout.
//
// The build hooks go through internal/build, the same code path as
// `flit build`, so the backend produces exactly what `flit build` produces.
package backend

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"goflit/cext"
	"goflit/internal/atomicfile"
	"goflit/internal/build"
	"goflit/internal/diag"
	"goflit/pyproject"
	"goflit/wheel"
)

// Hooks are the hook names the backend answers, as PEP 517/660 spell them.
var Hooks = []string{
	"get_requires_for_build_wheel", "get_requires_for_build_sdist", "get_requires_for_build_editable",
	"prepare_metadata_for_build_wheel", "prepare_metadata_for_build_editable",
	"build_wheel", "build_sdist", "build_editable",
}

// Request is one hook call.
type Request struct {
	Hook        string
	ProjectDir  string // the source tree (the shim's working directory)
	Dir         string // wheel_directory, sdist_directory or metadata_directory
	MetadataDir string // build_wheel/build_editable: a prepared .dist-info folder, or ""
	// ConfigSettings are the frontend's config_settings. A list value (a key
	// given several times) is joined with spaces.
	ConfigSettings map[string]string
	Getenv         func(string) string
	Log            diag.Logger
}

// ParseConfigSettings decodes the JSON object the shim passes: string values,
// or lists of strings for repeated keys.
func ParseConfigSettings(s string) (map[string]string, error) {
	if s == "" {
		return nil, nil
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		return nil, fmt.Errorf("config_settings is not a JSON object: %v", err)
	}
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		switch v := v.(type) {
		case string:
			out[k] = v
		case []any:
			parts := make([]string, 0, len(v))
			for _, x := range v {
				s, ok := x.(string)
				if !ok {
					return nil, fmt.Errorf("config_settings[%q] must be a string or a list of strings", k)
				}
				parts = append(parts, s)
			}
			out[k] = strings.Join(parts, " ")
		case nil:
			out[k] = ""
		default:
			return nil, fmt.Errorf("config_settings[%q] must be a string or a list of strings", k)
		}
	}
	return out, nil
}

// Run executes one hook and returns what the hook returns: a basename for
// the build and prepare hooks, a JSON list for get_requires_*.
func Run(req Request) (string, error) {
	if req.Log == nil {
		req.Log = diag.Discard
	}
	if req.Getenv == nil {
		req.Getenv = os.Getenv
	}
	file := filepath.Join(req.ProjectDir, "pyproject.toml")
	switch req.Hook {
	case "get_requires_for_build_wheel", "get_requires_for_build_sdist", "get_requires_for_build_editable":
		return getRequires(file, req)
	case "prepare_metadata_for_build_wheel", "prepare_metadata_for_build_editable":
		if req.Dir == "" {
			return "", errors.New(req.Hook + " needs the metadata directory")
		}
		p, err := pyproject.Load(file, loadOptions(req))
		if err != nil {
			return "", err
		}
		if err := os.MkdirAll(req.Dir, 0o755); err != nil {
			return "", err
		}
		return prepareMetadata(p, req)
	case "build_wheel", "build_editable", "build_sdist":
		if req.Dir == "" {
			return "", errors.New(req.Hook + " needs the output directory")
		}
		format := "wheel"
		if req.Hook == "build_sdist" {
			format = "sdist"
		}
		noVCS := false // flit_core's backend never asks git or hg, whatever the profile
		arts, err := build.Run(build.Request{
			ProjectFile:    file,
			Formats:        []string{format},
			UseVCS:         &noVCS,
			Python:         hookPython(req),
			Wheel:          wheel.Options{Editable: req.Hook == "build_editable"},
			OutDir:         req.Dir,
			Getenv:         req.Getenv,
			Log:            req.Log,
			ConfigSettings: req.ConfigSettings,
		})
		if err != nil {
			return "", err
		}
		if len(arts) != 1 {
			return "", fmt.Errorf("%s produced %d artifacts, expected 1", req.Hook, len(arts))
		}
		name := filepath.Base(arts[0].Path)
		if req.MetadataDir != "" && format == "wheel" {
			if err := checkPrepared(filepath.Join(req.Dir, name), req.MetadataDir); err != nil {
				os.Remove(filepath.Join(req.Dir, name))
				return "", err
			}
		}
		return name, nil
	}
	return "", fmt.Errorf("unknown backend hook %q (known: %s)", req.Hook, strings.Join(Hooks, ", "))
}

// prepareMetadata writes the .dist-info folder of prepare_metadata_for_build_wheel
// (or _editable) and returns its name.
//
// PEP 517 asks only that a wheel built with this folder as metadata_directory
// have identical metadata (checkPrepared compares METADATA and
// entry_points.txt); frontends read METADATA and ignore the rest. For a
// project with C/C++ extensions the wheel's tag is known only after the
// modules are compiled and audited (interpreter, ABI, manylinux level), which
// this hook must not do. So its WHEEL file says what is already certain,
// Root-Is-Purelib: false, and carries no Tag line rather than a py3-none-any
// that the built wheel will not have.
func prepareMetadata(p *pyproject.Project, req Request) (string, error) {
	opts := wheel.Options{Editable: req.Hook == "prepare_metadata_for_build_editable", Log: req.Log}
	ext := cext.Configured(p)
	if ext {
		pure := false
		opts.Purelib = &pure
	}
	name, err := wheel.PrepareMetadata(p, req.Dir, opts)
	if err != nil || !ext {
		return name, err
	}
	var untagged []byte
	for line := range bytes.Lines(wheel.WheelFile(p, opts)) {
		if !bytes.HasPrefix(line, []byte("Tag:")) {
			untagged = append(untagged, line...)
		}
	}
	if err := atomicfile.WriteFile(filepath.Join(req.Dir, name, "WHEEL"), untagged, 0o644); err != nil {
		return "", err
	}
	return name, nil
}

func loadOptions(req Request) pyproject.Options {
	return pyproject.Options{
		AllowInvalid: req.Getenv("FLIT_ALLOW_INVALID") != "",
		Getenv:       req.Getenv,
		Log:          req.Log,
		Python:       hookPython(req),
	}
}

// hookPython is the interpreter for the import fallback of a dynamic
// version or docstring: the one running the hook, which the shim passes as
// GOFLIT_BUILD_PYTHON, as flit_core imports the module in the frontend's
// interpreter (where get_requires' dependencies were installed, in an
// isolated build environment too). "" (python3 on PATH) when the binary
// runs without the shim.
func hookPython(req Request) string {
	return req.Getenv("GOFLIT_BUILD_PYTHON")
}

// getRequires follows flit_core: nothing extra is needed when the dynamic
// version and description can be read from the source; when the module must
// be imported for them, its runtime requirements (including the extras'
// entries with their markers) are build requirements.
func getRequires(file string, req Request) (string, error) {
	opts := loadOptions(req)
	opts.DeferImport = true
	p, err := pyproject.Load(file, opts)
	if err != nil {
		return "", err
	}
	reqs := []string{}
	if p.NeedsImport {
		reqs = append(reqs, p.Metadata.RequiresDist...)
	}
	// C/C++ extensions (package cext): ask for ziglang when no compiler is
	// available, so the frontend installs one into the build environment.
	if req.Hook != "get_requires_for_build_sdist" {
		reqs = append(reqs, cext.BuildRequires(p, req.ConfigSettings, req.Getenv)...)
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // requirements are full of < and >
	if err := enc.Encode(reqs); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// checkPrepared enforces PEP 517's rule that a wheel built with a
// metadata_directory has identical metadata: the wheel's METADATA and
// entry_points.txt must equal the prepared ones.
func checkPrepared(wheelPath, metadataDir string) error {
	files, err := readDistInfo(wheelPath)
	if err != nil {
		return err
	}
	var diffs []string
	for _, name := range []string{"METADATA", "entry_points.txt"} {
		prepared, err := os.ReadFile(filepath.Join(metadataDir, name))
		if errors.Is(err, os.ErrNotExist) {
			prepared = nil
		} else if err != nil {
			return err
		}
		if !bytes.Equal(prepared, files[name]) {
			diffs = append(diffs, name)
		}
	}
	if len(diffs) > 0 {
		sort.Strings(diffs)
		return fmt.Errorf("the wheel's %s differ from the prepared metadata in %s (the project changed between prepare_metadata_for_build_wheel and build_wheel); run the build again",
			strings.Join(diffs, " and "), metadataDir)
	}
	return nil
}

// readDistInfo returns the files at the top of the wheel's .dist-info folder.
func readDistInfo(wheelPath string) (map[string][]byte, error) {
	zr, err := zip.OpenReader(wheelPath)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	out := map[string][]byte{}
	for _, f := range zr.File {
		dir, name, ok := strings.Cut(f.Name, "/")
		if !ok || !strings.HasSuffix(dir, ".dist-info") || strings.Contains(name, "/") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %v", wheelPath, f.Name, err)
		}
		out[name] = b
	}
	return out, nil
}
