package subscribe_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"testing"

	"sitrep"
	"sitrep/internal/subscribe"
)

// BenchmarkExpand10k expands one incident update to 10,000 confirmed
// subscribers on SQLite (a third choose a component, the rest the whole
// page), reading them in batches of 500.
func BenchmarkExpand10k(b *testing.B) {
	const n = 10000
	e := newEnv(b)
	svc, err := subscribe.New(subscribe.Options{Store: e.store, Records: e.rec, Key: testKey, BatchSize: 500}, testCatalog())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for i := range n {
		sub := &sitrep.Subscriber{ID: fmt.Sprintf("sub%013d", i), Page: "main", Kind: sitrep.SubscriberEmail,
			Address: fmt.Sprintf("user%d@example.com", i), Confirmed: true, CreatedAt: t0, ConfirmedAt: t0}
		h := sha256.Sum256([]byte(sub.ID))
		sub.ManageHash = h[:]
		if i%3 == 0 {
			sub.Components = []string{"video"}
		}
		if err := e.store.CreateSubscriber(ctx, sub); err != nil {
			b.Fatal(err)
		}
	}
	e.rec.inc["i1"] = &sitrep.Incident{ID: "i1", Title: "Video down",
		Components: []sitrep.AffectedComponent{{ComponentID: "video", Status: sitrep.StatusMajorOutage}}}
	ev := sitrep.Event{ID: "ev1", Kind: sitrep.EventIncidentUpdated, IncidentID: "i1", Components: []string{"video"}, OrderKey: "incident:i1"}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		ds, err := svc.Expand(ctx, ev)
		if err != nil {
			b.Fatal(err)
		}
		if len(ds) != n {
			b.Fatalf("%d deliveries, want %d", len(ds), n)
		}
	}
}
