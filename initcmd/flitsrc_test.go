package initcmd_test

import (
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"goflit/initcmd"
	"goflit/internal/testutil"
)

// transcript is a Prompter that answers from a list and records what a
// user would see on a terminal that does not echo (prompts and printed
// lines), which is what Python's input() prints when stdin is a pipe.
type transcript struct {
	answers []string
	out     strings.Builder
}

func (p *transcript) ReadLine(prompt string) (string, error) {
	p.out.WriteString(prompt)
	if len(p.answers) == 0 {
		return "", io.EOF
	}
	a := p.answers[0]
	p.answers = p.answers[1:]
	return a, nil
}

func (p *transcript) Println(line string) { p.out.WriteString(line + "\n") }

// TestInitAgainstFlitSource runs the same conversations through flit 4's
// own `flit init` (flit/init.py from a source checkout, with Debian's
// Python and tomli_w) and through Init, and compares what is shown, the
// pyproject.toml written and the defaults remembered. It needs a flit 4.x
// source tree: GOFLIT_FLIT4_SRC=/path/to/flit (the directory holding
// flit/init.py); it is skipped otherwise.
func TestInitAgainstFlitSource(t *testing.T) {
	src := os.Getenv("GOFLIT_FLIT4_SRC")
	if src == "" {
		t.Skip("set GOFLIT_FLIT4_SRC to a flit 4.x source checkout to compare with flit's own init")
	}
	py := testutil.PythonWith(t, "tomli_w")
	type run struct {
		files   []string // files to create in the project directory
		answers []string
	}
	scenarios := []struct {
		name string
		runs []run // in order, sharing one defaults directory
	}{
		{"full then defaults", []run{
			{[]string{"pkg/__init__.py", "README.md", "tests/__init__.py"},
				[]string{"", `Jané "Q" Doe \ x`, "bad", "j@x.org", "e.org", "https://e.org/pkg/docs", "9", "x", "1"}},
			{[]string{"other.py", "setup.py", "readme.RST"}, []string{"", "", "", "", ""}},
			{[]string{"src/srcpkg/__init__.py"}, []string{"", "New Name", "", "http://elsewhere.org", "2"}},
		}},
		{"skip everything", []run{
			{[]string{"a.py", "b.py"}, []string{"", "1bad", "ok_name", "", "", "", "4"}},
		}},
		{"gpl", []run{
			{[]string{"mod.py", "LICENSE"}, []string{"", "Ann", "ann@example.com", "https://MOD.example.com/mod", "3"}},
		}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			flitData, ourData := t.TempDir(), t.TempDir()
			for i, r := range sc.runs {
				flitDir, ourDir := t.TempDir(), t.TempDir()
				for _, f := range r.files {
					testutil.WriteFile(t, filepath.Join(flitDir, f), "")
					testutil.WriteFile(t, filepath.Join(ourDir, f), "")
				}
				cmd := exec.Command(py, "-c", "from flit.init import TerminalIniter; TerminalIniter().initialise()")
				cmd.Dir = flitDir
				cmd.Env = []string{"PYTHONPATH=" + src, "HOME=" + t.TempDir(), "XDG_DATA_HOME=" + flitData, "PATH=" + os.Getenv("PATH")}
				cmd.Stdin = strings.NewReader(strings.Join(r.answers, "\n") + "\n")
				flitOut, err := cmd.Output()
				if err != nil {
					t.Fatalf("run %d: flit init: %v\n%s", i, err, flitOut)
				}

				p := &transcript{answers: r.answers}
				res, err := initcmd.Init(initcmd.Options{Dir: ourDir, DataDir: filepath.Join(ourData, "flit"), Year: 2030, Prompter: p})
				if err != nil {
					t.Fatalf("run %d: Init: %v", i, err)
				}
				ours := p.out.String() + "\nWritten pyproject.toml; edit that file to add optional extra info.\n"
				if string(flitOut) != ours {
					t.Errorf("run %d: conversation differs:\n%s", i, testutil.Diff(string(flitOut), ours))
				}
				want := testutil.ReadFile(t, filepath.Join(flitDir, "pyproject.toml"))
				if res.Pyproject != want {
					t.Errorf("run %d: pyproject.toml differs:\n%s", i, testutil.Diff(want, res.Pyproject))
				}
				_, flitLic := os.Stat(filepath.Join(flitDir, "LICENSE"))
				_, ourLic := os.Stat(filepath.Join(ourDir, "LICENSE"))
				if (flitLic == nil) != (ourLic == nil) {
					t.Errorf("run %d: LICENSE written by flit: %v, by us: %v", i, flitLic == nil, ourLic == nil)
				}
				var fd, od map[string]any
				_ = json.Unmarshal([]byte(testutil.ReadFile(t, filepath.Join(flitData, "flit", "init_defaults.json"))), &fd)
				_ = json.Unmarshal([]byte(testutil.ReadFile(t, filepath.Join(ourData, "flit", "init_defaults.json"))), &od)
				if !reflect.DeepEqual(fd, od) {
					t.Errorf("run %d: defaults differ:\nflit %v\nours %v", i, fd, od)
				}
			}
		})
	}
}
