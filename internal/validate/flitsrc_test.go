package validate

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"reflect"
	"testing"

	"goflit/internal/testutil"
	"goflit/pep508"
)

// TestAgainstFlitSource compares the messages with flit 4's own
// flit/validate.py, run by Debian's Python from a source checkout
// (GOFLIT_FLIT4_SRC=/path/to/flit, the directory holding flit/validate.py;
// skipped otherwise). Requirements that package pep508 accepts are
// accepted here on purpose (flit's regular expressions raise false alarms
// on some); every other message must be flit's, word for word.
func TestAgainstFlitSource(t *testing.T) {
	src := os.Getenv("GOFLIT_FLIT4_SRC")
	if src == "" {
		t.Skip("set GOFLIT_FLIT4_SRC to a flit 4.x source checkout to compare with flit's own validate.py")
	}
	py := testutil.PythonWith(t, "requests", "docutils")
	reqs := []string{
		"requests", "requests >=2.0", "requests (>=2.0)", "a[b,c] ==1.*", "-bad", "", "pkg[a,-b]",
		"pkg >=1.0,foo", "pkg (1.0)", "pkg ==1 0", "pkg; python_version", "pkg; python_version < 3",
		"pkg; python_vers < '3'", "pkg; python_version < '3", "x; y", "pkg[x-] (>=1,zz); python_vers < '3",
		"pkg; os_name == 'nt' or platform < 'x'", "naïve", "pkg ~= 1.0", "pkg <>1", "pkg[", "pkg ; extra == 'x' and",
		"it's", "tab\tname", "pkg; platform.machine == 'x86_64'", "pkg (>=1) ; os_name == 'nt'",
		"pkg; (os_name == 'nt')", "pkg @ https://x/y.whl ; python_version >= '3'", "pkg >=1.0 ; os_name in 'nt posix' and python_version not in '2.7'",
	}
	urls := []string{"", "https://x", "http://", "https://", "ftp://x", "x.org", "HTTP://x", "it's", "dé\u00a0\x01"}
	projectURLs := []string{", https://x", "Docs, docs.example.com", "Empty, https://", "A name that is quite a lot longer than 32, https://x", "Ok,https://x"}
	names := []string{"ok", "-bad-", "a b", "a.b_c-d", "é", "x-"}
	pythons := []string{">=3.8", ">=3.8, 3.9", "3.8", "~=3.8,!=3.9.*", ">= 3", "=3", "<4,"}
	eps := map[string]map[string]string{"g": {"a": "m:f", "b": "a:b:c", "c": "", "d": "m.n:o.p", "e": "1m", "f": "m:"}}

	in, _ := json.Marshal(map[string]any{"reqs": reqs, "urls": urls, "purls": projectURLs, "names": names, "pythons": pythons, "eps": eps})
	script := `import sys, json
from flit import validate as v
d = json.loads(sys.stdin.read())
out = {
  "reqs": [v.validate_requires_dist({"requires_dist": [r]}) for r in d["reqs"]],
  "urls": [v.validate_url(u) for u in d["urls"]],
  "purls": v.validate_project_urls({"project_urls": d["purls"]}),
  "names": [v.validate_name({"name": n}) for n in d["names"]],
  "pythons": [v.validate_requires_python({"requires_python": p}) for p in d["pythons"]],
  "eps": v.validate_entrypoints(d["eps"]),
}
sys.stdout.write("\x00" + json.dumps(out))
`
	cmd := exec.Command(py, "-c", script)
	cmd.Env = append(os.Environ(), "PYTHONPATH="+src)
	cmd.Stdin = bytes.NewReader(in)
	raw, err := cmd.Output()
	if err != nil {
		t.Fatalf("flit's validate.py: %v", err)
	}
	// flit prints a stray debug tuple for version errors: skip to the JSON.
	for i, c := range raw {
		if c == 0 {
			raw = raw[i+1:]
			break
		}
	}
	var flit struct {
		Reqs, URLs, Names, Pythons [][]string
		Purls, Eps                 []string
	}
	if err := json.Unmarshal(raw, &flit); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	norm := func(l []string) []string {
		if len(l) == 0 {
			return nil
		}
		return l
	}
	falseAlarms := 0
	for i, r := range reqs {
		got, want := norm(CheckRequirement(r)), norm(flit.Reqs[i])
		if _, err := pep508.ParseRequirement(r); err == nil {
			if got != nil {
				t.Errorf("requirement %q parses but got %q", r, got)
			}
			if want != nil {
				falseAlarms++
			}
			continue
		}
		if want == nil {
			// flit misses it; packaging's reason is given instead.
			if len(got) != 1 {
				t.Errorf("requirement %q: got %q", r, got)
			}
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("requirement %q:\n got %q\nflit %q", r, got, want)
		}
	}
	t.Logf("%d of %d requirements: flit false alarms that pep508 accepts", falseAlarms, len(reqs))
	for i, u := range urls {
		if got, want := norm(CheckURL(u)), norm(flit.URLs[i]); !reflect.DeepEqual(got, want) {
			t.Errorf("URL %q:\n got %q\nflit %q", u, got, want)
		}
	}
	check := func(what string, p *checker, want []string) {
		var got []string
		for _, d := range p.out {
			got = append(got, d.Msg)
		}
		if !reflect.DeepEqual(norm(got), norm(want)) {
			t.Errorf("%s:\n got %q\nflit %q", what, got, want)
		}
	}
	c := &checker{p: goodProject()}
	c.p.Metadata.ProjectURLs = projectURLs
	c.projectURLs()
	check("project URLs", c, flit.Purls)
	for i, n := range names {
		c := &checker{p: goodProject()}
		c.p.Name, c.p.Metadata.Name = n, n
		c.name()
		check("name "+n, c, flit.Names[i])
	}
	for i, rp := range pythons {
		c := &checker{p: goodProject()}
		c.p.Metadata.RequiresPython = rp
		c.requiresPython()
		check("requires-python "+rp, c, flit.Pythons[i])
	}
	c = &checker{p: goodProject()}
	c.p.EntryPoints = eps
	c.entryPoints()
	check("entry points", c, flit.Eps)
}
