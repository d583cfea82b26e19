package alert

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"sitrep"
)

var _ sitrep.AlertService = (*Manager)(nil)

// Alerts lists alerts from the store, newest first.
func (m *Manager) Alerts(ctx context.Context, f sitrep.AlertFilter) ([]sitrep.Alert, error) {
	return m.store.Alerts(ctx, f)
}

// Alert returns one alert.
func (m *Manager) Alert(ctx context.Context, id string) (sitrep.Alert, error) {
	return m.store.Alert(ctx, id)
}

// Ack acknowledges an alert: it stops escalating and reminding. It still
// resolves by itself when its monitors recover.
func (m *Manager) Ack(ctx context.Context, id, by string) (sitrep.Alert, error) {
	by = strings.TrimSpace(by)
	if by == "" {
		by = "unknown"
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.clock.Now()
	a, err := m.store.UpdateAlert(ctx, id, func(a *sitrep.Alert) error {
		switch a.State {
		case sitrep.AlertResolved:
			return sitrep.Errorf(sitrep.ECONFLICT, "alert %s is resolved already; there is nothing to acknowledge", a.ID)
		case sitrep.AlertAcknowledged:
			return errUnchanged
		}
		a.State, a.AckedAt, a.AckedBy = sitrep.AlertAcknowledged, now, by
		return nil
	})
	if err != nil && !errors.Is(err, errUnchanged) {
		return sitrep.Alert{}, fmt.Errorf("acknowledge alert %s: %w", id, err)
	}
	if err := m.keepLocked(a, nil); err != nil {
		return sitrep.Alert{}, err
	}
	m.log.Info("alert acknowledged", "alert", id, "by", by)
	return a, nil
}

// AlertForToken returns the alert a valid acknowledgement token names.
func (m *Manager) AlertForToken(ctx context.Context, token string) (sitrep.Alert, error) {
	id, err := m.sign.Verify(token, m.clock.Now())
	if err != nil {
		return sitrep.Alert{}, err
	}
	return m.store.Alert(ctx, id)
}

// AckToken acknowledges the alert a valid token names.
func (m *Manager) AckToken(ctx context.Context, token, by string) (sitrep.Alert, error) {
	id, err := m.sign.Verify(token, m.clock.Now())
	if err != nil {
		return sitrep.Alert{}, err
	}
	return m.Ack(ctx, id, by)
}

// AckURL returns the signed acknowledgement link of an alert.
func (m *Manager) AckURL(alertID string) string {
	return m.opts.PublicURL + "/ack/" + m.sign.Sign(alertID, m.clock.Now())
}

// OnCall says who is on call at a time, in one schedule or all.
func (m *Manager) OnCall(_ context.Context, schedule string, at time.Time) ([]sitrep.OnCall, error) {
	cat := m.catalog()
	if schedule != "" {
		s := cat.schedules[schedule]
		if s == nil {
			return nil, sitrep.Errorf(sitrep.ENOTFOUND, "no schedule %q; declared: %s", schedule, orNone(cat.scheduleIDs))
		}
		return OnCall(*s, at), nil
	}
	var out []sitrep.OnCall
	for _, id := range cat.scheduleIDs {
		out = append(out, OnCall(*cat.schedules[id], at)...)
	}
	return out, nil
}

func orNone(ids []string) string {
	if len(ids) == 0 {
		return "none"
	}
	return strings.Join(ids, ", ")
}
