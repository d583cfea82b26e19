package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"sitrep"
)

// BenchmarkAppendResults writes batches of 1,000 results of 1,000 monitors,
// as the engine does every second at 10,000 monitors / 10 s.
func BenchmarkAppendResults(b *testing.B) {
	ctx := context.Background()
	s := openSQLiteT(b, Options{})
	g := newSynth(10000, 10*time.Second)
	at := t0
	batch := g.second(at)
	b.ResetTimer()
	n := 0
	for range b.N {
		at = at.Add(time.Second)
		for i := range batch {
			batch[i].Time = batch[i].Time.Add(10 * time.Second)
		}
		if err := s.AppendResults(ctx, batch); err != nil {
			b.Fatal(err)
		}
		n += len(batch)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "results/s")
}

// BenchmarkMaintainMinute compacts one minute of 10,000 monitors at a 30 s
// interval (20,000 results) into blocks and rollups.
func BenchmarkMaintainMinute(b *testing.B) {
	ctx := context.Background()
	s := openSQLiteT(b, Options{})
	g := newSynth(10000, 30*time.Second)
	at := t0
	n := 0
	for range b.N {
		b.StopTimer()
		for range 60 {
			rs := g.second(at)
			n += len(rs)
			if err := s.AppendResults(ctx, rs); err != nil {
				b.Fatal(err)
			}
			at = at.Add(time.Second)
		}
		b.StartTimer()
		if err := s.Maintain(ctx, at); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/float64(b.N), "results/op")
}

// BenchmarkResults reads one monitor's results from a store holding a day of
// 500 monitors at 30 s, the last minutes still in the recent log.
func BenchmarkResults(b *testing.B) {
	ctx := context.Background()
	s := openSQLiteT(b, Options{})
	g := newSynth(500, 30*time.Second)
	end := t0.Add(24 * time.Hour)
	for at := t0; at.Before(end); at = at.Add(time.Minute) {
		var rs []sitrep.Result
		for sec := range 60 {
			rs = append(rs, g.second(at.Add(time.Duration(sec)*time.Second))...)
		}
		if err := s.AppendResults(ctx, rs); err != nil {
			b.Fatal(err)
		}
		if at.Minute() == 0 || at.Add(5*time.Minute).After(end) {
			continue // leave the last minutes in the log
		}
		if at.Minute()%30 == 0 {
			if err := s.Maintain(ctx, at); err != nil {
				b.Fatal(err)
			}
		}
	}
	for _, span := range []time.Duration{time.Hour, 24 * time.Hour} {
		b.Run(fmt.Sprintf("last%s", span), func(b *testing.B) {
			n := 0
			for i := range b.N {
				rs, err := s.Results(ctx, g.ids[i%len(g.ids)], end.Add(-span), end)
				if err != nil {
					b.Fatal(err)
				}
				n += len(rs)
			}
			b.ReportMetric(float64(n)/float64(b.N), "results/op")
		})
	}
}

// BenchmarkRollupYearSize writes a year of hour rollups (a row per day) and
// day rollups (a row per month) for a sample of monitors the way Maintain
// leaves them, and extrapolates the SQLite pages they take to 10,000
// monitors.
// Run with: go test -run XXX -bench RollupYearSize -benchtime 1x ./internal/sqlstore
func BenchmarkRollupYearSize(b *testing.B) {
	const sample = 200
	for range b.N {
		ctx := context.Background()
		s := openSQLiteT(b, Options{})
		rng := rand.New(rand.NewPCG(5, 6))
		mons := make([]int64, sample)
		base := make([]int64, sample)
		if err := s.Transact(ctx, func(tx *sql.Tx) error {
			for i := range mons {
				var err error
				if mons[i], err = s.ensureMonitor(ctx, tx, fmt.Sprintf("monitor-%d", i)); err != nil {
					return err
				}
				base[i] = int64(100 + rng.IntN(2900)) // 10–300 ms in latencyUnit
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
		start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		for day := range 365 {
			d := start.AddDate(0, 0, day)
			hours := map[rollupKey]map[int]agg{}
			for i, m := range mons {
				hs := map[int]agg{}
				var dayAgg agg
				for h := range 24 {
					a := hourAgg(rng, base[i])
					hs[h] = a
					dayAgg.add(a)
				}
				dayStart, _ := rowOf(resHour, d.UnixMilli())
				hours[rollupKey{m, resHour, dayStart}] = hs
				// The month row grows by a day each day, as Maintain does it.
				monthStart, _ := rowOf(resDay, d.UnixMilli())
				hours[rollupKey{m, resDay, monthStart}] = map[int]agg{d.Day() - 1: dayAgg}
			}
			if err := s.Transact(ctx, func(tx *sql.Tx) error {
				return s.mergeRollups(ctx, tx, hours)
			}); err != nil {
				b.Fatal(err)
			}
		}
		bytes := pageBytes(b, s, rollupObjects...)
		perMonitor := float64(bytes) / sample
		b.ReportMetric(perMonitor, "B/monitor-year")
		b.ReportMetric(perMonitor*10000/(1<<30), "GiB/10k-monitor-year")
	}
}

// hourAgg is an hour of a monitor at a 30 s interval: 120 results, a rare
// failure, latency noise of 5 %.
func hourAgg(rng *rand.Rand, base int64) agg {
	var a agg
	for range 120 {
		if rng.IntN(200) == 0 {
			a.add(agg{down: 1})
			continue
		}
		l := base + int64(rng.NormFloat64()*float64(base)/20)
		a.add(agg{up: 1, sum: l, min: l, max: l})
	}
	return a
}
