package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"sitrep"
)

var _ sitrep.AlertStore = (*Store)(nil)

const (
	alertCols = `id, key, monitor_ids, component_ids, route, policy, state, severity, level,
		triggered_ms, acked_ms, acked_by, resolved_ms, last_notified_ms, summary`
	alertColCount = 15
)

// CreateAlert inserts an alert with its events in one transaction.
func (s *Store) CreateAlert(ctx context.Context, a sitrep.Alert) error {
	if a.ID == "" || a.Key == "" {
		return sitrep.Errorf(sitrep.EINVALID, "an alert needs an id and a key")
	}
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM alerts WHERE key = ? AND state <> 'resolved'`), a.Key).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return sitrep.Errorf(sitrep.ECONFLICT, "an open alert with key %q exists already", a.Key)
		}
		args, err := alertArgs(&a)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO alerts (`+alertCols+`) VALUES (`+placeholders(alertColCount)+`)`), args...); err != nil {
			return err
		}
		return s.writeEvents(ctx, tx, a.Events)
	})
	if err != nil {
		return fmt.Errorf("create alert %s: %w", a.Key, err)
	}
	return nil
}

// UpdateAlert is a read-modify-write of one alert and its events in one
// write transaction (the row is locked FOR UPDATE on PostgreSQL; SQLite's
// single writer serialises). fn must not call the store.
func (s *Store) UpdateAlert(ctx context.Context, id string, fn func(*sitrep.Alert) error) (sitrep.Alert, error) {
	var out sitrep.Alert
	var fnErr error
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		as, err := s.readAlerts(ctx, tx, `WHERE id = ?`+s.d.forUpdate, id)
		if err != nil {
			return err
		}
		if len(as) == 0 {
			return alertNotFound(id)
		}
		out = as[0]
		work := as[0]
		work.MonitorIDs = append([]string(nil), work.MonitorIDs...)
		work.ComponentIDs = append([]string(nil), work.ComponentIDs...)
		if err := fn(&work); err != nil {
			fnErr = err
			return err
		}
		work.ID = id
		args, err := alertArgs(&work)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE alerts SET key = ?, monitor_ids = ?, component_ids = ?, route = ?, policy = ?,
			state = ?, severity = ?, level = ?, triggered_ms = ?, acked_ms = ?, acked_by = ?, resolved_ms = ?,
			last_notified_ms = ?, summary = ? WHERE id = ?`), append(args[1:], id)...); err != nil {
			return err
		}
		if err := s.writeEvents(ctx, tx, work.Events); err != nil {
			return err
		}
		as, err = s.readAlerts(ctx, tx, `WHERE id = ?`, id)
		if err != nil {
			return err
		}
		out = as[0]
		return nil
	})
	if fnErr != nil {
		return out, fnErr
	}
	if err != nil {
		return sitrep.Alert{}, fmt.Errorf("update alert %s: %w", id, err)
	}
	return out, nil
}

// Alert returns one alert.
func (s *Store) Alert(ctx context.Context, id string) (sitrep.Alert, error) {
	return s.oneAlert(ctx, `WHERE id = ?`, id, func() error { return alertNotFound(id) })
}

// OpenAlertByKey returns the open alert with key.
func (s *Store) OpenAlertByKey(ctx context.Context, key string) (sitrep.Alert, error) {
	return s.oneAlert(ctx, `WHERE key = ? AND state <> 'resolved'`, key, func() error {
		return sitrep.Errorf(sitrep.ENOTFOUND, "no open alert with key %q", key)
	})
}

func (s *Store) oneAlert(ctx context.Context, where, arg string, notFound func() error) (sitrep.Alert, error) {
	var as []sitrep.Alert
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		as, err = s.readAlerts(ctx, tx, where, arg)
		return err
	})
	if err != nil {
		return sitrep.Alert{}, fmt.Errorf("read alert %s: %w", arg, err)
	}
	if len(as) == 0 {
		return sitrep.Alert{}, notFound()
	}
	return as[0], nil
}

// Alerts lists alerts, newest first.
func (s *Store) Alerts(ctx context.Context, f sitrep.AlertFilter) ([]sitrep.Alert, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = defaultFindLimit
	}
	where := ``
	if f.OpenOnly {
		where = `WHERE state <> 'resolved'`
	}
	var as []sitrep.Alert
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		as, err = s.readAlerts(ctx, tx, where+` ORDER BY seq DESC LIMIT ?`, limit)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list alerts: %w", err)
	}
	return as, nil
}

func (s *Store) readAlerts(ctx context.Context, q querier, where string, args ...any) ([]sitrep.Alert, error) {
	rows, err := q.QueryContext(ctx, s.q(`SELECT `+alertCols+` FROM alerts `+where), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sitrep.Alert
	for rows.Next() {
		var a sitrep.Alert
		var mons, comps, state, sev string
		var trig, acked, resolved, notified int64
		if err := rows.Scan(&a.ID, &a.Key, &mons, &comps, &a.Route, &a.Policy, &state, &sev, &a.Level,
			&trig, &acked, &a.AckedBy, &resolved, &notified, &a.Summary); err != nil {
			return nil, err
		}
		if err := errors.Join(json.Unmarshal([]byte(mons), &a.MonitorIDs), json.Unmarshal([]byte(comps), &a.ComponentIDs)); err != nil {
			return nil, fmt.Errorf("decode alert %s: %w", a.ID, err)
		}
		a.State, a.Severity = sitrep.AlertState(state), sitrep.State(sev)
		a.TriggeredAt, a.AckedAt, a.ResolvedAt, a.LastNotifiedAt = fromMS(trig), fromMS(acked), fromMS(resolved), fromMS(notified)
		out = append(out, a)
	}
	return out, rows.Err()
}

func alertArgs(a *sitrep.Alert) ([]any, error) {
	switch a.State {
	case sitrep.AlertTriggered, sitrep.AlertAcknowledged, sitrep.AlertResolved:
	default:
		return nil, sitrep.Errorf(sitrep.EINVALID, "unknown alert state %q", a.State)
	}
	mons, err := json.Marshal(nonNil(a.MonitorIDs))
	if err != nil {
		return nil, err
	}
	comps, err := json.Marshal(nonNil(a.ComponentIDs))
	if err != nil {
		return nil, err
	}
	return []any{a.ID, a.Key, string(mons), string(comps), a.Route, a.Policy, string(a.State), string(a.Severity), a.Level,
		toMS(a.TriggeredAt), toMS(a.AckedAt), strings.TrimSpace(a.AckedBy), toMS(a.ResolvedAt), toMS(a.LastNotifiedAt), a.Summary}, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func alertNotFound(id string) error {
	return sitrep.Errorf(sitrep.ENOTFOUND, "no alert with id %q", id)
}
