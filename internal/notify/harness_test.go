package notify

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sitrep"
	"sitrep/internal/clock"
)

var t0 = time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)

// sent is one message a fake sender received.
type sent struct {
	to  string
	m   sitrep.Message
	at  time.Time
	key string
}

// fakeSender records what it is asked to send; fn decides the outcome.
type fakeSender struct {
	clock sitrep.Clock
	fn    func(ctx context.Context, to string, m sitrep.Message) error

	mu    sync.Mutex
	calls []sent
	ok    []sent
}

func (s *fakeSender) Send(ctx context.Context, to string, m sitrep.Message) error {
	x := sent{to: to, m: m, at: s.clock.Now(), key: m.IdempotencyKey}
	s.mu.Lock()
	s.calls = append(s.calls, x)
	s.mu.Unlock()
	var err error
	if s.fn != nil {
		err = s.fn(ctx, to, m)
	}
	if err == nil {
		s.mu.Lock()
		s.ok = append(s.ok, x)
		s.mu.Unlock()
	}
	return err
}

func (s *fakeSender) delivered() []sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]sent(nil), s.ok...)
}

func (s *fakeSender) attempts() []sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]sent(nil), s.calls...)
}

// fanout expands every event to the given (channel, recipient) pairs.
func fanout(targets ...[2]string) Expander {
	return ExpanderFunc(func(ctx context.Context, e sitrep.Event) ([]sitrep.Delivery, error) {
		var out []sitrep.Delivery
		for _, t := range targets {
			out = append(out, sitrep.Delivery{Channel: t[0], Recipient: t[1]})
		}
		return out, nil
	})
}

// titleComposer titles a message with the event's kind, so tests can read
// the order in which events arrived.
var titleComposer = ComposerFunc(func(ctx context.Context, e sitrep.Event, d sitrep.Delivery) (sitrep.Message, error) {
	return sitrep.Message{Title: string(e.Kind) + " " + e.OrderKey}, nil
})

type harness struct {
	t      *testing.T
	store  *memStore
	clock  *clock.Manual
	d      *Dispatcher
	cancel context.CancelFunc
	done   chan struct{}
}

// start runs a dispatcher on a fresh memStore (or the one given) and a
// manual clock; opts.Store and opts.Clock are filled in.
func start(t *testing.T, store *memStore, clk *clock.Manual, opts Options) *harness {
	t.Helper()
	if store == nil {
		store = newMemStore()
	}
	if clk == nil {
		clk = clock.NewManual(t0)
	}
	if opts.Store == nil {
		opts.Store = store
	}
	opts.Clock = clk
	if opts.Rand == nil {
		opts.Rand = func() float64 { return 0.5 }
	}
	if opts.Router.Channels == nil {
		opts.Router.Channels = titleComposer
	}
	if opts.Router.Subscribers == nil {
		opts.Router.Subscribers = titleComposer
	}
	d, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &harness{t: t, store: store, clock: clk, d: d, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(h.done)
		if err := d.Run(ctx); err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	t.Cleanup(h.stop)
	return h
}

func (h *harness) stop() {
	h.cancel()
	<-h.done
}

func (h *harness) add(events ...sitrep.Event) {
	h.t.Helper()
	for i := range events {
		if events[i].At.IsZero() {
			events[i].At = h.clock.Now()
		}
	}
	if err := h.store.AddEvents(context.Background(), events); err != nil {
		h.t.Fatal(err)
	}
	h.d.Kick()
}

// eventually waits (in real time, bounded) for cond; step runs before each
// check, typically advancing the manual clock so timers fire. It is
// waiting for goroutines, not for a schedule: with a manual clock nothing
// happens on its own.
func eventually(t *testing.T, what string, step func(), cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		if step != nil {
			step()
		}
		time.Sleep(200 * time.Microsecond)
	}
}

func (h *harness) tick(d time.Duration) func() { return func() { h.clock.Advance(d) } }

func (h *harness) inState(state sitrep.DeliveryState, n int) func() bool {
	return func() bool {
		c := 0
		for _, d := range h.store.all() {
			if d.State == state {
				c++
			}
		}
		return c == n
	}
}

// transient fails every call until healthy is set.
type toggle struct{ healthy atomic.Bool }

func (tg *toggle) send(ctx context.Context, to string, m sitrep.Message) error {
	if tg.healthy.Load() {
		return nil
	}
	return errors.New("503 Service Unavailable")
}

func events(n int, kind sitrep.EventKind, orderKey func(i int) string) []sitrep.Event {
	out := make([]sitrep.Event, n)
	for i := range out {
		out[i] = sitrep.Event{ID: fmt.Sprintf("ev%03d", i), Kind: kind, OrderKey: orderKey(i)}
	}
	return out
}
