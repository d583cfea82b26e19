package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sitrep"
	"sitrep/internal/clock"
)

func TestBackoff(t *testing.T) {
	b := Backoff{} // defaults: 5 s base, 10 min cap
	cases := []struct {
		n    int
		want time.Duration
	}{
		{0, 5 * time.Second}, {1, 5 * time.Second}, {2, 10 * time.Second}, {3, 20 * time.Second},
		{7, 320 * time.Second}, {8, 10 * time.Minute}, {9, 10 * time.Minute}, {1000, 10 * time.Minute},
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.n), func(t *testing.T) {
			if got := b.Ceiling(c.n); got != c.want {
				t.Errorf("Ceiling(%d) = %s, want %s", c.n, got, c.want)
			}
			for _, r := range []float64{0, 0.25, 0.999999} {
				got := b.Delay(c.n, r)
				if got < 0 || got >= c.want && c.want > 0 {
					t.Errorf("Delay(%d, %v) = %s, want in [0, %s)", c.n, r, got, c.want)
				}
			}
			if got := b.Delay(c.n, 0.5); got != c.want/2 {
				t.Errorf("Delay(%d, 0.5) = %s, want half the ceiling %s", c.n, got, c.want/2)
			}
		})
	}
}

func TestDeliversWithDefaults(t *testing.T) {
	clk := clock.NewManual(t0)
	s := &fakeSender{clock: clk}
	h := start(t, nil, clk, Options{
		Expanders: []Expander{fanout([2]string{"pager", "key"}), fanout([2]string{SubscriberChannel, "a@example.com"})},
		Router: Router{
			Senders:        map[string]sitrep.Sender{"pager": s, "subscriber:email": s},
			SubscriberKind: func(sitrep.Delivery) string { return "email" },
			Subscribers: ComposerFunc(func(ctx context.Context, e sitrep.Event, d sitrep.Delivery) (sitrep.Message, error) {
				return sitrep.Message{Title: "for subscribers"}, nil
			}),
		},
	})
	h.add(sitrep.Event{ID: "e1", Kind: sitrep.EventIncidentOpened, OrderKey: "incident:1", IncidentID: "1"})
	eventually(t, "two deliveries", nil, h.inState(sitrep.DeliveryDelivered, 2))
	got := map[string]sent{}
	for _, x := range s.delivered() {
		got[x.to] = x
	}
	for to, title := range map[string]string{"key": "incident.opened incident:1", "a@example.com": "for subscribers"} {
		x, ok := got[to]
		if !ok {
			t.Fatalf("nothing sent to %s: %+v", to, got)
		}
		if x.m.Title != title || x.m.Kind != sitrep.EventIncidentOpened || !x.m.At.Equal(t0) || !strings.HasPrefix(x.key, "e1-") {
			t.Errorf("message to %s = %+v (key %s), want title %q, kind, time and an idempotency key from the event", to, x.m, x.key, title)
		}
	}
	if got["key"].key == got["a@example.com"].key {
		t.Errorf("two recipients share idempotency key %s", got["key"].key)
	}
	for _, d := range h.store.all() {
		if d.Attempts != 1 || !d.DeliveredAt.Equal(t0) || d.OrderKey != "incident:1" || d.Kind != sitrep.EventIncidentOpened {
			t.Errorf("stored delivery %+v", d)
		}
	}
}

// TestOrderPerIncident: an update that fails once holds back the next
// message of the same incident to the same recipient, and only that one.
func TestOrderPerIncident(t *testing.T) {
	clk := clock.NewManual(t0)
	var failedOnce atomic.Bool
	s := &fakeSender{clock: clk, fn: func(ctx context.Context, to string, m sitrep.Message) error {
		if to == "a" && strings.HasPrefix(m.Title, string(sitrep.EventIncidentUpdated)) && failedOnce.CompareAndSwap(false, true) {
			return errors.New("timeout")
		}
		return nil
	}}
	h := start(t, nil, clk, Options{
		Expanders: []Expander{fanout([2]string{"hook", "a"}, [2]string{"hook", "b"})},
		Router:    Router{Senders: map[string]sitrep.Sender{"hook": s}},
	})
	h.add(
		sitrep.Event{ID: "1", Kind: sitrep.EventIncidentOpened, OrderKey: "incident:x"},
		sitrep.Event{ID: "2", Kind: sitrep.EventIncidentUpdated, OrderKey: "incident:x"},
		sitrep.Event{ID: "3", Kind: sitrep.EventIncidentResolved, OrderKey: "incident:x"},
	)
	// b gets all three while a waits for its retry.
	eventually(t, "b's three messages and a's failure", nil, func() bool {
		return len(s.attempts()) == 5 && h.inState(sitrep.DeliveryDelivered, 4)()
	})
	eventually(t, "a's retry", h.tick(time.Second), h.inState(sitrep.DeliveryDelivered, 6))
	order := map[string][]string{}
	for _, x := range s.delivered() {
		kind, _, _ := strings.Cut(x.m.Title, " ")
		order[x.to] = append(order[x.to], kind)
	}
	want := "incident.opened incident.updated incident.resolved"
	for _, to := range []string{"a", "b"} {
		if got := strings.Join(order[to], " "); got != want {
			t.Errorf("%s received %s, want %s", to, got, want)
		}
	}
}

func TestRetryBackoffThenMaxAge(t *testing.T) {
	clk := clock.NewManual(t0)
	s := &fakeSender{clock: clk, fn: func(context.Context, string, sitrep.Message) error { return errors.New("connection refused") }}
	h := start(t, nil, clk, Options{
		Expanders: []Expander{fanout([2]string{"hook", "a"})},
		Router:    Router{Senders: map[string]sitrep.Sender{"hook": s}},
		Backoff:   Backoff{Base: 4 * time.Second, Cap: 30 * time.Second},
		MaxAge:    3 * time.Minute,
		Rand:      func() float64 { return 0.999 },
		Default:   Limits{BreakerThreshold: 1000},
	})
	h.add(sitrep.Event{ID: "1", Kind: sitrep.EventAlertTriggered})
	eventually(t, "the delivery to fail", h.tick(time.Second), h.inState(sitrep.DeliveryFailed, 1))
	calls := s.attempts()
	b := Backoff{Base: 4 * time.Second, Cap: 30 * time.Second}
	for i := 1; i < len(calls); i++ {
		gap, ceil := calls[i].at.Sub(calls[i-1].at), b.Ceiling(i)
		// The wait is 0.999 of the ceiling, seen through 1 s clock steps.
		if gap < ceil-time.Second || gap > ceil+2*time.Second {
			t.Errorf("wait before attempt %d = %s, want about %s", i+1, gap, ceil)
		}
	}
	d := h.store.all()[0]
	if d.Attempts != len(calls) || !strings.Contains(d.LastError, "gave up after") || !strings.Contains(d.LastError, "connection refused") {
		t.Errorf("failed delivery = %+v after %d calls", d, len(calls))
	}
	if last := calls[len(calls)-1].at.Sub(d.CreatedAt); last < 3*time.Minute {
		t.Errorf("gave up after %s, want at least MaxAge", last)
	}
}

func TestPermanentErrorFailsAtOnce(t *testing.T) {
	clk := clock.NewManual(t0)
	s := &fakeSender{clock: clk, fn: func(context.Context, string, sitrep.Message) error {
		return &sitrep.PermanentError{Err: errors.New("400 Bad Request: invalid address")}
	}}
	h := start(t, nil, clk, Options{
		Expanders: []Expander{fanout([2]string{"mail", "not-an-address"})},
		Router:    Router{Senders: map[string]sitrep.Sender{"mail": s}},
	})
	h.add(sitrep.Event{ID: "1", Kind: sitrep.EventIncidentOpened})
	eventually(t, "the delivery to fail", nil, h.inState(sitrep.DeliveryFailed, 1))
	d := h.store.all()[0]
	if len(s.attempts()) != 1 || d.Attempts != 1 || d.LastError != "400 Bad Request: invalid address" {
		t.Errorf("after a permanent error: %d calls, delivery %+v", len(s.attempts()), d)
	}
}

func TestNoRouteFails(t *testing.T) {
	clk := clock.NewManual(t0)
	h := start(t, nil, clk, Options{Expanders: []Expander{fanout([2]string{"removed", "x"})}})
	h.add(sitrep.Event{ID: "1", Kind: sitrep.EventIncidentOpened})
	eventually(t, "the delivery to fail", nil, h.inState(sitrep.DeliveryFailed, 1))
	if d := h.store.all()[0]; !strings.Contains(d.LastError, `no sender for channel "removed"`) {
		t.Errorf("LastError = %q", d.LastError)
	}
}

func TestExpanderErrorKeepsEventPending(t *testing.T) {
	clk := clock.NewManual(t0)
	var fail atomic.Bool
	fail.Store(true)
	flaky := ExpanderFunc(func(ctx context.Context, e sitrep.Event) ([]sitrep.Delivery, error) {
		if fail.Load() {
			return nil, errors.New("database is locked")
		}
		return []sitrep.Delivery{{Channel: "hook", Recipient: "a"}}, nil
	})
	s := &fakeSender{clock: clk}
	h := start(t, nil, clk, Options{Expanders: []Expander{flaky}, Router: Router{Senders: map[string]sitrep.Sender{"hook": s}}})
	h.add(sitrep.Event{ID: "1", Kind: sitrep.EventIncidentOpened})
	eventually(t, "a failed expansion", h.tick(time.Second), func() bool { return h.store.claimCount() >= 2 })
	if evs, _ := h.store.PendingEvents(context.Background(), 10); len(evs) != 1 {
		t.Fatalf("pending events = %v, want the event kept", evs)
	}
	fail.Store(false)
	eventually(t, "the delivery", h.tick(time.Second), h.inState(sitrep.DeliveryDelivered, 1))
}

// TestBreakerIsolatesDeadChannel: a dead provider costs threshold attempts,
// then one probe per cooldown, while another channel delivers everything.
func TestBreakerIsolatesDeadChannel(t *testing.T) {
	clk := clock.NewManual(t0)
	var dead toggle
	bad := &fakeSender{clock: clk, fn: dead.send}
	good := &fakeSender{clock: clk}
	h := start(t, nil, clk, Options{
		Expanders: []Expander{fanout([2]string{"dead", "x"}, [2]string{"good", "y"})},
		Router:    Router{Senders: map[string]sitrep.Sender{"dead": bad, "good": good}},
		Limits:    map[string]Limits{"dead": {Workers: 1, BreakerThreshold: 3, BreakerCooldown: time.Minute}},
		Backoff:   Backoff{Base: time.Hour, Cap: time.Hour},
		Rand:      func() float64 { return 0 }, // retry at once: only the breaker spaces the attempts
	})
	h.add(events(10, sitrep.EventAlertTriggered, func(i int) string { return fmt.Sprintf("alert:%d", i) })...)
	eventually(t, "the good channel", nil, func() bool { return len(good.delivered()) == 10 })
	eventually(t, "the dead channel's deliveries put off", nil, func() bool {
		n := 0
		for _, d := range h.store.all() {
			if d.Channel == "dead" && d.NextAttemptAt.After(t0) && d.LastError != "" {
				n++
			}
		}
		return n == 10
	})
	if n := len(bad.attempts()); n != 3 {
		t.Errorf("dead channel was tried %d times before the circuit opened, want 3", n)
	}
	// After the cooldown, one probe; it fails and the circuit reopens.
	h.clock.Advance(time.Minute)
	h.d.Kick()
	eventually(t, "one probe", nil, func() bool { return len(bad.attempts()) == 4 })
	// The provider comes back: the next probe closes the circuit and
	// everything is delivered.
	dead.healthy.Store(true)
	eventually(t, "the dead channel's deliveries", h.tick(10*time.Second), func() bool { return len(bad.delivered()) == 10 })
	if n := len(bad.attempts()); n != 14 {
		t.Errorf("dead channel got %d calls in all, want 3 + 1 probe + 10", n)
	}
}

// TestSlowChannelDoesNotBlockOthers: a sender that hangs fills only its
// own lane; deliveries it cannot take are handed back, not waited for.
func TestSlowChannelDoesNotBlockOthers(t *testing.T) {
	clk := clock.NewManual(t0)
	release := make(chan struct{})
	slow := &fakeSender{clock: clk, fn: func(ctx context.Context, to string, m sitrep.Message) error {
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}}
	fast := &fakeSender{clock: clk}
	h := start(t, nil, clk, Options{
		Expanders: []Expander{fanout([2]string{"slow", "x"}, [2]string{"fast", "y"})},
		Router:    Router{Senders: map[string]sitrep.Sender{"slow": slow, "fast": fast}},
		Limits:    map[string]Limits{"slow": {Workers: 1, Queue: 2}},
		Batch:     8,
	})
	h.add(events(20, sitrep.EventIncidentUpdated, func(i int) string { return fmt.Sprintf("incident:%d", i) })...)
	eventually(t, "the fast channel", nil, func() bool { return len(fast.delivered()) == 20 })
	if n := len(slow.delivered()); n != 0 {
		t.Fatalf("slow channel delivered %d while hanging", n)
	}
	close(release)
	eventually(t, "the slow channel", h.tick(time.Second), func() bool { return len(slow.delivered()) == 20 })
	eventually(t, "all recorded", nil, h.inState(sitrep.DeliveryDelivered, 40))
}

func TestRateLimit(t *testing.T) {
	clk := clock.NewManual(t0)
	s := &fakeSender{clock: clk}
	h := start(t, nil, clk, Options{
		Expanders: []Expander{fanout([2]string{"sms", "x"})},
		Router:    Router{Senders: map[string]sitrep.Sender{"sms": s}},
		Limits:    map[string]Limits{"sms": {Rate: 1, Burst: 2, Workers: 3}},
	})
	h.add(events(6, sitrep.EventAlertTriggered, func(i int) string { return fmt.Sprintf("alert:%d", i) })...)
	eventually(t, "all six", h.tick(250*time.Millisecond), func() bool { return len(s.delivered()) == 6 })
	got := s.delivered()
	for k := 2; k < len(got); k++ {
		// A burst of two, then one a second.
		if min := time.Duration(k-1) * time.Second; got[k].at.Sub(got[0].at) < min {
			t.Errorf("send %d at +%s, want at least +%s (rate 1/s, burst 2)", k+1, got[k].at.Sub(got[0].at), min)
		}
	}
}

// TestKickDeliversWithoutPolling: with a clock that never moves, the poll
// never fires; Kick after a commit is what sends.
func TestKickDeliversWithoutPolling(t *testing.T) {
	clk := clock.NewManual(t0)
	s := &fakeSender{clock: clk}
	h := start(t, nil, clk, Options{
		Expanders: []Expander{fanout([2]string{"pager", "k"})},
		Router:    Router{Senders: map[string]sitrep.Sender{"pager": s}},
		Poll:      time.Hour,
	})
	for i := range 3 {
		h.add(sitrep.Event{ID: fmt.Sprint(i), Kind: sitrep.EventAlertTriggered, OrderKey: "alert:1"})
		eventually(t, "the kicked delivery", nil, func() bool { return len(s.delivered()) == i+1 })
	}
}

// TestCrashDuringSendRedelivers: the process dies (nothing more reaches
// the store) while a send is in flight; after a restart the delivery is
// claimed again once the lease runs out and sent again with the same
// idempotency key, so a deduplicating receiver sees it once.
func TestCrashDuringSendRedelivers(t *testing.T) {
	store := newMemStore()
	clk := clock.NewManual(t0)
	inFlight := make(chan struct{}, 1)
	var mu sync.Mutex
	seen := map[string]int{}
	receiver := func(hang bool) *fakeSender {
		return &fakeSender{clock: clk, fn: func(ctx context.Context, to string, m sitrep.Message) error {
			mu.Lock()
			seen[m.IdempotencyKey]++
			mu.Unlock()
			if hang {
				inFlight <- struct{}{}
				<-ctx.Done()
				return ctx.Err()
			}
			return nil
		}}
	}
	first := receiver(true)
	dying := &killable{memStore: store}
	h1 := start(t, store, clk, Options{
		Store:     dying,
		Expanders: []Expander{fanout([2]string{"hook", "ops"})},
		Router:    Router{Senders: map[string]sitrep.Sender{"hook": first}},
	})
	h1.add(sitrep.Event{ID: "1", Kind: sitrep.EventAlertTriggered, OrderKey: "alert:1"})
	<-inFlight
	dying.dead.Store(true) // kill -9: no hand-back, no record
	h1.stop()

	second := receiver(false)
	h2 := start(t, store, clk, Options{
		Expanders: []Expander{fanout([2]string{"hook", "ops"})},
		Router:    Router{Senders: map[string]sitrep.Sender{"hook": second}},
	})
	h2.d.Kick()
	eventually(t, "redelivery after the lease", h2.tick(10*time.Second), h2.inState(sitrep.DeliveryDelivered, 1))
	if len(seen) != 1 {
		t.Errorf("receiver saw keys %v, want one key", seen)
	}
	for k, n := range seen {
		if n != 2 {
			t.Errorf("key %s sent %d times, want 2 (the in-flight one repeated once)", k, n)
		}
	}
	if at := second.delivered()[0].at; at.Sub(t0) < 2*time.Minute {
		t.Errorf("redelivered at +%s, before the lease ran out", at.Sub(t0))
	}
	if d := store.all()[0]; d.Attempts != 1 {
		t.Errorf("attempts = %d, want 1 (the lost attempt was never recorded)", d.Attempts)
	}
}

// killable makes every store call fail once dead is set.
type killable struct {
	*memStore
	dead atomic.Bool
}

func (k *killable) RecordAttempt(ctx context.Context, d sitrep.Delivery) error {
	if k.dead.Load() {
		return errDead
	}
	return k.memStore.RecordAttempt(ctx, d)
}

func (k *killable) DueDeliveries(ctx context.Context, now time.Time, limit int) ([]sitrep.Delivery, error) {
	if k.dead.Load() {
		return nil, errDead
	}
	return k.memStore.DueDeliveries(ctx, now, limit)
}

func (k *killable) PendingEvents(ctx context.Context, limit int) ([]sitrep.Event, error) {
	if k.dead.Load() {
		return nil, errDead
	}
	return k.memStore.PendingEvents(ctx, limit)
}

func TestShutdownHandsBack(t *testing.T) {
	clk := clock.NewManual(t0)
	release := make(chan struct{})
	s := &fakeSender{clock: clk, fn: func(ctx context.Context, to string, m sitrep.Message) error {
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}}
	h := start(t, nil, clk, Options{
		Expanders: []Expander{fanout([2]string{"hook", "a"})},
		Router:    Router{Senders: map[string]sitrep.Sender{"hook": s}},
		Limits:    map[string]Limits{"hook": {Workers: 1}},
	})
	h.add(events(3, sitrep.EventAlertTriggered, func(i int) string { return fmt.Sprintf("alert:%d", i) })...)
	eventually(t, "a send in flight", nil, func() bool { return len(s.attempts()) == 1 })
	h.stop()
	for _, d := range h.store.all() {
		if d.State != sitrep.DeliveryPending || d.NextAttemptAt.After(h.clock.Now()) || d.Attempts != 0 {
			t.Errorf("after shutdown %+v, want pending, due now, no attempt counted", d)
		}
	}
	close(release)
}

// TestUnkickedEventsSwept: polls do not read events (each would be a query
// a second for nothing); an event nobody kicked for, such as another
// node's, is found by the sweep within eventSweep.
func TestUnkickedEventsSwept(t *testing.T) {
	clk := clock.NewManual(t0)
	s := &fakeSender{clock: clk}
	store := newMemStore()
	start(t, store, clk, Options{
		Expanders: []Expander{fanout([2]string{"pager", "k"})},
		Router:    Router{Senders: map[string]sitrep.Sender{"pager": s}},
		Poll:      time.Second,
	})
	eventually(t, "the first round", nil, func() bool { return store.claimCount() >= 1 })
	if err := store.AddEvents(context.Background(), []sitrep.Event{{ID: "other-node", Kind: sitrep.EventAlertTriggered, OrderKey: "alert:1", At: t0}}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the swept delivery", func() { clk.Advance(100 * time.Millisecond) }, func() bool { return len(s.delivered()) == 1 })
	if waited := clk.Now().Sub(t0); waited < eventSweep || waited > eventSweep+2*time.Second {
		t.Errorf("delivered after %v of clock time, want about the sweep interval %v", waited, eventSweep)
	}
	if n := store.readCount(); n > 3 {
		t.Errorf("events read %d times in %v of polling; want only at the start and at the sweep", n, clk.Now().Sub(t0))
	}
}
