package digest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"goflit/upload/blake2b"
)

func TestCopy(t *testing.T) {
	big := strings.Repeat("goflit digest ", 100000)
	tests := []struct {
		name    string
		data    string
		bufSize int
	}{
		{"empty", "", 16},
		{"short", "abc", 16},
		{"exactly one buffer", strings.Repeat("x", 64), 64},
		{"many buffers and a tail", big, 4096},
		{"one big buffer", big, 1 << 22},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		sums, n, err := Copy(&out, strings.NewReader(tt.data), tt.bufSize)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		sh := sha256.Sum256([]byte(tt.data))
		bl := blake2b.New256()
		bl.Write([]byte(tt.data))
		want := Sums{hex.EncodeToString(sh[:]), hex.EncodeToString(bl.Sum(nil))}
		if sums != want || n != int64(len(tt.data)) || out.String() != tt.data {
			t.Errorf("%s: Copy = %+v, %d (copied %d bytes); want %+v, %d", tt.name, sums, n, out.Len(), want, len(tt.data))
		}
	}
	// A known answer: SHA-256 and BLAKE2b-256 of "abc".
	sums, _, _ := Copy(io.Discard, strings.NewReader("abc"), 8)
	if sums.SHA256 != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" ||
		sums.Blake2b256 != "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319" {
		t.Errorf("digests of abc: %+v", sums)
	}
}

type failWriter struct{ after int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.after <= 0 {
		return 0, errors.New("disk full")
	}
	f.after--
	return len(p), nil
}

func TestCopyErrors(t *testing.T) {
	_, n, err := Copy(&failWriter{after: 2}, strings.NewReader(strings.Repeat("y", 100)), 10)
	if err == nil || err.Error() != "disk full" || n != 20 {
		t.Errorf("write error: n=%d err=%v, want 20 and disk full", n, err)
	}
	sums, _, err := Copy(io.Discard, iotest.ErrReader(errors.New("bad disk")), 10)
	if err == nil || err.Error() != "bad disk" || sums != (Sums{}) {
		t.Errorf("read error: %+v %v", sums, err)
	}
}
