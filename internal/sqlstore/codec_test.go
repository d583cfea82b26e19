package sqlstore

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

func TestRebind(t *testing.T) {
	tests := []struct{ in, sqlite, pg string }{
		{"SELECT 1", "SELECT 1", "SELECT 1"},
		{"a = ? AND b = ?", "a = ? AND b = ?", "a = $1 AND b = $2"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := sqliteDialect.rebind(tt.in); got != tt.sqlite {
				t.Errorf("sqlite: %q", got)
			}
			if got := postgresDialect.rebind(tt.in); got != tt.pg {
				t.Errorf("postgres: %q", got)
			}
		})
	}
}

func TestBlockRoundTrip(t *testing.T) {
	const start = 1_773_100_800_000
	rng := rand.New(rand.NewPCG(3, 4))
	long := make([]raw, 500)
	for i := range long {
		long[i] = raw{mon: 7, ms: start + int64(i)*30_000 + rng.Int64N(50), status: uint8(1 + rng.IntN(3)), loc: int64(rng.IntN(40)), lat: rng.Int64N(100_000)}
		if long[i].status != 1 {
			long[i].err = 1 + rng.Int64N(1000)
		}
	}
	tests := []struct {
		name string
		rs   []raw
	}{
		{"one", []raw{{mon: 7, ms: start + 5, status: 1, loc: 1, lat: 200}}},
		{"same time, two locations", []raw{{mon: 7, ms: start, status: 1, loc: 1, lat: 3}, {mon: 7, ms: start, status: 3, loc: 2, err: 9}}},
		{"late result before block start", []raw{{mon: 7, ms: start - 10, status: 2, loc: 0, lat: 1}}},
		{"many, compressed or not", long},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]raw(nil), tt.rs...)
			b := encodeBlock(start, in)
			got, err := decodeBlock(nil, 7, start, b)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, in) {
				t.Fatalf("round trip differs:\n got %v\nwant %v", got, in)
			}
		})
	}
}

func TestLogRoundTrip(t *testing.T) {
	in := []raw{
		{mon: 1, ms: 1000, status: 1, loc: 1, lat: 5},
		{mon: 300, ms: 900, status: 3, loc: 2, err: 77},
		{mon: 1, ms: 2000, status: 2, loc: 1, lat: 1 << 40, err: 1},
	}
	got, err := decodeLog(nil, encodeLog(in), 0)
	if err != nil || !reflect.DeepEqual(got, in) {
		t.Fatalf("decodeLog = %v, %v; want %v", got, err, in)
	}
	got, _ = decodeLog(nil, encodeLog(in), 300)
	if len(got) != 1 || got[0].mon != 300 {
		t.Fatalf("filtered decodeLog = %v", got)
	}
}

func TestRollupRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		bs   []bucket
	}{
		{"empty", nil},
		{"only down", []bucket{{slot: 3, agg: agg{down: 2}}}},
		{"one good", []bucket{{slot: 0, agg: agg{up: 1, sum: 50, min: 50, max: 50}}}},
		{"two good", []bucket{{slot: 59, agg: agg{up: 1, deg: 1, sum: 90, min: 40, max: 50}}}},
		{"mixed", []bucket{
			{slot: 0, agg: agg{up: 120, sum: 120 * 300, min: 250, max: 900}},
			{slot: 1, agg: agg{up: 100, deg: 10, down: 10, sum: 110 * 310, min: 1, max: 90_000}},
			{slot: 30, agg: agg{down: 120}},
			{slot: 63, agg: agg{up: 3, sum: 7, min: 1, max: 4}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeRollup(encodeRollup(tt.bs))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) == 0 && len(tt.bs) == 0 {
				return
			}
			if !reflect.DeepEqual(got, tt.bs) {
				t.Fatalf("round trip differs:\n got %+v\nwant %+v", got, tt.bs)
			}
		})
	}
}

// FuzzDecode checks that damaged stored bytes give an error, never a panic.
func FuzzDecode(f *testing.F) {
	f.Add(encodeBlock(0, []raw{{ms: 5, status: 1, lat: 3}}))
	f.Add(encodeRollup([]bucket{{slot: 1, agg: agg{up: 2, sum: 4, min: 1, max: 3}}}))
	f.Add(encodeLog([]raw{{mon: 1, ms: 5, status: 3, err: 2}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = decodeBlock(nil, 1, 0, b)
		_, _ = decodeRollup(b)
		_, _ = decodeLog(nil, b, 0)
	})
}
