// Package pyproject reads a project's pyproject.toml into a Project, with
// exactly flit_core's rules for the [project] table (PEP 621) and the
// [tool.flit.*] tables, and positions (file:line:col) for every problem.
//
// Which flit_core the project targets is a compatibility Profile decided in
// one place (ProfileFor) from [build-system] requires: a project pinning
// flit_core below 4 gets flit_core 3.12's behaviour, every other project
// flit_core 4.x's.
package pyproject

import (
	"goflit/coremeta"
	"goflit/internal/diag"
	"goflit/internal/pysrc"
)

// Profile is the flit_core generation a project is built as. Everything
// that differs between flit_core 3.12 and 4.x is a field here, never an if
// on a version number elsewhere.
type Profile struct {
	Name                string   // "flit_core 4" or "flit_core 3"
	Generator           string   // WHEEL Generator line value, e.g. "goflit 0.1.0"
	MetadataVersion     string   // "2.5" (4.x) or "2.4" (3.12)
	OldStyleMetadata    bool     // [tool.flit.metadata]/[tool.flit.scripts]/[tool.flit.entrypoints] accepted (3.x)
	UnknownKeysAreError bool     // unknown [project] keys: error (4.x) or warning (3.x)
	ImportNames         bool     // emit Import-Name/Import-Namespace and accept import-names keys (4.x)
	RecordCRLF          bool     // RECORD lines end in CRLF (4.x) or LF (3.x)
	UseVCSByDefault     bool     // flit build/publish --use-vcs default (3.x) or --no-use-vcs (4.x)
	StubsPackages       bool     // "-stubs" module names supported (4.x)
	LicenseGlobs        []string // default license-files globs
}

// Project is a loaded, validated pyproject.toml with every dynamic field
// resolved. Paths are relative to Root with "/" separators unless noted.
type Project struct {
	Root    string  // absolute directory containing pyproject.toml
	File    string  // absolute path of pyproject.toml
	Profile Profile // compatibility profile (see ProfileFor)

	// Metadata is the complete core metadata, ready to write as METADATA /
	// PKG-INFO (Metadata-Version per profile, dynamic fields filled in).
	Metadata coremeta.Metadata

	Name    string        // [project].name as written (raw)
	Version string        // normalised PEP 440 version
	Module  *pysrc.Module // the discovered import module
	Dynamic []string      // [project].dynamic as written
	// EntryPoints maps group -> name -> "module:attr"; console_scripts and
	// gui_scripts come from [project.scripts] / [project.gui-scripts].
	EntryPoints map[string]map[string]string

	ReadmeFile      string   // readme path relative to Root ("" if none or inline text)
	LicenseFiles    []string // sorted, relative to Root
	SdistInclude    []string // [tool.flit.sdist] include patterns, normpath'ed
	SdistExclude    []string // exclude patterns, normpath'ed; default excludes added when the table exists
	HasSdistTable   bool     // [tool.flit.sdist] present
	ExternalDataDir string   // [tool.flit.external-data] directory, relative ("" if none)

	// RequiresDist is Metadata.RequiresDist; OptionalDeps maps normalised
	// extra name -> requirements as written (for flit install --extras).
	Dependencies []string
	OptionalDeps map[string][]string

	BuildRequires []string // [build-system] requires
	BuildBackend  string   // [build-system] build-backend

	// NeedsImport is true when a dynamic field could not be read statically
	// and the module had to be imported (PEP 517 get_requires then returns
	// the runtime dependencies, as flit_core does).
	NeedsImport bool

	// Doc is the whole decoded document (for tables owned by other packages,
	// e.g. [tool.goflit] read by cext) and Positions maps dotted key paths
	// ("project.readme", "tool.goflit.extension.0.name") to where they are.
	// A key's position is that of its (last) key part; array elements and
	// [[array tables]] are numbered from 0 and point at the element or
	// header. Quoted keys containing dots are joined as written, so
	// [tool."a.b"] is "tool.a.b".
	Doc       map[string]any
	Positions map[string]diag.Diagnostic // File/Line/Col/Source filled, Msg empty

	// Warnings are the non-fatal problems found while loading (version
	// normalised, unknown readme extension, ...). Load never logs them:
	// callers show them. When Load fails only the errors are returned.
	Warnings diag.List
}

// Options control Load.
type Options struct {
	// AllowInvalid downgrades invalid version / license expression errors to
	// warnings (FLIT_ALLOW_INVALID).
	AllowInvalid bool
	// Python is the interpreter for the import fallback of dynamic
	// version/description ("" = FLIT_INSTALL_PYTHON, then python3 on PATH).
	Python string
	// NoImport forbids the import fallback (an error names the field instead).
	NoImport bool
	// DeferImport: when the import fallback would be needed, set
	// Project.NeedsImport and leave version/description unset instead of
	// importing or failing (used by the PEP 517 get_requires hooks, which must
	// not import the project). The Project is then not buildable.
	DeferImport bool
	// Getenv reads environment variables (nil = os.Getenv).
	Getenv func(string) string
	Log    diag.Logger
}
