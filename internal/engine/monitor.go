package engine

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"sitrep"
	"sitrep/internal/evaluate"
)

// monState is one configured monitor at run time. mu serializes its
// evaluation: results of one monitor are judged one at a time, in order.
type monState struct {
	id   string
	view atomic.Pointer[sitrep.MonitorView] // what readers see, replaced whole

	mu      sync.Mutex
	m       *sitrep.Monitor
	tracker *evaluate.Tracker
	// visible is the state readers see; it only moves after the store has
	// the change. pending is a change the store has not accepted yet.
	visible sitrep.MonitorState
	pending *sitrep.StateChange

	// Heartbeat monitors only.
	token string
	pings []sitrep.Ping // newest first
	since time.Time     // when the monitor was first seen
}

func (ms *monState) monitor() *sitrep.Monitor {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return ms.m
}

// prepared is what apply learned from storage about one monitor before it
// changes anything, so that a failing reload changes nothing.
type prepared struct {
	m     *sitrep.Monitor
	token string
	pings []sitrep.Ping
	fresh bool // pings were loaded (a monitor new to the engine)
}

// apply makes monitors the configured set.
func (e *Engine) apply(ctx context.Context, monitors []sitrep.Monitor) error {
	monitors = slices.Clone(monitors)
	preps := make([]prepared, 0, len(monitors))
	seen := make(map[string]bool, len(monitors))
	for i := range monitors {
		m := &monitors[i]
		if m.ID == "" {
			return sitrep.Errorf(sitrep.EINVALID, "monitor %q has no id", m.Name)
		}
		if seen[m.ID] {
			return sitrep.Errorf(sitrep.EINVALID, "monitor id %q is used twice", m.ID)
		}
		seen[m.ID] = true
		p := prepared{m: m}
		if m.Heartbeat != nil {
			tok, err := e.store.HeartbeatToken(ctx, m.ID, m.Heartbeat.Token)
			if err != nil {
				return fmt.Errorf("heartbeat token for %s: %w", m.ID, err)
			}
			p.token = tok
			if e.lookup(m.ID) == nil {
				pings, err := e.store.LastPings(ctx, m.ID, pingsKept)
				if err != nil {
					return fmt.Errorf("load pings of %s: %w", m.ID, err)
				}
				p.pings, p.fresh = pings, true
			}
		}
		preps = append(preps, p)
	}

	// setMu is held, so e.mons changes only here; monitors are reconfigured
	// outside e.mu so that a slow state write holding one monitor's lock
	// never blocks readers of the others.
	now := e.clock.Now()
	e.mu.RLock()
	old := e.mons
	e.mu.RUnlock()
	mons := make(map[string]*monState, len(preps))
	list := make([]*monState, 0, len(preps))
	for _, p := range preps {
		ms := old[p.m.ID]
		if ms == nil {
			ms = e.newMonState(p, now)
		} else {
			ms.reconfigure(p, now)
		}
		mons[ms.id] = ms
		list = append(list, ms)
	}
	sortByID(list)
	e.mu.Lock()
	e.mons, e.list = mons, list
	e.mu.Unlock()
	e.stateGen.Add(1)
	e.gen.Add(1)
	for id, ms := range old {
		if mons[id] == nil {
			// A monitor that comes back later resumes where it stopped.
			ms.mu.Lock()
			e.resumed[id] = ms.visible
			ms.mu.Unlock()
		}
	}
	return nil
}

func (e *Engine) newMonState(p prepared, now time.Time) *monState {
	st, ok := e.resumed[p.m.ID]
	if !ok {
		st = sitrep.MonitorState{State: sitrep.StateUnknown, Since: now}
	}
	st.MonitorID = p.m.ID
	ms := &monState{
		id:      p.m.ID,
		m:       p.m,
		tracker: evaluate.NewTracker(p.m, st),
		visible: st,
		token:   p.token,
		pings:   p.pings,
		since:   now,
	}
	if ok && st.State != sitrep.StateUnknown && !st.Since.IsZero() {
		// The monitor has been seen before this process started.
		ms.since = st.Since
	}
	ms.publish()
	return ms
}

func (ms *monState) reconfigure(p prepared, now time.Time) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	ms.m = p.m
	ms.tracker.SetMonitor(p.m)
	ms.token = p.token
	if p.fresh {
		ms.pings = p.pings
	}
	if p.m.Heartbeat != nil && ms.since.IsZero() {
		ms.since = now
	}
	ms.publish()
}

// publish makes the current view visible to readers. Callers hold ms.mu
// (or own ms exclusively) and bump the engine's generation afterwards.
func (ms *monState) publish() {
	v := &sitrep.MonitorView{
		ID:         ms.m.ID,
		Name:       ms.m.Name,
		Type:       ms.m.Type,
		Target:     ms.m.Target(),
		Interval:   ms.m.Interval,
		State:      ms.visible.State,
		Since:      ms.visible.Since,
		LastResult: ms.visible.LastResult,
	}
	ms.view.Store(v)
}

// runCheck is the scheduler's RunFunc.
func (e *Engine) runCheck(ctx context.Context, m *sitrep.Monitor, planned time.Time) {
	if m.Heartbeat != nil {
		e.tickHeartbeat(ctx, m.ID)
		return
	}
	r := e.prober.Probe(ctx, m)
	if ctx.Err() != nil {
		// Cancelled by Stop: the result says nothing about the target.
		return
	}
	if r.Time.IsZero() {
		r.Time = planned
	}
	e.record(ctx, m, r)
}

// record buffers a result for storage and evaluates it.
func (e *Engine) record(ctx context.Context, m *sitrep.Monitor, r sitrep.Result) {
	ms := e.lookup(m.ID)
	if ms == nil {
		// Removed by a reload while running: keep the history, skip the verdict.
		e.fill(m, &r)
		e.buf.add(r)
		return
	}
	ms.mu.Lock()
	defer ms.mu.Unlock()
	e.deliverLocked(ctx, ms, r)
}

func (e *Engine) fill(m *sitrep.Monitor, r *sitrep.Result) {
	r.MonitorID = m.ID
	if r.Location == "" {
		r.Location = e.location
	}
}

// deliverLocked stores and evaluates one result of ms; the caller holds ms.mu.
// A state change becomes visible only once the store has it: if the write
// fails, readers keep seeing the old state and the write is retried with the
// next result.
func (e *Engine) deliverLocked(ctx context.Context, ms *monState, r sitrep.Result) {
	e.fill(ms.m, &r)
	e.obs.CheckDone(ms.m.Type, r.Status, r.Latency)
	e.buf.add(r)

	st, change := ms.tracker.Observe(r)
	if change != nil {
		ms.pending = change
	}
	ms.visible.LastResult = st.LastResult
	var stored *sitrep.StateChange
	if st.State != ms.visible.State {
		c := sitrep.StateChange{MonitorID: ms.id, To: st.State, At: st.Since}
		if ms.pending != nil {
			c = *ms.pending
		}
		c.From, c.To = ms.visible.State, st.State
		if err := e.store.RecordStateChange(ctx, c); err != nil {
			e.log.Error("record state change; keeping the previous state until it is stored",
				"monitor", ms.id, "from", c.From, "to", c.To, "err", err)
		} else {
			// A monitor's first verdict is news to nobody: at 50,000
			// monitors it would be 50,000 lines at every start.
			level := slog.LevelInfo
			if c.From == sitrep.StateUnknown && c.To == sitrep.StateUp {
				level = slog.LevelDebug
			}
			e.log.Log(ctx, level, "monitor state changed", "monitor", ms.id, "from", c.From, "to", c.To, "reason", c.Reason)
			ms.visible = st
			ms.pending = nil
			stored = &c
		}
	} else {
		ms.pending = nil
	}
	// Publish, then bump the generations: a reader that sees a new
	// generation is sure to see the view that caused it.
	ms.publish()
	if stored != nil {
		e.stateGen.Add(1)
	}
	e.gen.Add(1)
	if stored != nil && e.onChange != nil {
		e.onChange(*stored)
	}
}
