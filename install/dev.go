package install

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"goflit/cext"
	"goflit/pyproject"
	"goflit/wheel"
)

// DevMode selects a development install.
type DevMode int

const (
	// Symlink links the module into purelib (flit install --symlink);
	// data files are linked one by one.
	Symlink DevMode = iota + 1
	// PthFile writes <module>.pth naming the source directory (flit
	// install --pth-file); data files are copied.
	PthFile
)

// DevInstall makes a development install of project p into target: the
// module is linked (Symlink) or put on sys.path by a .pth file (PthFile),
// so edits to the source are live. It writes the same .dist-info as a
// normal install (METADATA, INSTALLER, REQUESTED, entry_points.txt,
// direct_url.json with editable true, RECORD), console and GUI script
// launchers, and the external data files. An installed version of the same
// project is replaced; a failure leaves the environment as it was.
func DevInstall(p *pyproject.Project, target *Target, mode DevMode, opts Options) (*Result, error) {
	log := opts.log()
	if p.Module == nil {
		return nil, fmt.Errorf("%s: no module to install", p.File)
	}
	// C/C++ extension modules (package cext): build them in place, next to
	// their sources and for the target interpreter, so that the linked or
	// .pth'd tree imports them (`flit build-ext --inplace` rebuilds).
	if cext.Configured(p) {
		if _, err := cext.Build(p, cext.Options{InPlace: true, Python: target.Python, Log: log}); err != nil {
			return nil, err
		}
	}
	m := p.Module
	lib := target.Scheme.Purelib
	distInfo := wheel.DistInfoName(p)

	launchers, err := launchersFor(entryPointsOf(p.EntryPoints), target.Python)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", p.File, err)
	}
	old, err := findInstalled(target, p.Name, log)
	if err != nil {
		return nil, err
	}

	t := newTxn(opts.Context)
	ok := false
	defer func() {
		if !ok {
			t.rollback()
		}
	}()
	switch mode {
	case Symlink:
		src, err := filepath.EvalSymlinks(m.Path)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", m.Path, err)
		}
		rel, err := filepath.Rel(m.SourceDir, m.Path)
		if err != nil {
			return nil, err
		}
		if err := t.stageSymlink(lib, filepath.ToSlash(rel), src, true); err != nil {
			return nil, err
		}
		log.Debugf("linking %s -> %s", filepath.Join(lib, rel), src)
	case PthFile:
		src, err := filepath.EvalSymlinks(m.SourceDir)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", m.SourceDir, err)
		}
		if err := t.stageBytes(lib, m.Name+".pth", []byte(src), 0o666); err != nil {
			return nil, err
		}
		log.Debugf("adding %s to sys.path with %s.pth", src, m.Name)
	default:
		return nil, errors.New("install: unknown development install mode")
	}
	for _, name := range sortedKeys(launchers) {
		if err := t.stageBytes(target.Scheme.Scripts, name, launchers[name], 0o777); err != nil {
			return nil, err
		}
	}
	if p.ExternalDataDir != "" {
		if err := t.stageDataDir(filepath.Join(p.Root, filepath.FromSlash(p.ExternalDataDir)), target.Scheme.Data, mode == Symlink); err != nil {
			return nil, err
		}
	}
	var meta bytes.Buffer
	if err := p.Metadata.Write(&meta); err != nil {
		return nil, err
	}
	if err := t.stageBytes(lib, distInfo+"/METADATA", meta.Bytes(), 0o666); err != nil {
		return nil, err
	}
	if ep := wheel.EntryPointsFile(p.EntryPoints); ep != nil {
		if err := t.stageBytes(lib, distInfo+"/entry_points.txt", ep, 0o666); err != nil {
			return nil, err
		}
	}
	root, err := filepath.EvalSymlinks(p.Root)
	if err != nil {
		return nil, err
	}
	if opts.DirectURL == nil {
		opts.DirectURL = &DirectURL{URL: FileURL(root), Editable: true}
	}
	if err := t.stageMeta(lib, distInfo, opts); err != nil {
		return nil, err
	}
	res := &Result{Name: p.Name, Version: p.Version, DistInfo: filepath.Join(lib, distInfo)}
	return t.finish(res, lib, distInfo, target, old, log, &ok)
}

// entryPointsOf converts the project's entry point table.
func entryPointsOf(m map[string]map[string]string) EntryPoints {
	var ep EntryPoints
	for _, g := range sortedKeys(m) {
		eg := EntryGroup{Name: g}
		for _, n := range sortedKeys(m[g]) {
			eg.Entries = append(eg.Entries, Entry{Name: n, Value: m[g][n]})
		}
		ep.Groups = append(ep.Groups, eg)
	}
	return ep
}

// stageSymlink stages a symlink root/rel -> to. replace lets it replace a
// directory in the way (flit removes an existing destination).
func (t *txn) stageSymlink(root, rel, to string, replace bool) error {
	tmp, err := t.stagePath(root, rel)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(tmp), 0o777); err != nil {
		return err
	}
	if err := os.Symlink(to, tmp); err != nil {
		return fmt.Errorf("cannot create a symlink to %s: %v", to, err)
	}
	t.add(&staged{root: root, dest: filepath.Join(root, filepath.FromSlash(rel)), tmp: tmp, link: true, replace: replace})
	return nil
}

// stageDataDir stages every file below src into dest (linked or copied).
func (t *txn) stageDataDir(src, dest string, link bool) error {
	var files []string
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("external data directory: %v", err)
	}
	sort.Strings(files)
	for _, f := range files {
		rel, _ := filepath.Rel(src, f)
		rel = filepath.ToSlash(rel)
		if link {
			real, err := filepath.EvalSymlinks(f)
			if err != nil {
				return fmt.Errorf("%s: %v", f, err)
			}
			if err := t.stageSymlink(dest, rel, real, false); err != nil {
				return err
			}
			continue
		}
		fi, err := os.Stat(f)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		perm := fs.FileMode(0o666)
		if fi.Mode()&0o111 != 0 {
			perm = 0o777
		}
		if err := t.stageBytes(dest, rel, data, perm); err != nil {
			return err
		}
	}
	return nil
}
