package install

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDataSchemesAndShebangs installs a wheel using every .data scheme into
// a venv whose path has a space (so launchers need the /bin/sh trampoline)
// and runs its scripts.
func TestDataSchemesAndShebangs(t *testing.T) {
	t.Parallel()
	venv := filepath.Join(t.TempDir(), "my env")
	py := newVenv(t, venv)
	target := venvTarget(t, py)
	files := []wheelFile{
		{name: "tool/__init__.py", data: "def main():\n    print('tool main')\n"},
		{name: "tool-1.0.data/purelib/tool_extra.py", data: "X = 'purelib'\n"},
		{name: "tool-1.0.data/platlib/tool_plat.py", data: "Y = 'platlib'\n"},
		{name: "tool-1.0.data/scripts/tool-raw", data: "#!python\nimport sys\nprint('raw', sys.prefix)\n", mode: 0o755},
		{name: "tool-1.0.data/scripts/tool-sh", data: "#!/bin/sh\necho sh script\n"},
		{name: "tool-1.0.data/headers/tool.h", data: "#define TOOL 1\n"},
		{name: "tool-1.0.data/data/share/tool/x.txt", data: "data"},
		{name: "tool-1.0.dist-info/entry_points.txt", data: "[console_scripts]\ntool = tool:main\n"},
	}
	whl := makeWheel(t, t.TempDir(), "tool-1.0-py3-none-any.whl", files, nil)
	res, err := InstallWheel(whl, target, Options{})
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(venv, "bin")
	if out := run(t, filepath.Join(bin, "tool")); out != "tool main\n" {
		t.Errorf("tool: %q", out)
	}
	if out := run(t, filepath.Join(bin, "tool-raw")); out != "raw "+venv+"\n" {
		t.Errorf("tool-raw: %q", out)
	}
	if out := run(t, filepath.Join(bin, "tool-sh")); out != "sh script\n" {
		t.Errorf("tool-sh: %q", out)
	}
	launcher, _ := os.ReadFile(filepath.Join(bin, "tool"))
	if !strings.HasPrefix(string(launcher), "#!/bin/sh\n'''exec' '"+py+"' \"$0\" \"$@\"\n' '''\n") {
		t.Errorf("launcher does not use the trampoline:\n%s", launcher)
	}
	if out := run(t, py, "-c", "import tool_extra, tool_plat; print(tool_extra.X, tool_plat.Y)"); out != "purelib platlib\n" {
		t.Errorf("purelib/platlib: %q", out)
	}
	for _, p := range []string{
		filepath.Join(target.Scheme.Headers, "tool", "tool.h"),
		filepath.Join(venv, "share", "tool", "x.txt"),
	} {
		if _, err := os.Stat(p); err != nil {
			t.Error(err)
		}
	}
	for _, s := range []string{"tool", "tool-raw", "tool-sh"} {
		if fi, err := os.Stat(filepath.Join(bin, s)); err != nil || fi.Mode()&0o100 == 0 {
			t.Errorf("%s is not executable: %v", s, err)
		}
	}
	rec, _ := os.ReadFile(filepath.Join(res.DistInfo, "RECORD"))
	for _, want := range []string{"../../../bin/tool-raw,sha256=", "../../../include/site/python3.", "tool_extra.py,", "__pycache__/tool_plat.", "/tool.h,sha256="} {
		if !strings.Contains(string(rec), want) {
			t.Errorf("RECORD lacks %q:\n%s", want, rec)
		}
	}
}
