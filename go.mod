module goflit

go 1.26.0

// Every dependency is here for a reason; keep this list short and justify additions.
require (
	// Drop-in faster deflate/gzip (same API as compress/flate): wheel and sdist
	// writing is compression-bound, and this is the main cost of a big build.
	github.com/klauspost/compress v1.20.3
	// TOML 1.0 decoder with an AST parser (unstable.Parser) that reports
	// line:column for every key, so pyproject.toml errors point at the key.
	github.com/pelletier/go-toml/v2 v2.4.3
	// testscript: end-to-end CLI tests as txtar scripts (the cmd/go model). Tests only.
	github.com/rogpeppe/go-internal v1.16.0
	// Terminal handling for prompts: no-echo password entry (flit publish) and
	// raw mode for line editing (flit init); the stdlib has no portable way.
	golang.org/x/term v0.47.0
)

require golang.org/x/sys v0.49.0 // indirect; required by x/term

require golang.org/x/tools v0.26.0 // indirect; required by testscript (tests only)
