// Package pysrc finds a project's import module on disk the way flit_core
// does, and reads its docstring and __version__ from the Python source
// without running Python.
package pysrc

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Module is the importable module or package a project ships.
type Module struct {
	Name      string // dotted import name, e.g. "ex_pkg", "ns1.pkg", "wcwidth-stubs"
	Path      string // absolute path of the package directory or of the .py file
	SourceDir string // absolute: the project root or root/src; wheel paths are relative to it
	IsPackage bool   // a directory (with or without __init__.py)
	IsStubs   bool   // name ends in "-stubs"
}

// InNamespacePackage reports whether the module lives inside namespace
// packages (a dotted name); the parents are never shipped.
func (m *Module) InNamespacePackage() bool { return strings.Contains(m.Name, ".") }

// File is the module's source file: the package's __init__.py (even if it
// does not exist) or the single-file module itself.
func (m *Module) File() string {
	if m.IsPackage {
		return filepath.Join(m.Path, "__init__.py")
	}
	return m.Path
}

// FindModule locates the module called name (a dotted import name) in the
// project directory root the way flit_core does: exactly one of
// <root>/<path>/, <root>/<path>.py, <root>/src/<path>/ and
// <root>/src/<path>.py must exist, where <path> is name with dots turned
// into path separators. A directory counts whether or not it has an
// __init__.py. When stubsAllowed is true (flit_core 4), a name ending in
// "-stubs" marks a PEP 561 stub-only package.
func FindModule(name, root string, stubsAllowed bool) (*Module, error) {
	if err := checkModuleName(name); err != nil {
		return nil, err
	}
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("module %s: cannot resolve project directory %s: %v", name, root, err)
	}
	rel := filepath.FromSlash(strings.ReplaceAll(name, ".", "/"))
	type candidate struct {
		rel    string // relative to absRoot, as shown in messages
		prefix string // "" or "src"
		pkg    bool
	}
	cands := []candidate{
		{rel, "", true},
		{rel + ".py", "", false},
		{filepath.Join("src", rel), "src", true},
		{filepath.Join("src", rel+".py"), "src", false},
	}
	var found []candidate
	for _, c := range cands {
		fi, err := os.Stat(filepath.Join(absRoot, c.rel))
		if err != nil {
			continue
		}
		if (c.pkg && fi.IsDir()) || (!c.pkg && fi.Mode().IsRegular()) {
			found = append(found, c)
		}
	}
	switch len(found) {
	case 0:
		shown := make([]string, len(cands))
		for i, c := range cands {
			shown[i] = filepath.ToSlash(c.rel)
			if c.pkg {
				shown[i] += "/"
			}
		}
		return nil, fmt.Errorf("No file/folder found for module %s (looked for %s, %s, %s and %s in %s); "+
			"create the module there, or set [tool.flit.module] name to its import name",
			name, shown[0], shown[1], shown[2], shown[3], absRoot)
	case 1:
	default:
		paths := make([]string, len(found))
		for i, c := range found {
			paths[i] = c.rel
		}
		sort.Slice(paths, func(i, j int) bool { return pathLess(paths[i], paths[j]) })
		return nil, fmt.Errorf("Multiple files or folders could be module %s: %s (in %s); "+
			"remove or rename all but one of them, or set [tool.flit.module] name",
			name, strings.Join(paths, ", "), absRoot)
	}
	c := found[0]
	return &Module{
		Name:      name,
		Path:      filepath.Join(absRoot, c.rel),
		SourceDir: filepath.Join(absRoot, c.prefix),
		IsPackage: c.pkg,
		IsStubs:   stubsAllowed && strings.HasSuffix(name, "-stubs"),
	}, nil
}

// checkModuleName rejects names that would make the candidate paths escape
// or collapse onto the project directory ("", "a..b", "../x", "a/b").
func checkModuleName(name string) error {
	if name == "" {
		return errors.New("module name is empty; set [project] name or [tool.flit.module] name")
	}
	for _, part := range strings.Split(name, ".") {
		if part == "" || strings.ContainsAny(part, `/\`) || strings.ContainsRune(part, 0) {
			return fmt.Errorf("module name %q is not a dotted import name; set [tool.flit.module] name to e.g. \"pkg\" or \"ns.pkg\"", name)
		}
	}
	return nil
}

// pathLess orders paths the way Python sorts pathlib paths: component by
// component, so "src/x" and "src-a" compare on "src" vs "src-a".
func pathLess(a, b string) bool {
	pa := strings.Split(filepath.ToSlash(a), "/")
	pb := strings.Split(filepath.ToSlash(b), "/")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		if pa[i] != pb[i] {
			return pa[i] < pb[i]
		}
	}
	return len(pa) < len(pb)
}

// Files returns the absolute paths of the files shipped from the module:
// the single file of a module, or everything under a package directory in
// flit's os.walk order (top-down; in each directory its files sorted, then
// its sorted subdirectories). Symlinked directories are skipped, symlinked
// files followed; anything named __pycache__ or ending in .pyc is left out;
// dotfiles and every other file are included.
func (m *Module) Files() ([]string, error) {
	if !m.IsPackage {
		return []string{m.Path}, nil
	}
	var out []string
	err := walk(m.Path, func(name string) bool {
		return name != "__pycache__" && !strings.HasSuffix(name, ".pyc")
	}, func(name string) bool {
		return name != "__pycache__" && !strings.HasSuffix(name, ".pyc")
	}, &out)
	return out, err
}

// WalkDataDir returns the files under an external data directory
// ([tool.flit.external-data]) in the same order as Files. Only directories
// named __pycache__ are skipped; .pyc files are kept, as flit does.
func WalkDataDir(dir string) ([]string, error) {
	var out []string
	err := walk(dir, func(string) bool { return true }, func(name string) bool {
		return name != "__pycache__"
	}, &out)
	return out, err
}

// walk is os.walk(top, followlinks=False) with sorted files before sorted
// subdirectories. Like os.walk, an entry is a directory when it resolves to
// one (so a symlink to a directory is a directory, which is then not
// entered); everything else, broken symlinks included, is a file.
func walk(dir string, keepFile, keepDir func(string) bool, out *[]string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("listing %s: %v", dir, err)
	}
	var files, dirs []string
	for _, e := range entries {
		name := e.Name()
		isDir := e.IsDir()
		isLink := e.Type()&fs.ModeSymlink != 0
		if isLink {
			if fi, err := os.Stat(filepath.Join(dir, name)); err == nil && fi.IsDir() {
				isDir = true
			}
		}
		switch {
		case isDir && isLink:
			// os.walk lists it but does not descend: skipped silently.
		case isDir:
			if keepDir(name) {
				dirs = append(dirs, name)
			}
		default:
			if keepFile(name) {
				files = append(files, name)
			}
		}
	}
	sort.Strings(files)
	sort.Strings(dirs)
	for _, f := range files {
		*out = append(*out, filepath.Join(dir, f))
	}
	for _, d := range dirs {
		if err := walk(filepath.Join(dir, d), keepFile, keepDir, out); err != nil {
			return err
		}
	}
	return nil
}
