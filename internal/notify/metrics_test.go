package notify

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"sitrep"
	"sitrep/internal/clock"
)

type recMetrics struct {
	mu       sync.Mutex
	outcomes map[string]int // "channel outcome"
	ages     []time.Duration
}

func (m *recMetrics) Attempt(channel string, o Outcome, latency time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.outcomes[channel+" "+string(o)]++
}

func (m *recMetrics) QueueAge(channel string, age time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ages = append(m.ages, age)
}

func (m *recMetrics) count(k string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.outcomes[k]
}

func TestMetricsOutcomes(t *testing.T) {
	clk := clock.NewManual(t0)
	var n int
	var mu sync.Mutex
	flaky := &fakeSender{clock: clk, fn: func(context.Context, string, sitrep.Message) error {
		mu.Lock()
		defer mu.Unlock()
		n++
		if n == 1 {
			return errors.New("timeout")
		}
		return nil
	}}
	perm := &fakeSender{clock: clk, fn: func(context.Context, string, sitrep.Message) error {
		return &sitrep.PermanentError{Err: errors.New("invalid chat id")}
	}}
	m := &recMetrics{outcomes: map[string]int{}}
	h := start(t, nil, clk, Options{
		Expanders: []Expander{fanout([2]string{"hook", "a"}, [2]string{"tg", "b"})},
		Router:    Router{Senders: map[string]sitrep.Sender{"hook": flaky, "tg": perm}},
		Metrics:   m,
	})
	h.add(sitrep.Event{ID: "1", Kind: sitrep.EventAlertTriggered})
	eventually(t, "both settled", h.tick(time.Second), func() bool {
		return h.inState(sitrep.DeliveryDelivered, 1)() && h.inState(sitrep.DeliveryFailed, 1)()
	})
	for k, want := range map[string]int{"hook retry": 1, "hook delivered": 1, "tg failed": 1} {
		if got := m.count(k); got != want {
			t.Errorf("%s = %d, want %d (all: %v)", k, got, want, m.outcomes)
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.ages) != 3 || m.ages[len(m.ages)-1] <= 0 {
		t.Errorf("queue ages = %v, want 3 with the retry's age above 0", m.ages)
	}
}

// TestPerRecipientBreaker: one dead subscriber webhook opens only its own
// circuit; the others on the same lane keep being delivered.
func TestPerRecipientBreaker(t *testing.T) {
	clk := clock.NewManual(t0)
	s := &fakeSender{clock: clk, fn: func(ctx context.Context, to string, m sitrep.Message) error {
		if to == "https://dead.example" {
			return errors.New("connection refused")
		}
		return nil
	}}
	h := start(t, nil, clk, Options{
		Expanders: []Expander{ExpanderFunc(func(ctx context.Context, e sitrep.Event) ([]sitrep.Delivery, error) {
			to := "https://ok.example"
			if e.ID[0] == 'd' {
				to = "https://dead.example"
			}
			return []sitrep.Delivery{{Channel: "subscriber:webhook", Recipient: to}}, nil
		})},
		Router:  Router{Senders: map[string]sitrep.Sender{"subscriber:webhook": s}},
		Limits:  map[string]Limits{"subscriber:webhook": {Workers: 1, PerRecipient: true, BreakerThreshold: 2}},
		Backoff: Backoff{Base: time.Second, Cap: time.Second},
	})
	// Three failures in a row from the dead webhook come first.
	var evs []sitrep.Event
	for i := range 3 {
		evs = append(evs, sitrep.Event{ID: fmt.Sprint("d", i), Kind: sitrep.EventIncidentOpened, OrderKey: fmt.Sprint("incident:d", i)})
	}
	for i := range 5 {
		evs = append(evs, sitrep.Event{ID: fmt.Sprint("o", i), Kind: sitrep.EventIncidentOpened, OrderKey: fmt.Sprint("incident:o", i)})
	}
	h.add(evs...)
	eventually(t, "the healthy webhook", h.tick(time.Second), func() bool {
		n := 0
		for _, x := range s.delivered() {
			if x.to == "https://ok.example" {
				n++
			}
		}
		return n == 5
	})
	if took := clk.Now().Sub(t0); took >= time.Minute {
		t.Errorf("healthy webhook done after %s: it waited for the dead one's circuit (cooldown 1 min)", took)
	}
}
