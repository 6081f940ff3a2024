// Package blake2b implements the BLAKE2b hash function of RFC 7693, unkeyed,
// with any digest size from 1 to 64 bytes. PyPI's upload API needs
// blake2b-256 ("blake2_256_digest"), and Go's standard library has no BLAKE2,
// so this is a small, direct implementation of the RFC.
package blake2b

import (
	"encoding/binary"
	"hash"
)

// BlockSize is BLAKE2b's block size in bytes.
const BlockSize = 128

var iv = [8]uint64{
	0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
	0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179,
}

type digest struct {
	h    [8]uint64
	t    [2]uint64 // total bytes compressed, 128-bit counter
	buf  [BlockSize]byte
	n    int // bytes in buf
	size int
}

// New returns a BLAKE2b hash producing size bytes (1..64); it panics on any
// other size.
func New(size int) hash.Hash {
	if size < 1 || size > 64 {
		panic("blake2b: digest size must be 1..64")
	}
	d := &digest{size: size}
	d.Reset()
	return d
}

// New256 returns a BLAKE2b-256 hash (32-byte digest), PyPI's blake2_256.
func New256() hash.Hash { return New(32) }

// Sum256 returns the BLAKE2b-256 digest of data.
func Sum256(data []byte) [32]byte {
	h := New256()
	h.Write(data)
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out
}

func (d *digest) Reset() {
	d.h = iv
	d.h[0] ^= 0x01010000 ^ uint64(d.size) // no key, fanout 1, depth 1
	d.t = [2]uint64{}
	d.n = 0
}

func (d *digest) Size() int      { return d.size }
func (d *digest) BlockSize() int { return BlockSize }

func (d *digest) Write(p []byte) (int, error) {
	written := len(p)
	for len(p) > 0 {
		// The last block must be compressed with the final flag, so a full
		// buffer is only compressed once more input arrives.
		if d.n == BlockSize {
			d.incr(BlockSize)
			compress(&d.h, d.t, &d.buf, false)
			d.n = 0
		}
		k := copy(d.buf[d.n:], p)
		d.n += k
		p = p[k:]
	}
	return written, nil
}

func (d *digest) incr(n uint64) {
	d.t[0] += n
	if d.t[0] < n {
		d.t[1]++
	}
}

func (d *digest) Sum(in []byte) []byte {
	c := *d // Sum must not change the state
	c.incr(uint64(c.n))
	for i := c.n; i < BlockSize; i++ {
		c.buf[i] = 0
	}
	compress(&c.h, c.t, &c.buf, true)
	var out [64]byte
	for i, v := range c.h {
		binary.LittleEndian.PutUint64(out[i*8:], v)
	}
	return append(in, out[:c.size]...)
}
