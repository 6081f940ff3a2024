package install

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"

	"goflit/internal/diag"
)

// compileScript byte-compiles staged sources with the target interpreter.
// stdin: JSON [[staged_source, final_source], ...]. For each it writes the
// .pyc next to the staged source, where the final source's cache file will
// be, with the final path embedded (dfile), and prints JSON: per file the
// cache path relative to the source directory, or null and an error.
const compileScript = `
import importlib.util, json, os, py_compile, sys
out = []
for staged, final in json.load(sys.stdin):
    try:
        cfinal = importlib.util.cache_from_source(final)
    except NotImplementedError:
        out.append([None, None]); continue
    rel = os.path.relpath(cfinal, os.path.dirname(final))
    try:
        py_compile.compile(staged, cfile=os.path.join(os.path.dirname(staged), rel), dfile=final, doraise=True)
        out.append([rel, None])
    except py_compile.PyCompileError as e:
        out.append([None, str(e.msg).strip().splitlines()[-1] if str(e.msg).strip() else "compile error"])
json.dump(out, sys.stdout)
`

// compile compiles the staged .py files and stages their .pyc files. A
// source that does not compile (a syntax error) is installed without
// bytecode, with a warning, as pip does.
func (t *txn) compile(python string, files []*staged, log diag.Logger) error {
	if len(files) == 0 {
		return nil
	}
	// Python compiles one file at a time; use a process per CPU for big
	// packages.
	chunks := min(runtime.GOMAXPROCS(0), max(1, len(files)/300))
	size := (len(files) + chunks - 1) / chunks
	type result struct {
		rel []*string
		msg []*string
		err error
	}
	results := make([]result, chunks)
	var wg sync.WaitGroup
	for c := 0; c < chunks; c++ {
		lo, hi := c*size, min((c+1)*size, len(files))
		wg.Add(1)
		go func(c int, part []*staged) {
			defer wg.Done()
			pairs := make([][2]string, len(part))
			for i, s := range part {
				pairs[i] = [2]string{s.tmp, s.dest}
			}
			in, _ := json.Marshal(pairs)
			cmd := exec.Command(python, "-c", compileScript)
			cmd.Stdin = bytes.NewReader(in)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				results[c].err = fmt.Errorf("%s: byte-compiling failed: %s", python, lastLine(stderr.String()+" "+err.Error()))
				return
			}
			var got [][2]*string
			if err := json.Unmarshal(out, &got); err != nil || len(got) != len(part) {
				results[c].err = fmt.Errorf("%s: unexpected answer from the byte-compiler", python)
				return
			}
			for _, g := range got {
				results[c].rel = append(results[c].rel, g[0])
				results[c].msg = append(results[c].msg, g[1])
			}
		}(c, files[lo:hi])
	}
	log.Debugf("byte-compiling %d files with %s (%d processes)", len(files), python, chunks)
	wg.Wait()
	var failed []string
	for c, r := range results {
		if r.err != nil {
			return r.err
		}
		for i, rel := range r.rel {
			s := files[c*size+i]
			if rel == nil {
				if m := r.msg[i]; m != nil {
					failed = append(failed, s.dest)
					log.Debugf("not byte-compiled: %s: %s", s.dest, *m)
				}
				continue
			}
			relp := filepath.FromSlash(*rel)
			tmp := filepath.Join(filepath.Dir(s.tmp), relp)
			if _, err := os.Stat(tmp); err != nil {
				return fmt.Errorf("%s: byte-compiling %s wrote no %s", python, s.dest, relp)
			}
			t.add(&staged{root: s.root, dest: filepath.Join(filepath.Dir(s.dest), relp), tmp: tmp})
		}
	}
	if len(failed) > 0 {
		more := ""
		if len(failed) > 1 {
			more = fmt.Sprintf(" and %d more", len(failed)-1)
		}
		log.Warnf("%s%s could not be byte-compiled (syntax errors?); installed without bytecode (-v lists them)", failed[0], more)
	}
	return nil
}
