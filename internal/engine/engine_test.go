package engine

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"sitrep"
)

const (
	up   = sitrep.ResultUp
	down = sitrep.ResultDown
	slow = sitrep.ResultDegraded
)

func TestFirstResultsAndTransitions(t *testing.T) {
	f := newFixture(t, nil, Options{}, tcpMonitor("web", 2, 1))
	if v := f.view("web"); v.State != sitrep.StateUnknown || v.LastResult != nil || v.Target != "127.0.0.1:9" {
		t.Fatalf("before any check: %+v", v)
	}
	f.script("web", up, down, down, up)
	steps := []struct {
		want    sitrep.State
		changes int
		reason  string
	}{
		{sitrep.StateUp, 1, "first result up"},
		{sitrep.StateUp, 1, ""},
		{sitrep.StateDown, 2, "2 consecutive failures: connect: connection refused"},
		{sitrep.StateUp, 3, "1 success"},
	}
	for i, s := range steps {
		at := f.runNext("web")
		v := f.view("web")
		if v.State != s.want || v.LastResult == nil || !v.LastResult.Time.Equal(at) || v.LastResult.Location != "oslo" {
			t.Fatalf("step %d: view %+v, want %s with a result at %v from oslo", i, v, s.want, at)
		}
		changes := f.store.changesOf("web")
		if len(changes) != s.changes {
			t.Fatalf("step %d: %d stored changes, want %d", i, len(changes), s.changes)
		}
		if s.reason != "" {
			c := changes[len(changes)-1]
			if c.Reason != s.reason || c.To != s.want || !c.At.Equal(at) || !v.Since.Equal(at) {
				t.Errorf("step %d: change %+v, view since %v; want to %s at %v because %q", i, c, v.Since, s.want, at, s.reason)
			}
		}
	}
	list, _ := f.e.Monitors(context.Background())
	if len(list) != 1 || list[0].State != sitrep.StateUp {
		t.Errorf("Monitors() = %+v", list)
	}
}

// TestStateChangeStoredBeforeVisible: a state the store has not accepted is
// never shown; the write is retried with the next result.
func TestStateChangeStoredBeforeVisible(t *testing.T) {
	tests := []struct {
		name       string
		script     []sitrep.ResultStatus
		failFor    int // results evaluated while RecordStateChange fails (after the first)
		wantStates []sitrep.State
		wantStored []sitrep.State // To of each stored change
	}{
		{
			name:       "change retried on next result",
			script:     []sitrep.ResultStatus{up, down, down},
			failFor:    1,
			wantStates: []sitrep.State{sitrep.StateUp, sitrep.StateUp, sitrep.StateDown},
			wantStored: []sitrep.State{sitrep.StateUp, sitrep.StateDown},
		},
		{
			name:       "change undone before it was stored leaves no trace",
			script:     []sitrep.ResultStatus{up, down, up, up},
			failFor:    1,
			wantStates: []sitrep.State{sitrep.StateUp, sitrep.StateUp, sitrep.StateUp, sitrep.StateUp},
			wantStored: []sitrep.State{sitrep.StateUp},
		},
		{
			name:       "store down for several results",
			script:     []sitrep.ResultStatus{up, down, down, down, down},
			failFor:    3,
			wantStates: []sitrep.State{sitrep.StateUp, sitrep.StateUp, sitrep.StateUp, sitrep.StateUp, sitrep.StateDown},
			wantStored: []sitrep.State{sitrep.StateUp, sitrep.StateDown},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil, Options{}, tcpMonitor("web", 1, 1))
			f.script("web", tt.script...)
			var downAt time.Time
			for i, want := range tt.wantStates {
				f.store.set(func(s *fakeStore) {
					s.changeErr = nil
					if i >= 1 && i <= tt.failFor {
						s.changeErr = errStorage
					}
				})
				at := f.runNext("web")
				if tt.script[i] == down && downAt.IsZero() {
					downAt = at
				}
				if got := f.view("web"); got.State != want {
					t.Fatalf("result %d: visible state %s, want %s", i, got.State, want)
				}
			}
			changes := f.store.changesOf("web")
			if len(changes) != len(tt.wantStored) {
				t.Fatalf("stored changes %+v, want %v", changes, tt.wantStored)
			}
			for i, c := range changes {
				if c.To != tt.wantStored[i] {
					t.Errorf("change %d: %+v, want to %s", i, c, tt.wantStored[i])
				}
				if c.To == sitrep.StateDown && (!c.At.Equal(downAt) || c.From != sitrep.StateUp) {
					t.Errorf("late-stored change %+v, want up→down at the first failure %v", c, downAt)
				}
			}
		})
	}
}

func TestResumeFromStore(t *testing.T) {
	store := newFakeStore()
	since := t0.Add(-time.Hour)
	store.states["web"] = sitrep.MonitorState{MonitorID: "web", State: sitrep.StateDown, Since: since}
	f := newFixture(t, store, Options{}, tcpMonitor("web", 1, 2))
	if v := f.view("web"); v.State != sitrep.StateDown || !v.Since.Equal(since) {
		t.Fatalf("resumed view %+v, want down since %v", v, since)
	}
	f.script("web", up, up)
	f.runNext("web")
	if v := f.view("web"); v.State != sitrep.StateDown {
		t.Fatalf("one success after resuming down: %s, want still down", v.State)
	}
	f.runNext("web")
	if v := f.view("web"); v.State != sitrep.StateUp {
		t.Fatalf("two successes: %s, want up", v.State)
	}
	if c := f.store.changesOf("web"); len(c) != 1 || c[0].From != sitrep.StateDown {
		t.Errorf("changes %+v, want one from down", c)
	}
}

func TestReload(t *testing.T) {
	f := newFixture(t, nil, Options{}, tcpMonitor("a", 1, 1), tcpMonitor("b", 1, 1))
	f.script("a", down)
	f.script("b", up)
	f.runNext("a")
	f.runNext("b")
	if err := f.e.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	oldNext, _ := f.e.sched.NextRun("a")
	bResults := len(f.store.stored("b"))

	a := tcpMonitor("a", 3, 1)
	a.Name = "Renamed"
	c := tcpMonitor("c", 1, 1)
	if err := f.e.SetMonitors(context.Background(), []sitrep.Monitor{a, c}); err != nil {
		t.Fatalf("SetMonitors: %v", err)
	}
	tests := []struct {
		id    string
		state sitrep.State
		name  string
		found bool
	}{
		{"a", sitrep.StateDown, "Renamed", true},
		{"b", "", "", false},
		{"c", sitrep.StateUnknown, "Monitor c", true},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			v, err := f.e.Monitor(context.Background(), tt.id)
			if !tt.found {
				if sitrep.ErrorCode(err) != sitrep.ENOTFOUND {
					t.Fatalf("Monitor(%s) err %v, want not found", tt.id, err)
				}
				if _, ok := f.e.sched.NextRun(tt.id); ok {
					t.Errorf("%s still scheduled", tt.id)
				}
				return
			}
			if err != nil || v.State != tt.state || v.Name != tt.name {
				t.Errorf("Monitor(%s) = %+v, %v; want %s named %q", tt.id, v, err, tt.state, tt.name)
			}
		})
	}
	if next, _ := f.e.sched.NextRun("a"); !next.Equal(oldNext) {
		t.Errorf("unchanged interval re-phased: %v, was %v", next, oldNext)
	}
	if got := len(f.store.stored("b")); got != bResults || got == 0 {
		t.Errorf("history of removed b: %d results, want its %d kept", got, bResults)
	}
	list, _ := f.e.Monitors(context.Background())
	if len(list) != 2 || list[0].ID != "a" || list[1].ID != "c" {
		t.Errorf("Monitors() = %+v, want a and c", list)
	}

	// Bringing b back resumes its state.
	if err := f.e.SetMonitors(context.Background(), []sitrep.Monitor{a, c, tcpMonitor("b", 1, 1)}); err != nil {
		t.Fatal(err)
	}
	if v := f.view("b"); v.State != sitrep.StateUp {
		t.Errorf("re-added b is %s, want its old state up", v.State)
	}

	for _, bad := range [][]sitrep.Monitor{{a, a}, {{Name: "no id"}}} {
		if err := f.e.SetMonitors(context.Background(), bad); sitrep.ErrorCode(err) != sitrep.EINVALID {
			t.Errorf("SetMonitors(%v) err %v, want invalid", bad, err)
		}
	}
	if list, _ := f.e.Monitors(context.Background()); len(list) != 3 {
		t.Errorf("a rejected reload changed the monitors: %d", len(list))
	}
}

func TestReloadThresholdKeepsCounters(t *testing.T) {
	f := newFixture(t, nil, Options{}, tcpMonitor("web", 3, 1))
	f.script("web", up, down)
	f.runNext("web")
	f.runNext("web")
	if err := f.e.SetMonitors(context.Background(), []sitrep.Monitor{tcpMonitor("web", 2, 1)}); err != nil {
		t.Fatal(err)
	}
	f.runNext("web")
	if v := f.view("web"); v.State != sitrep.StateDown {
		t.Errorf("after reload lowering the threshold to 2 and a 2nd failure: %s, want down", v.State)
	}
}

func TestMonitorsSnapshot(t *testing.T) {
	f := newFixture(t, nil, Options{}, tcpMonitor("a", 1, 1), tcpMonitor("b", 1, 1))
	ctx := context.Background()
	first, _ := f.e.Monitors(ctx)
	again, _ := f.e.Monitors(ctx)
	if &first[0] != &again[0] {
		t.Error("Monitors() rebuilt its snapshot without a change")
	}
	f.runNext("a")
	after, _ := f.e.Monitors(ctx)
	if after[0].State != sitrep.StateUp || first[0].State != sitrep.StateUnknown {
		t.Fatalf("after a state change: %+v (old snapshot %+v)", after[0], first[0])
	}
	// A result that changes no state may show up to snapshotMaxAge late;
	// heartbeat pings are judged without the clock moving, which shows it.
	if err := f.e.SetMonitors(ctx, []sitrep.Monitor{tcpMonitor("a", 1, 1), heartbeatMonitor("hb")}); err != nil {
		t.Fatal(err)
	}
	tok := f.e.HeartbeatToken("hb")
	if err := f.e.Ping(ctx, tok, sitrep.Ping{}); err != nil {
		t.Fatal(err)
	}
	withState, _ := f.e.Monitors(ctx)
	if withState[1].State != sitrep.StateUp {
		t.Fatalf("after a ping: %+v", withState[1])
	}
	f.clock.Advance(time.Millisecond)
	if err := f.e.Ping(ctx, tok, sitrep.Ping{}); err != nil {
		t.Fatal(err)
	}
	at := f.clock.Now()
	cached, _ := f.e.Monitors(ctx)
	if &cached[0] != &withState[0] {
		t.Error("a result without a state change rebuilt the snapshot at once")
	}
	if v := f.view("hb"); !v.LastResult.Time.Equal(at) {
		t.Errorf("Monitor(hb) is never stale: last result at %v, want %v", v.LastResult.Time, at)
	}
	f.clock.Advance(snapshotMaxAge)
	fresh, _ := f.e.Monitors(ctx)
	// The heartbeat's own tick may have judged it again by now (the
	// scheduler starts checks up to its coalescing window early); what
	// matters is that the listing is no older than the ping.
	if fresh[1].LastResult.Time.Before(at) {
		t.Errorf("after %v the listing shows the result at %v, want %v", snapshotMaxAge, fresh[1].LastResult.Time, at)
	}
}

func BenchmarkMonitors10k(b *testing.B) {
	e := New(Options{Store: newFakeStore()})
	ms := make([]sitrep.Monitor, 10000)
	for i := range ms {
		ms[i] = tcpMonitor(time.Duration(i).String(), 1, 1)
	}
	if err := e.apply(context.Background(), ms); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.Run("unchanged", func(b *testing.B) {
		for range b.N {
			_, _ = e.Monitors(ctx)
		}
	})
	b.Run("results flowing", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			e.gen.Add(1)
			_, _ = e.Monitors(ctx)
		}
	})
	b.Run("state changed", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			e.stateGen.Add(1)
			e.gen.Add(1)
			_, _ = e.Monitors(ctx)
		}
	})
}

func TestHealth(t *testing.T) {
	f := newFixture(t, nil, Options{}, tcpMonitor("a", 1, 1))
	h := f.e.Health(context.Background())
	if !h.OK || h.Storage != nil || h.Monitors != 1 || h.Usage.Budget == 0 {
		t.Errorf("healthy: %+v", h)
	}
	f.store.set(func(s *fakeStore) { s.writeErr = errStorage })
	if h := f.e.Health(context.Background()); h.OK || h.Storage == nil {
		t.Errorf("storage failing: %+v", h)
	}
}

func TestMaintainRuns(t *testing.T) {
	f := newFixture(t, nil, Options{MaintainInterval: time.Minute})
	for i := 1; i <= 2; i++ {
		f.waitFor("maintain timer armed", func() bool { return f.clock.Timers() == 2 })
		f.clock.Advance(time.Minute)
		f.waitFor("maintenance", func() bool {
			f.store.mu.Lock()
			defer f.store.mu.Unlock()
			return f.store.maintains == i
		})
	}
}

// BenchmarkDeliver is the per-result cost after the probe: buffer, evaluate,
// publish the view.
func BenchmarkDeliver(b *testing.B) {
	e := New(Options{Store: newFakeStore(), MaxBuffered: 1 << 20})
	m := tcpMonitor("web", 3, 2)
	if err := e.apply(context.Background(), []sitrep.Monitor{m}); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for i := range b.N {
		e.record(ctx, &m, sitrep.Result{Time: t0.Add(time.Duration(i)), Status: up, Latency: time.Millisecond})
		if i%100_000 == 0 {
			_ = e.Flush(ctx)
		}
	}
}

// TestOnStateChangeSeesOnlyStoredChanges: the hook fires once per change the
// store accepted, after it is visible, and never for a change it refused.
func TestOnStateChangeSeesOnlyStoredChanges(t *testing.T) {
	var mu sync.Mutex
	var seen []sitrep.State
	f := newFixture(t, nil, Options{OnStateChange: func(c sitrep.StateChange) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, c.To)
	}}, tcpMonitor("web", 1, 1))
	f.script("web", up, down, down, up)
	for i := range 4 {
		f.store.set(func(s *fakeStore) {
			s.changeErr = nil
			if i == 1 {
				s.changeErr = errStorage
			}
		})
		f.runNext("web")
	}
	mu.Lock()
	defer mu.Unlock()
	want := []sitrep.State{sitrep.StateUp, sitrep.StateDown, sitrep.StateUp}
	if fmt.Sprint(seen) != fmt.Sprint(want) {
		t.Errorf("OnStateChange saw %v, want %v", seen, want)
	}
}
