package sqlstore

import (
	"encoding/binary"
	"math/bits"
	"time"

	"sitrep"
)

// Rollups are packed: one row holds the buckets of one monitor over a longer
// period, which saves the per-row overhead that would otherwise dominate.
//
//	res 1 (minute): a row per UTC hour, up to 60 buckets
//	res 2 (hour):   a row per UTC day, up to 24 buckets
//	res 3 (day):    a row per UTC month, up to 31 buckets
//
// Row encoding: a format byte (0 plain, 1 DEFLATE of the rest, whichever is
// smaller), a uvarint bitmap of the non-empty slots, then columns over the
// non-empty buckets in slot order (good = up + degraded, mean = sum / good):
//
//	headers  uvarint zigzag(count - previous count)<<2 | has-degraded<<1 |
//	         has-down, followed by degraded and down when flagged
//	sums     zigzag(sum - previous mean * good) in latencyUnit, when good > 0
//	mins     uvarint mean - min, when good >= 2
//	maxes    uvarint max - mean, when good >= 3 (for two, max = sum - min)
//
// A steady monitor's bucket costs three or four bytes before compression.
const (
	resMinute = 1
	resHour   = 2
	resDay    = 3
)

type agg struct {
	up, deg, down int64
	sum, min, max int64 // latencyUnit; over up and degraded only
}

func (a *agg) add(b agg) {
	if b.up+b.deg > 0 {
		if a.up+a.deg == 0 || b.min < a.min {
			a.min = b.min
		}
		if a.up+a.deg == 0 || b.max > a.max {
			a.max = b.max
		}
	}
	a.up += b.up
	a.deg += b.deg
	a.down += b.down
	a.sum += b.sum
}

func aggOf(x raw) agg {
	switch sitrep.ResultStatus(x.status) {
	case sitrep.ResultUp:
		return agg{up: 1, sum: x.lat, min: x.lat, max: x.lat}
	case sitrep.ResultDegraded:
		return agg{deg: 1, sum: x.lat, min: x.lat, max: x.lat}
	}
	return agg{down: 1}
}

type bucket struct {
	slot int
	agg
}

// rowOf returns the start of the packed row holding the bucket that contains
// ms, and the bucket's slot in that row.
func rowOf(res int, ms int64) (start int64, slot int) {
	t := time.UnixMilli(ms).UTC()
	switch res {
	case resMinute:
		h := t.Truncate(time.Hour)
		return h.UnixMilli(), t.Minute()
	case resHour:
		d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		return d.UnixMilli(), t.Hour()
	default:
		m := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
		return m.UnixMilli(), t.Day() - 1
	}
}

// bucketStart is the start time of slot in the row starting at rowStart.
func bucketStart(res int, rowStart int64, slot int) time.Time {
	t := time.UnixMilli(rowStart).UTC()
	switch res {
	case resMinute:
		return t.Add(time.Duration(slot) * time.Minute)
	case resHour:
		return t.Add(time.Duration(slot) * time.Hour)
	default:
		return t.AddDate(0, 0, slot)
	}
}

func resCode(r sitrep.Resolution) (int, bool) {
	switch r {
	case sitrep.ResolutionMinute:
		return resMinute, true
	case sitrep.ResolutionHour:
		return resHour, true
	case sitrep.ResolutionDay:
		return resDay, true
	}
	return 0, false
}

func encodeRollup(bs []bucket) []byte {
	p := make([]byte, 1, 10+len(bs)*5)
	p[0] = blockPlain
	var bitmap uint64
	for _, k := range bs {
		bitmap |= 1 << uint(k.slot)
	}
	p = binary.AppendUvarint(p, bitmap)
	// Columns, as in blocks: headers, then sums, then min and max offsets.
	var prevCount int64
	for _, k := range bs {
		count := k.up + k.deg + k.down
		h := zigzag(count-prevCount) << 2
		if k.deg > 0 {
			h |= 2
		}
		if k.down > 0 {
			h |= 1
		}
		prevCount = count
		p = binary.AppendUvarint(p, h)
		if k.deg > 0 {
			p = binary.AppendUvarint(p, uint64(k.deg))
		}
		if k.down > 0 {
			p = binary.AppendUvarint(p, uint64(k.down))
		}
	}
	var prevMean int64
	for _, k := range bs {
		if good := k.up + k.deg; good > 0 {
			p = binary.AppendUvarint(p, zigzag(k.sum-prevMean*good))
			prevMean = k.sum / good
		}
	}
	for _, k := range bs {
		if good := k.up + k.deg; good >= 2 {
			p = binary.AppendUvarint(p, uint64(k.sum/good-k.min))
		}
	}
	for _, k := range bs {
		if good := k.up + k.deg; good >= 3 {
			p = binary.AppendUvarint(p, uint64(k.max-k.sum/good))
		}
	}
	return maybeFlate(p)
}

func decodeRollup(b []byte) ([]bucket, error) {
	payload, err := unflate(b)
	if err != nil {
		return nil, err
	}
	r := reader{b: payload}
	bitmap := r.uvarint()
	bs := make([]bucket, 0, bits.OnesCount64(bitmap))
	var prevCount int64
	for slot := 0; slot < 64 && r.err == nil; slot++ {
		if bitmap&(1<<uint(slot)) == 0 {
			continue
		}
		k := bucket{slot: slot}
		h := r.uvarint()
		count := prevCount + unzigzag(h>>2)
		prevCount = count
		if h&2 != 0 {
			k.deg = int64(r.uvarint())
		}
		if h&1 != 0 {
			k.down = int64(r.uvarint())
		}
		k.up = count - k.deg - k.down
		bs = append(bs, k)
	}
	var prevMean int64
	for i := range bs {
		if good := bs[i].up + bs[i].deg; good > 0 {
			bs[i].sum = prevMean*good + r.varint()
			prevMean = bs[i].sum / good
			bs[i].min, bs[i].max = bs[i].sum, bs[i].sum
		}
	}
	for i := range bs {
		if good := bs[i].up + bs[i].deg; good >= 2 {
			bs[i].min = bs[i].sum/good - int64(r.uvarint())
			bs[i].max = bs[i].sum - bs[i].min
		}
	}
	for i := range bs {
		if good := bs[i].up + bs[i].deg; good >= 3 {
			bs[i].max = bs[i].sum/good + int64(r.uvarint())
		}
	}
	if r.err == nil && len(r.b) != 0 {
		return nil, errCorrupt
	}
	return bs, r.err
}

// mergeBuckets adds the aggregates in add (keyed by slot) into bs, keeping
// slot order.
func mergeBuckets(bs []bucket, add map[int]agg) []bucket {
	for i := range bs {
		if a, ok := add[bs[i].slot]; ok {
			bs[i].agg.add(a)
			delete(add, bs[i].slot)
		}
	}
	for slot, a := range add {
		bs = append(bs, bucket{slot: slot, agg: a})
	}
	// Insertion sort: rows are short and nearly sorted.
	for i := 1; i < len(bs); i++ {
		for j := i; j > 0 && bs[j].slot < bs[j-1].slot; j-- {
			bs[j], bs[j-1] = bs[j-1], bs[j]
		}
	}
	return bs
}
