package engine

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"sitrep"
	"sitrep/internal/clock"
)

var (
	t0         = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	errStorage = errors.New("disk I/O error")
)

// fakeStore is an in-memory sitrep.Store with switchable failures.
type fakeStore struct {
	mu        sync.Mutex
	results   []sitrep.Result
	batches   []int
	appendErr error
	changes   []sitrep.StateChange
	states    map[string]sitrep.MonitorState
	changeErr error
	tokens    map[string]string // monitor id → token
	pings     []sitrep.Ping
	pingErr   error
	rollups   []sitrep.Rollup
	rawFrom   map[string]time.Time // raw results before this are "dropped by the budget"
	maintains int
	writeErr  error
}

func newFakeStore() *fakeStore {
	return &fakeStore{states: map[string]sitrep.MonitorState{}, tokens: map[string]string{}, rawFrom: map[string]time.Time{}}
}

func (s *fakeStore) set(f func(s *fakeStore)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s)
}

func (s *fakeStore) AppendResults(_ context.Context, rs []sitrep.Result) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.appendErr != nil {
		return s.appendErr
	}
	s.results = append(s.results, rs...)
	s.batches = append(s.batches, len(rs))
	return nil
}

func (s *fakeStore) stored(id string) []sitrep.Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []sitrep.Result
	for _, r := range s.results {
		if r.MonitorID == id {
			out = append(out, r)
		}
	}
	return out
}

func (s *fakeStore) Results(_ context.Context, id string, from, to time.Time) ([]sitrep.Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []sitrep.Result
	for _, r := range s.results {
		if r.MonitorID == id && !r.Time.Before(from) && r.Time.Before(to) && !r.Time.Before(s.rawFrom[id]) {
			out = append(out, r)
		}
	}
	return out, nil
}

func (s *fakeStore) Rollups(_ context.Context, id string, res sitrep.Resolution, from, to time.Time) ([]sitrep.Rollup, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []sitrep.Rollup
	for _, r := range s.rollups {
		if r.MonitorID == id && r.Resolution == res && !r.Start.Before(from) && r.Start.Before(to) {
			out = append(out, r)
		}
	}
	return out, nil
}

func (s *fakeStore) OldestRaw(_ context.Context, id string) (time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var oldest time.Time
	for _, r := range s.results {
		if r.MonitorID == id && !r.Time.Before(s.rawFrom[id]) && (oldest.IsZero() || r.Time.Before(oldest)) {
			oldest = r.Time
		}
	}
	return oldest, nil
}

func (s *fakeStore) RecordStateChange(_ context.Context, c sitrep.StateChange) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.changeErr != nil {
		return s.changeErr
	}
	s.changes = append(s.changes, c)
	s.states[c.MonitorID] = sitrep.MonitorState{MonitorID: c.MonitorID, State: c.To, Since: c.At}
	return nil
}

func (s *fakeStore) changesOf(id string) []sitrep.StateChange {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []sitrep.StateChange
	for _, c := range s.changes {
		if c.MonitorID == id {
			out = append(out, c)
		}
	}
	return out
}

func (s *fakeStore) MonitorStates(context.Context) ([]sitrep.MonitorState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []sitrep.MonitorState
	for _, st := range s.states {
		out = append(out, st)
	}
	return out, nil
}

func (s *fakeStore) StateChanges(_ context.Context, id string, from, to time.Time) ([]sitrep.StateChange, error) {
	var out []sitrep.StateChange
	for _, c := range s.changesOf(id) {
		if !c.At.Before(from) && c.At.Before(to) {
			out = append(out, c)
		}
	}
	return out, nil
}

func (s *fakeStore) HeartbeatToken(_ context.Context, id, pinned string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case pinned != "":
		s.tokens[id] = pinned
	case s.tokens[id] == "":
		s.tokens[id] = "tok-" + id
	}
	return s.tokens[id], nil
}

func (s *fakeStore) HeartbeatByToken(_ context.Context, token string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, t := range s.tokens {
		if t == token {
			return id, nil
		}
	}
	return "", sitrep.Errorf(sitrep.ENOTFOUND, "unknown ping token")
}

func (s *fakeStore) RecordPing(_ context.Context, p sitrep.Ping) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pingErr != nil {
		return s.pingErr
	}
	s.pings = append(s.pings, p)
	return nil
}

func (s *fakeStore) LastPings(_ context.Context, id string, limit int) ([]sitrep.Ping, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []sitrep.Ping
	for i := len(s.pings) - 1; i >= 0 && len(out) < limit; i-- {
		if s.pings[i].MonitorID == id {
			out = append(out, s.pings[i])
		}
	}
	return out, nil
}

func (s *fakeStore) Maintain(context.Context, time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.maintains++
	return nil
}

func (s *fakeStore) Usage(context.Context) (sitrep.Usage, error) {
	return sitrep.Usage{Bytes: 1 << 20, Budget: 1 << 30}, nil
}

func (s *fakeStore) Writable(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writeErr
}

func (s *fakeStore) Close() error { return nil }

// fakeProber answers each monitor with a scripted sequence of statuses; the
// last one repeats.
type fakeProber struct {
	clock  *clock.Manual
	mu     sync.Mutex
	script map[string][]sitrep.ResultStatus
}

func (p *fakeProber) Probe(_ context.Context, m *sitrep.Monitor) sitrep.Result {
	p.mu.Lock()
	defer p.mu.Unlock()
	st := sitrep.ResultUp
	if s := p.script[m.ID]; len(s) > 0 {
		st = s[0]
		if len(s) > 1 {
			p.script[m.ID] = s[1:]
		}
	}
	r := sitrep.Result{Time: p.clock.Now(), Status: st, Latency: 5 * time.Millisecond}
	if st == sitrep.ResultDown {
		r.Error = "connect: connection refused"
	}
	return r
}

// fakeHeartbeat follows probe.HeartbeatResult's contract closely enough for
// the engine's tests.
func fakeHeartbeat(m *sitrep.Monitor, pings []sitrep.Ping, since, now time.Time) (sitrep.Result, bool) {
	limit := m.Heartbeat.Every + m.Heartbeat.Grace
	r := sitrep.Result{MonitorID: m.ID, Time: now, Status: sitrep.ResultUp}
	if len(pings) > 0 && pings[0].Kind == sitrep.PingFail {
		r.Status, r.Error = sitrep.ResultDown, "job reported failure"
		return r, true
	}
	last := since
	seen := false
	for _, p := range pings {
		if p.Kind == sitrep.PingSuccess {
			last, seen = p.Time, true
			break
		}
	}
	if now.Sub(last) > limit {
		r.Status, r.Error = sitrep.ResultDown, fmt.Sprintf("no ping for %v", now.Sub(last))
		return r, true
	}
	return r, seen
}

// countingObserver records store writes.
type countingObserver struct {
	sitrep.NopObserver
	mu       sync.Mutex
	writes   int
	failures int
	checks   int
}

func (o *countingObserver) StoreWrite(_ time.Duration, _ int, err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.writes++
	if err != nil {
		o.failures++
	}
}

func (o *countingObserver) CheckDone(sitrep.MonitorType, sitrep.ResultStatus, time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.checks++
}

// fixture is a started engine on a manual clock.
type fixture struct {
	t      *testing.T
	clock  *clock.Manual
	store  *fakeStore
	prober *fakeProber
	obs    *countingObserver
	e      *Engine
}

func newFixture(t *testing.T, store *fakeStore, opts Options, monitors ...sitrep.Monitor) *fixture {
	t.Helper()
	c := clock.NewManual(t0)
	if store == nil {
		store = newFakeStore()
	}
	f := &fixture{t: t, clock: c, store: store, prober: &fakeProber{clock: c, script: map[string][]sitrep.ResultStatus{}}, obs: &countingObserver{}}
	opts.Store, opts.Prober, opts.Heartbeat, opts.Clock, opts.Observer = store, f.prober, fakeHeartbeat, c, f.obs
	if opts.Location == "" {
		opts.Location = "oslo"
	}
	if opts.FlushInterval == 0 {
		opts.FlushInterval = time.Hour // tests flush by hand unless they say otherwise
	}
	if opts.MaintainInterval == 0 {
		opts.MaintainInterval = 24 * time.Hour
	}
	f.e = New(opts)
	if err := f.e.Start(context.Background(), monitors); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := f.e.Stop(context.Background()); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return f
}

func (f *fixture) script(id string, s ...sitrep.ResultStatus) {
	f.prober.mu.Lock()
	defer f.prober.mu.Unlock()
	f.prober.script[id] = s
}

// waitFor polls until cond holds; it waits on the engine's goroutines, not
// on the schedule, which only moves when the test moves the clock.
func (f *fixture) waitFor(what string, cond func() bool) {
	f.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			f.t.Fatalf("timed out waiting for %s", what)
		}
		runtime.Gosched()
	}
}

// idle is true while the scheduler waits for a future deadline and no check
// is running.
func (f *fixture) idle() bool {
	until, parked := f.e.sched.Parked()
	return parked && (until.IsZero() || until.After(f.clock.Now())) && f.e.sched.Stats().Running == 0
}

// runNext moves the clock to id's next run and waits until that check has
// been evaluated. It returns the run's time.
func (f *fixture) runNext(id string) time.Time {
	f.t.Helper()
	f.waitFor("scheduler idle", f.idle)
	next, ok := f.e.sched.NextRun(id)
	if !ok {
		f.t.Fatalf("%s is not scheduled", id)
	}
	started := f.e.sched.Stats().Started
	f.clock.Set(next)
	f.waitFor("check of "+id, func() bool { return f.e.sched.Stats().Started > started && f.idle() })
	return next
}

func (f *fixture) view(id string) sitrep.MonitorView {
	f.t.Helper()
	v, err := f.e.Monitor(context.Background(), id)
	if err != nil {
		f.t.Fatalf("Monitor(%s): %v", id, err)
	}
	return v
}

func tcpMonitor(id string, failures, successes int) sitrep.Monitor {
	return sitrep.Monitor{
		ID: id, Name: "Monitor " + id, Type: sitrep.MonitorTCP, Interval: time.Minute, Timeout: time.Second,
		FailuresToDown: failures, SuccessesToUp: successes,
		TCP: &sitrep.TCPCheck{Address: "127.0.0.1:9"},
	}
}

func heartbeatMonitor(id string) sitrep.Monitor {
	return sitrep.Monitor{
		ID: id, Name: "Backup " + id, Type: sitrep.MonitorHeartbeat, Interval: time.Minute,
		FailuresToDown: 1, SuccessesToUp: 1,
		Heartbeat: &sitrep.HeartbeatCheck{Every: 5 * time.Minute, Grace: time.Minute},
	}
}
