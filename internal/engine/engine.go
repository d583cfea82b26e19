// Package engine is the running monitoring pipeline: the scheduler starts
// checks, results are buffered and written in batches, each monitor's
// results are evaluated in order, and a state change is stored before
// anyone can see it. Probes and storage are injected, so the engine knows
// nothing about HTTP or SQL.
package engine

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"sitrep"
	"sitrep/internal/schedule"
)

// Prober runs one check of a monitor. It never fails: a check that could not
// be done is a down result.
type Prober interface {
	Probe(ctx context.Context, m *sitrep.Monitor) sitrep.Result
}

// HeartbeatFunc judges a heartbeat monitor from its recent pings (newest
// first) at now; since is when the monitor was first seen. ok is false when
// there is no verdict yet. It is probe.HeartbeatResult, injected by the app.
type HeartbeatFunc func(m *sitrep.Monitor, pings []sitrep.Ping, since, now time.Time) (sitrep.Result, bool)

// Options configure an Engine. Store, Prober and Heartbeat are required.
type Options struct {
	Store     sitrep.Store
	Prober    Prober
	Heartbeat HeartbeatFunc
	Clock     sitrep.Clock
	Logger    *slog.Logger
	Observer  sitrep.Observer
	Location  string // default "local"
	// FlushInterval bounds how long a result stays in memory only, and so
	// what a kill -9 can lose. Default 1s.
	FlushInterval time.Duration
	// MaintainInterval is how often Store.Maintain runs. Default 1m.
	MaintainInterval time.Duration
	// MaxConcurrent and MaxPerHost limit running checks (see schedule).
	MaxConcurrent, MaxPerHost int
	// MaxBuffered caps results held while storage is failing; beyond it the
	// oldest are dropped and counted. Default 100,000.
	MaxBuffered int
	// OnStateChange, if set, is called after a state change has been stored
	// and made visible, so that component status and incident automation
	// react at once instead of on their next tick. It runs on the check's
	// goroutine with the monitor's lock held: it must not block or call back
	// into the engine.
	OnStateChange func(sitrep.StateChange)
}

// Defaults for Options.
const (
	DefaultFlushInterval    = time.Second
	DefaultMaintainInterval = time.Minute
	DefaultLocation         = "local"
	DefaultMaxBuffered      = 100_000
	// pingsKept is how many recent pings of a heartbeat are kept in memory.
	pingsKept = 10
)

// Engine runs the checks of the declared monitors. It implements
// sitrep.MonitorService and sitrep.HealthService.
type Engine struct {
	store         sitrep.Store
	prober        Prober
	heartbeat     HeartbeatFunc
	onChange      func(sitrep.StateChange)
	clock         sitrep.Clock
	log           *slog.Logger
	obs           sitrep.Observer
	location      string
	flushEvery    time.Duration
	maintainEvery time.Duration

	sched *schedule.Scheduler
	buf   *buffer

	// setMu serializes Start, SetMonitors and Stop.
	setMu   sync.Mutex
	resumed map[string]sitrep.MonitorState // last known state of monitors not (yet) configured
	cancel  context.CancelFunc
	loops   sync.WaitGroup
	started bool
	stopped bool // an engine runs once

	mu   sync.RWMutex
	mons map[string]*monState
	list []*monState // sorted by id

	// gen is bumped on every visible change, stateGen only when a state or
	// the set of monitors changes; see Monitors.
	gen      atomic.Uint64
	stateGen atomic.Uint64
	snap     atomic.Pointer[snapshot]
	snapMu   sync.Mutex // one rebuild at a time
}

type snapshot struct {
	gen, stateGen uint64
	built         time.Time
	views         []sitrep.MonitorView
}

var (
	_ sitrep.MonitorService = (*Engine)(nil)
	_ sitrep.HealthService  = (*Engine)(nil)
)

// New returns an engine; call Start to run it.
func New(opts Options) *Engine {
	if opts.Clock == nil {
		opts.Clock = sitrep.SystemClock()
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Observer == nil {
		opts.Observer = sitrep.NopObserver{}
	}
	e := &Engine{
		store:         opts.Store,
		prober:        opts.Prober,
		heartbeat:     opts.Heartbeat,
		onChange:      opts.OnStateChange,
		clock:         opts.Clock,
		log:           opts.Logger.With("component", "engine"),
		obs:           opts.Observer,
		location:      cmp.Or(opts.Location, DefaultLocation),
		flushEvery:    cmp.Or(opts.FlushInterval, DefaultFlushInterval),
		maintainEvery: cmp.Or(opts.MaintainInterval, DefaultMaintainInterval),
		buf:           newBuffer(cmp.Or(opts.MaxBuffered, DefaultMaxBuffered)),
		resumed:       make(map[string]sitrep.MonitorState),
		mons:          make(map[string]*monState),
	}
	e.sched = schedule.New(schedule.Options{
		Clock:         opts.Clock,
		Logger:        opts.Logger,
		Observer:      opts.Observer,
		Run:           e.runCheck,
		MaxConcurrent: opts.MaxConcurrent,
		MaxPerHost:    opts.MaxPerHost,
	})
	return e
}

// Start resumes the monitors' states from storage and starts checking them.
// ctx bounds the start only; the engine runs until Stop.
func (e *Engine) Start(ctx context.Context, monitors []sitrep.Monitor) error {
	e.setMu.Lock()
	defer e.setMu.Unlock()
	if e.started || e.stopped {
		return errors.New("start engine: an engine starts only once")
	}
	states, err := e.store.MonitorStates(ctx)
	if err != nil {
		return fmt.Errorf("load monitor states: %w", err)
	}
	for _, st := range states {
		e.resumed[st.MonitorID] = st
	}
	if err := e.apply(ctx, monitors); err != nil {
		return err
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	e.cancel = cancel
	e.started = true
	e.sched.Start(runCtx)
	e.scheduleAll()
	e.loops.Add(2)
	go e.every(runCtx, e.flushEvery, e.flushTick)
	go e.every(runCtx, e.maintainEvery, e.maintain)
	return nil
}

// SetMonitors applies a reloaded configuration: new monitors start, changed
// ones keep their state and counters, removed ones stop. Stored history is
// never touched.
func (e *Engine) SetMonitors(ctx context.Context, monitors []sitrep.Monitor) error {
	e.setMu.Lock()
	defer e.setMu.Unlock()
	if err := e.apply(ctx, monitors); err != nil {
		return err
	}
	if e.started {
		e.scheduleAll()
	}
	return nil
}

// Stop stops scheduling, waits for running checks (bounded by ctx), and
// writes every buffered result.
func (e *Engine) Stop(ctx context.Context) error {
	e.setMu.Lock()
	defer e.setMu.Unlock()
	if !e.started {
		return nil
	}
	e.started, e.stopped = false, true
	var errs []error
	if err := e.sched.Stop(ctx); err != nil {
		errs = append(errs, fmt.Errorf("wait for running checks: %w", err))
	}
	e.cancel()
	e.loops.Wait()
	flushCtx := ctx
	if ctx.Err() != nil {
		// Results already taken must still get their chance to be written.
		var cancel context.CancelFunc
		flushCtx, cancel = context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
	}
	if err := e.Flush(flushCtx); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// HeartbeatToken returns the ping token of a heartbeat monitor ("" if id is
// not a configured heartbeat monitor).
func (e *Engine) HeartbeatToken(id string) string {
	ms := e.lookup(id)
	if ms == nil {
		return ""
	}
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return ms.token
}

// DroppedResults is how many results were dropped because storage failed
// for longer than the buffer could hold.
func (e *Engine) DroppedResults() uint64 { return e.buf.droppedCount() }

func (e *Engine) lookup(id string) *monState {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.mons[id]
}

func (e *Engine) scheduleAll() {
	e.mu.RLock()
	ms := make([]*sitrep.Monitor, len(e.list))
	for i, s := range e.list {
		ms[i] = s.monitor()
	}
	e.mu.RUnlock()
	e.sched.Update(ms)
}

// every runs f every d until ctx ends.
func (e *Engine) every(ctx context.Context, d time.Duration, f func(context.Context)) {
	defer e.loops.Done()
	t := e.clock.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C():
		}
		f(ctx)
		t.Reset(d)
	}
}

func (e *Engine) maintain(ctx context.Context) {
	if err := e.store.Maintain(ctx, e.clock.Now()); err != nil && ctx.Err() == nil {
		e.log.Error("storage maintenance failed", "err", err)
	}
}

// sortByID orders monitor states for stable listings.
func sortByID(list []*monState) {
	slices.SortFunc(list, func(a, b *monState) int { return cmp.Compare(a.id, b.id) })
}
