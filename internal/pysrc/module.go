// Package pysrc finds a project's import module on disk the way flit_core
// does, and reads its docstring and __version__ from the Python source
// without running Python.
package pysrc

import (
	"path/filepath"
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
