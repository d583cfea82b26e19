package alert

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"sitrep"
)

// errUnchanged aborts an UpdateAlert whose premise no longer holds (another
// node acknowledged or resolved the alert first).
var errUnchanged = errors.New("alert unchanged")

// OnStateChange takes a monitor's state change from the engine: it may
// open an alert, add the monitor to an open one, or resolve one.
func (m *Manager) OnStateChange(ctx context.Context, c sitrep.StateChange) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.clock.Now()
	m.states[c.MonitorID] = c.To
	if c.From != c.To {
		m.changes[c.MonitorID] = append(m.pruneLocked(c.MonitorID, now), c.At)
	}
	var errs []error
	for _, a := range m.openAlertsLocked() {
		if slices.Contains(a.MonitorIDs, c.MonitorID) {
			errs = append(errs, m.settleLocked(ctx, a, now))
		}
	}
	errs = append(errs, m.reconcileLocked(ctx, now, []string{c.MonitorID}))
	return errors.Join(errs...)
}

// reconcileLocked pages for every failing monitor no open alert covers,
// unless it is muted by maintenance or flapping. Run on every change and
// tick, it also pages monitors whose maintenance ended while they were down
// and monitors that stopped flapping but stayed down.
// ids limits the work to some monitors (nil: all).
func (m *Manager) reconcileLocked(ctx context.Context, now time.Time, ids []string) error {
	covered := map[string]bool{}
	for _, a := range m.open {
		for _, id := range a.MonitorIDs {
			covered[id] = true
		}
	}
	var muted map[string]bool
	if m.opts.Muted != nil {
		muted = m.opts.Muted()
	}
	if ids == nil {
		ids = make([]string, 0, len(m.states))
		for id := range m.states {
			ids = append(ids, id)
		}
		slices.Sort(ids) // deterministic order of alerts and events
	}
	var errs []error
	for _, id := range ids {
		st := m.states[id]
		r := m.cat.route(id, st)
		if r == nil || covered[id] || m.mutedLocked(id, muted) || m.flappingLocked(id, now) {
			continue
		}
		if err := m.pageLocked(ctx, r, id, st, now); err != nil {
			errs = append(errs, fmt.Errorf("page for monitor %s: %w", id, err))
		}
	}
	return errors.Join(errs...)
}

func (m *Manager) mutedLocked(id string, muted map[string]bool) bool {
	if muted[id] {
		return true
	}
	for _, comp := range m.cat.components[id] {
		if muted[comp] {
			return true
		}
	}
	return false
}

// pageLocked adds monitor id to the open alert of its grouping key, or
// opens one. Joining an open alert sends nothing: the group pages once.
func (m *Manager) pageLocked(ctx context.Context, r *sitrep.AlertRoute, id string, st sitrep.State, now time.Time) error {
	key := m.cat.key(r, id)
	comps := m.cat.components[id]
	if a, ok := m.open[key]; ok {
		updated, err := m.store.UpdateAlert(ctx, a.ID, func(a *sitrep.Alert) error {
			if !a.Open() {
				return errUnchanged
			}
			a.MonitorIDs = appendNew(a.MonitorIDs, id)
			a.ComponentIDs = appendNew(a.ComponentIDs, comps...)
			a.Severity = worse(a.Severity, st)
			a.Summary = m.summary(a)
			return nil
		})
		return m.keepLocked(updated, err)
	}
	a := sitrep.Alert{
		ID:             m.opts.NewID(),
		Key:            key,
		MonitorIDs:     []string{id},
		ComponentIDs:   slices.Clone(comps),
		Route:          r.ID,
		Policy:         r.Escalation,
		State:          sitrep.AlertTriggered,
		Severity:       st,
		TriggeredAt:    now,
		LastNotifiedAt: now,
	}
	a.Summary = m.summary(&a)
	a.Events = []sitrep.Event{m.event(&a, sitrep.EventAlertTriggered, now)}
	if err := m.store.CreateAlert(ctx, a); err != nil {
		return fmt.Errorf("create alert %s: %w", key, err)
	}
	a.Events = nil
	m.open[key] = &a
	m.log.Info("alert triggered", "alert", a.ID, "key", key, "monitor", id)
	return nil
}

// settleLocked resolves a when none of its monitors fails any more, and
// otherwise keeps its severity current.
func (m *Manager) settleLocked(ctx context.Context, a *sitrep.Alert, now time.Time) error {
	r := m.cat.routeByID[a.Route]
	failing := false
	sev := sitrep.State("")
	for _, id := range a.MonitorIDs {
		st := m.states[id]
		if r == nil && st == sitrep.StateDown || r != nil && m.cat.matches(r, id, st) {
			failing = true
			sev = worse(sev, st)
		}
	}
	if failing {
		if sev == a.Severity {
			return nil
		}
		updated, err := m.store.UpdateAlert(ctx, a.ID, func(a *sitrep.Alert) error {
			if !a.Open() {
				return errUnchanged
			}
			a.Severity = sev
			return nil
		})
		return m.keepLocked(updated, err)
	}
	updated, err := m.store.UpdateAlert(ctx, a.ID, func(a *sitrep.Alert) error {
		if !a.Open() {
			return errUnchanged
		}
		a.State, a.ResolvedAt = sitrep.AlertResolved, now
		a.Events = []sitrep.Event{m.event(a, sitrep.EventAlertResolved, now)}
		return nil
	})
	if err == nil {
		m.log.Info("alert resolved", "alert", a.ID, "key", a.Key)
	}
	return m.keepLocked(updated, err)
}

// keepLocked records the outcome of an UpdateAlert in the open set.
func (m *Manager) keepLocked(a sitrep.Alert, err error) error {
	switch {
	case errors.Is(err, errUnchanged):
		// Someone else moved it on; a is the stored alert as it is now.
	case err != nil:
		return err
	}
	if a.ID == "" {
		return nil
	}
	a.Events = nil
	for k, o := range m.open {
		if o.ID == a.ID {
			delete(m.open, k)
		}
	}
	if a.Open() {
		m.open[a.Key] = &a
	}
	return nil
}

func (m *Manager) openAlertsLocked() []*sitrep.Alert {
	out := make([]*sitrep.Alert, 0, len(m.open))
	for _, a := range m.open {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b *sitrep.Alert) int { return a.TriggeredAt.Compare(b.TriggeredAt) })
	return out
}

func (m *Manager) event(a *sitrep.Alert, kind sitrep.EventKind, now time.Time) sitrep.Event {
	ev := sitrep.Event{
		ID:         m.opts.NewID(),
		Kind:       kind,
		At:         now,
		AlertID:    a.ID,
		Components: slices.Clone(a.ComponentIDs),
		OrderKey:   "alert:" + a.ID,
		Level:      a.Level,
	}
	if len(a.MonitorIDs) > 0 {
		ev.MonitorID = a.MonitorIDs[0]
	}
	return ev
}

func (m *Manager) summary(a *sitrep.Alert) string {
	names := make([]string, len(a.MonitorIDs))
	for i, id := range a.MonitorIDs {
		names[i] = m.cat.monitorName(id)
	}
	what := "down"
	if a.Severity == sitrep.StateDegraded {
		what = "degraded"
	}
	if len(names) == 1 {
		return names[0] + " is " + what
	}
	return fmt.Sprintf("%d monitors are %s: %s", len(names), what, joinNames(names))
}

func joinNames(names []string) string {
	out := ""
	for i, n := range names {
		if i > 0 {
			out += ", "
		}
		out += n
	}
	return out
}

func appendNew(list []string, items ...string) []string {
	for _, it := range items {
		if !slices.Contains(list, it) {
			list = append(list, it)
		}
	}
	return list
}

// worse returns the more serious of two monitor states.
func worse(a, b sitrep.State) sitrep.State {
	rank := func(s sitrep.State) int {
		switch s {
		case sitrep.StateDown:
			return 2
		case sitrep.StateDegraded:
			return 1
		}
		return 0
	}
	if rank(b) > rank(a) {
		return b
	}
	return a
}
