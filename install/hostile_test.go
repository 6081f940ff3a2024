package install

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"goflit/internal/testutil"
)

// fakeTarget is a target made of plain directories under root (no
// interpreter needed: bytecode is off).
func fakeTarget(t *testing.T, root string) *Target {
	t.Helper()
	site := filepath.Join(root, "env", "lib", "site-packages")
	for _, d := range []string{site, filepath.Join(root, "env", "bin")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return &Target{
		Python: "/usr/bin/python3",
		Prefix: filepath.Join(root, "env"),
		Scheme: Scheme{Purelib: site, Platlib: site, Scripts: filepath.Join(root, "env", "bin"),
			Data: filepath.Join(root, "env"), Headers: filepath.Join(root, "env", "include")},
	}
}

func TestHostileWheels(t *testing.T) {
	const di = "demo-1.0.dist-info"
	ok := wheelFile{name: "demo/__init__.py", data: "x = 1\n"}
	cases := []struct {
		name   string
		files  []wheelFile
		record func(string) string
		setup  func(t *testing.T, root string, target *Target)
	}{
		{name: "traversal", files: []wheelFile{ok, {name: "../evil.py", data: "evil"}}},
		{name: "traversal-inside", files: []wheelFile{ok, {name: "demo/../../../evil.py", data: "evil"}}},
		{name: "absolute", files: []wheelFile{ok, {name: "/tmp/evil.py", data: "evil"}}},
		{name: "drive-letter", files: []wheelFile{ok, {name: "C:/evil.py", data: "evil"}}},
		{name: "backslash", files: []wheelFile{ok, {name: `demo\..\..\evil.py`, data: "evil"}}},
		{name: "symlink-member", files: []wheelFile{ok, {name: "demo/link", data: "/etc/passwd", mode: os.ModeSymlink | 0o777}}},
		{name: "data-traversal", files: []wheelFile{ok, {name: "demo-1.0.data/scripts/../../evil", data: "evil"}}},
		{name: "unknown-data-scheme", files: []wheelFile{ok, {name: "demo-1.0.data/etc/passwd", data: "evil"}}},
		{name: "record-hash-mismatch", files: []wheelFile{ok, {name: "demo/b.py", data: "y = 2\n"}},
			record: func(r string) string {
				return strings.Replace(r, HashBytes([]byte("y = 2\n")), HashBytes([]byte("y = 3\n")), 1)
			}},
		{name: "record-size-mismatch", files: []wheelFile{ok}, record: func(r string) string {
			return strings.Replace(r, ",6\r\n", ",7\r\n", 1)
		}},
		{name: "record-missing-entry", files: []wheelFile{ok, {name: "demo/b.py", data: "y = 2\n"}},
			record: func(r string) string {
				return strings.Replace(r, "demo/b.py,"+HashBytes([]byte("y = 2\n"))+",6\r\n", "", 1)
			}},
		{name: "record-weak-hash", files: []wheelFile{ok}, record: func(r string) string {
			return strings.Replace(r, "demo/__init__.py,sha256=", "demo/__init__.py,md5=", 1)
		}},
		{name: "record-extra-entry", files: []wheelFile{ok}, record: func(r string) string {
			return r + "demo/ghost.py,sha256=AAAA,3\r\n"
		}},
		{name: "wheel-version-2", files: []wheelFile{ok, {name: di + "/WHEEL", data: "Wheel-Version: 2.0\nRoot-Is-Purelib: true\n"}}},
		{name: "two-dist-infos", files: []wheelFile{ok, {name: "other-1.0.dist-info/METADATA", data: "Name: other\n"}}},
		{name: "entry-point-traversal", files: []wheelFile{ok, {name: di + "/entry_points.txt", data: "[console_scripts]\n../../evil = demo:main\n"}}},
		{name: "symlinked-dir-outside", files: []wheelFile{ok, {name: "demo/sub/x.py", data: "evil"}},
			setup: func(t *testing.T, root string, target *Target) {
				outside := filepath.Join(root, "outside")
				os.MkdirAll(filepath.Join(outside, "sub"), 0o755)
				os.WriteFile(filepath.Join(outside, "keep.txt"), []byte("keep"), 0o644)
				if err := os.Symlink(outside, filepath.Join(target.Scheme.Purelib, "demo")); err != nil {
					t.Fatal(err)
				}
			}},
		{name: "symlinked-data-dir-outside", files: []wheelFile{ok, {name: "demo-1.0.data/data/share/x.txt", data: "evil"}},
			setup: func(t *testing.T, root string, target *Target) {
				outside := filepath.Join(root, "outside")
				os.MkdirAll(outside, 0o755)
				if err := os.Symlink(outside, filepath.Join(target.Scheme.Data, "share")); err != nil {
					t.Fatal(err)
				}
			}},
	}
	var golden strings.Builder
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			target := fakeTarget(t, root)
			if c.setup != nil {
				c.setup(t, root, target)
			}
			whl := makeWheel(t, t.TempDir(), "demo-1.0-py3-none-any.whl", c.files, c.record)
			before := tree(t, root)
			_, err := InstallWheel(whl, target, Options{})
			if err == nil {
				t.Fatalf("hostile wheel %s was installed", c.name)
			}
			if d := treeDiff(before, tree(t, root)); d != "" {
				t.Errorf("the refused install changed the target:\n%s", d)
			}
			golden.WriteString("== " + c.name + "\n" + strings.ReplaceAll(err.Error(), root, "$ROOT") + "\n")
		})
	}
	testutil.Golden(t, "testdata/hostile.golden", []byte(golden.String()))
}

// TestRollback fails a reinstall midway (an injected failure and a
// directory in the way) and checks the environment is exactly as before:
// the replaced files of the old version are back.
func TestRollback(t *testing.T) {
	v1 := []wheelFile{
		{name: "demo/__init__.py", data: "version = 1\n"},
		{name: "demo/old.py", data: "old = True\n"},
		{name: "demo-1.0.data/data/share/demo/a.txt", data: "a1"},
		{name: "demo-1.0.dist-info/entry_points.txt", data: "[console_scripts]\ndemo = demo:main\n"},
	}
	v2 := []wheelFile{
		{name: "demo/__init__.py", data: "version = 2\n"},
		{name: "demo/new/mod.py", data: "new = True\n"},
		{name: "demo-2.0.data/data/share/demo/a.txt", data: "a2"},
		{name: "demo-2.0.data/data/share/other/b.txt", data: "b2"},
		{name: "demo-2.0.dist-info/entry_points.txt", data: "[console_scripts]\ndemo = demo:main\n[gui_scripts]\ndemo-gui = demo:gui\n"},
	}
	dir := t.TempDir()
	w1 := makeWheel(t, dir, "demo-1.0-py3-none-any.whl", v1, nil)
	w2 := makeWheel(t, dir, "demo-2.0-py3-none-any.whl", v2, nil)

	for _, mode := range []string{"hook-first", "hook-middle", "hook-dist-info", "dir-in-the-way", "interrupted"} {
		t.Run(mode, func(t *testing.T) {
			root := t.TempDir()
			target := fakeTarget(t, root)
			if _, err := InstallWheel(w1, target, Options{}); err != nil {
				t.Fatal(err)
			}
			if mode == "dir-in-the-way" {
				os.MkdirAll(filepath.Join(target.Scheme.Scripts, "demo-gui", "x"), 0o755)
			}
			before := tree(t, root)
			n := 0
			injected := errors.New("injected failure")
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			testCommitHook = func(dest string) error {
				n++
				if mode == "interrupted" && n == 3 {
					cancel() // Ctrl-C in the middle of the commit
				}
				switch {
				case mode == "hook-first" && n == 1,
					mode == "hook-middle" && n == 4,
					mode == "hook-dist-info" && strings.Contains(dest, ".dist-info"):
					return injected
				}
				return nil
			}
			defer func() { testCommitHook = nil }()
			_, err := InstallWheel(w2, target, Options{Context: ctx})
			if err == nil {
				t.Fatal("install succeeded despite the failure")
			}
			if mode == "interrupted" && !strings.Contains(err.Error(), "install interrupted") {
				t.Errorf("error = %v", err)
			}
			if d := treeDiff(before, tree(t, root)); d != "" {
				t.Errorf("failed install (%v) left changes:\n%s", err, d)
			}
		})
	}

	// And without failure, the upgrade removes what v2 no longer has.
	root := t.TempDir()
	target := fakeTarget(t, root)
	if _, err := InstallWheel(w1, target, Options{}); err != nil {
		t.Fatal(err)
	}
	log := &testutil.Log{}
	res, err := InstallWheel(w2, target, Options{Log: log})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "Replacing demo 1.0") {
		t.Errorf("no replacement message in the log:\n%s", log.String())
	}
	if len(res.Replaced) != 1 || res.Replaced[0] != "demo 1.0" {
		t.Errorf("Replaced = %v", res.Replaced)
	}
	var got []string
	for rel, v := range tree(t, root) {
		if v != "dir" {
			got = append(got, rel)
		}
	}
	testutil.Golden(t, "testdata/upgrade.golden", []byte(strings.Join(sortStrings(got), "\n")+"\n"))
}

func sortStrings(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestCancelledBeforeCommit: a cancelled install writes nothing and leaves
// no stage directory behind.
func TestCancelledBeforeCommit(t *testing.T) {
	root := t.TempDir()
	target := fakeTarget(t, root)
	whl := makeWheel(t, t.TempDir(), "demo-1.0-py3-none-any.whl", []wheelFile{{name: "demo/__init__.py", data: "x = 1\n"}}, nil)
	before := tree(t, root)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := InstallWheel(whl, target, Options{Context: ctx})
	if err == nil || !strings.Contains(err.Error(), "nothing was installed") {
		t.Fatalf("error = %v", err)
	}
	if d := treeDiff(before, tree(t, root)); d != "" {
		t.Errorf("the cancelled install changed the target:\n%s", d)
	}
}
