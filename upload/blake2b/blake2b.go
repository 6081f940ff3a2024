// Package blake2b implements the BLAKE2b hash function of RFC 7693, unkeyed,
// with any digest size from 1 to 64 bytes. PyPI's upload API needs
// blake2b-256 ("blake2_256_digest"), and Go's standard library has no BLAKE2,
// so this is a small, direct implementation of the RFC.
package blake2b

import (
	"encoding/binary"
	"hash"
	"math/bits"
)

// BlockSize is BLAKE2b's block size in bytes.
const BlockSize = 128

var iv = [8]uint64{
	0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
	0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179,
}

var sigma = [12][16]byte{
	{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
	{14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
	{11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
	{7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
	{9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
	{2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
	{12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
	{13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
	{6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
	{10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
	{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
	{14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
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

func compress(h *[8]uint64, t [2]uint64, block *[BlockSize]byte, final bool) {
	var m [16]uint64
	for i := range m {
		m[i] = binary.LittleEndian.Uint64(block[i*8:])
	}
	var v [16]uint64
	copy(v[:8], h[:])
	copy(v[8:], iv[:])
	v[12] ^= t[0]
	v[13] ^= t[1]
	if final {
		v[14] = ^v[14]
	}
	g := func(a, b, c, d int, x, y uint64) {
		v[a] = v[a] + v[b] + x
		v[d] = bits.RotateLeft64(v[d]^v[a], -32)
		v[c] = v[c] + v[d]
		v[b] = bits.RotateLeft64(v[b]^v[c], -24)
		v[a] = v[a] + v[b] + y
		v[d] = bits.RotateLeft64(v[d]^v[a], -16)
		v[c] = v[c] + v[d]
		v[b] = bits.RotateLeft64(v[b]^v[c], -63)
	}
	for r := range 12 {
		s := &sigma[r]
		g(0, 4, 8, 12, m[s[0]], m[s[1]])
		g(1, 5, 9, 13, m[s[2]], m[s[3]])
		g(2, 6, 10, 14, m[s[4]], m[s[5]])
		g(3, 7, 11, 15, m[s[6]], m[s[7]])
		g(0, 5, 10, 15, m[s[8]], m[s[9]])
		g(1, 6, 11, 12, m[s[10]], m[s[11]])
		g(2, 7, 8, 13, m[s[12]], m[s[13]])
		g(3, 4, 9, 14, m[s[14]], m[s[15]])
	}
	for i := range 8 {
		h[i] ^= v[i] ^ v[i+8]
	}
}
