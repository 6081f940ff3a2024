package cli

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"goflit/backend"
)

// backendCommand is the hidden entry point of the PEP 517 shim:
//
//	goflit backend HOOK [DIR] [--metadata-directory DIR] [--config-settings JSON]
//
// The log goes to stderr; the hook's result is the last line of stdout.
func backendCommand() *command {
	c := &command{name: "backend", hidden: true,
		usage: "HOOK [DIR] [--metadata-directory DIR] [--config-settings JSON]",
		short: "Run a PEP 517/660 build backend hook (used by the goflit.buildapi shim)."}
	c.run = func(g *Globals, args []string) int {
		fs := newFlagSet(g, c, func(w io.Writer) {
			fmt.Fprintf(w, "Hooks: %s\n", strings.Join(backend.Hooks, ", "))
		})
		metaDir := fs.String("metadata-directory", "", "a prepared .dist-info folder (build_wheel, build_editable)")
		settings := fs.String("config-settings", "", "the frontend's config_settings as a JSON object")
		// Flags may follow the positional arguments, as the shim passes them.
		var pos []string
		for len(args) > 0 {
			if code, ok := parseFlags(g, c, fs, args); !ok {
				return code
			}
			rest := fs.Args()
			if len(rest) == 0 {
				break
			}
			pos = append(pos, rest[0])
			args = rest[1:]
		}
		if len(pos) < 1 || len(pos) > 2 {
			return usageError(g, c, "expected a hook name and at most one directory")
		}
		if !slices.Contains(backend.Hooks, pos[0]) {
			return usageError(g, c, "unknown hook %q (known: %s)", pos[0], strings.Join(backend.Hooks, ", "))
		}
		cs, err := backend.ParseConfigSettings(*settings)
		if err != nil {
			return usageError(g, c, "%v", err)
		}
		req := backend.Request{Hook: pos[0], ProjectDir: g.Env.Dir, MetadataDir: *metaDir,
			ConfigSettings: cs, Getenv: g.Env.Getenv, Log: g.Log}
		if len(pos) == 2 {
			req.Dir = pos[1]
			if !filepath.IsAbs(req.Dir) {
				req.Dir = filepath.Join(g.Env.Dir, req.Dir)
			}
		}
		if g.IniFile != "" {
			g.Log.Warnf("-f/--ini-file is ignored by the backend: PEP 517 builds the pyproject.toml in the current directory")
		}
		res, err := backend.Run(req)
		if err != nil {
			return g.Fail(err)
		}
		fmt.Fprintln(g.Env.Stdout, res)
		return 0
	}
	return c
}
