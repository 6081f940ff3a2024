package cext

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"goflit/internal/atomicfile"
)

// cacheSchema is mixed into every key; bump it when the key recipe or the
// layout changes.
const cacheSchema = "goflit-ext-cache-v1"

// maxManifestEntries bounds how many header sets are remembered per
// (compiler, args, source).
const maxManifestEntries = 8

// Cache is the content-addressed store of objects and linked modules:
//
//	DIR/manifest/KK/KEY.json  (compiler, args, source) -> [(header, hash)...] -> object key
//	DIR/obj/KK/KEY.o          compiled objects
//	DIR/link/KK/KEY.so        linked modules
//
// All writes are atomic (temp file in the same directory, then rename), so
// concurrent builds may share one cache.
type Cache struct {
	Dir string
}

// DefaultCacheDir is $XDG_CACHE_HOME/goflit/ext, else ~/.cache/goflit/ext.
func DefaultCacheDir(getenv func(string) string) string {
	if d := getenv("GOFLIT_EXT_CACHE"); d != "" {
		return d
	}
	if d := getenv("XDG_CACHE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "goflit", "ext")
	}
	home := getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	if home == "" {
		return filepath.Join(os.TempDir(), "goflit-ext-cache")
	}
	return filepath.Join(home, ".cache", "goflit", "ext")
}

// probeWritable creates dir if needed and checks that a file can be
// created in it (and removes that file).
func probeWritable(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return fmt.Errorf("%s: %v", pe.Op, pe.Err)
		}
		return err
	}
	f, err := os.CreateTemp(dir, ".probe-")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return pe.Err
		}
		return err
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

func (c *Cache) path(kind, key, ext string) string {
	return filepath.Join(c.Dir, kind, key[:2], key+ext)
}

// hashStrings hashes a list of strings unambiguously.
func hashStrings(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s\x00", len(p), p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func hashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// fileHasher memoises file hashes for one build (many translation units
// share headers).
type fileHasher struct {
	mu sync.Mutex
	m  map[string]hashResult
}

type hashResult struct {
	sum string
	err error
}

func (fh *fileHasher) hash(path string) (string, error) {
	fh.mu.Lock()
	r, ok := fh.m[path]
	fh.mu.Unlock()
	if ok {
		return r.sum, r.err
	}
	sum, err := hashFile(path)
	fh.mu.Lock()
	if fh.m == nil {
		fh.m = map[string]hashResult{}
	}
	fh.m[path] = hashResult{sum, err}
	fh.mu.Unlock()
	return sum, err
}

// manifest lists, for one direct key, the header sets seen so far.
type manifest struct {
	Entries []manifestEntry `json:"entries"`
}

type manifestEntry struct {
	Headers [][2]string `json:"headers"` // (path, sha256); "@/" paths are project-relative
	Object  string      `json:"object"`  // object key
}

func (c *Cache) readManifest(key string) manifest {
	var m manifest
	data, err := os.ReadFile(c.path("manifest", key, ".json"))
	if err == nil {
		if json.Unmarshal(data, &m) != nil {
			m = manifest{}
		}
	}
	return m
}

// lookup returns the object key of the first manifest entry whose headers
// all still hash the same, with its object on disk.
func (c *Cache) lookup(key, root string, fh *fileHasher) (objKey string, ok bool) {
	m := c.readManifest(key)
next:
	for _, e := range m.Entries {
		for _, h := range e.Headers {
			sum, err := fh.hash(resolveDep(h[0], root))
			if err != nil || sum != h[1] {
				continue next
			}
		}
		if obj := c.path("obj", e.Object, ".o"); fileExists(obj) {
			touch(obj)
			return e.Object, true
		}
	}
	return "", false
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// record stores a new manifest entry in front of the older ones.
func (c *Cache) record(key string, e manifestEntry) error {
	m := c.readManifest(key)
	out := manifest{Entries: []manifestEntry{e}}
	for _, old := range m.Entries {
		if old.Object != e.Object && len(out.Entries) < maxManifestEntries {
			out.Entries = append(out.Entries, old)
		}
	}
	data, err := json.Marshal(out)
	if err != nil {
		return err
	}
	return writeFileAtomic(c.path("manifest", key, ".json"), data, 0o644)
}

// objectKey is the key of an object given its direct key and header hashes.
func objectKey(direct string, headers [][2]string) string {
	parts := []string{direct}
	for _, h := range headers {
		parts = append(parts, h[0], h[1])
	}
	return hashStrings(parts...)
}

// store copies file src into the cache under kind/key atomically.
func (c *Cache) store(kind, key, ext, src string) (string, error) {
	dst := c.path(kind, key, ext)
	if err := copyFileAtomic(src, dst, 0o644); err != nil {
		return "", err
	}
	return dst, nil
}

// resolveDep turns a stored header path back into a file path.
func resolveDep(p, root string) string {
	if rel, ok := strings.CutPrefix(p, "@/"); ok {
		return filepath.Join(root, filepath.FromSlash(rel))
	}
	return p
}

// normDep stores project files relative to the root ("@/rel") so that a
// cache entry serves the same project in another directory.
func normDep(p, root string) string {
	if !filepath.IsAbs(p) {
		return "@/" + filepath.ToSlash(filepath.Clean(p))
	}
	p = filepath.Clean(p)
	if rel, err := filepath.Rel(root, p); err == nil && rel != ".." && !strings.HasPrefix(rel, "../") {
		return "@/" + filepath.ToSlash(rel)
	}
	return p
}

// parseDepfile reads a Makefile-style dependency file as written by
// gcc/clang/zig -MD -MF: "target: dep dep \<newline> dep". Backslash-escaped
// spaces and "$$" are unescaped. Only the prerequisites are returned, in
// order, without duplicates.
func parseDepfile(data []byte) ([]string, error) {
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	var deps []string
	seen := map[string]bool{}
	var cur strings.Builder
	inTarget := true
	sawColon := false
	flush := func() {
		if cur.Len() == 0 {
			return
		}
		w := cur.String()
		cur.Reset()
		if !inTarget && !seen[w] {
			seen[w] = true
			deps = append(deps, w)
		}
	}
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == '\\' && i+1 < len(s) && s[i+1] == '\n':
			flush()
			i++
		case ch == '\\' && i+1 < len(s) && (s[i+1] == ' ' || s[i+1] == '#' || s[i+1] == '\\'):
			cur.WriteByte(s[i+1])
			i++
		case ch == '$' && i+1 < len(s) && s[i+1] == '$':
			cur.WriteByte('$')
			i++
		case ch == ':' && inTarget && (i+1 >= len(s) || s[i+1] == ' ' || s[i+1] == '\n' || s[i+1] == '\t'):
			cur.Reset()
			inTarget = false
			sawColon = true
		case ch == '\n':
			flush()
			inTarget = true // a new rule starts (e.g. -MP phony targets)
		case ch == ' ' || ch == '\t':
			flush()
		default:
			cur.WriteByte(ch)
		}
	}
	flush()
	if !sawColon && strings.TrimSpace(s) != "" {
		return nil, errors.New("dependency file has no \"target:\" rule")
	}
	return deps, nil
}

// writeFileAtomic writes data to path atomically, creating path's directory
// first (cache shards appear on demand).
func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.WriteFile(path, data, mode)
}

// copyFileAtomic copies src to dst atomically, creating dst's directory first.
func copyFileAtomic(src, dst string, mode os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return atomicfile.Write(dst, mode, func(w io.Writer) error {
		_, err := io.Copy(w, in)
		return err
	})
}

// DefaultCacheMax is the size above which the cache is trimmed (oldest
// entries first); GOFLIT_EXT_CACHE_MAX overrides it (bytes, or with a K,
// M or G suffix; 0 disables trimming).
const DefaultCacheMax = 2 << 30

// trimInterval is how often (at most) a build walks the cache to trim it.
const trimInterval = 24 * time.Hour

// touch marks a cache entry as recently used (for trimming).
func touch(path string) {
	now := time.Now()
	_ = os.Chtimes(path, now, now)
}

// parseSize reads "512M", "2G", "1048576".
func parseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	mult := int64(1)
	if n := len(s); n > 0 {
		switch s[n-1] {
		case 'k', 'K':
			mult, s = 1<<10, s[:n-1]
		case 'm', 'M':
			mult, s = 1<<20, s[:n-1]
		case 'g', 'G':
			mult, s = 1<<30, s[:n-1]
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("%q is not a size (bytes, or a number with K, M or G)", s)
	}
	return v * mult, nil
}

// MaybeTrim trims the cache to max bytes when the last trim is older than
// a day; it returns how many files it removed.
func (c *Cache) MaybeTrim(max int64) (int, error) {
	if max <= 0 {
		return 0, nil
	}
	stamp := filepath.Join(c.Dir, "trim.stamp")
	if st, err := os.Stat(stamp); err == nil && time.Since(st.ModTime()) < trimInterval {
		return 0, nil
	}
	if err := writeFileAtomic(stamp, nil, 0o644); err != nil {
		return 0, err
	}
	return c.Trim(max)
}

// Trim removes the least recently used objects, modules and manifests until
// the cache holds at most max bytes.
func (c *Cache) Trim(max int64) (int, error) {
	type entry struct {
		path string
		size int64
		mod  time.Time
	}
	var all []entry
	var total int64
	for _, kind := range []string{"obj", "link", "manifest"} {
		filepath.WalkDir(filepath.Join(c.Dir, kind), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return nil
			}
			all = append(all, entry{p, info.Size(), info.ModTime()})
			total += info.Size()
			return nil
		})
	}
	if total <= max {
		return 0, nil
	}
	sort.Slice(all, func(i, j int) bool { return all[i].mod.Before(all[j].mod) })
	removed := 0
	for _, e := range all {
		if total <= max {
			break
		}
		if err := os.Remove(e.path); err == nil {
			total -= e.size
			removed++
		}
	}
	return removed, nil
}
