package schedule

import (
	"fmt"
	"testing"
	"time"

	"sitrep"
)

// TestWorkersReused: checks run one after another reuse a few goroutines
// instead of starting one per check (each new one grows its stack by
// copying, which cost 4% of a 10k-monitor server's CPU).
func TestWorkersReused(t *testing.T) {
	h := newHarness(t, Options{})
	var ms []*sitrep.Monitor
	for i := range 5 {
		ms = append(ms, &sitrep.Monitor{ID: fmt.Sprintf("m%d", i), Type: sitrep.MonitorHTTP, Interval: 10 * time.Second, HTTP: &sitrep.HTTPCheck{URL: fmt.Sprintf("http://10.0.0.%d/", i)}})
	}
	h.s.Update(ms)
	h.step(10*time.Minute, time.Second, -1)
	st := h.s.Stats()
	if st.Started < 5*60 {
		t.Fatalf("started %d checks, want at least 300", st.Started)
	}
	if st.Workers > len(ms) {
		t.Errorf("%d workers for %d checks of %d monitors; want at most one per monitor", st.Workers, st.Started, len(ms))
	}
}

// TestReapIdle: workers idle for workerIdle end, the longest idle first;
// at Stop all of them end.
func TestReapIdle(t *testing.T) {
	s := New(Options{Run: nil})
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	var ws []*worker
	for _, idle := range []time.Duration{9 * time.Second, 5 * time.Second, 4 * time.Second, 0} {
		w := &worker{next: make(chan *task, 1), idleSince: now.Add(-idle)}
		ws = append(ws, w)
		s.idle = append(s.idle, w)
		s.workers++
	}
	s.mu.Lock()
	s.reapIdleLocked(now)
	s.mu.Unlock()
	for i, want := range []bool{true, true, false, false} {
		got := len(ws[i].next) == 1
		if got != want {
			t.Errorf("worker idle since %v: ended %v, want %v", now.Sub(ws[i].idleSince), got, want)
		}
	}
	if len(s.idle) != 2 || s.workers != 2 {
		t.Fatalf("after reaping: %d idle, %d workers; want 2 and 2", len(s.idle), s.workers)
	}
	s.mu.Lock()
	s.stopped = true
	s.reapIdleLocked(now)
	s.mu.Unlock()
	if len(s.idle) != 0 || s.workers != 0 {
		t.Fatalf("after stop: %d idle, %d workers; want none", len(s.idle), s.workers)
	}
}
