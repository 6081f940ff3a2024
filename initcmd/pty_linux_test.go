//go:build linux

package initcmd_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"goflit/internal/testutil"
)

// openPTY opens a pseudo-terminal pair with only the standard library:
// /dev/ptmx, then TIOCSPTLCK (unlock) and TIOCGPTN (slave number).
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		m.Close()
		t.Fatalf("TIOCSPTLCK: %v", e)
	}
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		m.Close()
		t.Fatalf("TIOCGPTN: %v", e)
	}
	s, err := os.OpenFile("/dev/pts/"+itoa(int(n)), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		t.Fatalf("opening pty slave: %v", err)
	}
	return m, s
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// session is flit running on a pseudo-terminal.
type session struct {
	t      *testing.T
	master *os.File
	cmd    *exec.Cmd
	mu     sync.Mutex
	out    bytes.Buffer
	seen   int // offset up to which expect has consumed output
	done   chan struct{}
}

func startFlit(t *testing.T, dir string, env []string, args ...string) *session {
	t.Helper()
	bin := testutil.FlitBinary(t)
	m, s := openPTY(t)
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = s, s, s
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s.Close()
	ss := &session{t: t, master: m, cmd: cmd, done: make(chan struct{})}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := m.Read(buf)
			ss.mu.Lock()
			ss.out.Write(buf[:n])
			ss.mu.Unlock()
			if err != nil {
				close(ss.done)
				return
			}
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		m.Close()
	})
	return ss
}

// expect waits until the output (after what was already matched) contains s.
// The deadline only stops a broken test from hanging; it asserts nothing
// about speed.
func (s *session) expect(want string) {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		s.mu.Lock()
		text := s.out.String()
		s.mu.Unlock()
		if i := strings.Index(text[s.seen:], want); i >= 0 {
			s.seen += i + len(want)
			return
		}
		select {
		case <-s.done:
			s.mu.Lock()
			text = s.out.String()
			s.mu.Unlock()
			if i := strings.Index(text[s.seen:], want); i >= 0 {
				s.seen += i + len(want)
				return
			}
			s.t.Fatalf("flit ended without printing %q; output:\n%s", want, text)
		default:
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("no %q in output:\n%s", want, text)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (s *session) send(keys string) {
	s.t.Helper()
	if _, err := s.master.Write([]byte(keys)); err != nil {
		s.t.Fatal(err)
	}
}

// wait returns the exit code.
func (s *session) wait() int {
	s.t.Helper()
	err := s.cmd.Wait()
	<-s.done
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	s.t.Fatal(err)
	return -1
}

func (s *session) output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out.String()
}

func baseEnv(t *testing.T, data string) []string {
	return []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "XDG_DATA_HOME=" + data,
		"TERM=xterm", "SOURCE_DATE_EPOCH=1700000000"}
}

const (
	keyLeft  = "\x1b[D"
	keyRight = "\x1b[C"
	keyUp    = "\x1b[A"
	keyDown  = "\x1b[B"
	ctrlA    = "\x01"
	ctrlE    = "\x05"
	ctrlU    = "\x15"
	ctrlC    = "\x03"
	bs       = "\x7f"
)

func TestInitTerminal(t *testing.T) {
	dir := t.TempDir()
	data := t.TempDir()
	testutil.WriteFile(t, filepath.Join(dir, "src", "fancy_pkg", "__init__.py"), "\"\"\"Fancy.\"\"\"\n__version__ = \"0.1\"\n")
	testutil.WriteFile(t, filepath.Join(dir, "README.rst"), "Fancy\n=====\n")
	s := startFlit(t, dir, baseEnv(t, data), "init")

	s.expect("Module name [fancy_pkg]: ")
	s.send("\r") // accept the guess
	s.expect("Author: ")
	// Type "Jané Doe" with editing: "Jné", left, left, "a" -> "Jané" (the
	// cursor moves by characters, not bytes), then Ctrl-E, " Dx",
	// backspace, "oe"; up/down are ignored.
	s.send("Jné" + keyLeft + keyLeft + "a" + ctrlE + " Dx" + bs + "oe" + keyUp + keyDown + "\r")
	s.expect("Author email: ")
	s.send("not-an-email\r")
	s.expect("Try again.")
	s.expect("Author email: ")
	s.send("garbage" + ctrlU + "jane@example.com\r")
	s.expect("Home page: ")
	s.send("ftp://x\r")
	s.expect("Should start with http:// or https:// - try again.")
	s.expect("Home page: ")
	s.send("xample.org/fancy_pkg" + ctrlA + "https://e" + keyRight + keyLeft + "\r")
	s.expect("Choose a license (see https://choosealicense.com/ for more info)")
	s.expect("4. Skip - choose a license later")
	s.expect("Enter 1-4: ")
	s.send("7\r")
	s.expect("Try again.")
	s.expect("Enter 1-4: ")
	s.send("1\r")
	s.expect("Written pyproject.toml; edit that file to add optional extra info.")
	if code := s.wait(); code != 0 {
		t.Fatalf("exit %d\n%s", code, s.output())
	}
	got := testutil.ReadFile(t, filepath.Join(dir, "pyproject.toml"))
	want := `[build-system]
requires = ["flit_core >=3.11,<5"]
build-backend = "flit_core.buildapi"

[project]
name = "fancy_pkg"
authors = [{name = "Jané Doe", email = "jane@example.com"}]
readme = "README.rst"
license = "MIT"
license-files = ["LICENSE"]
dynamic = ["version", "description"]

[project.urls]
Home = "https://example.org/fancy_pkg"
`
	if got != want {
		t.Errorf("pyproject.toml:\n%s", testutil.Diff(want, got))
	}
	if lic := testutil.ReadFile(t, filepath.Join(dir, "LICENSE")); !strings.Contains(lic, "Copyright (c) 2023 Jané Doe\n") {
		t.Errorf("LICENSE has no copyright line:\n%s", lic)
	}
	defaults := testutil.ReadFile(t, filepath.Join(data, "flit", "init_defaults.json"))
	for _, w := range []string{`"author": "Jané Doe"`, `"home_page_template": "https://example.org/{modulename}"`, `"license": "mit"`} {
		if !strings.Contains(defaults, w) {
			t.Errorf("init_defaults.json lacks %s:\n%s", w, defaults)
		}
	}
	buildWithDebianFlit(t, dir)
	checkGoflitBuild(t, dir, "fancy_pkg-0.1.dist-info", true, "License-Expression: MIT\n",
		"Author-email: Jané Doe <jane@example.com>\n", "Project-URL: Home, https://example.org/fancy_pkg\n",
		"Description-Content-Type: text/x-rst\n", "License-File: LICENSE\n")

	// Second run, another project: the defaults are offered and accepted,
	// and the existing pyproject.toml is overwritten after confirmation.
	dir2 := t.TempDir()
	testutil.WriteFile(t, filepath.Join(dir2, "other.py"), "\"\"\"Other.\"\"\"\n__version__ = \"1.0\"\n")
	testutil.WriteFile(t, filepath.Join(dir2, "pyproject.toml"), "# old\n")
	s = startFlit(t, dir2, baseEnv(t, data), "init")
	s.expect("pyproject.toml exists - overwrite it? [y/N]: ")
	s.send("y\r")
	s.expect("Module name [other]: ")
	s.send("\r")
	s.expect("Author [Jané Doe]: ")
	s.send("\r")
	s.expect("Author email [jane@example.com]: ")
	s.send("\r")
	s.expect("Home page [https://example.org/other]: ")
	s.send("\r")
	s.expect("Enter 1-4 [1]: ")
	s.send("\r")
	s.expect("Written pyproject.toml")
	if code := s.wait(); code != 0 {
		t.Fatalf("exit %d\n%s", code, s.output())
	}
	got = testutil.ReadFile(t, filepath.Join(dir2, "pyproject.toml"))
	if !strings.Contains(got, `name = "other"`) || !strings.Contains(got, `Home = "https://example.org/other"`) {
		t.Errorf("second pyproject.toml:\n%s", got)
	}
	buildWithDebianFlit(t, dir2)
}

func TestInitTerminalDecline(t *testing.T) {
	dir := t.TempDir()
	testutil.WriteFile(t, filepath.Join(dir, "pyproject.toml"), "# mine\n")
	s := startFlit(t, dir, baseEnv(t, t.TempDir()), "init")
	s.expect("pyproject.toml exists - overwrite it? [y/N]: ")
	s.send("n\r")
	if code := s.wait(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if got := testutil.ReadFile(t, filepath.Join(dir, "pyproject.toml")); got != "# mine\n" {
		t.Errorf("pyproject.toml changed: %q", got)
	}
}

func TestInitTerminalCtrlC(t *testing.T) {
	for _, at := range []string{"Module name: ", "Author email: ", "Enter 1-4: "} {
		t.Run(strings.TrimSuffix(at, ": "), func(t *testing.T) {
			dir := t.TempDir()
			data := t.TempDir()
			s := startFlit(t, dir, baseEnv(t, data), "init")
			answers := []struct{ prompt, answer string }{
				{"Module name: ", "mod\r"}, {"Author: ", "A\r"}, {"Author email: ", "a@b.c\r"},
				{"Home page: ", "\r"}, {"Enter 1-4: ", "1\r"},
			}
			for _, a := range answers {
				s.expect(a.prompt)
				if a.prompt == at {
					s.send("partial" + ctrlC)
					break
				}
				s.send(a.answer)
			}
			s.expect("Aborted")
			if code := s.wait(); code != 130 {
				t.Errorf("exit %d, want 130", code)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 0 {
				t.Errorf("files left behind: %v", entries)
			}
			if _, err := os.Stat(filepath.Join(data, "flit")); err == nil {
				t.Errorf("defaults stored after Ctrl-C")
			}
		})
	}
}
