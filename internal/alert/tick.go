package alert

import (
	"context"
	"errors"
	"time"

	"sitrep"
)

// Run calls Tick every TickEvery until ctx is done.
func (m *Manager) Run(ctx context.Context) error {
	t := m.clock.NewTimer(m.opts.TickEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C():
			if err := m.Tick(ctx); err != nil {
				m.log.Error("alert tick", "err", err)
			}
			t.Reset(m.opts.TickEvery)
		}
	}
}

// Tick escalates and reminds unacknowledged alerts that are due, and pages
// monitors whose maintenance ended or that stopped flapping while failing.
func (m *Manager) Tick(ctx context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.clock.Now()
	var errs []error
	for _, a := range m.openAlertsLocked() {
		if a.State == sitrep.AlertTriggered {
			errs = append(errs, m.nudgeLocked(ctx, a, now))
		}
	}
	errs = append(errs, m.reconcileLocked(ctx, now, nil))
	return errors.Join(errs...)
}

// nudgeLocked escalates a to the deepest level that is due, or else sends
// a reminder when repeat_every has passed since anyone was last paged.
func (m *Manager) nudgeLocked(ctx context.Context, a *sitrep.Alert, now time.Time) error {
	level := a.Level
	if p := m.cat.policies[a.Policy]; p != nil {
		for i := a.Level + 1; i < len(p.Levels); i++ {
			if !now.Before(a.TriggeredAt.Add(p.Levels[i].After)) {
				level = i
			}
		}
	}
	var kind sitrep.EventKind
	switch r := m.cat.routeByID[a.Route]; {
	case level > a.Level:
		kind = sitrep.EventAlertEscalated
	case r != nil && r.RepeatEvery > 0 && !now.Before(a.LastNotifiedAt.Add(r.RepeatEvery)):
		kind = sitrep.EventAlertReminder
	default:
		return nil
	}
	updated, err := m.store.UpdateAlert(ctx, a.ID, func(a *sitrep.Alert) error {
		if a.State != sitrep.AlertTriggered || a.Level >= level && kind == sitrep.EventAlertEscalated {
			return errUnchanged
		}
		a.Level, a.LastNotifiedAt = level, now
		a.Events = []sitrep.Event{m.event(a, kind, now)}
		return nil
	})
	if err == nil {
		m.log.Info("alert "+string(kind), "alert", a.ID, "level", level)
	}
	return m.keepLocked(updated, err)
}
