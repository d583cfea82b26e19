package sqlstore

import (
	"context"
	"fmt"
	"testing"
	"time"

	"sitrep"
)

// TestMaintainShortTransactions makes every compaction span many
// transactions, stops one halfway (as a kill between two of them would), and
// appends while another runs: every result must end up in the raw results
// and the rollups exactly once.
func TestMaintainShortTransactions(t *testing.T) {
	for _, tc := range []struct {
		name string
		open func(t *testing.T) *Store
	}{
		{"sqlite", func(t *testing.T) *Store { return openSQLiteT(t, Options{}) }},
		{"postgres", func(t *testing.T) *Store { return openPostgresT(t, Options{}) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			s := tc.open(t)
			s.compactPerTx = 50 // two batches of 25 per transaction
			const mons, batches = 25, 120
			start := time.Date(2026, 3, 10, 23, 30, 0, 0, time.UTC) // crosses an hour and a day
			batch := func(k int) []sitrep.Result {
				rs := make([]sitrep.Result, mons)
				for m := range rs {
					rs[m] = sitrep.Result{MonitorID: fmt.Sprintf("m%d", m), Location: "oslo",
						Time: start.Add(time.Duration(k) * 30 * time.Second), Status: sitrep.ResultUp, Latency: time.Millisecond}
				}
				return rs
			}
			for k := range 40 {
				if err := s.AppendResults(ctx, batch(k)); err != nil {
					t.Fatal(err)
				}
			}
			// Stop after three transactions, as a kill would.
			var last int64
			if err := s.w.QueryRowContext(ctx, `SELECT MAX(seq) FROM result_log`).Scan(&last); err != nil {
				t.Fatal(err)
			}
			for range 3 {
				if n, err := s.compact(ctx, last); err != nil || n != 2 {
					t.Fatalf("compact = %d, %v; want 2 log rows", n, err)
				}
			}
			done := make(chan error, 1)
			go func() { done <- s.Maintain(ctx, start) }()
			for k := 40; k < batches; k++ {
				if err := s.AppendResults(ctx, batch(k)); err != nil {
					t.Fatal(err)
				}
			}
			if err := <-done; err != nil {
				t.Fatalf("Maintain during appends: %v", err)
			}
			for range 2 {
				if err := s.Maintain(ctx, start); err != nil {
					t.Fatal(err)
				}
			}
			end := start.Add(batches * 30 * time.Second)
			for m := range mons {
				id := fmt.Sprintf("m%d", m)
				rs, err := s.Results(ctx, id, start, end)
				if err != nil {
					t.Fatal(err)
				}
				if len(rs) != batches {
					t.Fatalf("%s: %d raw results, want %d", id, len(rs), batches)
				}
				for _, res := range []sitrep.Resolution{sitrep.ResolutionMinute, sitrep.ResolutionHour, sitrep.ResolutionDay} {
					rus, err := s.Rollups(ctx, id, res, start.AddDate(0, -1, 0), end.AddDate(0, 1, 0))
					if err != nil {
						t.Fatal(err)
					}
					n := 0
					for _, r := range rus {
						n += r.Count()
						if res == sitrep.ResolutionMinute && r.Count() != 2 {
							t.Fatalf("%s: minute %v counts %d results, want 2", id, r.Start, r.Count())
						}
					}
					if n != batches {
						t.Fatalf("%s: %s rollups count %d results, want %d", id, res, n, batches)
					}
				}
			}
		})
	}
}
