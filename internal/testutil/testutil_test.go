package testutil

import (
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	out, err := Run(t, dir, []string{"GOFLIT_X=from env"}, "sh", "-c", `echo out; echo err >&2; echo "$GOFLIT_X"; pwd`)
	if err != nil {
		t.Fatal(err)
	}
	real, _ := filepath.EvalSymlinks(dir)
	if want := "out\nerr\nfrom env\n"; !strings.HasPrefix(out, want) || !strings.Contains(out, real) {
		t.Errorf("Run output %q, want %q then the directory %s", out, want, real)
	}
	if _, err := Run(t, "", nil, "sh", "-c", "exit 3"); err == nil {
		t.Error("Run of a failing command returned no error")
	}
	if got := MustRun(t, "", nil, "sh", "-c", "printf ok"); got != "ok" {
		t.Errorf("MustRun = %q, want %q", got, "ok")
	}
}

func TestCapture(t *testing.T) {
	cmd := exec.Command("sh", "-c", `read x; echo "got $x"; echo oops >&2; exit 3`)
	cmd.Stdin = strings.NewReader("line\n")
	got := Capture(t, cmd)
	if want := (Result{Stdout: "got line\n", Stderr: "oops\n", Code: 3}); got != want {
		t.Errorf("Capture = %+v, want %+v", got, want)
	}
	if got := Capture(t, exec.Command("true")); got != (Result{}) {
		t.Errorf("Capture(true) = %+v", got)
	}
}

func TestPythonJSON(t *testing.T) {
	py := PythonWith(t)
	var out struct {
		Sum int
		Env string
	}
	PythonJSON(t, py, `import json, os, sys
d = json.load(sys.stdin)
print(json.dumps({"Sum": sum(d), "Env": os.environ["GOFLIT_Y"]}))`, []int{1, 2, 39}, &out, "GOFLIT_Y=yes")
	if out.Sum != 42 || out.Env != "yes" {
		t.Errorf("PythonJSON decoded %+v", out)
	}
}

func TestVenv(t *testing.T) {
	py := Venv(t)
	out := MustRun(t, "", nil, py, "-c", "import sys; print(sys.prefix != sys.base_prefix, sys.prefix)")
	if want := "True " + filepath.Dir(filepath.Dir(py)) + "\n"; out != want {
		t.Errorf("venv python says %q, want %q", out, want)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(py), "pip")); err == nil {
		t.Error("venv has pip")
	}
}

func TestWriteFiles(t *testing.T) {
	root := t.TempDir()
	WriteFiles(t, root, map[string]string{"a.txt": "A", "pkg/sub/b.py": "B\n", "pkg/c": ""})
	for name, want := range map[string]string{"a.txt": "A", "pkg/sub/b.py": "B\n", "pkg/c": ""} {
		p := filepath.Join(root, filepath.FromSlash(name))
		if got := ReadFile(t, p); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
		if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o644 {
			t.Errorf("%s mode %v", name, fi.Mode())
		}
	}
	WriteFile(t, filepath.Join(root, "a.txt"), "replaced")
	if got := ReadFile(t, filepath.Join(root, "a.txt")); got != "replaced" {
		t.Errorf("WriteFile over a file: %q", got)
	}
}

func TestLog(t *testing.T) {
	var l Log
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() { l.Debugf("d%d", i) })
	}
	wg.Wait()
	if l.Len() != 50 {
		t.Fatalf("Len = %d after 50 concurrent Debugf", l.Len())
	}
	var m Log
	m.Infof("hello %s", "x")
	m.Warnf("careful")
	m.Debugf("n=%d", 3)
	if got, want := m.String(), "hello x\nwarning: careful\ndebug: n=3"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
	lines := m.Lines()
	lines[0] = "changed"
	if m.Lines()[0] != "hello x" {
		t.Error("Lines returned the log's own slice")
	}
}

func TestMutate(t *testing.T) {
	alpha := []string{"X"}
	seen := map[string]bool{}
	for seed := int64(0); seed < 200; seed++ {
		a := Mutate(rand.New(rand.NewSource(seed)), "abcdef", alpha)
		b := Mutate(rand.New(rand.NewSource(seed)), "abcdef", alpha)
		if a != b {
			t.Fatalf("seed %d: %q then %q", seed, a, b)
		}
		if len(a) < 3 || len(a) > 9 || strings.Trim(a, "abcdefX") != "" {
			t.Errorf("seed %d: %q is not 1-3 edits of abcdef over {X}", seed, a)
		}
		switch {
		case len(a) > 6:
			seen["insert"] = true
		case len(a) < 6:
			seen["delete"] = true
		case strings.Contains(a, "X"):
			seen["replace"] = true
		}
	}
	if len(seen) != 3 {
		t.Errorf("200 seeds only made %v", seen)
	}
	if got := Mutate(rand.New(rand.NewSource(1)), "", alpha); strings.Trim(got, "X") != "" {
		t.Errorf("Mutate of empty string = %q", got)
	}
}

func TestReplayCases(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cases.json")
	WriteFile(t, path, `[{"In": "a", "Out": "A"}, {"In": "", "Err": "empty"}]`)
	ReplayCases(t, path, 2, "upper", upperOrError)
}

func upperOrError(s string) (string, error) {
	if s == "" {
		return "", fmt.Errorf("empty")
	}
	return strings.ToUpper(s), nil
}

// TestHelpersFail checks, in a child test process, that helpers fail the
// test when they should, with a message naming the problem.
func TestHelpersFail(t *testing.T) {
	tests := []struct{ child, file, want string }{
		{"replay", `[{"In": "a", "Out": "a"}]`, `upper("a") = "A", <nil>; recorded "a"`},
		{"replay", `[{"In": "", "Err": "no"}]`, `upper("") = "", empty; recorded error "no"`},
		{"replay2", `[{"In": "a", "Out": "A"}]`, "only 1 cases, want at least 2"},
		{"mustrun", "", "sh -c echo bad; exit 4: exit status 4"},
		{"capture", "", "/no/such/command: fork/exec /no/such/command"},
		{"pythonjson", "", "printed no JSON"},
	}
	for _, tt := range tests {
		file := filepath.Join(t.TempDir(), "cases.json")
		WriteFile(t, file, tt.file)
		out, err := Run(t, "", []string{"GOFLIT_TESTUTIL_CHILD=" + tt.child, "GOFLIT_TESTUTIL_FILE=" + file},
			os.Args[0], "-test.run=^TestChild$", "-test.count=1")
		if err == nil || !strings.Contains(out, tt.want) {
			t.Errorf("child %s (%s): err %v, output lacks %q:\n%s", tt.child, tt.file, err, tt.want, out)
		}
	}
}

// TestChild is the failing half of TestHelpersFail.
func TestChild(t *testing.T) {
	switch os.Getenv("GOFLIT_TESTUTIL_CHILD") {
	case "":
		t.Skip("run by TestHelpersFail")
	case "replay":
		ReplayCases(t, os.Getenv("GOFLIT_TESTUTIL_FILE"), 1, "upper", upperOrError)
	case "replay2":
		ReplayCases(t, os.Getenv("GOFLIT_TESTUTIL_FILE"), 2, "upper", upperOrError)
	case "mustrun":
		MustRun(t, "", nil, "sh", "-c", "echo bad; exit 4")
	case "capture":
		Capture(t, exec.Command("/no/such/command"))
	case "pythonjson":
		var v any
		PythonJSON(t, "sh", "echo not json", nil, &v)
	}
}
