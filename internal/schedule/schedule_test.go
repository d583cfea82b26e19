package schedule

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"sitrep"
	"sitrep/internal/clock"
)

var t0 = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

// harness drives a scheduler on a manual clock and records every run.
type harness struct {
	t     testing.TB
	clock *clock.Manual
	s     *Scheduler
	lag   *lagObserver

	mu   sync.Mutex
	runs map[string][]time.Time // planned times per monitor
	// fullOK lets settle accept checks waiting for a global slot while all
	// are taken (for tests whose checks hang on purpose).
	fullOK bool
	// block, when set for a monitor, makes its checks wait until it is closed.
	block     map[string]chan struct{}
	blockedIn int // checks inside Run waiting on a block
}

type lagObserver struct {
	sitrep.NopObserver
	mu  sync.Mutex
	max time.Duration
	n   int
}

func (o *lagObserver) SchedulerLag(d time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.n++
	o.max = max(o.max, d)
}

func newHarness(t testing.TB, opts Options) *harness {
	h := &harness{t: t, clock: clock.NewManual(t0), lag: &lagObserver{}, runs: map[string][]time.Time{}, block: map[string]chan struct{}{}}
	opts.Clock = h.clock
	opts.Observer = h.lag
	opts.Run = func(ctx context.Context, m *sitrep.Monitor, planned time.Time) {
		h.mu.Lock()
		h.runs[m.ID] = append(h.runs[m.ID], planned)
		ch := h.block[m.ID]
		h.mu.Unlock()
		if ch != nil {
			h.mu.Lock()
			h.blockedIn++
			h.mu.Unlock()
			select {
			case <-ch:
			case <-ctx.Done():
			}
			h.mu.Lock()
			h.blockedIn--
			h.mu.Unlock()
		}
	}
	h.s = New(opts)
	h.s.Start(context.Background())
	t.Cleanup(func() {
		h.mu.Lock()
		for id, ch := range h.block {
			close(ch)
			delete(h.block, id)
		}
		h.mu.Unlock()
		if err := h.s.Stop(context.Background()); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return h
}

func (h *harness) blockHost(ids ...string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, id := range ids {
		h.block[id] = make(chan struct{})
	}
}

func (h *harness) release(id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	close(h.block[id])
	delete(h.block, id)
}

func (h *harness) runsOf(id string) []time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]time.Time(nil), h.runs[id]...)
}

// settle waits until the timing goroutine has re-armed its timer and no
// started check is still on its way into Run. It waits on the scheduler's
// own progress, never on the schedule.
func (h *harness) settle(wantRunning int) {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		// Read the scheduler's state at one instant, then count entered
		// checks, then make sure nothing was started in between.
		h.s.mu.Lock()
		started, running := h.s.started, h.s.running
		globalFree := len(h.s.globalWait) == 0 || h.fullOK && h.s.running == h.s.maxAll
		parked := h.s.parked && (h.s.armed.IsZero() || h.s.armed.After(h.clock.Now()))
		h.s.mu.Unlock()
		h.mu.Lock()
		entered, blocked := 0, h.blockedIn
		for _, r := range h.runs {
			entered += len(r)
		}
		h.mu.Unlock()
		h.s.mu.Lock()
		same := h.s.started == started
		h.s.mu.Unlock()
		// The loop is parked on a timer set for the future, every started
		// check has called Run (entered), and nothing waits for a free
		// global slot.
		if parked && same && uint64(entered) == started && globalFree && (wantRunning < 0 && running == blocked || running == wantRunning) {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("scheduler did not settle: %+v, entered %d", h.s.Stats(), entered)
		}
		runtime.Gosched()
	}
}

// settle's wantRunning < 0 means: every check that is not blocked on
// purpose has finished.

// step advances the clock in increments of d until total has passed,
// settling after each.
func (h *harness) step(total, d time.Duration, wantRunning int) {
	h.t.Helper()
	for passed := time.Duration(0); passed < total; passed += d {
		h.clock.Advance(d)
		h.settle(wantRunning)
	}
}

func monitors(n int, interval time.Duration, host func(i int) string) []*sitrep.Monitor {
	ms := make([]*sitrep.Monitor, n)
	for i := range ms {
		ms[i] = &sitrep.Monitor{
			ID:       fmt.Sprintf("m%05d", i),
			Interval: interval,
			TCP:      &sitrep.TCPCheck{Address: host(i) + ":80"},
		}
	}
	return ms
}

func oneHost(int) string { return "127.0.0.1" }

func TestPhaseStableAndSpread(t *testing.T) {
	const n, buckets = 6000, 10
	counts := make([]int, buckets)
	for i := range n {
		id := fmt.Sprintf("monitor-%d", i)
		p := Phase(id, time.Minute)
		if p != Phase(id, time.Minute) {
			t.Fatalf("Phase(%q) not stable", id)
		}
		if p < 0 || p >= time.Minute {
			t.Fatalf("Phase(%q) = %v, outside [0, 1m)", id, p)
		}
		counts[p/(time.Minute/buckets)]++
	}
	for i, c := range counts {
		if c < n/buckets*7/10 || c > n/buckets*13/10 {
			t.Errorf("bucket %d holds %d of %d phases; not spread", i, c, n)
		}
	}
}

func TestNextRun(t *testing.T) {
	tests := []struct {
		name     string
		interval time.Duration
		now      time.Time
	}{
		{"minute", time.Minute, t0},
		{"odd interval", 37 * time.Second, t0.Add(123 * time.Millisecond)},
		{"hour", time.Hour, t0.Add(59 * time.Minute)},
		{"below minimum", time.Millisecond, t0},
		{"before epoch", time.Minute, time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			iv := max(tt.interval, MinInterval)
			next := NextRun("web", tt.interval, tt.now)
			if !next.After(tt.now) || next.Sub(tt.now) > iv {
				t.Fatalf("NextRun = %v, want within (now, now+%v]", next, iv)
			}
			if got := time.Duration(mod(next.UnixNano(), int64(iv))); got != Phase("web", tt.interval) {
				t.Errorf("NextRun offset %v, want phase %v", got, Phase("web", tt.interval))
			}
			if again := NextRun("web", tt.interval, next); again.Sub(next) != iv {
				t.Errorf("run after %v is %v, want one interval later", next, again)
			}
		})
	}
}

func TestHost(t *testing.T) {
	tests := []struct {
		m    sitrep.Monitor
		want string
	}{
		{sitrep.Monitor{HTTP: &sitrep.HTTPCheck{URL: "https://Example.com:8443/x"}}, "example.com"},
		{sitrep.Monitor{TCP: &sitrep.TCPCheck{Address: "[::1]:22"}}, "::1"},
		{sitrep.Monitor{TLS: &sitrep.TLSCheck{Address: "db.local:5432"}}, "db.local"},
		{sitrep.Monitor{DNS: &sitrep.DNSCheck{Name: "a.example", Resolver: "127.0.0.53:53"}}, "127.0.0.53"},
		{sitrep.Monitor{DNS: &sitrep.DNSCheck{Name: "a.example"}}, "dns:a.example"},
		{sitrep.Monitor{ICMP: &sitrep.ICMPCheck{Host: "10.0.0.1"}}, "10.0.0.1"},
		{sitrep.Monitor{Heartbeat: &sitrep.HeartbeatCheck{}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := Host(&tt.m); got != tt.want {
				t.Errorf("Host = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestFirstIntervalCoverage checks that a big fleet is checked once within
// its first interval, spread over it rather than all at once.
func TestFirstIntervalCoverage(t *testing.T) {
	n := 50000
	if testing.Short() {
		n = 5000
	}
	h := newHarness(t, Options{})
	h.s.Update(monitors(n, time.Minute, func(i int) string { return fmt.Sprintf("10.0.%d.%d", i/250, i%250) }))
	h.settle(0)
	perSecond := make(map[int64]int)
	for s := 0; s < 60; s++ {
		h.step(time.Second, time.Second, 0)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.runs) != n {
		t.Fatalf("%d of %d monitors ran in the first minute", len(h.runs), n)
	}
	// First runs are spread at StartRate; a monitor whose phase falls late
	// in the minute may run a second time, so all runs together may reach
	// StartRate plus the steady rate in a second, never a herd.
	for id, runs := range h.runs {
		if len(runs) == 0 || len(runs) > 2 {
			t.Fatalf("%s ran %d times in its first interval, want 1 or 2", id, len(runs))
		}
		p := runs[0]
		if p.Before(t0) || p.After(t0.Add(time.Minute)) {
			t.Fatalf("%s planned at %v, outside the first minute", id, p)
		}
		for _, r := range runs {
			perSecond[r.Unix()]++
		}
	}
	for sec, c := range perSecond {
		if limit := StartRate + n/60; c > limit*11/10 {
			t.Errorf("%d checks planned in second %d; want them spread (at most ~%d/s)", c, sec, limit)
		}
	}
	if h.lag.max > time.Second {
		t.Errorf("max lag %v, want at most the clock step", h.lag.max)
	}
}

func TestNoOverlap(t *testing.T) {
	h := newHarness(t, Options{})
	ms := monitors(1, time.Second, oneHost)
	h.blockHost(ms[0].ID)
	h.s.Update(ms)
	h.settle(0)
	h.step(time.Second, time.Second, 1) // first run starts and hangs
	h.step(3*time.Second, time.Second, 1)
	st := h.s.Stats()
	if st.Started != 1 || st.Skipped != 3 {
		t.Fatalf("Stats = %+v, want 1 started and 3 skipped while the first hangs", st)
	}
	h.release(ms[0].ID)
	h.settle(0)
	h.step(time.Second, time.Second, 0)
	if got := len(h.runsOf(ms[0].ID)); got != 2 {
		t.Errorf("%d runs after release, want 2", got)
	}
}

func TestPerHostLimit(t *testing.T) {
	h := newHarness(t, Options{MaxPerHost: 2, MaxConcurrent: 100})
	ms := monitors(5, time.Minute, oneHost)
	for _, m := range ms {
		h.blockHost(m.ID)
	}
	h.s.Update(ms)
	h.settle(0)
	h.clock.Advance(time.Minute)
	h.settle(2)
	if st := h.s.Stats(); st.Running != 2 || st.Waiting != 3 {
		t.Fatalf("Stats = %+v, want 2 running and 3 waiting on one host", st)
	}
	var first string
	for _, m := range ms {
		if len(h.runsOf(m.ID)) == 1 {
			first = m.ID
			break
		}
	}
	h.release(first)
	deadline := time.Now().Add(10 * time.Second)
	for h.s.Stats().Started != 3 && time.Now().Before(deadline) {
		runtime.Gosched()
	}
	h.settle(2)
	if st := h.s.Stats(); st.Started != 3 || st.Waiting != 2 {
		t.Fatalf("Stats = %+v after one finished, want the next waiting check started", st)
	}
}

func TestGlobalLimit(t *testing.T) {
	h := newHarness(t, Options{MaxPerHost: 10, MaxConcurrent: 3})
	h.fullOK = true
	ms := monitors(6, time.Minute, func(i int) string { return fmt.Sprintf("10.0.0.%d", i) })
	for _, m := range ms {
		h.blockHost(m.ID)
	}
	h.s.Update(ms)
	h.settle(0)
	h.clock.Advance(time.Minute)
	h.settle(3)
	if st := h.s.Stats(); st.Running != 3 || st.Waiting != 3 {
		t.Fatalf("Stats = %+v, want 3 running and 3 waiting", st)
	}
}

// TestHangingHostDoesNotDelayOthers hangs every check against one host and
// checks that another host's monitors still run on time, every interval.
func TestHangingHostDoesNotDelayOthers(t *testing.T) {
	h := newHarness(t, Options{MaxPerHost: 2, MaxConcurrent: 4})
	hung := monitors(20, 10*time.Second, func(int) string { return "hung.example" })
	for _, m := range hung {
		h.blockHost(m.ID)
	}
	healthy := monitors(25, 10*time.Second, func(i int) string { return fmt.Sprintf("ok%d.example", i) })
	for _, m := range healthy {
		m.ID = "ok-" + m.ID
	}
	h.s.Update(append(hung, healthy...))
	h.settle(0)
	h.step(time.Minute, time.Second, -1)
	if st := h.s.Stats(); st.Running > 4 {
		t.Errorf("Stats = %+v, more running than the global limit", st)
	}
	for _, m := range healthy {
		// The first run comes early (start-up spread), then the monitor
		// rejoins its phase: 6 or 7 runs in 6 intervals, never a long gap.
		runs := h.runsOf(m.ID)
		if len(runs) < 6 || len(runs) > 7 {
			t.Errorf("%s ran %d times in 6 intervals, want 6 or 7: %v; %+v", m.ID, len(runs), runs, h.s.Stats())
		}
		for i := 1; i < len(runs); i++ {
			if gap := runs[i].Sub(runs[i-1]); gap > 15*time.Second+time.Second {
				t.Errorf("%s: gap of %v between runs, want at most 1.5 intervals", m.ID, gap)
			}
		}
	}
	if h.lag.max > time.Second {
		t.Errorf("max lag %v, want at most one clock step", h.lag.max)
	}
}

func TestUpdate(t *testing.T) {
	h := newHarness(t, Options{})
	keep := &sitrep.Monitor{ID: "keep", Interval: time.Minute, TCP: &sitrep.TCPCheck{Address: "127.0.0.1:1"}}
	change := &sitrep.Monitor{ID: "change", Interval: time.Minute, TCP: &sitrep.TCPCheck{Address: "127.0.0.1:2"}}
	remove := &sitrep.Monitor{ID: "remove", Interval: time.Second, TCP: &sitrep.TCPCheck{Address: "127.0.0.1:3"}}
	h.s.Update([]*sitrep.Monitor{keep, change, remove})
	h.settle(0)
	h.step(90*time.Second, time.Second, 0)

	keepNext, _ := h.s.NextRun("keep")
	now := h.clock.Now()
	changed := *change
	changed.Interval = 5 * time.Minute
	keep2 := *keep
	keep2.Name = "renamed"
	added := &sitrep.Monitor{ID: "added", Interval: time.Minute, TCP: &sitrep.TCPCheck{Address: "127.0.0.1:4"}}
	h.s.Update([]*sitrep.Monitor{&keep2, &changed, added})
	h.settle(0)

	tests := []struct {
		id   string
		want time.Time
		ok   bool
	}{
		{"keep", keepNext, true},
		{"change", NextRun("change", 5*time.Minute, now), true},
		{"added", firstRun("added", time.Minute, 1, now), true},
		{"remove", time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			got, ok := h.s.NextRun(tt.id)
			if ok != tt.ok || !got.Equal(tt.want) {
				t.Errorf("NextRun(%s) = %v, %v; want %v, %v", tt.id, got, ok, tt.want, tt.ok)
			}
		})
	}

	removedRuns := len(h.runsOf("remove"))
	changeRuns := len(h.runsOf("change"))
	h.step(5*time.Minute, 5*time.Second, 0)
	if got := len(h.runsOf("remove")); got != removedRuns {
		t.Errorf("removed monitor ran %d more times", got-removedRuns)
	}
	if got := len(h.runsOf("added")); got < 5 || got > 6 {
		t.Errorf("added monitor ran %d times in 5 minutes, want 5 or 6", got)
	}
	if got := len(h.runsOf("change")) - changeRuns; got != 1 {
		t.Errorf("changed monitor ran %d times in its new 5-minute interval, want 1", got)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, r := range h.runs["keep"][1:] { // the first run is the early start-up one
		if off := time.Duration(mod(r.UnixNano(), int64(time.Minute))); off != Phase("keep", time.Minute) {
			t.Errorf("unchanged monitor run at %v, off its phase", r)
		}
	}
}

func TestStopCancelsHangingChecksWhenCtxEnds(t *testing.T) {
	c := clock.NewManual(t0)
	started := make(chan struct{})
	cancelled := make(chan struct{})
	s := New(Options{Clock: c, Run: func(ctx context.Context, m *sitrep.Monitor, _ time.Time) {
		close(started)
		<-ctx.Done()
		close(cancelled)
	}})
	s.Start(context.Background())
	s.Update(monitors(1, time.Second, oneHost))
	for c.Timers() == 0 {
		runtime.Gosched()
	}
	c.Advance(time.Second)
	<-started
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Stop(ctx); err == nil {
		t.Fatal("Stop with an ended context returned nil while a check hung")
	}
	<-cancelled
}

// TestFirstRunIsPrompt checks that a small setup is checked within a second
// of start, whatever the interval, and a big one within its first interval.
func TestFirstRunIsPrompt(t *testing.T) {
	tests := []struct {
		name     string
		added    int
		interval time.Duration
		within   time.Duration
	}{
		{"one monitor, 1h interval", 1, time.Hour, time.Second},
		{"500 monitors, 30s", 500, 30 * time.Second, time.Second},
		{"10,000 monitors, 30s", 10000, 30 * time.Second, 10 * time.Second},
		{"50,000 monitors, 60s", 50000, time.Minute, 50 * time.Second},
		{"50,000 monitors, 10s", 50000, 10 * time.Second, 10 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i := range 200 {
				id := fmt.Sprintf("m%d", i)
				got := firstRun(id, tt.interval, tt.added, t0).Sub(t0)
				if got < 0 || got >= tt.within {
					t.Fatalf("firstRun(%s) = +%v, want within %v", id, got, tt.within)
				}
			}
		})
	}
}
