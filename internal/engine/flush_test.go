package engine

import (
	"context"
	"errors"
	"testing"
	"time"

	"sitrep"
)

func TestFlushBatchesAndRetries(t *testing.T) {
	f := newFixture(t, nil, Options{}, tcpMonitor("a", 1, 1), tcpMonitor("b", 1, 1))
	ctx := context.Background()
	var times []time.Time
	for range 3 {
		times = append(times, f.runNext("a"))
		f.runNext("b")
	}
	if got := len(f.store.stored("a")); got != 0 {
		t.Fatalf("%d results written before any flush", got)
	}
	rs, err := f.e.Results(ctx, "a", t0, f.clock.Now().Add(time.Second))
	if err != nil || len(rs.Raw) != 3 {
		t.Fatalf("Results before flush: %d raw, %v; want the 3 buffered", len(rs.Raw), err)
	}

	f.store.set(func(s *fakeStore) { s.appendErr = errStorage })
	if err := f.e.Flush(ctx); !errors.Is(err, errStorage) {
		t.Fatalf("Flush with failing store: %v", err)
	}
	times = append(times, f.runNext("a")) // a result arriving while storage is down
	f.store.set(func(s *fakeStore) { s.appendErr = nil })
	if err := f.e.Flush(ctx); err != nil {
		t.Fatalf("Flush after recovery: %v", err)
	}
	stored := f.store.stored("a")
	if len(stored) != len(times) {
		t.Fatalf("stored %d results of a, want %d", len(stored), len(times))
	}
	for i, r := range stored {
		if !r.Time.Equal(times[i]) || r.MonitorID != "a" || r.Location != "oslo" {
			t.Errorf("stored[%d] = %+v, want a's result at %v", i, r, times[i])
		}
	}
	f.store.mu.Lock()
	batches := len(f.store.batches)
	f.store.mu.Unlock()
	if batches != 1 {
		t.Errorf("%d AppendResults batches, want everything in 1", batches)
	}
	f.obs.mu.Lock()
	defer f.obs.mu.Unlock()
	if f.obs.writes != 2 || f.obs.failures != 1 {
		t.Errorf("observer saw %d writes, %d failed; want 2 and 1", f.obs.writes, f.obs.failures)
	}
	if f.e.DroppedResults() != 0 {
		t.Errorf("dropped %d results with room to spare", f.e.DroppedResults())
	}
}

func TestBufferDropsOldestWhenFull(t *testing.T) {
	f := newFixture(t, nil, Options{MaxBuffered: 3}, tcpMonitor("a", 1, 1))
	ctx := context.Background()
	f.store.set(func(s *fakeStore) { s.appendErr = errStorage })
	var times []time.Time
	for range 5 {
		times = append(times, f.runNext("a"))
		if err := f.e.Flush(ctx); err == nil {
			t.Fatal("Flush succeeded with a failing store")
		}
	}
	if got := f.e.DroppedResults(); got != 2 {
		t.Errorf("DroppedResults = %d, want 2", got)
	}
	f.store.set(func(s *fakeStore) { s.appendErr = nil })
	if err := f.e.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	stored := f.store.stored("a")
	if len(stored) != 3 || !stored[0].Time.Equal(times[2]) || !stored[2].Time.Equal(times[4]) {
		t.Errorf("stored %d results, want the newest 3", len(stored))
	}
}

func TestFlushLargeBacklogInBatches(t *testing.T) {
	e := New(Options{Store: newFakeStore()})
	n := flushBatch*2 + 10
	for i := range n {
		e.buf.add(sitrep.Result{MonitorID: "a", Time: t0.Add(time.Duration(i) * time.Second), Status: up})
	}
	if err := e.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := e.store.(*fakeStore)
	if len(s.batches) != 3 || s.batches[0] != flushBatch || s.batches[2] != 10 {
		t.Errorf("batches %v, want %d, %d, 10", s.batches, flushBatch, flushBatch)
	}
}

func TestFlushLoopOnClock(t *testing.T) {
	f := newFixture(t, nil, Options{FlushInterval: time.Second}, tcpMonitor("a", 1, 1))
	f.runNext("a")
	// Checks and the flush share the clock. The flush loop re-arms its timer
	// on its own goroutine, possibly after the test has moved the clock, so
	// keep moving it in flush-sized steps: the result must be stored within
	// a few intervals, never stay in memory.
	steps := 0
	f.waitFor("flush on schedule", func() bool {
		if len(f.store.stored("a")) == 1 {
			return true
		}
		if steps < 5 {
			steps++
			f.clock.Advance(time.Second)
		}
		time.Sleep(time.Millisecond)
		return false
	})
}

func TestStopFlushes(t *testing.T) {
	f := newFixture(t, nil, Options{}, tcpMonitor("a", 1, 1))
	f.runNext("a")
	f.runNext("a")
	if err := f.e.Stop(context.Background()); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if got := len(f.store.stored("a")); got != 2 {
		t.Errorf("%d results written by Stop, want 2", got)
	}
	if err := f.e.Stop(context.Background()); err != nil {
		t.Errorf("second Stop: %v", err)
	}
}
