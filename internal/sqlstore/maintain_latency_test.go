package sqlstore

import (
	"context"
	"slices"
	"testing"
	"time"
)

// BenchmarkAppendDuringMaintain measures how long a result batch waits while
// Maintain compacts a minute of 20,000 monitors at a 60 s interval (the
// block and rollup rows of the hour already exist, as in steady state). A
// batch of one second's results is appended every 50 ms while Maintain
// runs; the figures are the append latencies over all iterations.
// Run with: go test -run XXX -bench AppendDuringMaintain -benchtime 5x ./internal/sqlstore
func BenchmarkAppendDuringMaintain(b *testing.B) {
	ctx := context.Background()
	s := openSQLiteT(b, Options{})
	g := newSynth(20000, time.Minute)
	at := t0
	fill := func() {
		for range 60 {
			if err := s.AppendResults(ctx, g.second(at)); err != nil {
				b.Fatal(err)
			}
			at = at.Add(time.Second)
		}
	}
	fill()
	if err := s.Maintain(ctx, at); err != nil {
		b.Fatal(err)
	}
	var lats []time.Duration
	var maintain time.Duration
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		fill()
		b.StartTimer()
		done := make(chan error, 1)
		start := time.Now()
		go func() {
			err := s.Maintain(ctx, at)
			maintain += time.Since(start)
			done <- err
		}()
		tick := time.NewTicker(50 * time.Millisecond)
	loop:
		for {
			select {
			case err := <-done:
				if err != nil {
					b.Fatal(err)
				}
				break loop
			case <-tick.C:
				batch := g.second(at)
				at = at.Add(time.Second)
				t := time.Now()
				if err := s.AppendResults(ctx, batch); err != nil {
					b.Fatal(err)
				}
				lats = append(lats, time.Since(t))
			}
		}
		tick.Stop()
	}
	b.StopTimer()
	if len(lats) == 0 {
		return
	}
	slices.Sort(lats)
	pct := func(p float64) float64 {
		return float64(lats[min(len(lats)-1, int(p*float64(len(lats))))]) / float64(time.Millisecond)
	}
	b.ReportMetric(pct(0.5), "append-p50-ms")
	b.ReportMetric(pct(0.99), "append-p99-ms")
	b.ReportMetric(pct(1), "append-max-ms")
	b.ReportMetric(float64(len(lats))/float64(b.N), "appends/op")
	b.ReportMetric(float64(maintain)/float64(time.Millisecond)/float64(b.N), "maintain-ms/op")
}
