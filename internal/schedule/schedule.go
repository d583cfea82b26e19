// Package schedule decides when each monitor runs and runs its checks within
// concurrency limits. One goroutine keeps a min-heap of next-run times and
// sleeps on a single timer, so 50,000 monitors cost one timer and a heap
// operation per check, not a goroutine each.
package schedule

import (
	"container/heap"
	"context"
	"log/slog"
	"sync"
	"time"

	"sitrep"
)

// Defaults for the concurrency limits.
const (
	DefaultMaxConcurrent = 2048
	DefaultMaxPerHost    = 64
)

// RunFunc executes one check of m that was planned for planned. It must
// honour ctx, which is cancelled when Stop gives up waiting.
type RunFunc func(ctx context.Context, m *sitrep.Monitor, planned time.Time)

// Options configure a Scheduler. Run is required.
type Options struct {
	Clock    sitrep.Clock
	Logger   *slog.Logger
	Observer sitrep.Observer
	Run      RunFunc
	// MaxConcurrent caps checks running at once; MaxPerHost caps those
	// against one host (see Host), so sitrep never floods one target.
	MaxConcurrent int
	MaxPerHost    int
}

// Stats are counters for display and metrics.
type Stats struct {
	Monitors int
	Running  int
	Waiting  int // due, waiting for a global or per-host slot
	Started  uint64
	// Skipped counts runs not started because the monitor's previous check
	// was still running or waiting for a slot.
	Skipped uint64
	// Workers are the goroutines kept for running checks, busy or idle.
	Workers int
}

// Scheduler runs checks on time. Its methods are safe for concurrent use.
type Scheduler struct {
	clock    sitrep.Clock
	log      *slog.Logger
	obs      sitrep.Observer
	run      RunFunc
	maxAll   int
	maxHost  int
	wake     chan struct{}
	loopDone chan struct{}
	wg       sync.WaitGroup // running checks

	mu         sync.Mutex
	entries    map[string]*entry
	heap       entryHeap
	busy       map[string]bool // monitors with a check waiting or running
	hosts      map[string]*hostSlots
	running    int
	globalWait []*task
	idle       []*worker // waiting for a check, longest idle first
	workers    int       // alive, busy or idle
	started    uint64
	skipped    uint64
	stopped    bool
	// parked and armed say the timing goroutine is waiting with its timer set
	// for armed (zero: no timer). Tests on a manual clock read them to know
	// when it is safe to move time.
	parked    bool
	armed     time.Time
	stopLoop  context.CancelFunc
	cancelRun context.CancelFunc
	runCtx    context.Context
}

// hostSlots is the per-host limit: checks holding a slot, and those waiting
// for one in arrival order.
type hostSlots struct {
	active int
	wait   []*task
}

// task is one due check on its way to running.
type task struct {
	m       *sitrep.Monitor
	id      string
	host    string
	planned time.Time
}

// New returns a scheduler with no monitors; call Update and Start.
func New(opts Options) *Scheduler {
	if opts.Clock == nil {
		opts.Clock = sitrep.SystemClock()
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Observer == nil {
		opts.Observer = sitrep.NopObserver{}
	}
	if opts.MaxConcurrent <= 0 {
		opts.MaxConcurrent = DefaultMaxConcurrent
	}
	if opts.MaxPerHost <= 0 {
		opts.MaxPerHost = DefaultMaxPerHost
	}
	return &Scheduler{
		clock:    opts.Clock,
		log:      opts.Logger.With("component", "scheduler"),
		obs:      opts.Observer,
		run:      opts.Run,
		maxAll:   opts.MaxConcurrent,
		maxHost:  opts.MaxPerHost,
		wake:     make(chan struct{}, 1),
		loopDone: make(chan struct{}),
		entries:  make(map[string]*entry),
		busy:     make(map[string]bool),
		hosts:    make(map[string]*hostSlots),
	}
}

// Start starts the timing goroutine. Checks run with a context derived from
// ctx; cancelling ctx stops the scheduler as Stop would, without waiting.
func (s *Scheduler) Start(ctx context.Context) {
	loopCtx, stopLoop := context.WithCancel(ctx)
	runCtx, cancelRun := context.WithCancel(ctx)
	s.mu.Lock()
	s.stopLoop, s.cancelRun, s.runCtx = stopLoop, cancelRun, runCtx
	s.mu.Unlock()
	go s.loop(loopCtx)
}

// Update replaces the set of monitors. New monitors get their phase,
// removed ones stop (a check already running finishes), monitors whose
// interval changed are re-phased, and all others keep their next run time.
func (s *Scheduler) Update(monitors []*sitrep.Monitor) {
	s.mu.Lock()
	s.parked = false
	now := s.clock.Now()
	seen := make(map[string]bool, len(monitors))
	added := 0
	for _, m := range monitors {
		if _, ok := s.entries[m.ID]; !ok {
			added++
		}
	}
	for _, m := range monitors {
		seen[m.ID] = true
		iv := max(m.Interval, MinInterval)
		e, ok := s.entries[m.ID]
		if !ok {
			e = &entry{id: m.ID, m: m, interval: iv, host: Host(m), first: true}
			e.setNext(firstRun(m.ID, iv, added, now))
			s.entries[m.ID] = e
			heap.Push(&s.heap, e)
			continue
		}
		e.m, e.host = m, Host(m)
		if e.interval != iv {
			e.interval = iv
			e.setNext(NextRun(m.ID, iv, now))
			heap.Fix(&s.heap, e.index)
		}
	}
	for id, e := range s.entries {
		if !seen[id] {
			heap.Remove(&s.heap, e.index)
			delete(s.entries, id)
		}
	}
	s.mu.Unlock()
	s.poke()
}

// NextRun returns when the monitor is next due (false if not scheduled).
func (s *Scheduler) NextRun(id string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries[id]
	if !ok {
		return time.Time{}, false
	}
	return e.next, true
}

// Parked reports whether the timing goroutine is waiting on its timer, and
// until when (zero: nothing scheduled). Tests on a manual clock move time
// only while it is parked with a deadline in the future.
func (s *Scheduler) Parked() (until time.Time, parked bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.armed, s.parked
}

// Stats returns the current counters.
func (s *Scheduler) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := Stats{Monitors: len(s.entries), Running: s.running, Started: s.started, Skipped: s.skipped, Workers: s.workers}
	st.Waiting = len(s.globalWait)
	for _, h := range s.hosts {
		st.Waiting += len(h.wait)
	}
	return st
}

// Stop stops starting checks, drops those waiting for a slot and waits for
// running ones to finish. If ctx ends first, running checks are cancelled
// and Stop returns ctx's error without waiting for them further.
func (s *Scheduler) Stop(ctx context.Context) error {
	s.mu.Lock()
	stopLoop, cancelRun := s.stopLoop, s.cancelRun
	s.stopped = true
	s.reapIdleLocked(time.Time{})
	for _, t := range s.globalWait {
		delete(s.busy, t.id)
	}
	s.globalWait = nil
	for host, h := range s.hosts {
		for _, t := range h.wait {
			delete(s.busy, t.id)
		}
		h.wait = nil
		if h.active == 0 {
			delete(s.hosts, host)
		}
	}
	s.mu.Unlock()
	if stopLoop == nil {
		return nil // never started
	}
	stopLoop()
	<-s.loopDone

	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	defer cancelRun()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Scheduler) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// loop is the one timing goroutine. It never waits on a check: dispatching
// only queues or starts goroutines.
func (s *Scheduler) loop(ctx context.Context) {
	defer close(s.loopDone)
	timer := s.clock.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		s.mu.Lock()
		s.parked = false
		now := s.clock.Now()
		s.dispatchDueLocked(now)
		s.reapIdleLocked(now)
		var armed time.Time
		if len(s.heap) > 0 {
			armed = s.heap[0].next
		}
		s.mu.Unlock()
		if armed.IsZero() {
			timer.Stop()
		} else {
			timer.Reset(armed.Sub(now))
		}
		s.mu.Lock()
		s.parked, s.armed = true, armed
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-timer.C():
		}
	}
}

// Coalesce lets checks due within this much of now start with those due
// now: at most one timer wake-up per 50 ms instead of one per check. On a
// lightly loaded machine each wake-up costs far more than the checks it
// starts (threads and the runtime's sysmon are woken, and on a VM every idle
// vCPU that wakes costs a VM exit), so batching is most of the CPU a check
// costs above the network itself: at 10,000 monitors every 30 s, whole
// process CPU per check was 0.29 ms with 10 ms, 0.20 with 25 ms and 0.16 with
// 50 ms (docs/benchmarks.md). A check starts at most this early, which is
// invisible against any interval (at least MinInterval), and never late.
const Coalesce = 50 * time.Millisecond

func (s *Scheduler) dispatchDueLocked(now time.Time) {
	horizon := now.Add(Coalesce)
	for !s.stopped && len(s.heap) > 0 && s.heap[0].next.Before(horizon) {
		e := s.heap[0]
		planned := e.next
		e.setNext(planned.Add(e.interval))
		if e.first {
			e.first = false
			e.setNext(NextRun(e.id, e.interval, planned.Add(e.interval/2)))
		}
		if !e.next.After(now) {
			// More than an interval behind: run once, late, and rejoin the
			// phase instead of firing a burst of catch-up runs.
			e.setNext(NextRun(e.id, e.interval, now))
		}
		heap.Fix(&s.heap, 0)
		if s.busy[e.id] {
			s.skipped++
			continue
		}
		s.busy[e.id] = true
		s.submitLocked(&task{m: e.m, id: e.id, host: e.host, planned: planned})
	}
}

// submitLocked takes a per-host slot, then a global one. A task that has to
// wait is parked in a queue, not in a goroutine, and is started by the
// check that frees its slot; so a hanging host holds at most MaxPerHost
// global slots and delays nobody else.
func (s *Scheduler) submitLocked(t *task) {
	if t.host != "" {
		h := s.hosts[t.host]
		if h == nil {
			h = &hostSlots{}
			s.hosts[t.host] = h
		}
		if h.active >= s.maxHost {
			h.wait = append(h.wait, t)
			return
		}
		h.active++
	}
	s.globalWait = append(s.globalWait, t)
	s.startWaitingLocked()
}

func (s *Scheduler) startWaitingLocked() {
	for s.running < s.maxAll && len(s.globalWait) > 0 {
		t := s.globalWait[0]
		s.globalWait[0] = nil
		s.globalWait = s.globalWait[1:]
		s.running++
		s.started++
		s.wg.Add(1)
		if n := len(s.idle); n > 0 {
			w := s.idle[n-1]
			s.idle = s.idle[:n-1]
			w.next <- t
		} else {
			s.workers++
			go s.work(s.runCtx, &worker{next: make(chan *task, 1)}, t)
		}
	}
}

// workerIdle is how long a worker may wait for its next check before the
// timing goroutine ends it.
const workerIdle = 5 * time.Second

// worker is a goroutine that runs checks one after another. Reusing them
// matters at hundreds of checks a second: a new goroutine's stack grows by
// copying several times during a check's dial and TLS calls, which cost
// more CPU than the handoff (docs/benchmarks.md). Idle workers wait on
// their own channel with no timer of their own, since resetting a timer
// per check wakes the network poller; the timing goroutine, awake anyway,
// ends the ones idle too long.
type worker struct {
	next      chan *task // buffered 1; nil ends the worker
	idleSince time.Time
}

func (s *Scheduler) work(ctx context.Context, w *worker, t *task) {
	for t != nil {
		s.execute(ctx, t)
		s.mu.Lock()
		if s.stopped {
			s.workers--
			s.mu.Unlock()
			return
		}
		// Last in, first out: busy workers stay warm and the ones at the
		// bottom age out.
		w.idleSince = s.clock.Now()
		s.idle = append(s.idle, w)
		s.mu.Unlock()
		t = <-w.next
	}
}

// reapIdleLocked ends workers idle since before now-workerIdle, or all of
// them when the scheduler stops.
func (s *Scheduler) reapIdleLocked(now time.Time) {
	n := 0
	for n < len(s.idle) && (s.stopped || now.Sub(s.idle[n].idleSince) >= workerIdle) {
		s.idle[n].next <- nil
		s.idle[n] = nil
		s.workers--
		n++
	}
	if n > 0 {
		s.idle = append(s.idle[:0], s.idle[n:]...)
	}
}

func (s *Scheduler) execute(ctx context.Context, t *task) {
	defer s.finish(t)
	defer func() {
		// A bug in one check must not take the scheduler down with it.
		if v := recover(); v != nil {
			s.log.Error("check panicked", "monitor", t.id, "panic", v)
		}
	}()
	s.obs.SchedulerLag(max(s.clock.Now().Sub(t.planned), 0))
	s.run(ctx, t.m, t.planned)
}

func (s *Scheduler) finish(t *task) {
	s.mu.Lock()
	delete(s.busy, t.id)
	s.running--
	if h := s.hosts[t.host]; t.host != "" && h != nil {
		h.active--
		if len(h.wait) > 0 && !s.stopped {
			next := h.wait[0]
			h.wait[0] = nil
			h.wait = h.wait[1:]
			h.active++
			s.globalWait = append(s.globalWait, next)
		}
		if h.active == 0 && len(h.wait) == 0 {
			delete(s.hosts, t.host)
		}
	}
	if !s.stopped {
		s.startWaitingLocked()
	}
	s.mu.Unlock()
	s.wg.Done()
}
