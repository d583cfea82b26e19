package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"sync/atomic"
	"testing"

	"sitrep"
)

// TestOnEventsAfterCommit: the hook fires once per commit that wrote
// outbox events, and never for a rolled-back one or one without events, so
// the dispatcher can rely on it instead of polling quickly.
func TestOnEventsAfterCommit(t *testing.T) {
	for name, open := range map[string]func(testing.TB, Options) *Store{"sqlite": openSQLiteT, "postgres": openPostgresT} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := open(t, Options{})
			var kicks atomic.Int32
			s.OnEvents(func() { kicks.Add(1) })
			ev := []sitrep.Event{{Kind: sitrep.EventIncidentUpdated, At: outboxT0, OrderKey: "incident:x"}}

			if err := s.AddEvents(ctx, ev); err != nil {
				t.Fatal(err)
			}
			if got := kicks.Load(); got != 1 {
				t.Fatalf("after a commit with events: %d kicks, want 1", got)
			}
			boom := errors.New("boom")
			err := s.Transact(ctx, func(tx *sql.Tx) error {
				if err := s.writeEvents(ctx, tx, ev); err != nil {
					return err
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("rolled-back transaction: %v", err)
			}
			if err := s.Transact(ctx, func(*sql.Tx) error { return nil }); err != nil {
				t.Fatal(err)
			}
			if got := kicks.Load(); got != 1 {
				t.Fatalf("after a rollback and an empty commit: %d kicks, want still 1", got)
			}
		})
	}
}
