package blake2b

import (
	"encoding/hex"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"goflit/internal/testutil"
)

// RFC 7693 Appendix A: BLAKE2b-512("abc").
func TestRFCVector(t *testing.T) {
	h := New(64)
	h.Write([]byte("abc"))
	got := hex.EncodeToString(h.Sum(nil))
	want := "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1" +
		"7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923"
	if got != want {
		t.Errorf("blake2b-512(abc) = %s, want %s", got, want)
	}
}

func TestKnown256(t *testing.T) {
	// hashlib.blake2b(b"", digest_size=32).hexdigest()
	got := Sum256(nil)
	if h := hex.EncodeToString(got[:]); h != "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8" {
		t.Errorf("blake2b-256('') = %s", h)
	}
}

// Writes split at every boundary give the same digest as one write, and
// Sum does not disturb the state.
func TestIncremental(t *testing.T) {
	data := []byte(strings.Repeat("0123456789abcdef", 40)) // 640 bytes: several blocks
	want := Sum256(data)
	for split := 0; split <= len(data); split += 7 {
		h := New256()
		h.Write(data[:split])
		_ = h.Sum(nil)
		h.Write(data[split:])
		if got := h.Sum(nil); string(got) != string(want[:]) {
			t.Fatalf("split %d: digest differs", split)
		}
	}
}

// Cross-check against Python's hashlib for lengths around block boundaries.
func TestAgainstPython(t *testing.T) {
	py := testutil.PythonWith(t, "hashlib")
	lengths := []int{0, 1, 3, 127, 128, 129, 255, 256, 257, 1000, 100000}
	var script strings.Builder
	script.WriteString("import hashlib\n")
	for _, n := range lengths {
		script.WriteString("print(hashlib.blake2b(bytes(i % 251 for i in range(" + itoa(n) + ")), digest_size=32).hexdigest())\n")
	}
	out, err := exec.Command(py, "-c", script.String()).Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Fields(string(out))
	for i, n := range lengths {
		data := make([]byte, n)
		for j := range data {
			data[j] = byte(j % 251)
		}
		got := Sum256(data)
		if hex.EncodeToString(got[:]) != lines[i] {
			t.Errorf("len %d: got %x, python %s", n, got, lines[i])
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
func BenchmarkBlake2b256(b *testing.B) {
	data := make([]byte, 1<<20)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		Sum256(data)
	}
}
