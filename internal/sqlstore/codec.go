package sqlstore

import (
	"encoding/binary"
	"errors"
	"time"
)

// latencyUnit is the resolution latencies are stored at: 100 µs keeps a
// typical 20–500 ms latency (and its change from the previous result) within
// one or two varint bytes. Results read back are rounded to it.
const latencyUnit = 100 * time.Microsecond

func latencyUnits(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64((d + latencyUnit/2) / latencyUnit)
}

// raw is one result in stored form: dictionary ids instead of strings, unix
// milliseconds, latency in latencyUnit. Phase timings are not stored; they
// are only seen live (metrics, the last result in memory).
type raw struct {
	mon    int64
	ms     int64
	status uint8
	loc    int64
	lat    int64
	err    int64 // 0: none
}

var errCorrupt = errors.New("corrupt encoding")

func zigzag(v int64) uint64   { return uint64(v<<1) ^ uint64(v>>63) }
func unzigzag(u uint64) int64 { return int64(u>>1) ^ -int64(u&1) }

type reader struct {
	b   []byte
	err error
}

func (r *reader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errCorrupt
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) varint() int64 { return unzigzag(r.uvarint()) }

func (r *reader) byte() byte {
	if r.err != nil {
		return 0
	}
	if len(r.b) == 0 {
		r.err = errCorrupt
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

// tag packs status (2 bits), has-error (1 bit) and the location id: one byte
// for up to 16 locations.
func tag(x raw) uint64 {
	t := uint64(x.status&3) | uint64(x.loc)<<3
	if x.err != 0 {
		t |= 4
	}
	return t
}

func untag(t uint64, x *raw) (hasErr bool) {
	x.status = uint8(t & 3)
	x.loc = int64(t >> 3)
	return t&4 != 0
}

// Log batches (result_log.data): version byte 1, count, then per result the
// monitor id, tag, time as a zigzag delta from the previous result, latency
// and, when flagged, the error id. Log rows are short-lived, so this is only
// meant to be small enough, not minimal.
const logVersion = 1

func encodeLog(rs []raw) []byte {
	b := make([]byte, 0, 2+len(rs)*12)
	b = append(b, logVersion)
	b = binary.AppendUvarint(b, uint64(len(rs)))
	var prev int64
	for _, x := range rs {
		b = binary.AppendUvarint(b, uint64(x.mon))
		b = binary.AppendUvarint(b, tag(x))
		b = binary.AppendUvarint(b, zigzag(x.ms-prev))
		prev = x.ms
		b = binary.AppendUvarint(b, uint64(x.lat))
		if x.err != 0 {
			b = binary.AppendUvarint(b, uint64(x.err))
		}
	}
	return b
}

// decodeLog appends the results of a log batch to dst; mon > 0 keeps only
// that monitor's.
func decodeLog(dst []raw, b []byte, mon int64) ([]raw, error) {
	r := reader{b: b}
	if r.byte() != logVersion {
		return dst, errCorrupt
	}
	n := r.uvarint()
	var prev int64
	for i := uint64(0); i < n && r.err == nil; i++ {
		var x raw
		x.mon = int64(r.uvarint())
		hasErr := untag(r.uvarint(), &x)
		x.ms = prev + r.varint()
		prev = x.ms
		x.lat = int64(r.uvarint())
		if hasErr {
			x.err = int64(r.uvarint())
		}
		if mon == 0 || x.mon == mon {
			dst = append(dst, x)
		}
	}
	return dst, r.err
}
