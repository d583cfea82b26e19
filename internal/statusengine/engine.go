// Package statusengine runs the status side of sitrep: it follows monitor
// states, keeps incidents and maintenance windows moving (automation), and
// publishes an immutable snapshot of every public page whenever what the
// page shows changes. The decisions themselves live in internal/status and
// internal/incident; this package adds time, storage and concurrency.
package statusengine

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"maps"
	"sync"
	"sync/atomic"
	"time"

	"sitrep"
	"sitrep/internal/incident"
)

// MonitorSource is the monitoring engine as the status engine sees it.
type MonitorSource interface {
	Monitors(ctx context.Context) ([]sitrep.MonitorView, error)
}

// RollupSource gives the aggregates the uptime bars are drawn from.
type RollupSource interface {
	Rollups(ctx context.Context, monitorID string, res sitrep.Resolution, from, to time.Time) ([]sitrep.Rollup, error)
}

// Options are the engine's dependencies.
type Options struct {
	Incidents    sitrep.IncidentStore
	Maintenances sitrep.MaintenanceStore
	Monitors     MonitorSource
	Rollups      RollupSource
	Clock        sitrep.Clock
	Logger       *slog.Logger
	// Tick is how often the engine re-evaluates without being poked
	// (default 5s): automation deadlines are measured on it.
	Tick time.Duration
	// OnIncidentMetrics, when set, receives an incident's response times
	// once, when it is resolved (for Prometheus histograms).
	OnIncidentMetrics func(sitrep.IncidentMetrics)
	// OnAction, when set, is told of every automation action that was
	// stored (opened incidents, updates, nudges, reminders, maintenance
	// steps), so that notifications can follow. It runs on the engine's
	// goroutine and must not block.
	OnAction func(incident.Action)
}

// Engine is the running status engine. It implements
// sitrep.StatusPageService, sitrep.IncidentService and
// sitrep.MaintenanceService.
type Engine struct {
	opts Options
	log  *slog.Logger

	// mu serialises everything that changes the world: evaluation,
	// services and reloads. Reads of snapshots do not take it.
	mu       sync.Mutex
	cat      *catalog
	recs     *records
	monitors map[string]sitrep.MonitorState
	tracked  map[string]sitrep.ComponentState
	uptime   *uptimeCache
	// declaredAt stands for the components' created_at in /api/v2, which
	// sitrep does not track per component.
	declaredAt time.Time
	started    bool

	pub   *publisher
	muted atomic.Pointer[map[string]bool]
	// seed keys the snapshot hashes; they are compared only within this process.
	seed maphash.Seed

	poke    chan struct{}
	cancel  context.CancelFunc
	done    chan struct{}
	stopped bool
}

var (
	_ sitrep.StatusPageService  = (*Engine)(nil)
	_ sitrep.IncidentService    = (*Engine)(nil)
	_ sitrep.MaintenanceService = (*Engine)(nil)
)

// New checks the options and the catalog and compiles the automation
// templates; a broken catalog fails here, not during an outage.
func New(opts Options, cat Catalog) (*Engine, error) {
	switch {
	case opts.Incidents == nil:
		return nil, errors.New("statusengine: Options.Incidents is required")
	case opts.Maintenances == nil:
		return nil, errors.New("statusengine: Options.Maintenances is required")
	case opts.Monitors == nil:
		return nil, errors.New("statusengine: Options.Monitors is required")
	case opts.Rollups == nil:
		return nil, errors.New("statusengine: Options.Rollups is required")
	}
	if opts.Clock == nil {
		opts.Clock = sitrep.SystemClock()
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Tick <= 0 {
		opts.Tick = 5 * time.Second
	}
	c, err := compileCatalog(cat)
	if err != nil {
		return nil, err
	}
	return &Engine{
		opts:       opts,
		log:        opts.Logger.With("component", "statusengine"),
		cat:        c,
		recs:       newRecords(),
		monitors:   map[string]sitrep.MonitorState{},
		uptime:     newUptimeCache(),
		declaredAt: opts.Clock.Now(),
		pub:        newPublisher(),
		seed:       maphash.MakeSeed(),
		poke:       make(chan struct{}, 1),
	}, nil
}

// Start loads the open and recent records, builds the first snapshots and
// starts the loop. The loop stops with Stop, not with ctx, which only
// bounds the start.
func (e *Engine) Start(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.started {
		return errors.New("statusengine: already started")
	}
	now := e.opts.Clock.Now()
	if err := e.recs.load(ctx, e.opts.Incidents, e.opts.Maintenances, now); err != nil {
		return err
	}
	e.evaluateLocked(ctx)
	e.started = true
	loopCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	e.cancel = cancel
	e.done = make(chan struct{})
	timer := e.opts.Clock.NewTimer(e.opts.Tick)
	go e.loop(loopCtx, timer, now)
	return nil
}

// Stop ends the loop and waits for a running evaluation to finish, or for
// ctx to end.
func (e *Engine) Stop(ctx context.Context) error {
	e.mu.Lock()
	if !e.started || e.stopped {
		e.mu.Unlock()
		return nil
	}
	e.stopped = true
	e.cancel()
	done := e.done
	e.mu.Unlock()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("stop status engine: %w", ctx.Err())
	}
}

// Poke asks for a re-evaluation now, e.g. because a monitor changed state.
// It never blocks: pokes that arrive while one is pending merge.
func (e *Engine) Poke() {
	select {
	case e.poke <- struct{}{}:
	default:
	}
}

// Refresh evaluates now and returns when the snapshots are up to date:
// for the app after a reload, and for tests, which must not wait on the
// loop.
func (e *Engine) Refresh(ctx context.Context) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.evaluateLocked(ctx)
}

// SetCatalog replaces the declared components, pages and automation
// settings and rebuilds everything from them.
func (e *Engine) SetCatalog(ctx context.Context, cat Catalog) error {
	c, err := compileCatalog(cat)
	if err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.cat = c
	if e.started {
		e.evaluateLocked(ctx)
	}
	return nil
}

// MutedMonitors returns the monitors of components under an active
// maintenance window, whose alerts must be held back. It never waits for
// an evaluation: alerting asks on its own hot path. The map is the
// caller's.
func (e *Engine) MutedMonitors() map[string]bool {
	if m := e.muted.Load(); m != nil {
		return maps.Clone(*m)
	}
	return map[string]bool{}
}

// pokeGap is the least time between two evaluations caused by pokes: a
// storm of state changes is folded into one rebuild a second.
const pokeGap = time.Second

func (e *Engine) loop(ctx context.Context, timer sitrep.Timer, last time.Time) {
	defer close(e.done)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C():
		case <-e.poke:
			if wait := pokeGap - e.opts.Clock.Now().Sub(last); wait > 0 {
				timer.Stop()
				timer.Reset(wait)
				continue
			}
		}
		wait := e.opts.Tick
		e.mu.Lock()
		if ctx.Err() == nil {
			e.evaluateLocked(ctx)
			// The tick catches deadlines measured in minutes (nudges,
			// windows); an outage about to cross auto_open_after is
			// woken for exactly.
			if d := e.untilNextAutoOpenLocked(e.opts.Clock.Now()); d > 0 && d < wait {
				wait = d
			}
		}
		e.mu.Unlock()
		last = e.opts.Clock.Now()
		timer.Stop()
		timer.Reset(wait)
	}
}
