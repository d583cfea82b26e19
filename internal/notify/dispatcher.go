package notify

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"sitrep"
)

// Limits shape one lane (one route key): how many workers send for it, how
// fast, and when its circuit opens.
type Limits struct {
	// Workers send concurrently for this lane; default 4.
	Workers int
	// Queue is how many claimed deliveries may wait for a worker; more are
	// put back for the next poll. Default 256.
	Queue int
	// Rate is sends per second (token bucket), with bursts of Burst; 0 =
	// unlimited.
	Rate  float64
	Burst int
	// BreakerThreshold consecutive failures open the circuit for
	// BreakerCooldown; defaults 5 and 1 minute.
	BreakerThreshold int
	BreakerCooldown  time.Duration
	// PerRecipient keeps one circuit per recipient instead of one for the
	// lane: right for subscriber webhooks, where each recipient is its own
	// server and one dead endpoint says nothing about the others.
	PerRecipient bool
}

func (l Limits) withDefaults() Limits {
	if l.Workers <= 0 {
		l.Workers = 4
	}
	if l.Queue <= 0 {
		l.Queue = 256
	}
	if l.Burst <= 0 {
		l.Burst = max(1, int(l.Rate))
	}
	if l.BreakerThreshold <= 0 {
		l.BreakerThreshold = 5
	}
	if l.BreakerCooldown <= 0 {
		l.BreakerCooldown = time.Minute
	}
	return l
}

// Options configure a Dispatcher. Store and Router senders are required.
type Options struct {
	Store  sitrep.OutboxStore
	Clock  sitrep.Clock // default the system clock
	Logger *slog.Logger
	// Expanders all run for every event; their deliveries are concatenated.
	Expanders []Expander
	Router    Router
	Metrics   Metrics
	// Poll is how often the outbox is read when nobody calls Kick;
	// default 1 s. Kick after a commit makes the first delivery immediate.
	Poll time.Duration
	// Batch is how many events and deliveries are read per round; default 256.
	Batch int
	// MaxInFlight caps deliveries claimed but not yet finished, across all
	// lanes (memory stays bounded however large the backlog); default 1024.
	// One lane's Queue is a fraction of it, so a stuck lane leaves room
	// for the others.
	MaxInFlight int
	Backoff     Backoff
	// MaxAge is how long a delivery is retried before it fails; default 24 h.
	MaxAge time.Duration
	// AttemptTimeout bounds one send; default 30 s. It must stay well
	// below the store's claim lease (sqlstore.OutboxLease, 2 min).
	AttemptTimeout time.Duration
	// Limits per route key; Default for keys not listed.
	Limits  map[string]Limits
	Default Limits
	// Rand returns a uniform float in [0, 1) for jitter; default math/rand/v2.
	Rand func() float64
}

// Dispatcher delivers the outbox: it expands pending events into
// deliveries, claims due deliveries and hands each to its lane, where a
// worker composes, sends and records the outcome. See the package comment
// for the guarantees.
type Dispatcher struct {
	store   sitrep.OutboxStore
	clock   sitrep.Clock
	log     *slog.Logger
	metrics Metrics
	opts    Options
	router  atomic.Pointer[Router]
	kick    chan struct{}
	// expandFailed is set when the last expansion failed, so the next
	// round reads the events again; only Run's goroutine uses it.
	expandFailed bool
	// inflight counts deliveries handed to lanes and not yet finished.
	inflight atomic.Int64

	mu    sync.Mutex
	lanes map[string]*lane
	wg    sync.WaitGroup

	events eventCache
}

// New checks opts and returns a dispatcher; Run starts it.
func New(opts Options) (*Dispatcher, error) {
	if opts.Store == nil {
		return nil, errors.New("notify: a store is required")
	}
	if opts.Clock == nil {
		opts.Clock = sitrep.SystemClock()
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Metrics == nil {
		opts.Metrics = nopMetrics{}
	}
	if opts.Poll <= 0 {
		opts.Poll = time.Second
	}
	if opts.Batch <= 0 {
		opts.Batch = 256
	}
	if opts.MaxInFlight <= 0 {
		opts.MaxInFlight = 1024
	}
	opts.Backoff = opts.Backoff.withDefaults()
	if opts.MaxAge <= 0 {
		opts.MaxAge = 24 * time.Hour
	}
	if opts.AttemptTimeout <= 0 {
		opts.AttemptTimeout = 30 * time.Second
	}
	if opts.Rand == nil {
		opts.Rand = rand.Float64
	}
	d := &Dispatcher{
		store:   opts.Store,
		clock:   opts.Clock,
		log:     opts.Logger.With("component", "notify"),
		metrics: opts.Metrics,
		opts:    opts,
		kick:    make(chan struct{}, 1),
		lanes:   map[string]*lane{},
		events:  eventCache{m: map[string]sitrep.Event{}},
	}
	r := opts.Router
	d.router.Store(&r)
	return d, nil
}

// SetRouter replaces the senders and composers, for a config reload.
// Deliveries already handed to a worker finish with the old ones.
func (d *Dispatcher) SetRouter(r Router) {
	d.router.Store(&r)
}

// Kick makes the dispatcher look at the outbox now instead of at the next
// poll. Call it after committing a change that carries events. It never
// blocks.
func (d *Dispatcher) Kick() {
	select {
	case d.kick <- struct{}{}:
	default:
	}
}

// Run dispatches until ctx ends, then waits for in-flight sends to finish
// (each bounded by AttemptTimeout) and returns nil.
func (d *Dispatcher) Run(ctx context.Context) error {
	defer d.wg.Wait()
	kicked := true // the first round reads everything left from before
	var lastRead time.Time
	for {
		// New events come with a kick (the store calls back after each
		// commit that wrote some); reading them on every poll too would
		// cost a query a second for nothing. The sweep catches what no
		// kick announced: another node's events, or an expansion that
		// failed and has to be tried again.
		now := d.clock.Now()
		readEvents := kicked || d.expandFailed || now.Sub(lastRead) >= eventSweep
		if readEvents {
			lastRead = now
		}
		if d.round(ctx, readEvents) {
			d.Kick()
		}
		t := d.clock.NewTimer(d.opts.Poll)
		kicked = false
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-d.kick:
			kicked = true
		case <-t.C():
		}
		t.Stop()
	}
}

// eventSweep is how often the outbox's events are read when no kick came.
const eventSweep = 15 * time.Second

// round runs the expand (when readEvents) and claim stages once and reports
// whether there is probably more to do right away.
func (d *Dispatcher) round(ctx context.Context, readEvents bool) bool {
	moreEvents := false
	if readEvents {
		moreEvents = d.expand(ctx)
	}
	moreDue := d.claim(ctx)
	return moreEvents || moreDue
}

// claim takes due deliveries and hands each to its lane.
func (d *Dispatcher) claim(ctx context.Context) bool {
	limit := min(d.opts.Batch, d.opts.MaxInFlight-int(d.inflight.Load()))
	if limit <= 0 {
		return false // workers kick when there is room again
	}
	now := d.clock.Now()
	var due []sitrep.Delivery
	var err error
	if ex, ok := d.store.(ExcludingClaimer); ok {
		due, err = ex.DueDeliveriesExcept(ctx, now, limit, d.fullChannels())
	} else {
		due, err = d.store.DueDeliveries(ctx, now, limit)
	}
	if err != nil {
		if ctx.Err() == nil {
			d.log.Error("claim due deliveries", "err", err)
		}
		return false
	}
	router := d.router.Load()
	full := false
	for _, dl := range due {
		l := d.lane(ctx, router.Key(dl))
		d.inflight.Add(1)
		if !l.offer(job{d: dl, claimed: now}) {
			d.inflight.Add(-1)
			// The lane is busy (slow or rate-limited provider): give the
			// delivery back rather than block the other lanes.
			full = true
			dl.NextAttemptAt = now.Add(d.opts.Poll)
			d.record(ctx, l.key, dl, OutcomeDeferred, 0)
		}
	}
	return len(due) == limit && !full
}

// lane returns the lane of a route key, starting its workers the first
// time.
func (d *Dispatcher) lane(ctx context.Context, key string) *lane {
	d.mu.Lock()
	defer d.mu.Unlock()
	if l, ok := d.lanes[key]; ok {
		return l
	}
	lim, ok := d.opts.Limits[key]
	if !ok {
		lim = d.opts.Default
	}
	l := newLane(key, lim.withDefaults(), d.opts.Batch, d.clock)
	d.lanes[key] = l
	for range l.limits.Workers {
		d.wg.Go(func() { d.work(ctx, l) })
	}
	return l
}

// ExcludingClaimer is implemented by stores that can leave some channels
// out of a claim (internal/sqlstore does). The dispatcher then never claims
// deliveries for a lane that is full, instead of claiming and handing them
// back, which would cost a write each.
type ExcludingClaimer interface {
	DueDeliveriesExcept(ctx context.Context, now time.Time, limit int, channels []string) ([]sitrep.Delivery, error)
}

// fullChannels lists the Delivery.Channel values of lanes that are full.
func (d *Dispatcher) fullChannels() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []string
	for _, l := range d.lanes {
		if l.full.Load() {
			out = append(out, l.channelNames()...)
		}
	}
	return out
}

// record stores a delivery's new state, logging a failure to do so: the
// claim lease brings the delivery back, so nothing is lost.
func (d *Dispatcher) record(ctx context.Context, key string, dl sitrep.Delivery, o Outcome, latency time.Duration) {
	d.metrics.Attempt(key, o, latency)
	if err := d.store.RecordAttempt(ctx, dl); err != nil {
		d.log.Error("record delivery attempt", "delivery", dl.ID, "channel", key, "err", err)
	}
}

// eventCache keeps recently read events: one event fans out to many
// deliveries, and each composer needs it.
type eventCache struct {
	mu sync.Mutex
	m  map[string]sitrep.Event
}

const eventCacheSize = 1024

func (c *eventCache) get(ctx context.Context, s sitrep.OutboxStore, id string) (sitrep.Event, error) {
	c.mu.Lock()
	e, ok := c.m[id]
	c.mu.Unlock()
	if ok {
		return e, nil
	}
	e, err := s.Event(ctx, id)
	if err != nil {
		return e, err
	}
	c.mu.Lock()
	if len(c.m) >= eventCacheSize {
		clear(c.m)
	}
	c.m[id] = e
	c.mu.Unlock()
	return e, nil
}
