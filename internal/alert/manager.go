// Package alert pages staff: it turns monitor state changes into alerts
// through routes, groups monitors so one incident pages once, damps
// flapping monitors, stays quiet for components under maintenance, reminds
// and escalates while nobody acknowledges, and resolves when every monitor
// of an alert is well again. Every decision is written through an
// AlertStore together with the events it causes (the transactional outbox);
// the Expander and Composer then turn those events into deliveries and
// messages for the notification dispatcher.
package alert

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"sync"
	"time"

	"sitrep"
)

// Catalog is the declared configuration alerting works from. It is
// replaced as a whole on reload (SetCatalog).
type Catalog struct {
	Monitors   []sitrep.Monitor
	Components []sitrep.Component
	Routes     []sitrep.AlertRoute
	Policies   []sitrep.EscalationPolicy
	Schedules  []sitrep.Schedule
}

// Options tune a Manager. Zero values take the documented defaults.
type Options struct {
	Clock  sitrep.Clock
	Logger *slog.Logger
	// Muted returns what is under maintenance now (from the status
	// engine): monitor ids, or component ids whose monitors are all held
	// back. Muted monitors do not page. Nil mutes nothing.
	Muted func() map[string]bool
	// FlapChanges and FlapWindow: a monitor that changed state more than
	// FlapChanges times within FlapWindow is held back until it settles.
	// Defaults 5 and 1h.
	FlapChanges int
	FlapWindow  time.Duration
	// TickEvery is how often Run checks for escalations and reminders
	// (default 15s); it bounds how late an escalation can be.
	TickEvery time.Duration
	// NewID makes alert and event ids (default: 16 random hex digits).
	NewID func() string
	// AckKey signs acknowledgement links (required for AckURL in
	// messages and for AckToken); AckTTL is how long a link stays valid
	// (default 7 days).
	AckKey []byte
	AckTTL time.Duration
	// PublicURL is where people reach sitrep (no trailing slash), for the
	// acknowledgement links in messages.
	PublicURL string
}

// Manager decides when staff are paged. It is safe for concurrent use.
type Manager struct {
	store sitrep.AlertStore
	clock sitrep.Clock
	log   *slog.Logger
	opts  Options
	sign  *Signer

	mu      sync.Mutex
	cat     *catalog
	states  map[string]sitrep.State  // current state of each monitor
	changes map[string][]time.Time   // recent state changes per monitor, for flapping
	open    map[string]*sitrep.Alert // open alerts by key
}

// New returns a Manager; call Restore before feeding it state changes.
func New(store sitrep.AlertStore, c Catalog, o Options) *Manager {
	if o.Clock == nil {
		o.Clock = sitrep.SystemClock()
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.FlapChanges <= 0 {
		o.FlapChanges = 5
	}
	if o.FlapWindow <= 0 {
		o.FlapWindow = time.Hour
	}
	if o.TickEvery <= 0 {
		o.TickEvery = 15 * time.Second
	}
	if o.NewID == nil {
		o.NewID = randomID
	}
	if o.AckTTL <= 0 {
		o.AckTTL = 7 * 24 * time.Hour
	}
	return &Manager{
		sign:    NewSigner(o.AckKey, o.AckTTL),
		store:   store,
		clock:   o.Clock,
		log:     o.Logger.With("component", "alert"),
		opts:    o,
		cat:     newCatalog(c),
		states:  map[string]sitrep.State{},
		changes: map[string][]time.Time{},
		open:    map[string]*sitrep.Alert{},
	}
}

// SetCatalog replaces the configuration (on reload). Open alerts keep the
// route and policy they were opened with, looked up by id.
func (m *Manager) SetCatalog(c Catalog) {
	cat := newCatalog(c)
	m.mu.Lock()
	m.cat = cat
	m.mu.Unlock()
}

func (m *Manager) catalog() *catalog {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.cat
}

// Restore loads the open alerts and the monitors' last known states, so a
// restart neither pages again for what is already paged nor forgets to
// resolve. Monitors that are down without an alert are paged now.
func (m *Manager) Restore(ctx context.Context, states []sitrep.MonitorState) error {
	open, err := m.store.Alerts(ctx, sitrep.AlertFilter{OpenOnly: true})
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range open {
		a := open[i]
		m.open[a.Key] = &a
	}
	for _, s := range states {
		m.states[s.MonitorID] = s.State
	}
	return m.reconcileLocked(ctx, m.clock.Now(), nil)
}

func randomID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
