package cli

import (
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"goflit/check"
	"goflit/internal/validate"
)

// checkOptions are the checks `flit check` and `flit publish` run: the
// embedded trove classifier list, and docutils (Debian's python3-docutils
// through /usr/bin/python3 or $GOFLIT_DOCUTILS_PYTHON) for
// reStructuredText, else the built-in structural check.
func checkOptions() check.Options {
	return check.Options{Classifier: validate.IsValidClassifier, RST: check.DefaultRST()}
}

// distFiles lists the wheels and sdists in dir, sorted.
func distFiles(dir string) []string {
	var out []string
	for _, pat := range []string{"*.whl", "*.tar.gz", "*.zip"} {
		m, _ := filepath.Glob(filepath.Join(dir, pat))
		out = append(out, m...)
	}
	sort.Strings(out)
	return out
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

func checkCommand() *command {
	c := &command{
		name:  "check",
		usage: "[FILES...]",
		short: "Check built wheels and sdists the way PyPI will",
	}
	c.run = func(g *Globals, args []string) int {
		fs := newFlagSet(g, c, func(w io.Writer) {
			fmt.Fprint(w, `Checks wheels and sdists (default: dist/* next to pyproject.toml) with the
rules PyPI applies on upload, and reports every problem, one line each:
  - metadata: allowed Metadata-Version, name, version (no local versions),
    summary, emails, URLs, classifiers, Requires-Dist, License vs
    License-Expression, fields newer than the file's Metadata-Version
  - file names: PEP 427 wheel names with the normalized project name and the
    metadata's version, PEP 625 sdist names, platform tags PyPI accepts
  - archives: zip structure (no duplicates, stored/deflate only, no comment or
    trailing data, consistent central directory, UTF-8 names); wheel WHEEL,
    METADATA, RECORD complete with matching hashes and sizes, entry_points.txt,
    License-File under .dist-info/licenses/; sdist single top directory,
    PKG-INFO, no links or sparse members, License-File present
  - the long description renders: reStructuredText through docutils when
    /usr/bin/python3 has it (else a built-in structural check); Markdown and
    plain text always render

Exits 1 when any file has an error; warnings do not fail.
`)
		})
		if code, ok := parseFlags(g, c, fs, args); !ok {
			return code
		}
		files := fs.Args()
		if len(files) == 0 {
			dir := filepath.Join(filepath.Dir(g.ProjectFile()), "dist")
			for _, f := range distFiles(dir) {
				if rel, err := filepath.Rel(g.Env.Dir, f); err == nil && !strings.HasPrefix(rel, "..") {
					f = rel
				}
				files = append(files, f)
			}
			if len(files) == 0 {
				fmt.Fprintf(g.Env.Stderr, "error: %s: no wheels or sdists to check (run flit build, or name the files)\n", dir)
				return 1
			}
		}
		if runChecks(g, files) {
			return 1
		}
		return 0
	}
	return c
}

// runChecks checks files (relative to the working directory or absolute),
// prints every problem on stderr and a verdict per file on stdout, and
// reports whether any file has errors.
func runChecks(g *Globals, files []string) bool {
	withDir := func(f string) string {
		if filepath.IsAbs(f) {
			return f
		}
		return filepath.Join(g.Env.Dir, f)
	}
	list := check.Files(mapStrings(files, withDir), checkOptions())
	failed := map[string]int{}
	warned := map[string]int{}
	shown := map[string]string{}
	for _, f := range files {
		shown[withDir(f)] = f
	}
	for _, d := range list {
		name := shown[d.File]
		if d.Warning {
			warned[name]++
			fmt.Fprintf(g.Env.Stderr, "warning: %s: %s\n", name, g.relMessage(d.Msg))
		} else {
			failed[name]++
			fmt.Fprintf(g.Env.Stderr, "error: %s: %s\n", name, g.relMessage(d.Msg))
		}
	}
	for _, f := range files {
		switch {
		case failed[f] > 0:
			fmt.Fprintf(g.Env.Stdout, "%s: FAILED (%d %s)\n", f, failed[f], plural(failed[f], "problem"))
		case warned[f] > 0:
			fmt.Fprintf(g.Env.Stdout, "%s: PASSED with %d %s\n", f, warned[f], plural(warned[f], "warning"))
		default:
			fmt.Fprintf(g.Env.Stdout, "%s: PASSED\n", f)
		}
	}
	return len(failed) > 0
}

func mapStrings(in []string, f func(string) string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = f(s)
	}
	return out
}
