package install

import (
	"os"
	"path"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseWheelName(t *testing.T) {
	tests := []struct {
		in   string
		want WheelName
		err  string
	}{
		{in: "demo_pkg-1.2.0-py2.py3-none-any.whl", want: WheelName{"demo_pkg", "1.2.0", "", "py2.py3", "none", "any"}},
		{in: "x-1.0-1b-cp311-cp311-manylinux_2_17_x86_64.whl", want: WheelName{"x", "1.0", "1b", "cp311", "cp311", "manylinux_2_17_x86_64"}},
		{in: "x-1.0-py3-none-any.zip", err: "must end in .whl"},
		{in: "x-1.0-none-any.whl", err: "this one has 4"},
		{in: "x-1.0-b1-py3-none-any.whl", err: "must start with a digit"},
		{in: "x--py3-none-any.whl", err: "empty part"},
	}
	for _, tt := range tests {
		got, err := ParseWheelName(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseWheelName(%q) error = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseWheelName(%q) = %+v, %v", tt.in, got, err)
		}
	}
}

func TestParseWheelInfo(t *testing.T) {
	w, err := ParseWheelInfo([]byte("Wheel-Version: 1.0\r\nGenerator: flit 3.8.0\r\nRoot-Is-Purelib: false\r\nTag: py2-none-any\r\nTag: py3-none-any\r\n"))
	if err != nil || w.Major != 1 || w.Minor != 0 || w.RootIsPurelib || !reflect.DeepEqual(w.Tags, []string{"py2-none-any", "py3-none-any"}) {
		t.Errorf("got %+v, %v", w, err)
	}
	for in, want := range map[string]string{
		"Root-Is-Purelib: true\n":                      "no Wheel-Version",
		"Wheel-Version: x\nRoot-Is-Purelib: true\n":    "invalid Wheel-Version",
		"Wheel-Version: 1.0\n":                         "no Root-Is-Purelib",
		"Wheel-Version: 1.0\nRoot-Is-Purelib: maybe\n": "invalid Root-Is-Purelib",
	} {
		if _, err := ParseWheelInfo([]byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseWheelInfo(%q) = %v, want %q", in, err, want)
		}
	}
}

func TestRecordRoundTrip(t *testing.T) {
	rows := []RecordRow{
		{Path: "a,b.py", Hash: "sha256=x", Size: "1"},
		{Path: `q"uote.py`},
		{Path: "plain/file.txt", Hash: HashBytes([]byte("hello")), Size: "5"},
	}
	out := WriteRecord(rows)
	want := "\"a,b.py\",sha256=x,1\r\n\"q\"\"uote.py\",,\r\nplain/file.txt,sha256=LPJNul-wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ,5\r\n"
	if string(out) != want {
		t.Errorf("WriteRecord = %q", out)
	}
	back, err := ParseRecord(out)
	if err != nil || !reflect.DeepEqual(back, rows) {
		t.Errorf("ParseRecord = %+v, %v", back, err)
	}
	if _, err := ParseRecord([]byte("a,b\n")); err == nil {
		t.Error("a 2-field row was accepted")
	}
}

func TestEntryPointsAndLaunchers(t *testing.T) {
	ep, err := ParseEntryPoints([]byte("# c\n[console_scripts]\ndemo = demo.cli:main.run [extra]\n\n[gui_scripts]\ng=demo:gui\n"))
	if err != nil {
		t.Fatal(err)
	}
	c := ep.Group("console_scripts")
	if len(c) != 1 || c[0] != (Entry{"demo", "demo.cli:main.run [extra]"}) {
		t.Fatalf("console_scripts = %+v", c)
	}
	mod, attr, err := ScriptTarget(c[0].Value)
	if err != nil || mod != "demo.cli" || attr != "main.run" {
		t.Fatalf("ScriptTarget = %q %q %v", mod, attr, err)
	}
	for _, bad := range []string{"demo", "demo:", "1demo:main", "demo:main()", "de mo:main"} {
		if _, _, err := ScriptTarget(bad); err == nil {
			t.Errorf("ScriptTarget(%q) accepted", bad)
		}
	}
	if _, err := ParseEntryPoints([]byte("x = y:z\n")); err == nil {
		t.Error("entry before group accepted")
	}
	got := string(Launcher("/venv/bin/python", mod, attr))
	want := "#!/venv/bin/python\n# -*- coding: utf-8 -*-\nimport re\nimport sys\nfrom demo.cli import main\n" +
		"if __name__ == '__main__':\n    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n    sys.exit(main.run())\n"
	if got != want {
		t.Errorf("Launcher:\n%s\nwant:\n%s", got, want)
	}
}

func TestShebang(t *testing.T) {
	long := "/" + strings.Repeat("x", 130) + "/bin/python"
	tests := []struct{ py, want string }{
		{"/usr/bin/python3", "#!/usr/bin/python3"},
		{"/my env/bin/python", "#!/bin/sh\n'''exec' '/my env/bin/python' \"$0\" \"$@\"\n' '''"},
		{"/it's here/python", "#!/bin/sh\n'''exec' '/it'\"'\"'s here/python' \"$0\" \"$@\"\n' '''"},
		{long, "#!/bin/sh\n'''exec' " + long + " \"$0\" \"$@\"\n' '''"},
	}
	for _, tt := range tests {
		if got := Shebang(tt.py); got != tt.want {
			t.Errorf("Shebang(%q) = %q, want %q", tt.py, got, tt.want)
		}
	}
	out, changed := rewriteShebang([]byte("#!pythonw -E\r\nprint(1)\r\n"), "/usr/bin/python3")
	if !changed || string(out) != "#!/usr/bin/python3\r\nprint(1)\r\n" {
		t.Errorf("rewriteShebang = %q", out)
	}
	if _, changed := rewriteShebang([]byte("#!/bin/sh\n"), "/x"); changed {
		t.Error("a non-#!python script was rewritten")
	}
}

func FuzzParseWheelName(f *testing.F) {
	f.Add("demo_pkg-1.2.0-py2.py3-none-any.whl")
	f.Add("x-1.0-1b-cp311-cp311-manylinux_2_17_x86_64.whl")
	f.Fuzz(func(t *testing.T, s string) {
		w, err := ParseWheelName(s)
		if err != nil {
			return
		}
		for _, p := range []string{w.Distribution, w.Version, w.Python, w.ABI, w.Platform} {
			if p == "" || strings.Contains(p, "-") {
				t.Fatalf("%q: bad part %q", s, p)
			}
		}
	})
}

func FuzzParseRecord(f *testing.F) {
	f.Add([]byte("a.py,sha256=x,1\r\n\"b,c\",,\r\n"))
	f.Add([]byte("\"unterminated,1,2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := ParseRecord(data)
		if err != nil {
			return
		}
		// What we write, we read back identically.
		back, err := ParseRecord(WriteRecord(rows))
		if err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		var norm []RecordRow
		for _, r := range rows {
			norm = append(norm, RecordRow{Path: strings.ReplaceAll(r.Path, "\r\n", "\n"), Hash: strings.ReplaceAll(r.Hash, "\r\n", "\n"), Size: strings.ReplaceAll(r.Size, "\r\n", "\n")})
		}
		if !reflect.DeepEqual(back, norm) && !(len(back) == 0 && len(norm) == 0) {
			t.Fatalf("round trip changed the rows:\n%q\n%q", norm, back)
		}
	})
}

func FuzzParseWheelInfo(f *testing.F) {
	f.Add([]byte("Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := ParseWheelInfo(data)
		if err == nil && (w.Major < 0 || w.Minor < 0) {
			t.Fatalf("negative version accepted: %+v", w)
		}
	})
}

func FuzzParseEntryPoints(f *testing.F) {
	f.Add([]byte("[console_scripts]\ndemo = demo:main\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ep, err := ParseEntryPoints(data)
		if err != nil {
			return
		}
		for _, g := range ep.Groups {
			for _, e := range g.Entries {
				if mod, attr, err := ScriptTarget(e.Value); err == nil && (mod == "" || attr == "") {
					t.Fatalf("empty target from %q", e.Value)
				}
			}
		}
	})
}

// FuzzCheckMemberPath: an accepted member name never leaves its directory.
func FuzzCheckMemberPath(f *testing.F) {
	for _, s := range []string{"a/b.py", "../x", "a/../../x", "/abs", "C:/x", `a\b`, "a//b", "./a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if checkMemberPath(name) != "" {
			return
		}
		c := path.Clean("/root/" + name)
		if !strings.HasPrefix(c, "/root/") || strings.Contains(name, `\`) || isDriveLetter(name) {
			t.Fatalf("%q accepted but resolves to %q", name, c)
		}
	})
}

func isDriveLetter(s string) bool {
	return len(s) >= 2 && s[1] == ':' && strings.ContainsRune("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", rune(s[0]))
}

// TestMetadataName: "Replacing NAME" uses the project name as METADATA
// spells it, not the dist-info folder's escaped form.
func TestMetadataName(t *testing.T) {
	tests := []struct{ metadata, want string }{
		{"Metadata-Version: 2.4\r\nName: acme.tool\r\nVersion: 0.4\r\n", "acme.tool"},
		{"Metadata-Version: 2.1\nVersion: 0.4\n\nName: in the body\n", "acme_tool"},
		{"", "acme_tool"},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		if tt.metadata != "" {
			if err := os.WriteFile(filepath.Join(dir, "METADATA"), []byte(tt.metadata), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if got := metadataName(dir, "acme_tool"); got != tt.want {
			t.Errorf("metadataName(%q) = %q, want %q", tt.metadata, got, tt.want)
		}
	}
}
