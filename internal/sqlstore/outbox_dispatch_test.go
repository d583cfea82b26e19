package sqlstore

import (
	"context"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sitrep"
	"sitrep/internal/clock"
	"sitrep/internal/notify"
)

// TestDispatchCrashRestartSQLite runs the real dispatcher on a real SQLite
// file: an incident and its events commit together; the process "dies"
// during the send (nothing more reaches the store); a new process opens
// the same file and, once the claim lease runs out, sends the message
// again with the same idempotency key — then the update, in order.
func TestDispatchCrashRestartSQLite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sitrep.db")
	clk := clock.NewManual(outboxT0)
	var mu sync.Mutex
	var got []string // idempotency key + title, in arrival order
	hang := make(chan struct{}, 1)
	var hanging atomic.Bool
	hanging.Store(true)
	sender := senderFunc(func(ctx context.Context, to string, m sitrep.Message) error {
		mu.Lock()
		got = append(got, m.IdempotencyKey+" "+m.Title)
		mu.Unlock()
		if hanging.Load() {
			hang <- struct{}{}
			<-ctx.Done()
			return ctx.Err()
		}
		return nil
	})
	expander := notify.ExpanderFunc(func(ctx context.Context, e sitrep.Event) ([]sitrep.Delivery, error) {
		return []sitrep.Delivery{{Channel: "ops-hook", Recipient: "https://ops.example.com/hook"}}, nil
	})
	composer := notify.ComposerFunc(func(ctx context.Context, e sitrep.Event, d sitrep.Delivery) (sitrep.Message, error) {
		return sitrep.Message{Title: string(e.Kind)}, nil
	})
	run := func(store sitrep.OutboxStore) (*notify.Dispatcher, func()) {
		d, err := notify.New(notify.Options{Store: store, Clock: clk, Expanders: []notify.Expander{expander},
			Router: notify.Router{Senders: map[string]sitrep.Sender{"ops-hook": sender}, Channels: composer}})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); d.Run(ctx) }()
		return d, func() { cancel(); <-done }
	}

	s1 := openSQLiteT(t, Options{Path: path})
	inc := &sitrep.Incident{Title: "Courses down", Impact: sitrep.ImpactMajor, Status: sitrep.IncidentInvestigating,
		CreatedAt: outboxT0, UpdatedAt: outboxT0, StartedAt: outboxT0,
		Events: []sitrep.Event{{Kind: sitrep.EventIncidentOpened, OrderKey: "incident:x", At: outboxT0}}}
	if err := s1.CreateIncident(context.Background(), inc); err != nil {
		t.Fatal(err)
	}
	dying := &dyingStore{Store: s1}
	d1, stop1 := run(dying)
	d1.Kick()
	<-hang
	dying.dead.Store(true) // kill -9: the outcome never reaches the file
	stop1()
	s1.Close()

	s2 := openSQLiteT(t, Options{Path: path})
	if _, err := s2.UpdateIncident(context.Background(), inc.ID, func(in *sitrep.Incident) error {
		in.Status = sitrep.IncidentResolved
		in.Events = []sitrep.Event{{Kind: sitrep.EventIncidentResolved, OrderKey: "incident:x", At: outboxT0.Add(time.Second)}}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	hanging.Store(false)
	d2, stop2 := run(s2)
	defer stop2()
	d2.Kick()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ds, err := s2.Deliveries(context.Background(), sitrep.DeliveryDelivered, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("delivered %d of 2; sent %v", len(ds), got)
		}
		clk.Advance(10 * time.Second)
		time.Sleep(time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 3 || got[0] != got[1] || got[0][len(got[0])-len("incident.opened"):] != "incident.opened" ||
		got[2][len(got[2])-len("incident.resolved"):] != "incident.resolved" {
		t.Errorf("receiver saw %q, want the opening twice with one key (the in-flight repeat), then the resolution", got)
	}
	if clk.Now().Sub(outboxT0) < OutboxLease {
		t.Errorf("redelivered after %s, before the lease ran out", clk.Now().Sub(outboxT0))
	}
}

// dyingStore stops writing once dead is set, like a killed process.
type dyingStore struct {
	*Store
	dead atomic.Bool
}

func (d *dyingStore) RecordAttempt(ctx context.Context, dl sitrep.Delivery) error {
	if d.dead.Load() {
		return context.Canceled
	}
	return d.Store.RecordAttempt(ctx, dl)
}

type senderFunc func(ctx context.Context, to string, m sitrep.Message) error

func (f senderFunc) Send(ctx context.Context, to string, m sitrep.Message) error {
	return f(ctx, to, m)
}
