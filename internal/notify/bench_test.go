package notify

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"sitrep"
)

type countSender struct {
	n    atomic.Int64
	want int64
	done chan struct{}
}

func (s *countSender) Send(ctx context.Context, to string, m sitrep.Message) error {
	if s.n.Add(1) == s.want {
		close(s.done)
	}
	return nil
}

// BenchmarkDispatchFanout measures the dispatcher alone (in-memory store,
// no-op sender): one incident update fanned out to 10,000 email
// subscribers, all in one order group.
func BenchmarkDispatchFanout(b *testing.B) {
	const n = 10000
	targets := make([]sitrep.Delivery, n)
	for i := range targets {
		targets[i] = sitrep.Delivery{Channel: SubscriberChannel + ":email", SubscriberID: fmt.Sprint(i), Recipient: fmt.Sprintf("u%d@example.com", i)}
	}
	x := ExpanderFunc(func(ctx context.Context, e sitrep.Event) ([]sitrep.Delivery, error) {
		return slices.Clone(targets), nil
	})
	var total time.Duration
	for b.Loop() {
		store := newMemStore()
		s := &countSender{want: n, done: make(chan struct{})}
		d, err := New(Options{Store: store, Expanders: []Expander{x}, Router: Router{
			Senders: map[string]sitrep.Sender{"subscriber:email": s}, Subscribers: titleComposer}})
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); d.Run(ctx) }()
		start := time.Now()
		store.AddEvents(ctx, []sitrep.Event{{ID: "e", Kind: sitrep.EventIncidentUpdated, OrderKey: "incident:1"}})
		d.Kick()
		<-s.done
		total += time.Since(start)
		cancel()
		<-done
	}
	b.ReportMetric(float64(n*b.N)/total.Seconds(), "deliveries/s")
}

// BenchmarkKickToFirstSend measures from committing an event (and calling
// Kick) to the sender being called, with the in-memory store.
func BenchmarkKickToFirstSend(b *testing.B) {
	got := make(chan struct{}, 1)
	sender := senderFunc(func(ctx context.Context, to string, m sitrep.Message) error {
		got <- struct{}{}
		return nil
	})
	store := newMemStore()
	d, err := New(Options{Store: store, Expanders: []Expander{fanout([2]string{"pager", "k"})},
		Router: Router{Senders: map[string]sitrep.Sender{"pager": sender}, Channels: titleComposer}})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go d.Run(ctx)
	var lat []time.Duration
	i := 0
	for b.Loop() {
		i++
		start := time.Now()
		store.AddEvents(ctx, []sitrep.Event{{ID: fmt.Sprint(i), Kind: sitrep.EventAlertTriggered}})
		d.Kick()
		<-got
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

type senderFunc func(ctx context.Context, to string, m sitrep.Message) error

func (f senderFunc) Send(ctx context.Context, to string, m sitrep.Message) error {
	return f(ctx, to, m)
}
