package sqlstore

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"io"
	"sort"
	"sync"
)

// A block holds one monitor's results of one UTC hour, sorted by time.
//
//	format byte: 0 = plain payload, 1 = payload compressed with raw DEFLATE
//	payload: uvarint count, then four columns of one value per result:
//	  tags     uvarint: status | has-error<<2 | location id<<3
//	  times    zigzag varint of (gap - previous gap) in ms, where gap is the
//	           distance to the previous result (the block start for the first);
//	           a steady interval costs one byte
//	  latency  zigzag varint of the change from the previous latency, in
//	           latencyUnit (100 µs)
//	  errors   uvarint error-text id, only for results flagged in their tag
//
// The encoder keeps whichever of the two formats is smaller.
const (
	blockPlain = 0
	blockFlate = 1
)

var flatePool = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(nil, flate.BestCompression)
	return w
}}

func encodeBlock(start int64, rs []raw) []byte {
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].ms < rs[j].ms })
	// Columns, not rows: like bytes next to each other compress far better.
	p := make([]byte, 1, 1+len(rs)*4)
	p[0] = blockPlain
	p = binary.AppendUvarint(p, uint64(len(rs)))
	for _, x := range rs {
		p = binary.AppendUvarint(p, tag(x))
	}
	prevT, prevGap := start, int64(0)
	for _, x := range rs {
		gap := x.ms - prevT
		p = binary.AppendUvarint(p, zigzag(gap-prevGap))
		prevT, prevGap = x.ms, gap
	}
	var prevLat int64
	for _, x := range rs {
		p = binary.AppendUvarint(p, zigzag(x.lat-prevLat))
		prevLat = x.lat
	}
	for _, x := range rs {
		if x.err != 0 {
			p = binary.AppendUvarint(p, uint64(x.err))
		}
	}
	return maybeFlate(p)
}

// maybeFlate returns p (whose first byte is blockPlain) or its DEFLATE
// compression, whichever is smaller.
func maybeFlate(p []byte) []byte {
	if len(p) < 48 {
		return p
	}
	var buf bytes.Buffer
	buf.Grow(len(p))
	buf.WriteByte(blockFlate)
	w := flatePool.Get().(*flate.Writer)
	w.Reset(&buf)
	_, _ = w.Write(p[1:])
	_ = w.Close()
	flatePool.Put(w)
	if buf.Len() < len(p) {
		return buf.Bytes()
	}
	return p
}

// unflate returns the payload after the format byte, decompressed if needed.
func unflate(b []byte) ([]byte, error) {
	if len(b) == 0 {
		return nil, errCorrupt
	}
	switch b[0] {
	case blockPlain:
		return b[1:], nil
	case blockFlate:
		r := flateReaders.Get().(io.ReadCloser)
		defer flateReaders.Put(r)
		if err := r.(flate.Resetter).Reset(bytes.NewReader(b[1:]), nil); err != nil {
			return nil, errCorrupt
		}
		out, err := io.ReadAll(r)
		if err != nil {
			return nil, errCorrupt
		}
		return out, nil
	}
	return nil, errCorrupt
}

var flateReaders = sync.Pool{New: func() any { return flate.NewReader(bytes.NewReader(nil)) }}

func decodeBlock(dst []raw, mon, start int64, b []byte) ([]raw, error) {
	payload, err := unflate(b)
	if err != nil {
		return dst, err
	}
	r := reader{b: payload}
	n := r.uvarint()
	if n > uint64(len(payload)) { // every result takes at least a byte
		return dst, errCorrupt
	}
	base := len(dst)
	hasErr := make([]bool, n)
	for i := range n {
		x := raw{mon: mon}
		hasErr[i] = untag(r.uvarint(), &x)
		dst = append(dst, x)
	}
	out := dst[base:]
	prevT, prevGap := start, int64(0)
	for i := range out {
		gap := prevGap + r.varint()
		out[i].ms = prevT + gap
		prevT, prevGap = out[i].ms, gap
	}
	var prevLat int64
	for i := range out {
		out[i].lat = prevLat + r.varint()
		prevLat = out[i].lat
	}
	for i := range out {
		if hasErr[i] {
			out[i].err = int64(r.uvarint())
		}
	}
	if r.err != nil {
		return dst[:base], r.err
	}
	return dst, nil
}
