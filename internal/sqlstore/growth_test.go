package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"sitrep"
)

// synth produces a steady state: monitors on a fixed interval, each at its
// own offset within it, with a few ms of scheduling jitter, a per-monitor
// latency with noise, and rare failures with a handful of error texts.
type synth struct {
	monitors int
	interval time.Duration
	rng      *rand.Rand
	ids      []string
	baseLat  []time.Duration
}

func newSynth(monitors int, interval time.Duration) *synth {
	g := &synth{monitors: monitors, interval: interval, rng: rand.New(rand.NewPCG(1, 2))}
	for i := range monitors {
		g.ids = append(g.ids, fmt.Sprintf("monitor-%05d", i))
		g.baseLat = append(g.baseLat, time.Duration(10+g.rng.IntN(290))*time.Millisecond)
	}
	return g
}

var synthErrors = []string{"connect: connection refused", "status 503, expected 200", "timeout after 10s"}

// second returns the results whose scheduled time falls in [t, t+1s).
func (g *synth) second(t time.Time) []sitrep.Result {
	var out []sitrep.Result
	per := int(g.interval / time.Second)
	slot := int(t.Unix() % int64(per))
	for i := slot; i < g.monitors; i += per {
		at := t.Add(time.Duration(g.rng.IntN(30)) * time.Millisecond)
		r := sitrep.Result{
			MonitorID: g.ids[i],
			Location:  []string{"oslo", "us-east"}[i%2],
			Time:      at,
			Status:    sitrep.ResultUp,
			Latency:   g.baseLat[i] + time.Duration(g.rng.NormFloat64()*float64(g.baseLat[i]/20)),
		}
		if g.rng.IntN(200) == 0 {
			r.Status, r.Error = sitrep.ResultDown, synthErrors[g.rng.IntN(len(synthErrors))]
		}
		out = append(out, r)
	}
	return out
}

// run feeds hours of results, one batch a second and Maintain every minute.
func (g *synth) run(ctx context.Context, tb testing.TB, s *Store, from time.Time, d time.Duration) (n int) {
	for t := from; t.Before(from.Add(d)); t = t.Add(time.Second) {
		rs := g.second(t)
		n += len(rs)
		if err := s.AppendResults(ctx, rs); err != nil {
			tb.Fatal(err)
		}
		if t.Second() == 59 {
			if err := s.Maintain(ctx, t); err != nil {
				tb.Fatal(err)
			}
		}
	}
	return n
}

func fileSize(tb testing.TB, s *Store) int64 {
	if _, err := s.w.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		tb.Fatal(err)
	}
	fi, err := os.Stat(s.path)
	if err != nil {
		tb.Fatal(err)
	}
	return fi.Size() + s.walSize()
}

// pageBytes sums the pages (used or not) of the tables and indexes given,
// from SQLite's dbstat table.
func pageBytes(tb testing.TB, s *Store, names ...string) int64 {
	var total int64
	for _, n := range names {
		var v sql.NullInt64
		if err := s.r.QueryRow(`SELECT SUM(pgsize) FROM dbstat WHERE name = ?`, n).Scan(&v); err != nil {
			tb.Fatal(err)
		}
		total += v.Int64
	}
	return total
}

var (
	rawObjects    = []string{"result_blocks", "sqlite_autoindex_result_blocks_1", "result_blocks_start"}
	rollupObjects = []string{"rollups", "rollups_res_start"}
	dictObjects   = []string{"result_errors", "sqlite_autoindex_result_errors_1"}
)

// BenchmarkHourGrowth measures the real (VACUUM-free) growth of the SQLite
// file per raw result over one steady-state hour of 2,000 monitors at a 30 s
// interval, after a first hour that fills the recent log and free lists.
// It reports the whole file and, from dbstat, the parts taken by raw blocks,
// rollups and the error-text dictionary (pages including their slack).
// Run with: go test -run XXX -bench HourGrowth -benchtime 1x ./internal/sqlstore
func BenchmarkHourGrowth(b *testing.B) {
	for range b.N {
		ctx := context.Background()
		s := openSQLiteT(b, Options{})
		g := newSynth(2000, 30*time.Second)
		start := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
		g.run(ctx, b, s, start, time.Hour)
		before := fileSize(b, s)
		rawBefore, rollBefore, dictBefore := pageBytes(b, s, rawObjects...), pageBytes(b, s, rollupObjects...), pageBytes(b, s, dictObjects...)
		n := g.run(ctx, b, s, start.Add(time.Hour), time.Hour)
		if err := s.Maintain(ctx, start.Add(2*time.Hour)); err != nil {
			b.Fatal(err)
		}
		after := fileSize(b, s)
		rawAfter, rollAfter, dictAfter := pageBytes(b, s, rawObjects...), pageBytes(b, s, rollupObjects...), pageBytes(b, s, dictObjects...)
		var blockBytes, blocks int64
		if err := s.r.QueryRow(`SELECT SUM(length(data)), COUNT(*) FROM result_blocks WHERE start_ms = ?`,
			start.Add(time.Hour).UnixMilli()).Scan(&blockBytes, &blocks); err != nil {
			b.Fatal(err)
		}
		per := func(v int64) float64 { return float64(v) / float64(n) }
		b.ReportMetric(per(after-before), "file-B/result")
		b.ReportMetric(per(rawAfter-rawBefore), "raw-B/result")
		b.ReportMetric(per(rollAfter-rollBefore), "rollup-B/result")
		b.ReportMetric(per(blockBytes), "blob-B/result")
		// New error texts still arrive in the second hour (each monitor
		// fails about once an hour); in a long steady state they stop.
		b.ReportMetric(per(dictAfter-dictBefore), "errtext-B/result")
		b.Logf("hour 2: %d results, file %d -> %d bytes, %d blocks of %d bytes", n, before, after, blocks, blockBytes)
	}
}
