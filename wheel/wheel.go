// Package wheel builds wheels (PEP 427) and editable wheels (PEP 660) with
// the content flit_core 4.x gives them, and prepares the .dist-info folder
// for the PEP 517 prepare_metadata hooks.
//
// Entry order, which is also the RECORD order:
//
//  1. the module's files in flit's walk order, relative to the source dir
//     (an editable wheel has a single <import name>.pth instead), then
//     Options.ExtraFiles;
//  2. external data files under <dist>-<ver>.data/data/;
//  3. <dist-info>/entry_points.txt, when there are entry points;
//  4. license files, sorted, under <dist-info>/licenses/;
//  5. <dist-info>/WHEEL, <dist-info>/METADATA, <dist-info>/RECORD.
//
// Times: with SOURCE_DATE_EPOCH (an integer) every entry gets that instant in
// UTC, clamped to 1980-01-01; without it, files from disk get their mtime in
// UTC (flit uses local time, which makes wheels depend on the time zone:
// a deliberate deviation) and generated entries 2016-01-01 00:00:00.
package wheel

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"goflit/archive"
	"goflit/internal/atomicfile"
	"goflit/internal/diag"
	"goflit/internal/pysrc"
	"goflit/names"
	"goflit/pyproject"
)

// File is an extra file to ship in the wheel (e.g. a compiled extension).
type File struct {
	ArchivePath string // "/"-separated path inside the wheel
	DiskPath    string
	Executable  bool
}

// Options control a build.
type Options struct {
	Editable        bool
	SourceDateEpoch string // the SOURCE_DATE_EPOCH value ("" = unset)
	Log             diag.Logger
	// ExtraFiles are added after the module's files.
	ExtraFiles []File
	// Tag overrides the compressed tag set, e.g. "cp311-cp311-manylinux_2_17_x86_64".
	Tag string
	// Purelib overrides Root-Is-Purelib (default true).
	Purelib *bool
	// Exclude skips module files by their path relative to the source dir.
	Exclude func(rel string) bool
	// Zip tunes the archive writer (zero value: defaults).
	Zip archive.ZipOptions
}

func (o *Options) log() diag.Logger {
	if o.Log == nil {
		return diag.Discard
	}
	return o.Log
}

// DistName is the escaped, lowercased distribution name used in file names.
func DistName(p *pyproject.Project) string { return strings.ToLower(names.Escape(p.Name)) }

// DistInfoName is "<dist>-<version>.dist-info".
func DistInfoName(p *pyproject.Project) string {
	return DistName(p) + "-" + p.Version + ".dist-info"
}

var py3Clause = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\s*(>=?|~=|===?)?\s*[3-9]`)
})

// SupportsPy2 is flit's rule: false when any comma-separated clause of
// requires-python looks like ">=3", "~=3.x", "==3..." (a digit 3-9 after an
// optional >, >=, ~=, ==, ===), else true.
func SupportsPy2(requiresPython string) bool {
	for _, part := range strings.Split(requiresPython, ",") {
		if py3Clause().MatchString(part) {
			return false
		}
	}
	return true
}

// Tag is the wheel's compressed tag set: opts.Tag, else py3-none-any or
// py2.py3-none-any by SupportsPy2.
func Tag(p *pyproject.Project, opts Options) string {
	if opts.Tag != "" {
		return opts.Tag
	}
	if SupportsPy2(p.Metadata.RequiresPython) {
		return "py2.py3-none-any"
	}
	return "py3-none-any"
}

// Filename is "<dist>-<version>-<tag>.whl".
func Filename(p *pyproject.Project, opts Options) string {
	return DistName(p) + "-" + p.Version + "-" + Tag(p, opts) + ".whl"
}

// WheelFile is the text of the WHEEL file.
func WheelFile(p *pyproject.Project, opts Options) []byte {
	var b bytes.Buffer
	b.WriteString("Wheel-Version: 1.0\n")
	b.WriteString("Generator: " + p.Profile.Generator + "\n")
	pure := opts.Purelib == nil || *opts.Purelib
	fmt.Fprintf(&b, "Root-Is-Purelib: %t\n", pure)
	parts := strings.SplitN(Tag(p, opts), "-", 3)
	if len(parts) != 3 {
		parts = []string{Tag(p, opts), "none", "any"}
	}
	for _, py := range strings.Split(parts[0], ".") {
		for _, abi := range strings.Split(parts[1], ".") {
			for _, plat := range strings.Split(parts[2], ".") {
				b.WriteString("Tag: " + py + "-" + abi + "-" + plat + "\n")
			}
		}
	}
	return b.Bytes()
}

// EntryPointsFile is the text of entry_points.txt: groups sorted, "name=value"
// lines sorted by name, a blank line after each group. Nil when there are no
// entry points.
func EntryPointsFile(eps map[string]map[string]string) []byte {
	if len(eps) == 0 {
		return nil
	}
	var b bytes.Buffer
	for _, g := range sortedKeys(eps) {
		b.WriteString("[" + g + "]\n")
		for _, n := range sortedKeys(eps[g]) {
			b.WriteString(n + "=" + eps[g][n] + "\n")
		}
		b.WriteString("\n")
	}
	return b.Bytes()
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// Record is one RECORD row.
type Record struct {
	Path string
	Hash string // "sha256=..." ("" for RECORD itself)
	Size string // decimal ("" for RECORD itself)
}

// RecordFile renders RECORD rows: with crlf (flit 4.x) as Python's csv
// module does (excel dialect: fields with a comma, quote or line break are
// quoted, lines end in CRLF); otherwise as flit 3.x (plain, LF).
func RecordFile(rows []Record, crlf bool) []byte {
	var b bytes.Buffer
	for _, r := range rows {
		if crlf {
			b.WriteString(csvField(r.Path) + "," + csvField(r.Hash) + "," + csvField(r.Size) + "\r\n")
		} else {
			b.WriteString(r.Path + "," + r.Hash + "," + r.Size + "\n")
		}
	}
	return b.Bytes()
}

func csvField(s string) string {
	if !strings.ContainsAny(s, ",\"\r\n") {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// Times are the timestamps a build gives its entries.
type Times struct {
	fixed *time.Time // SOURCE_DATE_EPOCH (clamped), or nil
}

// TimesFromEnv interprets SOURCE_DATE_EPOCH for wheels: an integer is used
// (in UTC, clamped to 1980-01-01); anything else is an error, as for the
// sdist (archive.ParseSourceDateEpoch). flit_core ignores such a value for
// wheels; goflit refuses it everywhere, so no build half-honours it.
func TimesFromEnv(sde string) (Times, error) {
	n, err := archive.ParseSourceDateEpoch(sde)
	if err != nil || n == nil {
		return Times{}, err
	}
	t := time.Unix(*n, 0).UTC()
	if t.Year() < 1980 {
		t = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return Times{fixed: &t}, nil
}

// File is the time of an entry read from disk with modification time m.
func (t Times) File(m time.Time) time.Time {
	if t.fixed != nil {
		return *t.fixed
	}
	return m.UTC()
}

// Generated is the time of a generated entry.
func (t Times) Generated() time.Time {
	if t.fixed != nil {
		return *t.fixed
	}
	return archive.GeneratedTime
}

// Build writes the wheel into outDir (which must exist) and returns its file
// name. The file is written to a temporary name and renamed on success, with
// mode 0644; nothing is left behind on failure.
func Build(p *pyproject.Project, outDir string, opts Options) (string, error) {
	name := Filename(p, opts)
	if opts.Zip.TempDir == "" {
		opts.Zip.TempDir = outDir
	}
	err := atomicfile.Write(filepath.Join(outDir, name), 0o644, func(f io.Writer) error {
		_, err := Write(p, f, opts)
		return err
	})
	if err != nil {
		return "", err
	}
	return name, nil
}

// Write writes the wheel to w and returns its file name.
func Write(p *pyproject.Project, w io.Writer, opts Options) (string, error) {
	z := archive.NewZip(w, opts.Zip)
	err := writeTo(p, z, opts)
	if cerr := z.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", err
	}
	return Filename(p, opts), nil
}

// BrokenLinkError is a file to put in the wheel that is a symlink whose
// target does not exist (flit fails with a bare FileNotFoundError).
type BrokenLinkError struct {
	Path   string // the link, as found on disk
	Target string // what it points to
}

func (e *BrokenLinkError) Error() string {
	return fmt.Sprintf("%s is a symlink to %s, which does not exist: fix or remove the link", e.Path, e.Target)
}

// WriteTo adds the wheel's entries to any archive sink (a zip, or a
// Listing in tests) and closes it.
func WriteTo(p *pyproject.Project, sink archive.Writer, opts Options) error {
	err := writeTo(p, sink, opts)
	if cerr := sink.Close(); err == nil {
		err = cerr
	}
	return err
}

func writeTo(p *pyproject.Project, sink archive.Writer, opts Options) error {
	log := opts.log()
	times, err := TimesFromEnv(opts.SourceDateEpoch)
	if err != nil {
		return err
	}
	if p.Module == nil {
		return errors.New("wheel: project has no module")
	}
	distInfo := DistInfoName(p)
	var entries []*archive.Entry
	add := func(e *archive.Entry) error {
		log.Debugf("adding %s", e.Name)
		entries = append(entries, e)
		return sink.Add(e)
	}
	addDisk := func(name, path string, exec bool) error {
		fi, err := os.Stat(path)
		if err != nil {
			if li, lerr := os.Lstat(path); lerr == nil && li.Mode()&os.ModeSymlink != 0 {
				target, _ := os.Readlink(path)
				return &BrokenLinkError{Path: path, Target: target}
			}
			return err
		}
		mode := archive.NormalizeMode(archive.StatMode(fi)) & 0xFFFF
		if exec {
			mode = archive.TypeRegular | 0o755
		}
		return add(&archive.Entry{Name: name, Mode: mode, ModTime: times.File(fi.ModTime()), Path: path})
	}
	gen := func(name string, data []byte) error {
		return add(&archive.Entry{Name: name, Mode: archive.TypeRegular | 0o644, ModTime: times.Generated(), Data: data})
	}

	// 1. module files (or the .pth), then extra files.
	if opts.Editable {
		src, err := filepath.EvalSymlinks(p.Module.SourceDir)
		if err != nil {
			return err
		}
		if src, err = filepath.Abs(src); err != nil {
			return err
		}
		if err := gen(p.Module.Name+".pth", []byte(src)); err != nil {
			return err
		}
	} else {
		files, err := p.Module.Files()
		if err != nil {
			return err
		}
		for _, f := range files {
			rel, err := filepath.Rel(p.Module.SourceDir, f)
			if err != nil {
				return err
			}
			rel = filepath.ToSlash(rel)
			if opts.Exclude != nil && opts.Exclude(rel) {
				log.Debugf("excluding %s", rel)
				continue
			}
			if err := addDisk(rel, f, false); err != nil {
				return err
			}
		}
	}
	for _, x := range opts.ExtraFiles {
		if err := addDisk(x.ArchivePath, x.DiskPath, x.Executable); err != nil {
			return err
		}
	}
	// 2. external data.
	if p.ExternalDataDir != "" {
		dataDir := filepath.Join(p.Root, filepath.FromSlash(p.ExternalDataDir))
		files, err := pysrc.WalkDataDir(dataDir)
		if err != nil {
			return err
		}
		prefix := DistName(p) + "-" + p.Version + ".data/data/"
		for _, f := range files {
			rel, err := filepath.Rel(dataDir, f)
			if err != nil {
				return err
			}
			if err := addDisk(prefix+filepath.ToSlash(rel), f, false); err != nil {
				return err
			}
		}
	}
	// 3. entry points.
	if eps := EntryPointsFile(p.EntryPoints); eps != nil {
		if err := gen(distInfo+"/entry_points.txt", eps); err != nil {
			return err
		}
	}
	// 4. licenses.
	lics := append([]string(nil), p.LicenseFiles...)
	sort.Strings(lics)
	for _, l := range lics {
		if err := addDisk(distInfo+"/licenses/"+l, filepath.Join(p.Root, filepath.FromSlash(l)), false); err != nil {
			return err
		}
	}
	// 5. WHEEL, METADATA, RECORD.
	if err := gen(distInfo+"/WHEEL", WheelFile(p, opts)); err != nil {
		return err
	}
	if err := gen(distInfo+"/METADATA", p.Metadata.Bytes()); err != nil {
		return err
	}
	if err := sink.Sync(); err != nil {
		return err
	}
	rows := make([]Record, 0, len(entries)+1)
	for _, e := range entries {
		rows = append(rows, Record{Path: e.Name, Hash: e.Hash(), Size: strconv.FormatInt(e.Size, 10)})
	}
	rows = append(rows, Record{Path: distInfo + "/RECORD"})
	return gen(distInfo+"/RECORD", RecordFile(rows, p.Profile.RecordCRLF))
}

// PrepareMetadata writes <dist-info>/ with WHEEL, METADATA and, when there
// are entry points, entry_points.txt into dir (the PEP 517
// prepare_metadata_for_build_wheel/editable hooks) and returns the folder name.
func PrepareMetadata(p *pyproject.Project, dir string, opts Options) (string, error) {
	name := DistInfoName(p)
	d := filepath.Join(dir, name)
	if err := os.MkdirAll(d, 0o755); err != nil {
		return "", err
	}
	files := map[string][]byte{"WHEEL": WheelFile(p, opts), "METADATA": p.Metadata.Bytes()}
	if eps := EntryPointsFile(p.EntryPoints); eps != nil {
		files["entry_points.txt"] = eps
	}
	for _, n := range sortedKeys(files) {
		if err := atomicfile.WriteFile(filepath.Join(d, n), files[n], 0o644); err != nil {
			return "", err
		}
	}
	return name, nil
}
