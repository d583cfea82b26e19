package notify

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"sitrep"
)

// memStore is an in-memory sitrep.OutboxStore with the same claim, lease
// and ordering rules as internal/sqlstore (whose conformance suite checks
// the real thing).
type memStore struct {
	lease time.Duration

	mu         sync.Mutex
	seq        int
	events     []*memEvent
	deliveries []*memDelivery
	keys       map[string]bool
	claims     int
	reads      int // PendingEvents calls
}

type memEvent struct {
	seq      int
	e        sitrep.Event
	expanded bool
}

type memDelivery struct {
	seq, eventSeq int
	d             sitrep.Delivery
}

var errDead = fmt.Errorf("process is dead")

func newMemStore() *memStore { return &memStore{lease: 2 * time.Minute, keys: map[string]bool{}} }

func (s *memStore) AddEvents(ctx context.Context, events []sitrep.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range events {
		s.seq++
		if e.ID == "" {
			e.ID = fmt.Sprintf("e%d", s.seq)
		}
		s.events = append(s.events, &memEvent{seq: s.seq, e: e})
	}
	return nil
}

func (s *memStore) PendingEvents(ctx context.Context, limit int) ([]sitrep.Event, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reads++
	var out []sitrep.Event
	for _, e := range s.events {
		if !e.expanded && len(out) < limit {
			out = append(out, e.e)
		}
	}
	return out, nil
}

func (s *memStore) ExpandEvent(ctx context.Context, id string, ds []sitrep.Delivery) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.events {
		if e.e.ID != id {
			continue
		}
		if e.expanded {
			return nil
		}
		for _, d := range ds {
			if s.keys[d.IdempotencyKey] {
				continue
			}
			s.keys[d.IdempotencyKey] = true
			s.seq++
			d.ID = fmt.Sprintf("d%d", s.seq)
			s.deliveries = append(s.deliveries, &memDelivery{seq: s.seq, eventSeq: e.seq, d: d})
		}
		e.expanded = true
		return nil
	}
	return sitrep.Errorf(sitrep.ENOTFOUND, "no event %q", id)
}

type memGroup struct{ order, channel, recipient string }

func (s *memStore) DueDeliveries(ctx context.Context, now time.Time, limit int) ([]sitrep.Delivery, error) {
	return s.DueDeliveriesExcept(ctx, now, limit, nil)
}

func (s *memStore) DueDeliveriesExcept(ctx context.Context, now time.Time, limit int, except []string) ([]sitrep.Delivery, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.claims++
	// The first pending delivery of each order group, and the first
	// unexpanded event of each order key, in one pass each.
	first := map[memGroup]*memDelivery{}
	for _, x := range s.deliveries {
		if x.d.State != sitrep.DeliveryPending || x.d.OrderKey == "" {
			continue
		}
		g := memGroup{x.d.OrderKey, x.d.Channel, x.d.Recipient}
		if f, ok := first[g]; !ok || x.eventSeq < f.eventSeq || x.eventSeq == f.eventSeq && x.seq < f.seq {
			first[g] = x
		}
	}
	unexpanded := map[string]int{}
	for _, e := range s.events {
		if _, ok := unexpanded[e.e.OrderKey]; !ok && !e.expanded {
			unexpanded[e.e.OrderKey] = e.seq
		}
	}
	var due []*memDelivery
	for _, x := range s.deliveries {
		if x.d.State != sitrep.DeliveryPending || x.d.NextAttemptAt.After(now) || slices.Contains(except, x.d.Channel) {
			continue
		}
		if x.d.OrderKey != "" {
			if first[memGroup{x.d.OrderKey, x.d.Channel, x.d.Recipient}] != x {
				continue
			}
			if seq, ok := unexpanded[x.d.OrderKey]; ok && seq < x.eventSeq {
				continue
			}
		}
		due = append(due, x)
	}
	slices.SortStableFunc(due, func(a, b *memDelivery) int { return a.d.NextAttemptAt.Compare(b.d.NextAttemptAt) })
	var out []sitrep.Delivery
	for _, x := range due {
		if len(out) == limit {
			break
		}
		x.d.NextAttemptAt = now.Add(s.lease)
		out = append(out, x.d)
	}
	return out, nil
}

func (s *memStore) RecordAttempt(ctx context.Context, d sitrep.Delivery) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range s.deliveries {
		if x.d.ID == d.ID {
			if x.d.State == sitrep.DeliveryPending {
				x.d.State, x.d.Attempts, x.d.NextAttemptAt, x.d.DeliveredAt, x.d.LastError =
					d.State, d.Attempts, d.NextAttemptAt, d.DeliveredAt, d.LastError
			}
			return nil
		}
	}
	return sitrep.Errorf(sitrep.ENOTFOUND, "no delivery %q", d.ID)
}

func (s *memStore) Deliveries(ctx context.Context, state sitrep.DeliveryState, limit int) ([]sitrep.Delivery, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []sitrep.Delivery
	for i := len(s.deliveries) - 1; i >= 0 && len(out) < limit; i-- {
		if d := s.deliveries[i].d; state == "" || d.State == state {
			out = append(out, d)
		}
	}
	return out, nil
}

func (s *memStore) RetryDelivery(ctx context.Context, id string, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range s.deliveries {
		if x.d.ID == id {
			if x.d.State != sitrep.DeliveryFailed {
				return sitrep.Errorf(sitrep.ECONFLICT, "not failed")
			}
			x.d.State, x.d.Attempts, x.d.CreatedAt, x.d.NextAttemptAt = sitrep.DeliveryPending, 0, now, now
			return nil
		}
	}
	return sitrep.Errorf(sitrep.ENOTFOUND, "no delivery %q", id)
}

func (s *memStore) Event(ctx context.Context, id string) (sitrep.Event, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.events {
		if e.e.ID == id {
			return e.e, nil
		}
	}
	return sitrep.Event{}, sitrep.Errorf(sitrep.ENOTFOUND, "no event %q", id)
}

// all returns a snapshot of every delivery in creation order.
func (s *memStore) all() []sitrep.Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]sitrep.Delivery, len(s.deliveries))
	for i, x := range s.deliveries {
		out[i] = x.d
	}
	return out
}

func (s *memStore) claimCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.claims
}

func (s *memStore) readCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reads
}
