// Package scripts holds tests for the shell scripts CI runs.
package scripts

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fakeGo is a `go` command for fuzz.sh: it logs its arguments and answers
// `go test -fuzz` as told by FAKE_<Target> (for a duration budget) and
// FAKE_<Target>_COUNT (for a count budget): pass, race (Go's coordinator
// reporting its own deadline, go.dev/issue/75804), crash, or race-with-input.
const fakeGo = `#!/bin/sh
echo "$*" >>"$FAKE_LOG"
for a in "$@"; do
  case "$a" in -fuzz=*) t=${a#-fuzz=^}; t=${t%\$};; -fuzztime=*) b=${a#-fuzztime=};; esac
done
case "$b" in *x) eval mode=\${FAKE_${t}_COUNT:-pass};; *) eval mode=\${FAKE_${t}:-pass};; esac
case "$mode" in
pass) echo ok; exit 0;;
race) printf 'fuzz: elapsed: 9s, execs: 4321 (480/sec), new interesting: 0 (total: 5)\n--- FAIL: %s (10.10s)\n    context deadline exceeded\nFAIL\n' "$t"; exit 1;;
crash) printf -- '--- FAIL: %s (1.00s)\n    panic: boom\n    Failing input written to testdata/fuzz/%s/abc\nFAIL\n' "$t" "$t"; exit 1;;
race-with-input) printf -- '--- FAIL: %s (10.10s)\n    context deadline exceeded\n    Failing input written to testdata/fuzz/%s/abc\nFAIL\n' "$t" "$t"; exit 1;;
esac
`

func runFuzzScript(t *testing.T, env ...string) (string, []string, error) {
	t.Helper()
	root := t.TempDir()
	script, err := os.ReadFile("fuzz.sh")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"scripts/fuzz.sh":  string(script),
		"bin/go":           fakeGo,
		"pkg/one_test.go":  "package pkg\n\nfunc FuzzOne(f *testing.F) {}\n\nfunc FuzzTwo(f *testing.F) {}\n",
		"other/a_test.go":  "package other\n\nfunc FuzzThree(f *testing.F) {}\n",
		"other/not_go.txt": "func FuzzNot(f *testing.F) {}\n",
	}
	for name, body := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	logFile := filepath.Join(root, "go.log")
	cmd := exec.Command("bash", filepath.Join(root, "scripts/fuzz.sh"))
	cmd.Env = append(os.Environ(), "PATH="+filepath.Join(root, "bin")+":"+os.Getenv("PATH"), "FAKE_LOG="+logFile, "FUZZTIME=10s")
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	calls, _ := os.ReadFile(logFile)
	return string(out), strings.Split(strings.TrimSpace(string(calls)), "\n"), err
}

func TestFuzzScript(t *testing.T) {
	tests := []struct {
		name     string
		env      []string
		wantErr  bool
		wantOut  []string // substrings of the script's output
		wantCall []string // the -fuzz and -fuzztime of every go call, in order
	}{
		{
			name:     "all pass",
			wantCall: []string{"FuzzThree 10s", "FuzzOne 10s", "FuzzTwo 10s"},
		},
		{
			name:     "coordinator deadline is retried with the reported count",
			env:      []string{"FAKE_FuzzOne=race"},
			wantOut:  []string{"go.dev/issue/75804); again with -fuzztime=4321x"},
			wantCall: []string{"FuzzThree 10s", "FuzzOne 10s", "FuzzOne 4321x", "FuzzTwo 10s"},
		},
		{
			name:     "a retry that fails again fails the suite",
			env:      []string{"FAKE_FuzzOne=race", "FAKE_FuzzOne_COUNT=crash"},
			wantErr:  true,
			wantOut:  []string{"panic: boom", "fuzz target ./pkg FuzzOne failed"},
			wantCall: []string{"FuzzThree 10s", "FuzzOne 10s", "FuzzOne 4321x"},
		},
		{
			name:     "a crash is never retried",
			env:      []string{"FAKE_FuzzThree=crash"},
			wantErr:  true,
			wantOut:  []string{"Failing input written", "fuzz target ./other FuzzThree failed"},
			wantCall: []string{"FuzzThree 10s"},
		},
		{
			name:     "a deadline with a failing input written is a real failure",
			env:      []string{"FAKE_FuzzTwo=race-with-input"},
			wantErr:  true,
			wantOut:  []string{"fuzz target ./pkg FuzzTwo failed"},
			wantCall: []string{"FuzzThree 10s", "FuzzOne 10s", "FuzzTwo 10s"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, calls, err := runFuzzScript(t, tt.env...)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v, want error %v; output:\n%s", err, tt.wantErr, out)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			var got []string
			for _, c := range calls {
				var target, budget string
				for _, f := range strings.Fields(c) {
					if v, ok := strings.CutPrefix(f, "-fuzz="); ok {
						target = strings.Trim(v, "^$")
					}
					if v, ok := strings.CutPrefix(f, "-fuzztime="); ok {
						budget = v
					}
				}
				got = append(got, target+" "+budget)
			}
			if strings.Join(got, "\n") != strings.Join(tt.wantCall, "\n") {
				t.Errorf("go calls:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.wantCall, "\n"))
			}
		})
	}
}
