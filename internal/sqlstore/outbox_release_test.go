package sqlstore

import (
	"context"
	"testing"
	"time"

	"sitrep"
)

// TestReleaseClaims: after a crash, the deliveries the dead process had
// claimed are due again at once; one waiting out a retry backoff is not.
func TestReleaseClaims(t *testing.T) {
	ctx := context.Background()
	s := openSQLiteT(t, Options{})
	now := time.Date(2026, 11, 22, 18, 0, 0, 0, time.UTC)
	if err := s.AddEvents(ctx, []sitrep.Event{{ID: "e1", Kind: sitrep.EventAlertTriggered, At: now}}); err != nil {
		t.Fatal(err)
	}
	ds := []sitrep.Delivery{
		{ID: "in-flight", EventID: "e1", Kind: sitrep.EventAlertTriggered, Channel: "hook", IdempotencyKey: "e1:hook", State: sitrep.DeliveryPending, CreatedAt: now, NextAttemptAt: now},
		{ID: "backing-off", EventID: "e1", Kind: sitrep.EventAlertTriggered, Channel: "mail", IdempotencyKey: "e1:mail", State: sitrep.DeliveryPending, CreatedAt: now, NextAttemptAt: now},
	}
	if err := s.ExpandEvent(ctx, "e1", ds); err != nil {
		t.Fatal(err)
	}
	claimed, err := s.DueDeliveries(ctx, now, 10)
	if err != nil || len(claimed) != 2 {
		t.Fatalf("claimed %d, %v; want both", len(claimed), err)
	}
	// The mail attempt failed and waits 30 s; the hook send never answered.
	for _, d := range claimed {
		if d.Channel == "mail" {
			d.Attempts, d.LastError, d.NextAttemptAt = 1, "timeout", now.Add(30*time.Second)
			if err := s.RecordAttempt(ctx, d); err != nil {
				t.Fatal(err)
			}
		}
	}
	restart := now.Add(5 * time.Second)
	n, err := s.ReleaseClaims(ctx, restart)
	if err != nil || n != 1 {
		t.Fatalf("ReleaseClaims = %d, %v; want 1", n, err)
	}
	due, err := s.DueDeliveries(ctx, restart, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 1 || due[0].ID != "in-flight" || due[0].IdempotencyKey != "e1:hook" {
		t.Errorf("due after restart = %+v, want only the in-flight one, with its key", due)
	}
}
