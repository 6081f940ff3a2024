package install

import (
	"bytes"
	"fmt"
	"strings"
)

// Shebang returns the first line(s) that make a script run with python.
// Kernels limit a #! line to 127 bytes and split it at spaces, so a long or
// spaced interpreter path gets a /bin/sh trampoline instead: the shell runs
// `exec PYTHON "$0" "$@"`, while Python sees a string literal.
func Shebang(python string) string {
	if len(python)+2 <= 127 && !strings.ContainsAny(python, " \t\n") {
		return "#!" + python
	}
	return "#!/bin/sh\n'''exec' " + shellQuote(python) + " \"$0\" \"$@\"\n' '''"
}

// shellQuote quotes s for POSIX sh.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./-_") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}

// Launcher is the text of a console or GUI script that calls module:attr,
// byte for byte what pip writes on POSIX.
func Launcher(python, module, attr string) []byte {
	first, _, _ := strings.Cut(attr, ".")
	var b bytes.Buffer
	b.WriteString(Shebang(python) + "\n")
	b.WriteString("# -*- coding: utf-8 -*-\n")
	b.WriteString("import re\nimport sys\n")
	fmt.Fprintf(&b, "from %s import %s\n", module, first)
	b.WriteString("if __name__ == '__main__':\n")
	b.WriteString("    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n")
	fmt.Fprintf(&b, "    sys.exit(%s())\n", attr)
	return b.Bytes()
}

// rewriteShebang replaces a first line "#!python..." or "#!pythonw..."
// of a .data/scripts file with the target interpreter's shebang. Other
// files are returned unchanged.
func rewriteShebang(data []byte, python string) ([]byte, bool) {
	if !bytes.HasPrefix(data, []byte("#!python")) {
		return data, false
	}
	rest := []byte{}
	nl := "\n"
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		if i > 0 && data[i-1] == '\r' {
			nl = "\r\n"
		}
		rest = data[i+1:]
	}
	out := append([]byte(strings.ReplaceAll(Shebang(python), "\n", nl)+nl), rest...)
	return out, true
}

// scriptName checks an entry point name used as a script file name.
func scriptName(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\\\x00") {
		return fmt.Errorf("script name %q is not a plain file name", name)
	}
	return nil
}
