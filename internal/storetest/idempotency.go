package storetest

import (
	"sync"
	"testing"
	"time"

	"sitrep"
)

// idempotencyCases are registered in Run.
var idempotencyCases = []tcase{
	{"IdempotencyKeys", testIdempotencyKeys},
	{"IdempotencyConcurrentReserve", testIdempotencyConcurrent},
}

func idempotencyOf(t *testing.T, s sitrep.Store) sitrep.IdempotencyStore {
	t.Helper()
	is, ok := s.(sitrep.IdempotencyStore)
	if !ok {
		t.Skip("store does not keep idempotency keys")
	}
	return is
}

func testIdempotencyKeys(t *testing.T, s sitrep.Store) {
	is, ctx := idempotencyOf(t, s), ctxOf(t)
	rec := sitrep.IdempotencyRecord{Scope: "token:a", Key: "k1", RequestHash: "h1", CreatedAt: base}
	expire, stale := base.Add(-sitrep.IdempotencyTTL), base.Add(-time.Minute)
	if held, err := is.ReserveIdempotencyKey(ctx, rec, expire, stale); err != nil || held != nil {
		t.Fatalf("first reserve = %+v, %v; want nil, nil", held, err)
	}
	held, err := is.ReserveIdempotencyKey(ctx, rec, expire, stale)
	if err != nil || held == nil || held.Done || held.RequestHash != "h1" {
		t.Fatalf("second reserve while running = %+v, %v; want the pending record", held, err)
	}
	// Another scope with the same key is another request.
	other := rec
	other.Scope = "token:b"
	if held, err := is.ReserveIdempotencyKey(ctx, other, expire, stale); err != nil || held != nil {
		t.Fatalf("reserve in another scope = %+v, %v; want nil, nil", held, err)
	}
	body := []byte(`{"id":"inc-1","title":"` + nasty + `"}`)
	if err := is.CompleteIdempotencyKey(ctx, rec.Scope, rec.Key, sitrep.IdempotencyAnswer{
		Status: 201, ContentType: "application/json", Location: "/api/v1/incidents/inc-1", Body: body}); err != nil {
		t.Fatal(err)
	}
	if err := is.ReleaseIdempotencyKey(ctx, rec.Scope, rec.Key); err != nil {
		t.Fatal(err)
	}
	held, err = is.ReserveIdempotencyKey(ctx, rec, expire, stale.Add(time.Hour))
	if err != nil || held == nil || !held.Done || held.Answer.Status != 201 || string(held.Answer.Body) != string(body) ||
		held.Answer.ContentType != "application/json" || held.Answer.Location != "/api/v1/incidents/inc-1" || !held.CreatedAt.Equal(base) {
		t.Fatalf("reserve after completion = %+v, %v; want the stored answer (release must not drop it)", held, err)
	}

	// A pending record older than staleBefore is taken over.
	if held, err := is.ReserveIdempotencyKey(ctx, other, expire, base.Add(time.Second)); err != nil || held != nil {
		t.Fatalf("reserve over a stale pending record = %+v, %v; want nil, nil", held, err)
	}
	// A done record is replaced once it expires.
	later := rec
	later.CreatedAt = base.Add(sitrep.IdempotencyTTL + time.Minute)
	if held, err := is.ReserveIdempotencyKey(ctx, later, later.CreatedAt.Add(-sitrep.IdempotencyTTL), later.CreatedAt); err != nil || held != nil {
		t.Fatalf("reserve after expiry = %+v, %v; want nil, nil", held, err)
	}
	if err := is.ReleaseIdempotencyKey(ctx, later.Scope, later.Key); err != nil {
		t.Fatal(err)
	}
	if held, err := is.ReserveIdempotencyKey(ctx, later, expire, stale); err != nil || held != nil {
		t.Fatalf("reserve after release = %+v, %v; want nil, nil", held, err)
	}
	n, err := is.PurgeIdempotencyKeys(ctx, base.Add(time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("purge = %d, %v; want 1 (the other scope's record)", n, err)
	}
}

func testIdempotencyConcurrent(t *testing.T, s sitrep.Store) {
	is, ctx := idempotencyOf(t, s), ctxOf(t)
	rec := sitrep.IdempotencyRecord{Scope: "token:a", Key: "race", RequestHash: "h", CreatedAt: base}
	const n = 8
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		wins int
	)
	for range n {
		wg.Go(func() {
			held, err := is.ReserveIdempotencyKey(ctx, rec, base.Add(-time.Hour), base.Add(-time.Minute))
			if err != nil {
				t.Error(err)
				return
			}
			if held == nil {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if wins != 1 {
		t.Fatalf("%d of %d concurrent reservations won; want exactly 1", wins, n)
	}
}
