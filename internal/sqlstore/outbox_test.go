package sqlstore

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"sitrep"
)

var outboxT0 = time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)

// fillOutbox adds one event with n deliveries to distinct recipients.
func fillOutbox(t testing.TB, s *Store, id string, n int) {
	t.Helper()
	ctx := context.Background()
	if err := s.AddEvents(ctx, []sitrep.Event{{ID: id, Kind: sitrep.EventIncidentUpdated, At: outboxT0, OrderKey: "incident:" + id}}); err != nil {
		t.Fatal(err)
	}
	ds := make([]sitrep.Delivery, n)
	for i := range ds {
		to := fmt.Sprintf("u%d@example.com", i)
		ds[i] = sitrep.Delivery{Channel: "subscriber:email", Recipient: to, IdempotencyKey: id + "/" + to,
			CreatedAt: outboxT0, NextAttemptAt: outboxT0}
	}
	if err := s.ExpandEvent(ctx, id, ds); err != nil {
		t.Fatal(err)
	}
}

// TestConcurrentClaimsDisjoint: several dispatchers claiming at once never
// get the same delivery (FOR UPDATE SKIP LOCKED on PostgreSQL, the one
// writer on SQLite) and together get all of them.
func TestConcurrentClaimsDisjoint(t *testing.T) {
	for name, open := range map[string]func(testing.TB, Options) *Store{"sqlite": openSQLiteT, "postgres": openPostgresT} {
		t.Run(name, func(t *testing.T) {
			s := open(t, Options{})
			const n = 300
			fillOutbox(t, s, "e1", n)
			var mu sync.Mutex
			seen := map[string]int{}
			var wg sync.WaitGroup
			for range 4 {
				wg.Go(func() {
					for {
						ds, err := s.DueDeliveries(context.Background(), outboxT0, 7)
						if err != nil {
							t.Error(err)
							return
						}
						if len(ds) == 0 {
							return
						}
						mu.Lock()
						for _, d := range ds {
							seen[d.ID]++
						}
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			if len(seen) != n {
				t.Errorf("claimed %d distinct deliveries, want %d", len(seen), n)
			}
			for id, c := range seen {
				if c != 1 {
					t.Errorf("delivery %s claimed %d times", id, c)
				}
			}
		})
	}
}

// BenchmarkClaimAndRecord measures the outbox's hot path on SQLite: claim
// a batch of 100 due deliveries, then record each as delivered (one
// synchronous=FULL transaction per attempt, as the dispatcher does).
func BenchmarkClaimAndRecord(b *testing.B) {
	s := openSQLiteT(b, Options{})
	ctx := context.Background()
	const batch = 100
	fillOutbox(b, s, "e0", 20000)
	now := outboxT0
	n, ev := 0, 0
	for b.Loop() {
		ds, err := s.DueDeliveries(ctx, now, batch)
		if err != nil {
			b.Fatal(err)
		}
		if len(ds) == 0 {
			b.StopTimer()
			ev++
			fillOutbox(b, s, fmt.Sprint("e", ev), 20000)
			b.StartTimer()
			continue
		}
		for _, d := range ds {
			d.State, d.Attempts, d.DeliveredAt = sitrep.DeliveryDelivered, 1, now
			if err := s.RecordAttempt(ctx, d); err != nil {
				b.Fatal(err)
			}
		}
		n += len(ds)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "deliveries/s")
}
