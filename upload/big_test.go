package upload_test

import (
	"archive/zip"
	"context"
	"fmt"
	"goflit/internal/testutil"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"goflit/check/checktest"
	"goflit/index"
	"goflit/index/indextest"
	"goflit/upload"
)

// zeroFiles: sha256 (urlsafe base64) and CRC-32 of N MiB of zeros,
// computed with Python's hashlib and zlib.
var zeroFiles = map[int]struct {
	sha256 string
	crc    uint32
}{
	256:  {"ptcqx2kPU75q5GuohQa9lzAqCT9xCEcr2e_Dzv2gZIQ", 0x2a0e7dbb},
	2048: {"p8dEwTzBAe1mwp9nL5JFVUeInMWGzm1E_naugklY6lE", 0x4dbdf21c},
}

// sparseFile skips all-zero chunks by seeking, so the big wheel costs no disk.
type sparseFile struct{ f *os.File }

func (s sparseFile) Write(p []byte) (int, error) {
	for _, b := range p {
		if b != 0 {
			return s.f.Write(p)
		}
	}
	if _, err := s.f.Seek(int64(len(p)), io.SeekCurrent); err != nil {
		return 0, err
	}
	return len(p), nil
}

// writeSparseWheel writes a valid wheel holding one stored entry of mb MiB
// of zeros (a hole in the file), with a correct RECORD.
func writeSparseWheel(t *testing.T, path string, mb int) {
	zf := zeroFiles[mb]
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(sparseFile{f})
	size := int64(mb) << 20
	h := &zip.FileHeader{Name: "big_pkg/zeros.bin", Method: zip.Store, CRC32: zf.crc,
		CompressedSize64: uint64(size), UncompressedSize64: uint64(size)}
	w, err := zw.CreateRaw(h)
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 1<<20)
	for range mb {
		if _, err := w.Write(zeros); err != nil {
			t.Fatal(err)
		}
	}
	md := checktest.Metadata("big-pkg", "1.0", "big\n")
	wheel := "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
	record := fmt.Sprintf("big_pkg/zeros.bin,sha256=%s,%d\n", zf.sha256, size)
	for name, data := range map[string]string{"big_pkg-1.0.dist-info/METADATA": md, "big_pkg-1.0.dist-info/WHEEL": wheel} {
		w, _ := zw.Create(name)
		io.WriteString(w, data)
		record += fmt.Sprintf("%s,%s,%d\n", name, b64sha(data), len(data))
	}
	record += "big_pkg-1.0.dist-info/RECORD,,\n"
	w, _ = zw.Create("big_pkg-1.0.dist-info/RECORD")
	io.WriteString(w, record)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestBigUploadFlatMemory uploads a sparse wheel (2 GiB with
// GOFLIT_BIG_UPLOAD_MB=2048; 2 GiB under CI=true, 256 MiB by default elsewhere) to the
// in-process index and samples the Go heap throughout: client and server
// both stream, so the heap must not grow by more than 100 MB (a file held
// in memory would exceed that).
func TestBigUploadFlatMemory(t *testing.T) {
	// The issue asks for 2 GB: CI runs that size; local runs on a busy
	// machine default to 256 MiB unless GOFLIT_BIG_UPLOAD_MB=2048.
	mb := 256
	if testutil.InCI() {
		mb = 2048
	}
	if v := os.Getenv("GOFLIT_BIG_UPLOAD_MB"); v != "" {
		mb, _ = strconv.Atoi(v)
	}
	if _, ok := zeroFiles[mb]; !ok {
		t.Fatalf("GOFLIT_BIG_UPLOAD_MB must be one of 256, 2048")
	}
	dir := t.TempDir()
	whl := filepath.Join(dir, "big_pkg-1.0-py3-none-any.whl")
	writeSparseWheel(t, whl, mb)
	base, _ := indextest.Start(t, index.Options{MaxFileSize: 4 << 30, Dir: filepath.Join(dir, "index")})

	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	baseline := ms.HeapAlloc
	var peak uint64
	var mu sync.Mutex
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				mu.Lock()
				peak = max(peak, m.HeapAlloc)
				mu.Unlock()
			}
		}
	}()
	var progressed int64
	c := &upload.Client{Progress: func(_ string, sent, total int64) { progressed = sent }}
	out, err := c.Upload(context.Background(), upload.Request{Target: &upload.Target{URL: base + "/legacy/"}, Path: whl})
	close(done)
	if err != nil || out != upload.Uploaded {
		t.Fatalf("%v %v", out, err)
	}
	fi, _ := os.Stat(whl)
	if progressed != fi.Size() {
		t.Errorf("progress reached %d of %d bytes", progressed, fi.Size())
	}
	mu.Lock()
	growth := int64(peak) - int64(baseline)
	mu.Unlock()
	t.Logf("uploaded %d MiB; peak heap growth %.1f MB", mb, float64(growth)/1e6)
	if growth > 100e6 {
		t.Errorf("heap grew by %.1f MB while uploading a %d MiB file: not streaming", float64(growth)/1e6, mb)
	}
	stored, err := os.Stat(filepath.Join(dir, "index", "big-pkg", filepath.Base(whl)))
	if err != nil || stored.Size() != fi.Size() {
		t.Fatalf("stored file: %v", err)
	}
}
