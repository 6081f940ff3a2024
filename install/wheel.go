package install

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/klauspost/compress/flate"

	"goflit/internal/diag"
)

// InstallerName is written to .dist-info/INSTALLER (no newline), as flit does.
const InstallerName = "flit"

// DirectURL is the PEP 610 direct_url.json to write.
type DirectURL struct {
	URL      string // e.g. FileURL("/home/me/proj")
	Editable bool   // dir_info {"editable": true}
	Archive  bool   // archive_info {} (a wheel file) instead of dir_info
}

// JSON renders d with sorted keys, as pip writes it.
func (d DirectURL) JSON() []byte {
	u, _ := jsonString(d.URL)
	if d.Archive {
		return []byte(`{"archive_info": {}, "url": ` + u + `}`)
	}
	return []byte(`{"dir_info": {"editable": ` + strconv.FormatBool(d.Editable) + `}, "url": ` + u + `}`)
}

// FileURL is the file:// URL of an absolute path.
func FileURL(p string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(p)}).String()
}

// Options control InstallWheel and the development installs.
type Options struct {
	Log         diag.Logger
	NoRequested bool       // do not write REQUESTED (installed as a dependency)
	DirectURL   *DirectURL // direct_url.json to write (nil: none)
	NoCompile   bool       // skip bytecode compilation
	// Context cancels the install (nil: never): before the commit nothing
	// has been written; a commit in progress is rolled back.
	Context context.Context
}

func (o *Options) log() diag.Logger {
	if o.Log == nil {
		return diag.Discard
	}
	return o.Log
}

// Result describes a finished install.
type Result struct {
	Name     string   // distribution name (from the wheel file name or project)
	Version  string   // version
	DistInfo string   // absolute path of the installed .dist-info directory
	Files    []string // absolute paths of every installed file, sorted
	Replaced []string // "name version" of the installs that were replaced
}

var schemeKeys = map[string]bool{"purelib": true, "platlib": true, "scripts": true, "headers": true, "data": true}

// checkMemberPath rejects archive member names that could land outside
// their directory.
func checkMemberPath(name string) string {
	switch {
	case name == "":
		return "empty member name"
	case strings.ContainsRune(name, 0):
		return "NUL byte in member name"
	case strings.Contains(name, `\`):
		return "backslash in member name (a Windows path separator)"
	case strings.HasPrefix(name, "/"):
		return "absolute path"
	case len(name) >= 2 && name[1] == ':' && (('a' <= name[0] && name[0] <= 'z') || ('A' <= name[0] && name[0] <= 'Z')):
		return "drive letter in member name"
	}
	for _, c := range strings.Split(strings.TrimSuffix(name, "/"), "/") {
		switch c {
		case "":
			return "empty path component"
		case ".", "..":
			return "path component " + strconv.Quote(c) + " (path traversal)"
		}
	}
	return ""
}

// plannedMember is a wheel member and where it goes.
type plannedMember struct {
	f       *member
	root    string // scheme dir
	rel     string // slash path below root
	script  bool   // .data/scripts: #!python rewrite, executable
	want    string // RECORD hash to verify
	compile bool   // a .py file in purelib/platlib: byte-compile it
}

// member is one file of a wheel, from a zip or from a wheel being built.
type member struct {
	name    string
	size    int64
	exec    bool // any x bit
	symlink bool
	open    func() (io.ReadCloser, error)
	// unverified: the RECORD's hash for this member was not taken from
	// its content (InstallProject hashes project files once, while they
	// are staged), so it is not checked.
	unverified bool
}

// InstallWheel installs the wheel at wheelPath into target. Nothing is
// written when the wheel is refused; a failure midway restores the
// environment as it was.
func InstallWheel(wheelPath string, target *Target, opts Options) (*Result, error) {
	base := filepath.Base(wheelPath)
	wn, err := ParseWheelName(base)
	if err != nil {
		return nil, err
	}
	zr, err := zip.OpenReader(wheelPath)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot open wheel: %v", wheelPath, err)
	}
	defer zr.Close()
	zr.RegisterDecompressor(zip.Deflate, func(r io.Reader) io.ReadCloser { return flate.NewReader(r) })
	ms := make([]*member, len(zr.File))
	for i, f := range zr.File {
		unix := f.CreatorVersion>>8 == 3
		ms[i] = &member{name: f.Name, size: int64(f.UncompressedSize64), open: f.Open,
			exec:    unix && (f.ExternalAttrs>>16)&0o111 != 0,
			symlink: unix && (f.ExternalAttrs>>16)&0o170000 == 0o120000}
	}
	return installMembers(base, wn, ms, target, opts)
}

// installMembers installs the files of the wheel named base.
func installMembers(base string, wn WheelName, all []*member, target *Target, opts Options) (*Result, error) {
	log := opts.log()
	var problems diag.List
	bad := func(format string, args ...any) {
		problems.Add(diag.Diagnostic{File: base, Msg: fmt.Sprintf(format, args...)})
	}

	// Members, path safety, the single .dist-info.
	members := map[string]*member{}
	distInfos := map[string]bool{}
	var names []string
	for _, f := range all {
		if msg := checkMemberPath(f.name); msg != "" {
			bad("member %q refused: %s", f.name, msg)
			continue
		}
		if strings.HasSuffix(f.name, "/") {
			continue
		}
		if f.symlink {
			bad("member %q refused: it is a symlink (wheels may only hold regular files)", f.name)
			continue
		}
		if members[f.name] != nil {
			bad("member %q appears twice", f.name)
			continue
		}
		members[f.name] = f
		names = append(names, f.name)
		if top, _, ok := strings.Cut(f.name, "/"); ok && strings.HasSuffix(top, ".dist-info") {
			distInfos[top] = true
		}
	}
	var distInfo string
	switch len(distInfos) {
	case 0:
		bad("no .dist-info directory (is this a wheel?)")
	case 1:
		for d := range distInfos {
			distInfo = d
		}
		stem := strings.TrimSuffix(distInfo, ".dist-info")
		dname, _, _ := strings.Cut(stem, "-")
		if normName(dname) != normName(wn.Distribution) {
			bad("%s does not match the wheel's distribution name %q", distInfo, wn.Distribution)
		}
	default:
		var ds []string
		for d := range distInfos {
			ds = append(ds, d)
		}
		sort.Strings(ds)
		bad("more than one .dist-info directory: %s", strings.Join(ds, ", "))
	}
	if err := problems.Err(); err != nil {
		return nil, err
	}
	dataDir := strings.TrimSuffix(distInfo, ".dist-info") + ".data"

	readMember := func(name string) ([]byte, error) {
		f := members[name]
		if f == nil {
			return nil, fmt.Errorf("%s: %s is missing", base, name)
		}
		rc, err := f.open()
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %v", base, name, err)
		}
		defer rc.Close()
		return io.ReadAll(io.LimitReader(rc, 64<<20))
	}
	wheelData, err := readMember(distInfo + "/WHEEL")
	if err != nil {
		return nil, err
	}
	wi, err := ParseWheelInfo(wheelData)
	if err != nil {
		return nil, fmt.Errorf("%s: %s/%v", base, distInfo, err)
	}
	if wi.Major != 1 {
		return nil, fmt.Errorf("%s: Wheel-Version %d.%d is not supported (this installer reads 1.x wheels; upgrade goflit)", base, wi.Major, wi.Minor)
	}
	if wi.Minor > 0 {
		log.Warnf("%s: Wheel-Version 1.%d is newer than 1.0; installing anyway", base, wi.Minor)
	}
	recordData, err := readMember(distInfo + "/RECORD")
	if err != nil {
		return nil, err
	}
	rows, err := ParseRecord(recordData)
	if err != nil {
		return nil, fmt.Errorf("%s: %s/%v", base, distInfo, err)
	}

	// RECORD must list every member with a good hash and the right size.
	recorded := map[string]RecordRow{}
	for _, r := range rows {
		recorded[r.Path] = r
	}
	skipRecord := map[string]bool{distInfo + "/RECORD": true, distInfo + "/RECORD.jws": true, distInfo + "/RECORD.p7s": true}
	for _, name := range names {
		if skipRecord[name] {
			continue
		}
		r, ok := recorded[name]
		if !ok {
			bad("%s is not listed in RECORD", name)
			continue
		}
		algo, _, _ := strings.Cut(r.Hash, "=")
		switch {
		case r.Hash == "":
			bad("%s has no hash in RECORD", name)
		case algo != "sha256" && algo != "sha384" && algo != "sha512":
			bad("%s: RECORD hash algorithm %q is not accepted (use sha256)", name, algo)
		}
		if r.Size != "" && r.Size != strconv.FormatInt(members[name].size, 10) {
			bad("%s: size %d does not match RECORD (%s)", name, members[name].size, r.Size)
		}
	}
	for _, r := range rows {
		if members[r.Path] == nil && !skipRecord[r.Path] && !strings.HasSuffix(r.Path, "/") {
			bad("RECORD lists %s, which is not in the wheel", r.Path)
		}
	}

	// Where each member goes.
	lib := target.Scheme.Platlib
	if wi.RootIsPurelib {
		lib = target.Scheme.Purelib
	}
	scheme := target.Scheme
	if scheme.Headers != "" {
		scheme.Headers = filepath.Join(scheme.Headers, wn.Distribution)
	}
	ourMeta := map[string]bool{"INSTALLER": true, "REQUESTED": true, "direct_url.json": true, "RECORD": true, "RECORD.jws": true, "RECORD.p7s": true}
	var plan []*plannedMember
	for _, name := range names {
		f := members[name]
		pm := &plannedMember{f: f, root: lib, rel: name, want: recorded[name].Hash}
		if rest, ok := strings.CutPrefix(name, dataDir+"/"); ok {
			key, sub, ok := strings.Cut(rest, "/")
			if !schemeKeys[key] {
				bad("member %q refused: unknown .data scheme %q (expected purelib, platlib, scripts, headers or data)", name, key)
				continue
			}
			if !ok || sub == "" {
				bad("member %q refused: no path below %s/%s", name, dataDir, key)
				continue
			}
			pm.root, pm.rel = scheme.dir(key), sub
			pm.script = key == "scripts"
			if pm.root == "" {
				bad("member %q refused: the target has no %s directory", name, key)
				continue
			}
		} else if rest, ok := strings.CutPrefix(name, distInfo+"/"); ok && ourMeta[rest] {
			continue
		}
		if slashContains(pm.rel, "__pycache__") {
			log.Warnf("%s: skipping %s (bytecode is compiled at install time)", base, name)
			continue
		}
		plan = append(plan, pm)
	}

	// Entry point launchers.
	var eps EntryPoints
	if data, err := readMember(distInfo + "/entry_points.txt"); err == nil {
		if eps, err = ParseEntryPoints(data); err != nil {
			bad("%s/%v", distInfo, err)
		}
	}
	launchers, err := launchersFor(eps, target.Python)
	if err != nil {
		bad("%s/entry_points.txt: %v", distInfo, err)
	}
	if err := problems.Err(); err != nil {
		return nil, err
	}
	// pip drops .data/scripts files that an entry point replaces.
	if len(launchers) > 0 {
		kept := plan[:0]
		for _, pm := range plan {
			if pm.script && launchers[pm.rel] != nil {
				log.Debugf("%s: %s is replaced by the entry point launcher", base, pm.f.name)
				continue
			}
			kept = append(kept, pm)
		}
		plan = kept
	}

	old, err := findInstalled(target, wn.Distribution, log)
	if err != nil {
		return nil, err
	}

	// Stage.
	t := newTxn(opts.Context)
	ok := false
	defer func() {
		if !ok {
			t.rollback()
		}
	}()
	var comp *compiler
	if !opts.NoCompile && target.CacheTag != "" {
		n := 0
		for _, pm := range plan {
			if pm.compile = isLibSource(pm, target); pm.compile {
				n++
			}
		}
		if n > 0 {
			if comp, err = t.startCompiler(target.Python, min(runtime.GOMAXPROCS(0), max(1, n/300)), log); err != nil {
				return nil, err
			}
			defer func() {
				if comp != nil {
					comp.stop()
				}
			}()
		}
	}
	if err := t.stageMembers(plan, target.Python, base, comp); err != nil {
		return nil, err
	}
	for _, name := range sortedKeys(launchers) {
		if err := t.stageBytes(scheme.Scripts, name, launchers[name], 0o777); err != nil {
			return nil, err
		}
	}
	res := &Result{Name: wn.Distribution, Version: wn.Version, DistInfo: filepath.Join(lib, distInfo)}
	if err := t.stageMeta(lib, distInfo, opts); err != nil {
		return nil, err
	}
	if comp != nil {
		err := comp.wait()
		comp = nil
		if err != nil {
			return nil, err
		}
	}
	return t.finish(res, lib, distInfo, target, old, log, &ok)
}

func slashContains(rel, comp string) bool {
	for _, c := range strings.Split(rel, "/") {
		if c == comp {
			return true
		}
	}
	return false
}

// isLibSource reports whether a member is a Python source in purelib or
// platlib (which gets bytecode).
func isLibSource(pm *plannedMember, target *Target) bool {
	return strings.HasSuffix(pm.rel, ".py") && (pm.root == target.Scheme.Purelib || pm.root == target.Scheme.Platlib)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// launchersFor renders console_scripts and gui_scripts as script files.
func launchersFor(eps EntryPoints, python string) (map[string][]byte, error) {
	out := map[string][]byte{}
	var errs []string
	for _, group := range []string{"console_scripts", "gui_scripts"} {
		for _, e := range eps.Group(group) {
			if err := scriptName(e.Name); err != nil {
				errs = append(errs, fmt.Sprintf("[%s] %v", group, err))
				continue
			}
			mod, attr, err := ScriptTarget(e.Value)
			if err != nil {
				errs = append(errs, fmt.Sprintf("[%s] %s: %v", group, e.Name, err))
				continue
			}
			out[e.Name] = Launcher(python, mod, attr)
		}
	}
	if len(errs) > 0 {
		return nil, errors.New(strings.Join(errs, "; "))
	}
	return out, nil
}

// stageBytes stages a generated file.
func (t *txn) stageBytes(root, rel string, data []byte, perm fs.FileMode) error {
	tmp, err := t.stagePath(root, rel)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(tmp), 0o777); err != nil {
		return err
	}
	if err := os.WriteFile(tmp, data, perm); err != nil {
		return fmt.Errorf("cannot stage %s: %v", rel, err)
	}
	if perm&0o111 != 0 {
		// WriteFile's permissions are masked by the umask; make sure the
		// owner can execute a script even under an unusual umask.
		if fi, err := os.Stat(tmp); err == nil && fi.Mode()&0o100 == 0 {
			os.Chmod(tmp, fi.Mode()|0o100)
		}
	}
	t.add(&staged{root: root, dest: filepath.Join(root, filepath.FromSlash(rel)), tmp: tmp, hash: HashBytes(data), size: int64(len(data))})
	return nil
}

// stageMeta stages INSTALLER, REQUESTED and direct_url.json.
func (t *txn) stageMeta(lib, distInfo string, opts Options) error {
	if err := t.stageBytes(lib, distInfo+"/INSTALLER", []byte(InstallerName), 0o666); err != nil {
		return err
	}
	if !opts.NoRequested {
		if err := t.stageBytes(lib, distInfo+"/REQUESTED", nil, 0o666); err != nil {
			return err
		}
	}
	if opts.DirectURL != nil {
		if err := t.stageBytes(lib, distInfo+"/direct_url.json", opts.DirectURL.JSON(), 0o666); err != nil {
			return err
		}
	}
	return nil
}

// stageMembers extracts the planned members into the stage directories
// (in parallel), checking each against its RECORD hash.
func (t *txn) stageMembers(plan []*plannedMember, python, base string, comp *compiler) error {
	out := make([]*staged, len(plan))
	for i, pm := range plan {
		tmp, err := t.stagePath(pm.root, pm.rel)
		if err != nil {
			return err
		}
		out[i] = &staged{root: pm.root, dest: filepath.Join(pm.root, filepath.FromSlash(pm.rel)), tmp: tmp}
	}
	// Creating files is mostly kernel work that waits on locks: a few more
	// workers than CPUs keep the disk busy.
	workers := min(2*runtime.GOMAXPROCS(0), 8, max(1, len(plan)/16))
	jobs := make(chan int)
	errs := make([]error, len(plan))
	var wg sync.WaitGroup
	var dirMu sync.Mutex
	made := map[string]bool{}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 256<<10)
			for i := range jobs {
				pm, s := plan[i], out[i]
				dir := filepath.Dir(s.tmp)
				dirMu.Lock()
				if !made[dir] {
					if err := os.MkdirAll(dir, 0o777); err != nil {
						dirMu.Unlock()
						errs[i] = err
						continue
					}
					made[dir] = true
				}
				dirMu.Unlock()
				if errs[i] = t.interrupted(); errs[i] == nil {
					errs[i] = extract(pm, s, python, base, buf, comp)
				}
			}
		}()
	}
	for i := range plan {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if err := t.interrupted(); err != nil {
		return err
	}
	var list diag.List
	for _, err := range errs {
		if err != nil {
			list.Add(diag.Diagnostic{Msg: err.Error()})
		}
	}
	if err := list.Err(); err != nil {
		return err
	}
	for _, s := range out {
		t.add(s)
	}
	return nil
}

func newHash(algo string) hash.Hash {
	switch algo {
	case "sha384":
		return sha512.New384()
	case "sha512":
		return sha512.New()
	}
	return sha256.New()
}

// extract writes one member to its stage path, verifying the RECORD hash.
func extract(pm *plannedMember, s *staged, python, base string, buf []byte, comp *compiler) error {
	rc, err := pm.f.open()
	if err != nil {
		return fmt.Errorf("%s: %s: %v", base, pm.f.name, err)
	}
	defer rc.Close()
	perm := fs.FileMode(0o666)
	if pm.script || pm.f.exec {
		perm = 0o777
	}
	algo, want, _ := strings.Cut(pm.want, "=")
	h := newHash(algo)
	var data []byte
	whole := pm.script || (comp != nil && pm.compile)
	if whole {
		// Scripts (for the #!python rewrite) and sources to compile are
		// read whole.
		// Room for the whole file and the read that sees EOF
		// (bytes.Buffer wants MinRead free bytes): no regrowth.
		data = make([]byte, 0, min(max(pm.f.size, 0), 64<<20)+bytes.MinRead)
		w := bytes.NewBuffer(data)
		if _, err = io.Copy(w, io.TeeReader(rc, h)); err != nil {
			return fmt.Errorf("%s: %s: %v", base, pm.f.name, err)
		}
		data = w.Bytes()
	}
	w, err := os.OpenFile(s.tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	ours := sha256.New()
	var n int64
	if whole {
		rewritten := false
		if pm.script {
			data, rewritten = rewriteShebang(data, python)
		}
		if rewritten || algo != "sha256" {
			ours.Write(data)
		} else {
			ours = nil // the verified hash is the installed file's hash
		}
		var m int
		m, err = w.Write(data)
		n = int64(m)
	} else if algo == "sha256" {
		n, err = io.CopyBuffer(w, io.TeeReader(rc, h), buf)
	} else {
		n, err = io.CopyBuffer(w, io.TeeReader(rc, io.MultiWriter(h, ours)), buf)
	}
	var mtime int64
	if err == nil && whole && !pm.script {
		var fi os.FileInfo
		if fi, err = w.Stat(); err == nil {
			mtime = fi.ModTime().Unix()
		}
	}
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s: %s: %v", base, pm.f.name, err)
	}
	got := base64.RawURLEncoding.EncodeToString(h.Sum(nil))
	if !pm.f.unverified && got != strings.TrimRight(want, "=") {
		return fmt.Errorf("%s: %s: hash %s=%s does not match RECORD (%s): the wheel is corrupt or was modified", base, pm.f.name, algo, got, pm.want)
	}
	if whole && !pm.script {
		comp.submit(s, data, mtime)
	}
	if ours == nil || (algo == "sha256" && !whole) {
		s.hash = "sha256=" + got
	} else {
		s.hash = hashDigest(ours.Sum(nil))
	}
	s.size = n
	return nil
}

// finish writes RECORD, finds what the old installs leave behind and
// commits.
func (t *txn) finish(res *Result, lib, distInfo string, target *Target, old []installed, log diag.Logger, ok *bool) (*Result, error) {
	recordRel := distInfo + "/RECORD"
	rows := make([]RecordRow, 0, len(t.files)+1)
	for _, s := range t.files {
		rel, err := filepath.Rel(lib, s.dest)
		if err != nil {
			rel = s.dest
		}
		r := RecordRow{Path: filepath.ToSlash(rel)}
		if s.hash != "" {
			r.Hash, r.Size = s.hash, strconv.FormatInt(s.size, 10)
		}
		rows = append(rows, r)
	}
	rows = append(rows, RecordRow{Path: recordRel})
	sort.Slice(rows, func(i, j int) bool { return rows[i].Path < rows[j].Path })
	recordTmp, err := t.stagePath(lib, recordRel)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(recordTmp), 0o777); err != nil {
		return nil, err
	}
	if err := os.WriteFile(recordTmp, WriteRecord(rows), 0o666); err != nil {
		return nil, err
	}
	t.add(&staged{root: lib, dest: filepath.Join(lib, filepath.FromSlash(recordRel)), tmp: recordTmp})

	var remove []string
	for _, o := range old {
		log.Infof("Replacing %s %s", o.name, o.version)
		res.Replaced = append(res.Replaced, o.name+" "+o.version)
		remove = append(remove, o.files...)
	}
	for _, s := range t.files {
		res.Files = append(res.Files, s.dest)
	}
	sort.Strings(res.Files)
	if err := t.commit(remove, target.roots()); err != nil {
		return nil, err
	}
	*ok = true
	return res, nil
}

// installed is a project found in the target.
type installed struct {
	name, version string
	distInfo      string
	files         []string // absolute paths from its RECORD (+ bytecode siblings)
}

// metadataName is the project name as its METADATA spells it ("acme.tool"),
// or the dist-info folder's escaped form ("acme_tool") when that is unreadable.
func metadataName(distInfo, fallback string) string {
	data, err := os.ReadFile(filepath.Join(distInfo, "METADATA"))
	if err != nil {
		return fallback
	}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" {
			break // end of the headers
		}
		if v, ok := strings.CutPrefix(line, "Name:"); ok && strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return fallback
}

// findInstalled finds installs of the project name (any version) in the
// target's purelib and platlib, with the files their RECORD lists.
func findInstalled(target *Target, name string, log diag.Logger) ([]installed, error) {
	want := normName(name)
	seen := map[string]bool{}
	var out []installed
	for _, site := range []string{target.Scheme.Purelib, target.Scheme.Platlib} {
		if site == "" || seen[site] {
			continue
		}
		seen[site] = true
		ents, err := os.ReadDir(site)
		if err != nil {
			continue
		}
		for _, e := range ents {
			stem, ok := strings.CutSuffix(e.Name(), ".dist-info")
			if !ok || !e.IsDir() {
				continue
			}
			n, v, _ := strings.Cut(stem, "-")
			if normName(n) != want {
				continue
			}
			dir := filepath.Join(site, e.Name())
			data, err := os.ReadFile(filepath.Join(dir, "RECORD"))
			if err != nil {
				return nil, fmt.Errorf("%s: cannot replace the installed %s %s: its RECORD is missing or unreadable (remove the directory and the project's files by hand, then try again)", dir, n, v)
			}
			rows, err := ParseRecord(data)
			if err != nil {
				return nil, fmt.Errorf("%s: cannot replace the installed %s %s: %v", dir, n, v, err)
			}
			inst := installed{name: metadataName(dir, n), version: v, distInfo: dir}
			roots := target.roots()
			for _, r := range rows {
				p := filepath.FromSlash(r.Path)
				if !filepath.IsAbs(p) {
					p = filepath.Join(site, p)
				}
				p = filepath.Clean(p)
				inRoot := false
				for _, root := range roots {
					if within(root, p) {
						inRoot = true
					}
				}
				if !inRoot {
					log.Warnf("%s: not removing %s: it is outside the target environment", dir, p)
					continue
				}
				inst.files = append(inst.files, p)
				if strings.HasSuffix(p, ".py") && target.CacheTag != "" {
					stem := strings.TrimSuffix(filepath.Base(p), ".py")
					cache := filepath.Join(filepath.Dir(p), "__pycache__", stem+"."+target.CacheTag)
					inst.files = append(inst.files, cache+".pyc", cache+".opt-1.pyc", cache+".opt-2.pyc")
				}
			}
			out = append(out, inst)
		}
	}
	return out, nil
}
