package install

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"

	"goflit/internal/diag"
	"goflit/pyproject"
)

// Deps values for --deps.
var DepsChoices = []string{"all", "production", "develop", "none"}

// ErrExtrasWithNoDeps is flit's message for --deps none with --extras.
const ErrExtrasWithNoDeps = "To install dependencies for extras, you cannot set deps=none."

// SelectRequirements returns the requirements flit installs for deps and
// extras: the base dependencies unless deps is "none"; the named extras;
// every extra for deps "all" or the extra "all"; dev, doc and test for
// "develop". Extra names are matched after PEP 685 normalisation; unknown
// names are reported through log, as flit silently skips them.
func SelectRequirements(p *pyproject.Project, deps string, extras []string, log diag.Logger) ([]string, error) {
	if log == nil {
		log = diag.Discard
	}
	switch deps {
	case "all", "production", "develop", "none":
	default:
		return nil, fmt.Errorf("--deps %q: expected one of %s", deps, strings.Join(DepsChoices, ", "))
	}
	if deps == "none" && len(extras) > 0 {
		return nil, fmt.Errorf("%s", ErrExtrasWithNoDeps)
	}
	want := map[string]bool{}
	all := deps == "all"
	for _, e := range extras {
		n := normName(strings.TrimSpace(e))
		if n == "all" {
			all = true
		}
		if n != "" {
			want[n] = true
		}
	}
	if all {
		for k := range p.OptionalDeps {
			want[k] = true
		}
	}
	if deps == "develop" {
		want["dev"], want["doc"], want["test"] = true, true, true
	}
	var out []string
	seen := map[string]bool{}
	addAll := func(reqs []string) {
		for _, r := range reqs {
			if !seen[r] {
				seen[r] = true
				out = append(out, r)
			}
		}
	}
	if deps != "none" {
		addAll(p.Dependencies)
	}
	names := make([]string, 0, len(want))
	for k := range want {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		reqs, ok := p.OptionalDeps[k]
		if !ok {
			if k != "all" && !(deps == "develop" && (k == "dev" || k == "doc" || k == "test")) {
				log.Warnf("the project has no extra %q; skipping it", k)
			}
			continue
		}
		addAll(reqs)
	}
	return out, nil
}

// PipOptions control InstallRequirements.
type PipOptions struct {
	User   bool
	Log    diag.Logger
	Stdout io.Writer // pip's output (nil: kept, and shown only on failure)
	Stderr io.Writer
	Env    []string // the environment for pip (nil: this process's)
}

// InstallRequirements installs reqs into python's environment with one
// `python -m pip install [--user] -r FILE` call. A python without pip is
// an error saying how to get pip or skip dependencies.
func InstallRequirements(python string, reqs []string, opts PipOptions) error {
	log := opts.Log
	if log == nil {
		log = diag.Discard
	}
	if len(reqs) == 0 {
		log.Debugf("no dependencies to install")
		return nil
	}
	check := exec.Command(python, "-m", "pip", "--version")
	check.Env = opts.Env
	log.Debugf("$ %s -m pip --version", python)
	if out, err := check.CombinedOutput(); err != nil {
		why := lastLine(string(out))
		if why == "" {
			why = err.Error()
		}
		return fmt.Errorf("%s has no pip (`-m pip --version` failed: %s): install pip with `%s -m ensurepip`, or skip the dependencies with --deps none",
			python, why, python)
	}
	f, err := os.CreateTemp("", "goflit-*-requirements.txt")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	_, err = f.WriteString(strings.Join(reqs, "\n") + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	args := []string{"-m", "pip", "install"}
	if opts.User {
		args = append(args, "--user")
	}
	args = append(args, "-r", f.Name())
	log.Infof("Installing requirements: %s", strings.Join(reqs, ", "))
	log.Debugf("$ %s %s", python, strings.Join(args, " "))
	cmd := exec.Command(python, args...)
	cmd.Env = opts.Env
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if opts.Stdout != nil {
		cmd.Stdout = io.MultiWriter(&buf, opts.Stdout)
	}
	if opts.Stderr != nil {
		cmd.Stderr = io.MultiWriter(&buf, opts.Stderr)
	}
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(buf.String())
		if opts.Stdout == nil && opts.Stderr == nil && msg != "" {
			return fmt.Errorf("%s -m pip install failed (%v):\n%s", python, err, msg)
		}
		return fmt.Errorf("%s -m pip install failed (%v): %s", python, err, lastLine(msg))
	}
	return nil
}
